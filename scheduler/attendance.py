"""Who came: quorum at a meeting, absences to follow up (A7), the year's record (A11).

Pure functions of a body's rules, its membership and recorded attendance. A
named substitute present for an absent member counts for that member where the
rule lets substitutes count (the default in every seed body).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rules.model import Attendance, Quorum, Role

VOTING_ROLES = frozenset({Role.MEMBER, Role.CHAIR, Role.VICE_CHAIR})


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
    """Someone at a meeting: a member in person, or a named substitute standing in for one."""

    name: str
    for_member: str | None = None  # set when this is a substitute
    organisation: str = ""
    person: int | None = None  # who they are, and who they stood in for, where the store knows it
    for_person: int | None = None


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
    present = list(present)
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


@dataclass(frozen=True, slots=True)
class AttendanceLine:
    """One member's year: meetings held while they were a member, attended (or substituted),
    and when their places began and ended (None: before the record; still held)."""

    member: str
    held: int
    attended: int
    substituted: int
    began: dt.date | None = None
    ended: dt.date | None = None
    email: str = ""

    @property
    def absent(self) -> int:
        return self.held - self.attended - self.substituted


def record(
    members: Sequence[Member], meetings: Mapping[str, Iterable[Presence]], days: Mapping[str, dt.date] | None = None
) -> list[AttendanceLine]:
    """The attendance record over the given meetings (A11: for the body's annual report).

    With the meetings' `days`, a member whose places have ended is counted over the meetings
    held until they ended. The day a place began is when it was entered, often after the
    fact (a board's members entered in December, its year's attendance after them), so it
    does not bound the count.
    """
    lines = []
    attended = {meeting: list(people) for meeting, people in meetings.items()}
    for member in members:
        if not member.votes:
            continue
        key = _member(member)
        came = {m for m, people in attended.items() if any(p.for_member is None and _came(p) == key for p in people)}
        stood_in = {m for m, people in attended.items() if any(_stood_for(p) == key for p in people)} - came
        held = [meeting for meeting in attended if days is None or member.held_on(days[meeting])]
        line = AttendanceLine(
            member.name, len(held), len(came), len(stood_in), member.began, member.ended, member.email
        )
        lines.append(line)
    return lines


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
