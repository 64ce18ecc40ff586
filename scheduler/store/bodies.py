"""Body rows: each body as last planned, the version of its rule file, and its lock.

A change to a body's kept year holds its row (`FOR UPDATE` on PostgreSQL; SQLite's
write lock is taken at BEGIN), so two editors or re-plans of one body take turns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from rules.model import Body
from scheduler.store.bulk import IN_CHUNK, insert_many
from scheduler.store.tables import BodyRow


def body_values(body: Body) -> dict[str, str]:
    """A body row's columns from its rules."""
    return {"name": body.name, "rules_file": body.source_file, "rules_version": body.digest}


def record_bodies(
    session: Session, bodies: Sequence[Body], *, lock: bool = False, planned_at: dt.datetime | None = None
) -> None:
    """The bodies' rows, created or brought up to date with their rule files; `lock` holds
    them until the transaction ends, `planned_at` marks them planned then."""
    unique = {body.id: body for body in sorted(bodies, key=lambda b: b.id)}  # one lock order: no deadlock
    ids = list(unique)
    kept: dict[str, BodyRow] = {}
    for start in range(0, len(ids), IN_CHUNK):
        query = select(BodyRow).where(BodyRow.id.in_(ids[start : start + IN_CHUNK])).order_by(BodyRow.id)
        kept |= {row.id: row for row in session.scalars(query.with_for_update() if lock else query)}
    new = []
    for body_id, body in unique.items():
        values = body_values(body)
        row = kept.get(body_id)
        if row is None:
            new.append({"id": body_id, "planned_at": planned_at, **values})
            continue
        for key, value in values.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
        if planned_at is not None:
            row.planned_at = planned_at
    insert_many(session, BodyRow, new)  # a new row is this transaction's alone until it commits
