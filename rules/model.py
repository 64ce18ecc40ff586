"""Typed, immutable rules: what a body's terms of reference say about its year.

Every rule carries a `Citation` of the clause it comes from, so any date planned
from it can say where the obligation is written. Nothing here knows a calendar:
`scheduler/` turns these values into dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum, StrEnum

from rules.offsets import Offset

# The nations whose bank holidays govcal knows, with the names people read; a body names
# one (England and Wales by default).
NATION_NAMES = {
    "england-and-wales": "England and Wales",
    "scotland": "Scotland",
    "northern-ireland": "Northern Ireland",
}
NATIONS = tuple(NATION_NAMES)
DEFAULT_NATION = "england-and-wales"

MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a rule is written: the seeds' id (F8), the document clause (8.1), its words,
    and what in the rule is local practice rather than the source's, with why (`local`)."""

    ref: str
    clause: str
    quote: str = ""
    local: str = ""

    def __str__(self) -> str:
        where = self.clause if self.clause == "local practice" else f"clause {self.clause}"
        return f"{self.ref}, {where}" if self.ref else where


@dataclass(frozen=True, slots=True)
class Closure:
    """Days an organisation is closed: one span, or the same span every year."""

    reason: str
    start: dt.date | None = None
    end: dt.date | None = None
    yearly: tuple[tuple[int, int], tuple[int, int]] | None = None  # ((month, day), (month, day))

    def covers(self, day: dt.date) -> bool:
        """Whether the organisation is closed on `day`."""
        if self.start and self.end:
            return self.start <= day <= self.end
        if self.yearly is None:  # neither dates nor a yearly span: closes no day
            return False
        (m1, d1), (m2, d2) = self.yearly
        if (m1, d1) <= (m2, d2):
            return (m1, d1) <= (day.month, day.day) <= (m2, d2)
        return (day.month, day.day) >= (m1, d1) or (day.month, day.day) <= (m2, d2)

    def days(self, years: Iterable[int]) -> Iterator[dt.date]:
        """Every closed day in the given years (a yearly span may run into the next year)."""
        if self.start and self.end:
            for ordinal in range(self.start.toordinal(), self.end.toordinal() + 1):
                yield dt.date.fromordinal(ordinal)
            return
        if self.yearly is None:
            return
        (m1, d1), (m2, d2) = self.yearly
        for year in years:
            first = dt.date(year, m1, d1)
            last = dt.date(year + (1 if (m2, d2) < (m1, d1) else 0), m2, d2)
            for ordinal in range(first.toordinal(), last.toordinal() + 1):
                yield dt.date.fromordinal(ordinal)


class Role(StrEnum):
    """A place someone holds on a body; a person may hold several, on several bodies."""

    MEMBER = "member"
    CHAIR = "chair"
    VICE_CHAIR = "vice-chair"
    SUBSTITUTE = "substitute"
    CLERK = "clerk"


ROLES = tuple(role.value for role in Role)  # the built-in roles, as rule files and commands write them


class Avoid(StrEnum):
    """What a body can ask to avoid, softly (`scheduler.preferences`)."""

    SCHOOL_HOLIDAYS = "school holidays"
    CLOSURES = "closures"


@dataclass(frozen=True, slots=True)
class Frequency:
    """How often a body meets, as read: the name of its kind (`rules.frequencies`, which says
    what the kind plans and demands), N in "every N months" / "N times a year" (or the
    periods' count the kind implies), the words, and the months the words name."""

    kind: str
    count: int
    phrase: str
    months: tuple[int, ...] = ()


class Per(StrEnum):
    """How often a report is due: once a quarter or once a year of the cycle."""

    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class Pattern:
    """A preferred day of the month: the `nth` `weekday` (nth -1 is "last")."""

    nth: int
    weekday: int  # 0 Monday .. 6 Sunday
    phrase: str


class Move(Enum):
    """What to do when the preferred day is not available; the default is to refuse."""

    ERROR = "error"
    NEXT_SAME_WEEKDAY = "next same weekday"
    PREVIOUS_SAME_WEEKDAY = "previous same weekday"
    NEXT_WORKING_DAY = "next working day"
    PREVIOUS_WORKING_DAY = "previous working day"


class Position(Enum):
    """Which month of a planning period the meeting goes in, when `months` is not given."""

    FIRST = "first"
    MIDDLE = "middle"
    LAST = "last"


@dataclass(frozen=True, slots=True)
class Relation:
    """A meeting set from another body's meetings: before, after, or following each."""

    body: str
    offset: Offset
    kind: str  # "before", "after", "following"
    window: Offset  # how far from the other meeting still counts, for the checker
    cite: Citation

    @property
    def reach(self) -> dt.timedelta:
        """The window as a span of days."""
        return dt.timedelta(days=abs(self.window.n))


@dataclass(frozen=True, slots=True)
class Meetings:
    """When and how a body meets."""

    cite: Citation
    frequency: Frequency | None
    pattern: Pattern | None
    months: tuple[int, ...]  # preferred month (1-12) of each period, in period order
    position: Position
    time: dt.time
    duration: dt.timedelta
    location: str
    public: bool
    avoid_school_holidays: bool
    if_unavailable: Move
    relations: tuple[Relation, ...] = ()
    tolerance: dt.timedelta = dt.timedelta(days=14)


@dataclass(frozen=True, slots=True)
class ReminderRule:
    """When a reminder goes out: an offset from the deadline's day, at a time of day."""

    offset: Offset
    time: dt.time
    # Stable across re-plans: part of the reminder's idempotency key (and its Message-ID).
    key: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", f"{self.offset.count.name.lower()}{self.offset.n:+d}at{self.time:%H%M}")


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """Something due around each meeting: papers before, minutes after."""

    id: str
    name: str
    offset: Offset
    time: dt.time
    anchor: str  # "meeting" or the id of another deadline of the same body
    who: tuple[str, ...]
    only_for: str | None  # a meeting tag ("constitution-change"); None: every meeting
    cite: Citation
    reminders: tuple[ReminderRule, ...] = ()
    overdue: bool = True  # a notice the next working day at 09:00 if not marked done


@dataclass(frozen=True, slots=True)
class ItemRule:
    """An annual or periodic item: a review, an election, a report.

    Exactly one of `at` (a meeting: "first", "last", or "first in <month>") or
    `by` (a (month, day) each cycle year) or `once` (a single date) is set.
    """

    id: str
    name: str
    cite: Citation
    at: str | None = None
    at_month: int | None = None
    by: tuple[int, int] | None = None
    once: dt.date | None = None
    first_within: Offset | None = None  # after the body's establishment (A12)
    papers: Offset | None = None  # the item's report due this long before its meeting
    who: tuple[str, ...] = ("clerk",)  # who its papers deadline is for: the clerk, and its owner


@dataclass(frozen=True, slots=True)
class ReportRule:
    """A body reporting to another at that body's meetings ("quarterly to the JCB").

    A report reflects a meeting of the reporting body: one must be held in the `within`
    before the report is due, and the planner places the body's meetings so (where the
    rules leave room).
    """

    to: str
    per: Per
    offset: Offset
    time: dt.time
    cite: Citation
    within: dt.timedelta = dt.timedelta(weeks=6)
    who: tuple[str, ...] = ("clerk",)  # the clerk, and the report's owner where the rule names one

    @property
    def id(self) -> str:
        """The rule's id, as its deadlines name it."""
        return f"report-{self.to}"


@dataclass(frozen=True, slots=True)
class ExtraordinaryRule:
    """Who may call an extraordinary meeting and within what window (E1-E3)."""

    cite: Citation
    chair_may_call: bool
    seconder_required: bool
    window: Offset
    notice: str  # the deadline id whose offset is the paper notice
    # An extraordinary meeting deals only with the business it was called for: "at the next
    # meeting" passes over it, unless the terms of reference let it take ordinary business.
    takes_ordinary_business: bool = False


@dataclass(frozen=True, slots=True)
class Quorum:
    """How many must be present for a meeting to be quorate."""

    cite: Citation
    min_present: int = 0
    fraction: float = 0.0  # of the membership
    requires: tuple[str, ...] = ()  # roles, each "chair" or "chair or vice-chair"
    others: int = 0  # members present besides those required
    min_organisations: int = 0
    organisations: tuple[str, ...] = ()  # at least one member from each
    substitutes_count: bool = True
    in_person: tuple[str, ...] = ()  # roles that must attend themselves, not by substitute ("chair or vice-chair")
    warn_before: int = 5  # working days before a meeting forecast inquorate that its clerk is told


@dataclass(frozen=True, slots=True)
class Attendance:
    """Absences after which a member's attendance is followed up (A7)."""

    cite: Citation
    follow_up_after: int


@dataclass(frozen=True, slots=True)
class Notice:
    """A notice period that starts on request, not on a meeting (A5)."""

    id: str
    name: str
    period: Offset
    cite: Citation


@dataclass(frozen=True, slots=True)
class Body:
    """One governance body and every rule of its terms of reference."""

    id: str
    name: str
    document: str
    nation: str
    cycle_start: int  # month 1-12
    meetings: Meetings
    deadlines: tuple[DeadlineRule, ...] = ()
    items: tuple[ItemRule, ...] = ()
    reports: tuple[ReportRule, ...] = ()
    extraordinary: ExtraordinaryRule | None = None
    quorum: Quorum | None = None
    attendance: Attendance | None = None
    notices: tuple[Notice, ...] = ()
    closures: tuple[Closure, ...] = ()
    terms: str | None = None  # a term calendar id or path
    established: dt.date | None = None
    short_name: str = ""  # what members call it ("Worcestershire JCB"): calendars' event titles
    avoid: tuple[Avoid, ...] = ()  # soft preferences (scheduler.preferences)
    roles: tuple[tuple[str, str], ...] = ()  # the body's own roles beyond the built-in ones: (id, name)
    source_file: str = field(default="", compare=False)
    # SHA-256 of the rule file as read: which version of the rules a kept plan came from.
    digest: str = field(default="", compare=False)

    @property
    def called(self) -> str:
        """The name members know it by: its short name where the rules give one, else its name."""
        return self.short_name or self.name

    @property
    def role_ids(self) -> tuple[str, ...]:
        """Every role someone can hold on this body: the built-in ones, then those its rules declare."""
        return (*ROLES, *(role_id for role_id, _ in self.roles))

    @property
    def depends_on(self) -> tuple[str, ...]:
        """Bodies whose meetings must be planned before this one's."""
        names = [relation.body for relation in self.meetings.relations]
        names += [report.to for report in self.reports]
        return tuple(dict.fromkeys(names))

    def citations(self) -> Iterator[Citation]:
        """Every clause this body's rules cite."""
        yield self.meetings.cite
        for relation in self.meetings.relations:
            yield relation.cite
        for group in (self.deadlines, self.items, self.reports, self.notices):
            for rule in group:
                yield rule.cite
        for optional in (self.extraordinary, self.quorum, self.attendance):
            if optional is not None:
                yield optional.cite
