"""The admin's planner in the browser: the year grid, a panel per meeting, every action.

Mounted at /admin by `govcal serve`. An admin signs in with their admin token (the API's)
and gets a session cookie: HTTP-only, SameSite=Strict, Secure when served over https,
scoped to /admin, lasting a working day or until they sign out. Without a session a page
redirects to the sign-in form and a form answers 401. Every form carries a CSRF token
derived from the session's secret (the sign-in form, one from its own cookie), and a
cross-origin post is refused whatever it carries.

Pages are server-rendered from `templates/admin/` with no script: links and forms only,
so they work with a keyboard, a screen reader and on a phone. A change is shown before it
is made: the panel's move, cancel, add and confirm go to a preview (a GET, which makes
the change through the operations layer and discards it) listing the rules it breaks
with their clauses, the preferences that give way and every date that follows it; only
the preview's form commits it, and forcing past a rule needs a reason, kept in the audit
trail. Every action is the same operation the CLI and the API call.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from govcal.clock import utc_now
from govcal.operations import Context, fields, kept, meetings, people, planning, reminders
from govcal.operations.access import (
    SESSION_LENGTH,
    TokenKind,
    Unauthorised,
    address,
    admin_of_session,
    create_token,
    feed_token_holders,
    revoke_tokens,
    rotate_token,
    sign_in,
    sign_out,
)
from govcal.page import PAGE_POLICY, Selection, default_first_month, first_month, planner_view, templates
from rules.dates import parse_date
from rules.errors import DatabaseUnavailable, GovcalError, NotFound, RuleError
from rules.model import Body
from rules.phrases import parse_time
from scheduler.attendance import Presence
from scheduler.extraordinary import Request as ExtraordinaryRequest
from scheduler.occurrences import cycle_bounds, cycle_containing
from scheduler.preferences import Avoided
from scheduler.workdays import LONDON, WorkingCalendar, body_calendar, london_day

SESSION = "govcal_session"
SIGNING_IN = "govcal_signin"  # the sign-in form's own CSRF cookie, before there is a session
HEADERS = {
    "Content-Security-Policy": PAGE_POLICY.replace("default-src 'none';", "default-src 'none'; script-src 'self';"),
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",  # links out carry no address; posts carry their Origin
    "X-Content-Type-Options": "nosniff",
}
REMINDERS_SHOWN = 500  # outbox rows a page lists, soonest first, for the state chosen
DONE = {"move": "moved", "cancel": "cancelled", "fix": "fixed", "add": "added", "attendance": "attendance recorded"}


class SignInFirst(Exception):
    """No live session: a page redirects to the sign-in form, a form answers 401."""


class Forged(Exception):
    """A form without this session's CSRF token, or posted from another origin: 403."""


def csrf_of(secret: str) -> str:
    """The token every form of a session carries: derived from the session's secret, which
    another site can neither read (HTTP-only cookie) nor guess."""
    return hmac.new(secret.encode(), b"govcal admin form", hashlib.sha256).hexdigest()


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


def admin_pages(ctx: Context, public_url: str | None = None, clock: Callable[[], dt.datetime] = utc_now) -> FastAPI:
    """The admin area as an app to mount at /admin; `clock` tells the time (the real one but in tests)."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        secret = request.cookies.get(SESSION, "")
        shared = {"csrf": csrf_of(secret) if secret else "", "static": f"{_base(request)}/static"}
        html = templates().get_template(f"admin/{template}").render(shared | values)
        return HTMLResponse(html, status_code=status, headers=HEADERS)

    def _base(request: Request) -> str:
        return (public_url or f"{request.url.scheme}://{request.url.netloc}").rstrip("/")

    def signed_in(request: Request) -> str:
        admin = admin_of_session(ctx, request.cookies.get(SESSION, ""), now=clock())
        if admin is None:
            raise SignInFirst
        return admin

    async def posted(request: Request) -> tuple[str, FormData]:
        """The signed-in admin and their form, once its origin and CSRF token are checked."""
        admin = signed_in(request)
        form = await request.form()
        _same_origin(request)
        if not hmac.compare_digest(str(form.get("csrf", "")), csrf_of(request.cookies[SESSION])):
            raise Forged
        return admin, form

    app.exception_handler(DatabaseUnavailable)(ctx.outage.handler)

    @app.exception_handler(SignInFirst)
    async def _sign_in_first(request: Request, _: SignInFirst) -> Response:
        if request.method in ("GET", "HEAD"):
            path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse("/admin/login?" + urlencode({"next": path}), status_code=303)
        return render(request, "message.html", 401, title="Sign in first", lines=["Your session has ended."])

    @app.exception_handler(Forged)
    async def _forged(request: Request, _: Forged) -> Response:
        lines = ["This form did not come from this session's admin pages. Reload the page and try again."]
        return render(request, "message.html", 403, title="Form refused", lines=lines)

    @app.exception_handler(RequestValidationError)
    async def _malformed(request: Request, error: RequestValidationError) -> Response:
        said = "; ".join(f"{'.'.join(str(part) for part in e['loc'][1:])}: {e['msg']}" for e in error.errors())
        return render(request, "message.html", 400, title="Not done", problem=said, lines=[])

    @app.exception_handler(GovcalError)
    async def _refused(request: Request, error: GovcalError) -> Response:
        """Each kind of error at its own status (`rules.errors`), on a page with the reason."""
        return render(request, "message.html", error.http_status, title="Not done", problem=str(error), lines=[])

    # -- signing in and out ------------------------------------------------------------

    @app.get("/login")
    def login_form(request: Request, next: str = "/admin/") -> Response:
        return _login_page(request, next, "", 200)

    def _login_page(request: Request, next_page: str, problem: str, status: int) -> Response:
        nonce = secrets.token_urlsafe(32)
        response = render(
            request, "login.html", status, title="Sign in", nonce=nonce, next=_local(next_page), problem=problem
        )
        _set_cookie(response, SIGNING_IN, nonce, max_age=3600, path="/admin/login", secure=_secure(request))
        return response

    @app.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        _same_origin(request)
        nonce = request.cookies.get(SIGNING_IN, "")
        if not nonce or not hmac.compare_digest(str(form.get("csrf", "")), nonce):
            raise Forged
        next_page = _local(str(form.get("next", "/admin/")))
        try:
            session = sign_in(ctx, str(form.get("token", "")).strip(), now=clock())
        except Unauthorised:
            return _login_page(request, next_page, "That is not a live admin token.", 401)
        response = RedirectResponse(next_page, status_code=303)
        length = int(SESSION_LENGTH.total_seconds())
        _set_cookie(response, SESSION, session.secret, max_age=length, path="/admin", secure=_secure(request))
        response.delete_cookie(SIGNING_IN, path="/admin/login")
        return response

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        admin, _ = await posted(request)
        sign_out(ctx, request.cookies[SESSION], actor=admin, now=clock())
        response = RedirectResponse("/admin/login", status_code=303)
        response.delete_cookie(SESSION, path="/admin")
        return response

    def _secure(request: Request) -> bool:
        return request.url.scheme == "https" or (public_url or "").startswith("https://")

    # -- the year grid and a meeting's panel ------------------------------------------

    @app.get("")
    @app.get("/")
    def grid(request: Request, start: str | None = None, q: str = "", page: int = 1) -> Response:
        admin = signed_in(request)
        first = first_month(start) if start else default_first_month(london_day(clock()))
        selection = Selection(" ".join(q[:200].split()), max(1, page))
        shown = planning.shown(ctx, selection, private=True)
        if shown is None:
            raise NotFound(f"there is no page {page} of bodies for that search")
        view = planner_view(
            shown.bodies,
            first,
            shown.meetings,
            shown.deadlines,
            shown.findings,
            ctx.planner.terms,
            _base(request),
            private=True,
            selection=selection,
            total=shown.total,
            meeting_link=_to_meeting,
            body_link=lambda body_id: _to_body(body_id)[0],
        )
        return render(request, "grid.html", admin=admin, **view)

    @app.get("/meeting")
    def meeting(request: Request, id: str, done: str = "") -> Response:
        admin = signed_in(request)
        now = clock()
        shown = kept.panel(ctx, id)
        row = shown.meeting
        body = ctx.body(row.body)
        year = cycle_containing(body.cycle_start, row.date)
        explained = planning.explain(ctx, id, now=now, kept=True)
        findings = [f for f in planning.check_kept(ctx, body.id, year) if f.ok is False or f.warning]
        working, avoided = body_calendar(body), ctx.planner.avoided(body)
        months = [(m, month_grid(m, working, avoided)) for m in picker_months(row.date, body)]
        held = london_day(now) >= row.date
        return render(
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
            members=people.members(ctx, body.id) if held else [],
            present=shown.present if held else frozenset(),
            quorum=people.quorum_at(ctx, id) if held else None,
        )

    # -- editing a meeting: preview, then commit ----------------------------------------

    @app.get("/preview")
    def preview(
        request: Request, action: str, id: str = "", body: str = "", date: str = "", time: str = ""
    ) -> Response:
        admin = signed_in(request)
        fields = {"action": action, "id": id, "body": body, "date": date, "time": time}
        return _edit_preview(request, admin, fields, problem="")

    def _edit_preview(request: Request, admin: str, fields: dict[str, str], problem: str) -> Response:
        result = meetings.edit_meeting(ctx, fields["action"], actor=admin, now=clock(), preview=True, **_edit(fields))
        return render(
            request,
            "preview.html",
            400 if problem else 200,
            admin=admin,
            result=result,
            fields=fields,
            post="/admin/edit",
            what=_said(fields),
            problem=problem,
            back=_back(fields),
        )

    @app.post("/edit")
    async def edit(request: Request) -> Response:
        admin, form = await posted(request)
        fields = {name: str(form.get(name, "")) for name in ("action", "id", "body", "date", "time")}
        reason = _reason(form)
        result = meetings.edit_meeting(
            ctx, fields["action"], actor=admin, now=clock(), force=bool(reason), reason=reason, **_edit(fields)
        )
        if not result.committed:
            return _edit_preview(
                request, admin, fields, "Not changed: give a reason to go ahead despite the rules broken."
            )
        return RedirectResponse(_to_meeting(result.meeting_id, done=fields["action"]), 303)

    def _said(fields: dict[str, str]) -> str:
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

    # -- a body: members, feed links, new and extraordinary meetings -------------------------

    @app.get("/body")
    def body_page(request: Request, id: str) -> Response:
        admin = signed_in(request)
        body = ctx.body(id)
        links = feed_token_holders(ctx)
        return render(
            request,
            "body.html",
            admin=admin,
            body=body,
            members=people.members(ctx, body.id),
            links=links,
            roles=body.role_ids,
            today=london_day(clock()),
        )

    @app.post("/members")
    async def member_change(request: Request) -> Response:
        admin, form = await posted(request)
        body_id, name = str(form.get("body", "")), str(form.get("name", ""))
        if form.get("remove"):
            done = people.remove_member(ctx, body_id, name, str(form.get("role", "")) or None, actor=admin, now=clock())
        else:
            done = people.add_member(
                ctx,
                body_id,
                name,
                str(form.get("role", "member")),
                organisation=str(form.get("organisation", "")),
                email=str(form.get("email", "")),
                actor=admin,
                now=clock(),
            )
        return render(request, "message.html", admin=admin, title="Members", lines=[str(done)], back=_to_body(body_id))

    @app.get("/extraordinary")
    def extraordinary(
        request: Request,
        body: str,
        received: str,
        requested_by: str = "",
        seconded_by: str = "",
        chair: str = "",
        confirm: str = "",
    ) -> Response:
        admin = signed_in(request)
        fields = {
            "body": body,
            "received": received,
            "requested_by": requested_by,
            "seconded_by": seconded_by,
            "chair": chair,
            "confirm": confirm,
        }
        return _extraordinary_page(request, admin, fields, "")

    def _extraordinary_page(request: Request, admin: str, fields: dict[str, str], problem: str) -> Response:
        confirm = parse_date(fields["confirm"]) if fields["confirm"] else None
        answer = meetings.extraordinary(
            ctx,
            fields["body"],
            _asked(fields),
            confirm=confirm,
            actor=admin,
            now=clock(),
            preview=confirm is not None,
        )
        if answer.confirmed is None:
            return render(
                request,
                "extraordinary.html",
                admin=admin,
                body=ctx.body(fields["body"]),
                answer=answer,
                fields=fields,
                link=lambda day: "/admin/extraordinary?" + urlencode(fields | {"confirm": day.isoformat()}),
            )
        return render(
            request,
            "preview.html",
            400 if problem else 200,
            admin=admin,
            result=answer.confirmed,
            fields=fields,
            post="/admin/extraordinary",
            what=f"Confirm an extraordinary meeting of {ctx.body(fields['body']).name} on {confirm:%a %d %b %Y}",
            problem=problem,
            back=_to_body(fields["body"]),
        )

    @app.post("/extraordinary")
    async def confirm_extraordinary(request: Request) -> Response:
        admin, form = await posted(request)
        names = ("body", "received", "requested_by", "seconded_by", "chair", "confirm")
        fields = {name: str(form.get(name, "")) for name in names}
        reason = _reason(form)
        answer = meetings.extraordinary(
            ctx,
            fields["body"],
            _asked(fields),
            confirm=parse_date(fields["confirm"]),
            force=bool(reason),
            reason=reason,
            actor=admin,
            now=clock(),
        )
        if answer.confirmed is None:
            raise RuleError("choose the day to confirm")
        if not answer.confirmed.committed:
            problem = "Not confirmed: give a reason to go ahead despite the notice rule or the rules broken."
            return _extraordinary_page(request, admin, fields, problem)
        return RedirectResponse(_to_meeting(answer.confirmed.meeting_id, done="add"), 303)

    # -- re-planning -----------------------------------------------------------------------

    @app.get("/replan")
    def replan_page(request: Request, year: str | None = None) -> Response:
        admin = signed_in(request)
        now = clock()
        if year is None:
            return render(request, "replan.html", admin=admin, year=_this_cycle(now), diff=None, done=False)
        chosen = fields.cycle_year(year)
        diff = planning.keep_year(ctx, [chosen], actor=admin, now=now, preview=True)
        return render(request, "replan.html", admin=admin, year=chosen, diff=diff, done=False)

    @app.post("/replan")
    async def replan(request: Request) -> Response:
        admin, form = await posted(request)
        year = fields.cycle_year(str(form.get("year", "")))
        diff = planning.keep_year(ctx, [year], actor=admin, now=clock())
        return render(request, "replan.html", admin=admin, year=year, diff=diff, done=True)

    # -- feed links ------------------------------------------------------------------------

    @app.get("/feed-links")
    def feed_links(request: Request) -> Response:
        admin = signed_in(request)
        return render(request, "feed_links.html", admin=admin, links=sorted(feed_token_holders(ctx).items()))

    @app.post("/feed-links")
    async def feed_link_change(request: Request) -> Response:
        admin, form = await posted(request)
        name, action = str(form.get("name", "")).strip(), str(form.get("action", ""))
        now = clock()
        if action == "revoke":
            revoked = revoke_tokens(ctx, TokenKind.FEED, name, actor=admin, now=now)
            lines = [
                f"Revoked {name}'s feed link: it now answers 404." if revoked else f"{name} had no live feed link."
            ]
            return render(request, "message.html", admin=admin, title="Feed link revoked", lines=lines, back=_links())
        if action not in ("create", "rotate"):
            raise RuleError("choose create, rotate or revoke")
        issue = create_token if action == "create" else rotate_token
        token = issue(ctx, TokenKind.FEED, name, actor=admin, now=now)
        return render(
            request, "feed_link.html", admin=admin, name=name, https=address(_base(request), TokenKind.FEED, token)
        )

    # -- reminders ---------------------------------------------------------------------------

    @app.get("/reminders")
    def reminder_page(request: Request, state: str = "pending") -> Response:
        admin = signed_in(request)
        chosen = reminders.outbox(ctx, state, REMINDERS_SHOWN)
        counts = reminders.outbox_counts(ctx)
        deadlines = kept.deadlines_named(ctx, {r["deadline"] for r in chosen})
        return render(
            request,
            "reminders.html",
            admin=admin,
            state=state,
            counts=counts,
            rows=chosen,
            deadlines=deadlines,
            shown=REMINDERS_SHOWN,
        )

    @app.post("/deadlines")
    async def deadline_done(request: Request) -> Response:
        admin, form = await posted(request)
        deadline, done = str(form.get("id", "")), form.get("done") == "1"
        changed = reminders.mark_done(ctx, deadline, actor=admin, now=clock(), done=done)
        said = f"{deadline}: {'done' if done else 'open again'}" + ("" if changed else " (it already was)")
        return render(
            request,
            "message.html",
            admin=admin,
            title="Deadline",
            lines=[said],
            back=_reminders(),
            undo=(deadline, done),
        )

    # -- attendance ------------------------------------------------------------------------

    @app.post("/attendance")
    async def attendance(request: Request) -> Response:
        admin, form = await posted(request)
        meeting_id = str(form.get("meeting", ""))
        present = [Presence(str(name)) for name in form.getlist("present")]
        substitute, standing_for = str(form.get("substitute", "")).strip(), str(form.get("for", "")).strip()
        if substitute:
            present.append(Presence(substitute, standing_for or None))
        people.record_attendance(ctx, meeting_id, present, actor=admin, now=clock())
        return RedirectResponse(_to_meeting(meeting_id, done="attendance"), 303)

    return app


def _same_origin(request: Request) -> None:
    """Refuse a post another site's page sent: the browser says so (Sec-Fetch-Site), or its
    Origin names another host. (Beside the CSRF token, for browsers that send either.)"""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site != "same-origin":
        raise Forged
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        raise Forged


def _local(path: str) -> str:
    """Where to go after signing in: an admin page of this site only, never another site's."""
    return path if path.startswith("/admin/") and not path.startswith("//") and "\\" not in path else "/admin/"


def _this_cycle(now: dt.datetime) -> int:
    """The cycle year most bodies are in at `now`: the one starting in April."""
    return default_first_month(london_day(now)).year


def _asked(fields: dict[str, str]) -> ExtraordinaryRequest:
    """An extraordinary meeting's request from its form: received when, asked by whom."""
    try:
        received = dt.datetime.fromisoformat(fields["received"])
    except ValueError:
        raise RuleError(
            f"received must be a date and time, e.g. 2026-12-18T10:00, not '{fields['received']}'"
        ) from None
    received = received if received.tzinfo else received.replace(tzinfo=LONDON)
    by_chair = fields["chair"] == "1"
    return ExtraordinaryRequest(received, fields["requested_by"] or None, fields["seconded_by"] or None, by_chair)


def _back(fields: dict[str, str]) -> tuple[str, str]:
    if fields["id"]:
        return _to_meeting(fields["id"]), "Back to the meeting"
    return _to_body(fields["body"])


def _to_meeting(meeting_id: str, done: str = "") -> str:
    """A meeting's panel, saying what was just done to it if anything."""
    return "/admin/meeting?" + urlencode({"id": meeting_id} | ({"done": done} if done else {}))


def _set_cookie(response: Response, name: str, value: str, *, max_age: int, path: str, secure: bool) -> None:
    """A cookie scripts cannot read and other sites' requests do not carry."""
    response.set_cookie(name, value, max_age=max_age, path=path, secure=secure, httponly=True, samesite="strict")


def _reason(form: FormData) -> str:
    """Why an admin forces past a rule, on one line (the operation holds it to `fields.REASON` characters)."""
    return " ".join(str(form.get("reason", "")).split())


def _to_body(body_id: str) -> tuple[str, str]:
    return "/admin/body?" + urlencode({"id": body_id}), "Back to the body"


def _links() -> tuple[str, str]:
    return "/admin/feed-links", "Back to feed links"


def _reminders() -> tuple[str, str]:
    return "/admin/reminders", "Back to reminders"
