"""The year planner page: months across, bodies down, server-rendered HTML.

Each body's row shows its kept meetings (linkable by id, the target of the feeds'
"On the year planner" links), its deadlines, and its compliance warnings; rows
above show bank holidays and school holidays. Each body has a subscribe link with
a line on adding it to Google Calendar, Outlook and Apple Calendar. The page reads
on a phone (the grid scrolls sideways) and prints on one A4 landscape page.

The public page shows only the bodies that meet in public; an admin's private page
link shows them all. This module lays the page out as plain values (`Row`s of cells of
`Mark`s); the HTML is `templates/planner.html`, rendered by Jinja2 with autoescape on,
so no text from a rule file or the store reaches the page unescaped, and its style is
`static/planner.css` (the page carries no inline style or script: its Content-Security-
Policy allows only its own files).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from dateutil.relativedelta import relativedelta
from jinja2 import Environment, PackageLoader, Template, select_autoescape

from rules.loader import RuleSet
from rules.model import DEFAULT_NATION, Body
from scheduler.checker import Finding
from scheduler.occurrences import Status
from scheduler.store.database import stored_instant
from scheduler.store.tables import DeadlineRow, MeetingRow
from scheduler.terms import TermCalendar
from scheduler.workdays import working_calendar

MONTHS_SHOWN = 12


@dataclass(frozen=True)
class Mark:
    """One line in a cell: a meeting, a deadline, a bank holiday or a school holiday."""

    kind: str  # "meeting", "deadline", "holiday" or "school"
    text: str
    id: str = ""
    status: str = ""
    title: str = ""


@dataclass(frozen=True)
class Subscribe:
    webcal: str
    https: str

    @property
    def label(self) -> str:
        """What the plain link is called: "https link" only when it is one."""
        return "https link" if self.https.startswith("https://") else "link"


@dataclass
class Row:
    """A row of the grid: its heading and a list of marks per month."""

    name: str
    cells: list[list[Mark]]
    subscribe: Subscribe | None = None
    private: bool = False
    warnings: list[str] = field(default_factory=list)


@cache
def _template() -> Template:
    environment = Environment(
        loader=PackageLoader("govcal", "templates"), autoescape=select_autoescape(["html"]), keep_trailing_newline=True
    )
    return environment.get_template("planner.html")


def _day(day: dt.date) -> str:
    return f"{day:%a} {day.day}"


def _month(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def planner_html(
    rules: RuleSet,
    first_month: dt.date,
    meetings: Sequence[MeetingRow],
    deadlines: Sequence[DeadlineRow],
    findings: Sequence[Finding],
    terms: Mapping[str, TermCalendar],
    feed_base: str,
    *,
    private: bool = False,
) -> str:
    """The page for twelve months from `first_month`; `feed_base` is the server's address.

    Only the bodies that meet in public, and nothing of the others, unless `private` (an
    admin's page): their meetings, deadlines and findings are left out here, whatever the
    caller passed in.
    """
    shown = [body for body in rules if private or body.meetings.public]
    ids = {body.id for body in shown}
    months = [first_month + relativedelta(months=i) for i in range(MONTHS_SHOWN)]
    last = months[-1] + relativedelta(months=1) - dt.timedelta(days=1)
    rows = [
        _holiday_row(months, last),
        *_school_rows(terms, months),
        *_body_rows(
            shown,
            months,
            last,
            [m for m in meetings if m.body_id in ids],
            [d for d in deadlines if d.body_id in ids],
            [f for f in findings if f.body in ids],
            feed_base,
        ),
    ]
    title = f"Year planner, {months[0]:%B %Y} to {months[-1]:%B %Y}"
    return _template().render(
        title=title, months=months, rows=rows, feed_base=feed_base, static=f"{feed_base}/static", private=private
    )


def _body_rows(
    bodies: Sequence[Body],
    months: list[dt.date],
    last: dt.date,
    meetings: Sequence[MeetingRow],
    deadlines: Sequence[DeadlineRow],
    findings: Sequence[Finding],
    feed_base: str,
) -> list[Row]:
    """A row per body: its meetings and deadlines by month, its subscribe link, what it breaks."""
    first = months[0]
    by_cell: dict[tuple[str, str], list[Mark]] = defaultdict(list)
    for m in meetings:
        if first <= m.date <= last:
            cancelled = m.status == Status.CANCELLED
            label = f"{_day(m.date)} cancelled" if cancelled else f"{_day(m.date)} {stored_instant(m.start):%H:%M}"
            by_cell[(m.body_id, _month(m.date))].append(Mark("meeting", label, m.id, m.status, m.explanation))
    for d in deadlines:
        if first <= d.date <= last and d.status != Status.CANCELLED:
            by_cell[(d.body_id, _month(d.date))].append(
                Mark("deadline", f"{_day(d.date)}: {d.name}", title=d.explanation)
            )
    warnings: dict[str, list[str]] = defaultdict(list)
    for finding in findings:
        if finding.ok is False:
            warnings[finding.body].append(f"{finding.message} ({finding.cite})")
    rows = []
    for body in bodies:
        subscribe = None
        if body.meetings.public:
            https = f"{feed_base}/feeds/bodies/{body.id}.ics"
            subscribe = Subscribe("webcal://" + https.split("://", 1)[1], https)
        cells = [by_cell[(body.id, _month(m))] for m in months]
        rows.append(Row(body.name, cells, subscribe, not body.meetings.public, warnings[body.id]))
    return rows


def _holiday_row(months: list[dt.date], last: dt.date) -> Row:
    holidays = working_calendar(DEFAULT_NATION).holidays_in(months[0], last)
    cells = [
        [Mark("holiday", f"{_day(d)} {name}") for d, name in holidays.items() if (d.year, d.month) == (m.year, m.month)]
        for m in months
    ]
    return Row("Bank holidays (England and Wales)", cells)


def _school_rows(terms: Mapping[str, TermCalendar], months: list[dt.date]) -> list[Row]:
    rows = []
    for calendar in {c.source: c for c in terms.values()}.values():  # one row per authority
        cells = []
        for m in months:
            end = m + relativedelta(months=1) - dt.timedelta(days=1)
            days = [m + dt.timedelta(days=i) for i in range((end - m).days + 1)]
            states = [calendar.is_school_holiday(day) for day in days]
            if all(s is None for s in states):
                cells.append([Mark("school", "not published")])
                continue
            weekdays = [day for day, s in zip(days, states, strict=True) if s and day.weekday() < 5]
            cells.append([Mark("school", f"{len(weekdays)} holiday weekdays")] if weekdays else [])
        rows.append(Row(f"{calendar.authority} school holidays", cells))
    return rows
