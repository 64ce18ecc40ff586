"""A meeting's panel and every change to it: why its date, the days it can move to, a move,
cancel, fix or addition previewed and then committed, and who attended once it is held."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from govcal.admin.common import Pages, reason, to_body, to_meeting
from govcal.operations import Context, kept, meetings, people, planning
from rules.dates import parse_date
from rules.model import Body
from rules.phrases import parse_time
from scheduler.attendance import Presence
from scheduler.occurrences import cycle_bounds, cycle_containing
from scheduler.preferences import Avoided
from scheduler.workdays import WorkingCalendar, body_calendar, london_day

DONE = {"move": "moved", "cancel": "cancelled", "fix": "fixed", "add": "added", "attendance": "attendance recorded"}


@dataclass(frozen=True)
class Day:
    """A day in a panel's date picker: a working day to move to, or why it is not one."""

    date: dt.date
    closed: str = ""  # why it is not a working day ("Saturday", "Christmas Day")
    avoided: str = ""  # why the body would rather not meet then (a preference, not a rule)


def month_grid(month: dt.date, working: WorkingCalendar, avoided: Avoided) -> list[list[Day | None]]:
    """A month as weeks Monday to Sunday, each day marked as the picker shows it."""
    return [
        [
            Day(day, working.reason(day) or "", avoided.why(day) or "") if day.month == month.month else None
            for day in week
        ]
        for week in calendar.Calendar().monthdatescalendar(month.year, month.month)
    ]


def picker_months(meeting_day: dt.date, body: Body) -> list[dt.date]:
    """The months a meeting can move to from its panel: its own and those either side, inside its cycle year."""
    first, last = cycle_bounds(body.cycle_start, cycle_containing(body.cycle_start, meeting_day))
    month = meeting_day.replace(day=1)
    around = [(month - dt.timedelta(days=1)).replace(day=1), month, (month + dt.timedelta(days=31)).replace(day=1)]
    return [m for m in around if first.replace(day=1) <= m <= last]


def router(pages: Pages) -> APIRouter:
    """A meeting's panel, an edit's preview and its commit, and recording attendance."""
    family = APIRouter()
    ctx = pages.ctx

    @family.get("/meeting")
    def meeting(request: Request, id: str, done: str = "") -> Response:
        admin = pages.signed_in(request)
        now = pages.clock()
        shown = kept.panel(ctx, id)
        row = shown.meeting
        body = ctx.body(row.body)
        year = cycle_containing(body.cycle_start, row.date)
        explained = planning.explain(ctx, id, now=now, kept=True)
        findings = [f for f in planning.check_kept(ctx, body.id, year, now=now) if f.ok is False or f.warning]
        working, avoided = body_calendar(body), ctx.planner.avoided(body)
        months = [(m, month_grid(m, working, avoided)) for m in picker_months(row.date, body)]
        held = london_day(now) >= row.date
        started = explained.due is not None and explained.due <= now  # read-only but for attendance, papers
        return pages.render(
            request,
            "meeting.html",
            title=f"{row.title}, {row.date:%a %d %b %Y}",
            done=DONE.get(done, ""),
            admin=admin,
            row=row,
            body=body,
            start=explained.due,
            explained=explained,
            deadlines=shown.deadlines,
            reports=shown.reports,
            findings=findings,
            months=months,
            held=held,
            started=started,
            today=london_day(now),
            members=people.members(ctx, body.id) if held else [],
            present=shown.present if held else frozenset(),
            quorum=people.quorum_at(ctx, id) if held else None,
        )

    @family.get("/preview")
    def preview(
        request: Request, action: str, id: str = "", body: str = "", date: str = "", time: str = ""
    ) -> Response:
        admin = pages.signed_in(request)
        fields = {"action": action, "id": id, "body": body, "date": date, "time": time}
        return _edit_preview(pages, request, admin, fields, problem="")

    @family.post("/edit")
    async def edit(request: Request) -> Response:
        admin, form = await pages.posted(request)
        fields = {name: str(form.get(name, "")) for name in ("action", "id", "body", "date", "time")}
        why = reason(form)
        result = meetings.edit_meeting(
            ctx,
            fields["action"],
            actor=admin,
            now=pages.clock(),
            force=bool(why),
            reason=why,
            history=False,
            **_edit(fields),
        )
        if not result.committed:
            return _edit_preview(
                pages, request, admin, fields, "Not changed: give a reason to go ahead despite the rules broken."
            )
        return RedirectResponse(to_meeting(result.meeting_id, done=fields["action"]), 303)

    @family.post("/attendance")
    async def attendance(request: Request) -> Response:
        admin, form = await pages.posted(request)
        meeting_id = str(form.get("meeting", ""))
        present = [Presence(str(name)) for name in form.getlist("present")]
        substitute, standing_for = str(form.get("substitute", "")).strip(), str(form.get("for", "")).strip()
        if substitute:
            present.append(Presence(substitute, standing_for or None))
        people.record_attendance(ctx, meeting_id, present, actor=admin, now=pages.clock())
        return RedirectResponse(to_meeting(meeting_id, done="attendance"), 303)

    return family


def _edit_preview(pages: Pages, request: Request, admin: str, fields: dict[str, str], problem: str) -> Response:
    """An edit made and discarded, shown with its form to commit it (400 with `problem` when refused)."""
    result = meetings.edit_meeting(
        pages.ctx, fields["action"], actor=admin, now=pages.clock(), preview=True, history=False, **_edit(fields)
    )
    return pages.render(
        request,
        "preview.html",
        400 if problem else 200,
        admin=admin,
        result=result,
        fields=fields,
        post="/admin/edit",
        what=_said(pages.ctx, fields),
        problem=problem,
        back=_back(fields),
    )


def _said(ctx: Context, fields: dict[str, str]) -> str:
    """What an edit is, in words, for the preview's heading."""
    row = kept.meeting(ctx, fields["id"]) if fields["id"] else None
    which = f"{row.title}, {row.date:%a %d %b %Y}," if row else ctx.body(fields["body"]).name
    on = f" to {parse_date(fields['date']):%a %d %b %Y}" if fields["date"] else ""
    at = f" at {fields['time']}" if fields["time"] else ""
    if fields["action"] == "add":
        return f"Add a meeting of {which}{on.replace(' to ', ' on ', 1)}{at}"
    what = {"move": "Move", "cancel": "Cancel", "fix": "Fix"}.get(fields["action"], "Change")
    return f"{what} {which}{on}{at}".rstrip(",")


def _edit(fields: dict[str, str]) -> dict[str, Any]:
    """An edit's form fields as the operation takes them; a `RuleError` naming a bad one."""
    return {
        "meeting_id": fields["id"] or None,
        "body_id": fields["body"] or None,
        "day": parse_date(fields["date"]) if fields["date"] else None,
        "time": parse_time(fields["time"]) if fields["time"] else None,
    }


def _back(fields: dict[str, str]) -> tuple[str, str]:
    """Where a preview leads back to: the meeting's panel, or for an addition the body's page."""
    if fields["id"]:
        return to_meeting(fields["id"]), "Back to the meeting"
    return to_body(fields["body"])
