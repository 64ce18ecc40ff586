"""Who came: quorum at a meeting, its forecast before it, absences to follow up (A7), the
year's record (A11).

Pure functions of a body's rules, its membership and recorded attendance. A
named substitute present for an absent member counts for that member where the
rule lets substitutes count (the default in every seed body). Each person's mark at a
meeting is one `State`: present, apologies (sent before or after), absent, or substitute
for someone.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from rules.model import Attendance, Quorum, Role

VOTING_ROLES = frozenset({Role.MEMBER, Role.CHAIR, Role.VICE_CHAIR})


class State(StrEnum):
    """A person's mark at a meeting."""

    PRESENT = "present"
    APOLOGIES = "apologies"
    ABSENT = "absent"
    SUBSTITUTE = "substitute"  # there for the member named in `for_member`


CAME = frozenset({State.PRESENT, State.SUBSTITUTE})
RECORDED = frozenset({State.PRESENT, State.ABSENT})  # marks only a record of the meeting held makes


@dataclass(frozen=True, slots=True)
class Member:
    """A person's places on a body: roles (member, chair, vice-chair, clerk, substitute),
    organisation, and when they began and ended (None: before the record; still held).
    `person` is who they are where the store knows it (two people may share a name)."""

    name: str
    roles: frozenset[str]
    organisation: str = ""
    email: str = ""
    person: int | None = None
    began: dt.date | None = None
    ended: dt.date | None = None

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "roles": sorted(self.roles), "organisation": self.organisation, "email": self.email}

    @property
    def named(self) -> str:
        """How a request names them: their address, or their name where they have none."""
        return self.email or self.name

    def held_on(self, day: dt.date) -> bool:
        """Whether they were on the body on `day`: not yet gone (see `record` for why the day
        their places began does not say)."""
        return self.ended is None or day <= self.ended

    @property
    def votes(self) -> bool:
        return bool(self.roles & VOTING_ROLES)


@dataclass(frozen=True, slots=True)
class Presence:
    """Someone's mark at a meeting: a member in person (or absent, or with apologies), or a
    named substitute standing in for one."""

    name: str
    for_member: str | None = None  # set when this is a substitute
    organisation: str = ""
    person: int | None = None  # who they are, and who they stood in for, where the store knows it
    for_person: int | None = None
    state: State = State.PRESENT

    @property
    def came(self) -> bool:
        return self.state in CAME

    @property
    def marked(self) -> State:
        """The mark as kept: a named substitute's is `SUBSTITUTE` whatever it was given as."""
        return State.SUBSTITUTE if self.for_member is not None and self.state in CAME else self.state


@dataclass(frozen=True)
class QuorumResult:
    quorate: bool
    counted: int
    reasons: list[str]


def _key(name: str) -> str:
    return " ".join(name.lower().split())


def _member(m: Member) -> int | str:
    """Who a member is: the person the store knows, or (given by hand) their name."""
    return m.person if m.person is not None else _key(m.name)


def _came(p: Presence) -> int | str:
    return p.person if p.person is not None else _key(p.name)


def _stood_for(p: Presence) -> int | str | None:
    """Whom a substitute stood in for; None for someone there in their own right."""
    if p.for_member is None:
        return None
    return p.for_person if p.for_person is not None else _key(p.for_member)


def quorum(rule: Quorum, members: Sequence[Member], present: Iterable[Presence]) -> QuorumResult:
    """Whether those present make the meeting quorate, and every unmet condition in words."""
    voting = {_member(m): m for m in members if m.votes}
    present = [p for p in present if p.came]
    standing_for: dict[int | str, Presence] = {}  # voting member -> who is there for them
    for person in present:
        stood_for = _stood_for(person)
        if stood_for is None and _came(person) in voting:
            standing_for[_came(person)] = person
        elif stood_for is not None and rule.substitutes_count and stood_for in voting:
            standing_for.setdefault(stood_for, person)
    counted = len(standing_for)
    reasons = []
    cite = f"({rule.cite})"
    if rule.min_present and counted < rule.min_present:
        reasons.append(f"{counted} present; at least {rule.min_present} needed {cite}")
    if rule.fraction:
        needed = math.ceil(rule.fraction * len(voting) - 1e-9)
        if counted < needed:
            reasons.append(f"{counted} of {len(voting)} members present; at least {needed} needed {cite}")
    satisfied: set[int | str] = set()
    for requirement in rule.requires:
        roles = [r.strip() for r in requirement.split(" or ")]
        holders = [
            key for key, m in voting.items() if m.roles & set(roles) and key in standing_for and key not in satisfied
        ]
        if holders:
            satisfied.add(holders[0])
        else:
            reasons.append(f"no {requirement} (or substitute) present {cite}")
    if rule.others and counted - len(satisfied) < rule.others:
        reasons.append(
            f"{counted - len(satisfied)} others present besides {', '.join(rule.requires)}; {rule.others} needed {cite}"
        )
    organisations = {_key(voting[key].organisation or standing_for[key].organisation) for key in standing_for} - {""}
    if rule.min_organisations and len(organisations) < rule.min_organisations:
        reasons.append(
            f"members from {len(organisations)} organisations present; {rule.min_organisations} needed {cite}"
        )
    came = {_came(p) for p in present if p.for_member is None}
    for requirement in rule.in_person:
        chairs = {r.strip() for r in requirement.split(" or ")}
        if not any(m.roles & chairs and key in came for key, m in voting.items()):
            reasons.append(f"no {requirement} present in person: a substitute cannot chair {cite}")
    for organisation in rule.organisations:
        if not any(_key(organisation) in present_org for present_org in organisations):
            reasons.append(f"no member from {organisation} present {cite}")
    return QuorumResult(not reasons, counted, reasons)


@dataclass(frozen=True)
class Forecast:
    """Who is expected at a meeting yet to be held, and whether they make it quorate:
    `missing` is what the quorum clause lacks, in words (empty when quorate)."""

    quorate: bool
    expected: tuple[str, ...]
    apologies: tuple[str, ...]
    missing: tuple[str, ...]


def forecast(rule: Quorum, members: Sequence[Member], marks: Iterable[Presence]) -> Forecast:
    """The quorum a meeting can expect: every voting member but those who sent apologies (or
    are marked absent), in person, and the substitutes named for anyone."""
    marks = list(marks)
    away = {_came(p) for p in marks if p.for_member is None and not p.came}
    coming = [
        Presence(m.name, organisation=m.organisation, person=m.person)
        for m in members
        if m.votes and _member(m) not in away
    ]
    substitutes = [p for p in marks if p.for_member is not None and p.came]
    result = quorum(rule, members, coming + substitutes)
    return Forecast(
        result.quorate,
        tuple([p.name for p in coming] + [f"{p.name} (for {p.for_member})" for p in substitutes]),
        tuple(p.name for p in marks if p.state == State.APOLOGIES),
        tuple(result.reasons),
    )


@dataclass(frozen=True, slots=True)
class AttendanceLine:
    """One member's year: meetings held while they were a member, attended (or substituted),
    with apologies, absent, and not recorded; and when their places began and ended (None:
    before the record; still held)."""

    member: str
    held: int
    attended: int
    substituted: int
    began: dt.date | None = None
    ended: dt.date | None = None
    email: str = ""
    apologies: int = 0
    not_recorded: int = 0

    @property
    def absent(self) -> int:
        """Meetings recorded with them neither there, nor stood in for, nor apologising."""
        return self.held - self.attended - self.substituted - self.apologies - self.not_recorded


def record(
    members: Sequence[Member], meetings: Mapping[str, Iterable[Presence]], days: Mapping[str, dt.date] | None = None
) -> list[AttendanceLine]:
    """The attendance record over the given meetings held (A11: for the body's annual report).

    A meeting whose attendance no one recorded is "not recorded" for each member, unless
    they sent apologies for it: no record is no absence. With the meetings' `days`, a
    member whose places have ended is counted over the meetings held until they ended.
    The day a place began is when it was entered, often after the fact (a board's members
    entered in December, its year's attendance after them), so it does not bound the count.
    """
    marks = {meeting: list(people) for meeting, people in meetings.items()}
    recorded = {m for m, people in marks.items() if any(p.state in RECORDED for p in people)}
    return [
        _line(member, marks, {m for m in marks if days is None or member.held_on(days[m])}, recorded)
        for member in members
        if member.votes
    ]


def _line(member: Member, marks: Mapping[str, list[Presence]], held: set[str], recorded: set[str]) -> AttendanceLine:
    """One member's line of the record over the meetings `held` while they were a member."""
    key = _member(member)

    def where(among: set[str], test: Callable[[Presence], bool]) -> set[str]:
        return {m for m in among if any(test(p) for p in marks[m])}

    came = where(held & recorded, lambda p: p.state == State.PRESENT and p.for_member is None and _came(p) == key)
    stood_in = where(held & recorded, lambda p: p.came and _stood_for(p) == key) - came
    sorry = where(held, lambda p: p.state == State.APOLOGIES and _came(p) == key) - came - stood_in
    unknown = held - recorded - sorry
    return AttendanceLine(
        member.name,
        len(held),
        len(came),
        len(stood_in),
        member.began,
        member.ended,
        member.email,
        len(sorry),
        len(unknown),
    )


def to_follow_up(rule: Attendance, lines: Sequence[AttendanceLine]) -> list[str]:
    """Members absent from `follow_up_after` or more meetings in the year (A7), in words.

    Sending a named substitute is attending; only a meeting no one came to for the
    member counts as an absence.
    """
    return [
        f"{line.member}: absent from {line.absent} of {line.held} meetings;"
        f" follow up after {rule.follow_up_after} ({rule.cite})"
        for line in lines
        if line.absent >= rule.follow_up_after
    ]
