"""Who came: quorum at a meeting, absences to follow up (A7), the year's record (A11).

Pure functions of a body's rules, its membership and recorded attendance. A
named substitute present for an absent member counts for that member where the
rule lets substitutes count (the default in every seed body).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rules.model import Attendance, Quorum, Role

VOTING_ROLES = frozenset({Role.MEMBER, Role.CHAIR, Role.VICE_CHAIR})


@dataclass(frozen=True, slots=True)
class Member:
    """A place on a body: roles (member, chair, vice-chair, clerk, substitute) and organisation."""

    name: str
    roles: frozenset[str]
    organisation: str = ""
    email: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "roles": sorted(self.roles), "organisation": self.organisation, "email": self.email}

    @property
    def votes(self) -> bool:
        return bool(self.roles & VOTING_ROLES)


@dataclass(frozen=True, slots=True)
class Presence:
    """Someone at a meeting: a member in person, or a named substitute standing in for one."""

    name: str
    for_member: str | None = None  # set when this is a substitute
    organisation: str = ""


@dataclass(frozen=True)
class QuorumResult:
    quorate: bool
    counted: int
    reasons: list[str]


def _key(name: str) -> str:
    return " ".join(name.lower().split())


def quorum(rule: Quorum, members: Sequence[Member], present: Iterable[Presence]) -> QuorumResult:
    """Whether those present make the meeting quorate, and every unmet condition in words."""
    voting = {_key(m.name): m for m in members if m.votes}
    present = list(present)
    standing_for: dict[str, Presence] = {}  # voting member -> who is there for them
    for person in present:
        if person.for_member is None and _key(person.name) in voting:
            standing_for[_key(person.name)] = person
        elif person.for_member is not None and rule.substitutes_count and _key(person.for_member) in voting:
            standing_for.setdefault(_key(person.for_member), person)
    counted = len(standing_for)
    reasons = []
    cite = f"({rule.cite})"
    if rule.min_present and counted < rule.min_present:
        reasons.append(f"{counted} present; at least {rule.min_present} needed {cite}")
    if rule.fraction:
        needed = math.ceil(rule.fraction * len(voting) - 1e-9)
        if counted < needed:
            reasons.append(f"{counted} of {len(voting)} members present; at least {needed} needed {cite}")
    satisfied: set[str] = set()
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
    came = {_key(p.name) for p in present if p.for_member is None}
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
    """One member's year: meetings held while they were a member, attended (or substituted)."""

    member: str
    held: int
    attended: int
    substituted: int

    @property
    def absent(self) -> int:
        return self.held - self.attended - self.substituted


def record(members: Sequence[Member], meetings: Mapping[str, Iterable[Presence]]) -> list[AttendanceLine]:
    """The attendance record over the given meetings (A11: for the body's annual report)."""
    lines = []
    attended = {meeting: list(people) for meeting, people in meetings.items()}
    for member in members:
        if not member.votes:
            continue
        key = _key(member.name)
        came = sum(any(p.for_member is None and _key(p.name) == key for p in people) for people in attended.values())
        stood_in = sum(
            any(p.for_member is not None and _key(p.for_member) == key for p in people)
            and not any(p.for_member is None and _key(p.name) == key for p in people)
            for people in attended.values()
        )
        lines.append(AttendanceLine(member.name, len(attended), came, stood_in))
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
