"""Rules into dated cycle years: meetings on working days, deadlines, annual items.

Planning is pure: rules and a year in, `BodyPlan`s out. Each body's cycle year is
cut into periods by its frequency (months, quarters, school terms); in each period
the meeting goes on the preferred day of the chosen month and is moved, as the
rule says, off bank holidays, closures and school holidays, every move recorded.
Bodies planned from other bodies' meetings ("before and after each Strategic
Board meeting") are planned after them; the rule set is already in that order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from dateutil.relativedelta import relativedelta
from dateutil.relativedelta import weekday as rd_weekday

from rules.errors import RuleError
from rules.loader import RuleSet
from rules.model import MONTHS, Body, DeadlineRule, Every, ItemRule, Meetings, Move, Position, ReportRule
from rules.offsets import Count, Offset
from scheduler.occurrences import (
    BodyPlan,
    Deadline,
    Explanation,
    Item,
    Meeting,
    cycle_bounds,
    cycle_collector_paused,
    cycle_containing,
    cycle_label,
    meeting_on,
)
from scheduler.terms import Term, TermCalendar, academic_label, load_term_calendar
from scheduler.workdays import NonWorkingDay, WorkingCalendar, at_time, day_text, working_calendar

MAX_MOVES = 5  # a preferred day is moved at most this many times before planning gives up


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
                note = (
                    f"term dates for {academic_label(year)} are not published in {terms.source}; "
                    "termly meetings placed by month (autumn Sep-Dec, spring Jan-Mar, summer Apr-Jul) "
                    "and not checked against school holidays: add the dates when they are published"
                )
                if note not in notes:
                    notes.append(note)
    periods.sort(key=lambda p: p.first)
    return tuple(Period(i + 1, p.first, p.last, p.label, p.term) for i, p in enumerate(periods)), tuple(notes)


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


class Planner:
    """Plans bodies' cycle years from a rule set; remembers what it planned.

    Meetings are planned first and kept, so bodies planned from another body's
    meetings, and deadlines "at the next meeting", can look them up.
    """

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self._meetings: dict[tuple[str, int], tuple[list[Meeting], list[str], list[str]]] = {}
        self.terms: dict[str, TermCalendar] = {}
        for body in rules:
            if body.terms:
                try:
                    self.terms[body.id] = load_term_calendar(body.terms, body.source_file)
                except RuleError as error:
                    file, line = rules.locate(body.id, "terms")
                    raise error.located(file=file, line=line, field="terms") from None

    def calendar(self, body: Body) -> WorkingCalendar:
        return working_calendar(body.nation, body.closures)

    # -- plans ---------------------------------------------------------------------

    def plan(
        self,
        years: Iterable[int] | None = None,
        bodies: Iterable[str] | None = None,
        advance: Callable[[int], object] | None = None,
    ) -> list[BodyPlan]:
        """Every chosen body's cycle years (default: all bodies, the cycle containing today).

        `advance`, if given, is called with 1 as each body is planned (a progress bar's step).
        """
        chosen = set(bodies) if bodies is not None else set(self.rules.bodies)
        for body_id in sorted(chosen):
            if body_id not in self.rules.bodies:
                raise RuleError(f"unknown body '{body_id}'; known bodies: {', '.join(self.rules.bodies)}")
        year_list = list(years) if years is not None else None
        plans = []
        with cycle_collector_paused():
            for body_id in self.rules.bodies:  # dependency order
                if body_id not in chosen:
                    continue
                body = self.rules[body_id]
                for year in year_list or [cycle_containing(body.cycle_start, dt.date.today())]:
                    plans.append(self.body_plan(body_id, year))
                if advance is not None:
                    advance(1)
        return plans

    def body_plan(self, body_id: str, year: int) -> BodyPlan:
        """One body's cycle year in full."""
        meetings, problems, notes = self.meetings(body_id, year)
        return self.derive(body_id, year, meetings, problems, notes)

    def derive(
        self,
        body_id: str,
        year: int,
        meetings: Iterable[Meeting],
        problems: Iterable[str] = (),
        notes: Iterable[str] = (),
    ) -> BodyPlan:
        """A cycle year from given meetings (planned, or as an admin edited them): their
        deadlines, the annual items and the reports. Cancelled meetings get no deadlines."""
        body = self.rules[body_id]
        first, last = cycle_bounds(body.cycle_start, year)
        plan = BodyPlan(
            body,
            year,
            cycle_label(body.cycle_start, year),
            first,
            last,
            sorted(meetings, key=lambda m: (m.date, m.id)),
            problems=list(problems),
            notes=list(notes),
        )
        calendar = self.calendar(body)
        in_order = _chain_order(body.deadlines)
        for meeting in plan.meetings:
            if meeting.active:
                plan.deadlines += self._deadlines(body, in_order, meeting, plan, calendar)
        for item in body.items:
            self._item(body, item, plan, calendar)
        for report in body.reports:
            self._reports(body, report, plan, calendar)
        plan.deadlines.sort(key=lambda d: (d.due, d.id))
        plan.items.sort(key=lambda i: (i.date, i.id))
        return plan

    def meetings(self, body_id: str, year: int) -> tuple[list[Meeting], list[str], list[str]]:
        """A body's meetings in a cycle year, with problems and notes (memoised)."""
        key = (body_id, year)
        if key not in self._meetings:
            self._meetings[key] = self._plan_meetings(self.rules[body_id], year)
        return self._meetings[key]

    def meetings_between(self, body_id: str, first: dt.date, last: dt.date) -> list[Meeting]:
        """A body's planned meetings dated from `first` to `last`, whatever their cycles."""
        body = self.rules[body_id]
        found = []
        for year in range(cycle_containing(body.cycle_start, first), cycle_containing(body.cycle_start, last) + 1):
            found += [m for m in self.meetings(body_id, year)[0] if first <= m.date <= last and m.active]
        return found

    # -- meetings --------------------------------------------------------------------

    def periods(self, body: Body, year: int) -> tuple[tuple[Period, ...], tuple[str, ...]]:
        """The periods of a cycle year that each need a meeting, by the body's frequency."""
        frequency = body.meetings.frequency
        if frequency is None or body.meetings.relations:  # meetings come from the other body's
            return (), ()
        first, last = cycle_bounds(body.cycle_start, year)
        if frequency.every is Every.TERMLY:
            return term_periods(self.terms[body.id], first, last)
        count = frequency.periods_per_year
        assert count is not None
        return even_periods(first, last, count), ()

    def _plan_meetings(self, body: Body, year: int) -> tuple[list[Meeting], list[str], list[str]]:
        rules = body.meetings
        label = cycle_label(body.cycle_start, year)
        periods, notes = self.periods(body, year)
        problems: list[str] = []
        meetings: list[Meeting] = []
        calendar = self.calendar(body)
        for placed in placements(rules, periods, calendar, self.terms.get(body.id)):
            if isinstance(placed, str):
                problems.append(placed)
                continue
            period, day, why = placed
            meetings.append(meeting_on(body, f"{body.id}/{label}/meeting-{period.index:02d}", day, why))
        if rules.relations:
            meetings += self._related_meetings(body, year, label, calendar, problems)
        meetings.sort(key=lambda m: (m.date, m.id))
        return meetings, problems, list(notes)

    def _related_meetings(
        self, body: Body, year: int, label: str, calendar: WorkingCalendar, problems: list[str]
    ) -> list[Meeting]:
        """Meetings set from another body's: before, after or following each of them."""
        first, last = cycle_bounds(body.cycle_start, year)
        margin = dt.timedelta(days=120)
        meetings: list[Meeting] = []
        for relation in body.meetings.relations:
            other = self.rules[relation.body]
            anchors = self.meetings_between(other.id, first - margin, last + margin)
            days = calendar.shift_many([a.date for a in anchors], relation.offset)
            count = 0
            for anchor, day in zip(anchors, days, strict=True):
                if not first <= day <= last:
                    continue
                count += 1
                why = Explanation(
                    rule=f"meets {relation.kind} each {other.name} meeting: {relation.offset}",
                    cite=relation.cite,
                    anchor=f"{other.name} meeting on {day_text(anchor.date)}",
                    skipped=calendar.skipped(anchor.date, day, relation.offset),
                )
                meetings.append(meeting_on(body, f"{body.id}/{label}/{relation.kind}-{count:02d}", day, why))
            if count == 0:
                problems.append(
                    f"{other.name} has no meetings planned to set {relation.kind} meetings from ({relation.cite})"
                )
        return meetings

    # -- deadlines, items, reports ---------------------------------------------------

    def _deadlines(
        self,
        body: Body,
        in_order: list[DeadlineRule],
        meeting: Meeting,
        plan: BodyPlan,
        calendar: WorkingCalendar,
    ) -> list[Deadline]:
        """One meeting's deadlines, `in_order` so a chained one follows the one it counts from."""
        found: dict[str, Deadline] = {}
        on_meeting = f"meeting on {day_text(meeting.date)}"
        for rule in in_order:
            if rule.only_for and rule.only_for not in meeting.tags:
                continue
            if rule.anchor == "meeting":
                anchor_day, anchor_text = meeting.date, on_meeting
            else:
                anchor_day = found[rule.anchor].date
                anchor_text = f"{found[rule.anchor].name} on {day_text(anchor_day)}"
            computed = self._offset_day(body, rule.offset, anchor_day, meeting, plan, calendar)
            if isinstance(computed, str):
                plan.problems.append(
                    f"{rule.name} for the meeting on {meeting.date:%d %b %Y}: {computed} ({rule.cite})"
                )
                continue
            day, due, skipped = computed
            why = Explanation(f"{rule.name}: {rule.offset}", rule.cite, anchor_text, (), skipped)
            if rule.offset.count is Count.MEETING_START:
                due = meeting.start
            found[rule.id] = Deadline(
                id=f"{meeting.id}/{rule.id}",
                body=body.id,
                rule=rule.id,
                name=rule.name,
                date=day,
                due=due if due is not None else at_time(day, rule.time),
                who=rule.who,
                meeting=meeting.id,
                explanation=why,
            )
        return list(found.values())

    def _offset_day(
        self,
        body: Body,
        offset: Offset,
        anchor_day: dt.date,
        meeting: Meeting,
        plan: BodyPlan,
        calendar: WorkingCalendar,
    ) -> tuple[dt.date, dt.datetime | None, tuple[NonWorkingDay, ...]] | str:
        """(day, due instant or None, skipped days) for an offset, or a problem in words."""
        if offset.count is Count.MEETING_START:
            return meeting.date, meeting.start, ()
        if offset.count is Count.NEXT_MEETING:
            later = [m for m in plan.meetings if m.date > meeting.date and m.active]
            if not later:
                later = [m for m in self.meetings(body.id, plan.year + 1)[0] if m.active]
            if not later:
                return "no next meeting is planned"
            return later[0].date, later[0].start, ()
        day = calendar.shift(anchor_day, offset)
        return day, None, calendar.skipped(anchor_day, day, offset)

    def _item(self, body: Body, rule: ItemRule, plan: BodyPlan, calendar: WorkingCalendar) -> None:
        active = [m for m in plan.meetings if m.active]
        if rule.once is not None:
            if plan.first <= rule.once <= plan.last:
                day = calendar.on_or_before(rule.once)
                plan.items.append(
                    self._item_at(body, plan, rule, day, None, f"due {rule.once:%d %b %Y} (a single date)")
                )
            return
        if rule.by is not None:
            month, day_of_month = rule.by
            year = (
                plan.first.year if (month, day_of_month) >= (plan.first.month, plan.first.day) else plan.first.year + 1
            )
            target = dt.date(year, month, min(day_of_month, (dt.date(year, month, 1) + relativedelta(day=31)).day))
            day = calendar.on_or_before(target)
            skipped = calendar.non_working_days(day + dt.timedelta(days=1), target)
            plan.items.append(
                self._item_at(body, plan, rule, day, None, f"by {target:%d %B %Y} each cycle year", skipped)
            )
            return
        chosen, anchor = self._item_meeting(body, rule, plan, active)
        if chosen is None:
            plan.problems.append(f"{rule.name}: {anchor} ({rule.cite})")
            return
        plan.items.append(self._item_at(body, plan, rule, chosen.date, chosen.id, anchor))
        if rule.papers is not None:
            day = calendar.shift(chosen.date, rule.papers)
            plan.deadlines.append(
                Deadline(
                    id=f"{plan.body.id}/{plan.label}/{rule.id}/papers",
                    body=body.id,
                    rule=f"{rule.id}-papers",
                    name=f"{rule.name}: papers",
                    date=day,
                    due=at_time(day, dt.time(17, 0)),
                    who=("clerk",),
                    meeting=chosen.id,
                    explanation=Explanation(
                        rule=f"{rule.name} papers: {rule.papers}",
                        cite=rule.cite,
                        anchor=f"meeting on {day_text(chosen.date)}",
                        skipped=calendar.skipped(chosen.date, day, rule.papers),
                    ),
                )
            )

    def _item_meeting(
        self, body: Body, rule: ItemRule, plan: BodyPlan, active: list[Meeting]
    ) -> tuple[Meeting | None, str]:
        """The meeting an item is taken at, and how it was chosen (or why none was)."""
        if not active:
            return None, "no meetings are planned in the cycle year"
        if rule.first_within is not None and body.established is not None:
            due = body.established + relativedelta(months=rule.first_within.n)
            if plan.first <= due <= plan.last or plan.first <= body.established <= plan.last:
                before = [m for m in active if body.established <= m.date <= due]
                if not before:
                    return None, f"no meeting between establishment ({body.established}) and {due} for the first review"
                return (
                    before[-1],
                    f"first review: last meeting within {rule.first_within.n} months"
                    f" of establishment on {body.established:%d %b %Y}",
                )
        if rule.at == "last":
            return active[-1], "the last meeting of the cycle year"
        if rule.at_month is None:
            return active[0], "the first meeting of the cycle year"
        month_name = MONTHS[rule.at_month - 1].title()
        in_month = [m for m in active if m.date.month == rule.at_month]
        if in_month:
            return in_month[0], f"the first meeting in {month_name}"
        return None, f"no meeting is planned in {month_name}"

    def _item_at(
        self,
        body: Body,
        plan: BodyPlan,
        rule: ItemRule,
        day: dt.date,
        meeting: str | None,
        anchor: str,
        skipped: Iterable[NonWorkingDay] = (),
    ) -> Item:
        return Item(
            id=f"{body.id}/{plan.label}/{rule.id}",
            body=body.id,
            rule=rule.id,
            name=rule.name,
            date=day,
            meeting=meeting,
            explanation=Explanation(rule=rule.name, cite=rule.cite, anchor=anchor, skipped=tuple(skipped)),
        )

    def _reports(self, body: Body, rule: ReportRule, plan: BodyPlan, calendar: WorkingCalendar) -> None:
        """A report due before the first of the other body's meetings in each quarter (or the year)."""
        other = self.rules[rule.to]
        count = 4 if rule.per is Every.QUARTERLY else 1
        for period in even_periods(plan.first, plan.last, count):
            targets = self.meetings_between(other.id, period.first, period.last)
            name = f"{'Quarterly' if count == 4 else 'Annual'} report to {other.name}"
            if not targets:
                plan.problems.append(
                    f"{name}: {other.name} has no meeting in {period.label} to report to ({rule.cite})"
                )
                continue
            target = targets[0]
            day = calendar.shift(target.date, rule.offset)
            plan.deadlines.append(
                Deadline(
                    id=f"{body.id}/{plan.label}/report-{other.id}-{period.index}",
                    body=body.id,
                    rule=f"report-{other.id}",
                    name=name,
                    date=day,
                    due=at_time(day, rule.time),
                    who=("clerk",),
                    meeting=target.id,
                    explanation=Explanation(
                        rule=f"{name}: {rule.offset} its first meeting in {period.label}",
                        cite=rule.cite,
                        anchor=f"{other.name} meeting on {day_text(target.date)}",
                        skipped=calendar.skipped(target.date, day, rule.offset),
                    ),
                )
            )


def _chain_order(deadlines: tuple[DeadlineRule, ...]) -> list[DeadlineRule]:
    """Deadlines ordered so a chained one comes after the one it counts from."""
    ordered: list[DeadlineRule] = []
    remaining = list(deadlines)
    while remaining:
        ready = [d for d in remaining if d.anchor == "meeting" or d.anchor in {o.id for o in ordered}]
        ordered += ready
        remaining = [d for d in remaining if d not in ready]
    return ordered
