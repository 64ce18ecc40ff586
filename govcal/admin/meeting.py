"""A meeting's panel and every change to it: why its date, the days it can move to, a move,
cancel, fix or addition previewed and then committed, and who attended once it is held."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from govcal.admin.common import Pages, day_asked, reason, to_body, to_meeting
from govcal.operations import Context, kept, meetings, notices, papers, people, planning
from govcal.operations.attendance import meeting_forecast, name_substitute, send_apologies
from govcal.page import ShownMeeting
from rules.dates import parse_date
from rules.errors import NotFound, RuleError
from rules.model import Body
from rules.phrases import parse_time
from scheduler.attendance import Member, Presence
from scheduler.occurrences import cycle_containing
from scheduler.placement import month_grid, picker_months
from scheduler.reminders import named_roles
from scheduler.workdays import body_calendar, london_day

DONE = {
    "move": "moved",
    "cancel": "cancelled",
    "fix": "fixed",
    "add": "added",
    "attendance": "attendance recorded",
    "apologies": "apologies recorded",
    "withdrawn": "apologies withdrawn",
    "substitute": "substitute named",
}
DONE |= {"papers": "its papers", "summons": "its notice, for the members not yet sent it"}  # admin/papers.py


def router(pages: Pages) -> APIRouter:
    """A meeting's panel, an edit's preview and its commit, and recording attendance."""
    family = APIRouter()
    ctx = pages.ctx

    @family.get("/meeting")
    def meeting(request: Request, id: str, done: str = "") -> Response:
        admin = pages.signed_in(request)
        return _panel(pages, request, admin, id, DONE.get(done, ""))

    @family.get("/preview")
    def preview(
        request: Request, action: str, id: str = "", body: str = "", date: str = "", time: str = ""
    ) -> Response:
        admin = pages.signed_in(request)
        asked = dict(request.query_params)
        try:
            date = date or day_asked(asked, "date")
        except RuleError as error:
            if not id:
                raise
            return _panel(pages, request, admin, id, "", asked, str(error))
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

    @family.post("/attendance/apologies")
    async def apologies(request: Request) -> Response:
        admin, form = await pages.posted(request)
        meeting_id, who = str(form.get("meeting", "")), str(form.get("person", ""))
        withdraw = form.get("withdraw") == "1"
        send_apologies(ctx, meeting_id, [who], actor=admin, now=pages.clock(), withdraw=withdraw)
        return RedirectResponse(to_meeting(meeting_id, done="withdrawn" if withdraw else "apologies"), 303)

    @family.post("/attendance/substitute")
    async def substitute(request: Request) -> Response:
        admin, form = await pages.posted(request)
        meeting_id = str(form.get("meeting", ""))
        substitute, standing_for = str(form.get("substitute", "")), str(form.get("for", ""))
        name_substitute(ctx, meeting_id, substitute, standing_for, actor=admin, now=pages.clock())
        return RedirectResponse(to_meeting(meeting_id, done="substitute"), 303)

    return family


def _panel(
    pages: Pages,
    request: Request,
    admin: str,
    meeting_id: str,
    done: str,
    asked: Mapping[str, str] = {},
    problem: str = "",
) -> Response:
    """A meeting's panel; with `problem` (400), the move form as it was typed and what is wrong with its date."""
    ctx, now = pages.ctx, pages.clock()
    shown = kept.panel(ctx, meeting_id)
    row = shown.meeting
    body = ctx.body(row.body)
    year = cycle_containing(body.cycle_start, row.date)
    explained = planning.explain(ctx, meeting_id, now=now, kept=True)
    findings = [f for f in planning.check_kept(ctx, body.id, year, now=now) if f.ok is False or f.warning]
    working, avoided = body_calendar(body), ctx.planner.avoided(body)
    months = [(m, month_grid(m, working, avoided)) for m in picker_months(row.date, body)]
    held = london_day(now) >= row.date
    started = explained.due is not None and explained.due <= now  # read-only but for attendance, papers
    listed = [*shown.deadlines, *shown.reports]
    members = {b: people.members(ctx, b) for b in {row.body} | {d.body for d in listed}}
    return pages.render(
        request,
        "meeting.html",
        400 if problem else 200,
        title=f"{row.title}, {row.date:%a %d %b %Y}",
        done=done,
        admin=admin,
        row=row,
        body=body,
        start=explained.due,
        explained=explained,
        deadlines=shown.deadlines,
        reports=shown.reports,
        about=_meetings_named(ctx, {d.meeting for d in listed if d.meeting}),
        whose=lambda d: whose(_who(ctx.body(d.body), d.rule), members[d.body], dict(ctx.body(d.body).roles)),
        findings=findings,
        months=months,
        held=held,
        started=started,
        today=london_day(now),
        members=members[row.body],
        present=shown.present if held else frozenset(),
        quorum=people.quorum_at(ctx, meeting_id) if held else None,
        asked=asked,
        problem=problem,
        problem_field="date-day" if problem else "",
        date_error=problem,
        papers=papers.meeting_papers(ctx, meeting_id),  # admin/meeting_papers.html
        notices=notices.notices_sent(ctx, meeting_id),
        forecast=meeting_forecast(ctx, meeting_id) if row.start > now else None,
    )


def whose(roles: Sequence[str], members: Sequence[Member], role_names: Mapping[str, str]) -> str:
    """Who a deadline falls to, by name: the body's members holding its roles, else the roles
    in words ("the clerk or Head of Commissioning (no one recorded)"), so the panel shows no id."""
    holding = named_roles(roles)  # "members": the body's voting members, as its reminders go to them
    named = [m.name for m in members if m.roles & holding]
    if named:
        return ", ".join(named)
    said = " or ".join(role_names.get(r, r.replace("-", " ")) for r in roles) or "body"
    return f"the {said} (no one recorded)"


def _who(body: Body, rule_id: str) -> tuple[str, ...]:
    """The roles a deadline rule of a body names (a report's: the clerk, unless it says)."""
    rules = {r.id: r.who for r in body.deadlines} | {r.id: r.who for r in body.reports}
    return rules.get(rule_id, ())


def _meetings_named(ctx: Context, meeting_ids: set[str]) -> dict[str, ShownMeeting]:
    """The kept meetings deadlines hang on, by id (one no longer kept left out)."""
    found = {}
    for meeting_id in meeting_ids:
        try:
            found[meeting_id] = kept.meeting(ctx, meeting_id)
        except NotFound:
            continue
    return found


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
        problem_field="reason",
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
