"""The kept year as the faces read it: meetings and deadlines as frozen values
(`govcal.page.ShownMeeting`, `ShownDeadline`), never the store's rows, and a meeting's
panel for the admin's pages."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from govcal.operations.context import Context
from govcal.page import ShownDeadline, ShownMeeting
from scheduler.occurrences import Status

if TYPE_CHECKING:  # imported where used, so the command line starts quickly
    from scheduler.store.tables import DeadlineRow, MeetingRow


def shown_meeting(row: MeetingRow) -> ShownMeeting:
    """A kept meeting's row as a value."""
    return ShownMeeting(
        row.id,
        row.body_id,
        row.cycle,
        row.date,
        row.start,
        row.title,
        row.status,
        row.manual,
        row.sequence,
        row.explanation,
    )


def shown_deadline(row: DeadlineRow) -> ShownDeadline:
    """A kept deadline's row as a value."""
    return ShownDeadline(
        row.id,
        row.body_id,
        row.rule,
        row.name,
        row.date,
        row.due,
        row.status,
        row.done_at is not None,
        row.explanation,
        row.meeting_id,
        row.counted_from,
    )


def meeting(ctx: Context, meeting_id: str) -> ShownMeeting:
    """A kept meeting, or `NotFound` saying how to get one."""
    return shown_meeting(ctx.meeting_row(meeting_id))


def meetings(ctx: Context, body_ids: Collection[str] | None = None) -> list[ShownMeeting]:
    """The kept meetings of these bodies (None: of every body), in date order, with their papers."""
    return shown_meetings(ctx, ctx.store.meetings(body_ids))


def shown_meetings(ctx: Context, rows: Sequence[MeetingRow]) -> list[ShownMeeting]:
    """Kept meetings' rows as values, in their order, with their papers."""
    papers = ctx.store.meeting_links(row.id for row in rows)
    return [replace(shown_meeting(row), papers=tuple(papers.get(row.id, ()))) for row in rows]


def deadlines(ctx: Context, body_ids: Collection[str] | None = None) -> list[ShownDeadline]:
    """The kept deadlines of these bodies (None: of every body), in date order."""
    return [shown_deadline(row) for row in ctx.store.deadlines(body_ids)]


def deadlines_named(ctx: Context, deadline_ids: Collection[str]) -> dict[str, ShownDeadline]:
    """The kept deadlines with these ids, by id (the unknown left out)."""
    return {row.id: shown_deadline(row) for row in ctx.store.deadlines_named(deadline_ids)}


@dataclass(frozen=True)
class Panel:
    """A kept meeting as the admin's panel shows it: the meeting, the deadlines kept for it
    or counted from it (reports to it too), the reports it answers for, and who came."""

    meeting: ShownMeeting
    deadlines: list[ShownDeadline]
    reports: list[ShownDeadline]
    present: frozenset[str]


def panel(ctx: Context, meeting_id: str) -> Panel:
    """A kept meeting's panel (`NotFound` for one not kept)."""
    row = ctx.meeting_row(meeting_id)
    return Panel(
        shown_meeting(row),
        [shown_deadline(d) for d in ctx.store.deadlines_of_meeting(meeting_id)],
        [shown_deadline(d) for d in _reports_answered(ctx, row)],
        frozenset(p.name for p in ctx.store.attendance(meeting_id)),
    )


def _reports_answered(ctx: Context, meeting: MeetingRow) -> list[DeadlineRow]:
    """The kept reports a meeting of the reporting body answers for: those due at most the
    report rule's `within` after it (the meeting they follow), in date order."""
    rules = {rule.id: rule for rule in ctx.body(meeting.body_id).reports}
    return [
        row
        for row in ctx.store.deadlines([meeting.body_id])
        if row.rule in rules
        and row.status != Status.CANCELLED
        and meeting.date <= row.date <= meeting.date + rules[row.rule].within
    ]
