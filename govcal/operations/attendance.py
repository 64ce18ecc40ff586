"""Apologies, named substitutes and the quorum forecast of a meeting yet to be held; the
clerk's one alert when a meeting is forecast inquorate.

A member sends apologies from their signed link (`links.apologies_link`, in their private
feed's event and the meeting notice) or the clerk records them; either way they are the
person's mark at the meeting (`scheduler.attendance.State`). The forecast is
`scheduler.attendance.forecast` over the body's members on the meeting's day and those
marks. `warn_before` working days before a meeting (the body's quorum setting, 5 by
default), a meeting forecast inquorate puts one alert in the outbox for its clerks, keyed
by the meeting: the reminder run sends it once, saying who is missing and each day the move
picker offers with its own forecast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from govcal.operations import fields, kept, links
from govcal.operations.context import Context
from govcal.operations.people import person
from govcal.page import ShownMeeting
from rules.errors import Conflict, RuleError
from rules.model import Body, Quorum
from scheduler.attendance import Forecast, Member, State, forecast
from scheduler.occurrences import Status
from scheduler.placement import picker_days
from scheduler.store.audit import Audit
from scheduler.store.tables import MeetingRow
from scheduler.workdays import WorkingCalendar, body_calendar, london_day

ALERT = "quorum"  # an alert's outbox row: the meeting's id and this, its offset key "inquorate"


@dataclass(frozen=True)
class MeetingForecast:
    """A meeting's quorum forecast: None where the terms of reference set no quorum, or
    (`members` False) no voting member of the body is on record to forecast from."""

    meeting: str
    body_name: str
    start: dt.datetime
    forecast: Forecast | None
    members: bool = True

    @property
    def unknown(self) -> str:
        """Why there is no forecast, in words."""
        if not self.members:
            return "no voting members on record to forecast from: add them to the body"
        return "the terms of reference set no quorum"

    @property
    def inquorate(self) -> bool:
        return self.forecast is not None and not self.forecast.quorate

    def as_dict(self) -> dict[str, Any]:
        said = self.forecast
        return {
            "meeting": self.meeting,
            "body": self.body_name,
            "start": self.start.isoformat(),
            "quorate": said.quorate if said is not None else None,
            "expected": list(said.expected) if said is not None else [],
            "apologies": list(said.apologies) if said is not None else [],
            "missing": list(said.missing) if said is not None else [self.unknown],
        }

    def lines(self) -> list[str]:
        """The forecast in words, a line each (the CLI's and the alert's)."""
        said = self.forecast
        if said is None:
            return [f"{self.body_name}: {self.unknown}"]
        lines = ["Forecast quorate" if said.quorate else "Forecast NOT quorate"]
        lines += [f"missing: {reason}" for reason in said.missing]
        lines.append(f"apologies: {', '.join(said.apologies) or 'none'}")
        lines.append(f"expected: {', '.join(said.expected) or 'no one'}")
        return lines


def meeting_forecast(ctx: Context, meeting_id: str) -> MeetingForecast:
    """Whom a kept meeting can expect, by its members on the day, their apologies and the
    substitutes named, and whether they make it quorate by the body's clause."""
    row = ctx.meeting_row(fields.text(meeting_id, "meeting", fields.ID))
    return forecasts(ctx, [row])[row.id]


def forecasts(ctx: Context, rows: Sequence[MeetingRow]) -> dict[str, MeetingForecast]:
    """The forecasts of many meetings (the grid's) from one read of the marks and one of
    their bodies' members."""
    marks = ctx.store.marks([row.id for row in rows])
    everyone = ctx.store.members_ever({row.body_id for row in rows if ctx.body(row.body_id).quorum is not None})
    found = {}
    for row in rows:
        body = ctx.body(row.body_id)
        if body.quorum is None:
            found[row.id] = MeetingForecast(row.id, body.name, row.start, None)
            continue
        members = _on(everyone.get(body.id, []), row.date)
        if not any(m.votes for m in members):  # no one on record: nothing to forecast from
            found[row.id] = MeetingForecast(row.id, body.name, row.start, None, members=False)
            continue
        found[row.id] = MeetingForecast(row.id, body.name, row.start, forecast(body.quorum, members, marks[row.id]))
    return found


def _on(members: Sequence[Member], day: dt.date) -> list[Member]:
    """The members holding a place on `day`: not yet gone (`Member.held_on` says why the day
    a place began does not bound it)."""
    return [m for m in members if m.held_on(day)]


def inquorate(ctx: Context, body_ids: Sequence[str], now: dt.datetime) -> frozenset[str]:
    """Which of these bodies' meetings, yet to begin and not cancelled, are forecast
    inquorate (the grid's flag)."""
    with_quorum = [b for b in body_ids if b in ctx.rules.bodies and ctx.rules.bodies[b].quorum is not None]
    rows = ctx.store.meetings(with_quorum, since=london_day(now)) if with_quorum else []
    upcoming = [r for r in rows if r.start > now and r.status != Status.CANCELLED]
    return frozenset(mid for mid, said in forecasts(ctx, upcoming).items() if said.inquorate)


def send_apologies(
    ctx: Context, meeting_id: str, people: Sequence[str], *, actor: str, now: dt.datetime, withdraw: bool = False
) -> MeetingForecast:
    """Record apologies for a meeting from each of `people` (PERSONs on its body that day),
    or withdraw them, all or none; answers the meeting's forecast."""
    row = _open_meeting(ctx, meeting_id)
    if not people:
        raise RuleError("name at least one person sending apologies", field="person")
    action = "attendance:attend" if withdraw else "attendance:apologies"
    named = [person(given, "person") for given in people]
    ctx.store.mark(row.id, named, None if withdraw else State.APOLOGIES, Audit(now, actor, action, row.id))
    return meeting_forecast(ctx, row.id)


def name_substitute(
    ctx: Context, meeting_id: str, substitute: str, for_member: str, *, actor: str, now: dt.datetime
) -> MeetingForecast:
    """Name who will stand in for a member at a meeting (both PERSONs on its body that day);
    answers the meeting's forecast."""
    row = _open_meeting(ctx, meeting_id)
    name, standing_for = person(substitute, "substitute"), person(for_member, "for")
    audit = Audit(now, actor, "attendance:substitute", row.id, {"for": standing_for})
    ctx.store.mark(row.id, [name], State.SUBSTITUTE, audit, standing_for)
    return meeting_forecast(ctx, row.id)


def _open_meeting(ctx: Context, meeting_id: str) -> MeetingRow:
    """A kept meeting that can take apologies: any but a cancelled one."""
    row = ctx.meeting_row(fields.text(meeting_id, "meeting", fields.ID))
    if row.status == Status.CANCELLED:
        raise Conflict(f"meeting '{row.id}' on {row.date:%a %d %b %Y} was cancelled: no one attends it")
    return row


def by_link(ctx: Context, link: links.Link, now: dt.datetime) -> MeetingForecast:
    """What a member's apologies link does once its button is pressed: apologies sent, or
    (its `attend` twin) withdrawn."""
    return send_apologies(
        ctx, link.deadline, [link.person], actor=links.actor(link), now=now, withdraw=link.action == "attend"
    )


@dataclass(frozen=True)
class Linked:
    """What a member's apologies link page shows: the meeting, where, and whether their
    apologies are kept for it."""

    meeting: ShownMeeting
    body: str
    location: str
    sent: bool


def linked(ctx: Context, link: links.Link) -> Linked:
    """The meeting an apologies link is for, as its page shows it."""
    row = ctx.meeting_row(link.deadline)
    who = ctx.store.person(person(link.person, "person"))
    marks = ctx.store.marks([row.id])[row.id]
    sent = any(p.person == who.id and p.state == State.APOLOGIES for p in marks)
    return Linked(kept.shown_meeting(row), ctx.body(row.body_id).name, row.location, sent)


# -- the alert ----------------------------------------------------------------------------


def queue_alerts(ctx: Context, now: dt.datetime) -> int:
    """Put in the outbox, once per meeting, an alert for each meeting to come whose body's
    warning day (`warn_before` working days before it) has come, forecast inquorate; how many."""
    today = london_day(now)
    warned = {b.id: (body_calendar(b), b.quorum.warn_before) for b in ctx.rules if b.quorum is not None}
    until = warned_until(today, max((days for _, days in warned.values()), default=0))
    rows = ctx.store.meetings(list(warned), since=today, until=until)
    upcoming = [r for r in rows if r.start > now and r.status != Status.CANCELLED]
    due = [r for r in upcoming if _warning_day(*warned[r.body_id], r.date) <= today]
    found = forecasts(ctx, due)
    return sum(ctx.store.queue_alert(r.body_id, f"{r.id}/{ALERT}", now) for r in due if found[r.id].inquorate)


def warned_until(today: dt.date, days: int) -> dt.date:
    """The last day a meeting whose warning day (`days` working days before it) has come by
    `today` can be on, in any nation's calendar, with room to spare: `days` working days
    are at most 7/5 of them in calendar days, and one more weekend and the longest run of
    bank holidays (four, Scotland's Christmas and New Year) fit in the 14 over twice that.
    So a tick reads the meetings of the next weeks, not the year's."""
    return today + dt.timedelta(days=2 * days + 14)


def _warning_day(working: WorkingCalendar, days: int, meeting_day: dt.date) -> dt.date:
    """The day a meeting's clerk is first told it is forecast inquorate: `days` working days before."""
    return working.working_days_before(meeting_day, days)


@dataclass(frozen=True)
class Alert:
    """What the clerk is told of a meeting forecast inquorate (said by a channel as a
    reminder is: `govcal.mail.Said`)."""

    key: str
    subject: str
    said: tuple[str, ...]
    link: str | None = None  # the meeting's panel, where govcal has an address

    def paragraphs(self) -> list[str]:
        return list(self.said)


def alert(ctx: Context, deadline_id: str, key: str, now: dt.datetime) -> Alert | None:
    """The alert an outbox row keyed `deadline_id` (a meeting's id and `/quorum`) sends at
    `now`: the meeting, who is missing, and the days the move picker offers each with its
    forecast; None when it no longer applies (the meeting begun, cancelled, or quorate again)."""
    row = ctx.store.meeting(deadline_id.removesuffix(f"/{ALERT}"))
    if row is None or row.status == Status.CANCELLED or row.start <= now:
        return None
    said, body = meeting_forecast(ctx, row.id), ctx.body(row.body_id)
    if said.forecast is None or said.forecast.quorate or body.quorum is None:
        return None
    paragraphs = [
        f"The meeting of the {body.name} on {row.start:%A %-d %B %Y at %H:%M}"
        + (f", {row.location}," if row.location else "")
        + " is forecast not to be quorate.",
        "What the quorum lacks: " + "; ".join(said.forecast.missing) + ".",
        f"Apologies from: {', '.join(said.forecast.apologies) or 'no one'}."
        f" Expected: {', '.join(said.forecast.expected) or 'no one'}.",
        "A substitute named for a member, or apologies withdrawn, may make it quorate; or it could move to one"
        " of these days (each with its forecast, from the members on the day, no apologies yet known):",
        "\n".join(_alternatives(ctx, body, body.quorum, row, now)),
    ]
    base = (ctx.settings.public_url or "").rstrip("/")
    page = f"{base}/admin/meeting?id={row.id}" if base else None
    if page:
        paragraphs.append(f"The meeting's page: {page}")
    subject = f"Forecast inquorate: {body.name}, {row.start:%a %d %b %Y}"
    return Alert(key, subject, tuple(paragraphs), page)


def _alternatives(ctx: Context, body: Body, rule: Quorum, row: MeetingRow, now: dt.datetime) -> list[str]:
    """The days the meeting's move picker offers that are still to come, each with its
    forecast by `rule` from the members on that day (no apologies known for it)."""
    offered = picker_days(row.date, body, body_calendar(body), ctx.planner.avoided(body))
    everyone = ctx.store.members(body.id, ever=True)
    lines = []
    for day in (d for d in offered if d.date > london_day(now)):
        said = forecast(rule, _on(everyone, day.date), [])
        verdict = "quorate" if said.quorate else "not quorate: " + "; ".join(said.missing)
        avoid = f" (the body would rather avoid it: {day.avoided})" if day.avoided else ""
        lines.append(f"{day.date:%a %d %b %Y}: {verdict}{avoid}")
    return lines
