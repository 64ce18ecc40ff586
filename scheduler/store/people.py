"""People: each one person (an address is one person's; two may share a name), their
dated places on bodies (kept when they end), and who was at each meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import NamedTuple

from sqlalchemy import Row, Select, or_, select
from sqlalchemy.orm import Session

from rules.errors import NotFound, RuleError
from rules.model import Body
from scheduler.attendance import VOTING_ROLES, AttendanceLine, Member, Presence, State, record
from scheduler.occurrences import Status
from scheduler.store.audit import Audit
from scheduler.store.bodies import record_bodies
from scheduler.store.bulk import IN_CHUNK
from scheduler.store.database import Database
from scheduler.store.identity import one_of, person_row
from scheduler.store.tables import AttendanceRow, MeetingRow, MemberRow, MembershipRow


class Person(NamedTuple):
    """One person: who they are (`id`), their name and their address ("" for none)."""

    id: int
    name: str
    email: str


class Placed(NamedTuple):
    """Someone's places on a body after a change: the roles they hold there now, and the
    address they were given by it ("" where it gave none)."""

    person: Person
    roles: list[str]
    gained_email: str


class PeopleStore(Database):
    """People, their places on bodies, and attendance."""

    def person(self, given: str) -> Person:
        """The person `given` names: an address, or a name no one else has."""
        with self.session() as session:
            row = person_row(session, given)
            return Person(row.id, row.name, row.email)

    def names_by_address(self, addresses: Iterable[str]) -> dict[str, str]:
        """The names of the people with these addresses (what a feed link is held under)."""
        wanted = [a for a in addresses if "@" in a]
        with self.session() as session:
            found = session.execute(select(MemberRow.email, MemberRow.name).where(MemberRow.email.in_(wanted)))
            return {email: name for email, name in found}

    def add_member(
        self, body: Body, name: str, email: str, role: str, organisation: str, day: dt.date, audit: Audit
    ) -> Placed:
        """Give a person a role on a body from `day` (a person may hold several roles, on
        several bodies). Who: the person with `email`; or, without one, the one person called
        `name` (a new person if no one is); `name` may itself be an address on record. A new
        address for a name no one holds makes a new person, unless the one person of that
        name has no address yet: then it is theirs."""
        with self.session() as session, session.begin():
            record_bodies(session, [body])
            member, gained = _find_or_make(session, name, email)
            held = session.scalar(
                select(MembershipRow).where(
                    MembershipRow.member_id == member.id,
                    MembershipRow.body_id == body.id,
                    MembershipRow.role == role,
                    MembershipRow.ended.is_(None),
                )
            )
            if held is None:
                session.add(
                    MembershipRow(member_id=member.id, body_id=body.id, role=role, organisation=organisation, began=day)
                )
            elif organisation:
                held.organisation = organisation
            said = {**audit.detail, "person": member.id, "email": member.email}
            session.add(replace(audit, target=f"{body.id}/{member.name}", detail=said).row())
            session.flush()
            return Placed(Person(member.id, member.name, member.email), _roles(session, member.id, body.id), gained)

    def members(self, body_id: str, on: dt.date | None = None, *, ever: bool = False) -> list[Member]:
        """The body's people with all their roles there, for quorum, attendance and the roll:
        those holding places now, on the day `on` (a place ended that day still counts), or
        `ever` (every place, ended ones too, each person with the days theirs began and ended)."""
        query = _places([body_id])
        if on is not None:
            query = query.where(or_(MembershipRow.ended.is_(None), MembershipRow.ended >= on))
        elif not ever:
            query = query.where(MembershipRow.ended.is_(None))
        with self.session() as session:
            return _members(session.execute(query).all()).get(body_id, [])

    def members_ever(self, body_ids: Iterable[str]) -> dict[str, list[Member]]:
        """Each of these bodies' people who ever held a place there (`members(..., ever=True)`),
        read for many bodies at once: the grid forecasts a page's meetings in one read."""
        ids = sorted(set(body_ids))
        found: dict[str, list[Member]] = {}
        with self.session() as session:
            for start in range(0, len(ids), IN_CHUNK):
                found |= _members(session.execute(_places(ids[start : start + IN_CHUNK])).all())
        return found

    def bodies_with_role(self, body_ids: Iterable[str], role: str) -> set[str]:
        """Those of these bodies where someone holds `role` now (the grid flags those without a clerk)."""
        query = select(MembershipRow.body_id).distinct()
        query = query.where(MembershipRow.body_id.in_(list(body_ids)), MembershipRow.role == role)
        with self.session() as session:
            return set(session.scalars(query.where(MembershipRow.ended.is_(None))))

    def digest_days(self, person_ids: Iterable[int]) -> dict[int, int]:
        """The working days of morning digest each of these people asked for (those who asked)."""
        query = select(MemberRow.id, MemberRow.digest_days).where(
            MemberRow.id.in_(list(person_ids)), MemberRow.digest_days.is_not(None)
        )
        with self.session() as session:
            return {person: days for person, days in session.execute(query) if days is not None}

    def remove_member(self, body: Body, given: str, role: str | None, day: dt.date, audit: Audit) -> Placed:
        """End a person's places on a body on `day`: one role, or every role when `role` is
        None; the roles they still hold there. The places are kept, ended, with the person's
        attendance at past meetings. `given`: an address, or a name no one else on the body has."""
        with self.session() as session, session.begin():
            open_places = select(MembershipRow).where(MembershipRow.body_id == body.id, MembershipRow.ended.is_(None))
            on_body = select(MemberRow).where(MemberRow.id.in_(open_places.with_only_columns(MembershipRow.member_id)))
            try:
                member = one_of(list(session.scalars(on_body)), given, f"on {body.name}")
            except NotFound:
                raise NotFound(f"'{given}' is not on {body.name}; `govcal member list {body.id}` says who is") from None
            held = list(session.scalars(open_places.where(MembershipRow.member_id == member.id)))
            going = [place for place in held if role is None or place.role == role]
            if not going:
                raise NotFound(f"'{given}' is not on {body.name} as {role}; `govcal member list {body.id}` says who is")
            for place in going:
                place.ended = day
            said = {**audit.detail, "person": member.id}
            session.add(replace(audit, target=f"{body.id}/{member.name}", detail=said).row())
            session.flush()
            return Placed(Person(member.id, member.name, member.email), _roles(session, member.id, body.id), "")

    def bodies_of(self, member: str, role: str | None = None) -> list[str]:
        """The bodies a person (an address, or a name no one else has) sits on now (in any
        role, or in `role`)."""
        with self.session() as session:
            person = person_row(session, member)
            query = (
                select(MembershipRow.body_id)
                .where(MembershipRow.member_id == person.id, MembershipRow.ended.is_(None))
                .distinct()
            )
            if role is not None:
                query = query.where(MembershipRow.role == role)
            return sorted(session.scalars(query))

    def record_attendance(self, meeting_id: str, present: Iterable[Presence], audit: Audit) -> None:
        """Who was at a meeting (replacing any earlier record); everyone must have been on the
        body that day, each named by address or by a name no one else there has. Apologies
        kept for someone not there stay; each other voting member no one came for is absent."""
        present = list(present)
        with self.session() as session, session.begin():
            meeting, on_body = _on_body(session, meeting_id)
            rows = [
                AttendanceRow(
                    meeting_id=meeting_id,
                    member_id=_one_on(on_body, p.name, meeting.body_id).id,
                    for_member_id=_one_on(on_body, p.for_member, meeting.body_id).id if p.for_member else None,
                    state=p.marked,
                )
                for p in present
            ]
            seen: set[int] = set()
            for person, row in zip(present, rows, strict=True):
                if row.member_id in seen:
                    raise RuleError(f"'{person.name}' is listed twice: give each person once")
                seen.add(row.member_id)
            kept = session.scalars(select(AttendanceRow).where(AttendanceRow.meeting_id == meeting_id))
            sorry = {r.member_id for r in kept if r.state == State.APOLOGIES and r.member_id not in seen}
            session.query(AttendanceRow).filter(
                AttendanceRow.meeting_id == meeting_id, AttendanceRow.member_id.not_in(sorry)
            ).delete(synchronize_session=False)
            covered = seen | sorry | {r.for_member_id for r in rows if r.for_member_id}
            voting = session.scalars(
                select(MembershipRow.member_id).where(
                    MembershipRow.body_id == meeting.body_id,
                    MembershipRow.role.in_(sorted(VOTING_ROLES)),
                    or_(MembershipRow.ended.is_(None), MembershipRow.ended >= meeting.date),
                )
            )
            absent = [
                AttendanceRow(meeting_id=meeting_id, member_id=person_id, state=State.ABSENT)
                for person_id in sorted(set(voting) - covered)
            ]
            session.add_all(rows + absent)
            session.add(audit.row())

    def mark(
        self, meeting_id: str, people: Sequence[str], state: State | None, audit: Audit, for_given: str = ""
    ) -> None:
        """Mark each of `people` at a meeting (apologies, or a substitute for `for_given`), or
        take their apologies back (`state` None), all or none. Each must be on the body that day."""
        with self.session() as session, session.begin():
            meeting, on_body = _on_body(session, meeting_id)
            stood_for = _one_on(on_body, for_given, meeting.body_id).id if for_given else None
            for given in people:
                person = _one_on(on_body, given, meeting.body_id)
                if stood_for == person.id:
                    raise RuleError(f"'{given}' cannot stand in for themselves")
                row = session.scalar(
                    select(AttendanceRow).where(
                        AttendanceRow.meeting_id == meeting_id, AttendanceRow.member_id == person.id
                    )
                )
                if state is None:
                    if row is not None and row.state == State.APOLOGIES:
                        session.delete(row)
                elif row is None:
                    row = AttendanceRow(
                        meeting_id=meeting_id, member_id=person.id, for_member_id=stood_for, state=state
                    )
                    session.add(row)
                else:
                    row.state, row.for_member_id = state, stood_for
                session.add(replace(audit, detail={**audit.detail, "person": person.id}).row())

    def attendance(self, meeting_id: str) -> list[Presence]:
        """Who was recorded at a meeting, there or standing in (each the person they are,
        whatever their name); `marks` has everyone's mark."""
        with self.session() as session:
            return [p for p in _attendance(session, [meeting_id])[meeting_id] if p.came]

    def marks(self, meeting_ids: Sequence[str]) -> dict[str, list[Presence]]:
        """Each meeting's marks (present, apologies, absent, substitutes), by meeting id."""
        with self.session() as session:
            return _attendance(session, meeting_ids)

    def attendance_record(self, body_id: str, until: dt.date, cycle: str | None = None) -> list[AttendanceLine]:
        """Each member's attendance at the body's meetings held up to `until` (A11), those no
        one recorded counted as not recorded. Those whose places have ended are in it too,
        counted over the days they held them."""
        with self.session() as session:
            query = select(MeetingRow.id, MeetingRow.date).where(
                MeetingRow.body_id == body_id,
                MeetingRow.status != Status.CANCELLED,
                MeetingRow.date <= until,
            )
            if cycle is not None:
                query = query.where(MeetingRow.cycle == cycle)
            days = dict(session.execute(query.order_by(MeetingRow.date, MeetingRow.id)).all())
            attended = _attendance(session, list(days))
        return record(self.members(body_id, ever=True), attended, days)


def _find_or_make(session: Session, name: str, email: str) -> tuple[MemberRow, str]:
    """The person `add_member` means (see there), and the address it gave them ("" for none)."""
    if "@" in name:
        return person_row(session, name), ""
    if email:
        holder = session.scalar(select(MemberRow).where(MemberRow.email == email))
        if holder is not None and holder.name != name:
            raise RuleError(f"'{email}' is the address of {holder.name}, not of {name}: each address is one person's")
        if holder is not None:
            return holder, ""
    namesakes = list(session.scalars(select(MemberRow).where(MemberRow.name == name)))
    if email and len(namesakes) == 1 and not namesakes[0].email:
        namesakes[0].email = email
        return namesakes[0], email
    if email or not namesakes:
        member = MemberRow(name=name, email=email)
        session.add(member)
        session.flush()
        return member, ""
    return one_of(namesakes, name, "on record"), ""


def _roles(session: Session, member_id: int, body_id: str) -> list[str]:
    """The roles a person holds on a body now."""
    held = select(MembershipRow.role).where(
        MembershipRow.member_id == member_id, MembershipRow.body_id == body_id, MembershipRow.ended.is_(None)
    )
    return sorted(set(session.scalars(held)))


def _places(body_ids: Sequence[str]) -> Select[MemberRow, MembershipRow]:
    """The places held on these bodies, each with its person, by the person's name."""
    return (
        select(MemberRow, MembershipRow)
        .join(MembershipRow, MembershipRow.member_id == MemberRow.id)
        .where(MembershipRow.body_id.in_(body_ids))
        .order_by(MemberRow.name, MemberRow.id)
    )


def _members(rows: Iterable[Row[MemberRow, MembershipRow]]) -> dict[str, list[Member]]:
    """Places read with their people as each body's `Member`s, in the order read."""
    places: dict[str, dict[int, list[MembershipRow]]] = {}
    people: dict[int, MemberRow] = {}
    for person, place in rows:
        people[person.id] = person
        places.setdefault(place.body_id, {}).setdefault(person.id, []).append(place)
    return {body_id: [_member(people[p], held) for p, held in each.items()] for body_id, each in places.items()}


def _member(person: MemberRow, places: Sequence[MembershipRow]) -> Member:
    """A person's places on one body as one `Member`: every role, their organisation, and
    the span of their places (open-ended while any is held)."""
    began = [place.began for place in places]
    ended = [place.ended for place in places]
    return Member(
        person.name,
        frozenset(place.role for place in places),
        next((place.organisation for place in places if place.organisation), ""),
        person.email,
        person.id,
        None if None in began else min(day for day in began if day is not None),
        None if None in ended else max(day for day in ended if day is not None),
    )


def _attendance(session: Session, meeting_ids: Sequence[str]) -> dict[str, list[Presence]]:
    """Who was recorded at each meeting, by person."""
    names = dict(session.execute(select(MemberRow.id, MemberRow.name)).all())
    found: dict[str, list[Presence]] = {meeting_id: [] for meeting_id in meeting_ids}
    rows = session.scalars(
        select(AttendanceRow).where(AttendanceRow.meeting_id.in_(meeting_ids)).order_by(AttendanceRow.id)
    )
    for r in rows:
        stood_for = names[r.for_member_id] if r.for_member_id else None
        mark = Presence(names[r.member_id], stood_for, "", r.member_id, r.for_member_id, State(r.state))
        found[r.meeting_id].append(mark)
    return found


def _on_body(session: Session, meeting_id: str) -> tuple[MeetingRow, list[MemberRow]]:
    """A meeting and the people on its body that day (a place ended that day still counts)."""
    meeting = session.get(MeetingRow, meeting_id)
    if meeting is None:
        raise NotFound(f"no meeting '{meeting_id}' in the store")
    places = select(MembershipRow.member_id).where(
        MembershipRow.body_id == meeting.body_id,
        or_(MembershipRow.ended.is_(None), MembershipRow.ended >= meeting.date),
    )
    return meeting, list(session.scalars(select(MemberRow).where(MemberRow.id.in_(places))))


def _one_on(on_body: list[MemberRow], given: str, body_id: str) -> MemberRow:
    """The one person on the body `given` names (a PERSON), or a `RuleError` saying how to add them."""
    try:
        return one_of(on_body, given, f"on {body_id}")
    except NotFound:
        raise RuleError(f"'{given}' is not on {body_id}; add them with `govcal member add`") from None
