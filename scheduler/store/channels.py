"""Addresses on channels other than e-mail: a body's own (its Teams or Slack channel's
webhook) and a member's. Giving one opens the channel for the bodies it reaches: their
pending reminders gain a copy on it (`outbox.open_channel`), each sent once."""

from __future__ import annotations

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from rules.model import Body
from scheduler.reminders import Recipient
from scheduler.store.audit import Audit
from scheduler.store.bodies import record_bodies
from scheduler.store.database import Database
from scheduler.store.identity import person_row
from scheduler.store.outbox import open_channel
from scheduler.store.tables import AddressRow, MemberRow, MembershipRow


class ChannelStore(Database):
    """Bodies' and members' addresses by channel."""

    def set_body_address(self, body: Body, channel: str, address: str, form: str, audit: Audit) -> int:
        """Give a body its address on `channel` ("" takes it away); how many pending
        reminders gained a copy on the channel."""
        with self.session() as session, session.begin():
            record_bodies(session, [body])
            _set(session, channel, address, form, AddressRow.body_id == body.id, body_id=body.id)
            session.add(audit.row())
            return open_channel(session, [body.id], channel, audit.at) if address else 0

    def set_member_address(self, person: str, channel: str, address: str, form: str, audit: Audit) -> int:
        """Give a person (named by address, or by a name no one else has) their address on
        `channel` ("" takes it away); how many pending reminders of the bodies they sit on
        gained a copy on the channel."""
        with self.session() as session, session.begin():
            member = person_row(session, person).id
            _set(session, channel, address, form, AddressRow.member_id == member, member_id=member)
            session.add(audit.row())
            if not address:
                return 0
            bodies = session.scalars(select(MembershipRow.body_id).where(MembershipRow.member_id == member))
            return open_channel(session, sorted(set(bodies)), channel, audit.at)

    def addresses(self, body_id: str) -> list[Recipient]:
        """A body's own addresses and its members', on every channel but e-mail, by channel and person."""
        with self.session() as session:
            own = select(AddressRow).where(AddressRow.body_id == body_id)
            found = [Recipient("", row.channel, row.address, row.format) for row in session.scalars(own)]
            members = (
                select(MemberRow.name, AddressRow)
                .join(AddressRow, AddressRow.member_id == MemberRow.id)
                .join(MembershipRow, MembershipRow.member_id == MemberRow.id)
                .where(MembershipRow.body_id == body_id)
                .distinct()
            )
            for name, row in session.execute(members):
                found.append(Recipient(name, row.channel, row.address, row.format))
        return sorted(found, key=lambda r: (r.channel, r.person, r.address))


def _set(session: Session, channel: str, address: str, form: str, owner: ColumnElement[bool], **owned: object) -> None:
    """The owner's address on `channel` replaced by `address` (none if empty)."""
    session.execute(delete(AddressRow).where(AddressRow.channel == channel, owner))
    if address:
        session.add(AddressRow(channel=channel, address=address, format=form, **owned))
