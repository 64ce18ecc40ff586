"""What planning produces: meetings, deadlines and items, each with its explanation and status."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from rules.errors import RuleError
from rules.model import Body, Citation
from scheduler.workdays import NonWorkingDay, at_time, day_text

WEEKEND = ("Saturday", "Sunday")


class Status(StrEnum):
    """Where an occurrence stands: as the rules planned it, or as an admin changed it.

    Deadlines and items are only ever planned or cancelled; the other states are a
    meeting's, each set by one kind of edit.
    """

    PLANNED = "planned"
    MOVED = "moved"
    ADDED = "added"
    FIXED = "fixed"
    EXTRAORDINARY = "extraordinary"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Problem:
    """What the rules could not place, in words, with the clause it comes from: said as one
    line ("... (F8, clause 8.1)"), and given as data by `as_dict`."""

    message: str
    cite: Citation | None = None

    def __str__(self) -> str:
        return f"{self.message} ({self.cite})" if self.cite is not None else self.message

    def as_dict(self) -> dict[str, str | None]:
        return {
            "message": self.message,
            "ref": self.cite.ref if self.cite is not None else None,
            "clause": self.cite.clause if self.cite is not None else None,
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a date is what it is: the rule, its clause, the anchor, every adjustment."""

    rule: str
    cite: Citation
    anchor: str = ""
    steps: tuple[str, ...] = ()
    skipped: tuple[NonWorkingDay, ...] = ()
    kept: bool = False  # read back from the store: `rule` holds the short form already written

    def short(self) -> str:
        """One line for a feed DESCRIPTION or a table cell."""
        if self.kept:
            return self.rule
        parts = [f"{self.rule} ({self.cite})"]
        if self.anchor:
            parts.append(self.anchor)
        named = [f"{day_text(day.date, '%d %b')} {day.reason}" for day in self.skipped if day.reason not in WEEKEND]
        if named:
            parts.append("skipped " + ", ".join(named))
        parts += self.steps
        return "; ".join(parts)

    def lines(self) -> list[str]:
        """The full explanation, one fact a line, for `govcal explain`."""
        lines = [f"rule: {self.rule}", f"source: {self.cite}"]
        if self.cite.quote:
            lines.append(f'  "{self.cite.quote}"')
        if self.cite.local:
            lines.append(f"  local practice: {self.cite.local}")
        if self.anchor:
            lines.append(f"anchor: {self.anchor}")
        lines += [f"adjusted: {step}" for step in self.steps]
        lines += [f"skipped: {day}" for day in self.skipped]
        return lines


@dataclass(frozen=True, slots=True)
class Meeting:
    """One meeting of a body; `id` is stable across re-planning of the same period."""

    id: str
    body: str
    date: dt.date
    start: dt.datetime
    end: dt.datetime
    title: str
    location: str
    public: bool
    explanation: Explanation
    status: Status = Status.PLANNED
    tags: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return self.status != Status.CANCELLED


def meeting_on(
    body: Body,
    meeting_id: str,
    day: dt.date,
    why: Explanation,
    *,
    time: dt.time | None = None,
    status: Status = Status.PLANNED,
    tags: tuple[str, ...] = (),
) -> Meeting:
    """A meeting of `body` on `day`, at its usual time (or `time`), for its usual length."""
    start = at_time(day, time or body.meetings.time)
    return Meeting(
        id=meeting_id,
        body=body.id,
        date=day,
        start=start,
        end=start + body.meetings.duration,
        title=body.name,
        location=body.meetings.location,
        public=body.meetings.public,
        explanation=why,
        status=status,
        tags=tags,
    )


@dataclass(frozen=True, slots=True)
class Deadline:
    """Something due for a meeting (papers, minutes) or for an item or report."""

    id: str
    body: str
    rule: str
    name: str
    date: dt.date
    due: dt.datetime
    who: tuple[str, ...]
    meeting: str | None  # the meeting it is for
    explanation: Explanation
    counted_from: str | None = None  # the meeting its date is counted from (the next one, for minutes)


@dataclass(frozen=True, slots=True)
class Item:
    """An annual or periodic item: a review, an election, a report."""

    id: str
    body: str
    rule: str
    name: str
    date: dt.date
    meeting: str | None
    explanation: Explanation


@dataclass
class BodyPlan:
    """One body's cycle year: its meetings, deadlines, items, and any problems found.

    `meetings` are the cycle's meetings as they stand (the rules' plan with every kept
    change laid over it, `scheduler.overlay`), what everything else derives from;
    `planned` are the meetings as the rules alone give them, what re-planning compares
    the kept ones with.
    """

    body: Body
    year: int
    label: str
    first: dt.date
    last: dt.date
    meetings: list[Meeting] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    planned: list[Meeting] = field(default_factory=list)

    def occurrences(self) -> list[Meeting | Deadline | Item]:
        """Everything in the cycle, in date order."""
        return sorted([*self.meetings, *self.deadlines, *self.items], key=lambda o: (o.date, o.id))


class OccurrenceId(NamedTuple):
    """A date's id, read into its parts: "BODY/CYCLE/NAME" names a meeting, an item or a
    report ("worcestershire-jcb/2026-27/meeting-05"), and "BODY/CYCLE/NAME/RULE" what hangs
    on a meeting or an item (".../meeting-05/papers"). Ids are built (`numbered`, `hanging`)
    and read (`parse`) here only; everywhere else they are opaque strings."""

    body: str
    cycle: str
    name: str
    rule: str = ""

    def __str__(self) -> str:
        return "/".join(self) if self.rule else f"{self.body}/{self.cycle}/{self.name}"

    @property
    def year(self) -> int:
        """The cycle year, by the calendar year it starts in."""
        return int(self.cycle[:4])

    @property
    def in_cycle(self) -> str:
        """The id within its body's cycle, as the plan's tables show it: "meeting-05/papers"."""
        return f"{self.name}/{self.rule}" if self.rule else self.name

    @property
    def kind(self) -> str:
        """What the name numbers: "meeting", "added", "extraordinary", "before", "after"."""
        return self.name.rpartition("-")[0] or self.name

    @property
    def number(self) -> int:
        """Which of its kind it is: 5 for "meeting-05" (0 where the name has no number)."""
        tail = self.name.rpartition("-")[2]
        return int(tail) if tail.isdigit() else 0

    @classmethod
    def parse(cls, text: str) -> OccurrenceId:
        """The parts of an id, or a `RuleError` saying what ids look like."""
        parts = text.split("/")
        if not 3 <= len(parts) <= 4 or not all(parts) or not (parts[1][:4].isascii() and parts[1][:4].isdigit()):
            raise RuleError(
                f"'{text}' is not a date's id; ids look like 'worcestershire-jcb/2026-27/meeting-05'"
                " (see `govcal plan --json`)"
            )
        return cls(*parts)

    @staticmethod
    def body_of(text: str) -> str:
        """The body an id names, without reading the rest (ids it did not make included)."""
        return text.partition("/")[0]


def numbered(body_id: str, label: str, kind: str, n: int, digits: int = 2) -> str:
    """The id of a cycle's `n`th meeting of a kind, "BODY/2026-27/meeting-05", or with
    `digits=1` its `n`th report under a rule, "BODY/2026-27/report-jcb-2"."""
    return f"{body_id}/{label}/{kind}-{n:0{digits}d}"


def hanging(on: str, rule_id: str) -> str:
    """The id of what a rule hangs on an occurrence, or on a cycle: ".../meeting-05/papers"."""
    return f"{on}/{rule_id}"


def cycle_label(cycle_start: int, year: int) -> str:
    """ "2026" for a calendar-year cycle, "2026-27" for one starting later in 2026."""
    return str(year) if cycle_start == 1 else f"{year}-{(year + 1) % 100:02d}"


def cycle_bounds(cycle_start: int, year: int) -> tuple[dt.date, dt.date]:
    """First and last day of the cycle year starting in month `cycle_start` of `year`."""
    first = dt.date(year, cycle_start, 1)
    return first, dt.date(year + 1, cycle_start, 1) - dt.timedelta(days=1)


def cycle_containing(cycle_start: int, day: dt.date) -> int:
    """The cycle year (its starting calendar year) that `day` falls in."""
    return day.year if day.month >= cycle_start else day.year - 1


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while planning or storing a plan.

    A country's plan is millions of small acyclic objects; the collector would rescan
    them all every few thousand allocations for nothing (a third of the planning time
    for 20,000 bodies). Reference counting still frees everything.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
