"""Rules into dated cycle years: each body's meetings, then everything derived from them.

Planning is pure: a rule set, the term calendars its bodies name and a year in,
`BodyPlan`s out. Each body's cycle year is cut into periods (`scheduler.periods`),
each period's meeting placed on a working day (`scheduler.placement`, off the days the
body avoids where it can: `scheduler.preferences`), moved within its period where a
report it sends must follow it (`scheduler.reporting`), the kept year
laid over them (`scheduler.overlay`), and the deadlines, items and reports derived
from the meetings as they then stand (`scheduler.derived`).
Bodies planned from other bodies' meetings ("before and after each Strategic Board
meeting") are planned after them; the rule set is already in that order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from rules.errors import NotFound
from rules.loader import RuleSet, Version
from rules.model import Body
from scheduler.derived import ReportDue, derive, report_dues
from scheduler.occurrences import (
    BodyPlan,
    Explanation,
    Meeting,
    OccurrenceId,
    Problem,
    cycle_bounds,
    cycle_collector_paused,
    cycle_containing,
    cycle_label,
    meeting_on,
    numbered,
)
from scheduler.overlay import KeptMeeting, overlay
from scheduler.periods import Period, planning_periods
from scheduler.placement import Day, Placed, placements
from scheduler.preferences import Avoided, avoided, toward_anchor
from scheduler.reporting import (
    Window,
    added_meetings,
    before_reports,
    held_slots,
    kept_slots,
    report_span,
    slot_meetings,
    slots_of,
    still_to_come,
    to_add,
)
from scheduler.terms import TermCalendar
from scheduler.workdays import WorkingCalendar, body_calendar, day_text, london_day


@dataclass(frozen=True)
class Planned:
    """A body's cycle: the meetings the rules give, those that stand, and what the rules could not do."""

    meetings: list[Meeting]
    standing: list[Meeting]
    problems: list[Problem]
    notes: list[str]


# How far beyond a cycle a related body's meetings are looked for: a meeting "after each
# Board meeting" in April can follow a Board meeting in March.
RELATED_MARGIN = dt.timedelta(days=120)


class Planner:
    """Plans bodies' cycle years from a rule set; remembers the meetings it planned.

    Meetings are planned first and kept, so bodies planned from another body's
    meetings, and deadlines "at the next meeting", can look them up. `terms` holds the
    loaded term calendar of each body that names one.
    """

    def __init__(
        self,
        rules: RuleSet,
        terms: Mapping[str, TermCalendar] | None = None,
        kept: Mapping[tuple[str, str], Sequence[KeptMeeting]] | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        """`kept` holds the kept meetings by (body id, cycle label), laid over the rules'
        plan as they stand at `now`; without them the plan is the rules' alone."""
        if kept and now is None:
            raise ValueError("kept meetings stand as of a moment: give `now`")
        self.rules = rules
        self.terms: Mapping[str, TermCalendar] = terms or {}
        self.kept = kept or {}
        self.now = now
        self._meetings: dict[tuple[str, int], Planned] = {}
        self._dues: dict[tuple[str, int], tuple[ReportDue, ...]] = {}
        self._days: dict[tuple[str, str], tuple[WorkingCalendar, Avoided]] = {}
        self._versions: dict[tuple[str, int], dict[str, Version]] = {}  # meeting id: the version that placed it

    def calendar(self, body: Body) -> WorkingCalendar:
        return self._of(body)[0]

    def avoided(self, body: Body) -> Avoided:
        """The days the body would rather not use (`scheduler.preferences`)."""
        return self._of(body)[1]

    def _of(self, body: Body) -> tuple[WorkingCalendar, Avoided]:
        """A body's working days and avoided days (of a version of its rules), worked out once per planner."""
        key = (body.id, body.digest)
        if key not in self._days:
            self._days[key] = (body_calendar(body), avoided(body, self.terms.get(body.id)))
        return self._days[key]

    def body(self, body_id: str) -> Body:
        """A body of the rule set, or `NotFound` naming the known ones."""
        if body_id not in self.rules.bodies:
            raise NotFound(f"unknown body '{body_id}'; known bodies: {', '.join(self.rules.bodies)}")
        return self.rules[body_id]

    # -- plans ---------------------------------------------------------------------

    def plan(
        self,
        years: Iterable[int] | None = None,
        bodies: Iterable[str] | None = None,
        advance: Callable[[int], object] | None = None,
        *,
        today: dt.date | None = None,
    ) -> list[BodyPlan]:
        """Every chosen body's cycle years (default: all bodies); with no `years`, the cycle
        of each body that contains `today`.

        `advance`, if given, is called with 1 as each body is planned (a progress bar's step).
        """
        year_list = list(years) if years is not None else None
        if year_list is None and today is None:
            raise ValueError("plan needs the cycle years, or today's date to find the current cycle")
        chosen = set(bodies) if bodies is not None else set(self.rules.bodies)
        for body_id in sorted(chosen):
            self.body(body_id)
        plans = []
        with cycle_collector_paused():
            for body_id in self.rules.bodies:  # dependency order
                if body_id not in chosen:
                    continue
                cycle_start = self.rules[body_id].cycle_start
                current = [cycle_containing(cycle_start, today)] if today is not None else []
                for year in year_list if year_list is not None else current:
                    plans.append(self.body_plan(body_id, year))
                if advance is not None:
                    advance(1)
        return plans

    def body_plan(self, body_id: str, year: int) -> BodyPlan:
        """One body's cycle year in full: its meetings as they stand and what derives from them."""
        planned = self.planned(body_id, year)
        return self.derive(body_id, year, planned.standing, planned.problems, planned.notes, planned.meetings)

    # -- versions of a body's rules ------------------------------------------------------

    def versions_in(self, body_id: str, year: int) -> list[tuple[Version, dt.date, dt.date]]:
        """The versions of a body's rules that govern some of a cycle year, each with the days
        it is in force in the cycle; none for rules with one version (read from files)."""
        body = self.rules[body_id]
        first, last = cycle_bounds(body.cycle_start, year)
        start = self.rules.in_force(body_id, first)
        if start is None:
            return []
        later = [v for v in self.rules.versions[body_id] if first < v.applies_from <= last and v is not start]
        spans = [start, *later]
        ends = [v.applies_from - dt.timedelta(days=1) for v in later] + [last]
        return [
            (v, first if i == 0 else v.applies_from, end) for i, (v, end) in enumerate(zip(spans, ends, strict=True))
        ]

    def version_of(self, body_id: str, year: int, meeting_id: str | None, day: dt.date) -> Version | None:
        """The version of a body's rules a meeting was placed by (a date with no meeting of the
        rules: the version in force on its day); None for rules with one version."""
        self.planned(body_id, year)
        placed = self._versions.get((body_id, year), {})
        if meeting_id is not None and meeting_id in placed:
            return placed[meeting_id]
        return self.rules.in_force(body_id, day)

    def derive(
        self,
        body_id: str,
        year: int,
        meetings: Iterable[Meeting],
        problems: Iterable[Problem] = (),
        notes: Iterable[str] = (),
        planned: Iterable[Meeting] | None = None,
    ) -> BodyPlan:
        """A cycle year from given meetings (planned, or as they stand with the kept
        changes): their deadlines, the annual items and the reports (`scheduler.derived`)."""
        body = self.rules[body_id]
        spans = self.versions_in(body_id, year)
        if len(spans) <= 1:
            governing = spans[0][0].body if spans else body
            plan = derive(governing, year, meetings, self.calendar(governing), self, problems, notes, planned)
            return replace(plan, body=body) if governing is not body else plan
        meetings, planned = list(meetings), list(planned) if planned is not None else None
        whole = BodyPlan(body, year, cycle_label(body.cycle_start, year), *cycle_bounds(body.cycle_start, year))
        whole.meetings = sorted(meetings, key=lambda m: (m.date, m.id))
        whole.planned = planned if planned is not None else list(whole.meetings)
        whole.problems, whole.notes = list(problems), list(notes)
        for version, first, last in spans:  # each meeting's deadlines by the version that placed it
            by = version.body
            part = derive(by, year, meetings, self.calendar(by), self, (), (), planned)
            mine = {m.id for m in meetings if self.version_of(body_id, year, m.id, m.date) is version}
            whole.deadlines += [
                d for d in part.deadlines if (d.meeting in mine if d.meeting else first <= d.date <= last)
            ]
            whole.items += [i for i in part.items if (i.meeting in mine if i.meeting else first <= i.date <= last)]
        whole.deadlines.sort(key=lambda d: (d.due, d.id))
        whole.items.sort(key=lambda i: (i.date, i.id))
        return whole

    # -- meetings --------------------------------------------------------------------

    def planned(self, body_id: str, year: int) -> Planned:
        """A body's meetings in a cycle year, by the rules and as they stand (memoised)."""
        key = (body_id, year)
        if key not in self._meetings:
            body = self.rules[body_id]
            meetings, problems, notes = self._by_versions(body, year)
            kept = self.kept.get((body_id, cycle_label(body.cycle_start, year)))
            standing = overlay(meetings, kept, self.now) if kept and self.now is not None else meetings
            self._meetings[key] = Planned(meetings, standing, problems, notes)
        return self._meetings[key]

    def report_dues(self, body_id: str, year: int) -> tuple[ReportDue, ...]:
        """The reports a body owes in a cycle year, each due before the other body's meeting
        as it stands (memoised, as the meetings are)."""
        key = (body_id, year)
        if key not in self._dues:
            body = self.rules[body_id]
            first, last = cycle_bounds(body.cycle_start, year)
            calendar, avoided = self.calendar(body), self.avoided(body)
            self._dues[key] = tuple(
                due for rule in body.reports for due in report_dues(rule, first, last, calendar, self, avoided)
            )
        return self._dues[key]

    def meetings_of_cycle(self, body_id: str, year: int) -> list[Meeting]:
        """A body's meetings in a cycle year, as they stand."""
        return self.planned(body_id, year).standing

    def meetings_between(self, body_id: str, first: dt.date, last: dt.date) -> list[Meeting]:
        """A body's meetings (as they stand) dated from `first` to `last`, whatever their cycles."""
        body = self.rules[body_id]
        found = []
        for year in range(cycle_containing(body.cycle_start, first), cycle_containing(body.cycle_start, last) + 1):
            found += [m for m in self.meetings_of_cycle(body_id, year) if first <= m.date <= last and m.active]
        return found

    def periods(self, body: Body, year: int) -> tuple[tuple[Period, ...], tuple[str, ...]]:
        """The periods of a cycle year that each get a planned meeting, as the body's
        frequency kind cuts it (`scheduler.periods`)."""
        if body.meetings.relations:  # meetings come from the other body's
            return (), ()
        first, last = cycle_bounds(body.cycle_start, year)
        return planning_periods(body.meetings, self.terms.get(body.id), first, last)

    def _by_versions(self, body: Body, year: int) -> tuple[list[Meeting], list[Problem], list[str]]:
        """A cycle's meetings, each period placed by the version of the rules in force at its
        start (a version applying from a day inside a period governs from the next period);
        the meetings numbered in date order where versions cut the cycle into periods of
        different lengths."""
        spans = self.versions_in(body.id, year)
        if len(spans) <= 1:
            version = spans[0][0] if spans else None
            planned = self._plan_meetings(version.body if version else body, year)
            if version is not None:
                self._versions[(body.id, year)] = {m.id: version for m in planned[0]}
            return planned
        chosen: list[tuple[Meeting, Version]] = []
        problems: list[Problem] = []
        notes: list[str] = []
        placed_by: dict[str, Version] = {}
        for version, first, last in spans:
            own, own_problems, own_notes = self._plan_meetings(version.body, year)
            periods = {p.index: p for p in self.periods(version.body, year)[0]}
            for meeting in own:
                parts = OccurrenceId.parse(meeting.id)
                period = periods.get(parts.number) if parts.kind == "meeting" else None
                start = period.first if period is not None else meeting.date
                if first <= start <= last:
                    chosen.append((meeting, version))
            problems += [p for p in own_problems if p not in problems]
            notes += [n for n in own_notes if n not in notes]
        chosen.sort(key=lambda each: (each[0].date, each[0].id))
        label = cycle_label(body.cycle_start, year)
        numbered_meetings: list[Meeting] = []
        count = 0
        for meeting, version in chosen:
            if OccurrenceId.parse(meeting.id).kind == "meeting":
                count += 1
                meeting = replace(meeting, id=numbered(body.id, label, "meeting", count))
            numbered_meetings.append(meeting)
            placed_by[meeting.id] = version
        self._versions[(body.id, year)] = placed_by
        return numbered_meetings, problems, notes

    def _plan_meetings(self, body: Body, year: int) -> tuple[list[Meeting], list[Problem], list[str]]:
        rules = body.meetings
        label = cycle_label(body.cycle_start, year)
        periods, notes = self.periods(body, year)
        problems: list[Problem] = []
        meetings: list[Meeting] = []
        calendar = self.calendar(body)
        placed_days = placements(rules, periods, calendar, self.terms.get(body.id), self.avoided(body))
        if body.reports and periods:
            placed_days, meetings = self._before_reports(body, year, placed_days, problems)
        for placed in placed_days:
            if isinstance(placed, Problem):
                problems.append(placed)
                continue
            period, day, why = placed
            meetings.append(meeting_on(body, numbered(body.id, label, "meeting", period.index), day, why))
        if rules.relations:
            meetings += self._related_meetings(body, year, label, calendar, problems)
        meetings.sort(key=lambda m: (m.date, m.id))
        return meetings, problems, [*notes, *self.avoided(body).notes(*cycle_bounds(body.cycle_start, year))]

    def _standing(self, body: Body, years: Iterable[int]) -> dict[str, KeptMeeting]:
        """The kept meetings of these cycle years that the rules no longer move: held, or set by hand."""
        if self.now is None:
            return {}
        now = self.now
        return {
            kept.meeting.id: kept
            for year in years
            for kept in self.kept.get((body.id, cycle_label(body.cycle_start, year)), ())
            if kept.stands(now)
        }

    def _before_reports(
        self, body: Body, year: int, placed: Sequence[Placed], problems: list[Problem]
    ) -> tuple[tuple[Placed, ...], list[Meeting]]:
        """The cycle's placements with meetings moved, within their periods, so that each
        report the body sends follows one of its meetings (`scheduler.reporting`), and the
        meetings added where a held meeting cannot move (a kept year re-planned after the
        rules changed); a report no allowed day can precede is a problem, with its clause."""
        calendar, terms, avoided = self.calendar(body), self.terms.get(body.id), self.avoided(body)
        around = (year - 1, year, year + 1)
        years = tuple((near, self.periods(body, near)[0]) for near in around)
        slots = slots_of(body.meetings, years, calendar, terms, avoided)
        standing = self._standing(body, around)  # a kept year's held meetings, and an admin's: fixed
        ids = slot_meetings(body, slots) if standing else ()
        kept, others = kept_slots(slots, ids, standing) if standing else (slots, ())
        # This year's reports and the next year's (its first are this year's last meeting's to
        # follow, and where the next year's meetings move decides whether they do); the year
        # before's answer only to its own periods.
        first, last = cycle_bounds(body.cycle_start, year)
        dues = [due for near in (year, year + 1) for due in self.report_dues(body.id, near) if due.target is not None]
        windows = tuple(Window(due.day, due.period.first, due.rule.within) for due in dues)
        # What the rules alone give (a held meeting's planned day, as re-planning reports it), and
        # where the meetings still free go given those that stand.
        alone = before_reports(slots, windows)
        chosen = before_reports(kept, windows, others) if standing else alone
        moved: list[Placed] = []
        for index, default in zip([i for i, slot in enumerate(slots) if slot.year == year], placed, strict=True):
            choice = (alone if standing and ids[index] in standing else chosen).moves.get(index)
            if choice is None or isinstance(default, Problem):
                moved.append(default)
                continue
            (day, steps, preferred), number = choice
            reason = dues[number]
            step = (
                f"{preferred}, {day_text(day)}, instead: the {reason.name} due {day_text(reason.day)} must follow"
                f" a meeting held at most {report_span(reason.rule)} before it ({reason.rule.cite})"
            )
            moved.append((slots[index].period, day, replace(default[2], steps=(*steps, step))))
        uncovered, added = list(chosen.uncovered), []
        if self.now is not None and standing:  # a kept year: meetings added where held ones cannot move
            today = london_day(self.now)
            to_come = [number for number in uncovered if dues[number].day > today]

            def later(period: Period) -> tuple[Day, ...]:
                return still_to_come(body.meetings, period, calendar, terms, avoided, today)

            adding, uncovered = to_add(kept, windows, to_come, held_slots(kept, ids, standing, self.now), later)
            chosen_days = [(day, kept[i], [dues[n] for n in numbers]) for day, i, numbers in adding]
            added = added_meetings(body, cycle_bounds(body.cycle_start, year), standing, chosen_days)
        for number in uncovered:
            due = dues[number]
            if first <= due.period.first <= last:
                problems.append(
                    Problem(
                        f"{due.name} due {day_text(due.day)}: no meeting of the {body.name} can be held in the"
                        f" {report_span(due.rule)} before it on a day its rules allow",
                        due.rule.cite,
                    )
                )
        return tuple(moved), added

    def _related_meetings(
        self, body: Body, year: int, label: str, calendar: WorkingCalendar, problems: list[Problem]
    ) -> list[Meeting]:
        """Meetings set from another body's: before, after or following each of them."""
        first, last = cycle_bounds(body.cycle_start, year)
        meetings: list[Meeting] = []
        for relation in body.meetings.relations:
            other = self.rules[relation.body]
            anchors = self.meetings_between(other.id, first - RELATED_MARGIN, last + RELATED_MARGIN)
            days = calendar.shift_many([a.date for a in anchors], relation.offset)
            count = 0
            for anchor, by_rule in zip(anchors, days, strict=True):
                if not first <= by_rule <= last:
                    continue
                count += 1
                # the body's own preferences: a day it avoids gives way to one nearer the anchor
                day, steps = toward_anchor(by_rule, anchor.date, calendar, self.avoided(body), other.name)
                why = Explanation(
                    rule=f"meets {relation.kind} each {other.name} meeting: {relation.offset}",
                    cite=relation.cite,
                    anchor=f"{other.name} meeting on {day_text(anchor.date)}",
                    steps=steps,
                    skipped=calendar.skipped(anchor.date, by_rule, relation.offset),
                )
                meetings.append(meeting_on(body, numbered(body.id, label, relation.kind, count), day, why))
            if count == 0:
                problems.append(
                    Problem(f"{other.name} has no meetings planned to set {relation.kind} meetings from", relation.cite)
                )
        return meetings
