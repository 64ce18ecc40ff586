"""Meetings before the reports they feed: which meetings to move so each report follows one.

A body that reports to another ("quarterly to the PAB") should meet shortly before
each report is due, so the report can say what the meeting decided. Its meetings are
first placed as its own rules say. A report that no placed meeting precedes (within
the rule's `within`) falls to the period just before the report's own quarter or
year: that period's meeting moves to another day its rules allow (the pattern in
another month of the period), one that precedes every report the period answers for.
Moving a meeting can leave an earlier report without one, so this repeats until
nothing changes; a report still without a meeting is returned, for a finding. Pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rules.model import Meetings
from scheduler.periods import Period
from scheduler.placement import Day, choices
from scheduler.preferences import Avoided
from scheduler.terms import TermCalendar
from scheduler.workdays import WorkingCalendar


@dataclass(frozen=True, slots=True)
class Slot:
    """One period of the reporting body: its meeting as its own rules place it, and the other days allowed."""

    year: int
    period: Period
    default: dt.date | None
    alternatives: tuple[Day, ...]


@lru_cache(maxsize=4096)
def slots_of(
    rules: Meetings,
    years: tuple[tuple[int, tuple[Period, ...]], ...],
    calendar: WorkingCalendar,
    terms: TermCalendar | None,
    avoided: Avoided,
) -> tuple[Slot, ...]:
    """The slots of some cycle years' periods (bodies of one shape share them)."""
    return tuple(
        Slot(year, period, day, others)
        for year, periods in years
        for period, (day, others) in zip(periods, choices(rules, periods, calendar, terms, avoided), strict=True)
    )


@dataclass(frozen=True, slots=True)
class Window:
    """A report as placement sees it: due on `due`, for the quarter or year opening on
    `opens`, reflecting a meeting held at most `within` before it is due."""

    due: dt.date
    opens: dt.date
    within: dt.timedelta

    def follows(self, day: dt.date) -> bool:
        """Whether a meeting on `day` comes before the report is due, and recently enough for it to reflect."""
        return self.due - self.within <= day < self.due


@dataclass(frozen=True)
class Chosen:
    """Slots moved (by index: the day chosen, and the index of the report it was moved for),
    and the indexes of the reports left without a meeting before them."""

    moves: dict[int, tuple[Day, int]]
    uncovered: tuple[int, ...]


@lru_cache(maxsize=16384)
def before_reports(slots: tuple[Slot, ...], windows: tuple[Window, ...]) -> Chosen:
    """Which slots move, and to what day, so every report follows a meeting (see the module
    docstring). Pure, so memoised: bodies of one shape reporting to bodies of one shape share it."""
    days = {i: slot.default for i, slot in enumerate(slots) if slot.default is not None}
    answering = [_answering(slots, window) for window in windows]
    answered: dict[int | None, list[Window]] = {}
    for window, index in zip(windows, answering, strict=True):
        answered.setdefault(index, []).append(window)

    def covered(window: Window) -> bool:
        return any(window.follows(day) for day in days.values())

    moves: dict[int, tuple[Day, int]] = {}
    changed = True
    while changed:
        changed = False
        for number, (window, index) in enumerate(zip(windows, answering, strict=True)):
            if index is None or index in moves or covered(window):
                continue
            options = slots[index].alternatives
            fits = [a for a in options if all(other.follows(a[0]) for other in answered[index])]
            fits = fits or [a for a in options if window.follows(a[0])]
            if fits:
                moves[index], days[index], changed = (fits[-1], number), fits[-1][0], True
    return Chosen(moves, tuple(number for number, window in enumerate(windows) if not covered(window)))


def _answering(slots: Sequence[Slot], window: Window) -> int | None:
    """The slot that answers for a report: the period holding the day before its quarter (or year) opens."""
    eve = window.opens - dt.timedelta(days=1)
    return next((i for i, slot in enumerate(slots) if slot.period.first <= eve <= slot.period.last), None)


def weeks(span: dt.timedelta) -> str:
    """A span as a rule says it: "6 weeks", "30 days"."""
    if span.days % 7 == 0:
        return f"{span.days // 7} week{'s' if span.days != 7 else ''}"
    return f"{span.days} days"
