"""Does a schedule meet the terms of reference? Per body and rule, and why not.

The checker takes meetings as they are (planned, or moved, added and cancelled by
hand) and tests them against each body's rules: the frequency, the relations to
other bodies, working days and school holidays, and the meetings annual items
need. Each finding names the rule and its clause: "no meeting in August 2026:
rule 'not less than monthly' (F8, clause 8.1)".

Deadlines are read as the schedule gives them: a report's on whether it follows a
meeting and precedes the one it goes to, any on whether it falls in a closure the body
avoids; a deadline the schedule leaves out is derived from its meetings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from dateutil.relativedelta import relativedelta

from rules.frequencies import Compliance, Shape, kind_of
from rules.model import MONTHS, Body, Citation, Frequency, Relation
from scheduler.occurrences import Deadline, Meeting, Status, cycle_bounds, cycle_containing, cycle_label
from scheduler.periods import cut_periods
from scheduler.planner import Planner
from scheduler.reporting import report_span
from scheduler.terms import academic_label
from scheduler.workdays import at_time, body_calendar, day_text

SEPTEMBER = 9  # a school year starts in September


@dataclass(frozen=True, slots=True)
class Given:
    """A deadline as a schedule gives it: its day, and its time of day where the schedule
    says (else the rule's)."""

    date: dt.date
    time: dt.time | None = None

    def due(self, rule_time: dt.time) -> dt.datetime:
        return at_time(self.date, self.time or rule_time)


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's verdict for one body's cycle: ok True/False, or None when it cannot be told.

    A soft preference (`avoid:`) is never a failure: a day it gave way on, or could not be
    told for, is a warning beside a compliant verdict.
    """

    body: str
    cycle: str
    rule: str
    cite: Citation
    ok: bool | None
    message: str
    warning: bool = False
    about: str = ""  # the other body whose meeting `message` gives the day of (a relation's, a report's)

    def __str__(self) -> str:
        mark = "warning" if self.warning else {True: "ok", False: "FAIL", None: "unknown"}[self.ok]
        return f"{mark}: {self.message}: rule '{self.rule}' ({self.cite})"

    def as_dict(self) -> dict[str, object]:
        """The finding as data, the one shape `check --json` and `/api/check` give."""
        return {
            "body": self.body,
            "cycle": self.cycle,
            "rule": self.rule,
            "ref": self.cite.ref,
            "clause": self.cite.clause,
            "ok": self.ok,
            "warning": self.warning,
            "message": self.message,
        }


class Checker:
    """Checks schedules against a planner's rules (the planner supplies other bodies' meetings)."""

    def __init__(self, planner: Planner) -> None:
        self.planner = planner
        self.rules = planner.rules

    def check(
        self,
        meetings: Iterable[Meeting],
        years: Mapping[str, Iterable[int]] | None = None,
        given: Mapping[str, Given] | None = None,
    ) -> list[Finding]:
        """Findings for every body with meetings in the schedule, per cycle year.

        `years` names the cycle years to check per body; by default, every cycle the
        body's meetings fall in. `given` holds the deadlines the schedule dates, by id;
        the others are derived from its meetings.
        """
        by_body: dict[str, list[Meeting]] = {}
        for meeting in meetings:
            by_body.setdefault(meeting.body, []).append(meeting)
        findings: list[Finding] = []
        for body_id, own in by_body.items():
            body = self.rules[body_id]
            cycles = sorted(
                set(years[body_id])
                if years and body_id in years
                else {cycle_containing(body.cycle_start, m.date) for m in own}
            )
            for year in cycles:
                findings += self.check_body(body, year, own, by_body, given or {})
        return findings

    def check_body(
        self,
        body: Body,
        year: int,
        meetings: Sequence[Meeting],
        schedule: Mapping[str, Sequence[Meeting]],
        given: Mapping[str, Given] | None = None,
        now: dt.datetime | None = None,
    ) -> list[Finding]:
        """All findings for one body's cycle year; a kept year's as of `now` (its past is history).
        Where versions of the body's rules cut the cycle, each period is judged by the version in
        force at its start, and each meeting's day by the version that placed it; the cycle's
        items and reports by the first."""
        spans = self.planner.versions_in(body.id, year)
        if len(spans) <= 1:
            judged = spans[0][0].body if spans else body
            return self._check(judged, year, meetings, schedule, given or {}, now, None, whole=True)
        findings = []
        for n, (version, start, end) in enumerate(spans):
            findings += self._check(
                version.body, year, meetings, schedule, given or {}, now, (start, end), whole=n == 0
            )
        return findings

    def _check(
        self,
        body: Body,
        year: int,
        meetings: Sequence[Meeting],
        schedule: Mapping[str, Sequence[Meeting]],
        given: Mapping[str, Given],
        now: dt.datetime | None,
        governs: tuple[dt.date, dt.date] | None,
        *,
        whole: bool,
    ) -> list[Finding]:
        """One version's findings: the periods starting in `governs` (None: all), the meetings it placed."""
        first, last = cycle_bounds(body.cycle_start, year)
        label = cycle_label(body.cycle_start, year)
        active = sorted((m for m in meetings if m.active and first <= m.date <= last), key=lambda m: m.date)
        derived = self.planner.derive(body.id, year, active).deadlines
        context = _Context(body, label, first, last, active, derived, given, schedule, governs)
        own = context
        if governs is not None:  # the meetings this version placed (a kept one: the version in force on its day)
            placed = [m for m in active if self._placed_by_this(body, year, m)]
            own = replace(context, active=placed)
        findings = self._frequency(context)
        for relation in body.meetings.relations:
            others = [m for m in schedule.get(relation.body, ()) if m.active] or self.planner.meetings_between(
                relation.body, first - relation.reach, last + relation.reach
            )
            findings += self._relation(own, relation, others)
        findings += self._days(own)
        if whole:
            findings += self._items(context)
            findings += self._reports(context, year, now)
        findings += self._preferences(own, year)
        return findings

    def _placed_by_this(self, body: Body, year: int, meeting: Meeting) -> bool:
        version = self.planner.version_of(body.id, year, meeting.id, meeting.date)
        return version is not None and version.body is body

    # -- frequency -----------------------------------------------------------------

    def _frequency(self, c: _Context) -> list[Finding]:
        """The frequency's findings, by the test its kind names (`rules.frequencies`)."""
        frequency = c.body.meetings.frequency
        if frequency is None:
            return []
        kind = kind_of(frequency)
        rule, cite = frequency.phrase, c.body.meetings.cite
        days = [m.date for m in c.active]
        if kind.test is Compliance.EACH_PERIOD:
            return self._each_period(c, frequency, cite, days)
        if not c.judges(c.first):
            return []  # a count over the whole cycle: the version in force at its start judges it
        if kind.test is Compliance.NO_GAP:
            return self._gaps(c, frequency.count, rule, cite, days)
        exactly = kind.test is Compliance.EXACTLY
        ok = len(days) == frequency.count if exactly else len(days) >= frequency.count
        need = f"it must have exactly {frequency.count}" if exactly else f"at least {frequency.count} needed"
        message = f"{len(days)} meetings in the cycle year {c.label}" + ("" if ok else f"; {need}")
        return [c.finding(rule, cite, ok, message)]

    def _each_period(self, c: _Context, frequency: Frequency, cite: Citation, days: list[dt.date]) -> list[Finding]:
        """At least the kind's `per_period` meetings in every period it cuts the cycle into;
        where the kind allows none outside its periods ("monthly except August"), an ordinary
        meeting in none fails (an extraordinary one is called as business needs, whenever)."""
        kind, rule, terms = kind_of(frequency), frequency.phrase, self.planner.terms.get(c.body.id)
        periods, _ = cut_periods(c.body.meetings, terms, c.first, c.last)
        termly = kind.cut(frequency, ()).shape is Shape.TERMS
        findings = []
        for period in periods:
            if not c.judges(period.first):
                continue  # another version's period
            if terms is not None and termly and period.term is None:
                source = Path(terms.source).name
                message = f"cannot check {period.label}: its term dates are not published in {source}"
                findings.append(c.finding(rule, cite, None, message))
                continue
            what = kind.period_words.format(index=period.index, label=period.label)
            inside = [d for d in days if period.first <= d <= period.last]
            if len(inside) >= kind.per_period:
                said = f"meeting in {what} on {day_text(inside[0])}"
                if kind.per_period > 1:
                    said = f"{len(inside)} meetings in {what}, from {day_text(inside[0])}"
                findings.append(c.finding(rule, cite, True, said))
            elif not inside:
                findings.append(c.finding(rule, cite, False, f"no meeting in {what}"))
            else:
                held = f"{len(inside)} meeting{'s' if len(inside) > 1 else ''}"
                message = f"{held} in {what}; at least {kind.per_period} needed"
                findings.append(c.finding(rule, cite, False, message))
        if kind.only_in_periods:
            for meeting in c.active:
                outside = c.judges(meeting.date) and not any(p.first <= meeting.date <= p.last for p in periods)
                if outside and meeting.status != Status.EXTRAORDINARY:  # the status may be read back as its word
                    message = f"meeting on {day_text(meeting.date)}, in {meeting.date:%B}, a month the rule leaves out"
                    findings.append(c.finding(rule, cite, False, message))
        return findings

    def _gaps(self, c: _Context, months: int, rule: str, cite: Citation, days: list[dt.date]) -> list[Finding]:
        tolerance = c.body.meetings.tolerance
        allowed = f"{months} months + {tolerance.days} days"
        if not days:
            return [c.finding(rule, cite, False, f"no meetings in the cycle year {c.label}")]
        findings = []
        stops = [c.first - dt.timedelta(days=1), *days, c.last + dt.timedelta(days=1)]
        for before, after in zip(stops, stops[1:], strict=False):
            limit = before + relativedelta(months=months) + tolerance
            if after > limit:
                start = "the start of the cycle" if before < c.first else day_text(before)
                end = "the end of the cycle" if after > c.last else day_text(after)
                findings.append(
                    c.finding(
                        rule,
                        cite,
                        False,
                        f"gap of {(after - before).days} days from {start} to {end}; at most {allowed} allowed",
                    )
                )
        if not findings:
            findings.append(c.finding(rule, cite, True, f"{len(days)} meetings, no gap over {allowed}"))
        return findings

    # -- relations, days, items --------------------------------------------------------

    def _relation(self, c: _Context, relation: Relation, others: Sequence[Meeting]) -> list[Finding]:
        window = relation.reach
        other = self.rules[relation.body]
        rule = f"{relation.kind} each {other.name} meeting"
        findings = []
        # Meetings just outside the cycle (the one before an early anchor) come from the
        # plan of the neighbouring cycle: the schedule being checked holds only this one.
        outside = self.planner.meetings_between(c.body.id, c.first - window, c.last + window)
        days = sorted({m.date for m in c.active} | {m.date for m in outside if not c.first <= m.date <= c.last})
        for anchor in sorted(others, key=lambda m: m.date):
            if not c.first <= anchor.date <= c.last:
                continue
            if relation.kind == "before":
                near = [d for d in days if anchor.date - window <= d < anchor.date]
            else:
                near = [d for d in days if anchor.date < d <= anchor.date + window]
            if near:
                findings.append(
                    c.finding(
                        rule,
                        relation.cite,
                        True,
                        f"{day_text(near[0])}, {relation.kind} the {other.name} meeting on {day_text(anchor.date)}",
                        other.id,
                    )
                )
            else:
                findings.append(
                    c.finding(
                        rule,
                        relation.cite,
                        False,
                        f"no meeting within {window.days} days {relation.kind}"
                        f" the {other.name} meeting on {day_text(anchor.date)}",
                        other.id,
                    )
                )
        return findings

    def _days(self, c: _Context) -> list[Finding]:
        calendar = body_calendar(c.body)
        terms = self.planner.terms.get(c.body.id)
        cite = c.body.meetings.cite
        findings, warnings = [], []
        for meeting in c.active:
            reason = calendar.reason(meeting.date)
            if reason:
                findings.append(
                    c.finding(
                        "meetings on working days",
                        cite,
                        False,
                        f"meeting on {day_text(meeting.date)} is not a working day ({reason})",
                    )
                )
            elif c.body.meetings.avoid_school_holidays and terms is not None and terms.is_school_holiday(meeting.date):
                findings.append(
                    c.finding(
                        "avoid school holidays",
                        cite,
                        False,
                        f"meeting on {day_text(meeting.date)} is in the school holidays",
                    )
                )
            elif (
                c.body.meetings.avoid_school_holidays and terms is not None and (held := terms.estimated(meeting.date))
            ):
                said = f"{held.name}, estimated ({held.dates} {held.end.year})"
                message = f"meeting on {day_text(meeting.date)} is in the {said}"
                warnings.append(Finding(c.body.id, c.label, "avoid school holidays", cite, True, message, warning=True))
        if not findings and c.active:
            findings.append(
                c.finding("meetings on working days", cite, True, f"all {len(c.active)} meetings on working days")
            )
        return findings + warnings  # an estimated holiday is a warning at most, never a failure

    def _reports(self, c: _Context, year: int, now: dt.datetime | None = None) -> list[Finding]:
        """Each report follows a meeting of the body held at most `within` before it is due,
        and is due before the meeting it goes to (the planner's report dues: they depend on
        the receiving body's meetings, not on the schedule being checked). In a kept year a
        report already due at `now` is history: what it missed is a warning (it may have been
        due before the rule that asks it was made, and nothing can now be moved for it)."""
        dues = []
        for due in self.planner.report_dues(c.body.id, year):
            if due.target is not None:
                at = c.due(due.deadline_id(c.body.id, c.label), due.day, due.rule.time)
                dues.append((at, due, c.as_given(due.target)))
        findings = []
        for at, due, to in sorted(dues, key=lambda d: (d[0], d[1].rule.to, d[1].period.index)):
            rule = due.rule
            name = f"{due.name} due {day_text(at.date())}"
            since = at.date() - rule.within
            outside = self.planner.meetings_between(c.body.id, since, c.first - dt.timedelta(days=1))
            held = [m.date for m in [*outside, *c.active] if since <= m.date < at.date()]
            if at >= to.start:
                message = f"{name} is not before the meeting it goes to, {day_text(to.date)}"
                findings.append(c.finding("reports follow a meeting", rule.cite, False, message, rule.to))
            elif held:
                message = f"{name} follows the meeting on {day_text(held[-1])}"
                message += f" and comes before the one it goes to, {day_text(to.date)}"
                findings.append(c.finding("reports follow a meeting", rule.cite, True, message, rule.to))
            else:
                message = f"{name} follows no meeting of the body in the {report_span(rule)} before it"
                findings.append(c.finding("reports follow a meeting", rule.cite, False, message))
            if now is not None and at <= now and findings[-1].ok is False:
                past = f"{findings[-1].message}: past, kept as it was (history; nothing can be moved for it now)"
                findings[-1] = replace(findings[-1], ok=True, message=past, warning=True)
        return findings

    def _preferences(self, c: _Context, year: int) -> list[Finding]:
        """Warnings, not failures: meetings on days the body avoids, or that cannot be told
        (term dates not published), and deadlines in closures it avoids."""
        avoided = self.planner.avoided(c.body)
        if not avoided:
            return []
        rule, cite = f"avoid {' and '.join(c.body.avoid)}", Citation("", "local practice")
        warnings, unknown = [], []
        for meeting in c.active:
            why = avoided.why(meeting.date)
            if why is not None:
                warnings.append(f"meeting on {day_text(meeting.date)} is {why}")
            elif avoided.terms is not None and avoided.terms.is_school_holiday(meeting.date) is None:
                unknown.append(academic_label(meeting.date.year - (meeting.date.month < SEPTEMBER)))
        if unknown and avoided.terms is not None:
            source = Path(avoided.terms.source).name
            estimated = "; its holidays are estimated from the authority's pattern" if avoided.terms.estimate else ""
            warnings.append(
                f"cannot tell whether its meetings are in the school holidays: {source} has no term dates"
                f" for {' or '.join(sorted(set(unknown)))}{estimated}"
            )
        for deadline in c.derived:
            day = c.due(deadline.id, deadline.date, deadline.due.time()).date()
            closed = avoided.closed(day)
            if closed is not None:
                warnings.append(f"{deadline.name} due {day_text(day)} is {closed}")
        if not warnings:
            return [c.finding(rule, cite, True, f"no meeting or deadline on a day the {c.body.name} avoids")]
        return [Finding(c.body.id, c.label, rule, cite, True, message, warning=True) for message in warnings]

    def _items(self, c: _Context) -> list[Finding]:
        findings = []
        for item in c.body.items:
            if item.at_month is not None:
                month = MONTHS[item.at_month - 1].title()
                inside = [m for m in c.active if m.date.month == item.at_month]
                ok = bool(inside)
                message = (
                    f"{item.name} taken at the meeting on {day_text(inside[0].date)}"
                    if ok
                    else f"{item.name} is for {month} but there is no meeting in {month}"
                )
                findings.append(c.finding(item.name, item.cite, ok, message))
            elif item.at is not None and not c.active:
                findings.append(
                    c.finding(
                        item.name, item.cite, False, f"{item.name} needs a meeting and there is none in the cycle year"
                    )
                )
        return findings


@dataclass(frozen=True)
class _Context:
    """One body's cycle being checked: its active meetings, the deadlines they give, those
    the schedule dates by hand, and the schedule's meetings of every body."""

    body: Body
    label: str
    first: dt.date
    last: dt.date
    active: list[Meeting]
    derived: list[Deadline]
    given: Mapping[str, Given]
    schedule: Mapping[str, Sequence[Meeting]]
    governs: tuple[dt.date, dt.date] | None = None  # a version's days: the periods starting in them are its

    def judges(self, day: dt.date) -> bool:
        """Whether a period starting on `day` is judged by this context's version of the rules."""
        return self.governs is None or self.governs[0] <= day <= self.governs[1]

    def due(self, deadline_id: str, day: dt.date, time: dt.time) -> dt.datetime:
        """A deadline's instant as the schedule gives it, else as derived (`day` at `time`)."""
        given = self.given.get(deadline_id)
        return given.due(time) if given is not None else at_time(day, time)

    def as_given(self, meeting: Meeting) -> Meeting:
        """Another body's meeting as the schedule has it (moved by hand, say), else as planned."""
        return next((m for m in self.schedule.get(meeting.body, ()) if m.id == meeting.id), meeting)

    def finding(self, rule: str, cite: Citation, ok: bool | None, message: str, about: str = "") -> Finding:
        return Finding(self.body.id, self.label, rule, cite, ok, message, about=about)
