"""Body rows: each body as last planned, and the version of its rule file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from rules.model import Body
from scheduler.store.bulk import insert_many, select_in
from scheduler.store.tables import BodyRow


def body_values(body: Body) -> dict[str, str]:
    """A body row's columns from its rules."""
    return {"name": body.name, "rules_file": body.source_file, "rules_version": body.digest}


def record_body(session: Session, body: Body, lock: bool = False) -> BodyRow:
    """The body's row, created or brought up to date with its rule file; `lock` holds it
    (FOR UPDATE on PostgreSQL) so one editor changes a body at a time."""
    row = session.get(BodyRow, body.id, with_for_update=lock)
    if row is None:
        row = BodyRow(id=body.id)
        session.add(row)
    for key, value in body_values(body).items():
        setattr(row, key, value)
    session.flush()
    return row


def record_bodies(session: Session, bodies: Sequence[Body], now: dt.datetime) -> None:
    """`record_body` for many bodies at once, each marked planned `now`."""
    unique = {body.id: body for body in bodies}
    kept = {row.id: row for row in select_in(session, BodyRow, BodyRow.id, unique)}
    new = []
    for body_id, body in unique.items():
        values = body_values(body)
        row = kept.get(body_id)
        if row is None:
            new.append({"id": body_id, "planned_at": now, **values})
            continue
        for key, value in values.items():
            setattr(row, key, value)
        row.planned_at = now
    insert_many(session, BodyRow, new)
