"""Where a period's meeting goes: the preferred day, moved as the rule says.

The preferred day is the pattern ("third Tuesday") in the period's chosen month;
off a bank holiday, a closure, a half-term or (where the body avoids them) a school
holiday it moves as `if_unavailable` says, every move recorded for the explanation.
A rule that says nothing refuses: a meeting is never moved silently.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from rules.model import MONTHS, Body, Meetings, Move, Position
from scheduler.occurrences import Explanation, Problem, cycle_bounds, cycle_containing
from scheduler.periods import Period, month_starts, pattern_day
from scheduler.preferences import NOTHING, Avoided
from scheduler.terms import TermCalendar
from scheduler.workdays import WorkingCalendar, day_text

MAX_MOVES = 5  # a preferred day is moved at most this many times before planning gives up

MOVE_STEP = {
    Move.NEXT_SAME_WEEKDAY: 7,
    Move.PREVIOUS_SAME_WEEKDAY: -7,
    Move.NEXT_WORKING_DAY: 1,
    Move.PREVIOUS_WORKING_DAY: -1,
    Move.ERROR: 0,
}


Placed = tuple[Period, dt.date, Explanation] | Problem  # a period's meeting day and why, or a problem
Day = tuple[dt.date, tuple[str, ...], str]  # a day, the moves that led to it, the pattern's day it started from


@lru_cache(maxsize=16384)
def placements(
    rules: Meetings,
    periods: tuple[Period, ...],
    calendar: WorkingCalendar,
    terms: TermCalendar | None,
    avoided: Avoided = NOTHING,
) -> tuple[Placed, ...]:
    """Each period's meeting day and why, or a problem in words.

    Pure in its arguments, so memoised: bodies of one shape share their placements.
    """
    if not periods:
        return ()
    if rules.frequency is None or rules.pattern is None:  # the loader pairs them: another caller's mistake
        raise ValueError("meetings are placed from a frequency and a day pattern, and these have not both")
    period_rule = f"meets {rules.frequency.phrase}; {rules.pattern.phrase} at {rules.time:%H:%M}"
    found: list[Placed] = []
    for period in periods:
        placed = place(rules, period, calendar, terms, avoided)
        if isinstance(placed, Problem):
            found.append(placed)
            continue
        day, steps, month = placed
        why = Explanation(period_rule, rules.cite, f"period {period.label}; preferred day {month}", steps)
        found.append((period, day, why))
    return tuple(found)


def place(
    rules: Meetings, period: Period, calendar: WorkingCalendar, terms: TermCalendar | None, avoided: Avoided = NOTHING
) -> Day | Problem:
    """A period's meeting day with the moves that led to it, or a problem: the
    rule's day, moved off unavailable days as the rule says, then off a day the body
    avoids (`scheduler.preferences`) where another day is allowed."""
    month = chosen_month(rules, period)
    if isinstance(month, Problem):
        return month
    placed = place_in(rules, period, month, calendar, terms)
    if isinstance(placed, Problem) or (why := avoided.why(placed[0])) is None:
        return placed
    return _preferred(rules, period, month, placed, why, calendar, terms, avoided)


@lru_cache(maxsize=16384)
def choices(
    rules: Meetings,
    periods: tuple[Period, ...],
    calendar: WorkingCalendar,
    terms: TermCalendar | None,
    avoided: Avoided,
) -> tuple[tuple[dt.date | None, tuple[Day, ...]], ...]:
    """Each period's meeting day as placed (None where it cannot be) and every day the rules
    allow instead (`alternatives`): what report placement chooses from, once per shape."""
    placed = placements(rules, periods, calendar, terms, avoided)
    return tuple(
        (day[1] if not isinstance(day, Problem) else None, alternatives(rules, period, calendar, terms, avoided))
        for period, day in zip(periods, placed, strict=True)
    )


def chosen_month(rules: Meetings, period: Period) -> dt.date | Problem:
    """The month a period's meeting goes in: the rule's `months`, else by `position`; or a problem."""
    months = month_starts(period.first, period.last)
    if rules.months:
        wanted = rules.months[period.index - 1] if period.index <= len(rules.months) else rules.months[-1]
        matching = [m for m in months if m.month == wanted]
        if not matching:
            name = MONTHS[wanted - 1].title()
            return Problem(f"months: {name} is not in period {period.index} ({period.label})", rules.cite)
        return matching[0]
    return months[{Position.FIRST: 0, Position.MIDDLE: len(months) // 2, Position.LAST: -1}[rules.position]]


@lru_cache(maxsize=16384)
def alternatives(
    rules: Meetings, period: Period, calendar: WorkingCalendar, terms: TermCalendar | None, avoided: Avoided = NOTHING
) -> tuple[Day, ...]:
    """Every day the rules allow the period's meeting on, for when other rules ask: the
    pattern in each of the period's months (only the named one where `months` pins it),
    moved as the rule says; days the body avoids left out while others remain."""
    month = chosen_month(rules, period)
    if isinstance(month, Problem):
        return ()
    found = [
        placed for placed in _in_each_month(rules, period, month, calendar, terms) if not isinstance(placed, Problem)
    ]
    return tuple([placed for placed in found if avoided.why(placed[0]) is None] or found)


def _in_each_month(
    rules: Meetings, period: Period, month: dt.date, calendar: WorkingCalendar, terms: TermCalendar | None
) -> list[Day | Problem]:
    """The pattern's day in each month of the period the rules leave open (only `month` where `months` pins it)."""
    months = (month,) if rules.months else month_starts(period.first, period.last)
    return [place_in(rules, period, each, calendar, terms) for each in months]


def place_in(
    rules: Meetings, period: Period, month: dt.date, calendar: WorkingCalendar, terms: TermCalendar | None
) -> Day | Problem:
    """The pattern's day in `month`, moved off unavailable days as the rule says, or a problem."""
    if rules.pattern is None:
        raise ValueError("meetings are placed from a day pattern, and these have none")
    day = pattern_day(month, rules.pattern.nth, rules.pattern.weekday)
    preferred = f"{rules.pattern.phrase} of {month:%B %Y}"
    steps: list[str] = []
    step = MOVE_STEP[rules.if_unavailable]
    school_holidays = terms if rules.avoid_school_holidays else None
    for _ in range(move_limit(step) + 1):
        why_not = unavailable(day, period, calendar, school_holidays)
        if why_not is None:
            return day, tuple(steps), preferred
        if step == 0:
            return Problem(f"{day_text(day)} ({preferred}) {why_not}; the rule gives no if_unavailable", rules.cite)
        moved = day + dt.timedelta(days=step)
        steps.append(f"{day_text(day)} {why_not}; moved to the {rules.if_unavailable.value}, {day_text(moved)}")
        day = moved
    return Problem(f"no available day in {period.label}: " + "; ".join(steps), rules.cite)


def move_limit(step: int) -> int:
    """How many moves `if_unavailable` may make before planning gives up."""
    return MAX_MOVES if abs(step) == 7 else 31


def _preferred(
    rules: Meetings,
    period: Period,
    month: dt.date,
    placed: Day,
    why: str,
    calendar: WorkingCalendar,
    terms: TermCalendar | None,
    avoided: Avoided,
) -> Day:
    """A day the body avoids, replaced by the nearest allowed day that avoids nothing: the
    pattern in another month of the period (its habit), else a day the rule's move reaches;
    kept, saying which preference gave way, when there is none."""
    day, steps, preferred = placed
    avoiding = f"{day_text(day)} is {why}, which the body avoids"
    others = [
        p for p in _in_each_month(rules, period, month, calendar, terms) if not isinstance(p, Problem) and p[0] != day
    ]
    for other, _, named in sorted(others, key=lambda p: (abs(p[0] - day), p[0])):
        if avoided.why(other) is None:
            return other, (*steps, f"{avoiding}; the {named}, {day_text(other)}, instead"), preferred
    school_holidays = terms if rules.avoid_school_holidays else None
    later, step = day, MOVE_STEP[rules.if_unavailable]
    for _ in range(move_limit(step) if step else 0):
        later += dt.timedelta(days=step)
        if unavailable(later, period, calendar, school_holidays) is None and avoided.why(later) is None:
            moved = f"{avoiding}; moved to the {rules.if_unavailable.value}, {day_text(later)}"
            return later, (*steps, moved), preferred
    gave_way = (
        f"{day_text(day)} is {why}; no other day the rules allow in {period.label} avoids it: that preference gave way"
    )
    return day, (*steps, gave_way), preferred


def unavailable(
    day: dt.date, period: Period, calendar: WorkingCalendar, school_holidays: TermCalendar | None
) -> str | None:
    """Why a meeting cannot be on `day` (in words), or None if it can."""
    if not period.first <= day <= period.last:
        return f"is outside {period.label}"
    reason = calendar.reason(day)
    if reason:
        return f"is not a working day ({reason})"
    if period.term is not None and not period.term.contains(day):
        return f"is in the {period.term.name} half-term"
    if school_holidays is not None and school_holidays.is_school_holiday(day):
        return "is in the school holidays"
    if school_holidays is not None and (estimated := school_holidays.estimated(day)) is not None:
        return f"is in the {estimated.name}, estimated ({estimated.dates} {estimated.end.year})"
    return None


# -- the days a meeting can move to, as its panel's picker offers them --------------------


@dataclass(frozen=True)
class PickerDay:
    """A day in a panel's date picker: a working day to move to, or why it is not one."""

    date: dt.date
    closed: str = ""  # why it is not a working day ("Saturday", "Christmas Day")
    avoided: str = ""  # why the body would rather not meet then (a preference, not a rule)


def month_grid(month: dt.date, working: WorkingCalendar, avoided: Avoided) -> list[list[PickerDay | None]]:
    """A month as weeks Monday to Sunday, each day marked as the picker shows it."""
    return [
        [
            PickerDay(day, working.reason(day) or "", avoided.why(day) or "") if day.month == month.month else None
            for day in week
        ]
        for week in calendar.Calendar().monthdatescalendar(month.year, month.month)
    ]


def picker_days(meeting_day: dt.date, body: Body, working: WorkingCalendar, avoided: Avoided) -> list[PickerDay]:
    """The days a meeting's move picker offers: the working days of its months but its own."""
    months = [month_grid(month, working, avoided) for month in picker_months(meeting_day, body)]
    return [d for weeks in months for week in weeks for d in week if d and not d.closed and d.date != meeting_day]


def picker_months(meeting_day: dt.date, body: Body) -> list[dt.date]:
    """The months a meeting can move to from its panel: its own and those either side, inside its cycle year."""
    first, last = cycle_bounds(body.cycle_start, cycle_containing(body.cycle_start, meeting_day))
    month = meeting_day.replace(day=1)
    around = [(month - dt.timedelta(days=1)).replace(day=1), month, (month + dt.timedelta(days=31)).replace(day=1)]
    return [m for m in around if first.replace(day=1) <= m <= last]
