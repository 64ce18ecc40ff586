"""The periods a cycle year is cut into, each of which must hold one meeting.

A frequency's kind (`rules.frequencies`) says how: into even stretches (months, quarters,
"every N months"; "N times a year" where N does not divide twelve into equal stretches of
days), into the calendar months it names ("monthly except August", "in March, June,
September and December", "N times a year" with `months`), or into the school terms of the
body's term calendar (by month, and said so, where a year's dates are not published).
`cut_periods` carries out each shape of cut, the one place that does. Pure and memoised:
a country's bodies share a few shapes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import lru_cache

from dateutil.relativedelta import relativedelta
from dateutil.relativedelta import weekday as rd_weekday

from rules.frequencies import Shape, kind_of
from rules.model import Meetings
from scheduler.terms import Term, TermCalendar, academic_label


@dataclass(frozen=True, slots=True)
class Period:
    """A stretch of the cycle year that must hold one meeting."""

    index: int
    first: dt.date
    last: dt.date
    label: str
    term: Term | None = None


def _month_name(day: dt.date) -> str:
    return f"{day:%B %Y}"


# The calendar arithmetic below is pure and repeats across bodies and years (a whole
# country's bodies share a few cycle starts and patterns), so it is memoised.


@lru_cache(maxsize=4096)
def month_starts(first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
    """The first day of every month from `first`'s month to `last`'s month."""
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day += relativedelta(months=1)
    return tuple(months)


@lru_cache(maxsize=16384)
def pattern_day(month: dt.date, nth: int, weekday: int) -> dt.date:
    """The `nth` `weekday` of `month` (nth -1: the last one)."""
    if nth > 0:
        return month + relativedelta(day=1, weekday=rd_weekday(weekday, nth))
    return month + relativedelta(day=31, weekday=rd_weekday(weekday, -1))


@lru_cache(maxsize=4096)
def even_periods(first: dt.date, last: dt.date, count: int) -> tuple[Period, ...]:
    """`count` periods of whole months where they divide the year, else of equal days."""
    if 12 % count == 0:
        span = 12 // count
        periods = []
        for i in range(count):
            start = first + relativedelta(months=i * span)
            end = first + relativedelta(months=(i + 1) * span) - dt.timedelta(days=1)
            label = _month_name(start) if span == 1 else f"{start:%b %Y} to {end:%b %Y}"
            periods.append(Period(i + 1, start, end, label))
        return tuple(periods)
    length = (last - first).days + 1
    bounds = [first + dt.timedelta(days=length * i // count) for i in range(count + 1)]
    return tuple(
        Period(
            i + 1,
            bounds[i],
            bounds[i + 1] - dt.timedelta(days=1),
            f"{bounds[i]:%d %b} to {bounds[i + 1] - dt.timedelta(days=1):%d %b %Y}",
        )
        for i in range(count)
    )


@lru_cache(maxsize=1024)
def month_periods(first: dt.date, last: dt.date, months: tuple[int, ...]) -> tuple[Period, ...]:
    """One period per named calendar month in the cycle, in cycle order, each the whole month:
    a meeting "in March" is in March, and a month not named is in no period."""
    named = [start for start in month_starts(first, last) if start.month in months]
    return tuple(
        Period(i + 1, month, month + relativedelta(day=31), _month_name(month)) for i, month in enumerate(named)
    )


def cut_periods(
    meetings: Meetings, terms: TermCalendar | None, first: dt.date, last: dt.date
) -> tuple[tuple[Period, ...], tuple[str, ...]]:
    """The periods a body's frequency cuts the cycle `first`..`last` into, as its kind says,
    and notes on what could not be cut as asked (term dates not published)."""
    frequency = meetings.frequency
    if frequency is None:
        return (), ()
    cut = kind_of(frequency).cut(frequency, meetings.months)
    if cut.shape is Shape.TERMS:
        if terms is None:  # the loader asks a termly body for its calendar: another caller's mistake
            raise ValueError(f"'{frequency.phrase}' is cut into school terms and no term calendar was given")
        return term_periods(terms, first, last)
    if cut.shape is Shape.MONTHS:
        return month_periods(first, last, cut.months), ()
    return even_periods(first, last, cut.count), ()


def planning_periods(
    meetings: Meetings, terms: TermCalendar | None, first: dt.date, last: dt.date
) -> tuple[tuple[Period, ...], tuple[str, ...]]:
    """The periods each of which gets one planned meeting: the kind's periods, each cut into
    `per_period` stretches where a period takes more than one meeting."""
    periods, notes = cut_periods(meetings, terms, first, last)
    if meetings.frequency is None or (parts := kind_of(meetings.frequency).per_period) == 1:
        return periods, notes
    split = [part for period in periods for part in _split(period, parts)]
    return tuple(replace(part, index=i + 1) for i, part in enumerate(split)), notes


def _split(period: Period, parts: int) -> tuple[Period, ...]:
    """A period in `parts` stretches of whole months where its months divide so, else of equal days."""
    months = month_starts(period.first, period.last)
    if len(months) % parts == 0:
        span = len(months) // parts
        starts = [max(period.first, months[i * span]) for i in range(parts)]
    else:
        length = (period.last - period.first).days + 1
        starts = [period.first + dt.timedelta(days=length * i // parts) for i in range(parts)]
    ends = [start - dt.timedelta(days=1) for start in starts[1:]] + [period.last]
    return tuple(
        Period(period.index, start, end, f"{period.label}, part {i + 1} of {parts}", period.term)
        for i, (start, end) in enumerate(zip(starts, ends, strict=True))
    )


# Used only when a term calendar has no dates for the year: placed by month, said so.
TERM_MONTHS = (("autumn", 9, 12), ("spring", 1, 3), ("summer", 4, 7))


@lru_cache(maxsize=1024)
def term_periods(terms: TermCalendar, first: dt.date, last: dt.date) -> tuple[tuple[Period, ...], tuple[str, ...]]:
    """One period per school term in the cycle; by month, with a note, where unpublished."""
    periods: list[Period] = []
    notes: list[str] = []
    for year in range(first.year - 1, last.year + 1):
        published = terms.year(year)
        if published is not None and published.published:
            for term in published.terms:
                if first <= term.start <= last:
                    periods.append(Period(0, term.start, term.end, str(term), term))
            continue
        for name, start_month, end_month in TERM_MONTHS:
            start_year = year if start_month >= 9 else year + 1
            start = dt.date(start_year, start_month, 1)
            end = dt.date(start_year, end_month, 1) + relativedelta(day=31)
            if first <= start <= last:
                periods.append(Period(0, start, end, f"{name} term {start_year} (by month)"))
                holidays = (
                    "the school holidays estimated from the council's pattern kept clear where the body avoids"
                    ' them (said "estimated")'
                    if terms.estimate is not None
                    else "not checked against school holidays"
                )
                note = (
                    f"term dates for {academic_label(year)} are not published in {terms.source}; "
                    "termly meetings placed by month (autumn Sep-Dec, spring Jan-Mar, summer Apr-Jul) "
                    f"and {holidays}: add the dates when they are published"
                )
                if note not in notes:
                    notes.append(note)
    periods.sort(key=lambda p: p.first)
    return tuple(Period(i + 1, p.first, p.last, p.label, p.term) for i, p in enumerate(periods)), tuple(notes)
