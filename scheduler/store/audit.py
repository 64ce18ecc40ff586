"""The audit trail: who changed what, when, one row per change, never updated.

The operations layer says what each entry holds (`Audit`); the store writes it in
the same transaction as the change it records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.store.tables import AuditRow


@dataclass(frozen=True)
class Audit:
    """One entry: `action` is "<what>:<how>" ("meeting:move", "member:add")."""

    at: dt.datetime
    actor: str
    action: str
    target: str
    detail: dict[str, Any] = field(default_factory=dict)

    def row(self) -> AuditRow:
        return AuditRow(**asdict(self))


def history(session: Session, target: str) -> list[str]:
    """What was done to `target`, oldest first, one line each."""
    rows = session.scalars(select(AuditRow).where(AuditRow.target == target).order_by(AuditRow.id))
    return [f"{a.at:%Y-%m-%d %H:%M} {a.actor}: {a.action} {_detail(a.detail)}".rstrip() for a in rows]


def _detail(detail: dict[str, Any]) -> str:
    """An entry's detail in words: the fields that were set."""
    return ", ".join(f"{key} {value}" for key, value in detail.items() if value not in (None, "", [], False))
