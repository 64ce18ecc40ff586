"""A meeting's links (its agenda, papers, minutes, video), kept with an audit entry per change."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from rules.errors import NotFound
from scheduler.papers import LinkKind, MeetingLink, in_order
from scheduler.store.audit import Audit
from scheduler.store.bulk import select_in
from scheduler.store.database import Database
from scheduler.store.tables import MeetingLinkRow, MeetingRow


class PapersStore(Database):
    """Meetings' links: read for many meetings at once, changed one meeting at a time."""

    def meeting_links(self, meeting_ids: Iterable[str]) -> dict[str, list[MeetingLink]]:
        """The links of these meetings, by meeting id (a meeting with none is left out)."""
        with self.session() as session:
            rows = sorted(
                select_in(session, MeetingLinkRow, MeetingLinkRow.meeting_id, meeting_ids), key=lambda row: row.id
            )
        found: dict[str, list[MeetingLink]] = {}
        for row in rows:
            found.setdefault(row.meeting_id, []).append(MeetingLink(LinkKind(row.kind), row.url))
        return {meeting_id: in_order(links) for meeting_id, links in found.items()}

    def set_meeting_links(
        self, meeting_id: str, add: Sequence[MeetingLink], remove: Sequence[str], audit: Audit
    ) -> tuple[list[MeetingLink], bool]:
        """Add links to a meeting and remove those at the URLs in `remove` (of any kind), in
        one transaction with `audit` (its detail told what changed); the links as they now
        stand, and whether anything changed."""
        with self.session() as session, session.begin():
            if session.get(MeetingRow, meeting_id) is None:
                raise NotFound(f"no meeting '{meeting_id}' in the store")
            have = {(row.kind, row.url): row for row in _rows(session, meeting_id)}
            removed = [key for key in have if key[1] in set(remove)]
            if removed:
                session.execute(delete(MeetingLinkRow).where(MeetingLinkRow.id.in_([have[key].id for key in removed])))
            added = [link for link in dict.fromkeys(add) if (link.kind, link.url) not in have]
            session.add_all(
                MeetingLinkRow(meeting_id=meeting_id, kind=link.kind, url=link.url, added_at=audit.at) for link in added
            )
            changed = bool(added or removed)
            if changed:
                detail = {
                    "added": [str(link) for link in added],
                    "removed": [f"{LinkKind(kind).label}: {url}" for kind, url in removed],
                }
                session.add(Audit(audit.at, audit.actor, audit.action, audit.target, detail).row())
            session.flush()
            now = in_order(MeetingLink(LinkKind(row.kind), row.url) for row in _rows(session, meeting_id))
        return now, changed


def _rows(session: Session, meeting_id: str) -> list[MeetingLinkRow]:
    query = select(MeetingLinkRow).where(MeetingLinkRow.meeting_id == meeting_id).order_by(MeetingLinkRow.id)
    return list(session.scalars(query))
