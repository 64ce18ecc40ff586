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
from dataclasses import dataclass
from typing import Any

from govcal.mail import Smtp, reminder_message
from govcal.operations.context import Context
from rules.errors import RuleError
from scheduler.occurrences import Status
from scheduler.reminders import Status as ReminderStatus
from scheduler.reminders import is_late, unsent
from scheduler.store.audit import Audit
from scheduler.store.database import stored_instant
from scheduler.store.tables import ReminderRow


@dataclass
class Dispatched:
    """What one run of `send_due` did."""

    sent: int = 0
    late: int = 0
    retrying: int = 0
    superseded: int = 0
    done: int = 0


def send_due(ctx: Context, now: dt.datetime, smtp: Smtp, worker: str) -> Dispatched:
    """Send every reminder due at `now`, once (see the module docstring); one SMTP
    connection serves the run while it works."""
    result = Dispatched()
    connection: smtplib.SMTP | None = None
    try:
        while ids := ctx.store.claim(now, worker):
            for reminder_id in ids:
                connection = _one(ctx, reminder_id, now, smtp, worker, connection, result)
    finally:
        if connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                connection.quit()
    return result


def _one(
    ctx: Context,
    reminder_id: int,
    now: dt.datetime,
    smtp: Smtp,
    worker: str,
    connection: smtplib.SMTP | None,
    result: Dispatched,
) -> smtplib.SMTP | None:
    """Decide, send and mark one claimed reminder; the SMTP connection to reuse (or None)."""
    store = ctx.store
    claimed = store.claimed(reminder_id)
    reminder, deadline = claimed.reminder, claimed.deadline
    if deadline is None:
        decision: ReminderStatus | None = ReminderStatus.CANCELLED
    else:
        decision = unsent(
            reminder.kind,
            now,
            stored_instant(deadline.due),
            done=deadline.done_at is not None,
            cancelled=deadline.status == Status.CANCELLED,
        )
    if decision is not None:
        store.finish(reminder_id, worker, status=decision)
        result.done += decision is ReminderStatus.CANCELLED
        result.superseded += decision is ReminderStatus.SUPERSEDED
        return connection
    assert deadline is not None
    late = is_late(now, stored_instant(reminder.due_at))
    try:
        if not claimed.recipients:
            raise RuleError(f"no clerk with an e-mail address for {reminder.body_id}: add one with `govcal member add`")
        connection = connection or smtp.connect()
        connection.send_message(reminder_message(reminder, deadline, claimed.recipients, smtp.sender, late))
    except (OSError, smtplib.SMTPException, RuleError) as error:
        store.retry(reminder_id, worker, now, str(error))
        result.retrying += 1
        return None  # a fresh connection next time
    store.finish(reminder_id, worker, status=ReminderStatus.SENT, sent_at=now, late=late)
    result.sent += 1
    result.late += late
    return connection


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


def mark_done(ctx: Context, deadline_id: str, *, actor: str, now: dt.datetime) -> None:
    """A clerk marks a deadline done: its later reminders and overdue notice stop."""
    ctx.store.mark_done(deadline_id, Audit(now, actor, "deadline:done", deadline_id))
