"""People: members and their places on bodies, and who was at each meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select

from rules.errors import NotFound, RuleError
from rules.model import Body
from scheduler.attendance import AttendanceLine, Member, Presence, record
from scheduler.occurrences import Status
from scheduler.store.audit import Audit
from scheduler.store.bodies import record_bodies
from scheduler.store.database import Database
from scheduler.store.tables import AttendanceRow, MeetingRow, MemberRow, MembershipRow


class PeopleStore(Database):
    """Members, their roles on bodies, and attendance."""

    def add_member(
        self, body: Body, name: str, role: str, organisation: str, email: str, audit: Audit
    ) -> tuple[list[str], str]:
        """Give `name` a role on a body (a person may hold several roles, on several bodies);
        the roles they now hold there, and the address they had before (to say it changed)."""
        with self.session() as session, session.begin():
            record_bodies(session, [body])
            member = session.scalar(select(MemberRow).where(MemberRow.name == name))
            before = member.email if member is not None else ""
            if member is None:
                member = MemberRow(name=name, email=email)
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
            session.add(audit.row())
            session.flush()
            roles = session.scalars(
                select(MembershipRow.role).where(MembershipRow.member_id == member.id, MembershipRow.body_id == body.id)
            )
            return sorted(roles), before

    def members(self, body_id: str) -> list[Member]:
        """The body's people with all their roles there, for quorum, attendance and the roll."""
        with self.session() as session:
            rows = session.execute(
                select(MemberRow.name, MemberRow.email, MembershipRow.role, MembershipRow.organisation)
                .join(MembershipRow, MembershipRow.member_id == MemberRow.id)
                .where(MembershipRow.body_id == body_id)
                .order_by(MemberRow.name)
            )
            roles: dict[str, set[str]] = {}
            organisations: dict[str, str] = {}
            emails: dict[str, str] = {}
            for name, email, role, organisation in rows:
                roles.setdefault(name, set()).add(role)
                organisations[name] = organisations.get(name) or organisation
                emails[name] = email
        return [Member(name, frozenset(held), organisations[name], emails[name]) for name, held in roles.items()]

    def remove_member(self, body: Body, name: str, role: str | None, audit: Audit) -> list[str]:
        """Take `name` off a body: one role, or every role when `role` is None; the roles
        they still hold there. Their attendance at past meetings stays on record."""
        with self.session() as session, session.begin():
            member = session.scalar(select(MemberRow).where(MemberRow.name == name))
            places = select(MembershipRow).where(MembershipRow.body_id == body.id)
            held = [] if member is None else list(session.scalars(places.where(MembershipRow.member_id == member.id)))
            going = [place for place in held if role is None or place.role == role]
            if member is None or not going:
                as_what = f" as {role}" if role is not None and held else ""
                raise NotFound(f"'{name}' is not on {body.name}{as_what}; `govcal member list {body.id}` says who is")
            for place in going:
                session.delete(place)
            session.add(audit.row())
            return sorted(place.role for place in held if place not in going)

    def is_member(self, name: str) -> bool:
        """Whether `name` holds any place on any body."""
        with self.session() as session:
            return session.scalar(select(MemberRow.id).where(MemberRow.name == name)) is not None

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

    def record_attendance(self, meeting_id: str, present: Iterable[Presence], audit: Audit) -> None:
        """Who was at a meeting (replacing any earlier record); everyone must be on the body."""
        present = list(present)
        with self.session() as session, session.begin():
            meeting = session.get(MeetingRow, meeting_id)
            if meeting is None:
                raise NotFound(f"no meeting '{meeting_id}' in the store")
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
            seen: set[int] = set()
            for person, row in zip(present, rows, strict=True):
                if row.member_id in seen:
                    raise RuleError(f"'{person.name}' is listed twice: give each person once")
                seen.add(row.member_id)
            session.query(AttendanceRow).filter(AttendanceRow.meeting_id == meeting_id).delete()
            session.add_all(rows)
            session.add(audit.row())

    def attendance(self, meeting_id: str) -> list[Presence]:
        """Who was recorded at a meeting."""
        with self.session() as session:
            names = dict(session.execute(select(MemberRow.id, MemberRow.name)).all())
            rows = session.scalars(select(AttendanceRow).where(AttendanceRow.meeting_id == meeting_id))
            return [Presence(names[r.member_id], names[r.for_member_id] if r.for_member_id else None) for r in rows]

    def attendance_record(self, body_id: str, until: dt.date, cycle: str | None = None) -> list[AttendanceLine]:
        """Each member's attendance at the body's meetings held up to `until` whose attendance
        was recorded (A11): a meeting no one recorded says nothing of who was absent."""
        with self.session() as session:
            recorded = select(AttendanceRow.meeting_id)
            query = select(MeetingRow.id).where(
                MeetingRow.body_id == body_id,
                MeetingRow.status != Status.CANCELLED,
                MeetingRow.date <= until,
                MeetingRow.id.in_(recorded),
            )
            if cycle is not None:
                query = query.where(MeetingRow.cycle == cycle)
            held = list(session.scalars(query.order_by(MeetingRow.date, MeetingRow.id)))
        return record(self.members(body_id), {meeting_id: self.attendance(meeting_id) for meeting_id in held})
