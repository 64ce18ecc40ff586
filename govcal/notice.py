"""What a meeting's notice to a member says: the summons (the meeting, its time and place,
its papers) or the notice that it is cancelled (and why).

The message is composed for one member at a time (`member_notice`), so what is a member's
own (their name, and links signed for them) goes in one place. It is sent by the same
channels as the reminders (`govcal.channels`), as plain text and the same as HTML.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scheduler.papers import MeetingLink, listed
from scheduler.reminders import NoticeKind, Recipient


@dataclass(frozen=True)
class NoticeMeeting:
    """The meeting a notice is about, as every member's notice says it."""

    body_name: str
    start: dt.datetime
    end: dt.datetime
    where: str
    links: tuple[MeetingLink, ...] = ()
    reason: str = ""  # why it is cancelled
    page: str | None = None  # the meeting on the public planner, where it is public and govcal has an address


@dataclass(frozen=True)
class Notice:
    """One member's notice of a meeting: its key (the outbox's, its Message-ID), whom it is
    for, what it is about."""

    key: str
    kind: NoticeKind
    member: str
    meeting: NoticeMeeting
    apologies: str | None = None  # the member's own signed link to send apologies (a summons)

    @property
    def link(self) -> str | None:
        return self.meeting.page

    @property
    def subject(self) -> str:
        meeting = self.meeting
        when = f"{meeting.start:%a %d %b %Y}"
        if self.kind is NoticeKind.CANCELLATION:
            return f"Cancelled: {meeting.body_name} meeting, {when}"
        return f"Notice of meeting: {meeting.body_name}, {when} at {meeting.start:%H:%M}"

    def paragraphs(self) -> list[str]:
        """The notice, in the words a clerk would write it."""
        meeting = self.meeting
        when = f"{meeting.start:%A %-d %B %Y}, {meeting.start:%H:%M} to {meeting.end:%H:%M}"
        place = f" at {meeting.where}" if meeting.where else ""
        lines = [f"Dear {self.member}," if self.member else "Dear member,"]
        if self.kind is NoticeKind.CANCELLATION:
            lines.append(f"The meeting of the {meeting.body_name} on {when}{place} is cancelled.")
            if meeting.reason:
                lines.append(f"The reason: {meeting.reason}")
        else:
            lines.append(f"You are summoned to the meeting of the {meeting.body_name} on {when}{place}.")
            papers = listed(meeting.links)
            lines.append(f"The papers:\n{papers}" if papers else "The papers will follow: none are linked yet.")
            if self.apologies:
                lines.append(f"If you cannot attend, send your apologies (until the meeting begins): {self.apologies}")
        if meeting.page:
            lines.append(f"On the year planner: {meeting.page}")
        lines.append(f"-- \nSent by govcal for the clerk of the {meeting.body_name}.")
        return lines


def member_notice(
    key: str, kind: NoticeKind, meeting: NoticeMeeting, member: Recipient, apologies: str | None = None
) -> Notice:
    """The notice for one member: what every member is told of the meeting, addressed to them,
    with their own link to send apologies (a summons only: a cancelled meeting takes none)."""
    said = apologies if kind is NoticeKind.SUMMONS else None
    return Notice(key, kind, member.person, meeting, said)
