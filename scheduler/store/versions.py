"""Bodies' rules and term calendars kept as versions: read, published, and a stamp that
changes whenever either does (so each instance sharing the database reads them again).

A version is never changed: publishing one adds a row, with who published it, when and
why, and (for rules) the day it applies from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from scheduler.store.audit import Audit
from scheduler.store.database import Database
from scheduler.store.tables import BodyRow, RuleVersionRow, TermVersionRow


@dataclass(frozen=True)
class RuleVersion:
    """A kept version of a body's rules."""

    id: int
    body_id: str
    applies_from: dt.date
    text: str
    published_by: str
    reason: str
    published_at: dt.datetime

    @property
    def label(self) -> str:
        """How `explain` and the re-plan's diff name it."""
        return f"version {self.id} of {self.body_id}, applying from {self.applies_from:%a %d %b %Y}"


@dataclass(frozen=True)
class TermVersion:
    """A kept version of a term calendar, by the name rule files give it."""

    id: int
    name: str
    format: str  # yaml or ics
    text: str
    published_by: str
    published_at: dt.datetime


@dataclass(frozen=True)
class NewRules:
    """A body's rule file text to publish, applying from a day."""

    body_id: str
    text: str
    applies_from: dt.date


def digest(text_: str) -> str:
    return hashlib.sha256(text_.encode("utf-8")).hexdigest()


def publish_rules(
    session: Session, versions: Sequence[NewRules], *, actor: str, reason: str, now: dt.datetime
) -> list[RuleVersion]:
    """Keep new versions of bodies' rules, each with its audit entry, in the caller's transaction."""
    rows = [
        RuleVersionRow(
            body_id=each.body_id,
            applies_from=each.applies_from,
            text=each.text,
            digest=digest(each.text),
            published_by=actor,
            reason=reason,
            published_at=now,
        )
        for each in versions
    ]
    session.add_all(rows)
    session.flush()
    for row in rows:
        detail = {"version": row.id, "applies from": row.applies_from.isoformat(), "reason": reason}
        session.add(Audit(now, actor, "rules:publish", row.body_id, detail).row())
    return [_rule_version(row) for row in rows]


def publish_terms(
    session: Session, calendars: Sequence[tuple[str, str, str]], *, actor: str, reason: str, now: dt.datetime
) -> None:
    """Keep new versions of term calendars, each (name, format, text), with an audit entry each."""
    for name, kind, body in calendars:
        session.add(
            TermVersionRow(
                name=name,
                format=kind,
                text=body,
                digest=digest(body),
                published_by=actor,
                reason=reason,
                published_at=now,
            )
        )
        session.add(Audit(now, actor, "terms:publish", f"terms:{name}", {"reason": reason}).row())


def _rule_version(row: RuleVersionRow) -> RuleVersion:
    return RuleVersion(row.id, row.body_id, row.applies_from, row.text, row.published_by, row.reason, row.published_at)


def hold_versions(session: Session) -> None:
    """Take the versions' table for this transaction (PostgreSQL; SQLite's BEGIN IMMEDIATE
    holds the whole database), so two instances seeding an empty database take turns."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE rule_version IN SHARE ROW EXCLUSIVE MODE"))


class VersionStore(Database):
    """Reading the kept versions of rules and term calendars."""

    def rule_versions(self, body_id: str | None = None) -> list[RuleVersion]:
        """Every kept version of every body's rules (or one body's), oldest first."""
        query = select(RuleVersionRow).order_by(RuleVersionRow.id)
        if body_id is not None:
            query = query.where(RuleVersionRow.body_id == body_id)
        with self.session() as session:
            return [_rule_version(row) for row in session.scalars(query)]

    def term_versions(self) -> list[TermVersion]:
        """The newest kept version of each term calendar, by name."""
        newest = select(func.max(TermVersionRow.id)).group_by(TermVersionRow.name)
        query = select(TermVersionRow).where(TermVersionRow.id.in_(newest)).order_by(TermVersionRow.name)
        with self.session() as session:
            return [
                TermVersion(row.id, row.name, row.format, row.text, row.published_by, row.published_at)
                for row in session.scalars(query)
            ]

    def publish(
        self,
        rules: Sequence[NewRules],
        terms: Sequence[tuple[str, str, str]] = (),
        *,
        actor: str,
        reason: str,
        now: dt.datetime,
        only_if_empty: bool = False,
    ) -> list[RuleVersion]:
        """Keep versions of rules and term calendars in one transaction; with `only_if_empty`
        (the seeds on first use), nothing if any rules are kept already."""
        with self.session() as session, session.begin():
            hold_versions(session)
            if only_if_empty and session.scalar(select(func.count()).select_from(RuleVersionRow)):
                return []
            publish_terms(session, terms, actor=actor, reason=reason, now=now)
            return publish_rules(session, rules, actor=actor, reason=reason, now=now)

    def unversioned_bodies(self) -> list[str]:
        """The bodies with a kept year and no kept rules: planned from rule files before rules
        were kept in the database."""
        with self.session() as session:
            versioned = select(RuleVersionRow.body_id)
            return list(session.scalars(select(BodyRow.id).where(BodyRow.id.not_in(versioned)).order_by(BodyRow.id)))

    def rules_stamp(self) -> tuple[object, ...]:
        """Changes whenever a version of rules or of a term calendar is published."""
        with self.session() as session:
            return (
                session.scalar(select(func.max(RuleVersionRow.id))),
                session.scalar(select(func.max(TermVersionRow.id))),
            )
