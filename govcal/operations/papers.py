"""A meeting's papers: the links the clerk gives it (agenda, papers, minutes, video),
added and removed with an audit entry, read for feeds, e-mails and pages.

Each link is checked as it comes in (`fields.web_url`, naming the field it came in:
"agenda", "papers", "minutes", "video"); a bad one changes nothing. A held meeting takes
papers as any other: its minutes and video come after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from govcal.operations import fields
from govcal.operations.context import Context
from rules.errors import RuleError
from scheduler.papers import LinkKind, MeetingLink
from scheduler.store.audit import Audit


@dataclass(frozen=True)
class Papers:
    """A meeting's links as they now stand, and whether a change changed them."""

    meeting_id: str
    links: list[MeetingLink]
    changed: bool = False

    @property
    def kinds(self) -> list[LinkKind]:
        """The kinds a link can be, in order (a form offers them)."""
        return list(LinkKind)

    def as_dict(self) -> dict[str, Any]:
        return {
            "meeting": self.meeting_id,
            "links": [{"kind": link.kind.value, "url": link.url} for link in self.links],
            "changed": self.changed,
        }


def meeting_papers(ctx: Context, meeting_id: str) -> Papers:
    """A kept meeting's links (`NotFound` for a meeting not kept)."""
    row = ctx.meeting_row(meeting_id)
    return Papers(row.id, ctx.store.meeting_links([row.id]).get(row.id, []))


def set_papers(
    ctx: Context,
    meeting_id: str,
    add: Mapping[str, Iterable[str]] | Iterable[tuple[str, str]] = (),
    remove: Iterable[str] = (),
    *,
    actor: str,
    now: dt.datetime,
) -> Papers:
    """Add links to a meeting (by kind: {"agenda": [URL, ...]} or (kind, URL) pairs) and
    remove those at URLs in `remove`; every value is checked first, so a bad one changes nothing."""
    pairs = [(kind, url) for kind, urls in add.items() for url in urls] if isinstance(add, Mapping) else list(add)
    adding = [_link(kind, url) for kind, url in pairs]
    removing = [fields.web_url(url, "remove") for url in remove]
    row = ctx.meeting_row(meeting_id)
    if removing:
        have = {link.url for link in ctx.store.meeting_links([row.id]).get(row.id, [])}
        missing = [url for url in removing if url not in have]
        if missing:
            raise RuleError(f"the meeting has no link '{missing[0]}' to remove", field="remove")
    links, changed = ctx.store.set_meeting_links(row.id, adding, removing, Audit(now, actor, "meeting:papers", row.id))
    return Papers(row.id, links, changed)


def _link(kind: str, url: str) -> MeetingLink:
    """One link from outside: its kind one of LinkKind's, its URL a web address (the error names the kind)."""
    chosen = LinkKind(fields.choice(kind, "kind", LinkKind))
    return MeetingLink(chosen, fields.web_url(url, chosen.value))
