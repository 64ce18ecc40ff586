"""Reminders: send what is due, exactly once; list the outbox; mark a deadline done.

`send_due(now)` claims due reminders (see `scheduler.store.outbox`), decides each
(`scheduler.reminders.outcome`), sends it over SMTP with its key as the Message-ID and
marks it sent. A reminder whose time passed while govcal was down goes out late, once,
marked late; if its deadline has passed too, the overdue notice goes instead. A failed
send is retried with back-off and reported, never dropped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import smtplib
from dataclasses import dataclass, field
from typing import Any

from govcal.mail import Reminder, Smtp, reminder_message
from govcal.operations.context import Context
from rules.errors import RuleError
from scheduler.occurrences import Status
from scheduler.reminders import Kind, is_late, unsent
from scheduler.reminders import Status as ReminderStatus
from scheduler.store.audit import Audit
from scheduler.store.database import stored_instant
from scheduler.store.outbox import Claimed
from scheduler.store.tables import DeadlineRow, ReminderRow


@dataclass
class Dispatched:
    """What one run of `send_due` did: reminders sent (in how many messages), and why others were not."""

    sent: int = 0
    messages: int = 0
    late: int = 0
    retrying: int = 0
    superseded: int = 0
    done: int = 0
    no_recipient: dict[str, int] = field(default_factory=dict)  # by body id: no one to tell


def send_due(ctx: Context, now: dt.datetime, smtp: Smtp, worker: str) -> Dispatched:
    """Send every reminder due at `now`, once (see the module docstring): a deadline's
    reminders due together go as one message; one SMTP connection serves the run."""
    result = Dispatched()
    connection: smtplib.SMTP | None = None
    try:
        while ids := ctx.store.claim(now, worker):
            for claimed in ctx.store.claimed(ids):
                connection = _send(ctx, claimed, now, smtp, worker, connection, result)
    finally:
        if connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                connection.quit()
    return result


def _send(
    ctx: Context,
    claimed: Claimed,
    now: dt.datetime,
    smtp: Smtp,
    worker: str,
    connection: smtplib.SMTP | None,
    result: Dispatched,
) -> smtplib.SMTP | None:
    """Decide, send and mark one deadline's claimed reminders; the SMTP connection to reuse."""
    store, deadline = ctx.store, claimed.deadline
    to_send: list[ReminderRow] = []
    for reminder in claimed.reminders:
        decision: ReminderStatus | None = ReminderStatus.CANCELLED
        if deadline is not None:
            decision = unsent(
                reminder.kind,
                now,
                stored_instant(deadline.due),
                done=deadline.done_at is not None,
                cancelled=deadline.status == Status.CANCELLED,
            )
        if decision is None:
            to_send.append(reminder)
            continue
        store.finish([reminder.id], worker, status=decision)
        result.done += decision is ReminderStatus.CANCELLED
        result.superseded += decision is ReminderStatus.SUPERSEDED
    if not to_send or deadline is None:
        return connection
    ids = [reminder.id for reminder in to_send]
    if not claimed.recipients:  # not retried: nothing will change until someone is added
        store.finish(ids, worker, status=ReminderStatus.NO_RECIPIENT)
        result.no_recipient[deadline.body_id] = result.no_recipient.get(deadline.body_id, 0) + len(ids)
        return connection
    latest = to_send[-1]  # the message says what is due now: the most recent reminder, or the overdue notice
    late = is_late(now, stored_instant(latest.due_at))
    mail = reminder_message(_reminder(ctx, latest, deadline, late), claimed.recipients, _sender(ctx, smtp), now)
    try:
        connection = connection or smtp.connect()
        connection.send_message(mail)
    except (OSError, smtplib.SMTPException) as error:
        store.retry(ids, worker, now, str(error))
        result.retrying += len(ids)
        return None  # a fresh connection next time
    for reminder in to_send:
        store.finish(
            [reminder.id],
            worker,
            status=ReminderStatus.SENT,
            sent_at=now,
            late=is_late(now, stored_instant(reminder.due_at)),
        )
    result.sent += len(ids)
    result.messages += 1
    result.late += late
    return connection


def _reminder(ctx: Context, reminder: ReminderRow, deadline: DeadlineRow, late: bool) -> Reminder:
    """What the e-mail says of a reminder: the deadline, its body, the meeting it is for."""
    body = ctx.rules.bodies.get(deadline.body_id)
    meeting = ctx.store.meeting(deadline.meeting_id) if deadline.meeting_id else None
    other = ctx.rules.bodies.get(meeting.body_id) if meeting is not None else None
    base = (ctx.settings.public_url or "").rstrip("/")
    public = meeting is not None and other is not None and other.meetings.public
    return Reminder(
        key=reminder.key,
        overdue=reminder.kind == Kind.OVERDUE,
        late_since=stored_instant(reminder.due_at) if late else None,
        body_name=body.name if body is not None else deadline.body_id,
        deadline_id=deadline.id,
        deadline_name=deadline.name,
        due=stored_instant(deadline.due),
        meeting_start=stored_instant(meeting.start) if meeting is not None else None,
        meeting_where=meeting.location if meeting is not None else "",
        meeting_body=other.name
        if other is not None and meeting is not None and meeting.body_id != deadline.body_id
        else "",
        link=f"{base}/planner#{meeting.id}" if base and public and meeting is not None else None,
        why=deadline.explanation,
    )


def _sender(ctx: Context, smtp: Smtp) -> str:
    return ctx.settings.mail_from or smtp.sender


def state(row: ReminderRow) -> str:
    """A reminder's state as people read it: pending, sent, late, failed (retrying), cancelled, superseded."""
    if row.status == ReminderStatus.PENDING and row.attempts:
        return "failed"  # retrying with back-off, never dropped
    return "late" if row.status == ReminderStatus.SENT and row.late else row.status


def outbox(ctx: Context) -> list[dict[str, Any]]:
    """Every reminder, soonest first, as scripts read them."""
    return [
        {
            "key": r.key,
            "deadline": r.deadline_id,
            "kind": r.kind,
            "due": stored_instant(r.due_at).isoformat(),
            "state": state(r),
            "attempts": r.attempts,
            "last_error": r.last_error or None,
            "sent": stored_instant(r.sent_at).isoformat() if r.sent_at else None,
        }
        for r in ctx.store.reminder_rows()
    ]


def mark_done(ctx: Context, deadline_id: str, *, actor: str, now: dt.datetime, done: bool = True) -> bool:
    """A clerk marks a deadline done: its later reminders and overdue notice stop, and the
    clerk's calendar shows it done; `done=False` reopens it (undo). False if it already was so."""
    row = ctx.store.deadline(deadline_id)
    if row is None:
        raise RuleError(f"no deadline '{deadline_id}' in the store")
    action = "deadline:done" if done else "deadline:undo"
    return ctx.store.mark_done(ctx.body(row.body_id), deadline_id, done, Audit(now, actor, action, deadline_id))
