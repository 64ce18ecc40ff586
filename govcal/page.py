"""The year planner page: months across, bodies down, server-rendered HTML.

Each body's row shows its kept meetings (linkable by id, the target of the feeds'
"On the year planner" links; moved, added and extraordinary ones marked, with a
legend), its deadlines, and its compliance warnings; rows above show the bank
holidays of each nation the bodies are in and each school-term calendar's holidays
by name and dates. Links lead to the year before and after. Each body has a subscribe link with
a line on adding it to Google Calendar, Outlook and Apple Calendar. The page reads
on a phone (the grid scrolls sideways) and prints on one A4 landscape page.

The public page shows only the bodies that meet in public; an admin's private page
link shows them all. A page shows 50 bodies at a time, and a search narrows them (every
word found in a body's id or name), so a country's 20,000 bodies are one search away.

This module lays the page out as plain values (`Row`s of cells of `Mark`s); the HTML
is `templates/planner.html`, rendered by Jinja2 with autoescape on, so no text from a
rule file or the store reaches the page unescaped, and its style is
`static/planner.css` (the page carries no inline style or script: its Content-Security-
Policy allows only its own files).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta

from calendars.feed import webcal
from rules.errors import RuleError
from rules.loader import RuleSet
from rules.model import DEFAULT_NATION, NATION_NAMES, NATIONS, Body
from scheduler.checker import Finding
from scheduler.edits import cancellation_reason
from scheduler.occurrences import Status
from scheduler.papers import MeetingLink
from scheduler.terms import TermCalendar
from scheduler.workdays import FIRST_YEAR, LAST_YEAR, working_calendar

if TYPE_CHECKING:
    from jinja2 import Environment

# A page's own files only: no inline script or style, no other origin, no framing.
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
MONTHS_SHOWN = 12
PAGE_SIZE = 50  # bodies a page

# How a meeting that is not simply as the rules placed it is marked, and what the legend says.
FLAGS = {
    Status.MOVED: ("→", "moved from its usual date"),
    Status.ADDED: ("+", "added"),
    Status.EXTRAORDINARY: ("E", "extraordinary"),
}


@dataclass(frozen=True)
class Mark:
    """One line in a cell: a meeting, a deadline, a bank holiday or a school holiday."""

    kind: str  # "meeting", "deadline", "deadlines" (a month's, counted), "today", "holiday" or "school"
    text: str
    id: str = ""
    status: str = ""
    title: str = ""
    links: tuple[MeetingLink, ...] = ()  # a meeting's papers (templates/meeting_links.html)

    @property
    def flag(self) -> tuple[str, str] | None:
        """The mark beside a moved, added or extraordinary meeting, and what it means."""
        return FLAGS.get(Status(self.status)) if self.kind == "meeting" and self.status else None


@dataclass(frozen=True)
class Selection:
    """Which bodies a page shows: those matching a search (every word found in the body's id
    or name, any case), a page of `size` at a time (None: all of them, for a static export)."""

    query: str = ""
    page: int = 1
    size: int | None = PAGE_SIZE

    def choose(self, rules: RuleSet, private: bool) -> tuple[list[Body], int]:
        """This page's bodies (only public ones unless `private`), and how many match in all."""
        words = self.query.lower().split()
        matching = [
            body
            for body, text in rules.search_texts
            if (private or body.meetings.public) and all(map(text.__contains__, words))
        ]
        if self.size is None:
            return matching, len(matching)
        start = (self.page - 1) * self.size
        return matching[start : start + self.size], len(matching)

    def pages(self, total: int) -> int:
        return 1 if self.size is None else max(1, -(-total // self.size))

    def address(self, start: str, page: int = 1) -> str:
        """The page's own address for another year or page, the search kept."""
        asked = {"start": start} | ({"q": self.query} if self.query else {}) | ({"page": str(page)} if page > 1 else {})
        return "?" + urlencode(asked)


EVERY_PAGE = Selection()  # the first page of every body, no search


@dataclass(frozen=True)
class Subscribe:
    webcal: str
    https: str

    @property
    def label(self) -> str:
        """What the plain link is called: "https link" only when it is one."""
        return "https link" if self.https.startswith("https://") else "link"


@dataclass(frozen=True, slots=True)
class ShownMeeting:
    """A kept meeting as people are shown it (the planner page, the admin's pages, the API):
    read, and made fit for its reader, by the operations (`govcal.operations.kept`)."""

    id: str
    body: str
    cycle: str
    date: dt.date
    start: dt.datetime
    title: str
    status: str
    manual: bool  # set by an admin: a re-plan never moves it
    sequence: int
    explanation: str
    papers: tuple[MeetingLink, ...] = ()  # its agenda, papers, minutes, video


@dataclass(frozen=True, slots=True)
class ShownDeadline:
    """A kept deadline as people are shown it; `meeting` and `counted_from` name the meetings
    its date hangs on (none, where the reader may not see them)."""

    id: str
    body: str
    rule: str
    name: str
    date: dt.date
    due: dt.datetime
    status: str
    done: bool
    explanation: str
    meeting: str | None
    counted_from: str | None


@dataclass
class Row:
    """A row of the grid: its heading and a list of marks per month."""

    name: str
    cells: list[list[Mark]]
    subscribe: Subscribe | None = None
    private: bool = False
    warnings: list[str] = field(default_factory=list)  # rules broken
    preferences: list[str] = field(default_factory=list)  # preferences that gave way, or cannot be told
    href: str = ""  # where the body's name leads (the admin's page of the body), if anywhere
    body_id: str = ""  # the body's id, for a body's row


@cache
def templates() -> Environment:
    """govcal's page templates, autoescaped: the public planner page and the admin pages
    (Jinja2 imported here, by what renders: planning to the screen starts without it)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("govcal", "templates"), autoescape=select_autoescape(["html"]), keep_trailing_newline=True
    )


def _anchor(meeting_id: str) -> str:
    """A meeting's link on the public page: its own place in the grid."""
    return f"#{meeting_id}"


def _day(day: dt.date) -> str:
    return f"{day:%a} {day.day}"


def _month(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def planner_html(view: Mapping[str, Any]) -> str:
    """The public page (or an admin's page link) from `planner_view`'s values."""
    return templates().get_template("planner.html").render(view)


def planner_view(
    bodies: Sequence[Body],
    first_month: dt.date,
    meetings: Sequence[ShownMeeting],
    deadlines: Sequence[ShownDeadline],
    findings: Sequence[Finding],
    terms: Mapping[str, TermCalendar],
    feed_base: str,
    *,
    private: bool = False,
    selection: Selection = EVERY_PAGE,
    total: int | None = None,
    link: Callable[[str], str | None] | None = None,
    meeting_link: Callable[[str], str] = _anchor,
    body_link: Callable[[str], str] | None = None,
    today: dt.date | None = None,
    condensed: bool = False,
) -> dict[str, Any]:
    """What the grid templates show for twelve months from `first_month` for `bodies`.

    Only the bodies that meet in public, and nothing of the others, unless `private` (an
    admin's page): their meetings, deadlines and findings are left out here, whatever the
    caller passed in. `link` gives the address of the page starting at a month ("2027-04"),
    or None where there is none (a static export holds only some years); by default the
    server's, the search kept. `meeting_link` gives a meeting's address (the admin's panel;
    by default its place on the page). `today` marks the day in its month; `condensed` (the
    admin's grid, whose panels list them) gives a month's deadlines as a count.
    """
    shown = [body for body in bodies if private or body.meetings.public]
    ids = {body.id for body in shown}
    months = [first_month + relativedelta(months=i) for i in range(MONTHS_SHOWN)]
    last = months[-1] + relativedelta(months=1) - dt.timedelta(days=1)
    nations = sorted({body.nation for body in shown} or {DEFAULT_NATION}, key=NATIONS.index)
    rows = [
        *(_holiday_row(nation, months, last) for nation in nations),
        *_school_rows([terms[b.id] for b in shown if b.id in terms], months, last),
        *_body_rows(
            shown,
            months,
            last,
            [m for m in meetings if m.body in ids],
            [d for d in deadlines if d.body in ids],
            [f for f in findings if f.body in ids],
            feed_base,
            body_link,
            Shape(today, condensed),
        ),
    ]
    title = f"Year planner, {months[0]:%B %Y} to {months[-1]:%B %Y}"
    year_link = link or selection.address
    total = len(shown) if total is None else total
    pages = selection.pages(total)
    start = f"{first_month:%Y-%m}"
    first_shown = (selection.page - 1) * (selection.size or 0) + 1
    return dict(
        title=title,
        meeting_link=meeting_link,
        months=months,
        now_month=today.replace(day=1) if today else None,
        today=today,
        condensed=condensed,
        rows=rows,
        feed_base=feed_base,
        static=f"{feed_base}/static",
        private=private,
        flags=FLAGS.values(),
        earlier=_neighbour(first_month, -MONTHS_SHOWN, year_link),
        later=_neighbour(first_month, MONTHS_SHOWN, year_link),
        searchable=selection.size is not None,
        start=start,
        query=selection.query,
        counted=f"Bodies {first_shown:,} to {first_shown + len(shown) - 1:,} of {total:,}" if shown else "No bodies",
        previous_page=selection.address(start, selection.page - 1) if selection.page > 1 else None,
        next_page=selection.address(start, selection.page + 1) if selection.page < pages else None,
    )


def first_month(start: str) -> dt.date:
    """The first month a page asks for ("2026-04"), or a `RuleError` saying what is wrong."""
    try:
        first = dt.date.fromisoformat(f"{start}-01")
    except ValueError:
        raise RuleError("start must look like 2026-04") from None
    if not FIRST_YEAR <= first.year < LAST_YEAR:
        raise RuleError(f"start must be between {FIRST_YEAR} and {LAST_YEAR - 1}")
    return first


def default_first_month(today: dt.date) -> dt.date:
    """The April that starts the year containing `today`: the page shown when none is asked for."""
    return dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)


def _neighbour(first_month: dt.date, months: int, link: Callable[[str], str | None]) -> tuple[str, str] | None:
    """The address and label of the year before or after, if govcal plans it and it has a page."""
    start = first_month + relativedelta(months=months)
    address = link(f"{start:%Y-%m}") if FIRST_YEAR <= start.year < LAST_YEAR else None
    if address is None:
        return None
    end = start + relativedelta(months=MONTHS_SHOWN - 1)
    return address, f"{start:%B %Y} to {end:%B %Y}"


@dataclass(frozen=True)
class Shape:
    """How a grid's body rows are drawn: today marked (if given), deadlines counted rather than listed."""

    today: dt.date | None = None
    condensed: bool = False


def _body_rows(
    bodies: Sequence[Body],
    months: list[dt.date],
    last: dt.date,
    meetings: Sequence[ShownMeeting],
    deadlines: Sequence[ShownDeadline],
    findings: Sequence[Finding],
    feed_base: str,
    body_link: Callable[[str], str] | None,
    shape: Shape = Shape(),
) -> list[Row]:
    """A row per body: its meetings and deadlines by month, its subscribe link, what it breaks."""
    first = months[0]
    by_cell: dict[tuple[str, str], list[Mark]] = defaultdict(list)
    for m in meetings:
        if first <= m.date <= last:
            cancelled = m.status == Status.CANCELLED
            why = cancellation_reason(m.explanation) if cancelled else ""
            label = f"{_day(m.date)} cancelled" if cancelled else f"{_day(m.date)} {m.start:%H:%M}"
            label += f": {why}" if why else ""
            by_cell[(m.body, _month(m.date))].append(Mark("meeting", label, m.id, m.status, m.explanation, m.papers))
    if shape.today is not None and first <= shape.today <= last:
        _mark_today(by_cell, meetings, shape.today)
    due: dict[tuple[str, str], list[ShownDeadline]] = defaultdict(list)
    for d in deadlines:
        if first <= d.date <= last and d.status != Status.CANCELLED:
            due[(d.body, _month(d.date))].append(d)
    for cell, listed in due.items():
        if shape.condensed:
            said = f"{len(listed)} deadline{'' if len(listed) == 1 else 's'}"
            by_cell[cell].append(Mark("deadlines", said, title="; ".join(f"{_day(d.date)}: {d.name}" for d in listed)))
        else:
            by_cell[cell].extend(Mark("deadline", f"{_day(d.date)}: {d.name}", title=d.explanation) for d in listed)
    warnings: dict[str, list[str]] = defaultdict(list)
    preferences: dict[str, list[str]] = defaultdict(list)
    for finding in findings:
        if finding.ok is False:
            warnings[finding.body].append(f"{finding.message} ({finding.cite})")
        elif finding.warning:
            preferences[finding.body].append(finding.message)
    rows = []
    for body in bodies:
        subscribe = None
        if body.meetings.public:
            https = f"{feed_base}/feeds/bodies/{body.id}.ics"
            subscribe = Subscribe(webcal(https), https)
        cells = [by_cell[(body.id, _month(m))] for m in months]
        href = body_link(body.id) if body_link else ""
        rows.append(
            Row(
                body.name,
                cells,
                subscribe,
                not body.meetings.public,
                warnings[body.id],
                preferences[body.id],
                href,
                body.id,
            )
        )
    return rows


def _mark_today(by_cell: dict[tuple[str, str], list[Mark]], meetings: Sequence[ShownMeeting], today: dt.date) -> None:
    """A line for today among the meetings of today's month, where a body has any: those
    above it are past. (`by_cell` holds the meetings in date order; deadlines come later.)"""
    month = _month(today)
    before: dict[str, int] = defaultdict(int)
    for m in meetings:
        if _month(m.date) == month and m.date < today:
            before[m.body] += 1
    for (body_id, cell_month), cell in by_cell.items():
        if cell_month == month:
            cell.insert(before[body_id], Mark("today", f"Today, {_day(today)}"))


def _holiday_row(nation: str, months: list[dt.date], last: dt.date) -> Row:
    """A nation's bank holidays, each in its month."""
    holidays = working_calendar(nation).holidays_in(months[0], last)
    cells = [
        [Mark("holiday", f"{_day(d)} {name}") for d, name in holidays.items() if (d.year, d.month) == (m.year, m.month)]
        for m in months
    ]
    return Row(f"Bank holidays ({NATION_NAMES[nation]})", cells)


def _school_rows(calendars: Sequence[TermCalendar], months: list[dt.date], last: dt.date) -> list[Row]:
    """A row per term calendar: each holiday and half-term by name and dates, in every month it
    touches; "dates not published" where the authority has not published that year, with the
    holidays estimated from its pattern (marked so) where its file declares one."""
    rows = []
    for calendar in {c.source: c for c in calendars}.values():  # one row per calendar, however many bodies use it
        holidays = calendar.holidays_between(months[0], last)
        cells = []
        for m in months:
            end = m + relativedelta(months=1) - dt.timedelta(days=1)
            if all(calendar.is_school_holiday(m + dt.timedelta(days=i)) is None for i in range(end.day)):
                estimated = calendar.estimate.holidays(m.year - (m.month < 9)) if calendar.estimate else ()
                cells.append(
                    [
                        Mark("school", "dates not published"),
                        *(
                            Mark("school", f"{h.name} {h.dates} (estimated)")
                            for h in estimated
                            if h.start <= end and m <= h.end
                        ),
                    ]
                )
                continue
            cells.append([Mark("school", f"{h.name} {h.dates}") for h in holidays if h.start <= end and m <= h.end])
        rows.append(Row(f"School holidays ({calendar.authority})", cells))
    return rows
