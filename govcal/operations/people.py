"""People on bodies: members and their roles, attendance, quorum, the year's record.

A person (PERSON) is named by their e-mail address, or by their name where no one else has
it; a name two people share is refused with each one's address, to choose from."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email

from govcal.operations import fields
from govcal.operations.context import Context
from rules.errors import Conflict, RuleError
from rules.model import Body
from scheduler.attendance import RECORDED, AttendanceLine, Member, Presence, QuorumResult, quorum, to_follow_up
from scheduler.occurrences import Status
from scheduler.store.audit import Audit
from scheduler.workdays import london_day

CYCLE = re.compile(r"[0-9]{4}(-[0-9]{2})?")  # a cycle's label (2026-27) or the year it starts in


def role(value: str, body: Body) -> str:
    """A role on a body by its word (a built-in one, or one the body's rules declare, such
    as its Outcome Lead), or a `RuleError` listing the body's roles."""
    known = body.role_ids
    if fields.text(value, "role", fields.BODY_ID) in known:
        return value
    raise RuleError(f"'{value}' is not a role on {body.id}; expected one of {', '.join(known)}")


def person(value: str, field: str = "name") -> str:
    """A person as a user names them (PERSON): an e-mail address (normalised), or a name."""
    value = fields.filled(value, field, fields.NAME)
    return checked_email(value) if "@" in value else value


def name_of(ctx: Context, value: str) -> str:
    """The name of the person a PERSON names: for a page's words, whichever way it named them."""
    return ctx.store.person(person(value)).name


@dataclass(frozen=True)
class Membership:
    """Someone's places on a body after a change, and the address the change gave them."""

    name: str
    body: str
    roles: list[str]
    email: str
    gained_email: str = ""

    def __str__(self) -> str:
        if not self.roles:
            return f"{self.name}: no longer on {self.body}"
        said = f"{self.name}: {' and '.join(self.roles)} of {self.body}"
        if self.gained_email:
            said += f"; address now {self.gained_email}"
        return said


def add_member(
    ctx: Context,
    body_id: str,
    name: str,
    role_name: str,
    *,
    organisation: str = "",
    email: str = "",
    actor: str,
    now: dt.datetime,
) -> Membership:
    """Give someone a role on a body from today (a person may hold several roles, on several
    bodies, and keeps those they had: the answer says all they now hold there). Who: the
    person with `email`, a new one if no one has it; without it, `name` is a PERSON (a new
    person if no one has that name)."""
    body = ctx.body(body_id)
    held = role(role_name, body)
    name = person(name)
    organisation = fields.text(organisation, "organisation", fields.NAME)
    address = checked_email(email) if fields.text(email, "email", fields.EMAIL).strip() else ""
    audit = Audit(now, actor, "member:add", f"{body.id}/{name}", {"role": held})
    placed = ctx.store.add_member(body, name, address, held, organisation, london_day(now), audit)
    return Membership(placed.person.name, body.id, placed.roles, placed.person.email, placed.gained_email)


def remove_member(
    ctx: Context, body_id: str, name: str, role_name: str | None = None, *, actor: str, now: dt.datetime
) -> Membership:
    """End someone's places on a body today, in one role or all; the answer says the roles
    they keep there. The places are kept, ended, and their attendance with them; reminders
    to them stop with their last clerk's role. `name`: a PERSON on the body."""
    body = ctx.body(body_id)
    held = role(role_name, body) if role_name else None
    name = person(name)
    audit = Audit(now, actor, "member:remove", f"{body.id}/{name}", {"role": held})
    placed = ctx.store.remove_member(body, name, held, london_day(now), audit)
    return Membership(placed.person.name, body.id, placed.roles, placed.person.email)


def members(ctx: Context, body_id: str) -> list[Member]:
    """Who is on a body, with their roles, organisation and address."""
    return ctx.store.members(ctx.body(body_id).id)


def without_clerk(ctx: Context, body_ids: Collection[str]) -> set[str]:
    """Those of these bodies with no clerk now: no one is reminded of their deadlines."""
    return set(body_ids) - ctx.store.bodies_with_role(body_ids, "clerk")


def digests(ctx: Context, members: Sequence[Member]) -> dict[str, int]:
    """The morning digest each of these members asked for, in working days, by `named` (those who asked)."""
    asked = ctx.store.digest_days(m.person for m in members if m.person is not None)
    return {m.named: asked[m.person] for m in members if m.person in asked}


def checked_email(address: str) -> str:
    """An e-mail address as RFC 5322 and 6531 allow it (by email-validator, not a home-made
    pattern; no DNS lookup), normalised; a `RuleError` saying what is wrong otherwise."""
    try:
        return validate_email(address.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise RuleError(f"'{address}' is not an e-mail address: {error}") from None


@dataclass(frozen=True)
class Quorum:
    """Whether a meeting was quorate: None where the terms of reference set no quorum, or
    no one has recorded who came (`recorded` False: nothing said of it yet)."""

    meeting: str
    body_name: str
    result: QuorumResult | None
    recorded: bool = True

    def as_dict(self) -> dict[str, Any]:
        if not self.recorded:
            return {"meeting": self.meeting, "quorate": None, "reasons": ["attendance not recorded yet"]}
        if self.result is None:
            return {"meeting": self.meeting, "quorate": None, "reasons": ["the terms of reference set no quorum"]}
        return {
            "meeting": self.meeting,
            "quorate": self.result.quorate,
            "counted": self.result.counted,
            "reasons": self.result.reasons,
        }


def quorum_at(ctx: Context, meeting_id: str) -> Quorum:
    """Was a kept meeting quorate, by its body's rule and the attendance recorded?"""
    meeting = ctx.meeting_row(meeting_id)
    body = ctx.body(meeting.body_id)
    if body.quorum is None:
        return Quorum(meeting_id, body.name, None)
    marks = ctx.store.marks([meeting_id])[meeting_id]
    if not any(p.state in RECORDED for p in marks):
        return Quorum(meeting_id, body.name, None, recorded=False)
    on_the_day = ctx.store.members(body.id, meeting.date)
    return Quorum(meeting_id, body.name, quorum(body.quorum, on_the_day, marks))


def record_attendance(
    ctx: Context, meeting_id: str, present: Sequence[Presence], *, actor: str, now: dt.datetime
) -> Quorum:
    """Record who was at a meeting (replacing an earlier record); answers whether it was quorate.

    Only a meeting held: one yet to start, or cancelled, has no one to record.
    """
    meeting = ctx.meeting_row(meeting_id)
    present = [
        Presence(
            person(p.name, "present"),
            person(p.for_member, "for_member") if p.for_member is not None and p.for_member.strip() else None,
        )
        for p in present
    ]
    if meeting.status == Status.CANCELLED:
        raise Conflict(f"meeting '{meeting_id}' on {meeting.date:%a %d %b %Y} was cancelled: no one attended it")
    start = meeting.start
    if start > now:
        raise RuleError(
            f"meeting '{meeting_id}' has not been held yet (it starts {start:%a %d %b %Y %H:%M});"
            " record who came once it has"
        )
    detail = {
        "present": [p.name for p in present if not p.for_member],
        "substitutes": {p.name: p.for_member for p in present if p.for_member},
    }
    ctx.store.record_attendance(meeting_id, present, Audit(now, actor, "attendance:record", meeting_id, detail))
    return quorum_at(ctx, meeting_id)


@dataclass(frozen=True)
class AttendanceReport:
    """The year's attendance record (A11) and the absences to follow up (A7)."""

    body_name: str
    lines: list[AttendanceLine]
    follow_up: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "record": [
                {
                    "member": x.member,
                    "email": x.email,
                    "held": x.held,
                    "attended": x.attended,
                    "substituted": x.substituted,
                    "apologies": x.apologies,
                    "absent": x.absent,
                    "not_recorded": x.not_recorded,
                    "began": x.began,
                    "ended": x.ended,
                }
                for x in self.lines
            ],
            "follow_up": self.follow_up,
        }


def attendance_report(ctx: Context, body_id: str, until: dt.date, cycle: str | None = None) -> AttendanceReport:
    """Each member's attendance at the body's meetings held up to `until` (in one cycle, or
    all): those no one recorded are not recorded, for no record is no absence."""
    body = ctx.body(body_id)
    if cycle is not None and not CYCLE.fullmatch(fields.text(cycle, "cycle", 7)):
        raise RuleError(f"'{cycle}' is not a cycle; write it like 2026-27, or 2026", field="cycle")
    lines = ctx.store.attendance_record(body.id, until, cycle)
    follow_up = to_follow_up(body.attendance, lines) if body.attendance else []
    return AttendanceReport(body.name, lines, follow_up)
