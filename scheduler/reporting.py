"""Meetings before the reports they feed: which meetings to move so each report follows one.

A body that reports to another ("quarterly to the PAB") should meet shortly before
each report is due, so the report can say what the meeting decided. Its meetings are
first placed as its own rules say. A report that no placed meeting precedes (within
the rule's `within`) falls to the period just before the report's own quarter or
year: that period's meeting moves to another day its rules allow (the pattern in
another month of the period), one that precedes every report the period answers for.
Moving a meeting can leave an earlier report without one, so this repeats until
nothing changes; a report still without a meeting is returned, for a finding.

A kept year (re-planned after the rules changed) has meetings that cannot move: those
held, and those an admin set. Where a report is left without a meeting because its
period's meeting was held before the rules asked for it to be later, a meeting is added
on a day the rules allow that is still to come (`to_add`): "quarterly" is at least one a
quarter. Pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from rules.model import Body, Meetings, ReportRule
from scheduler.derived import ReportDue
from scheduler.occurrences import Explanation, Meeting, Status, cycle_label, meeting_on, numbered
from scheduler.overlay import KeptMeeting
from scheduler.periods import Period, month_starts, pattern_day
from scheduler.placement import MOVE_STEP, Day, choices, move_limit, unavailable
from scheduler.preferences import Avoided
from scheduler.terms import TermCalendar
from scheduler.workdays import WorkingCalendar, day_text

# The kind of meeting a re-plan adds where a report needs one and a held meeting cannot move
# ("worcestershire-jcgs/2026-27/for-report-01"): an added meeting, not a period's.
FOR_REPORT = "for-report"


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
def before_reports(slots: tuple[Slot, ...], windows: tuple[Window, ...], kept: tuple[dt.date, ...] = ()) -> Chosen:
    """Which slots move, and to what day, so every report follows a meeting (see the module
    docstring); `kept` holds the days of kept meetings outside the slots (added, held).
    Pure, so memoised: bodies of one shape reporting to bodies of one shape share it."""
    days: dict[int | dt.date, dt.date] = {i: slot.default for i, slot in enumerate(slots) if slot.default is not None}
    days |= {day: day for day in kept}
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


def to_add(
    slots: Sequence[Slot],
    windows: Sequence[Window],
    uncovered: Sequence[int],
    held: Collection[int],
    later: Callable[[Period], Sequence[Day]],
) -> tuple[list[tuple[Day, int, tuple[int, ...]]], list[int]]:
    """Meetings to add, each (its day, the slot whose period holds it, the reports it comes
    before), and the reports still without one. A report is given a meeting only where its
    period's meeting is `held` (so cannot move): on a day `later` allows in that period, the
    one nearest the reports that precedes every uncovered report the period answers for, else this one."""
    added: list[tuple[Day, int, tuple[int, ...]]] = []
    left = list(uncovered)
    for number in uncovered:
        index = _answering(slots, windows[number])
        if number not in left or index is None or index not in held:
            continue
        same = [each for each in left if _answering(slots, windows[each]) == index]
        options = [day for day in later(slots[index].period) if windows[number].follows(day[0])]
        fits = [day for day in options if all(windows[each].follows(day[0]) for each in same)] or options
        if fits:
            added.append((fits[-1], index, tuple(each for each in left if windows[each].follows(fits[-1][0]))))
            left = [each for each in left if not windows[each].follows(fits[-1][0])]
    return added, left


@lru_cache(maxsize=4096)
def still_to_come(
    rules: Meetings,
    period: Period,
    calendar: WorkingCalendar,
    terms: TermCalendar | None,
    avoided: Avoided,
    today: dt.date,
) -> tuple[Day, ...]:
    """The days after `today` the rules allow a meeting on in `period`: the pattern's day in
    each of its months, moved as `if_unavailable` says off days that are past or unavailable;
    days the body avoids left out while others remain."""
    if rules.pattern is None:
        return ()
    step = MOVE_STEP[rules.if_unavailable]
    school_holidays = terms if rules.avoid_school_holidays else None
    found: dict[dt.date, Day] = {}
    for month in month_starts(period.first, period.last):
        day = pattern_day(month, rules.pattern.nth, rules.pattern.weekday)
        steps: list[str] = []
        for _ in range(move_limit(step) + 1):
            why_not = "is past" if day <= today else unavailable(day, period, calendar, school_holidays)
            if why_not is None:
                if day not in found or len(steps) < len(found[day][1]):  # the shortest way there
                    found[day] = (day, tuple(steps), f"{rules.pattern.phrase} of {month:%B %Y}")
                break
            if step == 0 or why_not.startswith("is outside"):
                break
            moved = day + dt.timedelta(days=step)
            steps.append(f"{day_text(day)} {why_not}; moved to the {rules.if_unavailable.value}, {day_text(moved)}")
            day = moved
    days = sorted(found.values())
    return tuple([day for day in days if avoided.why(day[0]) is None] or days)


def slot_meetings(body: Body, slots: Sequence[Slot]) -> tuple[str, ...]:
    """The id of each slot's meeting ("BODY/2026-27/meeting-03"), to find it among the kept."""
    return tuple(numbered(body.id, cycle_label(body.cycle_start, s.year), "meeting", s.period.index) for s in slots)


def kept_slots(
    slots: Sequence[Slot], ids: Sequence[str], standing: Mapping[str, KeptMeeting]
) -> tuple[tuple[Slot, ...], tuple[dt.date, ...]]:
    """The slots with the kept meetings that stand (held, or set by hand: `ids` names each
    slot's meeting) where they are, with no other day; and the days of the other kept
    meetings that stand (added, extraordinary), which reports may follow too."""
    fixed = tuple(
        replace(slot, default=standing[i].meeting.date if standing[i].meeting.active else None, alternatives=())
        if i in standing
        else slot
        for slot, i in zip(slots, ids, strict=True)
    )
    named = set(ids)
    others = tuple(sorted(k.meeting.date for i, k in standing.items() if i not in named and k.meeting.active))
    return fixed, others


def held_slots(
    slots: Sequence[Slot], ids: Sequence[str], standing: Mapping[str, KeptMeeting], now: dt.datetime
) -> set[int]:
    """The slots whose meeting has been held, so a report they answer for may get a meeting
    added. Not where an admin's decision still to come (a meeting set ahead, or cancelled)
    settles the period: that change stands, and the check says what it breaks."""
    decided = [k.meeting.date for k in standing.values() if k.manual and not (k.started(now) and k.meeting.active)]
    return {
        index
        for index, (slot, each) in enumerate(zip(slots, ids, strict=True))
        if each in standing
        and standing[each].started(now)
        and standing[each].meeting.active
        and not any(slot.period.first <= day <= slot.period.last for day in decided)
    }


def added_meetings(
    body: Body,
    bounds: tuple[dt.date, dt.date],
    standing: Mapping[str, KeptMeeting],
    adding: Sequence[tuple[Day, Slot, Sequence[ReportDue]]],
) -> list[Meeting]:
    """The meetings a re-plan adds in the cycle within `bounds` for reports a held meeting
    cannot precede (status added, saying which reports asked, under which rule), and those
    it added before that have been held (history, planned as they were)."""
    first, last = bounds
    label = cycle_label(body.cycle_start, first.year)
    mine = [k for i, k in standing.items() if i.startswith(f"{body.id}/{label}/{FOR_REPORT}-")]
    meetings = [k.meeting for k in mine if not k.manual]
    count = max((int(k.meeting.id.rpartition("-")[2]) for k in mine), default=0)
    frequency = body.meetings.frequency.phrase if body.meetings.frequency else "its frequency"
    for (day, steps, preferred), slot, dues in sorted(adding, key=lambda each: each[0][0]):
        if not first <= day <= last:
            continue
        count += 1
        held = standing[slot_meetings(body, [slot])[0]]
        reports = " and the ".join(f"{due.name} due {day_text(due.day)}" for due in dues)
        why = Explanation(
            f"a meeting added: the {reports} must follow a meeting held at most {report_span(dues[0].rule)}"
            f" before {'it' if len(dues) == 1 else 'them'}",
            dues[0].rule.cite,
            f"{slot.period.label}: its meeting was held on {day_text(held.meeting.date)}, and cannot move;"
            f" '{frequency}' is at least one a period; preferred day {preferred}",
            steps,
        )
        meetings.append(meeting_on(body, numbered(body.id, label, FOR_REPORT, count), day, why, status=Status.ADDED))
    return meetings


def _answering(slots: Sequence[Slot], window: Window) -> int | None:
    """The slot that answers for a report: the period holding the day before its quarter (or year) opens."""
    eve = window.opens - dt.timedelta(days=1)
    return next((i for i, slot in enumerate(slots) if slot.period.first <= eve <= slot.period.last), None)


def weeks(span: dt.timedelta) -> str:
    """A span as a rule says it: "6 weeks", "30 days"."""
    if span.days % 7 == 0:
        return f"{span.days // 7} week{'s' if span.days != 7 else ''}"
    return f"{span.days} days"


def report_span(rule: ReportRule) -> str:
    """How long before a report its meeting may be, "6 weeks", marked "(local practice)" where
    the rule file says the span is its own (`local`), not the source's."""
    return f"{weeks(rule.within)} (local practice)" if rule.cite.local else weeks(rule.within)
