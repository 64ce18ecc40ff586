"""The kept year's tables: bodies, people, meetings, deadlines, items, the outbox, tokens, audit.

The models are the schema the migrations build (a test compares the two on both
databases). Statuses and roles are stored as their words: `Status`, `Role` and the
outbox's own states are `StrEnum`s, equal to the stored strings. Every moment is an
`Instant`: read back aware and in Europe/London, whichever database kept it.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

from scheduler.occurrences import Status
from scheduler.reminders import EMAIL
from scheduler.reminders import Status as ReminderStatus
from scheduler.workdays import LONDON


class Instant(TypeDecorator[dt.datetime]):
    """A moment, stored in UTC (SQLite keeps no zone: a London time stored as its digits
    would read back an hour off in summer) and handed out aware, in Europe/London, so
    nothing above the store converts what it reads or writes."""

    impl = DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        return value.astimezone(dt.UTC) if value is not None and value.tzinfo is not None else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        return None if value is None else _in_london(value, value.fold)


@lru_cache(maxsize=1 << 16)
def _in_london(moment: dt.datetime, fold: int) -> dt.datetime:
    """A stored moment in London, each worked out once (a country's events share a few
    thousand). Keyed with its `fold` too: a database set to London time gives October's
    repeated hour twice, equal within the zone, an hour apart."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(LONDON)


class TokenKind(StrEnum):
    """What a token opens: the admin API, one member's private feed, an admin's view of
    the year planner page with every body on it (read only), or an admin's signed-in
    session on the admin pages (its cookie); and the key e-mails' action links are signed
    with (`LINKS`: the one row whose `digest` is a secret itself, never a token's digest)."""

    ADMIN = "admin"
    FEED = "feed"
    PAGE = "page"
    SESSION = "session"
    LINKS = "links"


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class BodyRow(Base):
    """A body as last planned, with the rule file version it was planned from."""

    __tablename__ = "body"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    rules_file: Mapped[str] = mapped_column(String(500), default="")
    rules_version: Mapped[str] = mapped_column(String(64), default="")
    planned_at: Mapped[dt.datetime | None] = mapped_column(Instant())


def _partial_unique(name: str, *columns: str, where: str) -> Index:
    """A unique index over the rows `where` holds (both databases take the same clause)."""
    return Index(name, *columns, unique=True, sqlite_where=text(where), postgresql_where=text(where))


class MemberRow(Base):
    """A person: their name (two people may share one), and their address, which is
    theirs alone where given (the key a reminder, a digest or a command finds them by)."""

    __tablename__ = "member"
    __table_args__ = (_partial_unique("uq_member_email", "email", where="email != ''"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), default="")
    digest_days: Mapped[int | None] = mapped_column(Integer)  # a morning digest of N working days, if asked for


class MembershipRow(Base):
    """A person's place on a body: member, substitute (for someone), clerk or chair, from
    the day it began until the day it ended (kept when it ends, with the attendance it
    explains). `began` is None for a place older than the record of when places began."""

    __tablename__ = "membership"
    __table_args__ = (_partial_unique("uq_membership_open", "member_id", "body_id", "role", where="ended IS NULL"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    body_id: Mapped[str] = mapped_column(ForeignKey("body.id"))
    role: Mapped[str] = mapped_column(String(20))  # scheduler.attendance.Role
    organisation: Mapped[str] = mapped_column(String(200), default="")
    substitute_for: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    began: Mapped[dt.date | None]
    ended: Mapped[dt.date | None]


class AddressRow(Base):
    """Where a member or a body is told by a channel other than e-mail (a member's e-mail is
    `MemberRow.email`): one address per channel each, with the payload's format the channel
    reads (a webhook's "slack" or "teams"). Exactly one of `member_id` and `body_id` is set."""

    __tablename__ = "address"
    __table_args__ = (
        UniqueConstraint("channel", "member_id", name="uq_address_channel_member"),
        UniqueConstraint("channel", "body_id", name="uq_address_channel_body"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(20))  # scheduler.reminders.Recipient.channel
    address: Mapped[str] = mapped_column(String(2000))
    format: Mapped[str] = mapped_column(String(20), default="")
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    body_id: Mapped[str | None] = mapped_column(ForeignKey("body.id"))


class OccurrenceColumns:
    """What meetings, deadlines and items share: identity, date, version, explanation."""

    if TYPE_CHECKING:
        __tablename__: str  # each table's own, set on the subclasses

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Index, ...]:
        # Rows are read and re-planned a body's cycle at a time: one index serves that.
        return (Index(f"ix_{cls.__tablename__}_body_cycle", "body_id", "cycle"),)

    id: Mapped[str] = mapped_column(String(300), primary_key=True)
    body_id: Mapped[str] = mapped_column(ForeignKey("body.id"))
    cycle: Mapped[str] = mapped_column(String(10))
    date: Mapped[dt.date]
    status: Mapped[str] = mapped_column(String(20), default=Status.PLANNED)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    planned_date: Mapped[dt.date | None]  # what the rules last gave, kept beside a manual change
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    explanation: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(Instant())


class MeetingRow(OccurrenceColumns, Base):
    __tablename__ = "meeting"
    start: Mapped[dt.datetime] = mapped_column(Instant())
    end: Mapped[dt.datetime] = mapped_column(Instant())
    title: Mapped[str] = mapped_column(String(300))
    location: Mapped[str] = mapped_column(String(300), default="")
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    tags: Mapped[list[Any]] = mapped_column(default=list)


class DeadlineRow(OccurrenceColumns, Base):
    __tablename__ = "deadline"
    meeting_id: Mapped[str | None] = mapped_column(String(300))  # the meeting it is for
    counted_from: Mapped[str | None] = mapped_column(String(300))  # the meeting its date is counted from
    rule: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    due: Mapped[dt.datetime] = mapped_column(Instant())
    who: Mapped[list[Any]] = mapped_column(default=list)
    done_at: Mapped[dt.datetime | None] = mapped_column(Instant())


class ItemRow(OccurrenceColumns, Base):
    __tablename__ = "item"
    meeting_id: Mapped[str | None] = mapped_column(String(300))
    rule: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))


class AuditRow(Base):
    """Who changed what, when: one row per change, never updated."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(Instant())
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str] = mapped_column(String(300))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class AttendanceRow(Base):
    """One person's mark at one meeting (`scheduler.attendance.State`): a member present,
    with apologies or absent, or a named substitute standing in for one."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meeting.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    for_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    state: Mapped[str] = mapped_column(String(12), default="present", server_default="present")


class MeetingLinkRow(Base):
    """One of a meeting's links, set by the clerk: its agenda, papers, minutes or video
    (`scheduler.occurrences.LINK_KINDS`), several of a kind where there are, in the order given."""

    __tablename__ = "meeting_link"
    __table_args__ = (UniqueConstraint("meeting_id", "kind", "url", name="uq_meeting_link"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meeting.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    url: Mapped[str] = mapped_column(String(2000))
    added_at: Mapped[dt.datetime] = mapped_column(Instant())


class ReminderRow(Base):
    """The outbox: one row per (deadline, reminder offset, channel), keyed for exactly-once sending.

    Upserted on every re-plan; a worker claims due rows (a lease), sends, marks sent.
    """

    __tablename__ = "reminder"
    __table_args__ = (
        # One reminder per (deadline, offset, channel): the idempotency key, and the index
        # that finds a deadline's reminders when re-planning.
        UniqueConstraint("deadline_id", "offset_key", "channel", name="uq_reminder_deadline_offset_channel"),
        Index("ix_reminder_due", "status", "due_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    deadline_id: Mapped[str] = mapped_column(String(300))
    offset_key: Mapped[str] = mapped_column(String(100))  # "working-3at0900", "overdue"
    channel: Mapped[str] = mapped_column(String(20), default=EMAIL, server_default=EMAIL)  # "email", "webhook"
    body_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))  # scheduler.reminders.Kind
    due_at: Mapped[dt.datetime] = mapped_column(Instant())
    status: Mapped[str] = mapped_column(String(12), default=ReminderStatus.PENDING)  # scheduler.reminders.Status
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(Instant())
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(Instant())
    sent_at: Mapped[dt.datetime | None] = mapped_column(Instant())
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # the recipients (digests of their addresses) a copy already reached on an attempt that
    # failed for others: a webhook per recipient, so a retry goes only to those it did not reach
    delivered: Mapped[list[Any] | None] = mapped_column()

    @property
    def key(self) -> str:
        """The reminder's idempotency key, also its Message-ID: "{deadline id}#{offset}" by
        e-mail (as it was before there were channels), "{deadline id}#{offset}#{channel}" by another."""
        key = f"{self.deadline_id}#{self.offset_key}"
        return key if self.channel == EMAIL else f"{key}#{self.channel}"


class AccessTokenRow(Base):
    """An admin API token or a member's private feed token, kept only as its SHA-256
    (the token itself is shown once). Revoked tokens stay, marked, for the record."""

    __tablename__ = "access_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))  # TokenKind
    holder: Mapped[str] = mapped_column(String(200), index=True)  # admin's name, or the member's
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(Instant())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(Instant())


class DigestRow(Base):
    """A clerk's morning digest for one day: claimed by one worker, then sent (or empty), once."""

    __tablename__ = "digest"
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(12))  # sending, sent, empty
    claimed_by: Mapped[str] = mapped_column(String(100))
    claimed_at: Mapped[dt.datetime] = mapped_column(Instant())
    sent_at: Mapped[dt.datetime | None] = mapped_column(Instant())
    deadlines: Mapped[int] = mapped_column(Integer, default=0)


class RuleVersionRow(Base):
    """One version of a body's rules: the rule file's text, the day it applies from, who
    published it, when and why. Never updated: a change is a new version."""

    __tablename__ = "rule_version"
    __table_args__ = (Index("ix_rule_version_body", "body_id", "applies_from"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    body_id: Mapped[str] = mapped_column(String(100))
    applies_from: Mapped[dt.date]
    text: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the text's UTF-8 bytes
    published_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[dt.datetime] = mapped_column(Instant())


class TermVersionRow(Base):
    """One version of a local authority's term calendar (its YAML or .ics text), by the name
    rule files give it (`terms: leeds`); the newest of a name is the one read."""

    __tablename__ = "term_version"
    __table_args__ = (Index("ix_term_version_name", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    format: Mapped[str] = mapped_column(String(10))  # yaml or ics
    text: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    published_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[dt.datetime] = mapped_column(Instant())
