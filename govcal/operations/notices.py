"""A meeting's notices to its body's members: the summons, once its papers go out, and the
notice that it is cancelled.

The summons is queued when the clerk marks the meeting's papers deadline done (by any face:
they all call `reminders.mark_done`), or sends it from the meeting's panel; the
cancellation notice when the meeting is cancelled (`meetings.edit_meeting`). Either is a
row per member in the reminders' outbox (`scheduler.store.outbox.queue_notices`), keyed by
the meeting and the member, so each member is sent each notice once, by the dispatcher
that sends the reminders (`reminders.send_due`), with its claims, leases and retries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from govcal.notice import Notice, NoticeMeeting, member_notice
from govcal.operations import links
from govcal.operations.context import Context
from rules.errors import Conflict
from rules.model import Body
from scheduler.edits import cancellation_reason
from scheduler.occurrences import Status
from scheduler.papers import MeetingLink
from scheduler.reminders import NoticeKind, Recipient
from scheduler.reminders import Status as ReminderStatus
from scheduler.store.audit import Audit
from scheduler.store.tables import MeetingRow, ReminderRow

PAPERS_RULE = "papers"


def summons_with(body: Body, rule_id: str) -> bool:
    """Whether a deadline of this rule, marked done, sends its meeting's summons: the
    meeting's papers ("papers", or the deadline the body's extraordinary rule takes as
    its paper notice)."""
    notice = body.extraordinary.notice if body.extraordinary is not None else None
    return rule_id in (PAPERS_RULE, notice)


def send_summons(ctx: Context, meeting_id: str, *, actor: str, now: dt.datetime) -> int:
    """The clerk sends a meeting's summons now (its papers out, whatever the deadline says):
    to each member not yet sent it; how many were queued. A cancelled meeting, or one that
    has begun, summons no one."""
    row = ctx.meeting_row(meeting_id)
    if row.status == Status.CANCELLED:
        raise Conflict(f"meeting '{row.id}' is cancelled: its members were sent the cancellation notice instead")
    if row.start <= now:
        raise Conflict(f"meeting '{row.id}' began {row.start:%a %d %b %Y %H:%M}: too late to summon anyone to it")
    audit = Audit(now, actor, "meeting:summons", row.id)
    return ctx.store.queue_meeting_notices(row.body_id, row.id, NoticeKind.SUMMONS, audit)


def notices_sent(ctx: Context, meeting_id: str) -> dict[str, Any]:
    """How a meeting's notices stand, for its panel: by kind, how many sent and how many to go."""
    counted = ctx.store.meeting_notices(meeting_id)
    said: dict[str, Any] = {}
    for kind in NoticeKind:
        sent = sum(n for (k, status), n in counted.items() if k == kind and status == ReminderStatus.SENT)
        pending = sum(n for (k, status), n in counted.items() if k == kind and status == ReminderStatus.PENDING)
        said[kind.value] = {"sent": sent, "pending": pending}
    return said


def unsent(row: ReminderRow, meeting: MeetingRow | None, now: dt.datetime) -> ReminderStatus | None:
    """Why a notice whose moment has come is not sent (as the state it ends in), or None:
    a summons to a meeting cancelled, gone or begun meanwhile; a cancellation of a meeting
    no longer cancelled."""
    if meeting is None:
        return ReminderStatus.CANCELLED
    cancelled = meeting.status == Status.CANCELLED
    if row.kind == NoticeKind.SUMMONS and (cancelled or meeting.start <= now):
        return ReminderStatus.CANCELLED
    if row.kind == NoticeKind.CANCELLATION and not cancelled:
        return ReminderStatus.CANCELLED
    return None


def notice(
    ctx: Context,
    row: ReminderRow,
    meeting: MeetingRow,
    papers: Sequence[MeetingLink],
    member: Recipient,
    key: bytes | None,
) -> Notice:
    """What one member's notice says (`govcal.notice.member_notice`), a summons with their own
    link to send apologies, signed with the run's link `key` where govcal has a public address."""
    body = ctx.rules.bodies.get(meeting.body_id)
    base = (ctx.settings.public_url or "").rstrip("/")
    said = NoticeMeeting(
        body_name=body.name if body is not None else meeting.title,
        start=meeting.start,
        end=meeting.end,
        where=meeting.location,
        links=tuple(papers),
        reason=cancellation_reason(meeting.explanation) if row.kind == NoticeKind.CANCELLATION else "",
        page=f"{base}/planner#{meeting.id}" if base and meeting.public else None,
    )
    person = member.person or member.address
    apologies = links.apologies_link(key, base, person, meeting.id, meeting.start) if key and base else None
    return member_notice(row.key, NoticeKind(row.kind), said, member, apologies)
