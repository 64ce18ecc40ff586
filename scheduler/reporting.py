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

from scheduler.derived import ReportDue
from scheduler.periods import Period

Alternative = tuple[dt.date, tuple[str, ...], str]  # a day, the moves that led to it, the pattern's day named


@dataclass(frozen=True, slots=True)
class Slot:
    """One period of the reporting body: its meeting as its own rules place it, and the other days allowed."""

    year: int
    period: Period
    default: dt.date | None
    alternatives: tuple[Alternative, ...]


@dataclass(frozen=True)
class Chosen:
    """Slots moved (by index: the day chosen and the report it was moved for), and reports left uncovered."""

    moves: dict[int, tuple[Alternative, ReportDue]]
    uncovered: list[ReportDue]


def before_reports(slots: Sequence[Slot], dues: Sequence[ReportDue]) -> Chosen:
    """Which slots move, and to what day, so every report follows a meeting (see the module docstring)."""
    days = {i: slot.default for i, slot in enumerate(slots) if slot.default is not None}

    def answering(due: ReportDue) -> int | None:
        eve = due.period.first - dt.timedelta(days=1)
        return next((i for i, slot in enumerate(slots) if slot.period.first <= eve <= slot.period.last), None)

    def covered(due: ReportDue) -> bool:
        return any(due.follows(day) for day in days.values())

    moves: dict[int, tuple[Alternative, ReportDue]] = {}
    changed = True
    while changed:
        changed = False
        for due in dues:
            index = answering(due)
            if covered(due) or index is None or index in moves:
                continue
            answered = [other for other in dues if answering(other) == index]
            options = slots[index].alternatives
            fits = [a for a in options if all(other.follows(a[0]) for other in answered)]
            fits = fits or [a for a in options if due.follows(a[0])]
            if fits:
                moves[index], days[index], changed = (fits[-1], due), fits[-1][0], True
    return Chosen(moves, [due for due in dues if not covered(due)])


def weeks(span: dt.timedelta) -> str:
    """A span as a rule says it: "6 weeks", "30 days"."""
    if span.days % 7 == 0:
        return f"{span.days // 7} week{'s' if span.days != 7 else ''}"
    return f"{span.days} days"
