"""The year planner page: months across, bodies down, plain server-rendered HTML.

Each body's row shows its kept meetings (linkable by id, the target of the feeds'
"On the year planner" links), its deadlines, and its compliance warnings; rows
above show bank holidays and school holidays. Each body has a subscribe link with
a line on adding it to Google Calendar, Outlook and Apple Calendar. The page reads
on a phone (the grid scrolls sideways) and prints on one A4 landscape page.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from html import escape

from dateutil.relativedelta import relativedelta

from rules.loader import RuleSet
from scheduler.checker import Finding
from scheduler.store import DeadlineRow, MeetingRow, stored_instant
from scheduler.terms import TermCalendar
from scheduler.workdays import DEFAULT_NATION, working_calendar

STYLE = """
body { font: 14px/1.35 system-ui, sans-serif; margin: 1rem; color: #1b1b1b; }
h1 { font-size: 1.3rem; margin: 0 0 .25rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; min-width: 60rem; }
th, td { border: 1px solid #ccc; padding: .25rem .35rem; vertical-align: top; font-size: .8rem; }
th[scope=row] { position: sticky; left: 0; background: #fff; text-align: left; min-width: 11rem; }
thead th { background: #eef2f6; position: sticky; top: 0; }
.meeting { display: block; font-weight: 600; }
.meeting.cancelled { text-decoration: line-through; color: #777; }
.meeting.moved::after, .meeting.added::after, .meeting.extraordinary::after { content: " *"; }
.deadline { display: block; color: #555; }
.holiday { color: #8a1c1c; display: block; }
.school { color: #225d8a; display: block; }
.warn { background: #fff1f0; color: #8a1c1c; font-weight: 600; }
.subscribe { font-size: .75rem; }
details { margin-top: .75rem; }
@media print {
  @page { size: A4 landscape; margin: 7mm; }
  body { margin: 0; font-size: 7pt; }
  th, td { font-size: 6pt; padding: 1px 2px; }
  .scroll { overflow: visible; }
  table { min-width: 0; width: 100%; }
  .subscribe, details, .noprint, .deadline { display: none; }  /* one A4 page: meetings only */
}
"""

HOWTO = (
    "Google Calendar: Other calendars, +, From URL, paste the https link. "
    "Outlook: Add calendar, Subscribe from web, paste it. "
    "Apple Calendar: File, New Calendar Subscription, paste the webcal link."
)


def _day(day: dt.date) -> str:
    return f"{day:%a} {day.day}"


def planner_html(
    rules: RuleSet,
    first_month: dt.date,
    meetings: Sequence[MeetingRow],
    deadlines: Sequence[DeadlineRow],
    findings: Sequence[Finding],
    terms: dict[str, TermCalendar],
    feed_base: str,
) -> str:
    """The page for twelve months from `first_month`; `feed_base` is the server's address."""
    months = [first_month + relativedelta(months=i) for i in range(12)]
    last = months[-1] + relativedelta(months=1) - dt.timedelta(days=1)
    by_cell: dict[tuple[str, str], list[str]] = defaultdict(list)
    for m in meetings:
        if first_month <= m.date <= last:
            label = (
                f"{_day(m.date)} {stored_instant(m.start):%H:%M}"
                if m.status != "cancelled"
                else f"{_day(m.date)} cancelled"
            )
            by_cell[(m.body_id, f"{m.date:%Y-%m}")].append(
                f'<a class="meeting {escape(m.status)}" id="{escape(m.id)}" href="#{escape(m.id)}" '
                f'title="{escape(m.explanation)}">{escape(label)}</a>'
            )
    for d in deadlines:
        if first_month <= d.date <= last and d.status != "cancelled":
            by_cell[(d.body_id, f"{d.date:%Y-%m}")].append(
                f'<span class="deadline" title="{escape(d.explanation)}">'
                f"{escape(_day(d.date))}: {escape(d.name)}</span>"
            )
    warnings: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.ok is False:
            warnings[finding.body].append(finding)

    head = "".join(f"<th scope=col>{m:%b %Y}</th>" for m in months)
    rows = [_holiday_row(months, last), *_school_rows(terms, months)]
    for body in rules:
        cells = "".join(f"<td>{''.join(by_cell[(body.id, f'{m:%Y-%m}')])}</td>" for m in months)
        warn = "".join(f"<div class=warn>{escape(f.message)} ({escape(str(f.cite))})</div>" for f in warnings[body.id])
        subscribe = ""
        if body.meetings.public:
            https = f"{feed_base}/feeds/bodies/{body.id}.ics"
            webcal = "webcal://" + https.split("://", 1)[1]
            subscribe = (
                f'<div class=subscribe><a href="{escape(webcal)}">Subscribe</a> · '
                f'<a href="{escape(https)}">https link</a></div>'
            )
        else:
            subscribe = "<div class=subscribe>Private: members use their own feed link.</div>"
        header = f"<th scope=row>{escape(body.name)}{subscribe}{warn}</th>"
        rows.append(f"<tr{' class=warnrow' if warnings[body.id] else ''}>{header}{cells}</tr>")
    title = f"Year planner, {months[0]:%B %Y} to {months[-1]:%B %Y}"
    return f"""<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{STYLE}</style></head>
<body><h1>{escape(title)}</h1>
<p class=noprint>Meetings in bold (* moved, added or extraordinary), deadlines below them; rules a schedule breaks are
shown in red under the body's name. <a href="{escape(feed_base)}/feeds/all.ics">All public meetings</a>.</p>
<div class=scroll><table><thead><tr><th scope=col>Body</th>{head}</tr></thead>
<tbody>{"".join(rows)}</tbody></table></div>
<details class=noprint><summary>How to subscribe</summary><p>{escape(HOWTO)} Subscribed calendars update by themselves
as the year changes (every hour or so, depending on the calendar).</p></details>
</body></html>"""


def _holiday_row(months: list[dt.date], last: dt.date) -> str:
    holidays = working_calendar(DEFAULT_NATION).holidays_in(months[0], last)
    cells = "".join(
        "<td>"
        + "".join(
            f"<span class=holiday>{escape(_day(d))} {escape(n)}</span>"
            for d, n in holidays.items()
            if (d.year, d.month) == (m.year, m.month)
        )
        + "</td>"
        for m in months
    )
    return f"<tr><th scope=row>Bank holidays (England and Wales)</th>{cells}</tr>"


def _school_rows(terms: dict[str, TermCalendar], months: list[dt.date]) -> list[str]:
    rows = []
    for calendar in {c.source: c for c in terms.values()}.values():  # one row per authority
        cells = []
        for m in months:
            end = m + relativedelta(months=1) - dt.timedelta(days=1)
            states = [calendar.is_school_holiday(m + dt.timedelta(days=i)) for i in range((end - m).days + 1)]
            if all(s is None for s in states):
                cells.append("<td><span class=school>not published</span></td>")
                continue
            weekdays = [
                m + dt.timedelta(days=i) for i, s in enumerate(states) if s and (m + dt.timedelta(days=i)).weekday() < 5
            ]
            cells.append(
                f"<td><span class=school>{len(weekdays)} holiday weekdays</span></td>" if weekdays else "<td></td>"
            )
        rows.append(f"<tr><th scope=row>{escape(calendar.authority)} school holidays</th>{''.join(cells)}</tr>")
    return rows
