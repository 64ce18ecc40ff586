"""Reminders, once: the outbox kept in step with the plan, and dispatch over SMTP.

Each deadline has reminder offsets (default: 3 working days before and on the day,
at 09:00) and an overdue notice the next working day at 09:00 unless marked done.
They live in the `reminder` table, one row per (deadline, offset), unique, so its
key "{deadline}#{offset}" is sent once. The table is upserted on every re-plan: a
moved deadline moves its pending reminders, a cancelled one cancels them, a sent one
is never touched again.

`dispatch_due(now)` claims due rows atomically with a lease (`UPDATE ... RETURNING`,
with `FOR UPDATE SKIP LOCKED` on PostgreSQL), sends each with its key as the
Message-ID and marks it sent. A crash between sending and marking resends once,
after the lease. A reminder whose time passed while govcal was down goes out late,
once, marked late; if its deadline has passed too, the overdue notice goes instead.
A failed send is retried with back-off and reported, never dropped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import smtplib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from rules.errors import RuleError
from rules.loader import DEFAULT_REMINDERS
from rules.model import Body, DeadlineRule, ReminderRule
from scheduler.store import UTC, DeadlineRow, MemberRow, MembershipRow, ReminderRow, Store, stored_instant
from scheduler.workdays import WorkingCalendar, at_time, working_calendar

LEASE = dt.timedelta(minutes=5)
LATE_AFTER = dt.timedelta(minutes=10)  # sent this long after its time, a reminder is marked late
OVERDUE_TIME = dt.time(9, 0)
MAX_BACKOFF = dt.timedelta(hours=1)


class Planned(NamedTuple):
    """A reminder the rules call for: its offset ("working-3at0900", "overdue"), kind and
    instant (in UTC). With its deadline's id, the offset is its idempotency key."""

    offset_key: str
    kind: str
    due_at: dt.datetime


class DeadlineState(NamedTuple):
    """A deadline as kept after a re-plan: what its reminders are computed from."""

    id: str
    rule: str
    date: dt.date
    due: dt.datetime
    status: str


def planned(calendar: WorkingCalendar, rule: DeadlineRule | None, deadline: DeadlineState) -> tuple[Planned, ...]:
    """The reminders a deadline should have, from its rule (None: the defaults, for items and reports)."""
    offsets = rule.reminders if rule is not None else DEFAULT_REMINDERS
    overdue = rule is None or rule.overdue
    return _planned(calendar, offsets, overdue, deadline.date, stored_instant(deadline.due))


@lru_cache(maxsize=65536)
def _planned(
    calendar: WorkingCalendar, offsets: tuple[ReminderRule, ...], overdue: bool, day: dt.date, due: dt.datetime
) -> tuple[Planned, ...]:
    """The reminders of a deadline due `day` at `due`.

    Pure, so memoised: many bodies' deadlines share a day, a calendar and their offsets.
    """
    found = []
    for reminder in offsets:
        moment = at_time(calendar.shift(day, reminder.offset), reminder.time)
        found.append(Planned(reminder.key, "reminder", min(moment, due).astimezone(UTC)))
    if overdue:
        late = at_time(calendar.working_days_after(day, 1), OVERDUE_TIME)
        found.append(Planned("overdue", "overdue", max(late, due).astimezone(UTC)))
    return tuple(found)


def sync(
    body: Body, deadlines: Iterable[DeadlineState], kept: dict[str, dict[str, ReminderRow]]
) -> list[dict[str, object]]:
    """Bring the outbox in line with these deadlines: move pending reminders, cancel those of
    cancelled deadlines, and return the new ones as rows to insert.

    `kept` holds the stored reminders by deadline id, then by offset.
    """
    new: list[dict[str, object]] = []
    rules = {rule.id: rule for rule in body.deadlines}
    calendar = working_calendar(body.nation, body.closures)
    fresh = {"body_id": body.id, "status": "pending", "attempts": 0, "late": False, "last_error": ""}
    for deadline in deadlines:
        stored = kept.get(deadline.id, {})
        wanted = planned(calendar, rules.get(deadline.rule), deadline) if deadline.status != "cancelled" else ()
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
            elif row.status == "pending" and stored_instant(row.due_at) != plan.due_at:
                row.due_at = row.next_attempt_at = due_at
            elif row.status == "cancelled":  # the deadline came back
                row.status, row.due_at, row.next_attempt_at = "pending", due_at, due_at
        wanted_offsets = {plan.offset_key for plan in wanted}
        for row in stored.values():
            if row.status == "pending" and row.offset_key not in wanted_offsets:
                row.status = "cancelled"
    return new


# -- SMTP ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Smtp:
    """Where mail goes: smtp://host:port, smtp://host:port?starttls=1, smtps://user:pass@host:465."""

    host: str
    port: int
    tls: bool = False
    starttls: bool = False
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = "govcal <govcal@localhost>"

    @classmethod
    def from_url(cls, url: str) -> Smtp:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise RuleError(
                f"'{parts.scheme}://{parts.hostname or ''}...' is not an SMTP URL; write smtp://host:port or smtps://user:pass@host:465"
            )
        query = dict(pair.split("=", 1) for pair in parts.query.split("&") if "=" in pair)
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if parts.scheme == "smtps" else 25),
            tls=parts.scheme == "smtps",
            starttls=query.get("starttls") in ("1", "true", "yes"),
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            sender=unquote(query.get("from", "govcal <govcal@localhost>")),
        )

    def connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        connection = (
            smtplib.SMTP_SSL(self.host, self.port, timeout=15, context=context)
            if self.tls
            else smtplib.SMTP(self.host, self.port, timeout=15)
        )
        if self.starttls:
            connection.starttls(context=context)
        if self.user:
            connection.login(self.user, self.password or "")
        return connection


# -- dispatch -------------------------------------------------------------------------------


@dataclass
class Dispatched:
    """What one dispatch did."""

    sent: int = 0
    late: int = 0
    retrying: int = 0
    superseded: int = 0
    done: int = 0


def claim(store: Store, now: dt.datetime, worker: str, batch: int = 200) -> list[int]:
    """Claim due reminders for this worker, atomically; the ids claimed."""
    with store.session() as session, session.begin():
        due = (
            select(ReminderRow.id)
            .where(
                ReminderRow.status == "pending",
                ReminderRow.next_attempt_at <= now,
                or_(ReminderRow.claimed_until.is_(None), ReminderRow.claimed_until < now),
            )
            .order_by(ReminderRow.due_at, ReminderRow.id)
            .limit(batch)
        )
        if session.bind.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        claimed = session.execute(
            update(ReminderRow)
            .where(ReminderRow.id.in_(due.scalar_subquery()))
            .values(claimed_by=worker, claimed_until=now + LEASE)
            .returning(ReminderRow.id)
            .execution_options(synchronize_session=False)
        )
        return sorted(claimed.scalars())


def recipients(session: Session, deadline: DeadlineRow) -> list[str]:
    """The body's clerks, and its members where the rule names them (members, report authors)."""
    roles = {"clerk"}
    if any(who in ("members", "report authors") for who in deadline.who or ()):
        roles |= {"member", "chair", "vice-chair"}
    query = (
        select(MemberRow.email)
        .join(MembershipRow, MembershipRow.member_id == MemberRow.id)
        .where(MembershipRow.body_id == deadline.body_id, MembershipRow.role.in_(roles), MemberRow.email != "")
    )
    return sorted(set(session.scalars(query)))


def message(reminder: ReminderRow, deadline: DeadlineRow, to: list[str], smtp: Smtp, late: bool) -> EmailMessage:
    due = stored_instant(deadline.due)
    mail = EmailMessage()
    mail["Message-ID"] = f"<{reminder.key}@govcal>"
    mail["From"] = smtp.sender
    mail["To"] = ", ".join(to)
    if reminder.kind == "overdue":
        mail["Subject"] = f"Overdue: {deadline.name} (was due {due:%a %d %b %H:%M})"
        opening = f"{deadline.name} was due {due:%A %d %B %Y at %H:%M} and is not marked done."
    else:
        mail["Subject"] = f"Due {due:%a %d %b %H:%M}: {deadline.name}"
        opening = f"{deadline.name} is due {due:%A %d %B %Y at %H:%M}."
    note = "\n\n(This reminder is late: govcal was not running when it fell due.)" if late else ""
    done = f"Mark it done: govcal deadline done {deadline.id}"
    mail.set_content(f"{opening}\n\nWhy this date: {deadline.explanation}\n\n{done}{note}\n")
    return mail


def dispatch_due(store: Store, now: dt.datetime, smtp: Smtp, worker: str) -> Dispatched:
    """Send every reminder due at `now`, once (see the module docstring)."""
    result = Dispatched()
    connection: smtplib.SMTP | None = None
    try:
        while ids := claim(store, now, worker):
            for reminder_id in ids:
                connection = _one(store, reminder_id, now, smtp, worker, connection, result)
    finally:
        if connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                connection.quit()
    return result


def _one(
    store: Store,
    reminder_id: int,
    now: dt.datetime,
    smtp: Smtp,
    worker: str,
    connection: smtplib.SMTP | None,
    result: Dispatched,
) -> smtplib.SMTP | None:
    """Decide, send and mark one claimed reminder; the SMTP connection to reuse (or None)."""
    with store.session() as session:  # read everything, then let go: SQLite holds one writer at a time
        reminder = session.get(ReminderRow, reminder_id)
        deadline = session.get(DeadlineRow, reminder.deadline_id)
        if deadline is None or deadline.done_at is not None or deadline.status == "cancelled":
            outcome = "cancelled"
        elif reminder.kind == "reminder" and now > stored_instant(deadline.due):
            outcome = "superseded"  # the overdue notice goes instead
        else:
            outcome = "send"
            to = recipients(session, deadline)
            late = now - stored_instant(reminder.due_at) > LATE_AFTER
            mail = message(reminder, deadline, to, smtp, late) if to else None
    if outcome != "send":
        _finish(store, reminder_id, worker, status=outcome)
        result.done += outcome == "cancelled"
        result.superseded += outcome == "superseded"
        return connection
    try:
        if mail is None:
            raise RuleError(f"no clerk with an e-mail address for {reminder.body_id}: add one with `govcal member add`")
        connection = connection or smtp.connect()
        connection.send_message(mail)
    except (OSError, smtplib.SMTPException, RuleError) as error:
        _retry(store, reminder_id, worker, now, str(error))
        result.retrying += 1
        return None  # a fresh connection next time
    _finish(store, reminder_id, worker, status="sent", sent_at=now, late=late)
    result.sent += 1
    result.late += late
    return connection


def _finish(store: Store, reminder_id: int, worker: str, **values: object) -> None:
    with store.session() as session, session.begin():
        session.execute(
            update(ReminderRow)
            .where(ReminderRow.id == reminder_id, ReminderRow.claimed_by == worker)
            .values(claimed_until=None, **values)
        )


def _retry(store: Store, reminder_id: int, worker: str, now: dt.datetime, error: str) -> None:
    with store.session() as session, session.begin():
        row = session.get(ReminderRow, reminder_id)
        if row is None or row.claimed_by != worker:
            return
        row.attempts += 1
        row.next_attempt_at = now + min(dt.timedelta(minutes=2 ** min(row.attempts, 10)), MAX_BACKOFF)
        row.claimed_until = None
        row.last_error = error[:500]
