"""Feeds from the kept year: per body (public), per member (private), per clerk, all bodies.

Each operation reads the kept year and the rules and returns a `calendars.feed.Feed`
of plain `EventData`, so the faces (the server, the export) never read the store. A
body whose meetings are not open to the public appears only in its members' private
feeds. Cancelled meetings stay in feeds for a year after they were cancelled, so
subscribed calendars remove them. A clerk's deadlines carry alarms at the instants
the e-mail reminders go (`scheduler.reminders`), so calendar and inbox agree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from functools import cache

from calendars.event import ON_THE_PLANNER, EventData
from calendars.feed import Feed
from govcal.operations import links
from govcal.operations.context import Context
from govcal.wording import (
    calendar_name,
    deadline_title,
    due_at_the_meeting,
    for_the_meeting,
    marking_done,
    meeting_title,
)
from rules.model import Body, Role
from scheduler.edits import cancellation_reason
from scheduler.occurrences import Status
from scheduler.papers import MeetingLink, event_url, listed
from scheduler.reminders import BodyReminders, alarms
from scheduler.store.plans import FeedDeadline, FeedMeeting
from scheduler.store.tables import DeadlineRow, MeetingRow

KEEP_CANCELLED = dt.timedelta(days=366)


def _meeting_event(
    row: FeedMeeting,
    body: str,
    due: list[str],
    base_url: str | None,
    papers: Sequence[MeetingLink] = (),
) -> EventData:
    """A meeting as a member reads it: titled by what it is and whose (`body`, the name
    members know it by), where, what is due for it (`due`, a line each), what changed, its
    papers; no rules. Its URL is its papers (else its agenda), where linked."""
    lines = []
    if row.status == Status.CANCELLED:
        why = cancellation_reason(row.explanation)
        lines.append(f"This meeting is cancelled: {why}" if why else "This meeting is cancelled.")
    elif row.status == Status.MOVED and row.planned_date and row.planned_date != row.date:
        lines.append(f"Moved from {row.planned_date:%a %d %b %Y} to {row.date:%a %d %b %Y}.")
    elif row.status == Status.EXTRAORDINARY:
        lines.append(f"{row.explanation[:1].upper()}{row.explanation[1:]}.")  # who called it, and when
    elif row.status == Status.ADDED:
        lines.append("An additional meeting.")
    if row.location:
        lines.append(f"Where: {row.location}")
    lines += due
    if papers:
        lines.append(listed(papers))
    paper_url = event_url(papers)
    return EventData(
        uid=row.id,
        sequence=row.sequence,
        start=row.start,
        end=row.end,
        summary=meeting_title(
            body, extraordinary=row.status == Status.EXTRAORDINARY, cancelled=row.status == Status.CANCELLED
        ),
        location=row.location,
        description="\n".join(lines),
        cancelled=row.status == Status.CANCELLED,
        last_modified=row.updated_at,
        url=paper_url or (f"{base_url.rstrip('/')}/planner#{row.id}" if base_url else None),
        url_said="" if paper_url else ON_THE_PLANNER,  # the papers are listed above
    )


def _deadline_event(
    row: DeadlineRow,
    body_name: str,
    meeting: MeetingRow | None,
    due_at: MeetingRow | None,
    alarms: tuple[dt.datetime, ...],
    base_url: str | None,
) -> EventData:
    """A deadline in a clerk's calendar: what, for which body (`body_name`, the name members
    know it by) and meeting, with its alarms until it is done, then marked done; how the
    date was found at the end. `due_at`: the meeting it is due at, where a later one than
    the meeting it is about (minutes approved at the next meeting)."""
    due = row.due
    cancelled = row.status == Status.CANCELLED
    summary = deadline_title(
        row.name,
        body_name,
        meeting.start if meeting else None,
        due_at.start if due_at else None,
        done=row.done_at is not None,
        cancelled=cancelled,
    )
    lines = [f"Due {due:%a %d %b %Y %H:%M}."]
    if meeting is not None and due_at is not None:
        lines.append(due_at_the_meeting(meeting.start, due_at.start, due_at.location))
    elif meeting is not None:
        lines.append(for_the_meeting(meeting.start, meeting.location))
    if row.done_at is not None:
        lines.insert(0, f"Done {row.done_at:%a %d %b %Y %H:%M}.")
    else:
        lines.append(marking_done())
    lines.append(f"Why this date: {row.explanation}")
    description = "\n".join(lines)
    return EventData(
        uid=row.id,
        sequence=row.sequence,
        start=due,
        end=None,
        summary=summary,
        location="",
        description=description,
        cancelled=cancelled,
        last_modified=row.updated_at,
        url=f"{base_url.rstrip('/')}/planner#{row.meeting_id}" if base_url and row.meeting_id else None,
        alarms=() if row.done_at is not None else alarms,
    )


def _meeting_events(
    ctx: Context, body_ids: Collection[str], now: dt.datetime, base_url: str | None
) -> dict[str, list[EventData]]:
    """The events of these bodies' kept meetings, by body, from one read.

    A country's rows repeat a few instants many times over (one save's time, the usual
    meeting and deadline times), so each is written out once here."""
    when = cache(lambda moment: f"{moment:%a %d %b %Y %H:%M}")
    rows = ctx.store.feed_meetings(body_ids)
    rows = [m for m in rows if m.status != Status.CANCELLED or m.updated_at >= now - KEEP_CANCELLED]
    by_meeting: dict[str, list[FeedDeadline]] = defaultdict(list)
    for deadline in ctx.store.feed_deadlines(body_ids):
        by_meeting[deadline.meeting_id].append(deadline)
    papers = ctx.store.meeting_links(m.id for m in rows)
    events: dict[str, list[EventData]] = defaultdict(list)
    for m in rows:
        due = [f"{d.name}: {when(d.due)}" for d in sorted(by_meeting[m.id], key=lambda d: d.due)]
        events[m.body_id].append(_meeting_event(m, ctx.rules[m.body_id].called, due, base_url, papers.get(m.id, ())))
    return events


def _body_feed(body: Body, events: list[EventData]) -> Feed:
    return Feed(body.name, tuple(events), f"Meetings of {body.name}, planned by govcal")


def _all_feed(events: list[EventData]) -> Feed:
    return Feed("All bodies (govcal)", tuple(events), "Public meetings of every body")


def body_feed(ctx: Context, body_id: str, now: dt.datetime, base_url: str | None = None) -> Feed | None:
    """A body's public feed, or None for a body whose meetings are private."""
    body = ctx.rules[body_id]
    if not body.meetings.public:
        return None
    return _body_feed(body, _meeting_events(ctx, [body_id], now, base_url)[body_id])


def all_feed(ctx: Context, now: dt.datetime, base_url: str | None = None) -> Feed:
    """Every public body's meetings in one feed."""
    return public_feeds(ctx, now, base_url)[0]


def public_feeds(ctx: Context, now: dt.datetime, base_url: str | None = None) -> tuple[Feed, dict[str, Feed]]:
    """Every public feed from one read of the store: the all-bodies feed, and each public body's by id."""
    public = [b for b in ctx.rules if b.meetings.public]
    by_body = _meeting_events(ctx, [b.id for b in public], now, base_url)
    everything = _all_feed([event for body in public for event in by_body[body.id]])
    return everything, {body.id: _body_feed(body, by_body[body.id]) for body in public}


def _names(ctx: Context, bodies: Collection[str]) -> str:
    """The bodies' names as a calendar's description lists them: "the A, the B and the C"."""
    names = [f"the {ctx.rules[body_id].name}" for body_id in bodies]
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def member_feed(ctx: Context, member: str, now: dt.datetime, base_url: str | None = None) -> Feed:
    """A member's own feed: every body they sit on, private ones included."""
    bodies = [b for b in ctx.store.bodies_of(member) if b in ctx.rules.bodies]
    by_body = _meeting_events(ctx, bodies, now, base_url)
    events = tuple(event for body_id in bodies for event in by_body[body_id])
    return Feed(
        calendar_name(member, deadlines=False),
        _with_apologies(ctx, events, member, now, base_url) if base_url else events,
        f"Meetings of {_names(ctx, bodies)}" if bodies else "",
    )


def _with_apologies(
    ctx: Context, events: tuple[EventData, ...], member: str, now: dt.datetime, base_url: str
) -> tuple[EventData, ...]:
    """A member's meeting events, each not cancelled with a line carrying their own signed
    link to send apologies. The link expires as the meeting begins: the same bytes until
    the meeting changes, whenever the feed is read."""
    key = links.key(ctx, now)

    def link(event: EventData) -> str:
        return links.apologies_link(key, base_url, member, event.uid, event.start)

    return tuple(
        event
        if event.cancelled
        else dataclasses.replace(
            event,
            description="\n".join(
                filter(None, [event.description, f"To send apologies (until it begins): {link(event)}"])
            ),
        )
        for event in events
    )


def clerk_feed(ctx: Context, member: str, now: dt.datetime, base_url: str | None = None) -> Feed:
    """A clerk's deadlines, each with alarms when its e-mail reminders go."""
    store, rules = ctx.store, ctx.rules
    bodies = [b for b in store.bodies_of(member, Role.CLERK) if b in rules.bodies]
    events = []
    reminders_of = {body_id: BodyReminders(rules[body_id]) for body_id in bodies}
    meetings = {m.id: m for m in store.meetings(bodies)}
    for row in store.deadlines(bodies):
        if row.status == Status.CANCELLED and row.updated_at < now - KEEP_CANCELLED:
            continue
        planned = reminders_of[row.body_id](row.rule, row.date, row.due)
        meeting = meetings.get(row.meeting_id or "")
        due_at = meetings.get(row.counted_from or "")
        if due_at is not None and (meeting is None or due_at.id == meeting.id):
            due_at = None  # due for the meeting it is about: said once
        called = rules[row.body_id].called
        events.append(_deadline_event(row, called, meeting, due_at, alarms(planned), base_url))
    return Feed(f"{member}: deadlines", tuple(events), f"Deadlines of {_names(ctx, bodies)}" if bodies else "")


def private_feed(ctx: Context, member: str, now: dt.datetime, base_url: str | None = None) -> Feed:
    """A member's meetings and, for a clerk, their bodies' deadlines with alarms: one URL per person."""
    meetings = member_feed(ctx, member, now, base_url)
    deadlines = clerk_feed(ctx, member, now, base_url)
    if not deadlines.events:
        return meetings
    said = "; ".join(d for d in (meetings.description, deadlines.description) if d)
    return Feed(calendar_name(member, deadlines=True), meetings.events + deadlines.events, said, meetings.refresh)
