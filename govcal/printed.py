"""The calendar of meetings as a council prints it: a body a row, a month a column, the bank
holidays marked, ready to attach to the report that asks full council to approve it.

The values (`Calendar`, a `Row` per body) are made by `govcal.operations.calendar`; here they
become HTML (Jinja2, `templates/calendar.html`, autoescaped) and, from the same HTML, a PDF
(WeasyPrint, a library made for print CSS: `@page` A4 landscape, the month headings repeated
on every page, a row never split across pages, all from `static/calendar.css`). The page
served to a browser links the style sheet (its Content-Security-Policy allows no inline
style); the file written by `govcal calendar --html` and the PDF carry it inline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from govcal.page import templates
from scheduler.occurrences import Status

STYLE = Path(__file__).parent / "static" / "calendar.css"
# How a meeting that is not an ordinary one is marked in its cell, and what the key says.
MARKS = {Status.EXTRAORDINARY: ("E", "extraordinary meeting"), Status.CANCELLED: ("×", "cancelled (struck through)")}


@dataclass(frozen=True)
class Sitting:
    """A meeting as the calendar shows it: its day and whether it is extraordinary or cancelled."""

    date: dt.date
    status: str

    @property
    def text(self) -> str:
        return f"{self.date:%a} {self.date.day}"

    @property
    def mark(self) -> str:
        flag = MARKS.get(Status(self.status))
        return flag[0] if flag else ""

    @property
    def cancelled(self) -> bool:
        return self.status == Status.CANCELLED


@dataclass(frozen=True)
class Row:
    """A body and its meetings, a tuple of them per month of the year."""

    name: str
    private: bool
    months: tuple[tuple[Sitting, ...], ...]


@dataclass(frozen=True)
class Holidays:
    """A nation's bank holidays in the year, by day, with their names."""

    nation: str  # "England and Wales"
    days: tuple[tuple[dt.date, str], ...]

    def in_month(self, month: dt.date) -> list[dt.date]:
        return [day for day, _ in self.days if (day.year, day.month) == (month.year, month.month)]


@dataclass(frozen=True)
class Calendar:
    """The calendar of meetings of a council's year: twelve months from `months[0]`."""

    council: str | None
    label: str  # "2027-28", or "2027" for a year from January
    months: tuple[dt.date, ...]  # the first day of each
    rows: tuple[Row, ...]
    holidays: tuple[Holidays, ...]
    produced: dt.date
    private: bool  # bodies that meet in private are on it

    @property
    def title(self) -> str:
        return f"Calendar of meetings {self.label}"

    @property
    def file_name(self) -> str:
        return f"calendar-of-meetings-{self.label}"


def calendar_html(calendar: Calendar) -> str:
    """The calendar as a page of its own, its style sheet inline: the file `--html` writes, and the PDF's source."""
    return _render("calendar.html", calendar, style=STYLE.read_text(encoding="utf-8"))


def calendar_page(calendar: Calendar, static: str, planner: str, neighbours: Sequence[tuple[str, str] | None]) -> str:
    """The calendar as the public planner serves it: its style sheet linked from `static` (the
    page's Content-Security-Policy allows no inline style), and links (not printed) back to the
    planner and to the years before and after (`neighbours`: an address and a label, or None)."""
    earlier, later = neighbours
    return _render("calendar_page.html", calendar, static=static, planner=planner, earlier=earlier, later=later)


def _render(template: str, calendar: Calendar, **values: object) -> str:
    return templates().get_template(template).render(calendar=calendar, marks=list(MARKS.values()), **values)


def calendar_pdf(calendar: Calendar) -> bytes:
    """The calendar as a PDF, A4 landscape, from the same HTML (WeasyPrint imported here: it is
    slow to import, and only this needs it)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=calendar_html(calendar)).write_pdf()  # no target: the bytes
    return pdf
