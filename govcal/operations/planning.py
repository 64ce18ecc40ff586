"""Planning the year: plan, keep (save), check, explain.

Each function is the one implementation of its operation; the CLI and the admin API
both call it, and only present what it returns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from govcal.operations.context import Context
from govcal.schedule_files import read_schedule
from rules.errors import NotFound, RuleError
from scheduler.checker import Finding
from scheduler.occurrences import BodyPlan, Deadline, Item, Meeting
from scheduler.store.plans import as_meeting
from scheduler.store.replan import Changes

Advance = Callable[[int], object]


def plan(
    ctx: Context,
    years: Iterable[int] | None,
    body_ids: Sequence[str] | None = None,
    *,
    today: dt.date,
    advance: Advance | None = None,
) -> list[BodyPlan]:
    """The chosen bodies' cycle years (default: every body, the cycle containing `today`)."""
    return ctx.planner.plan(years, body_ids or None, advance, today=today)


def save(
    ctx: Context, plans: Sequence[BodyPlan], *, actor: str, now: dt.datetime, advance: Advance | None = None
) -> Changes:
    """Keep planned cycles: idempotent, an admin's changes kept and clashes reported."""
    return ctx.store.save_plan(plans, actor, now, advance)


def plan_if_empty(ctx: Context, *, actor: str, now: dt.datetime) -> Changes | None:
    """Plan every body's current cycle into a fresh database, so there is a year to see;
    None when something is kept already."""
    if ctx.store.meetings():
        return None
    return save(ctx, plan(ctx, None, today=now.date()), actor=actor, now=now)


def check_file(ctx: Context, path: Path) -> list[Finding]:
    """Does a schedule file (as `plan --json` writes, maybe edited) comply with the rules?"""
    schedule = read_schedule(path, ctx.rules)
    return ctx.checker.check(schedule.meetings, schedule.years)


def check_kept(ctx: Context, body_id: str, year: int) -> list[Finding]:
    """Does the kept schedule of a body's cycle year comply with its rules?"""
    body = ctx.body(body_id)
    kept = [as_meeting(row, body) for row in ctx.store.meetings([body_id])]
    return ctx.checker.check_body(body, year, kept, {})


def kept_findings(ctx: Context) -> list[Finding]:
    """Every body's kept schedule checked, for the year planner page."""
    kept = [as_meeting(row, ctx.rules[row.body_id]) for row in ctx.store.meetings() if row.body_id in ctx.rules.bodies]
    return ctx.checker.check(kept)


@dataclass(frozen=True)
class Explained:
    """Why a date is what it is: the rule's derivation, and the kept state where it differs."""

    id: str
    kind: str  # meeting, deadline or item
    date: dt.date
    lines: list[str]


def explain(ctx: Context, occurrence_id: str, *, kept: bool) -> Explained:
    """The explanation of a planned date by its id; with `kept`, also the date as kept
    and its history, where an admin changed it or it is no longer planned."""
    parts = occurrence_id.split("/")
    if len(parts) < 3 or parts[0] not in ctx.rules.bodies or not parts[1][:4].isdigit():
        raise RuleError(
            f"'{occurrence_id}' is not a date's id; ids look like 'worcestershire-jcb/2026-27/meeting-05'"
            " (see `govcal plan --json`)"
        )
    plan = ctx.planner.body_plan(parts[0], int(parts[1][:4]))
    found: dict[str, Meeting | Deadline | Item] = {o.id: o for o in plan.occurrences()}
    stored = ctx.store.kept(occurrence_id) if kept else None
    occurrence = found.get(occurrence_id)
    if occurrence is None and stored is None:
        examples = ", ".join(list(found)[:3])
        raise NotFound(f"no date with id '{occurrence_id}' in {parts[0]}/{plan.label}/; ids there include {examples}")
    if occurrence is not None:
        lines, day = occurrence.explanation.lines(), occurrence.date
    else:
        assert stored is not None
        lines, day = [f"rule: {stored.explanation}"], stored.date
    if stored is not None and (stored.manual or occurrence is None or stored.date != occurrence.date):
        lines += [f"kept: {stored.status} on {stored.date:%a %d %b %Y} (version {stored.sequence})"]
        lines += [f"history: {entry}" for entry in stored.history]
        day = stored.date
    kind = {Meeting: "meeting", Deadline: "deadline", Item: "item"}.get(type(occurrence), "meeting")
    return Explained(occurrence_id, kind, day, lines)
