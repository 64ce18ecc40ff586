"""The admin API: the operations as JSON over HTTP, for admin tokens only.

Every request carries `Authorization: Bearer <token>` (401 without one, 403 for an
unknown or revoked one; `govcal admin token create NAME` makes one). A user's mistake is a 4xx with a reason and changes
nothing: 400 bad input, 404 unknown body or meeting, 409 an edit that would break
a rule (send `force: true` to accept it knowingly) or change a meeting already held (send
`force: true` and a `reason`), 422 a request that does not fit the
schema (each error's place and reason; the value sent is not repeated back). The OpenAPI schema is served
at /openapi.json, and its pages at /docs and /redoc from govcal's own files (they
work with no network).

Each route parses its request, calls one function of `govcal.operations` (the same
one the CLI calls) and returns what it answers.
"""

# No `from __future__ import annotations`: FastAPI reads these annotations at run time,
# and the `Admin` dependency below is local to `create_app`.
import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field

from govcal.clock import utc_now
from govcal.operations import (
    Context,
    attendance,
    channels,
    kept,
    meetings,
    notices,
    papers,
    people,
    planning,
    reminders,
)
from govcal.operations.access import admin_of
from govcal.operations.channels import URL
from govcal.operations.fields import BODY_ID, EMAIL, FIRST_CYCLE, ID, LAST_CYCLE, NAME, REASON
from govcal.operations.reminders import MAX_DIGEST_DAYS
from govcal.page import ShownMeeting
from rules.errors import DatabaseUnavailable, GovcalError
from rules.loader import ID_PATTERN
from rules.phrases import parse_time
from scheduler.attendance import Presence
from scheduler.extraordinary import Request as ExtraordinaryRequest

TIME = r"^([01]?\d|2[0-3]):[0-5]\d$"


class PlanRequest(BaseModel):
    year: int = Field(ge=FIRST_CYCLE, le=LAST_CYCLE, description="cycle year, by the calendar year it starts in")
    bodies: list[Annotated[str, Field(pattern=ID_PATTERN, max_length=BODY_ID)]] | None = Field(
        default=None, max_length=500
    )


class EditRequest(BaseModel):
    action: Literal["move", "add", "cancel", "fix"]
    id: str | None = Field(default=None, max_length=ID, description="the meeting (move, cancel, fix)")
    body: str | None = Field(default=None, pattern=ID_PATTERN, max_length=BODY_ID, description="the body (add)")
    date: dt.date | None = None
    time: str | None = Field(default=None, pattern=TIME)
    force: bool = False
    reason: str = Field(
        default="", max_length=REASON, description="why (cancel: required, published to members; with force: audited)"
    )


class ExtraordinaryBody(BaseModel):
    body: str = Field(pattern=ID_PATTERN, max_length=BODY_ID)
    received: dt.datetime
    requested_by: str | None = Field(default=None, max_length=NAME)
    seconded_by: str | None = Field(default=None, max_length=NAME)
    chair: bool = False
    confirm: dt.date | None = Field(default=None, description="put this proposed day in the kept schedule")
    force: bool = False


class DoneBody(BaseModel):
    id: str = Field(
        min_length=1, max_length=ID, description="the deadline, e.g. worcestershire-jcb/2026-27/meeting-05/papers"
    )


class LinkBody(BaseModel):
    kind: Literal["agenda", "papers", "minutes", "video"]
    url: str = Field(max_length=URL, description="an http(s) address")


class PapersBody(BaseModel):
    id: str = Field(min_length=1, max_length=ID, description="the meeting, e.g. worcestershire-jcb/2026-27/meeting-05")
    add: list[LinkBody] = Field(default=[], max_length=50, description="links to add")
    remove: list[Annotated[str, Field(max_length=URL)]] = Field(
        default=[], max_length=50, description="the addresses of links to remove"
    )


class MeetingBody(BaseModel):
    id: str = Field(min_length=1, max_length=ID, description="the meeting, e.g. worcestershire-jcb/2026-27/meeting-05")


class MemberBody(BaseModel):
    body: str = Field(pattern=ID_PATTERN, max_length=BODY_ID)
    name: str = Field(
        min_length=1,
        max_length=NAME,
        description="a new person's name; or a PERSON: an address, or a name no one else has",
    )
    role: str = Field(
        default="member",
        pattern=ID_PATTERN,
        max_length=BODY_ID,
        description="built-in, or declared by the rules",
    )
    organisation: str = Field(default="", max_length=NAME)
    email: str = Field(default="", max_length=EMAIL)


class DigestBody(BaseModel):
    name: str = Field(min_length=1, max_length=NAME, description="a PERSON: an address, or a name no one else has")
    days: int | None = Field(ge=1, le=MAX_DIGEST_DAYS, description="working days ahead; null stops the digest")


class WebhookBody(BaseModel):
    body: str | None = Field(default=None, pattern=ID_PATTERN, max_length=BODY_ID, description="a body's own webhook")
    member: str | None = Field(default=None, min_length=1, max_length=NAME, description="or a member's, by name")
    url: str | None = Field(max_length=URL, description="the incoming webhook's URL; null takes it away")
    format: Literal["slack", "teams"] | None = Field(
        default=None, description="the payload it takes; default: from a Slack or Teams URL's host"
    )


class PresentBody(BaseModel):
    name: str = Field(min_length=1, max_length=NAME, description="a PERSON on the body: an address, or a name")
    for_member: str | None = Field(
        default=None, max_length=NAME, description="set when a named substitute: the PERSON they stood in for"
    )


class AttendanceBody(BaseModel):
    meeting: str = Field(max_length=ID)
    present: list[PresentBody] = Field(max_length=500)


class ApologiesBody(BaseModel):
    meeting: str = Field(max_length=ID)
    people: list[Annotated[str, Field(max_length=NAME)]] = Field(min_length=1, max_length=500)
    withdraw: bool = Field(default=False, description="take the apologies back: they will attend")


class SubstituteBody(BaseModel):
    meeting: str = Field(max_length=ID)
    substitute: str = Field(max_length=NAME)
    for_member: str = Field(max_length=NAME)


class Problem(BaseModel):
    detail: str = Field(description="what is wrong, and what would be right")


# -- what the routes answer: the schema's response types ---------------------------------


class BodyAnswer(BaseModel):
    id: str
    name: str
    frequency: str | None = Field(description="how often it meets, as its terms of reference say")


class MeetingAnswer(BaseModel):
    id: str
    body: str
    cycle: str
    date: dt.date
    status: str
    sequence: int = Field(description="the iCalendar SEQUENCE: one more each time it changed")
    manual: bool = Field(description="set by an admin: a re-plan never moves it")
    explanation: str


class PlanAnswer(BaseModel):
    added: int
    moved: list[str]
    updated: int
    cancelled: list[str]
    conflicts: list[str] = Field(description="meetings an admin set that the rules would now move: left as set")
    left_alone: list[str] = Field(description="what the rules would change in the past: left as it was")


class EditAnswer(BaseModel):
    id: str
    committed: bool
    breaks: list[str] = Field(description="the rules the change breaks (refused unless forced)")
    warnings: list[str] = Field(description="preferences it newly gives way on: allowed, said")
    deadlines: str = Field(description="what moved with it, counted")
    notice: str
    start: dt.datetime | None
    status: str | None
    followed: list[str] = Field(description="what moved with it, in words with the new dates")


class FindingAnswer(BaseModel):
    body: str
    cycle: str
    rule: str
    ref: str = Field(description="the rule's reference in the seeds' catalogue, e.g. F8")
    clause: str = Field(description="the clause of the terms of reference, e.g. 8.1")
    ok: bool | None = Field(description="met, not met, or cannot be told")
    warning: bool
    message: str


class CheckAnswer(BaseModel):
    complies: bool
    warnings: int
    findings: list[FindingAnswer]


class ProposalAnswer(BaseModel):
    date: dt.date | None
    notice_deadline: dt.date | None
    notice_working_days: int | None
    meets_notice: bool
    avoided: str | None


class ExtraordinaryAnswer(BaseModel):
    received: dt.datetime
    requested_by: str | None
    seconded_by: str | None
    notice: str
    papers_from: dt.date | None
    window_end: dt.date | None
    latest_meeting: dt.date | None
    earliest_meeting_with_notice: dt.date | None
    first_date_with_notice: dt.date | None
    feasible: bool
    verdict: str
    proposals: list[ProposalAnswer]
    confirmed: EditAnswer | None = None


class LinkAnswer(BaseModel):
    kind: str
    url: str


class PapersAnswer(BaseModel):
    meeting: str
    links: list[LinkAnswer]
    changed: bool


class SummonsAnswer(BaseModel):
    id: str
    queued: int = Field(description="members it goes to now: each member is sent the notice once")


class DeadlineAnswer(BaseModel):
    id: str
    status: Literal["done", "open"]


class MembershipAnswer(BaseModel):
    body: str
    name: str
    email: str = Field(description="the person's address: names them in later requests")
    role: str | None = None
    roles: list[str]


class MemberAnswer(BaseModel):
    name: str
    roles: list[str]
    organisation: str
    email: str


class DigestAnswer(BaseModel):
    name: str
    days: int | None


class WebhookAnswer(BaseModel):
    body: str | None
    member: str | None
    format: str | None = Field(description="null: no webhook now")
    opened: int = Field(description="pending reminders that now go to it too")


class WebhookListed(BaseModel):
    person: str = Field(description="empty for the body's own")
    format: str


class QuorumAnswer(BaseModel):
    meeting: str
    quorate: bool | None = Field(description="null where the terms of reference set no quorum")
    counted: int | None = None
    reasons: list[str]


class ForecastAnswer(BaseModel):
    meeting: str
    body: str
    start: dt.datetime
    quorate: bool | None = Field(description="null where the terms of reference set no quorum")
    expected: list[str] = Field(description="who is expected: members without apologies, and named substitutes")
    apologies: list[str]
    missing: list[str] = Field(description="what the quorum clause lacks, in words; empty when quorate")


class AttendanceLineAnswer(BaseModel):
    member: str
    email: str
    held: int
    attended: int
    substituted: int
    apologies: int
    absent: int
    not_recorded: int = Field(description="meetings held whose attendance no one recorded")
    began: dt.date | None = Field(description="when their first place began; null: before the record")
    ended: dt.date | None = Field(description="when their last place ended; null: still on the body")


class AttendanceAnswer(BaseModel):
    record: list[AttendanceLineAnswer]
    follow_up: list[str]


def _problem(description: str) -> dict[str, Any]:
    return {"model": Problem, "description": description}


ERRORS: dict[int | str, dict[str, Any]] = {
    400: _problem("bad input: the reason, in one line; nothing was changed"),
    401: _problem("no admin token: send Authorization: Bearer <token>"),
    403: _problem("the token is not a live admin token"),
    404: _problem("no such body, meeting or date"),
}


def _refused(answer: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    """A change's 409: refused, it would break a rule; the same answer says which (send force: true)."""
    return {409: {"model": answer, "description": "refused: the change would break a rule; send force: true"}}


def _meeting(meeting: ShownMeeting) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "body": meeting.body,
        "cycle": meeting.cycle,
        "date": meeting.date.isoformat(),
        "status": meeting.status,
        "sequence": meeting.sequence,
        "manual": meeting.manual,
        "explanation": meeting.explanation,
    }


def _committed(answer: dict[str, Any], committed: bool) -> JSONResponse:
    """200 for a change kept, 409 for one refused because it breaks a rule."""
    return JSONResponse(status_code=200 if committed else 409, content=answer)


def create_app(ctx: Context, clock: Callable[[], dt.datetime] = utc_now) -> FastAPI:
    """The API over one rule set and one store; `clock` tells the time (the real one but in tests)."""
    app = FastAPIOffline(title="govcal admin API", version="1", description=__doc__, responses=ERRORS)
    bearer = HTTPBearer(auto_error=False, description="an admin token (`govcal admin token create NAME`)")
    app.exception_handler(DatabaseUnavailable)(ctx.outage.handler)

    @app.exception_handler(GovcalError)
    async def _said(_: Request, error: GovcalError) -> JSONResponse:
        """Each kind of error at its own status (`rules.errors`), with the reason."""
        headers = {"WWW-Authenticate": "Bearer"} if error.http_status == 401 else {}
        return JSONResponse(status_code=error.http_status, content={"detail": str(error)}, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _malformed(_: Request, error: RequestValidationError) -> JSONResponse:
        """422 with each error's place and reason, as FastAPI gives them, but not the value sent:
        JSON cannot carry back a NaN, an infinity or a lone surrogate that a client sent."""
        said = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors()]
        return JSONResponse(status_code=422, content={"detail": said})

    def admin(credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]) -> str:
        return admin_of(ctx, f"{credentials.scheme} {credentials.credentials}" if credentials else None)

    Admin = Annotated[str, Depends(admin)]

    @app.get("/api/bodies", response_model=list[BodyAnswer])
    def bodies(_: Admin) -> list[dict[str, Any]]:
        """The bodies in the rules, with how often they meet."""
        return [
            {"id": b.id, "name": b.name, "frequency": b.meetings.frequency.phrase if b.meetings.frequency else None}
            for b in ctx.rules
        ]

    @app.get("/api/meetings", response_model=list[MeetingAnswer])
    def kept_meetings(
        _: Admin, body: Annotated[str | None, Query(pattern=ID_PATTERN, max_length=BODY_ID)] = None
    ) -> list[dict[str, Any]]:
        """Kept meetings, optionally of one body."""
        if body is not None:
            ctx.body(body)
        return [_meeting(meeting) for meeting in kept.meetings(ctx, [body] if body else None)]

    @app.post("/api/plan", response_model=PlanAnswer)
    def plan(request: PlanRequest, actor: Admin) -> dict[str, Any]:
        """Plan and keep a cycle year (idempotent; manual changes are kept and reported)."""
        changes = planning.keep_year(ctx, [request.year], request.bodies, actor=actor, now=clock()).changes
        return {
            "added": len(changes.added),
            "moved": changes.moved,
            "updated": len(changes.updated),
            "cancelled": changes.cancelled,
            "conflicts": changes.conflicts,
            "left_alone": changes.left_alone,
        }

    @app.post("/api/meeting-edits", response_model=EditAnswer, responses=_refused(EditAnswer))
    def edit(request: EditRequest, actor: Admin) -> JSONResponse:
        """Move, add, cancel or fix a meeting; 409 with the findings if it breaks a rule unforced."""
        result = meetings.edit_meeting(
            ctx,
            request.action,
            actor=actor,
            now=clock(),
            meeting_id=request.id,
            body_id=request.body,
            day=request.date,
            time=parse_time(request.time) if request.time else None,
            force=request.force,
            reason=request.reason,
        )
        return _committed(result.as_dict(), result.committed)

    @app.get("/api/check", response_model=CheckAnswer)
    def check(
        _: Admin,
        body: Annotated[str, Query(pattern=ID_PATTERN, max_length=BODY_ID)],
        year: Annotated[int, Query(ge=FIRST_CYCLE, le=LAST_CYCLE)],
    ) -> dict[str, Any]:
        """Does the kept schedule of a body's cycle year comply?"""
        return planning.verdict(planning.check_kept(ctx, body, year, now=clock()))

    @app.post("/api/extraordinary", response_model=ExtraordinaryAnswer, responses=_refused(ExtraordinaryAnswer))
    def extraordinary(request: ExtraordinaryBody, actor: Admin) -> JSONResponse:
        """Dates for an extraordinary meeting on a request received by the Chair (E1-E3);
        with `confirm`, the chosen day joins the schedule (409 if it misses the notice rule, unforced)."""
        asked = ExtraordinaryRequest(request.received, request.requested_by, request.seconded_by, request.chair)
        answer = meetings.extraordinary(
            ctx, request.body, asked, confirm=request.confirm, force=request.force, actor=actor, now=clock()
        )
        return _committed(answer.as_dict(), answer.confirmed is None or answer.confirmed.committed)

    @app.post("/api/deadlines/done", response_model=DeadlineAnswer)
    def deadline_done(request: DoneBody, actor: Admin) -> dict[str, str]:
        """Mark a deadline done: its later reminders and overdue notice stop."""
        reminders.mark_done(ctx, request.id, actor=actor, now=clock())
        return {"id": request.id, "status": "done"}

    @app.post("/api/deadlines/undo", response_model=DeadlineAnswer)
    def deadline_undo(request: DoneBody, actor: Admin) -> dict[str, str]:
        """Reopen a deadline marked done: its reminders still to come go again."""
        reminders.mark_done(ctx, request.id, actor=actor, now=clock(), done=False)
        return {"id": request.id, "status": "open"}

    @app.get("/api/meeting-papers", response_model=PapersAnswer)
    def get_papers(_: Admin, id: Annotated[str, Query(min_length=1, max_length=ID)]) -> dict[str, Any]:  # noqa: A002
        """A meeting's links: its agenda, papers, minutes and video."""
        return papers.meeting_papers(ctx, id).as_dict()

    @app.post("/api/meeting-papers", response_model=PapersAnswer)
    def set_papers(request: PapersBody, actor: Admin) -> dict[str, Any]:
        """Add links to a meeting and remove others (by address); a bad address is a 400 naming its kind."""
        added = [(link.kind, link.url) for link in request.add]
        return papers.set_papers(ctx, request.id, added, request.remove, actor=actor, now=clock()).as_dict()

    @app.post("/api/meeting-summons", response_model=SummonsAnswer, responses={409: _problem("cancelled or begun")})
    def summons(request: MeetingBody, actor: Admin) -> dict[str, Any]:
        """Send the meeting's notice (its papers out) to each member not yet sent it."""
        return {"id": request.id, "queued": notices.send_summons(ctx, request.id, actor=actor, now=clock())}

    @app.post("/api/members", response_model=MembershipAnswer)
    def add_member(request: MemberBody, actor: Admin) -> dict[str, Any]:
        """Give someone a role on a body."""
        membership = people.add_member(
            ctx,
            request.body,
            request.name,
            request.role,
            organisation=request.organisation,
            email=request.email,
            actor=actor,
            now=clock(),
        )
        return {
            "body": request.body,
            "name": membership.name,
            "email": membership.email,
            "role": request.role,
            "roles": membership.roles,
        }

    @app.get("/api/members", response_model=list[MemberAnswer])
    def list_members(
        _: Admin, body: Annotated[str, Query(pattern=ID_PATTERN, max_length=BODY_ID)]
    ) -> list[dict[str, Any]]:
        """Who is on a body, with their roles, organisation and address."""
        return [m.as_dict() for m in people.members(ctx, body)]

    @app.delete(
        "/api/members", response_model=MembershipAnswer, responses={404: _problem("not on the body (in that role)")}
    )
    def remove_member(
        actor: Admin,
        body: Annotated[str, Query(pattern=ID_PATTERN, max_length=BODY_ID)],
        name: Annotated[str, Query(min_length=1, max_length=NAME, description="a PERSON on the body")],
        role: Annotated[str | None, Query(pattern=ID_PATTERN, max_length=BODY_ID)] = None,
    ) -> dict[str, Any]:
        """End someone's places on a body today, in one role or all; their attendance stays on
        record, and they stay in the attendance report with the dates their places ended."""
        membership = people.remove_member(ctx, body, name, role, actor=actor, now=clock())
        return {"body": body, "name": membership.name, "email": membership.email, "roles": membership.roles}

    @app.post("/api/members/digest", response_model=DigestAnswer, responses={404: _problem("no one of that name")})
    def member_digest(request: DigestBody, actor: Admin) -> dict[str, Any]:
        """Ask for a clerk's morning digest of `days` working days, or stop it (`days`: null)."""
        reminders.set_digest(ctx, request.name, request.days, actor=actor, now=clock())
        return {"name": request.name, "days": request.days}

    @app.post("/api/webhooks", response_model=WebhookAnswer, responses={404: _problem("no such body or member")})
    def set_webhook(request: WebhookBody, actor: Admin) -> dict[str, Any]:
        """Give a body or a member a Slack or Teams webhook reminders go to as well as e-mail, or take it away."""
        changed = channels.set_webhook(
            ctx, request.url, request.format, body=request.body, member=request.member, actor=actor, now=clock()
        )
        return changed.as_dict()

    @app.get("/api/webhooks", response_model=list[WebhookListed])
    def list_webhooks(
        _: Admin, body: Annotated[str, Query(pattern=ID_PATTERN, max_length=BODY_ID)]
    ) -> list[dict[str, str]]:
        """Whose webhooks a body's reminders go to (its own, its members'), and their formats; never the URLs."""
        return channels.webhooks(ctx, body)

    @app.post("/api/attendance", response_model=QuorumAnswer)
    def record_attendance(request: AttendanceBody, actor: Admin) -> dict[str, Any]:
        """Record who came to a meeting; answers whether it was quorate."""
        present = [Presence(p.name, p.for_member) for p in request.present]
        return people.record_attendance(ctx, request.meeting, present, actor=actor, now=clock()).as_dict()

    @app.post("/api/attendance/apologies", response_model=ForecastAnswer)
    def send_apologies(request: ApologiesBody, actor: Admin) -> dict[str, Any]:
        """Record apologies for a meeting (or withdraw them); answers the meeting's quorum forecast."""
        return attendance.send_apologies(
            ctx, request.meeting, request.people, actor=actor, now=clock(), withdraw=request.withdraw
        ).as_dict()

    @app.post("/api/attendance/substitute", response_model=ForecastAnswer)
    def name_substitute(request: SubstituteBody, actor: Admin) -> dict[str, Any]:
        """Name who will stand in for a member at a meeting; answers the meeting's quorum forecast."""
        return attendance.name_substitute(
            ctx, request.meeting, request.substitute, request.for_member, actor=actor, now=clock()
        ).as_dict()

    @app.get("/api/attendance/forecast", response_model=ForecastAnswer)
    def forecast(_: Admin, meeting: Annotated[str, Query(max_length=ID)]) -> dict[str, Any]:
        """Will a meeting to come be quorate, by its members, their apologies and the substitutes named?"""
        return attendance.meeting_forecast(ctx, meeting).as_dict()

    @app.get("/api/attendance", response_model=AttendanceAnswer)
    def attendance_report(
        _: Admin,
        body: Annotated[str, Query(pattern=ID_PATTERN, max_length=BODY_ID)],
        until: dt.date,
        cycle: Annotated[str | None, Query(pattern=r"^\d{4}(-\d{2})?$")] = None,
    ) -> dict[str, Any]:
        """The attendance record (A11) and the absences to follow up (A7)."""
        return people.attendance_report(ctx, body, until, cycle).as_dict()

    return app
