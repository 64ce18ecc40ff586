"""Clerks' morning digests: who asked for one, and each day's, claimed and sent once.

A clerk asks for a digest of N working days (`member.digest_days`). Each working
morning a worker claims the clerk's digest for the day by inserting its `digest` row
(one row per member and day: a second worker's insert fails, so it sends nothing),
sends it and marks it sent; if sending fails the claim is released, to be tried again
at the next tick. A claim left by a worker that died mid-send is taken over after a lease.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from rules.model import Role
from scheduler.store.audit import Audit
from scheduler.store.database import Database
from scheduler.store.identity import person_row
from scheduler.store.tables import DigestRow, MemberRow, MembershipRow

DIGEST_LEASE = dt.timedelta(minutes=10)


class Subscriber(NamedTuple):
    """A clerk who asked for a digest: their address, how many working days, the bodies they clerk."""

    member_id: int
    name: str
    email: str
    days: int
    bodies: tuple[str, ...]


class DigestStore(Database):
    """Digest subscriptions and the daily claims that send each digest once."""

    def set_digest(self, person: str, days: int | None, audit: Audit) -> None:
        """Ask for a digest of `days` working days for a person (an address, or a name no one
        else has), or stop it (None)."""
        with self.session() as session, session.begin():
            person_row(session, person).digest_days = days
            session.add(audit.row())

    def subscribers(self, day: dt.date, wall: dt.datetime) -> list[Subscriber]:
        """The clerks with an address who asked for a digest and have none for `day` sent, or
        being sent under a claim still live at the wall clock's `wall` (a claim its run left,
        killed or cut off from the database, lapses: the digest is not lost)."""
        with self.session() as session:
            claimed = select(DigestRow.member_id).where(
                DigestRow.day == day,
                or_(DigestRow.status != "sending", DigestRow.claimed_at >= wall - DIGEST_LEASE),
            )
            rows = session.execute(
                select(MemberRow.id, MemberRow.name, MemberRow.email, MemberRow.digest_days, MembershipRow.body_id)
                .join(MembershipRow, MembershipRow.member_id == MemberRow.id)
                .where(
                    MemberRow.digest_days.is_not(None),
                    MemberRow.email != "",
                    MembershipRow.role == Role.CLERK,
                    MembershipRow.ended.is_(None),
                    MemberRow.id.not_in(claimed),
                )
                .order_by(MemberRow.name, MembershipRow.body_id)
            ).all()
        found: dict[int, Subscriber] = {}
        for member_id, name, email, days, body_id in rows:
            held = found.get(member_id)
            bodies = (*held.bodies, body_id) if held else (body_id,)
            found[member_id] = Subscriber(member_id, name, email, days or 0, bodies)  # days: not None, by the query
        return list(found.values())

    def claim_digest(self, member_id: int, day: dt.date, token: str, wall: dt.datetime) -> bool:
        """Claim a clerk's digest for `day`: True for the one run that may send it. A claim
        is held on the wall clock (`wall`), as the outbox's are, whatever moment a run is given."""
        try:
            with self.session() as session, session.begin():
                session.add(
                    DigestRow(member_id=member_id, day=day, status="sending", claimed_by=token, claimed_at=wall)
                )
            return True
        except IntegrityError:
            with self.session() as session, session.begin():
                stale = update(DigestRow).where(
                    DigestRow.member_id == member_id,
                    DigestRow.day == day,
                    DigestRow.status == "sending",
                    DigestRow.claimed_at < wall - DIGEST_LEASE,
                )
                taken = session.execute(stale.values(claimed_by=token, claimed_at=wall).returning(DigestRow.member_id))
                return taken.first() is not None

    def finish_digest(self, member_id: int, day: dt.date, deadlines: int, sent_at: dt.datetime | None) -> None:
        """Mark a claimed digest sent (with how many deadlines it listed), or empty if `sent_at` is None."""
        with self.session() as session, session.begin():
            session.execute(
                update(DigestRow)
                .where(DigestRow.member_id == member_id, DigestRow.day == day)
                .values(status="sent" if sent_at else "empty", sent_at=sent_at, deadlines=deadlines)
            )

    def release_digest(self, member_id: int, day: dt.date) -> None:
        """Give up a claim whose send failed, so the next tick tries again."""
        with self.session() as session, session.begin():
            session.execute(delete(DigestRow).where(DigestRow.member_id == member_id, DigestRow.day == day))
