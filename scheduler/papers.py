"""A meeting's papers: the links a clerk gives it (agenda, papers, minutes, video), and
which of them a calendar event points at.

One place says what the kinds are and in which order they are read, so a feed event, an
e-mail and a page list them alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import NamedTuple


class LinkKind(StrEnum):
    """What a meeting's link is, in the order they are listed."""

    AGENDA = "agenda"
    PAPERS = "papers"
    MINUTES = "minutes"
    VIDEO = "video"

    @property
    def label(self) -> str:
        return self.value.title()


class MeetingLink(NamedTuple):
    """One of a meeting's links."""

    kind: LinkKind
    url: str

    def __str__(self) -> str:
        return f"{self.kind.label}: {self.url}"


def in_order(links: Iterable[MeetingLink]) -> list[MeetingLink]:
    """Links by kind (agenda, papers, minutes, video), each kind's in the order they were given."""
    order = list(LinkKind)
    return sorted(links, key=lambda link: order.index(link.kind))


def event_url(links: Sequence[MeetingLink]) -> str | None:
    """The link a calendar event opens: the first papers', else the agenda's (None without either)."""
    for kind in (LinkKind.PAPERS, LinkKind.AGENDA):
        found = next((link.url for link in links if link.kind is kind), None)
        if found is not None:
            return found
    return None


def listed(links: Sequence[MeetingLink]) -> str:
    """The links one a line ("Agenda: URL"), for a DESCRIPTION or an e-mail; "" without any."""
    return "\n".join(map(str, in_order(links)))
