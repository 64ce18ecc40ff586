"""The kept year: bodies, members, meetings, deadlines, items and an audit trail.

SQLite file by default (`govcal.db`, created on first use), PostgreSQL by URL
(`--database` or `GOVCAL_DATABASE_URL`). The schema is Alembic's (`govcal db
upgrade`); `open_store` brings a database up to date before use.

Re-planning is idempotent: `save_plan` upserts each planned occurrence by its id.
Unchanged rows are left alone; moved ones keep their id and get SEQUENCE + 1;
rows the new plan no longer has are marked cancelled, never deleted; and a row an
admin changed by hand is never overwritten: the clash is reported instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    insert,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column

from rules.errors import RuleError
from rules.model import Body
from scheduler.attendance import AttendanceLine, Member, Presence, record
from scheduler.occurrences import BodyPlan, Deadline, Item, Meeting, cycle_collector_paused
from scheduler.workdays import LONDON

if TYPE_CHECKING:  # alembic is imported only when migrating: CLI start-up stays quick
    from alembic.config import Config

DEFAULT_URL = "sqlite:///govcal.db"
ROLES = ("member", "chair", "vice-chair", "substitute", "clerk")
TOKEN_KINDS = ("admin", "feed")
UTC = dt.UTC


def database_url(explicit: str | None = None) -> str:
    """The database to use: the option, else GOVCAL_DATABASE_URL, else ./govcal.db."""
    return explicit or os.environ.get("GOVCAL_DATABASE_URL") or DEFAULT_URL


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class BodyRow(Base):
    """A body as last planned, with the rule file version it was planned from."""

    __tablename__ = "body"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    rules_file: Mapped[str] = mapped_column(String(500), default="")
    rules_version: Mapped[str] = mapped_column(String(64), default="")
    planned_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class MemberRow(Base):
    __tablename__ = "member"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), default="")


class MembershipRow(Base):
    """A member's place on a body: member, substitute (for someone), clerk or chair."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("member_id", "body_id", "role"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    body_id: Mapped[str] = mapped_column(ForeignKey("body.id"))
    role: Mapped[str] = mapped_column(String(20))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    substitute_for: Mapped[int | None] = mapped_column(ForeignKey("member.id"))


class OccurrenceColumns:
    """What meetings, deadlines and items share: identity, date, version, explanation."""

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Index, ...]:
        # Rows are read and re-planned a body's cycle at a time: one index serves that.
        return (Index(f"ix_{cls.__tablename__}_body_cycle", "body_id", "cycle"),)

    id: Mapped[str] = mapped_column(String(300), primary_key=True)
    body_id: Mapped[str] = mapped_column(ForeignKey("body.id"))
    cycle: Mapped[str] = mapped_column(String(10))
    date: Mapped[dt.date]
    status: Mapped[str] = mapped_column(String(20), default="planned")
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    planned_date: Mapped[dt.date | None]  # what the rules last gave, kept beside a manual change
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    explanation: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class MeetingRow(OccurrenceColumns, Base):
    __tablename__ = "meeting"
    start: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    end: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    title: Mapped[str] = mapped_column(String(300))
    location: Mapped[str] = mapped_column(String(300), default="")
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    tags: Mapped[list[Any]] = mapped_column(default=list)


class DeadlineRow(OccurrenceColumns, Base):
    __tablename__ = "deadline"
    meeting_id: Mapped[str | None] = mapped_column(String(300))
    rule: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    due: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    who: Mapped[list[Any]] = mapped_column(default=list)
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ItemRow(OccurrenceColumns, Base):
    __tablename__ = "item"
    meeting_id: Mapped[str | None] = mapped_column(String(300))
    rule: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))


class AuditRow(Base):
    """Who changed what, when: one row per change, never updated."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str] = mapped_column(String(300))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class AttendanceRow(Base):
    """One person at one meeting: a member, or a named substitute standing in for one."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meeting.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    for_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))


class ReminderRow(Base):
    """The outbox: one row per (deadline, reminder offset), keyed for exactly-once sending.

    Upserted on every re-plan; a worker claims due rows (a lease), sends, marks sent.
    """

    __tablename__ = "reminder"
    __table_args__ = (
        # One reminder per (deadline, offset): the idempotency key, and the index that
        # finds a deadline's reminders when re-planning.
        UniqueConstraint("deadline_id", "offset_key", name="uq_reminder_deadline_offset"),
        Index("ix_reminder_due", "status", "due_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    deadline_id: Mapped[str] = mapped_column(String(300))
    offset_key: Mapped[str] = mapped_column(String(100))  # "working-3at0900", "overdue"
    body_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))  # "reminder" or "overdue"
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending, sent, cancelled, superseded
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    last_error: Mapped[str] = mapped_column(Text, default="")

    @property
    def key(self) -> str:
        """The reminder's idempotency key, also its Message-ID: "{deadline id}#{offset}"."""
        return f"{self.deadline_id}#{self.offset_key}"


class AccessTokenRow(Base):
    """An admin API token or a member's private feed token, kept only as its SHA-256
    (the token itself is shown once). Revoked tokens stay, marked, for the record."""

    __tablename__ = "access_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))  # "admin" or "feed"
    holder: Mapped[str] = mapped_column(String(200), index=True)  # admin's name, or the member's
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


# -- engines and migrations ----------------------------------------------------------


def engine_for(url: str) -> Engine:
    """An engine; SQLite gets foreign keys, WAL, a busy timeout and write-locking transactions."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection: Any, _: Any) -> None:
            connection.isolation_level = None  # SQLAlchemy issues BEGIN itself, below
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection: Any) -> None:
            # Take the write lock up front: a reader that later writes would otherwise
            # fail at once with "database is locked" instead of waiting its turn.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True)


def alembic_config(url: str) -> Config:
    """Alembic's configuration for the migrations shipped in `scheduler/migrations`."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str) -> None:
    """Bring the database schema to the newest revision (creating it if new)."""
    from alembic import command

    command.upgrade(alembic_config(url), "head")


def open_store(url: str | None = None) -> Store:
    """A store on an up-to-date database."""
    resolved = database_url(url)
    upgrade(resolved)
    return Store(engine_for(resolved))


# -- re-planning ------------------------------------------------------------------------


@dataclass
class Changes:
    """What saving a plan did, row by row."""

    added: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # same day, other details (time, wording)
    cancelled: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.moved or self.updated or self.cancelled)

    def by_kind(self) -> dict[str, list[str]]:
        """The changed ids by kind of change (conflicts are not changes)."""
        return {"added": self.added, "moved": self.moved, "updated": self.updated, "cancelled": self.cancelled}

    def summary(self) -> str:
        counts = self.by_kind()
        return ", ".join(f"{len(ids)} {kind}" for kind, ids in counts.items()) + f", {len(self.conflicts)} conflicts"


def rules_version(path: str) -> str:
    """A digest of the rule file a body was read from: which version a plan came from."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def _detail(detail: dict[str, Any]) -> str:
    """An audit row's detail in words: the fields that were set."""
    return ", ".join(f"{key} {value}" for key, value in detail.items() if value not in (None, "", [], False))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(UTC)


class Store:
    """Reads and writes the kept year; each public method is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def save_plan(
        self,
        plans: Iterable[BodyPlan],
        actor: str = "govcal plan",
        advance: Callable[[int], object] | None = None,
    ) -> Changes:
        """Upsert planned cycles idempotently (see the module docstring).

        In bulk, so a whole country's plan is written in seconds: kept rows are read a
        chunk of bodies at a time, and new rows go in with one bulk insert per table.
        `advance`, if given, is called with the number of plans saved after each chunk.
        """
        changes = Changes()
        now = _now()
        plans = list(plans)
        with cycle_collector_paused(), self.session() as session, session.begin():
            self._record_bodies(session, [plan.body for plan in plans], now)
            for start in range(0, len(plans), PLAN_CHUNK):
                chunk = plans[start : start + PLAN_CHUNK]
                self._save_chunk(session, chunk, now, changes, with_meetings=True)
                if advance is not None:
                    advance(len(chunk))
            audit = [
                {"at": now, "actor": actor, "action": f"plan:{kind}", "target": target, "detail": {}}
                for kind, ids in changes.by_kind().items()
                for target in ids
            ]
            _insert_many(session, AuditRow, audit)
        return changes

    def sync_derived(
        self, session: Session, plan: BodyPlan, now: dt.datetime, changes: Changes | None = None
    ) -> Changes:
        """Upsert a cycle's deadlines and items, as derived from its meetings, and the
        reminders of those deadlines."""
        changes = changes if changes is not None else Changes()
        self._save_chunk(session, [plan], now, changes, with_meetings=False)
        return changes

    def record_body(self, session: Session, body: Body, lock: bool = False) -> BodyRow:
        """The body's row, created or brought up to date with its rule file; `lock` holds it
        (FOR UPDATE on PostgreSQL) so one editor changes a body at a time."""
        row = session.get(BodyRow, body.id, with_for_update=lock)
        if row is None:
            row = BodyRow(id=body.id)
            session.add(row)
        for key, value in _body_values(body, rules_version(body.source_file)).items():
            setattr(row, key, value)
        session.flush()
        return row

    def _record_bodies(self, session: Session, bodies: Sequence[Body], now: dt.datetime) -> None:
        """`record_body` for many bodies at once, each marked planned `now`."""
        unique = {body.id: body for body in bodies}
        kept = {row.id: row for row in _select_in(session, BodyRow, BodyRow.id, unique)}
        versions = {path: rules_version(path) for path in {body.source_file for body in unique.values()}}
        new = []
        for body_id, body in unique.items():
            values = _body_values(body, versions[body.source_file])
            row = kept.get(body_id)
            if row is None:
                new.append({"id": body_id, "planned_at": now, **values})
                continue
            for key, value in values.items():
                setattr(row, key, value)
            row.planned_at = now
        _insert_many(session, BodyRow, new)

    def _save_chunk(
        self, session: Session, plans: Sequence[BodyPlan], now: dt.datetime, changes: Changes, with_meetings: bool
    ) -> None:
        """Sync a chunk of planned cycles with what is kept, and their reminders."""
        # reminders.py builds on this module's tables, so it is imported here, not at the top
        from scheduler.reminders import DeadlineState
        from scheduler.reminders import sync as sync_reminders

        session.flush()  # the reads below must see this session's own edits
        synced: list[tuple[type[OccurrenceRow], str, Any]] = [
            (DeadlineRow, "deadlines", _deadline_values),
            (ItemRow, "items", _item_values),
        ]
        if with_meetings:
            synced.insert(0, (MeetingRow, "meetings", _meeting_values))
        kept = {table: _kept(session, table, plans) for table, _, _ in synced}
        reminders = _kept_reminders(session, [i for rows in kept[DeadlineRow].values() for i in rows])
        new: dict[type[Base], list[dict[str, Any]]] = {table: [] for table, _, _ in synced}
        new[ReminderRow] = []
        for plan in plans:
            key = (plan.body.id, plan.label)
            for table, attribute, values in synced:
                rows = kept[table].get(key, {})
                added = _sync(table, plan, getattr(plan, attribute), values, dict(rows), changes, now)
                new[table] += added
                if table is DeadlineRow:
                    fresh = {row["id"] for row in added}
                    states = [DeadlineState(r.id, r.rule, r.date, r.due, r.status) for r in rows.values()]
                    states += [
                        DeadlineState(d.id, d.rule, d.date, d.due, "planned") for d in plan.deadlines if d.id in fresh
                    ]
                    new[ReminderRow] += sync_reminders(plan.body, states, reminders)
        for table, rows in new.items():
            _insert_many(session, table, rows)

    # -- members and attendance ------------------------------------------------------

    def add_member(
        self, body: Body, name: str, role: str, organisation: str = "", email: str = "", actor: str = ""
    ) -> None:
        """Give `name` a role on a body (a person may hold several roles, on several bodies)."""
        if role not in ROLES:
            raise RuleError(f"'{role}' is not a role; expected one of {', '.join(ROLES)}")
        if not name.strip():
            raise RuleError("a member needs a name")
        with self.session() as session, session.begin():
            self.record_body(session, body)
            member = session.scalar(select(MemberRow).where(MemberRow.name == name.strip()))
            if member is None:
                member = MemberRow(name=name.strip(), email=email)
                session.add(member)
                session.flush()
            elif email:
                member.email = email
            held = session.scalar(
                select(MembershipRow).where(
                    MembershipRow.member_id == member.id, MembershipRow.body_id == body.id, MembershipRow.role == role
                )
            )
            if held is None:
                session.add(MembershipRow(member_id=member.id, body_id=body.id, role=role, organisation=organisation))
            elif organisation:
                held.organisation = organisation
            session.add(
                AuditRow(at=_now(), actor=actor, action="member:add", target=f"{body.id}/{name}", detail={"role": role})
            )

    def members(self, body_id: str) -> list[Member]:
        """The body's people with all their roles there, for quorum and attendance."""
        with self.session() as session:
            rows = session.execute(
                select(MemberRow.name, MembershipRow.role, MembershipRow.organisation)
                .join(MembershipRow, MembershipRow.member_id == MemberRow.id)
                .where(MembershipRow.body_id == body_id)
                .order_by(MemberRow.name)
            )
            roles: dict[str, set[str]] = {}
            organisations: dict[str, str] = {}
            for name, role, organisation in rows:
                roles.setdefault(name, set()).add(role)
                organisations[name] = organisations.get(name) or organisation
        return [Member(name, frozenset(held), organisations[name]) for name, held in roles.items()]

    def record_attendance(self, meeting_id: str, present: Iterable[Presence], actor: str = "") -> None:
        """Who was at a meeting (replacing any earlier record); everyone must be on the body."""
        with self.session() as session, session.begin():
            meeting = session.get(MeetingRow, meeting_id)
            if meeting is None:
                raise RuleError(f"no meeting '{meeting_id}' in the store")
            on_body = {
                name: member_id
                for name, member_id in session.execute(
                    select(MemberRow.name, MemberRow.id)
                    .join(MembershipRow, MembershipRow.member_id == MemberRow.id)
                    .where(MembershipRow.body_id == meeting.body_id)
                )
            }

            def member_id(name: str) -> int:
                if name not in on_body:
                    raise RuleError(f"'{name}' is not on {meeting.body_id}; add them with `govcal member add`")
                return on_body[name]

            rows = [
                AttendanceRow(
                    meeting_id=meeting_id,
                    member_id=member_id(p.name),
                    for_member_id=member_id(p.for_member) if p.for_member else None,
                )
                for p in present
            ]
            if len({row.member_id for row in rows}) != len(rows):
                raise RuleError("someone is listed twice")
            session.query(AttendanceRow).filter(AttendanceRow.meeting_id == meeting_id).delete()
            session.add_all(rows)
            detail = {
                "present": [p.name for p in present if not p.for_member],
                "substitutes": {p.name: p.for_member for p in present if p.for_member},
            }
            session.add(AuditRow(at=_now(), actor=actor, action="attendance:record", target=meeting_id, detail=detail))

    def attendance(self, meeting_id: str) -> list[Presence]:
        """Who was recorded at a meeting."""
        with self.session() as session:
            names = dict(session.execute(select(MemberRow.id, MemberRow.name)).all())
            rows = session.scalars(select(AttendanceRow).where(AttendanceRow.meeting_id == meeting_id))
            return [Presence(names[r.member_id], names[r.for_member_id] if r.for_member_id else None) for r in rows]

    def attendance_record(self, body_id: str, until: dt.date, cycle: str | None = None) -> list[AttendanceLine]:
        """Each member's attendance at the body's meetings held up to `until` (A11)."""
        held = [
            m
            for m in self.meetings([body_id])
            if m.status != "cancelled" and m.date <= until and (cycle is None or m.cycle == cycle)
        ]
        return record(self.members(body_id), {m.id: self.attendance(m.id) for m in held})

    # -- access tokens: admin API and private feeds -----------------------------------

    def create_token(self, kind: str, holder: str) -> str:
        """A new token; only its digest is kept, so show it now or never.

        A feed token's holder must be a member of some body (their private feed).
        """
        if kind not in TOKEN_KINDS:
            raise ValueError(f"token kind {kind!r}")
        token = secrets.token_urlsafe(32)
        with self.session() as session, session.begin():
            if kind == "feed" and session.scalar(select(MemberRow).where(MemberRow.name == holder)) is None:
                raise RuleError(f"no member '{holder}': add them to a body first (`govcal member add`)")
            session.add(AccessTokenRow(kind=kind, holder=holder, digest=_digest(token), created_at=_now()))
        return token

    def holder_of(self, kind: str, token: str) -> str | None:
        """Whose live token this is, or None for an unknown or revoked one (told apart by no one)."""
        with self.session() as session:
            row = session.scalar(
                select(AccessTokenRow).where(AccessTokenRow.kind == kind, AccessTokenRow.digest == _digest(token))
            )
            return row.holder if row is not None and row.revoked_at is None else None

    def revoke_tokens(self, kind: str, holder: str) -> int:
        """Revoke every live token of `holder`; how many were revoked."""
        with self.session() as session, session.begin():
            return self._revoke(session, kind, holder)

    def rotate_token(self, kind: str, holder: str) -> str:
        """Revoke `holder`'s tokens and issue a new one, in one transaction."""
        token = secrets.token_urlsafe(32)
        with self.session() as session, session.begin():
            if not self._revoke(session, kind, holder):
                raise RuleError(f"'{holder}' has no live {kind} token to rotate")
            session.add(AccessTokenRow(kind=kind, holder=holder, digest=_digest(token), created_at=_now()))
        return token

    def _revoke(self, session: Session, kind: str, holder: str) -> int:
        live = AccessTokenRow.revoked_at.is_(None)
        rows = list(
            session.scalars(
                select(AccessTokenRow).where(AccessTokenRow.kind == kind, AccessTokenRow.holder == holder, live)
            )
        )
        for row in rows:
            row.revoked_at = _now()
        return len(rows)

    def kept(self, occurrence_id: str) -> dict[str, Any] | None:
        """A kept meeting, deadline or item as it stands, with who changed it and when."""
        with self.session() as session:
            for table in (MeetingRow, DeadlineRow, ItemRow):
                row = session.get(table, occurrence_id)
                if row is not None:
                    audit = session.scalars(
                        select(AuditRow).where(AuditRow.target == occurrence_id).order_by(AuditRow.id)
                    )
                    history = [
                        f"{a.at:%Y-%m-%d %H:%M} {a.actor}: {a.action} {_detail(a.detail)}".rstrip() for a in audit
                    ]
                    return {
                        "date": row.date,
                        "status": row.status,
                        "sequence": row.sequence,
                        "manual": row.manual,
                        "explanation": row.explanation,
                        "history": history,
                    }
        return None

    # -- reading ------------------------------------------------------------------------

    def version(self) -> tuple[object, ...]:
        """Changes whenever anything a feed shows changes: the newest audit row and updates."""
        with self.session() as session:
            return (
                session.scalar(select(func.max(AuditRow.id))),
                session.scalar(select(func.max(MeetingRow.updated_at))),
                session.scalar(select(func.max(DeadlineRow.updated_at))),
            )

    def bodies_of(self, member: str, role: str | None = None) -> list[str]:
        """The bodies a person sits on (in any role, or in `role`)."""
        with self.session() as session:
            query = (
                select(MembershipRow.body_id)
                .join(MemberRow, MembershipRow.member_id == MemberRow.id)
                .where(MemberRow.name == member)
                .distinct()
            )
            if role is not None:
                query = query.where(MembershipRow.role == role)
            return sorted(session.scalars(query))

    def deadlines(self, body_ids: Collection[str] | None = None) -> list[DeadlineRow]:
        """Kept deadlines of the given bodies (None: of every body), in date order."""
        return self._of_bodies(DeadlineRow, body_ids)

    def mark_done(self, deadline_id: str, when: dt.datetime, actor: str = "") -> None:
        """A clerk marks a deadline done: its later reminders and overdue notice stop."""
        with self.session() as session, session.begin():
            row = session.get(DeadlineRow, deadline_id)
            if row is None:
                raise RuleError(f"no deadline '{deadline_id}' in the store")
            if row.done_at is None:
                row.done_at = when
                session.add(AuditRow(at=when, actor=actor, action="deadline:done", target=deadline_id, detail={}))

    def reminder_rows(self) -> list[ReminderRow]:
        """The whole outbox, soonest first."""
        with self.session() as session:
            return list(session.scalars(select(ReminderRow).order_by(ReminderRow.due_at, ReminderRow.id)))

    def meeting(self, meeting_id: str) -> MeetingRow | None:
        with self.session() as session:
            return session.get(MeetingRow, meeting_id)

    def meetings(self, body_ids: Collection[str] | None = None) -> list[MeetingRow]:
        """Kept meetings of the given bodies (None: of every body), in date order."""
        return self._of_bodies(MeetingRow, body_ids)

    def _of_bodies(self, table: type[Row], body_ids: Collection[str] | None) -> list[Row]:
        """A table's rows for some bodies (None: all), by date then id."""
        with self.session() as session:
            if body_ids is None:
                return list(session.scalars(select(table).order_by(table.date, table.id)))
            return sorted(_select_in(session, table, table.body_id, body_ids), key=attrgetter("date", "id"))

    def counts(self) -> dict[str, int]:
        """Rows per table, for `govcal plan --save` and the tests."""
        with self.session() as session:
            return {
                table.__tablename__: session.query(table).count()
                for table in (BodyRow, MeetingRow, DeadlineRow, ItemRow, ReminderRow, AuditRow)
            }


OccurrenceRow = MeetingRow | DeadlineRow | ItemRow
Row = TypeVar("Row", MeetingRow, DeadlineRow, ItemRow)
PLAN_CHUNK = 500  # bodies whose kept rows are read with one query per table


def _insert_many(session: Session, table: type[Base], rows: list[dict[str, Any]]) -> None:
    """INSERT rows (dicts with the same keys) in bulk: one driver executemany, or one COPY
    on PostgreSQL through psycopg.

    Values are converted by SQLAlchemy's own bind processors for the dialect, so they
    are stored exactly as an ORM insert stores them, but without its per-row statement
    machinery, which costs several times the database's own work for a bulk write.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    keys = list(rows[0])
    columns = table.__table__.c
    compiled = insert(table.__table__).compile(dialect=dialect, column_keys=keys)
    order = compiled.positiontup or keys
    values = []  # column by column: map() and zip() keep the per-row work in C
    for key in order:
        column = list(map(itemgetter(key), rows))
        convert = columns[key].type.dialect_impl(dialect).bind_processor(dialect)
        values.append(column if convert is None else _converted(column, convert))
    params: list[Any] = list(zip(*values, strict=True))
    if dialect.driver == "psycopg":  # PostgreSQL: COPY, twice executemany's rate for a country's plan
        names = ", ".join(dialect.identifier_preparer.quote(key) for key in order)
        with (
            connection.connection.cursor() as cursor,
            cursor.copy(f"COPY {table.__tablename__} ({names}) FROM STDIN") as copy,
        ):
            for row in params:
                copy.write_row(row)
        return
    if not compiled.positional:
        params = [dict(zip(order, row, strict=True)) for row in params]
    connection.exec_driver_sql(compiled.string, params)


def _converted(column: list[Any], convert: Callable[[Any], Any]) -> list[Any]:
    """`convert` applied to a column, once per distinct value where values are hashable
    (a bulk write repeats instants and names many times over)."""
    if column and isinstance(column[0], dt.datetime) and len(set(map(attrgetter("tzinfo"), column))) > 1:
        # Equal instants in different zones are equal keys, but a driver may store
        # their wall times: convert each one.
        return list(map(convert, column))
    try:
        distinct = {value: convert(value) for value in set(column)}
    except TypeError:  # lists and dicts (JSON columns): their repr is a faithful key
        keys = list(map(repr, column))
        by_repr = {key: convert(value) for key, value in dict(zip(keys, column, strict=True)).items()}
        return list(map(by_repr.__getitem__, keys))
    return list(map(distinct.__getitem__, column))


def _kept(
    session: Session, table: type[OccurrenceRow], plans: Sequence[BodyPlan]
) -> dict[tuple[str, str], dict[str, OccurrenceRow]]:
    """The kept rows of these plans' bodies and cycles, by (body, cycle), then by id."""
    bodies = {plan.body.id for plan in plans}
    cycles = {plan.label for plan in plans}
    wanted = {(plan.body.id, plan.label) for plan in plans}
    found: dict[tuple[str, str], dict[str, OccurrenceRow]] = {}
    query = select(table).where(table.body_id.in_(bodies), table.cycle.in_(cycles))
    for row in session.scalars(query):
        if (row.body_id, row.cycle) in wanted:
            found.setdefault((row.body_id, row.cycle), {})[row.id] = row
    return found


def _select_in(session: Session, table: type[Any], column: Any, values: Iterable[str]) -> Iterator[Any]:
    """Rows of `table` whose `column` is one of `values`: a chunk of values a query, so no
    IN list outgrows a driver's limit on bound parameters."""
    values = list(values)
    for start in range(0, len(values), PLAN_CHUNK):
        yield from session.scalars(select(table).where(column.in_(values[start : start + PLAN_CHUNK])))


def _body_values(body: Body, version: str) -> dict[str, str]:
    """A body row's columns from its rules."""
    return {"name": body.name, "rules_file": body.source_file, "rules_version": version}


def _kept_reminders(session: Session, deadline_ids: list[str]) -> dict[str, dict[str, ReminderRow]]:
    """The kept reminders of these deadlines, by deadline id, then by offset."""
    found: dict[str, dict[str, ReminderRow]] = {}
    for row in _select_in(session, ReminderRow, ReminderRow.deadline_id, deadline_ids):
        found.setdefault(row.deadline_id, {})[row.offset_key] = row
    return found


def _sync(
    table: type[OccurrenceRow],
    plan: BodyPlan,
    planned: Sequence[Meeting | Deadline | Item],
    values: Callable[[Any], dict[str, Any]],
    existing: dict[str, OccurrenceRow],
    changes: Changes,
    now: dt.datetime,
) -> list[dict[str, Any]]:
    """Bring one cycle's kept rows in line with the plan; the rows to insert, as dicts.

    Kept rows are updated in place (and `existing` emptied of them); what is left in
    `existing` is no longer planned and is cancelled, unless set by hand.
    """
    added = []
    fresh = {  # what every new row of this cycle has
        "body_id": plan.body.id,
        "cycle": plan.label,
        "status": "planned",
        "sequence": 0,
        "manual": False,
        "updated_at": now,
    }
    for occurrence in planned:
        new = values(occurrence)
        row = existing.pop(occurrence.id, None)
        if row is None:
            added.append(dict(new, id=occurrence.id, planned_date=occurrence.date, **fresh))
            changes.added.append(occurrence.id)
            continue
        if row.manual:
            if row.planned_date != occurrence.date and row.date != occurrence.date:
                changes.conflicts.append(
                    f"{occurrence.id}: the rules now give {occurrence.date}, but it was set by hand to {row.date}; kept"
                )
            row.planned_date = occurrence.date
            continue
        if row.explanation != new["explanation"]:
            row.explanation = new["explanation"]  # wording only: no new version (RFC 5545 SEQUENCE)
            row.updated_at = now
        if row.status == "cancelled" or any(_differs(getattr(row, key), value) for key, value in new.items()):
            moved = row.date != occurrence.date or row.status == "cancelled"
            for key, value in new.items():
                setattr(row, key, value)
            row.status = "planned"
            row.planned_date = occurrence.date
            row.sequence += 1
            row.updated_at = now
            (changes.moved if moved else changes.updated).append(occurrence.id)
    for row in existing.values():
        if row.status != "cancelled" and not row.manual:
            row.status = "cancelled"
            row.sequence += 1
            row.updated_at = now
            changes.cancelled.append(row.id)
    return added


def stored_instant(moment: dt.datetime) -> dt.datetime:
    """An instant read back from the store, in Europe/London: SQLite returns UTC without its zone."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(LONDON)


def _differs(old: Any, new: Any) -> bool:
    """Compare stored and planned values; instants compare as instants."""
    if isinstance(old, dt.datetime) and isinstance(new, dt.datetime):
        return stored_instant(old) != new
    return old != new


def _meeting_values(meeting: Meeting) -> dict[str, Any]:
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


def _deadline_values(deadline: Deadline) -> dict[str, Any]:
    return {
        "date": deadline.date,
        "due": deadline.due.astimezone(UTC),
        "meeting_id": deadline.meeting,
        "rule": deadline.rule,
        "name": deadline.name,
        "who": list(deadline.who),
        "explanation": deadline.explanation.short(),
    }


def _item_values(item: Item) -> dict[str, Any]:
    return {
        "date": item.date,
        "meeting_id": item.meeting,
        "rule": item.rule,
        "name": item.name,
        "explanation": item.explanation.short(),
    }
