"""The re-plan diff: bringing a cycle's kept rows in line with a new plan, row by row.

Unchanged rows are left alone; moved ones keep their id and get SEQUENCE + 1; rows
the new plan no longer has are marked cancelled, never deleted; a row an admin
changed by hand is never overwritten: the clash is reported instead. The past is
history: a meeting that has started, or a deadline or item already due, is never
moved, cancelled or re-sequenced, and a new one is not added in the past once the
cycle is kept; what was left alone, and why, is reported (a past deadline's or item's
once: its `planned_date` keeps the day last said, so a re-plan straight after says nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.occurrences import BodyPlan, Deadline, Item, Meeting, Status
from scheduler.store.database import UTC, stored_instant
from scheduler.store.tables import DeadlineRow, ItemRow, MeetingRow
from scheduler.workdays import london_day

Row = TypeVar("Row", MeetingRow, DeadlineRow, ItemRow)  # a table of occurrences
QUIET = ("explanation", "counted_from")  # kept up to date without a new version: nothing a calendar shows


# -- re-planning ------------------------------------------------------------------------


@dataclass
class Changes:
    """What saving a plan did, row by row."""

    added: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # same day, other details (time, wording)
    cancelled: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    left_alone: list[str] = field(default_factory=list)  # in the past: history, not re-planned
    was: dict[str, dt.date] = field(default_factory=dict)  # the day a moved or cancelled occurrence was on
    because: dict[str, str] = field(default_factory=dict)  # the rule that asked for a meeting the rules added

    @property
    def changed(self) -> bool:
        return bool(self.added or self.moved or self.updated or self.cancelled)

    def by_kind(self) -> dict[str, list[str]]:
        """The changed ids by kind of change (conflicts are not changes)."""
        return {"added": self.added, "moved": self.moved, "updated": self.updated, "cancelled": self.cancelled}

    def summary(self) -> str:
        counts = ", ".join(f"{len(ids)} {kind}" for kind, ids in self.by_kind().items())
        return f"{counts}, {len(self.conflicts)} conflicts, {len(self.left_alone)} left alone (in the past)"


@dataclass(frozen=True)
class History:
    """What is past at `now` for one cycle, so re-planning leaves it be.

    `first` is a cycle planned for the first time: its past is recorded as planned.
    `upcoming` holds the ids of the cycle's meetings yet to start: a deadline of one of
    them is added even when already due (papers due before a meeting was added).
    `touched` holds the meetings an admin changed in this change: what hangs on them
    follows them, past or not.
    """

    now: dt.datetime
    first: bool
    upcoming: frozenset[str]
    touched: frozenset[str] = frozenset()

    @property
    def today(self) -> dt.date:
        return london_day(self.now)

    def follows(self, occurrence: Meeting | Deadline | Item) -> bool:
        """Hangs on a meeting an admin just changed: for it, or counted from it."""
        if isinstance(occurrence, Meeting):
            return False
        counted_from = occurrence.counted_from if isinstance(occurrence, Deadline) else occurrence.meeting
        return bool({occurrence.meeting, counted_from} & self.touched)

    def held(self, row: MeetingRow | DeadlineRow | ItemRow, occurrence: Meeting | Deadline | Item | None) -> bool:
        """A kept row that is history: a meeting started, a deadline due, an item's day gone
        (unless what it hangs on was just changed by an admin)."""
        if isinstance(row, MeetingRow):
            return stored_instant(row.start) <= self.now
        counted_from = row.counted_from if isinstance(row, DeadlineRow) else row.meeting_id
        if {row.meeting_id, counted_from} & self.touched or (occurrence is not None and self.follows(occurrence)):
            return False
        if isinstance(row, DeadlineRow):
            return stored_instant(row.due) <= self.now
        return row.date < self.today

    def too_late(self, occurrence: Meeting | Deadline | Item) -> bool:
        """A new occurrence a re-plan must not add: in the past, once the cycle is kept."""
        if self.first:
            return False
        if isinstance(occurrence, Meeting):
            return occurrence.start <= self.now
        if occurrence.meeting in self.upcoming or self.follows(occurrence):
            return False
        if isinstance(occurrence, Deadline):
            return occurrence.due <= self.now
        return occurrence.date < self.today


def kept_rows(session: Session, table: type[Row], plans: Sequence[BodyPlan]) -> dict[tuple[str, str], dict[str, Row]]:
    """The kept rows of these plans' bodies and cycles, by (body, cycle), then by id."""
    bodies = {plan.body.id for plan in plans}
    cycles = {plan.label for plan in plans}
    wanted = {(plan.body.id, plan.label) for plan in plans}
    found: dict[tuple[str, str], dict[str, Row]] = {}
    query = select(table).where(table.body_id.in_(bodies), table.cycle.in_(cycles))
    for row in session.scalars(query):
        if (row.body_id, row.cycle) in wanted:
            found.setdefault((row.body_id, row.cycle), {})[row.id] = row
    return found


def sync_rows(
    plan: BodyPlan,
    planned: Sequence[Meeting | Deadline | Item],
    values: Callable[[Any], dict[str, Any]],
    existing: dict[str, Row],
    changes: Changes,
    history: History,
) -> list[dict[str, Any]]:
    """Bring one cycle's kept rows in line with the plan; the rows to insert, as dicts.

    Kept rows are updated in place (and `existing` emptied of them); what is left in
    `existing` is no longer planned and is cancelled, unless set by hand or history.
    """
    now = history.now
    added = []
    fresh = {  # what every new row of this cycle has
        "body_id": plan.body.id,
        "cycle": plan.label,
        "status": Status.PLANNED,
        "sequence": 0,
        "manual": False,
        "updated_at": now,
    }
    for occurrence in planned:
        new = values(occurrence)
        row = existing.pop(occurrence.id, None)
        if row is None:
            if history.too_late(occurrence):
                changes.left_alone.append(f"{occurrence.id}: not added: the rules now give {occurrence.date}, past")
                continue
            added.append(dict(new, id=occurrence.id, planned_date=occurrence.date, **fresh))
            changes.added.append(occurrence.id)
            if isinstance(occurrence, Meeting) and occurrence.status == Status.ADDED:
                added[-1]["status"] = Status.ADDED  # added by a rule: said so, and why
                changes.because[occurrence.id] = f"{occurrence.explanation.rule} ({occurrence.explanation.cite})"
            continue
        if row.manual:
            if row.planned_date != occurrence.date and row.date != occurrence.date:
                changes.conflicts.append(
                    f"{occurrence.id}: the rules now give {occurrence.date}, but it was set by hand to {row.date}; kept"
                )
            row.planned_date = occurrence.date
            continue
        status = occurrence.status if isinstance(occurrence, Meeting) else Status.PLANNED
        differs = row.status != status or any(
            _differs(getattr(row, key), value) for key, value in new.items() if key not in QUIET
        )
        if history.held(row, occurrence):
            if differs and (isinstance(row, MeetingRow) or row.planned_date != occurrence.date):
                changes.left_alone.append(
                    f"{occurrence.id}: {row.date} is past; the rules now give {occurrence.date}; left as it was"
                )
            if not isinstance(row, MeetingRow):  # said once: a re-plan straight after has nothing to say
                row.planned_date = occurrence.date
            continue
        if row.explanation != new["explanation"]:
            row.explanation = new["explanation"]  # wording only: no new version (RFC 5545 SEQUENCE)
            row.updated_at = now
        if isinstance(row, DeadlineRow) and row.counted_from != new["counted_from"]:
            row.counted_from = new["counted_from"]  # bookkeeping nobody sees: no new version
        if differs:
            moved = row.date != occurrence.date or row.status == Status.CANCELLED
            if moved:
                changes.was[occurrence.id] = row.date
            for key, value in new.items():
                setattr(row, key, value)
            row.status = status
            row.planned_date = occurrence.date
            row.sequence += 1
            row.updated_at = now
            (changes.moved if moved else changes.updated).append(occurrence.id)
    for row in existing.values():
        if row.status == Status.CANCELLED or row.manual:
            continue
        if history.held(row, None):
            if isinstance(row, MeetingRow) or row.planned_date is not None:
                changes.left_alone.append(f"{row.id}: {row.date} is past; the rules no longer plan it; left as it was")
            if not isinstance(row, MeetingRow):  # said once, as above
                row.planned_date = None
            continue
        row.status = Status.CANCELLED
        row.sequence += 1
        row.updated_at = now
        changes.cancelled.append(row.id)
        changes.was[row.id] = row.date
    return added


def _differs(old: Any, new: Any) -> bool:
    """Compare stored and planned values; instants compare as instants."""
    if isinstance(old, dt.datetime) and isinstance(new, dt.datetime):
        return stored_instant(old) != new
    return old != new


def meeting_values(meeting: Meeting) -> dict[str, Any]:
    return {
        "date": meeting.date,
        "start": meeting.start.astimezone(UTC),
        "end": meeting.end.astimezone(UTC),
        "title": meeting.title,
        "location": meeting.location,
        "public": meeting.public,
        "tags": list(meeting.tags),
        "explanation": meeting.explanation.short(),
    }


def deadline_values(deadline: Deadline) -> dict[str, Any]:
    return {
        "date": deadline.date,
        "due": deadline.due.astimezone(UTC),
        "meeting_id": deadline.meeting,
        "counted_from": deadline.counted_from,
        "rule": deadline.rule,
        "name": deadline.name,
        "who": list(deadline.who),
        "explanation": deadline.explanation.short(),
    }


def item_values(item: Item) -> dict[str, Any]:
    return {
        "date": item.date,
        "meeting_id": item.meeting,
        "rule": item.rule,
        "name": item.name,
        "explanation": item.explanation.short(),
    }
