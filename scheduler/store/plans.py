"""The kept year: planned cycles saved idempotently, edits kept, and the year read back.

`save_plan` upserts each planned occurrence by its id through the re-plan diff
(`scheduler.store.replan`), in bulk, with the outbox kept in step. `editing` holds one
body's cycle for one admin edit, in one transaction with the body's row locked, so two
editors of one body never lose each other's work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rules.errors import RuleError
from rules.model import Body
from scheduler.occurrences import BodyPlan, Explanation, Meeting, Status, cycle_collector_paused
from scheduler.store.audit import Audit, history
from scheduler.store.bodies import record_bodies, record_body
from scheduler.store.bulk import insert_many, select_in
from scheduler.store.database import UTC, Database, stored_instant
from scheduler.store.outbox import DeadlineState, kept_reminders, sync_reminders
from scheduler.store.replan import (
    Changes,
    Row,
    deadline_values,
    item_values,
    kept_rows,
    meeting_values,
    sync_rows,
)
from scheduler.store.tables import AuditRow, Base, BodyRow, DeadlineRow, ItemRow, MeetingRow, ReminderRow

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
        explanation=Explanation(row.explanation, body.meetings.cite),
        status=Status(row.status),
        tags=tuple(row.tags or ()),
    )


@dataclass(frozen=True)
class Kept:
    """A kept meeting, deadline or item as it stands, with who changed it and when."""

    date: dt.date
    status: str
    sequence: int
    manual: bool
    explanation: str
    history: list[str]


class CycleEdit:
    """One body's cycle held for one edit: its meetings as they stand, and the writes
    that keep the edited meeting, its derived dates and the audit entry."""

    def __init__(self, session: Session, body: Body, label: str, rows: list[MeetingRow]) -> None:
        self.session, self.body, self.label = session, body, label
        self._rows = {row.id: row for row in rows}
        self.meetings = [as_meeting(row, body) for row in rows]

    def keep(self, meeting: Meeting, now: dt.datetime, *, new_version: bool) -> None:
        """Keep the edited meeting as an admin's (re-planning never moves it); a change
        subscribers see (`new_version`) gets the next SEQUENCE."""
        row = self._rows.get(meeting.id)
        if row is None:
            row = MeetingRow(id=meeting.id, body_id=meeting.body, cycle=self.label, sequence=0, planned_date=None)
            row.title, row.location, row.public = meeting.title, meeting.location, meeting.public
            row.tags, row.explanation = list(meeting.tags), meeting.explanation.rule
            self.session.add(row)
        elif new_version:
            row.sequence += 1
        row.date, row.status, row.manual, row.updated_at = meeting.date, meeting.status, True, now
        row.start, row.end = meeting.start.astimezone(UTC), meeting.end.astimezone(UTC)

    def derive(self, plan: BodyPlan, now: dt.datetime) -> Changes:
        """Keep the cycle's deadlines and items as `plan` derives them, and their reminders."""
        changes = Changes()
        save_cycles(self.session, [plan], now, changes, with_meetings=False)
        return changes

    def audit(self, entry: Audit) -> None:
        self.session.add(entry.row())

    def discard(self) -> None:
        """Change nothing after all: the edit is refused."""
        self.session.rollback()


class PlanStore(Database):
    """Saving plans, keeping edits, reading the kept year."""

    def save_plan(
        self,
        plans: Iterable[BodyPlan],
        actor: str,
        now: dt.datetime,
        advance: Callable[[int], object] | None = None,
    ) -> Changes:
        """Upsert planned cycles idempotently (see `scheduler.store.replan`).

        In bulk, so a whole country's plan is written in seconds: kept rows are read a
        chunk of bodies at a time, and new rows go in with one bulk insert per table.
        `advance`, if given, is called with the number of plans saved after each chunk.
        """
        changes = Changes()
        plans = list(plans)
        with cycle_collector_paused(), self.session() as session, session.begin():
            record_bodies(session, [plan.body for plan in plans], now)
            for start in range(0, len(plans), PLAN_CHUNK):
                chunk = plans[start : start + PLAN_CHUNK]
                save_cycles(session, chunk, now, changes, with_meetings=True)
                if advance is not None:
                    advance(len(chunk))
            audit = [
                {"at": now, "actor": actor, "action": f"plan:{kind}", "target": target, "detail": {}}
                for kind, ids in changes.by_kind().items()
                for target in ids
            ]
            insert_many(session, AuditRow, audit)
        return changes

    @contextmanager
    def editing(self, body: Body, label: str) -> Iterator[CycleEdit]:
        """One body's cycle for one edit, in one transaction, the body's row locked
        (FOR UPDATE on PostgreSQL; SQLite's write lock is taken at BEGIN)."""
        with self.session() as session, session.begin():
            record_body(session, body, lock=True)
            rows = list(
                session.scalars(
                    select(MeetingRow)
                    .where(MeetingRow.body_id == body.id, MeetingRow.cycle == label)
                    .order_by(MeetingRow.date, MeetingRow.id)
                )
            )
            yield CycleEdit(session, body, label, rows)

    def mark_done(self, deadline_id: str, audit: Audit) -> None:
        """A clerk marks a deadline done: its later reminders and overdue notice stop."""
        with self.session() as session, session.begin():
            row = session.get(DeadlineRow, deadline_id)
            if row is None:
                raise RuleError(f"no deadline '{deadline_id}' in the store")
            if row.done_at is None:
                row.done_at = audit.at
                session.add(audit.row())

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
            return Kept(
                row.date, row.status, row.sequence, row.manual, row.explanation, history(session, occurrence_id)
            )

    def version(self) -> tuple[object, ...]:
        """Changes whenever anything a feed shows changes: the newest audit row and updates."""
        with self.session() as session:
            return (
                session.scalar(select(func.max(AuditRow.id))),
                session.scalar(select(func.max(MeetingRow.updated_at))),
                session.scalar(select(func.max(DeadlineRow.updated_at))),
            )

    def meeting(self, meeting_id: str) -> MeetingRow | None:
        with self.session() as session:
            return session.get(MeetingRow, meeting_id)

    def meetings(self, body_ids: Collection[str] | None = None) -> list[MeetingRow]:
        """Kept meetings of the given bodies (None: of every body), in date order."""
        return self._of_bodies(MeetingRow, body_ids)

    def deadlines(self, body_ids: Collection[str] | None = None) -> list[DeadlineRow]:
        """Kept deadlines of the given bodies (None: of every body), in date order."""
        return self._of_bodies(DeadlineRow, body_ids)

    def _of_bodies(self, table: type[Row], body_ids: Collection[str] | None) -> list[Row]:
        """A table's rows for some bodies (None: all), by date then id."""
        with self.session() as session:
            if body_ids is None:
                return list(session.scalars(select(table).order_by(table.date, table.id)))
            return sorted(select_in(session, table, table.body_id, body_ids), key=attrgetter("date", "id"))

    def counts(self) -> dict[str, int]:
        """Rows per table, for `govcal plan --save` and the tests."""
        with self.session() as session:
            return {
                table.__tablename__: session.query(table).count()
                for table in (BodyRow, MeetingRow, DeadlineRow, ItemRow, ReminderRow, AuditRow)
            }


def save_cycles(
    session: Session, plans: Sequence[BodyPlan], now: dt.datetime, changes: Changes, with_meetings: bool
) -> None:
    """Sync planned cycles with what is kept, and their reminders (`with_meetings`: the
    meetings too, as re-planning does; an edit has kept its meetings itself)."""
    session.flush()  # the reads below must see this session's own edits
    kept_meetings = kept_rows(session, MeetingRow, plans) if with_meetings else {}
    kept_deadlines = kept_rows(session, DeadlineRow, plans)
    kept_items = kept_rows(session, ItemRow, plans)
    reminders = kept_reminders(session, [i for rows in kept_deadlines.values() for i in rows])
    new: dict[type[Base], list[dict[str, Any]]] = {MeetingRow: [], DeadlineRow: [], ItemRow: [], ReminderRow: []}
    for plan in plans:
        key = (plan.body.id, plan.label)
        if with_meetings:
            new[MeetingRow] += sync_rows(
                plan, plan.meetings, meeting_values, dict(kept_meetings.get(key, {})), changes, now
            )
        deadlines = kept_deadlines.get(key, {})
        added = sync_rows(plan, plan.deadlines, deadline_values, dict(deadlines), changes, now)
        new[DeadlineRow] += added
        fresh = {row["id"] for row in added}
        states = [DeadlineState(r.id, r.rule, r.date, r.due, r.status) for r in deadlines.values()]
        states += [DeadlineState(d.id, d.rule, d.date, d.due, Status.PLANNED) for d in plan.deadlines if d.id in fresh]
        new[ReminderRow] += sync_reminders(plan.body, states, reminders)
        new[ItemRow] += sync_rows(plan, plan.items, item_values, dict(kept_items.get(key, {})), changes, now)
    for table, rows in new.items():
        insert_many(session, table, rows)
