"""Which reminders a deadline gets, and what becomes of one when its moment comes.

Each deadline has reminder offsets (default: 3 working days before and on the day,
at 09:00; set per deadline in the rule file) and, unless its rule says not, an
overdue notice the next working day at 09:00. `reminders` computes their instants,
the one source for both e-mails (the outbox) and the alarms in a clerk's feed, so
the two always agree. `outcome` decides, for a reminder whose time has come, whether
it is sent, no longer needed, or replaced by the overdue notice (`unsent`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from rules.loader import DEFAULT_REMINDERS, ID
from rules.model import Body, DeadlineRule, ReminderRule, Role
from scheduler.attendance import VOTING_ROLES
from scheduler.workdays import WorkingCalendar, at_time, body_calendar, london_day

OVERDUE_TIME = dt.time(9, 0)
OVERDUE_KEY = "overdue"
LATE_AFTER = dt.timedelta(minutes=10)  # sent this long after its time, a reminder is marked late


class Kind(StrEnum):
    """A reminder before the deadline, or the notice that it has passed; or a meeting's
    quorum alert, which goes by the same outbox."""

    REMINDER = "reminder"
    OVERDUE = "overdue"
    QUORUM = "quorum"  # a meeting forecast inquorate: its clerks' one alert (`govcal.operations.attendance`)


class NoticeKind(StrEnum):
    """A notice of a meeting to each of its body's members, kept in the outbox beside the
    reminders (its row keyed by the meeting and the member) and sent once each: the notice
    of the meeting (the summons, when its papers go out) or of its cancellation."""

    SUMMONS = "summons"
    CANCELLATION = "cancelled"


NOTICE_KINDS = frozenset(NoticeKind)


class Status(StrEnum):
    """A reminder's state in the outbox: waiting, sent, or not to be sent, and why."""

    PENDING = "pending"
    SENT = "sent"
    CANCELLED = "cancelled"  # the deadline is done or no longer planned
    SUPERSEDED = "superseded"  # the deadline has passed: the overdue notice goes instead
    SKIPPED = "skipped"  # its moment had passed when govcal learnt of it: never sent
    NO_RECIPIENT = "no recipient"  # no one held the role with an address when it fell due
    REFUSED = "refused"  # the channel refused it for good (a webhook's 4xx): not tried again


EMAIL = "email"  # the channel every body's reminders go by; others (a webhook) where someone has an address


class Recipient(NamedTuple):
    """Someone told of a reminder by one channel: who ("" for a body's own address, such as
    its Teams channel), the channel's name, the address, and the payload's format where the
    channel has several (a webhook's "slack" or "teams")."""

    person: str
    channel: str
    address: str
    format: str = ""

    @property
    def digest(self) -> str:
        """What the outbox keeps of a recipient a copy reached (`ReminderRow.delivered`): not the address itself."""
        return hashlib.sha256(self.address.encode()).hexdigest()[:16]

    @property
    def shown(self) -> str:
        """How a list shows it: an e-mail address as it is; another (a webhook's URL, the
        secret that lets anyone post) by whose it is and its format."""
        if self.channel == EMAIL:
            return self.address
        return f"{self.person or 'the body'} ({self.format or self.channel})"


class Planned(NamedTuple):
    """A reminder the rules call for: its offset ("working-3at0900", "overdue"), kind and
    instant (in UTC). With its deadline's id and a channel, the offset is its idempotency key."""

    offset_key: str
    kind: Kind
    due_at: dt.datetime


class BodyReminders:
    """The reminders of one body's deadlines, by the id of the rule each was planned from:
    what the outbox keeps and the clerk's feed alarms at, from the same call."""

    def __init__(self, body: Body) -> None:
        self.rules = {rule.id: rule for rule in body.deadlines}
        self.calendar = body_calendar(body)

    def __call__(self, rule_id: str, day: dt.date, due: dt.datetime) -> tuple[Planned, ...]:
        return reminders(self.calendar, self.rules.get(rule_id), day, due)


def reminders(
    calendar: WorkingCalendar, rule: DeadlineRule | None, day: dt.date, due: dt.datetime
) -> tuple[Planned, ...]:
    """The reminders of a deadline due `day` at `due`, from its rule (None: the defaults,
    for items' papers and reports, which have no rule of their own)."""
    offsets = rule.reminders if rule is not None else DEFAULT_REMINDERS
    overdue = rule is None or rule.overdue
    return _reminders(calendar, offsets, overdue, day, due.astimezone(dt.UTC))


@lru_cache(maxsize=65536)
def _reminders(
    calendar: WorkingCalendar, offsets: tuple[ReminderRule, ...], overdue: bool, day: dt.date, due: dt.datetime
) -> tuple[Planned, ...]:
    """Pure, so memoised: many bodies' deadlines share a day, a calendar and their offsets.

    A reminder never comes after the deadline itself (one "on the day at 09:00" for
    papers due at 08:30 comes at 08:30); the overdue notice never before it.
    """
    found = []
    for reminder in offsets:
        moment = at_time(calendar.shift(day, reminder.offset), reminder.time)
        found.append(Planned(reminder.key, Kind.REMINDER, min(moment, due).astimezone(dt.UTC)))
    if overdue:
        late = at_time(calendar.working_days_after(day, 1), OVERDUE_TIME)
        found.append(Planned(OVERDUE_KEY, Kind.OVERDUE, max(late, due).astimezone(dt.UTC)))
    return tuple(found)


def alarms(planned: Iterable[Planned]) -> tuple[dt.datetime, ...]:
    """The instants a calendar should alarm at: the reminders before the deadline (the
    overdue notice is an e-mail only, since an alarm after the event helps no one)."""
    return tuple(p.due_at for p in planned if p.kind is Kind.REMINDER)


def first_status(due_at: dt.datetime, now: dt.datetime) -> Status:
    """A reminder govcal learns of at `now`: pending, or skipped if its moment has passed
    (a first plan mid-year, a deadline added or moved into the past): never sent late."""
    return Status.PENDING if due_at > now else Status.SKIPPED


def unsent(kind: str, now: dt.datetime, due: dt.datetime, *, done: bool, cancelled: bool) -> Status | None:
    """Why a reminder of `kind` whose moment has come is not sent at `now` (its deadline due
    at `due`), as the state it ends in; None when it is to be sent."""
    if done or cancelled:
        return Status.CANCELLED
    if kind == Kind.REMINDER and now > due:
        return Status.SUPERSEDED
    return None


def is_late(now: dt.datetime, due_at: dt.datetime) -> bool:
    """Sent so long after its moment that the message should say so."""
    return now - due_at > LATE_AFTER


def named_roles(who: Iterable[str]) -> frozenset[str]:
    """The roles on a body a rule's `who` names: its voting members where it names members or
    report authors, and its owner (a role on the body)."""
    named = set(who)
    roles = {each for each in named if ID.match(each)} - {"members"}
    if named & {"members", "report authors"}:
        roles |= {role.value for role in VOTING_ROLES}
    return frozenset(roles)


def recipient_roles(who: Iterable[str]) -> frozenset[str]:
    """Who is told of a deadline: the body's clerks, and the roles the rule names."""
    return named_roles(who) | {Role.CLERK.value}


# A clerk's morning digest: one message each working day, before the 09:00 reminders.
DIGEST_TIME = dt.time(8, 0)
DIGEST_OVERDUE_FOR = dt.timedelta(days=28)  # overdue deadlines older than this are history, not news


class DigestWindow(NamedTuple):
    """What a digest sent at a moment covers: open deadlines due from `now` to the end of
    `last` (the Nth working day, today counted), and those overdue since `overdue_since`."""

    day: dt.date
    now: dt.datetime
    last: dt.date
    overdue_since: dt.datetime

    def due(self, due: dt.datetime) -> bool:
        return self.now <= due and london_day(due) <= self.last

    def overdue(self, due: dt.datetime) -> bool:
        return self.overdue_since <= due < self.now


def digest_window(calendars: Iterable[WorkingCalendar], now: dt.datetime, days: int) -> DigestWindow | None:
    """The window of a digest of `days` working days at `now`, or None when none goes: not
    yet 08:00 in London, or a day that is a working day for none of the clerk's bodies."""
    day = london_day(now)
    working = [c for c in calendars if c.is_working_day(day)]
    if not working or now < at_time(day, DIGEST_TIME):
        return None
    last = max(c.working_days_after(day, days - 1) if days > 1 else day for c in working)
    return DigestWindow(day, now, last, now - DIGEST_OVERDUE_FOR)
