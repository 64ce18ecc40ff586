"""The reminder outbox: one row per (deadline, reminder offset, channel), sent exactly once
to each recipient: each has a message of their own, and whom a row has reached is kept on it
(`delivered`) as they go, so a crash resends at most the one message in flight.

The rows are upserted whenever a cycle's deadlines are saved: a moved deadline moves
its pending reminders, a cancelled or done one cancels them, a sent one is never
touched again. A reminder whose moment has passed when govcal learns of it is kept as
skipped, never sent. Each reminder goes by e-mail, and by each other channel (a
webhook) someone on the body, or the body itself, has an address for: a copy per
channel, each sent once (`open_channel` adds the copies when an address is first given).

Workers `claim` due rows atomically (`UPDATE ... RETURNING`, with `FOR UPDATE SKIP
LOCKED` on PostgreSQL) under a token of their run, with a lease on the wall clock: what
is due is judged at the `now` a run is given, but whether another run still holds a row
is judged in real time, so two runs given different moments (a backlog sent with
`--now`, two instances) cannot both think a lease has run out. A worker `renew`s a
message's claim just before it begins sending it (the fencing check): a claim taken by
another meanwhile fails the check and stops the worker. A crash between sending and
marking resends once, after the lease.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Dialect,
    Integer,
    and_,
    any_,
    bindparam,
    case,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.pool import PoolProxiedConnection

from rules.model import Body, Role
from scheduler.attendance import VOTING_ROLES
from scheduler.occurrences import Status
from scheduler.reminders import (
    EMAIL,
    NOTICE_KINDS,
    BodyReminders,
    Kind,
    NoticeKind,
    Recipient,
    first_status,
    recipient_roles,
)
from scheduler.reminders import Status as ReminderStatus
from scheduler.store.bulk import DriverStatement, select_in
from scheduler.store.database import Database, driver_error, stored_instant
from scheduler.store.tables import AddressRow, DeadlineRow, MemberRow, MembershipRow, ReminderRow

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
    done: bool = False


Kept = dict[str, dict[tuple[str, str], ReminderRow]]  # by deadline id, then by (offset, channel)


def kept_reminders(session: Session, deadline_ids: Iterable[str]) -> Kept:
    """The kept reminders of these deadlines, by deadline id, then by (offset, channel)."""
    found: Kept = {}
    for row in select_in(session, ReminderRow, ReminderRow.deadline_id, deadline_ids):
        found.setdefault(row.deadline_id, {})[row.offset_key, row.channel] = row
    return found


def body_channels(session: Session, body_ids: Iterable[str]) -> dict[str, frozenset[str]]:
    """The channels each body's reminders go by: e-mail, and every channel the body or
    someone on it has an address for."""
    ids = list(body_ids)
    found = {body_id: {EMAIL} for body_id in ids}
    own = select(AddressRow.body_id, AddressRow.channel).where(AddressRow.body_id.in_(ids))
    members = (
        select(MembershipRow.body_id, AddressRow.channel)
        .join(AddressRow, AddressRow.member_id == MembershipRow.member_id)
        .where(MembershipRow.body_id.in_(ids))
    )
    for query in (own, members):
        for body_id, channel in session.execute(query):
            found[str(body_id)].add(channel)
    return {body_id: frozenset(channels) for body_id, channels in found.items()}


def sync_reminders(
    body: Body, deadlines: Iterable[DeadlineState], kept: Kept, now: dt.datetime, channels: Iterable[str]
) -> list[dict[str, object]]:
    """Bring the outbox in line with these deadlines at `now`: move pending reminders,
    cancel those of cancelled or done deadlines, revive those of a deadline that came
    back, and return the new ones as rows to insert, a copy for each of `channels` (the
    body's: `body_channels`). A reminder that comes to be at a moment already past is
    skipped (`scheduler.reminders.first_status`).

    `kept` holds the stored reminders by deadline id, then by (offset, channel).
    """
    new: list[dict[str, object]] = []
    fresh = {"body_id": body.id, "attempts": 0, "late": False, "last_error": ""}
    reminders_of = BodyReminders(body)
    channels = sorted(channels)
    for deadline in deadlines:
        stored = kept.get(deadline.id, {})
        wanted = (
            reminders_of(deadline.rule, deadline.date, stored_instant(deadline.due))
            if deadline.status != Status.CANCELLED and not deadline.done
            else ()
        )
        for plan, channel in ((plan, channel) for plan in wanted for channel in channels):
            due_at = plan.due_at
            row = stored.get((plan.offset_key, channel))
            if row is None:
                new.append(
                    dict(
                        fresh,
                        offset_key=plan.offset_key,
                        channel=channel,
                        deadline_id=deadline.id,
                        kind=plan.kind,
                        status=first_status(due_at, now),
                        due_at=due_at,
                        next_attempt_at=due_at,
                    )
                )
            elif row.status == ReminderStatus.PENDING and stored_instant(row.due_at) != due_at:
                row.due_at = row.next_attempt_at = due_at
                row.status = first_status(due_at, now)  # moved into the past: never scheduled there
            elif row.status == ReminderStatus.CANCELLED or (
                row.status == ReminderStatus.SKIPPED and stored_instant(row.due_at) != due_at
            ):  # the deadline came back (or reopened), or moved: pending again if still to come
                row.status, row.due_at, row.next_attempt_at = first_status(due_at, now), due_at, due_at
        wanted_offsets = {plan.offset_key for plan in wanted}
        for row in stored.values():
            if row.status == ReminderStatus.PENDING and row.offset_key not in wanted_offsets:
                row.status = ReminderStatus.CANCELLED
    return new


DEADLINE_KINDS = (Kind.REMINDER, Kind.OVERDUE)  # copied to another channel when one is given


def open_channel(session: Session, body_ids: Iterable[str], channel: str, now: dt.datetime) -> int:
    """An address on `channel` was given for these bodies (their own, or a member's): a copy
    on that channel of each of their pending e-mail reminders that has none, pending if
    still to come at `now` (skipped otherwise, as `sync_reminders` would have it); how many."""
    ids = list(body_ids)
    if channel == EMAIL or not ids:
        return 0
    query = select(ReminderRow).where(
        ReminderRow.body_id.in_(ids),
        ReminderRow.channel == EMAIL,
        ReminderRow.status == ReminderStatus.PENDING,
        ReminderRow.kind.in_(DEADLINE_KINDS),  # not a notice (to each member) nor an alert (by e-mail)
    )
    pending = list(session.scalars(query))
    there = select(ReminderRow.deadline_id, ReminderRow.offset_key).where(
        ReminderRow.body_id.in_(ids), ReminderRow.channel == channel
    )
    have = {(deadline_id, offset_key) for deadline_id, offset_key in session.execute(there)}
    copies = [
        dict(
            deadline_id=row.deadline_id,
            offset_key=row.offset_key,
            channel=channel,
            body_id=row.body_id,
            kind=row.kind,
            status=first_status(stored_instant(row.due_at), now),
            due_at=row.due_at,
            next_attempt_at=row.due_at,
            attempts=0,
            late=False,
            last_error="",
        )
        for row in pending
        if (row.deadline_id, row.offset_key) not in have
    ]
    if copies:
        session.execute(insert(ReminderRow), copies)
    return len(copies)


def queue_notices(session: Session, body_id: str, meeting_id: str, kind: NoticeKind, now: dt.datetime) -> int:
    """A notice of `kind` of a meeting for each of the body's members (its voting places,
    held now) with an e-mail address, due at once: a row each, keyed by the meeting and the
    member ("{meeting id}#summons-{member id}"), so each member is sent it once however often
    it is asked for (one who joins later gets theirs the next time). How many were queued."""
    members = select(MemberRow.id).join(MembershipRow, MembershipRow.member_id == MemberRow.id)
    members = members.where(
        MembershipRow.body_id == body_id,
        MembershipRow.role.in_([role.value for role in VOTING_ROLES]),
        MembershipRow.ended.is_(None),
        MemberRow.email != "",
    )
    have = select(ReminderRow.offset_key).where(ReminderRow.deadline_id == meeting_id, ReminderRow.channel == EMAIL)
    queued = set(session.scalars(have))
    rows = [
        _to_send_now(meeting_id, key, body_id, kind.value, now)
        for key in sorted({notice_key(kind, member_id) for member_id in session.scalars(members.distinct())} - queued)
    ]
    if rows:
        session.execute(insert(ReminderRow), rows)
    return len(rows)


def _to_send_now(key: str, offset_key: str, body_id: str, kind: str, now: dt.datetime) -> dict[str, Any]:
    """An outbox row of one message by e-mail, due at `now`, not yet tried: a meeting's notice
    to a member, or a quorum alert."""
    return dict(
        deadline_id=key,
        offset_key=offset_key,
        channel=EMAIL,
        body_id=body_id,
        kind=kind,
        status=ReminderStatus.PENDING,
        due_at=now,
        next_attempt_at=now,
        attempts=0,
        late=False,
        last_error="",
    )


def notice_key(kind: NoticeKind, member_id: int) -> str:
    """A member's notice's offset key in the outbox: "summons-12"."""
    return f"{kind.value}-{member_id}"


def _notice_member(row: ReminderRow) -> int:
    """The member a notice's row is for (see `notice_key`)."""
    return int(row.offset_key.rpartition("-")[2])


@dataclass(frozen=True)
class Claimed:
    """A deadline's claimed reminders on one channel with what deciding and sending them
    needs: the deadline, and those to tell on that channel (empty when no one with an
    address there holds the role)."""

    reminders: list[ReminderRow]
    deadline: DeadlineRow | None
    recipients: list[Recipient]

    @property
    def channel(self) -> str:
        return self.reminders[0].channel

    @property
    def notice(self) -> bool:
        """A meeting's notice to one member (`queue_notices`), not a deadline's reminders."""
        return self.reminders[0].kind in NOTICE_KINDS


class OutboxStore(Database):
    """The outbox's reads and writes."""

    def claim(self, now: dt.datetime, wall: dt.datetime, token: str, batch: int = CLAIM_BATCH) -> list[int]:
        """Claim the reminders due at `now` for the run holding `token`, leased until the
        wall clock's `wall` plus `LEASE`, atomically; the ids claimed.

        A deadline's due reminders are claimed together (the soonest `batch` of them
        decide which deadlines), so they can go as one message.
        """
        due = _due(now, wall, token)
        locking = self.engine.dialect.name == "postgresql"  # workers sharing the outbox skip each other's rows
        soonest = select(ReminderRow.deadline_id).where(*due).order_by(ReminderRow.due_at, ReminderRow.id)
        soonest = soonest.limit(batch).with_for_update(skip_locked=True) if locking else soonest.limit(batch)
        with self.session() as session, session.begin():
            # The deadlines first, then their rows by them: as one statement, PostgreSQL's planner
            # joined the two on a guess of one row each, a quarter of a second for 2,000 due at once.
            deadline_ids = sorted(set(session.scalars(soonest)))
            rows = select(ReminderRow.id).where(*due, ReminderRow.deadline_id.in_(deadline_ids))
            rows = rows.with_for_update(skip_locked=True) if locking else rows
            claimed = session.execute(
                update(ReminderRow)
                .where(ReminderRow.id.in_(rows.scalar_subquery()))
                .values(claimed_by=token, claimed_until=wall + LEASE)
                .returning(ReminderRow.id)
                .execution_options(synchronize_session=False)
            )
            return sorted(claimed.scalars())

    def claimed(self, reminder_ids: Iterable[int]) -> list[Claimed]:
        """Claimed reminders by deadline, with each deadline and its recipients, read in one
        short session (SQLite holds one writer at a time: nothing is kept open while mail goes)."""
        with self.session() as session:
            return _by_deadline(session, select_in_ids(session, reminder_ids))

    def due(self, now: dt.datetime, wall: dt.datetime) -> list[Claimed]:
        """What a send at `now` would claim, by deadline, read and left as it is (a dry run)."""
        with self.session() as session:
            query = select(ReminderRow).where(*_due(now, wall)).order_by(ReminderRow.due_at, ReminderRow.id)
            return _by_deadline(session, session.scalars(query))

    def outbox_line(self) -> OutboxLine:
        """A sender's writes to the outbox for its run, on a connection of its own (`OutboxLine`);
        close it when the run ends."""
        return OutboxLine(self.engine)

    def release(self, token: str) -> None:
        """Give up every claim the run holding `token` still has, so another run may send
        those reminders at once rather than after the lease."""
        with self.session() as session, session.begin():
            session.execute(
                update(ReminderRow)
                .where(ReminderRow.claimed_by == token, ReminderRow.status == ReminderStatus.PENDING)
                .values(claimed_by=None, claimed_until=None)
                .execution_options(synchronize_session=False)
            )

    def retry(
        self, reminder_ids: Iterable[int], token: str, now: dt.datetime, error: str, delivered: Iterable[str] = ()
    ) -> None:
        """A send failed: try again after a back-off that doubles up to an hour, never dropped;
        `delivered`: the recipients (digests) it reached all the same, not to be sent it again."""
        reached = set(delivered)
        with self.session() as session, session.begin():
            for row in select_in_ids(session, reminder_ids):
                if row.claimed_by != token or row.status != ReminderStatus.PENDING:
                    continue
                if reached:
                    row.delivered = sorted(reached.union(row.delivered or ()))
                row.attempts += 1
                row.next_attempt_at = now + min(dt.timedelta(minutes=2 ** min(row.attempts, 10)), MAX_BACKOFF)
                row.claimed_until = None
                row.last_error = error[:500]

    def queue_alert(self, body_id: str, key: str, now: dt.datetime) -> bool:
        """Put a quorum alert keyed `key` in the outbox, by e-mail, due at `now`, unless one
        keyed so is there already (sent or not): each goes once. Whether it was put."""
        alert = _to_send_now(key, "inquorate", body_id, Kind.QUORUM, now)
        there = select(ReminderRow.id).where(ReminderRow.deadline_id == key, ReminderRow.offset_key == "inquorate")
        try:
            with self.session() as session, session.begin():
                if session.scalar(there) is not None:
                    return False
                session.execute(insert(ReminderRow).values(alert))
                return True
        except IntegrityError:  # another run put it at the same moment: the unique key kept one
            return False

    def outbox_rows(
        self, state: str | None = None, limit: int | None = None, *, body: str | None = None, offset: int = 0
    ) -> list[tuple[ReminderRow, str]]:
        """Reminders with their state as people read it, soonest first: all, or those in
        `state` (of one `body`), at most `limit` of them from the `offset`th (a country's
        outbox is hundreds of thousands)."""
        query = select(ReminderRow, STATE).order_by(ReminderRow.due_at, ReminderRow.id)
        if state is not None:
            query = query.where(STATE.in_([state]))
        if body is not None:
            query = query.where(ReminderRow.body_id == body)
        with self.session() as session:
            return [(row, said) for row, said in session.execute(query.limit(limit).offset(offset or None))]

    def outbox_counts(self, body: str | None = None) -> dict[str, int]:
        """How many reminders are in each state (of one `body`), counted by the database."""
        query = select(STATE, func.count()).group_by(STATE)
        if body is not None:
            query = query.where(ReminderRow.body_id == body)
        with self.session() as session:
            return {state: count for state, count in session.execute(query)}


# An `OutboxLine`'s settings on PostgreSQL (12 or later), for its connection only while it
# keeps it. A commit does not wait for the server's disk: a mark (`reached`, `finish`)
# survives govcal being killed; a crash of the database server itself within a fraction
# of a second could forget the last ones, and their messages would go again, once, with
# the same Message-ID. Each statement is planned for the ids it is given: a plan made
# once for any list of ids (after five uses of a prepared statement) scanned the whole
# outbox while it was new and unanalysed, a millisecond a write.
SETTINGS = {"synchronous_commit": "off", "plan_cache_mode": "force_custom_plan"}


class OutboxLine:
    """One sender's writes to the outbox a message at a time, on a connection it keeps for
    its run: the fencing check before a message begins (`renew`), and once it is accepted,
    whom it has reached (`reached`) or its outcome (`finish`).

    They run on the driver's own connection (`DriverStatement`), each write one transaction
    and, on PostgreSQL, one statement and one round trip: SQLAlchemy's machinery around a
    statement, a connection checked out (and pinged) for each write, and a round trip for
    each of BEGIN, the setting, the statement and COMMIT had cost a message several times
    the database's own work. One thread uses an `OutboxLine`; it takes its connection at
    its first write (and again after losing it) and gives it back at `close`.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: PoolProxiedConnection | None = None
        self._cursor: Any = None  # the connection's, kept with it

    def renew(self, reminder_ids: Iterable[int], token: str, wall: dt.datetime) -> bool:
        """The fencing check before a message begins: extend the lease of these claimed
        reminders to `wall` plus `LEASE`, and say whether the run holding `token` still
        held every one of them (False: another run took one, or it was marked meanwhile)."""
        ids = list(reminder_ids)
        return self._each(_renewing(self.engine.dialect), ids, token=token, until=wall + LEASE) == len(ids)

    def reached(self, reminder_ids: Iterable[int], token: str, digests: list[str]) -> int:
        """A message of these claimed reminders reached one more of their recipients: keep
        whom they have reached (`delivered`, recipients' digests), so no later attempt sends
        it them again; how many the run holding `token` still held to keep it on."""
        return self._each(_keeping(self.engine.dialect), reminder_ids, token=token, delivered=digests)

    def finish(self, reminder_ids: Iterable[int], **values: object) -> int:
        """Mark claimed reminders with their outcome (sent, cancelled, ...); how many were
        marked. The first mark wins: one already marked (by a run that took the claim over)
        is left as it is, and is not counted.

        On PostgreSQL the commit does not wait for the server's disk (see `SETTINGS`).
        """
        marking = _marking(self.engine.dialect, tuple(sorted(values)))
        return self._each(marking, reminder_ids, **{f"set_{name}": value for name, value in values.items()})

    def close(self) -> None:
        """Give the connection back to the pool as it was taken (its settings reset, not in
        autocommit), or, if that cannot be done, have the pool throw it away."""
        connection, cursor = self._connection, self._cursor
        self._connection = self._cursor = None
        if connection is None:
            return
        try:
            cursor.close()
            if self.engine.dialect.name == "postgresql":
                driver: Any = connection.driver_connection
                for setting in SETTINGS:
                    driver.execute(f"RESET {setting}")
                driver.autocommit = False
        except BaseException as error:  # lost meanwhile, or stopped part way: never pooled as it is
            connection.invalidate(error)
            if not isinstance(error, self.engine.dialect.loaded_dbapi.Error):
                raise
        finally:
            connection.close()

    def _each(self, statement: DriverStatement, reminder_ids: Iterable[int], **values: Any) -> int:
        """Run a statement of `_these` reminders with these values, in one transaction on the
        kept connection; how many rows it changed in all."""
        ids = list(reminder_ids)
        if not ids:
            return 0
        dialect = self.engine.dialect
        if dialect.name == "postgresql":  # one statement, its own transaction (autocommit): one round trip
            params = [statement.params(ids=ids, **values)]
        else:
            params = [statement.params(id=i, **values) for i in ids]
        connection = self._connection or self._connect()
        cursor = self._cursor
        try:
            if dialect.name == "postgresql":
                cursor.execute(statement.sql, params[0])
                return int(cursor.rowcount)
            cursor.execute("BEGIN IMMEDIATE")  # as every SQLite transaction here (`engine_for`)
            cursor.executemany(statement.sql, params)
            changed = cursor.rowcount
            connection.commit()
            return int(changed)
        except dialect.loaded_dbapi.Error as error:
            disconnected = dialect.is_disconnect(error, connection.dbapi_connection, cursor)
            if disconnected:
                connection.invalidate(error)
                self._connection = self._cursor = None
            elif dialect.name == "sqlite":
                connection.rollback()
            raise driver_error(error, dialect, disconnected, statement.sql) from error
        except BaseException as error:  # stopped part way (an interrupt): the connection is not used again
            connection.invalidate(error)
            self._connection = self._cursor = None
            raise

    def _connect(self) -> PoolProxiedConnection:
        """A connection from the pool, kept; on PostgreSQL in autocommit, each write one
        statement committed on its own, with the `SETTINGS` of a line."""
        dialect = self.engine.dialect
        try:
            connection = self.engine.raw_connection()
        except dialect.loaded_dbapi.Error as error:  # no connection could be made
            raise driver_error(error, dialect, True, "connect") from error
        settings = ", ".join(f"set_config('{name}', '{value}', false)" for name, value in SETTINGS.items())
        try:
            if dialect.name == "postgresql":
                driver: Any = connection.driver_connection
                driver.autocommit = True
                driver.execute(f"SELECT {settings}")
            cursor = connection.cursor()
        except BaseException as error:  # set up part way: never pooled as it is
            connection.invalidate(error)
            if isinstance(error, dialect.loaded_dbapi.Error):
                disconnected = dialect.is_disconnect(error, connection.dbapi_connection, None)
                raise driver_error(error, dialect, disconnected, settings) from error
            raise
        self._connection, self._cursor = connection, cursor
        return connection


# A reminder's state as people read it: its status, but "failed" while a send is being
# retried (pending, with attempts) and "late" for one sent late. One definition, in SQL,
# for the lists and the counts alike.
STATE: ColumnElement[str] = case(
    (and_(ReminderRow.status == ReminderStatus.PENDING, ReminderRow.attempts > 0), "failed"),
    (and_(ReminderRow.status == ReminderStatus.SENT, ReminderRow.late.is_(True)), "late"),
    else_=ReminderRow.status,
)
STATES = ("pending", "failed", "no recipient", "refused", "sent", "late", "cancelled", "superseded", "skipped")


@cache
def _marking(dialect: Dialect, columns: tuple[str, ...]) -> DriverStatement:
    """The statement that marks a claimed reminder still pending, compiled once for each set of columns it sets."""
    statement = (
        update(ReminderRow)
        .where(_these(dialect), ReminderRow.status == ReminderStatus.PENDING)
        .values(
            claimed_until=None,
            **{name: bindparam(f"set_{name}") for name in columns},
        )
    )
    return DriverStatement(statement, dialect)


@cache
def _renewing(dialect: Dialect) -> DriverStatement:
    """The fencing statement: a pending reminder's lease extended, if the token still holds it."""
    return DriverStatement(update(ReminderRow).where(*_held(dialect)).values(claimed_until=bindparam("until")), dialect)


@cache
def _keeping(dialect: Dialect) -> DriverStatement:
    """Whom a pending reminder's message has reached, kept if the token still holds it."""
    return DriverStatement(update(ReminderRow).where(*_held(dialect)).values(delivered=bindparam("delivered")), dialect)


def _held(dialect: Dialect) -> tuple[ColumnElement[bool], ...]:
    """`_these` reminders, still pending and claimed by the run holding the token."""
    return _these(dialect), ReminderRow.claimed_by == bindparam("token"), ReminderRow.status == ReminderStatus.PENDING


def _these(dialect: Dialect) -> ColumnElement[bool]:
    """Which reminders an `OutboxLine` write is about: on PostgreSQL all of them in one
    statement (`id = ANY(ids)`, atomic in autocommit); elsewhere a row at a time, run
    many times in one transaction."""
    if dialect.name == "postgresql":
        return ReminderRow.id == any_(bindparam("ids", type_=ARRAY(Integer)))
    return ReminderRow.id == bindparam("id")


def _due(now: dt.datetime, wall: dt.datetime, token: str | None = None) -> tuple[ColumnElement[bool], ...]:
    """The outbox rows due to go at `now`: pending, their time come, and leased to no run
    at the wall clock's `wall`; never those the run holding `token` claimed itself (a slow
    run's queue outlasting its lease must not take its own rows twice)."""
    due = (
        ReminderRow.status == ReminderStatus.PENDING,
        ReminderRow.next_attempt_at <= now,
        or_(ReminderRow.claimed_until.is_(None), ReminderRow.claimed_until < wall),
    )
    if token is None:
        return due
    return (*due, or_(ReminderRow.claimed_by.is_(None), ReminderRow.claimed_by != token))


def _by_deadline(session: Session, rows: Iterable[ReminderRow]) -> list[Claimed]:
    """Reminders grouped by deadline and channel, soonest first, each with its deadline and
    recipients: the deadlines read in one query, each body's recipients for a rule's roles
    on a channel once."""
    by_deadline: dict[tuple[str, str], list[ReminderRow]] = {}
    notices = []
    for row in rows:
        if row.kind in NOTICE_KINDS:  # each a message of its own, to its member
            notices.append(row)
        else:
            by_deadline.setdefault((row.deadline_id, row.channel), []).append(row)
    members = {m.id: m for m in select_in(session, MemberRow, MemberRow.id, {_notice_member(r) for r in notices})}
    deadlines = {d.id: d for d in select_in(session, DeadlineRow, DeadlineRow.id, {d for d, _ in by_deadline})}
    recipients: dict[tuple[str, tuple[str, ...], str], list[Recipient]] = {}
    found = []
    for (deadline_id, channel), grouped in by_deadline.items():
        deadline = deadlines.get(deadline_id)
        to: list[Recipient] = []
        if deadline is not None:
            roles = recipient_roles(deadline.who or ())
            key = (deadline.body_id, tuple(sorted(roles)), channel)
            if key not in recipients:
                recipients[key] = _recipients(session, deadline.body_id, roles, channel)
            to = recipients[key]
        elif grouped[0].kind == Kind.QUORUM:  # a meeting's quorum alert: to its clerks
            to = _recipients(session, grouped[0].body_id, [Role.CLERK], channel)
        found.append(Claimed(sorted(grouped, key=lambda r: (r.due_at, r.id)), deadline, to))
    for row in notices:
        member = members.get(_notice_member(row))
        to = [Recipient(member.name, EMAIL, member.email)] if member is not None and member.email else []
        found.append(Claimed([row], None, to))
    return found


def select_in_ids(session: Session, reminder_ids: Iterable[int]) -> list[ReminderRow]:
    """Outbox rows by id."""
    return list(select_in(session, ReminderRow, ReminderRow.id, reminder_ids))


def _recipients(session: Session, body_id: str, roles: Iterable[str], channel: str) -> list[Recipient]:
    """Those on the body in these roles (a deadline's rule names them:
    `scheduler.reminders.recipient_roles`) with an address on `channel`, each address once;
    on a channel other than e-mail, the body's own address too."""
    on_body = and_(MembershipRow.body_id == body_id, MembershipRow.role.in_(list(roles)), MembershipRow.ended.is_(None))
    if channel == EMAIL:
        query = (
            select(MemberRow.name, MemberRow.email, literal(""))
            .join(MembershipRow, MembershipRow.member_id == MemberRow.id)
            .where(on_body, MemberRow.email != "")
        )
        found = session.execute(query)
    else:
        members = (
            select(MemberRow.name, AddressRow.address, AddressRow.format)
            .join(MembershipRow, MembershipRow.member_id == MemberRow.id)
            .join(AddressRow, AddressRow.member_id == MemberRow.id)
            .where(on_body, AddressRow.channel == channel)
        )
        own = select(literal(""), AddressRow.address, AddressRow.format).where(
            AddressRow.body_id == body_id, AddressRow.channel == channel
        )
        found = session.execute(own.union(members))
    first: dict[str, Recipient] = {}
    for person, address, form in sorted(found):
        first.setdefault(address, Recipient(person, channel, address, form))
    return sorted(first.values(), key=lambda r: r.address)
