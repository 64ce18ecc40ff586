"""The kept year: cycles re-planned and edits kept in one transaction, and the year read back.

`replanning()` holds a `KeptYear` for one change: the bodies it touches are locked, their
kept meetings read (to lay over the rules' plan, `scheduler.overlay`), an admin's edited
meeting kept, and the re-derived cycles saved through the re-plan diff
(`scheduler.store.replan`) in bulk, with the outbox in step, all or nothing. Two
editors or re-plans of one body take turns, so neither loses the other's work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from rules.errors import NotFound
from rules.model import Body
from scheduler.occurrences import BodyPlan, Explanation, Meeting, Status, cycle_collector_paused
from scheduler.overlay import KeptMeeting
from scheduler.reminders import NOTICE_KINDS, NoticeKind
from scheduler.store.audit import Audit, history
from scheduler.store.bodies import record_bodies
from scheduler.store.bulk import IN_CHUNK, WriteBehind, insert_many, select_in
from scheduler.store.database import UTC, Database, stored_instant
from scheduler.store.outbox import DeadlineState, body_channels, kept_reminders, queue_notices, sync_reminders
from scheduler.store.outbox import Kept as KeptReminders
from scheduler.store.replan import (
    Changes,
    History,
    Row,
    deadline_values,
    item_values,
    kept_rows,
    meeting_values,
    sync_rows,
)
from scheduler.store.tables import AuditRow, Base, BodyRow, DeadlineRow, ItemRow, MeetingRow, ReminderRow
from scheduler.store.versions import NewRules, RuleVersion, hold_versions, publish_rules

PLAN_CHUNK = 500  # bodies whose kept rows are read with one query per table


def as_meeting(row: MeetingRow, body: Body) -> Meeting:
    """A kept meeting as the planner and checker see it."""
    return Meeting(
        id=row.id,
        body=row.body_id,
        date=row.date,
        start=stored_instant(row.start),
        end=stored_instant(row.end),
        title=row.title,
        location=row.location,
        public=row.public,
        explanation=Explanation(row.explanation, body.meetings.cite, kept=True),
        status=Status(row.status),
        tags=tuple(row.tags or ()),
    )


class FeedMeeting(NamedTuple):
    """A kept meeting as a feed reads it."""

    id: str
    body_id: str
    status: str
    date: dt.date
    planned_date: dt.date | None
    start: dt.datetime
    end: dt.datetime
    title: str
    location: str
    explanation: str
    sequence: int
    updated_at: dt.datetime


FEED_MEETING = [getattr(MeetingRow, name) for name in FeedMeeting._fields]


class FeedDeadline(NamedTuple):
    """What is due for a meeting, as its feed event lists it."""

    meeting_id: str
    name: str
    due: dt.datetime


FEED_DEADLINE = [DeadlineRow.meeting_id, DeadlineRow.name, DeadlineRow.due, DeadlineRow.status]


@dataclass(frozen=True)
class Kept:
    """A kept meeting, deadline or item as it stands, with who changed it and when."""

    date: dt.date
    status: str
    sequence: int
    manual: bool
    explanation: str
    history: list[str]
    due: dt.datetime | None = None  # a deadline's
    done_at: dt.datetime | None = None


class KeptYear:
    """The kept year within one transaction: read what stands, keep an edit, save re-planned cycles."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def lock(self, bodies: Sequence[Body]) -> None:
        """Hold these bodies' rows (made if new) until the change is committed or discarded."""
        record_bodies(self.session, bodies, lock=True)

    def meetings(self, bodies: Mapping[str, Body], cycles: Collection[str]) -> dict[tuple[str, str], list[KeptMeeting]]:
        """The kept meetings of these bodies in these cycles, by (body id, cycle label)."""
        self.session.flush()
        found: dict[tuple[str, str], list[KeptMeeting]] = {}
        ids, labels = list(bodies), list(cycles)
        for start in range(0, len(ids), PLAN_CHUNK):
            chunk = ids[start : start + PLAN_CHUNK]
            query = select(MeetingRow).where(MeetingRow.body_id.in_(chunk), MeetingRow.cycle.in_(labels))
            for row in self.session.scalars(query):
                kept = KeptMeeting(as_meeting(row, bodies[row.body_id]), row.manual)
                found.setdefault((row.body_id, row.cycle), []).append(kept)
        return found

    def cycles(self, body_ids: Collection[str]) -> set[tuple[str, str]]:
        """The (body id, cycle label) pairs these bodies have anything kept in."""
        self.session.flush()
        found: set[tuple[str, str]] = set()
        ids = list(body_ids)
        for start in range(0, len(ids), PLAN_CHUNK):
            chunk = ids[start : start + PLAN_CHUNK]
            query = select(MeetingRow.body_id, MeetingRow.cycle).where(MeetingRow.body_id.in_(chunk)).distinct()
            found |= {(body_id, cycle) for body_id, cycle in self.session.execute(query)}
        return found

    def keep_meeting(self, meeting: Meeting, label: str, now: dt.datetime, *, new_version: bool) -> None:
        """Keep a meeting as an admin set it (re-planning never moves it); a change
        subscribers see (`new_version`) gets the next SEQUENCE."""
        row = self.session.get(MeetingRow, meeting.id)
        if row is None:
            row = MeetingRow(id=meeting.id, body_id=meeting.body, cycle=label, sequence=0, planned_date=None)
            row.title, row.location, row.public = meeting.title, meeting.location, meeting.public
            row.tags, row.explanation = list(meeting.tags), meeting.explanation.rule
            self.session.add(row)
        elif new_version:
            row.sequence += 1
        if meeting.explanation.kept is False and meeting.status == Status.CANCELLED:
            row.explanation = meeting.explanation.rule  # the reason it was cancelled, as the edit gave it
        row.date, row.status, row.manual, row.updated_at = meeting.date, meeting.status, True, now
        row.start, row.end = meeting.start.astimezone(UTC), meeting.end.astimezone(UTC)

    def save(
        self,
        plans: Sequence[BodyPlan],
        now: dt.datetime,
        advance: Callable[[int], object] | None = None,
        touched: Collection[str] = (),
    ) -> Changes:
        """Keep re-planned cycles as of `now` (see `scheduler.store.replan`), a chunk of bodies
        at a time; `advance`, if given, is called with the number of plans saved after each.
        `touched` names the meetings an admin just changed: their deadlines follow them.

        A chunk's new rows are written behind (`WriteBehind`: on PostgreSQL while the next
        chunk is worked out), that chunk's kept rows read in between, while the connection
        is free.
        """
        changes, edited = Changes(), frozenset(touched)
        chunks = [plans[start : start + PLAN_CHUNK] for start in range(0, len(plans), PLAN_CHUNK)]
        if not chunks:
            return changes
        kept = kept_cycles(self.session, chunks[0])
        with WriteBehind(self.session.connection()) as behind:
            for index, chunk in enumerate(chunks):
                new = new_rows(chunk, kept, now, changes, edited)
                behind.wait()  # the chunk before is in: the session is this thread's again
                if index and advance is not None:
                    advance(len(chunks[index - 1]))
                if index + 1 < len(chunks):
                    kept = kept_cycles(self.session, chunks[index + 1])
                behind.write(new)
        if advance is not None:
            advance(len(chunks[-1]))
        return changes

    def audit(self, entry: Audit) -> None:
        self.session.add(entry.row())

    def queue_notices(self, body_id: str, meeting_id: str, kind: NoticeKind, now: dt.datetime) -> int:
        """A meeting's notice for each of its body's members, in this change's transaction (`queue_notices`)."""
        return queue_notices(self.session, body_id, meeting_id, kind, now)

    def audit_changes(self, changes: Changes, actor: str, now: dt.datetime) -> None:
        """One audit entry for each occurrence a re-plan added, moved, updated or cancelled."""
        rows = [
            {
                "at": now,
                "actor": actor,
                "action": f"plan:{kind}",
                "target": target,
                "detail": {"because": changes.because[target]} if target in changes.because else {},
            }
            for kind, ids in changes.by_kind().items()
            for target in ids
        ]
        insert_many(self.session, AuditRow, rows)

    def publish_rules(
        self, versions: Sequence[NewRules], *, actor: str, reason: str, now: dt.datetime
    ) -> list[RuleVersion]:
        """Keep new versions of bodies' rules in this change's transaction (see `versions`)."""
        hold_versions(self.session)
        return publish_rules(self.session, versions, actor=actor, reason=reason, now=now)

    def discard(self) -> None:
        """Change nothing after all: the change is refused."""
        self.session.rollback()


class PlanStore(Database):
    """Saving plans, keeping edits, reading the kept year."""

    @contextmanager
    def replanning(self) -> Iterator[KeptYear]:
        """The kept year for one change, in one transaction: committed when the block ends,
        rolled back if it raises or calls `discard`. The cycle collector rests meanwhile:
        a country's change is millions of short-lived objects it would rescan for nothing."""
        with cycle_collector_paused(), self.session() as session, session.begin():
            yield KeptYear(session)

    def save_plan(
        self,
        plans: Iterable[BodyPlan],
        actor: str,
        now: dt.datetime,
        advance: Callable[[int], object] | None = None,
    ) -> Changes:
        """Keep these planned cycles as they are given (idempotent; see `scheduler.store.replan`)."""
        plans = list(plans)
        with self.replanning() as year:
            record_bodies(year.session, [plan.body for plan in plans], lock=True, planned_at=now)
            changes = year.save(plans, now, advance)
            year.audit_changes(changes, actor, now)
        return changes

    def deadline(self, deadline_id: str) -> DeadlineRow | None:
        with self.session() as session:
            return session.get(DeadlineRow, deadline_id)

    def mark_done(
        self, body: Body, deadline_id: str, done: bool, audit: Audit, notice: NoticeKind | None = None
    ) -> bool:
        """A clerk marks a body's deadline done (its later reminders stop) or reopens it (they
        start again, those still to come); False if it already was so. Marked done, with a
        `notice`, the meeting it is for has that notice queued for its members in the same
        transaction (`queue_notices`)."""
        with self.replanning() as year:
            row = year.session.get(DeadlineRow, deadline_id, with_for_update=True)
            if row is None or row.body_id != body.id:
                raise NotFound(f"no deadline '{deadline_id}' of {body.name} in the store")
            if (row.done_at is not None) == done:
                return False
            row.done_at = audit.at if done else None
            row.sequence += 1  # calendars show it done, or open again
            row.updated_at = audit.at
            kept = kept_reminders(year.session, [deadline_id])
            state = DeadlineState(row.id, row.rule, row.date, row.due, row.status, done)
            channels = body_channels(year.session, [body.id])[body.id]
            insert_many(year.session, ReminderRow, sync_reminders(body, [state], kept, audit.at, channels))
            year.audit(audit)
            if done and notice is not None and row.meeting_id:
                year.queue_notices(body.id, row.meeting_id, notice, audit.at)
        return True

    def queue_meeting_notices(self, body_id: str, meeting_id: str, kind: NoticeKind, audit: Audit) -> int:
        """A meeting's notice for each of its body's members not yet sent it, with `audit`
        (its detail saying how many) if any was: how many were queued."""
        with self.replanning() as year:
            queued = year.queue_notices(body_id, meeting_id, kind, audit.at)
            if queued:
                year.audit(
                    Audit(audit.at, audit.actor, audit.action, audit.target, {**audit.detail, "members": queued})
                )
        return queued

    def meeting_notices(self, meeting_id: str) -> dict[tuple[str, str], int]:
        """How many of a meeting's notices are in each (kind, status)."""
        with self.session() as session:
            query = (
                select(ReminderRow.kind, ReminderRow.status, func.count())
                .where(ReminderRow.deadline_id == meeting_id, ReminderRow.kind.in_(NOTICE_KINDS))
                .group_by(ReminderRow.kind, ReminderRow.status)
            )
            return {(kind, status): count for kind, status, count in session.execute(query)}

    # -- reading ------------------------------------------------------------------------

    def kept(self, occurrence_id: str) -> Kept | None:
        """A kept meeting, deadline or item as it stands, with its history; None if not kept."""
        with self.session() as session:
            row = (
                session.get(MeetingRow, occurrence_id)
                or session.get(DeadlineRow, occurrence_id)
                or session.get(ItemRow, occurrence_id)
            )
            if row is None:
                return None
            deadline = row if isinstance(row, DeadlineRow) else None
            return Kept(
                row.date,
                row.status,
                row.sequence,
                row.manual,
                row.explanation,
                history(session, occurrence_id),
                stored_instant(deadline.due) if deadline else None,
                stored_instant(deadline.done_at) if deadline and deadline.done_at else None,
            )

    def version(self) -> tuple[object, ...]:
        """Changes whenever anything a feed shows changes: the newest audit row and updates."""
        with self.session() as session:
            return (
                session.scalar(select(func.max(AuditRow.id))),
                session.scalar(select(func.max(MeetingRow.updated_at))),
                session.scalar(select(func.max(DeadlineRow.updated_at))),
            )

    def last_change(self) -> int | None:
        """The newest audit row's id: every change to the kept year writes one, so it changes
        when the year does (read by the key's index, however large the year; `version` also
        reads the newest update, a scan of every meeting and deadline)."""
        with self.session() as session:
            return session.scalar(select(func.max(AuditRow.id)))

    def meeting(self, meeting_id: str) -> MeetingRow | None:
        with self.session() as session:
            return session.get(MeetingRow, meeting_id)

    def meetings(
        self, body_ids: Collection[str] | None = None, *, since: dt.date | None = None, until: dt.date | None = None
    ) -> list[MeetingRow]:
        """Kept meetings of the given bodies (None: of every body), in date order; only those
        on `since` or after, and on `until` or before, where given."""
        days = [MeetingRow.date >= since] if since is not None else []
        days += [MeetingRow.date <= until] if until is not None else []
        return self._of_bodies(MeetingRow, body_ids, *days)

    def deadlines(self, body_ids: Collection[str] | None = None) -> list[DeadlineRow]:
        """Kept deadlines of the given bodies (None: of every body), in date order."""
        return self._of_bodies(DeadlineRow, body_ids)

    def deadlines_named(self, deadline_ids: Collection[str]) -> list[DeadlineRow]:
        """The kept deadlines with these ids (the unknown left out)."""
        ids = list(deadline_ids)
        with self.session() as session:
            return [
                row
                for start in range(0, len(ids), PLAN_CHUNK)
                for row in session.scalars(
                    select(DeadlineRow).where(DeadlineRow.id.in_(ids[start : start + PLAN_CHUNK]))
                )
            ]

    def deadlines_of_meeting(self, meeting_id: str) -> list[DeadlineRow]:
        """The deadlines kept for a meeting or counted from it, any body's (reports to it too), in date order."""
        with self.session() as session:
            query = select(DeadlineRow).where(
                or_(DeadlineRow.meeting_id == meeting_id, DeadlineRow.counted_from == meeting_id)
            )
            return list(session.scalars(query.order_by(DeadlineRow.date, DeadlineRow.id)))

    def feed_meetings(self, body_ids: Collection[str]) -> list[FeedMeeting]:
        """The columns of these bodies' kept meetings that feeds read, as plain tuples."""
        return [FeedMeeting(*row) for row in self._columns(FEED_MEETING, MeetingRow.body_id, body_ids)]

    def feed_deadlines(self, body_ids: Collection[str]) -> list[FeedDeadline]:
        """What is due for each of these bodies' kept meetings (cancelled deadlines left out), as plain tuples."""
        return [
            FeedDeadline(meeting_id, name, due)
            for meeting_id, name, due, status in self._columns(FEED_DEADLINE, DeadlineRow.body_id, body_ids)
            if meeting_id and status != Status.CANCELLED
        ]

    def _columns(self, columns: Sequence[Any], body_column: Any, body_ids: Collection[str]) -> list[Any]:
        """Some columns of a table's rows for some bodies, read through Core alone (the ORM's
        result handling cost as much as the read): for many bodies one pass over the table,
        filtered here, beats a query per chunk of ids."""
        wanted = set(body_ids)
        query = select(*columns, body_column)
        with self.engine.connect() as connection:
            if len(wanted) > IN_CHUNK:
                return [row[:-1] for row in connection.execute(query) if row[-1] in wanted]
            return [row[:-1] for row in connection.execute(query.where(body_column.in_(sorted(wanted))))]

    def _of_bodies(self, table: type[Row], body_ids: Collection[str] | None, *where: ColumnElement[bool]) -> list[Row]:
        """A table's rows for some bodies (None: all) meeting `where`, by date then id."""
        with self.session() as session:
            if body_ids is None:
                return list(session.scalars(select(table).where(*where).order_by(table.date, table.id)))
            return sorted(select_in(session, table, table.body_id, body_ids, *where), key=attrgetter("date", "id"))

    def counts(self) -> dict[str, int]:
        """Rows per table, for `govcal plan --save` and the tests."""
        with self.session() as session:
            return {
                table.__tablename__: session.query(table).count()
                for table in (BodyRow, MeetingRow, DeadlineRow, ItemRow, ReminderRow, AuditRow)
            }


class KeptCycles(NamedTuple):
    """What is kept of some plans' cycles: their rows by (body, cycle), then by id; the
    reminders of their deadlines; their bodies' channels."""

    meetings: dict[tuple[str, str], dict[str, MeetingRow]]
    deadlines: dict[tuple[str, str], dict[str, DeadlineRow]]
    items: dict[tuple[str, str], dict[str, ItemRow]]
    reminders: KeptReminders
    channels: dict[str, frozenset[str]]


def kept_cycles(session: Session, plans: Sequence[BodyPlan]) -> KeptCycles:
    """What is kept of these plans' cycles, read after the session's own edits are flushed."""
    session.flush()
    deadlines = kept_rows(session, DeadlineRow, plans)
    return KeptCycles(
        kept_rows(session, MeetingRow, plans),
        deadlines,
        kept_rows(session, ItemRow, plans),
        kept_reminders(session, [i for rows in deadlines.values() for i in rows]),
        body_channels(session, {plan.body.id for plan in plans}),
    )


def new_rows(
    plans: Sequence[BodyPlan], kept: KeptCycles, now: dt.datetime, changes: Changes, touched: frozenset[str]
) -> dict[type[Base], list[dict[str, Any]]]:
    """Sync planned cycles with what is kept as of `now`, and their reminders: the meetings
    with the rules' plan, the deadlines and items with what derives from the meetings as
    they stand. The kept rows are changed in place (the session writes them when it next
    flushes); the new rows, by table in the order they are to be inserted, are returned.
    Nothing is read or written here."""
    kept_meetings, kept_deadlines, kept_items, reminders, channels = kept
    new: dict[type[Base], list[dict[str, Any]]] = {MeetingRow: [], DeadlineRow: [], ItemRow: [], ReminderRow: []}
    for plan in plans:
        key = (plan.body.id, plan.label)
        meetings = kept_meetings.get(key, {})
        upcoming = frozenset(m.id for m in plan.meetings if m.start > now)
        history = History(now, first=not meetings, upcoming=upcoming, touched=touched)
        new[MeetingRow] += sync_rows(plan, plan.planned, meeting_values, dict(meetings), changes, history)
        deadlines = kept_deadlines.get(key, {})
        added = sync_rows(plan, plan.deadlines, deadline_values, dict(deadlines), changes, history)
        new[DeadlineRow] += added
        fresh = {row["id"] for row in added}
        states = [
            DeadlineState(r.id, r.rule, r.date, r.due, r.status, r.done_at is not None) for r in deadlines.values()
        ]
        states += [DeadlineState(d.id, d.rule, d.date, d.due, Status.PLANNED) for d in plan.deadlines if d.id in fresh]
        new[ReminderRow] += sync_reminders(plan.body, states, reminders, now, channels[plan.body.id])
        new[ItemRow] += sync_rows(plan, plan.items, item_values, dict(kept_items.get(key, {})), changes, history)
    return new
