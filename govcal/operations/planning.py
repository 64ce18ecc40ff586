"""Planning the year: plan, keep, re-plan, check, explain.

Each function is the one implementation of its operation; the CLI and the admin API
both call it, and only present what it returns. `replan` is the one path every change
to the kept year takes (a re-plan after a rule change, and each edit): the year as it
stands (the rules' plan with every kept change laid over it) is what every derived
date comes from, so re-planning an edited year changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govcal.operations import fields, kept
from govcal.operations.context import Context
from govcal.page import Selection, ShownDeadline, ShownMeeting
from govcal.schedule_files import read_schedule
from rules.errors import NotFound
from rules.loader import RuleSet
from rules.model import Body, Per
from scheduler.checker import Finding
from scheduler.occurrences import (
    BodyPlan,
    Deadline,
    Explanation,
    Item,
    Meeting,
    OccurrenceId,
    cycle_bounds,
    cycle_containing,
    cycle_label,
)
from scheduler.planner import Planner
from scheduler.workdays import day_text, london_day

if TYPE_CHECKING:  # imported where used, so the command line starts quickly
    from scheduler.store.plans import Kept, KeptYear
    from scheduler.store.replan import Changes
    from scheduler.store.tables import MeetingRow


Advance = Callable[[int], object]
Cycle = tuple[str, int]  # (body id, cycle year)
REACH = dt.timedelta(days=366)  # how far around a cycle the kept year is read: next meetings, relations


def plan(
    ctx: Context,
    years: Iterable[int] | None,
    body_ids: Sequence[str] | None = None,
    *,
    now: dt.datetime,
    advance: Advance | None = None,
) -> list[BodyPlan]:
    """The chosen bodies' cycle years by the rules alone (default: every body, the cycle
    containing London's day at `now`): what `govcal plan` shows before anything is kept."""
    return ctx.planner.plan(years, body_ids or None, advance, today=london_day(now))


@dataclass(frozen=True)
class Changed:
    """One date a change added, moved, updated or cancelled, as a clerk reads it."""

    kind: str  # added, moved, updated or cancelled
    id: str
    body: str
    what: str  # the meeting's title, the deadline's or item's name ('' once cancelled)
    was: dt.date | None  # the day it was on (moved, cancelled)
    now: dt.date | dt.datetime | None  # the day, or a meeting's start or a deadline's instant, it is on now
    because: str = ""  # the rule that asked for a meeting the rules added
    version: str = ""  # the version of the body's rules it is placed by now, where they are kept as versions

    def said(self, home: str = "") -> str:
        """The change in a line: what, and its day now and before; the body named unless `home`;
        for a meeting the rules added, the rule that asked for it; the version of the rules that placed it."""
        was = f" (was {self.was:%a %d %b %Y})" if self.was else ""
        if self.now is None:
            return f"cancelled: {self.id}{was}"
        on = f"{self.now:%a %d %b %Y %H:%M}" if isinstance(self.now, dt.datetime) else f"{self.now:%a %d %b %Y}"
        whose = "" if self.body == home else f" ({self.body})"
        because = f": {self.because}" if self.because else ""
        by = f", by {self.version}" if self.version else ""
        return f"{self.kind}: {self.what}{whose}: {on}{was}{by}{because}"


@dataclass(frozen=True)
class Replanned:
    """The cycles as now kept, and what keeping them changed."""

    plans: list[BodyPlan]
    changes: Changes
    placed_by: Mapping[str, str] = field(default_factory=dict)  # a changed date's id: the version that placed it

    def listed(self) -> list[Changed]:
        """Every date added, moved, updated or cancelled, with its days before and after."""
        now_on = {o.id: o for plan in self.plans for o in plan.occurrences()}
        listed = []
        for kind, ids in self.changes.by_kind().items():
            for each in ids:
                o = now_on.get(each)
                was = self.changes.was.get(each)
                if o is None or kind == "cancelled":
                    listed.append(Changed("cancelled", each, OccurrenceId.body_of(each), "", was, None))
                elif isinstance(o, Deadline):
                    listed.append(Changed(kind, each, o.body, o.name, was, o.due, self.placed_by.get(each, "")))
                elif isinstance(o, Meeting):
                    because = self.changes.because.get(each, "")
                    listed.append(
                        Changed(kind, each, o.body, o.title, was, o.start, because, self.placed_by.get(each, ""))
                    )
                else:
                    listed.append(Changed(kind, each, o.body, o.name, was, o.date, self.placed_by.get(each, "")))
        return listed


def keep_year(
    ctx: Context,
    years: Iterable[int] | None,
    body_ids: Sequence[str] | None = None,
    *,
    actor: str,
    now: dt.datetime,
    planned: Advance | None = None,
    saved: Advance | None = None,
    preview: bool = False,
) -> Replanned:
    """Plan the chosen bodies' cycle years (default: every body, the cycle containing
    `now`) and keep them, from the year as it stands: an admin's changes and the past
    kept, clashes and what was left alone reported, the bodies planned from them
    re-derived. Idempotent: a second run changes nothing. With `preview`, what it would
    change, nothing kept."""
    chosen = [ctx.body(b).id for b in body_ids] if body_ids else list(ctx.rules.bodies)
    years = [fields.cycle_year(year) for year in years] if years is not None else None
    today = london_day(now)
    targets = [
        (body_id, year)
        for body_id in chosen
        for year in (years if years is not None else [cycle_containing(ctx.rules[body_id].cycle_start, today)])
    ]
    with ctx.store.replanning() as kept:
        replanned = replan(ctx, kept, targets, now=now, planned=planned, saved=saved)
        if preview:
            kept.discard()
        else:
            kept.audit_changes(replanned.changes, actor, now)
    return replanned


def plan_if_empty(ctx: Context, *, actor: str, now: dt.datetime) -> Changes | None:
    """Plan every body's current cycle into a fresh database, so there is a year to see;
    None when something is kept already."""
    if ctx.store.meetings():
        return None
    return keep_year(ctx, None, actor=actor, now=now).changes


def replan(
    ctx: Context,
    kept: KeptYear,
    targets: Iterable[Cycle],
    *,
    now: dt.datetime,
    planned: Advance | None = None,
    saved: Advance | None = None,
    touched: Collection[str] = (),
) -> Replanned:
    """Re-derive these cycles, and the cycles already kept of the bodies planned from them
    (the knock-on), from the year as it stands at `now`, and keep them. `touched` names
    the meetings an admin just changed, whose deadlines follow them even into the past."""
    rules = ctx.rules
    wanted = set(targets)
    bodies = {body_id for body_id, _ in wanted}
    knock_on = rules.downstream(bodies) - bodies
    kept.lock([rules[b] for b in sorted(bodies | knock_on)])
    if knock_on:
        kept_cycles = kept.cycles(knock_on)
        for body_id, year in list(wanted):
            first, last = cycle_bounds(rules[body_id].cycle_start, year)
            for other in rules.downstream([body_id]) - bodies:
                start = rules[other].cycle_start
                for each in range(cycle_containing(start, first), cycle_containing(start, last) + 1):
                    if (other, cycle_label(start, each)) in kept_cycles:
                        wanted.add((other, each))
    if not wanted:
        return Replanned([], kept.save([], now))
    schedule = standing(ctx, kept, wanted, now)
    plans = []
    for body_id in rules.bodies:  # dependency order
        years = sorted(year for each, year in wanted if each == body_id)
        plans += [schedule.body_plan(body_id, year) for year in years]
        if planned is not None and years:
            planned(1)
    changes = kept.save(plans, now, saved, touched)
    return Replanned(plans, changes, _placed_by(schedule, plans, changes))


def _placed_by(schedule: Planner, plans: Sequence[BodyPlan], changes: Changes) -> dict[str, str]:
    """The version of the rules that placed each date a re-plan changed, for the bodies whose
    rules have more than one version (where which one did it is worth saying)."""
    changed = {each for ids in changes.by_kind().values() for each in ids}
    versions = schedule.rules.versions
    bodies = {OccurrenceId.body_of(each) for each in changed} & {b for b, kept in versions.items() if len(kept) > 1}
    found = {}
    for plan in plans:
        if plan.body.id not in bodies:
            continue
        for o in plan.occurrences():
            if o.id in changed:
                version = schedule.version_of(plan.body.id, plan.year, _meeting_of(o), o.date)
                if version is not None:
                    found[o.id] = version.label
    return found


def standing(ctx: Context, kept: KeptYear, cycles: Collection[Cycle], now: dt.datetime) -> Planner:
    """A planner of the year as it stands at `now` around these cycles: the rules' plan with
    the kept meetings of these bodies, and of the bodies they are planned from, laid over it."""
    rules = ctx.rules
    involved = rules.upstream({body_id for body_id, _ in cycles})
    spans = [cycle_bounds(rules[body_id].cycle_start, year) for body_id, year in cycles]
    first, last = min(f for f, _ in spans) - REACH, max(end for _, end in spans) + REACH
    labels = {
        cycle_label(start, year)
        for start in {rules[b].cycle_start for b in involved}
        for year in range(cycle_containing(start, first), cycle_containing(start, last) + 1)
    }
    return Planner(rules, ctx.planner.terms, kept.meetings({b: rules[b] for b in involved}, labels), now)


def version(ctx: Context) -> object:
    """A value that changes whenever the kept year does (anything a feed or the planner page
    shows), so what the server rendered is kept until it changes. The rules are read again
    first if a version was published since (here or by another instance)."""
    ctx.refresh()
    return ctx.store.version()


def last_change(ctx: Context) -> object:
    """A value that changes whenever the kept year or the rules do, read from indexes alone
    (the admin's grid asks on every request, at any size of year)."""
    ctx.refresh()
    return ctx.store.last_change(), ctx.store.rules_stamp()


# -- checking ------------------------------------------------------------------------------


def verdict(findings: Sequence[Finding]) -> dict[str, Any]:
    """Findings as `check --json` and `/api/check` give them: whether the schedule complies
    (no failure), how many warnings, and each finding as data."""
    return {
        "complies": not any(f.ok is False for f in findings),
        "warnings": sum(f.warning for f in findings),
        "findings": [f.as_dict() for f in findings],
    }


def check_file(ctx: Context, path: Path) -> list[Finding]:
    """Does a schedule file (as `plan --json` writes, maybe edited) comply with the rules?"""
    schedule = read_schedule(path, ctx.rules)
    return ctx.checker.check(schedule.meetings, schedule.years, schedule.deadlines)


def check_kept(ctx: Context, body_id: str, year: int, *, now: dt.datetime | None = None) -> list[Finding]:
    """Does the kept schedule of a body's cycle year comply with its rules? As of `now`, a
    report already due that missed its rule is history: a warning, not a failure."""
    from scheduler.store.plans import as_meeting

    body, year = ctx.body(body_id), fields.cycle_year(year)
    kept = [as_meeting(row, body) for row in ctx.store.meetings([body_id])]
    return ctx.checker.check_body(body, year, kept, {}, now=now)


def kept_findings(ctx: Context, body_ids: Collection[str] | None = None) -> list[Finding]:
    """The kept schedules of these bodies (None: every body) checked, for the year planner
    page; the bodies they are planned from are read too, so each is checked as it stands."""
    wanted = set(ctx.rules.bodies) if body_ids is None else set(body_ids) & set(ctx.rules.bodies)
    return _findings(ctx, wanted, ctx.store.meetings(None if body_ids is None else _related(ctx.rules, wanted)))


def _related(rules: RuleSet, body_ids: Collection[str]) -> set[str]:
    """These bodies and those their meetings are planned from: what checking them reads."""
    return set(body_ids) | {relation.body for b in body_ids for relation in rules[b].meetings.relations}


def _findings(ctx: Context, wanted: Collection[str], rows: Sequence[MeetingRow]) -> list[Finding]:
    """The findings of these bodies' kept schedules, from the kept rows of them and their related bodies."""
    from scheduler.store.plans import as_meeting

    rules = ctx.rules
    kept = [as_meeting(row, rules[row.body_id]) for row in rows if row.body_id in rules.bodies]
    return [finding for finding in ctx.checker.check(kept) if finding.body in wanted]


@dataclass(frozen=True)
class Shown:
    """What the year planner page shows for a selection of bodies: theirs only. Read for the
    public, it holds nothing of a private body's meetings (`for_public`)."""

    bodies: list[Body]
    total: int  # bodies matching the search, on every page
    meetings: list[ShownMeeting]
    deadlines: list[ShownDeadline]
    findings: list[Finding]


def shown(ctx: Context, selection: Selection, private: bool) -> Shown | None:
    """A page of bodies with their kept year and what it breaks, reading only theirs; None past
    the last page. For an admin's page link (`private`) every body, as kept; for the public the
    bodies that meet in public, read through `for_public`."""
    bodies, total = selection.choose(ctx.rules, private)
    if selection.page > selection.pages(total):
        return None
    ids = {body.id for body in bodies}
    rows = ctx.store.meetings(_related(ctx.rules, ids))  # read once: the page's meetings, and what checks them
    meetings = kept.shown_meetings(ctx, [row for row in rows if row.body_id in ids])
    page = Shown(bodies, total, meetings, kept.deadlines(ctx, ids), _findings(ctx, ids, rows))
    return page if private else for_public(ctx.rules, page)


def for_public(rules: RuleSet, page: Shown) -> Shown:
    """A page as the public may read it: no private body's meeting, day, place or id, even where
    a public body's report goes to one, its meeting is set from one, or a finding dates one.
    The public body's own dates stay, and name the private body; the page's templates and the
    export need no care of their own."""
    return Shown(
        [body for body in page.bodies if body.meetings.public],
        page.total,
        [_public_meeting(rules, meeting) for meeting in page.meetings if _public(rules, meeting.body)],
        [_public_deadline(rules, deadline) for deadline in page.deadlines if _public(rules, deadline.body)],
        [_public_finding(rules, finding) for finding in page.findings if _public(rules, finding.body)],
    )


def _public(rules: RuleSet, body_id: str) -> bool:
    """Does the body meet in public? A body the rules no longer hold is taken not to."""
    return body_id in rules.bodies and rules[body_id].meetings.public


def _in_private(rules: RuleSet, body_id: str) -> str:
    name = rules[body_id].name if body_id in rules.bodies else body_id
    return f"the {name} meets in private: its meetings' days are not published"


def _public_deadline(rules: RuleSet, deadline: ShownDeadline) -> ShownDeadline:
    """A deadline for (or counted from) a private body's meeting, without that meeting: its
    name and its own rule, and the body it goes to."""
    hangs_on = (deadline.meeting, deadline.counted_from)
    closed = next((m for m in hangs_on if m and not _public(rules, OccurrenceId.body_of(m))), None)
    if closed is None:
        return deadline
    report = next((rule for rule in rules[deadline.body].reports if rule.id == deadline.rule), None)
    period = "quarter" if report is not None and report.per is Per.QUARTER else "year"
    how = f": {report.offset} its first meeting of the {period} ({report.cite})" if report is not None else ""
    said = f"{deadline.name}{how}; {_in_private(rules, OccurrenceId.body_of(closed))}"
    return replace(deadline, meeting=None, counted_from=None, explanation=said)


def _public_meeting(rules: RuleSet, meeting: ShownMeeting) -> ShownMeeting:
    """A meeting set from a private body's meetings (`before-01`, `after-02`, ...), its rule
    said without the private meeting's day."""
    kind = OccurrenceId.parse(meeting.id).kind
    relations = rules[meeting.body].meetings.relations
    relation = next((r for r in relations if r.kind == kind and not _public(rules, r.body)), None)
    if relation is None:
        return meeting
    said = f"meets {kind} each meeting of another body: {relation.offset} ({relation.cite})"
    return replace(meeting, explanation=f"{said}; {_in_private(rules, relation.body)}")


def _public_finding(rules: RuleSet, finding: Finding) -> Finding:
    """A finding that dates a private body's meeting, its verdict kept and the day left out."""
    if not finding.about or _public(rules, finding.about):
        return finding
    verdict = {True: "met", False: "not met", None: "cannot be told"}[finding.ok]
    return replace(finding, message=f"{verdict}; {_in_private(rules, finding.about)}")


# -- explaining ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Explained:
    """Why a date is what it is: the kept state first (date, status, the meeting it hangs
    on, who changed what), then the rule's derivation."""

    id: str
    kind: str  # meeting, deadline or item
    date: dt.date
    due: dt.datetime | None  # a meeting's start, a deadline's instant
    status: str
    why: Explanation
    meeting: Meeting | None = None  # the meeting a deadline or item is for, as it stands
    anchor: Meeting | None = None  # the meeting its date is counted from (the next one, for minutes)
    planned_date: dt.date | None = None  # what the rules alone give, where that differs
    kept: Kept | None = None
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """One fact a line, the kept state first, for `govcal explain`."""
        lines = []
        if self.kept is not None:
            done = f"; done {self.kept.done_at:%a %d %b %Y %H:%M}" if self.kept.done_at else ""
            lines.append(f"kept: {self.status} on {self.date:%a %d %b %Y} (version {self.kept.sequence}){done}")
        for label, meeting in (("for", self.meeting), ("counted from", self.anchor)):
            if meeting is not None and (label == "for" or meeting != self.meeting):
                lines.append(f"{label}: meeting {meeting.id}, {meeting.status}, on {day_text(meeting.date)}")
        if self.planned_date is not None:
            lines.append(f"the rules alone give: {day_text(self.planned_date)}")
        lines += self.notes
        lines += [f"history: {entry}" for entry in self.kept.history] if self.kept is not None else []
        return lines + self.why.lines()

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "date": self.date.isoformat(),
            "due": self.due.isoformat() if self.due else None,
            "status": self.status,
            "version": self.kept.sequence if self.kept else None,
            "done": self.kept.done_at.isoformat() if self.kept and self.kept.done_at else None,
            "for": _meeting_fields(self.meeting),
            "anchor": _meeting_fields(self.anchor),
            "planned_date": self.planned_date.isoformat() if self.planned_date else None,
            "rule": self.why.rule,
            "source": str(self.why.cite),
            "quote": self.why.cite.quote or None,
            "anchor_text": self.why.anchor or None,
            "adjusted": list(self.why.steps),
            "skipped": [{"date": day.date.isoformat(), "reason": day.reason} for day in self.why.skipped],
            "history": self.kept.history if self.kept else [],
            "rules_version": next(
                (note.removeprefix("rules: ") for note in self.notes if note.startswith("rules: ")), None
            ),
        }


def _meeting_fields(meeting: Meeting | None) -> dict[str, str] | None:
    if meeting is None:
        return None
    return {
        "id": meeting.id,
        "date": meeting.date.isoformat(),
        "start": meeting.start.isoformat(),
        "status": meeting.status,
    }


def explain(ctx: Context, occurrence_id: str, *, now: dt.datetime, kept: bool) -> Explained:
    """The explanation of a date by its id: with `kept` (a database to read), as the year
    stands at `now`, the kept state and history first; else as the rules alone give it."""
    parts = OccurrenceId.parse(fields.text(occurrence_id, "id", fields.ID))
    ctx.body(parts.body)  # NotFound, naming the bodies there are
    cycle = (parts.body, parts.year)
    if kept:
        with ctx.store.replanning() as year:
            planner = standing(ctx, year, [cycle], now)
            plan = planner.body_plan(*cycle)
            year.discard()  # a reading, not a change
        stored = ctx.store.kept(occurrence_id)
    else:
        planner = ctx.planner
        plan, stored = planner.body_plan(*cycle), None
    found: dict[str, Meeting | Deadline | Item] = {o.id: o for o in plan.occurrences()}
    occurrence = found.get(occurrence_id)
    if occurrence is None:
        examples = ", ".join(list(found)[:3])
        raise NotFound(f"no date with id '{occurrence_id}' in {parts.body}/{plan.label}/; ids there include {examples}")
    day = stored.date if stored is not None else occurrence.date
    placed_by = planner.version_of(parts.body, parts.year, _meeting_of(occurrence), occurrence.date)
    versions = [f"rules: {placed_by.label}"] if placed_by is not None else []
    if isinstance(occurrence, Meeting):
        rules_gave = next((m for m in plan.planned if m.id == occurrence.id), None)
        return Explained(
            occurrence.id,
            "meeting",
            day,
            occurrence.start,
            stored.status if stored is not None else occurrence.status,
            rules_gave.explanation if rules_gave is not None else occurrence.explanation,
            planned_date=rules_gave.date if rules_gave is not None and rules_gave.date != day else None,
            kept=stored,
            notes=versions + ([] if rules_gave is not None else ["not planned by the rules: kept as an admin set it"]),
        )
    meetings = {m.id: m for m in plan.meetings}
    counted_from = occurrence.counted_from if isinstance(occurrence, Deadline) else occurrence.meeting
    due = occurrence.due if isinstance(occurrence, Deadline) else None
    return Explained(
        occurrence.id,
        "deadline" if isinstance(occurrence, Deadline) else "item",
        day,
        stored.due if stored is not None and stored.due else due,
        stored.status if stored is not None else "planned",
        occurrence.explanation,
        meetings.get(occurrence.meeting or ""),
        meetings.get(counted_from or ""),
        planned_date=occurrence.date if occurrence.date != day else None,
        kept=stored,
        notes=versions,
    )


def _meeting_of(occurrence: Meeting | Deadline | Item) -> str | None:
    """The meeting a date is, or is for (None for an item or report of the cycle)."""
    return occurrence.id if isinstance(occurrence, Meeting) else occurrence.meeting
