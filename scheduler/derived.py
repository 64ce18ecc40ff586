"""What a cycle's meetings bring with them: deadlines, annual items, reports to other bodies.

Derivation is one pure function of a body's rules, its meetings (as planned, or as an
admin edited them) and a source of other meetings: the body's next cycle (for "at the
next meeting") and the bodies it reports to. Cancelled meetings get no deadlines.
Every deadline is built by `_deadline`, with its explanation: the rule, the clause,
the anchor and the days passed over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from graphlib import TopologicalSorter
from typing import Protocol

from dateutil.relativedelta import relativedelta

from rules.model import MONTHS, Body, Citation, DeadlineRule, ItemRule, Per, ReportRule
from rules.offsets import Count, Offset
from scheduler.occurrences import (
    BodyPlan,
    Deadline,
    Explanation,
    Item,
    Meeting,
    Problem,
    Status,
    cycle_bounds,
    cycle_label,
    hanging,
    numbered,
)
from scheduler.periods import Period, even_periods
from scheduler.preferences import NOTHING, Avoided, off_closures
from scheduler.workdays import NonWorkingDay, WorkingCalendar, at_time, day_text

ITEM_PAPERS_TIME = dt.time(17, 0)


class MeetingSource(Protocol):
    """Where derivation finds what lies beyond the cycle it derives: the other bodies, and
    meetings of other cycles and bodies (a planner, or the kept year)."""

    def body(self, body_id: str) -> Body: ...

    def meetings_of_cycle(self, body_id: str, year: int) -> Sequence[Meeting]: ...

    def meetings_between(self, body_id: str, first: dt.date, last: dt.date) -> Sequence[Meeting]: ...

    def report_dues(self, body_id: str, year: int) -> Sequence[ReportDue]:
        """The reports a body owes in a cycle year (`report_dues`, remembered: placement and
        derivation both need them)."""
        ...

    def avoided(self, body: Body) -> Avoided:
        """The days a body avoids (`scheduler.preferences`)."""
        ...


def derive(
    body: Body,
    year: int,
    meetings: Iterable[Meeting],
    calendar: WorkingCalendar,
    source: MeetingSource,
    problems: Iterable[Problem] = (),
    notes: Iterable[str] = (),
    planned: Iterable[Meeting] | None = None,
) -> BodyPlan:
    """A body's cycle year from its meetings as they stand: their deadlines, the items and
    the reports. `planned` are the meetings as the rules alone give them (by default, the
    same: nothing kept differs)."""
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
    plan.planned = list(planned) if planned is not None else list(plan.meetings)
    derivation = _Derivation(body, plan, calendar, source)
    in_order = chain_order(body.deadlines)
    for meeting in plan.meetings:
        if meeting.active:
            plan.deadlines += derivation.deadlines(in_order, meeting)
    for item in body.items:
        derivation.item(item)
    derivation.reports()
    plan.deadlines.sort(key=lambda d: (d.due, d.id))
    plan.items.sort(key=lambda i: (i.date, i.id))
    return plan


def chain_order(deadlines: Sequence[DeadlineRule]) -> list[DeadlineRule]:
    """Deadlines ordered so a chained one comes after the one it counts from."""
    by_id = {rule.id: rule for rule in deadlines}
    graph = {rule.id: [rule.anchor] if rule.anchor in by_id else [] for rule in deadlines}
    return [by_id[rule_id] for rule_id in TopologicalSorter(graph).static_order()]


class _Derivation:
    """One cycle being derived: the body, the plan being filled in, its calendar."""

    def __init__(self, body: Body, plan: BodyPlan, calendar: WorkingCalendar, source: MeetingSource) -> None:
        self.body, self.plan, self.calendar, self.source = body, plan, calendar, source
        self.avoided = source.avoided(body)  # closures it avoids: nothing falls due in them where it can be earlier

    def _deadline(
        self,
        deadline_id: str,
        rule_id: str,
        name: str,
        day: dt.date,
        due: dt.datetime,
        who: tuple[str, ...],
        meeting: str | None,
        why: Explanation,
        counted_from: str | None = None,
    ) -> Deadline:
        """The one place a Deadline is built; `counted_from` defaults to the meeting it is for."""
        return Deadline(
            id=deadline_id,
            body=self.body.id,
            rule=rule_id,
            name=name,
            date=day,
            due=due,
            who=who,
            meeting=meeting,
            explanation=why,
            counted_from=counted_from or meeting,
        )

    def _skipped(self, anchor: dt.date, day: dt.date, offset: Offset) -> tuple[NonWorkingDay, ...]:
        return self.calendar.skipped(anchor, day, offset)

    # -- deadlines of a meeting --------------------------------------------------------

    def deadlines(self, in_order: list[DeadlineRule], meeting: Meeting) -> list[Deadline]:
        """One meeting's deadlines, `in_order` so a chained one follows the one it counts from."""
        found: dict[str, Deadline] = {}
        on_meeting = f"meeting on {day_text(meeting.date)}"
        for rule in in_order:
            if rule.only_for and rule.only_for not in meeting.tags:
                continue
            counted_from: str | None
            if rule.anchor == "meeting":
                anchor_day, anchor_text, counted_from = meeting.date, on_meeting, meeting.id
            else:
                anchor_day, counted_from = found[rule.anchor].date, found[rule.anchor].counted_from
                anchor_text = f"{found[rule.anchor].name} on {day_text(anchor_day)}"
            computed = self._offset_day(rule.offset, anchor_day, meeting)
            if isinstance(computed, str):
                self.plan.problems.append(
                    Problem(f"{rule.name} for the meeting on {meeting.date:%d %b %Y}: {computed}", rule.cite)
                )
                continue
            day, due, skipped, next_meeting = computed
            steps: tuple[str, ...] = ()
            if due is None:
                day, steps = off_closures(day, anchor_day, self.calendar, self.avoided)
            if next_meeting is not None:
                anchor_text, counted_from = self._next_meeting_said(meeting, next_meeting), next_meeting.id
            found[rule.id] = self._deadline(
                hanging(meeting.id, rule.id),
                rule.id,
                rule.name,
                day,
                due if due is not None else at_time(day, rule.time),
                rule.who,
                meeting.id,
                Explanation(f"{rule.name}: {rule.offset}", rule.cite, anchor_text, steps, skipped),
                counted_from,
            )
        return list(found.values())

    def _offset_day(
        self, offset: Offset, anchor_day: dt.date, meeting: Meeting
    ) -> tuple[dt.date, dt.datetime | None, tuple[NonWorkingDay, ...], Meeting | None] | str:
        """(day, due instant or None, skipped days, the next meeting where it is counted from
        that) for an offset, or a problem in words."""
        if offset.count is Count.MEETING_START:
            return meeting.date, meeting.start, (), None
        if offset.count is Count.NEXT_MEETING:
            later = [m for m in self.plan.meetings if m.date > meeting.date and m.active]
            if not any(self._ordinary(m) for m in later):
                later += [m for m in self.source.meetings_of_cycle(self.body.id, self.plan.year + 1) if m.active]
            nxt = next((m for m in later if self._ordinary(m)), None)
            if nxt is None:
                return "no next meeting is planned"
            return nxt.date, nxt.start, (), nxt
        day = self.calendar.shift(anchor_day, offset)
        return day, None, self._skipped(anchor_day, day, offset), None

    def _next_meeting_said(self, meeting: Meeting, next_meeting: Meeting) -> str:
        """The anchor "the next meeting", with the extraordinary meetings passed over on the way."""
        passed = [
            day_text(m.date)
            for m in self.plan.meetings
            if meeting.date < m.date < next_meeting.date and m.active and not self._ordinary(m)
        ]
        said = f"the next meeting, on {day_text(next_meeting.date)}"
        if passed:
            said += f" (not the extraordinary meeting on {', '.join(passed)}: it takes only its own business)"
        return said

    def _ordinary(self, meeting: Meeting) -> bool:
        """Whether a meeting takes ordinary business ("at the next meeting"): an extraordinary
        one deals only with what it was called for, unless the rules say it takes the rest too."""
        rule = self.body.extraordinary
        return meeting.status != Status.EXTRAORDINARY or (rule is not None and rule.takes_ordinary_business)

    # -- annual items ----------------------------------------------------------------------

    def item(self, rule: ItemRule) -> None:
        """An item's date (and, for one taken at a meeting, its papers deadline), or a problem."""
        plan, calendar = self.plan, self.calendar
        if rule.once is not None:
            if plan.first <= rule.once <= plan.last:
                day = calendar.on_or_before(rule.once)
                plan.items.append(self._item_at(rule, day, None, f"due {rule.once:%d %b %Y} (a single date)"))
            return
        if rule.by is not None:
            month, day_of_month = rule.by
            year = (
                plan.first.year if (month, day_of_month) >= (plan.first.month, plan.first.day) else plan.first.year + 1
            )
            target = dt.date(year, month, min(day_of_month, (dt.date(year, month, 1) + relativedelta(day=31)).day))
            day = calendar.on_or_before(target)
            skipped = calendar.non_working_days(day + dt.timedelta(days=1), target)
            plan.items.append(self._item_at(rule, day, None, f"by {target:%d %B %Y} each cycle year", skipped))
            return
        chosen, anchor = self._item_meeting(rule, [m for m in plan.meetings if m.active])
        if chosen is None:
            plan.problems.append(Problem(f"{rule.name}: {anchor}", rule.cite))
            return
        plan.items.append(self._item_at(rule, chosen.date, chosen.id, anchor))
        if rule.papers is not None:
            day, steps = off_closures(calendar.shift(chosen.date, rule.papers), chosen.date, calendar, self.avoided)
            plan.deadlines.append(
                self._deadline(
                    hanging(hanging(f"{self.body.id}/{plan.label}", rule.id), "papers"),
                    f"{rule.id}-papers",
                    f"{rule.name}: papers",
                    day,
                    at_time(day, ITEM_PAPERS_TIME),
                    rule.who,
                    chosen.id,
                    self._explained(
                        f"{rule.name} papers: {rule.papers}",
                        rule.cite,
                        f"meeting on {day_text(chosen.date)}",
                        chosen.date,
                        day,
                        rule.papers,
                        steps,
                    ),
                )
            )

    def _explained(
        self,
        rule: str,
        cite: Citation,
        anchor: str,
        anchor_day: dt.date,
        day: dt.date,
        offset: Offset,
        steps: tuple[str, ...] = (),
    ) -> Explanation:
        skipped = self._skipped(anchor_day, day, offset)
        return Explanation(rule=rule, cite=cite, anchor=anchor, steps=steps, skipped=skipped)

    def _item_meeting(self, rule: ItemRule, active: list[Meeting]) -> tuple[Meeting | None, str]:
        """The meeting an item is taken at, and how it was chosen (or why none was)."""
        body, plan = self.body, self.plan
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
        rule: ItemRule,
        day: dt.date,
        meeting: str | None,
        anchor: str,
        skipped: Iterable[NonWorkingDay] = (),
    ) -> Item:
        return Item(
            id=hanging(f"{self.body.id}/{self.plan.label}", rule.id),
            body=self.body.id,
            rule=rule.id,
            name=rule.name,
            date=day,
            meeting=meeting,
            explanation=Explanation(rule=rule.name, cite=rule.cite, anchor=anchor, skipped=tuple(skipped)),
        )

    # -- reports to other bodies ------------------------------------------------------------

    def reports(self) -> None:
        """Each report due before the first of the other body's meetings in each quarter (or the year)."""
        plan = self.plan
        if not self.body.reports:
            return
        for due in self.source.report_dues(self.body.id, plan.year):
            rule, other = due.rule, self.source.body(due.rule.to)
            if due.target is None:
                missing = f"{other.name} has no meeting in {due.period.label} to report to"
                plan.problems.append(Problem(f"{due.name}: {missing}", rule.cite))
                continue
            plan.deadlines.append(
                self._deadline(
                    due.deadline_id(self.body.id, plan.label),
                    rule.id,
                    due.name,
                    due.day,
                    at_time(due.day, rule.time),
                    rule.who,
                    due.target.id,
                    self._explained(
                        f"{due.name}: {rule.offset} its first meeting in {due.period.label}",
                        rule.cite,
                        f"{other.name} meeting on {day_text(due.target.date)}",
                        due.target.date,
                        due.day,
                        rule.offset,
                        due.steps,
                    ),
                )
            )


@dataclass(frozen=True, slots=True)
class ReportDue:
    """One period's report to another body: due `day`, before `target` (that body's first
    meeting in the period); `target` None when that body has no meeting in it."""

    rule: ReportRule
    name: str
    period: Period
    target: Meeting | None
    day: dt.date
    steps: tuple[str, ...] = ()  # moved off a closure the body avoids

    def deadline_id(self, body_id: str, label: str) -> str:
        """The id of the report's deadline in the sending body's cycle: "BODY/2026-27/report-jcb-2"."""
        return numbered(body_id, label, self.rule.id, self.period.index, digits=1)


def report_dues(
    rule: ReportRule,
    first: dt.date,
    last: dt.date,
    calendar: WorkingCalendar,
    source: MeetingSource,
    avoided: Avoided = NOTHING,
) -> list[ReportDue]:
    """The reports a rule asks for in the cycle year `first`..`last`, each due `rule.offset`
    before the other body's first meeting of its quarter (or year)."""
    other = source.body(rule.to)
    count = 4 if rule.per is Per.QUARTER else 1
    name = f"{'Quarterly' if count == 4 else 'Annual'} report to {other.name}"
    dues = []
    for period in even_periods(first, last, count):
        targets = source.meetings_between(other.id, period.first, period.last)
        target = targets[0] if targets else None
        if target is None:
            dues.append(ReportDue(rule, name, period, None, period.first))
            continue
        day, steps = off_closures(calendar.shift(target.date, rule.offset), target.date, calendar, avoided)
        dues.append(ReportDue(rule, name, period, target, day, steps))
    return dues
