"""Where a period's meeting goes: the preferred day, moved as the rule says.

The preferred day is the pattern ("third Tuesday") in the period's chosen month;
off a bank holiday, a closure, a half-term or (where the body avoids them) a school
holiday it moves as `if_unavailable` says, every move recorded for the explanation.
A rule that says nothing refuses: a meeting is never moved silently.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from rules.model import MONTHS, Meetings, Move, Position
from scheduler.occurrences import Explanation
from scheduler.periods import Period, month_starts, pattern_day
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


@lru_cache(maxsize=16384)
def placements(
    rules: Meetings, periods: tuple[Period, ...], calendar: WorkingCalendar, terms: TermCalendar | None
) -> tuple[tuple[Period, dt.date, Explanation] | str, ...]:
    """Each period's meeting day and why, or a problem in words.

    Pure in its arguments, so memoised: bodies of one shape share their placements.
    """
    if not periods:
        return ()
    assert rules.frequency is not None and rules.pattern is not None  # the loader pairs them
    period_rule = f"meets {rules.frequency.phrase}; {rules.pattern.phrase} at {rules.time:%H:%M}"
    found: list[tuple[Period, dt.date, Explanation] | str] = []
    for period in periods:
        placed = place(rules, period, calendar, terms)
        if isinstance(placed, str):
            found.append(placed)
            continue
        day, steps, month = placed
        why = Explanation(period_rule, rules.cite, f"period {period.label}; preferred day {month}", steps)
        found.append((period, day, why))
    return tuple(found)


def place(
    rules: Meetings, period: Period, calendar: WorkingCalendar, terms: TermCalendar | None
) -> tuple[dt.date, tuple[str, ...], str] | str:
    """A period's meeting day with the moves that led to it, or a problem in words."""
    months = month_starts(period.first, period.last)
    if rules.months:
        wanted = rules.months[period.index - 1] if period.index <= len(rules.months) else rules.months[-1]
        matching = [m for m in months if m.month == wanted]
        if not matching:
            name = MONTHS[wanted - 1].title()
            return f"months: {name} is not in period {period.index} ({period.label}) ({rules.cite})"
        month = matching[0]
    else:
        month = months[{Position.FIRST: 0, Position.MIDDLE: len(months) // 2, Position.LAST: -1}[rules.position]]
    assert rules.pattern is not None
    day = pattern_day(month, rules.pattern.nth, rules.pattern.weekday)
    preferred = f"{rules.pattern.phrase} of {month:%B %Y}"
    steps: list[str] = []
    step = MOVE_STEP[rules.if_unavailable]
    school_holidays = terms if rules.avoid_school_holidays else None
    limit = MAX_MOVES if abs(step) == 7 else 31
    for _ in range(limit + 1):
        why_not = unavailable(day, period, calendar, school_holidays)
        if why_not is None:
            return day, tuple(steps), preferred
        if step == 0:
            return f"{day_text(day)} ({preferred}) {why_not}; the rule gives no if_unavailable ({rules.cite})"
        moved = day + dt.timedelta(days=step)
        steps.append(f"{day_text(day)} {why_not}; moved to the {rules.if_unavailable.value}, {day_text(moved)}")
        day = moved
    return f"no available day in {period.label}: " + "; ".join(steps) + f" ({rules.cite})"


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
    return None
