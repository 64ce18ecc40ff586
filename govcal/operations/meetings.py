"""Edits to the kept year: move, add, cancel or fix a meeting; extraordinary meetings.

An edit is one transaction: the body (and those planned from it) held, the edit made to
the cycle as it stands (a pure change, `scheduler.edits`), the cycle re-checked, and,
unless it newly breaks a rule and is not forced, the meeting kept as the admin set it
and the year re-derived through the same path a re-plan takes (its deadlines, items,
the bodies planned from it), with an audit entry. A refused edit changes nothing;
either way the findings say why. A preview makes the whole edit and discards it: what it
would break and move, with nothing kept (the admin page shows it before asking).

The past is kept: moving or cancelling a meeting that has started (or moving one to a
time already gone) corrects the record, so it is refused (`Conflict`, saying the day it
was held and what to do) unless forced with a reason, which the audit keeps. A held
meeting's deadlines already due stay as they were; those still ahead follow it. A face
that keeps held meetings read-only (the admin pages) refuses it however forced.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from govcal.operations import fields
from govcal.operations.context import Context
from govcal.operations.planning import replan, standing
from rules.dates import in_london
from rules.errors import Conflict, RuleError
from rules.model import DEFAULT_NATION, Body, ExtraordinaryRule
from rules.offsets import Count, Offset, parse_offset
from scheduler.checker import Checker, Finding
from scheduler.edits import EditAction, apply_edit, new_findings, rewrites_history
from scheduler.extraordinary import Proposals, Request, propose, validate
from scheduler.occurrences import Meeting, cycle_containing, cycle_label
from scheduler.preferences import NOTHING
from scheduler.reminders import NoticeKind
from scheduler.store.audit import Audit
from scheduler.store.replan import Changes
from scheduler.workdays import body_calendar, working_calendar

DEFAULT_NOTICE = "5 clear working days before"
DEFAULT_WINDOW_DAYS = 14


@dataclass
class EditResult:
    """What an edit did: committed or refused, the rules it newly breaks, the knock-on changes."""

    meeting_id: str
    committed: bool
    new_failures: list[Finding]
    changes: Changes = field(default_factory=Changes)
    notice: str = ""  # an extraordinary day refused for missing the notice rule
    meeting: Meeting | None = None  # the meeting as it now stands
    followed: list[str] = field(default_factory=list)  # what moved with it, in words with the new dates
    warnings: list[Finding] = field(default_factory=list)  # preferences it newly gives way on: allowed, said

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.meeting_id,
            "committed": self.committed,
            "breaks": [str(f) for f in self.new_failures],
            "warnings": [f.message for f in self.warnings],
            "deadlines": self.changes.summary(),
            "notice": self.notice,
            "start": self.meeting.start.isoformat() if self.meeting is not None else None,
            "status": self.meeting.status if self.meeting is not None else None,
            "followed": self.followed,
        }


def edit_meeting(
    ctx: Context,
    action: EditAction | str,
    *,
    actor: str,
    now: dt.datetime,
    meeting_id: str | None = None,
    body_id: str | None = None,
    day: dt.date | None = None,
    time: dt.time | None = None,
    force: bool = False,
    note: str = "",
    reason: str = "",
    preview: bool = False,
    history: bool = True,
) -> EditResult:
    """Make one edit (see the module docstring); a `RuleError` for a bad request changes nothing.
    `reason` is why a rule or the past was forced, kept in the audit trail, and for a
    cancellation why it is cancelled, published in the feeds and on the page too; `preview`
    keeps nothing; without `history` the past is not changed even forced (read-only there)."""
    action = EditAction(fields.choice(action, "action", EditAction))
    note, reason = fields.text(note, "note", fields.REASON), fields.text(reason, "reason", fields.REASON)
    if action is EditAction.CANCEL:
        note = note or " ".join(reason.split())  # the reason is published: in every feed, the page, the audit
        if not note and not preview:
            raise RuleError("say why the meeting is cancelled (--reason): members are told the reason", field="reason")
    if action.adds:
        if not body_id:
            raise RuleError("say which body the new meeting is for")
        body = ctx.body(body_id)
        if day is None:
            raise RuleError("a new meeting needs a date")
        within = day
    else:
        if not meeting_id:
            raise RuleError(f"say which meeting to {action} (its id)")
        row = ctx.meeting_row(meeting_id)
        body, within = ctx.body(row.body_id), row.date
    year = cycle_containing(body.cycle_start, within)
    label = cycle_label(body.cycle_start, year)
    with ctx.store.replanning() as kept:
        kept.lock([ctx.rules[b] for b in sorted(ctx.rules.downstream([body.id]))])  # one editor at a time
        schedule = standing(ctx, kept, [(body.id, year)], now)
        before = schedule.meetings_of_cycle(body.id, year)
        if meeting_id is not None and not action.adds and all(m.id != meeting_id for m in before):
            raise Conflict(f"meeting '{meeting_id}' was cancelled when the rules stopped planning it; add one instead")
        edited, meeting = apply_edit(body, label, before, action, target=meeting_id, day=day, time=time, note=note)
        was = next((m for m in before if m.id == meeting.id), meeting)
        past = rewrites_history(action, was, meeting, now)
        if past:
            _history_allowed(was, meeting, now, force=force, reason=reason, here=history)
        held = not action.adds and was.start <= now  # its deadlines already due stay; those ahead follow it
        failures, warnings = new_findings(Checker(schedule), body, year, before, edited)
        if failures and not force and not preview:
            kept.discard()
            return EditResult(meeting.id, False, failures, warnings=warnings)
        kept.keep_meeting(meeting, label, now, new_version=action is not EditAction.FIX)  # fixing changes nothing seen
        replanned = replan(ctx, kept, [(body.id, year)], now=now, touched=[] if held else [meeting.id])
        if preview:
            kept.discard()
        else:
            detail = (
                {
                    "day": str(day) if day else None,
                    "time": f"{time:%H:%M}" if time else None,
                    "forced": bool(failures) or past,
                    "breaks": [str(f) for f in failures],
                    "note": note,
                }
                | ({"reason": reason} if reason else {})
                | ({"held_on": str(was.date)} if held else {})
            )
            kept.audit(Audit(now, actor, f"meeting:{action}", meeting.id, detail))
            kept.audit_changes(replanned.changes, actor, now)
            if action is EditAction.CANCEL:  # its members are told, and why (`notices`)
                kept.queue_notices(body.id, meeting.id, NoticeKind.CANCELLATION, now)
    followed = [change.said(body.id) for change in replanned.listed()]
    return EditResult(
        meeting.id, not preview, failures, replanned.changes, meeting=meeting, followed=followed, warnings=warnings
    )


def _history_allowed(was: Meeting, now_is: Meeting, now: dt.datetime, *, force: bool, reason: str, here: bool) -> None:
    """Refuse an edit that changes the past (`Conflict`, saying when and what to do), unless
    forced with a reason where the face allows correcting the record (`here`)."""
    if was.start <= now:
        what = f"meeting '{was.id}' was held on {was.date:%a %d %b %Y}"
    else:
        what = f"meeting '{was.id}' would start {now_is.start:%a %d %b %Y %H:%M}, which is past"
    if not here:
        raise Conflict(f"{what}: a held meeting is read-only here, but for its attendance and papers")
    if not force or not reason.strip():
        raise Conflict(
            f"{what}: it is history. To correct the record, force it with a reason (--force --reason TEXT;"
            " over the API force: true and a reason): its deadlines already due stay as they were,"
            " and the reason is kept in the audit trail"
        )


# -- extraordinary meetings ------------------------------------------------------------


@dataclass(frozen=True)
class StandIns:
    """Terms to use where a body's rules give none, or in place of theirs (the calculator's)."""

    notice: str | None = None
    window_days: int | None = None
    nation: str | None = None


@dataclass
class Extraordinary:
    """The days a request allows, best notice first, and a confirmed day's edit if one was asked."""

    request: Request
    notice: Offset
    window: Offset
    proposals: Proposals
    confirmed: EditResult | None = None

    def as_dict(self) -> dict[str, Any]:
        answer = self.proposals.as_dict(self.notice, self.request)
        if self.confirmed is not None:
            answer["confirmed"] = self.confirmed.as_dict()
        return answer


def extraordinary(
    ctx: Context,
    body_id: str | None,
    request: Request,
    *,
    stand_ins: StandIns = StandIns(),
    confirm: dt.date | None = None,
    force: bool = False,
    actor: str = "",
    now: dt.datetime | None = None,
    reason: str = "",
    preview: bool = False,
) -> Extraordinary:
    """Dates for an extraordinary meeting requested of the Chair (E1-E3); with `confirm`, the
    chosen day joins the kept schedule (refused if it misses the notice rule, unless forced;
    with `preview`, what confirming it would do, nothing kept). A request's time without a
    zone is London's."""
    request = replace(request, received=in_london(request.received))
    body = ctx.body(body_id) if body_id else None
    fields.maybe_text(request.requested_by, "requested_by", fields.NAME)
    fields.maybe_text(request.seconded_by, "seconded_by", fields.NAME)
    rule, notice, window, nation = _terms(body, stand_ins)
    validate(request, rule)
    if body is not None:
        _members_asking(ctx, body, request)
    calendar = body_calendar(body) if body is not None else working_calendar(nation)
    proposals = propose(request, notice, window, calendar, ctx.planner.avoided(body) if body is not None else NOTHING)
    answer = Extraordinary(request, notice, window, proposals)
    if confirm is not None:
        if body is None:
            raise RuleError("confirming a day needs the body the meeting is for")
        if now is None:
            raise ValueError("confirming a day needs the time it is done")
        missed = proposals.notice_missed(proposals.chosen(confirm, request, calendar))
        if missed and not force and not preview:
            answer.confirmed = EditResult("", False, [], notice=missed)
            return answer
        answer.confirmed = edit_meeting(
            ctx,
            EditAction.EXTRAORDINARY,
            actor=actor,
            now=now,
            body_id=body.id,
            day=confirm,
            force=force,
            note=request.note(),
            reason=reason,
            preview=preview,
        )
        if preview:
            answer.confirmed.notice = missed or ""  # what confirming would need forcing past
    return answer


def _members_asking(ctx: Context, body: Body, request: Request) -> None:
    """Whoever asked for the meeting, and seconded it, must sit on the body, where its
    members are on record (with none recorded there is nothing to check against)."""
    if not ctx.has_store():
        return
    names = {member.name.casefold(): member.name for member in ctx.store.members(body.id)}
    if not names:
        return
    for who, name in (("asked for the meeting", request.requested_by), ("seconded it", request.seconded_by)):
        if name and name.strip().casefold() not in names:
            known = ", ".join(sorted(names.values()))
            raise RuleError(f"'{name}', who {who}, is not a member of {body.name}; its members: {known}")


def _terms(body: Body | None, stand_ins: StandIns) -> tuple[ExtraordinaryRule | None, Offset, Offset, str]:
    """The rule, notice period, window and nation a request is judged by: the body's,
    with any stand-ins in their place (and for a body without a rule, the stand-ins)."""
    rule = body.extraordinary if body is not None else None
    if body is not None and rule is None and not stand_ins.notice:
        raise RuleError(
            f"{body.name} has no extraordinary-meeting rule; give a notice period (and a window) to stand in for one"
        )
    notice = parse_offset(stand_ins.notice or DEFAULT_NOTICE)
    window = parse_offset(f"within {stand_ins.window_days or DEFAULT_WINDOW_DAYS} days")
    if body is not None and rule is not None:
        notice_rule = next(d for d in body.deadlines if d.id == rule.notice)
        notice = parse_offset(stand_ins.notice) if stand_ins.notice else notice_rule.offset
        window = parse_offset(f"within {stand_ins.window_days} days") if stand_ins.window_days else rule.window
    if notice.count not in (Count.WORKING, Count.CLEAR, Count.DAYS) or notice.n > 0:
        raise RuleError(f"'{notice}' is not a notice period before a meeting, e.g. '{DEFAULT_NOTICE}'")
    nation = stand_ins.nation or (body.nation if body is not None else DEFAULT_NATION)
    return rule, notice, window, nation
