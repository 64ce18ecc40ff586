"""The reminder outbox: one row per (deadline, reminder offset), sent exactly once.

The rows are upserted whenever a cycle's deadlines are saved: a moved deadline moves
its pending reminders, a cancelled one cancels them, a sent one is never touched
again. Workers `claim` due rows atomically with a lease (`UPDATE ... RETURNING`, with
`FOR UPDATE SKIP LOCKED` on PostgreSQL), so several instances sharing one database
never send one twice; a crash between sending and marking resends once, after the lease.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from rules.model import Body
from scheduler.occurrences import Status
from scheduler.reminders import Status as ReminderStatus
from scheduler.reminders import deadline_reminders, recipient_roles
from scheduler.store.bulk import select_in
from scheduler.store.database import Database, stored_instant
from scheduler.store.tables import DeadlineRow, MemberRow, MembershipRow, ReminderRow

LEASE = dt.timedelta(minutes=5)
MAX_BACKOFF = dt.timedelta(hours=1)
CLAIM_BATCH = 200


class DeadlineState(NamedTuple):
    """A deadline as kept after a re-plan: what its reminders are computed from."""

    id: str
    rule: str
    date: dt.date
    due: dt.datetime
    status: str


def kept_reminders(session: Session, deadline_ids: Iterable[str]) -> dict[str, dict[str, ReminderRow]]:
    """The kept reminders of these deadlines, by deadline id, then by offset."""
    found: dict[str, dict[str, ReminderRow]] = {}
    for row in select_in(session, ReminderRow, ReminderRow.deadline_id, deadline_ids):
        found.setdefault(row.deadline_id, {})[row.offset_key] = row
    return found


def sync_reminders(
    body: Body, deadlines: Iterable[DeadlineState], kept: dict[str, dict[str, ReminderRow]]
) -> list[dict[str, object]]:
    """Bring the outbox in line with these deadlines: move pending reminders, cancel those of
    cancelled deadlines, and return the new ones as rows to insert.

    `kept` holds the stored reminders by deadline id, then by offset.
    """
    new: list[dict[str, object]] = []
    fresh = {"body_id": body.id, "status": ReminderStatus.PENDING, "attempts": 0, "late": False, "last_error": ""}
    for deadline in deadlines:
        stored = kept.get(deadline.id, {})
        wanted = (
            deadline_reminders(body, deadline.rule, deadline.date, stored_instant(deadline.due))
            if deadline.status != Status.CANCELLED
            else ()
        )
        for plan in wanted:
            due_at = plan.due_at
            row = stored.get(plan.offset_key)
            if row is None:
                new.append(
                    dict(
                        fresh,
                        offset_key=plan.offset_key,
                        deadline_id=deadline.id,
                        kind=plan.kind,
                        due_at=due_at,
                        next_attempt_at=due_at,
                    )
                )
            elif row.status == ReminderStatus.PENDING and stored_instant(row.due_at) != plan.due_at:
                row.due_at = row.next_attempt_at = due_at
            elif row.status == ReminderStatus.CANCELLED:  # the deadline came back
                row.status, row.due_at, row.next_attempt_at = ReminderStatus.PENDING, due_at, due_at
        wanted_offsets = {plan.offset_key for plan in wanted}
        for row in stored.values():
            if row.status == ReminderStatus.PENDING and row.offset_key not in wanted_offsets:
                row.status = ReminderStatus.CANCELLED
    return new


@dataclass(frozen=True)
class Claimed:
    """A claimed reminder with what deciding and sending it needs: its deadline, and the
    e-mail addresses of those to tell (empty when no one with an address holds the role)."""

    reminder: ReminderRow
    deadline: DeadlineRow | None
    recipients: list[str]


class OutboxStore(Database):
    """The outbox's reads and writes."""

    def claim(self, now: dt.datetime, worker: str, batch: int = CLAIM_BATCH) -> list[int]:
        """Claim due reminders for this worker, atomically; the ids claimed."""
        with self.session() as session, session.begin():
            due = (
                select(ReminderRow.id)
                .where(
                    ReminderRow.status == ReminderStatus.PENDING,
                    ReminderRow.next_attempt_at <= now,
                    or_(ReminderRow.claimed_until.is_(None), ReminderRow.claimed_until < now),
                )
                .order_by(ReminderRow.due_at, ReminderRow.id)
                .limit(batch)
            )
            if self.engine.dialect.name == "postgresql":
                due = due.with_for_update(skip_locked=True)
            claimed = session.execute(
                update(ReminderRow)
                .where(ReminderRow.id.in_(due.scalar_subquery()))
                .values(claimed_by=worker, claimed_until=now + LEASE)
                .returning(ReminderRow.id)
                .execution_options(synchronize_session=False)
            )
            return sorted(claimed.scalars())

    def claimed(self, reminder_id: int) -> Claimed:
        """A claimed reminder, its deadline and its recipients, read in one short session
        (SQLite holds one writer at a time: nothing is kept open while mail is sent)."""
        with self.session() as session:
            reminder = session.get(ReminderRow, reminder_id)
            assert reminder is not None, reminder_id  # claimed rows are never deleted
            deadline = session.get(DeadlineRow, reminder.deadline_id)
            to = _recipients(session, deadline) if deadline is not None else []
            return Claimed(reminder, deadline, to)

    def finish(self, reminder_id: int, worker: str, **values: object) -> None:
        """Mark a claimed reminder with its outcome (sent, cancelled, superseded), if still ours."""
        with self.session() as session, session.begin():
            session.execute(
                update(ReminderRow)
                .where(ReminderRow.id == reminder_id, ReminderRow.claimed_by == worker)
                .values(claimed_until=None, **values)
            )

    def retry(self, reminder_id: int, worker: str, now: dt.datetime, error: str) -> None:
        """A send failed: try again after a back-off that doubles up to an hour, never dropped."""
        with self.session() as session, session.begin():
            row = session.get(ReminderRow, reminder_id)
            if row is None or row.claimed_by != worker:
                return
            row.attempts += 1
            row.next_attempt_at = now + min(dt.timedelta(minutes=2 ** min(row.attempts, 10)), MAX_BACKOFF)
            row.claimed_until = None
            row.last_error = error[:500]

    def reminder_rows(self) -> list[ReminderRow]:
        """The whole outbox, soonest first."""
        with self.session() as session:
            return list(session.scalars(select(ReminderRow).order_by(ReminderRow.due_at, ReminderRow.id)))


def _recipients(session: Session, deadline: DeadlineRow) -> list[str]:
    """The addresses of those the deadline's rule tells (see `scheduler.reminders.recipient_roles`)."""
    query = (
        select(MemberRow.email)
        .join(MembershipRow, MembershipRow.member_id == MemberRow.id)
        .where(
            MembershipRow.body_id == deadline.body_id,
            MembershipRow.role.in_(recipient_roles(deadline.who or ())),
            MemberRow.email != "",
        )
    )
    return sorted(set(session.scalars(query)))
