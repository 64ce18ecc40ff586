"""Admin edits to a kept year: move, add, cancel or fix a meeting.

Each edit is one transaction that locks the body, applies the change, recomputes
the body's deadlines and items from its meetings as they now stand, and re-runs
the compliance check. A change that breaks a rule the schedule met before is not
committed unless the admin forces it knowingly; either way the findings say why.
A meeting an admin has touched is marked manual, so re-planning never moves it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from rules.errors import RuleError
from scheduler.checker import Checker, Finding
from scheduler.extraordinary import Proposals, Request
from scheduler.occurrences import Explanation, Meeting, cycle_containing, cycle_label, meeting_on
from scheduler.planner import Planner
from scheduler.store import UTC, AuditRow, Changes, MeetingRow, Store, stored_instant
from scheduler.workdays import at_time

Action = Literal["move", "add", "extraordinary", "cancel", "fix"]
ADDING = ("add", "extraordinary")


@dataclass
class EditResult:
    """What an edit did: committed or refused, the rules it newly breaks, the knock-on changes."""

    meeting_id: str
    committed: bool
    new_failures: list[Finding]
    changes: Changes = field(default_factory=Changes)
    notice: str = ""  # an extraordinary day refused for missing the notice rule


def stored_meeting(row: MeetingRow, planner: Planner) -> Meeting:
    """A stored meeting as the checker and planner see it."""
    body = planner.rules[row.body_id]
    start, end = stored_instant(row.start), stored_instant(row.end)
    return Meeting(
        id=row.id,
        body=row.body_id,
        date=row.date,
        start=start,
        end=end,
        title=row.title,
        location=row.location,
        public=row.public,
        explanation=Explanation(row.explanation, body.meetings.cite),
        status=row.status,
        tags=tuple(row.tags or ()),
    )


def edit_meeting(
    store: Store,
    planner: Planner,
    action: Action,
    *,
    actor: str,
    meeting_id: str | None = None,
    body_id: str | None = None,
    day: dt.date | None = None,
    time: dt.time | None = None,
    force: bool = False,
    note: str = "",
) -> EditResult:
    """Apply one edit (see the module docstring); a `RuleError` for a bad request changes nothing."""
    with store.session() as session, session.begin():
        row = _target(session, action, meeting_id, body_id)
        body_id = row.body_id if row is not None else body_id
        assert body_id is not None
        if body_id not in planner.rules.bodies:
            raise RuleError(f"unknown body '{body_id}'; known bodies: {', '.join(planner.rules.bodies)}")
        body = planner.rules[body_id]
        store.record_body(session, body, lock=True)  # one editor per body at a time
        if row is not None:
            session.refresh(row)
        anchor_day = day if action in ADDING else row.date  # type: ignore[union-attr]
        if anchor_day is None:
            raise RuleError("a new meeting needs a date")
        year = cycle_containing(body.cycle_start, anchor_day)
        label = cycle_label(body.cycle_start, year)
        rows = list(session.scalars(select(MeetingRow).where(MeetingRow.body_id == body_id, MeetingRow.cycle == label)))
        before = [stored_meeting(r, planner) for r in rows]
        edited, target_id = _apply(action, before, row, body_id, label, day, time, planner, note)
        checker = Checker(planner)
        was = {f.message for f in checker.check_body(body, year, before, {}) if f.ok is False}
        new_failures = [f for f in checker.check_body(body, year, edited, {}) if f.ok is False and f.message not in was]
        if new_failures and not force:
            session.rollback()
            return EditResult(target_id, False, new_failures)
        now = dt.datetime.now(UTC)
        _store_meeting(session, action, row, next(m for m in edited if m.id == target_id), label, now)
        plan = planner.derive(body_id, year, edited)
        changes = store.sync_derived(session, plan, now)
        detail = {
            "day": str(day) if day else None,
            "time": f"{time:%H:%M}" if time else None,
            "forced": bool(new_failures),
            "breaks": [str(f) for f in new_failures],
            "note": note,
        }
        session.add(AuditRow(at=now, actor=actor, action=f"meeting:{action}", target=target_id, detail=detail))
    return EditResult(target_id, True, new_failures, changes)


def _target(session: Session, action: Action, meeting_id: str | None, body_id: str | None) -> MeetingRow | None:
    if action in ADDING:
        if not body_id:
            raise RuleError("say which body the new meeting is for")
        return None
    row = session.get(MeetingRow, meeting_id) if meeting_id else None
    if row is None:
        raise RuleError(f"no meeting '{meeting_id}' in the store; run `govcal plan --save` first or check the id")
    return row


def _apply(
    action: Action,
    meetings: list[Meeting],
    row: MeetingRow | None,
    body_id: str,
    label: str,
    day: dt.date | None,
    time: dt.time | None,
    planner: Planner,
    note: str,
) -> tuple[list[Meeting], str]:
    """The body's meetings with the edit applied, and the edited meeting's id."""
    body = planner.rules[body_id]
    if action in ADDING:
        assert day is not None
        start = at_time(day, time or body.meetings.time)
        taken = {m.id for m in meetings}
        kind = "added" if action == "add" else "extraordinary"
        n = 1 + sum(1 for m in meetings if f"/{kind}-" in m.id)
        while f"{body_id}/{label}/{kind}-{n:02d}" in taken:
            n += 1
        why = Explanation(note or f"{kind} by an admin", body.meetings.cite)
        new = meeting_on(body, f"{body_id}/{label}/{kind}-{n:02d}", day, why, time=time, status=kind)
        return [*meetings, new], new.id
    assert row is not None
    current = next(m for m in meetings if m.id == row.id)
    if action == "cancel":
        if current.status == "cancelled":
            raise RuleError(f"meeting '{row.id}' is already cancelled")
        changed = dataclasses.replace(current, status="cancelled")
    elif action == "fix":
        changed = dataclasses.replace(current, status="fixed")
    else:
        if day is None and time is None:
            raise RuleError("say where to move the meeting: a new date, a new time, or both")
        new_day = day or current.date
        start = at_time(new_day, time or current.start.timetz().replace(tzinfo=None))
        if new_day == current.date and start == current.start:
            raise RuleError(f"meeting '{row.id}' is already on {new_day} at {start:%H:%M}")
        if cycle_label(body.cycle_start, cycle_containing(body.cycle_start, new_day)) != label:
            raise RuleError(
                f"{new_day} is outside the meeting's cycle year {label}; cancel it and add one in that cycle"
            )
        changed = dataclasses.replace(
            current, date=new_day, start=start, end=start + (current.end - current.start), status="moved"
        )
    return [changed if m.id == row.id else m for m in meetings], row.id


def _store_meeting(
    session: Session, action: Action, row: MeetingRow | None, meeting: Meeting, label: str, now: dt.datetime
) -> None:
    if row is None:
        session.add(
            MeetingRow(
                id=meeting.id,
                body_id=meeting.body,
                cycle=label,
                date=meeting.date,
                start=meeting.start.astimezone(UTC),
                end=meeting.end.astimezone(UTC),
                title=meeting.title,
                location=meeting.location,
                public=meeting.public,
                tags=list(meeting.tags),
                status=meeting.status,
                sequence=0,
                planned_date=None,
                manual=True,
                explanation=meeting.explanation.rule,
                updated_at=now,
            )
        )
        return
    row.date, row.status, row.manual, row.updated_at = meeting.date, meeting.status, True, now
    row.start, row.end = meeting.start.astimezone(UTC), meeting.end.astimezone(UTC)
    if action != "fix":  # fixing pins the date; nothing a subscriber sees changes
        row.sequence += 1


def confirm_extraordinary(
    store: Store,
    planner: Planner,
    body_id: str,
    request: Request,
    proposals: Proposals,
    day: dt.date,
    *,
    actor: str,
    force: bool = False,
) -> EditResult:
    """Put a proposed day for an extraordinary meeting into the kept schedule.

    The day must be a working day in the window; one that misses the notice rule,
    or breaks another rule, is refused unless forced. The request (who called it,
    when the Chair received it) becomes the meeting's explanation.
    """
    chosen = next((p for p in proposals.proposals if p.date == day), None)
    if chosen is None:
        window = f"{request.received:%d %b} to {proposals.window_end:%d %b %Y}"
        raise RuleError(f"{day} is not a working day in the window ({window})")
    who = "the Chair" if request.by_chair else f"{request.requested_by}, seconded by {request.seconded_by}"
    note = f"extraordinary meeting called by {who}; request received {request.received:%a %d %b %Y %H:%M}"
    if not chosen.meets_notice and not force:
        finding = f"{day} leaves papers due {chosen.notice_deadline}, before they can go out on {proposals.papers_from}"
        return EditResult("", False, [], notice=finding)
    return edit_meeting(store, planner, "extraordinary", actor=actor, body_id=body_id, day=day, force=force, note=note)
