"""The admin API: the CLI's operations as JSON over HTTP, for admin tokens only.

Every request carries `Authorization: Bearer <token>` (401 without one, 403 for an
unknown or revoked one). A user's mistake is a 4xx with a reason and changes
nothing: 400 bad input, 404 unknown body or meeting, 409 an edit that would break
a rule (send `force: true` to accept it knowingly). The OpenAPI schema is served
at /openapi.json.
"""

# No `from __future__ import annotations`: FastAPI reads these annotations at run time,
# and the `Admin` dependency below is local to `create_app`.
import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from rules.errors import RuleError
from rules.loader import RuleSet
from scheduler.attendance import Presence, quorum, to_follow_up
from scheduler.checker import Checker
from scheduler.edits import confirm_extraordinary, edit_meeting, stored_meeting
from scheduler.extraordinary import Request as ExtraordinaryRequest
from scheduler.extraordinary import propose, validate
from scheduler.planner import Planner
from scheduler.store import MeetingRow, Store
from scheduler.workdays import LONDON, working_calendar

TIME = r"^([01]?\d|2[0-3]):[0-5]\d$"
ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class PlanRequest(BaseModel):
    year: int = Field(ge=2000, le=2059, description="cycle year, by the calendar year it starts in")
    bodies: list[Annotated[str, Field(pattern=ID, max_length=100)]] | None = Field(default=None, max_length=500)


class EditRequest(BaseModel):
    action: Literal["move", "add", "cancel", "fix"]
    id: str | None = Field(default=None, max_length=300, description="the meeting (move, cancel, fix)")
    body: str | None = Field(default=None, pattern=ID, max_length=100, description="the body (add)")
    date: dt.date | None = None
    time: str | None = Field(default=None, pattern=TIME)
    force: bool = False


class ExtraordinaryBody(BaseModel):
    body: str = Field(pattern=ID, max_length=100)
    received: dt.datetime
    requested_by: str | None = Field(default=None, max_length=200)
    seconded_by: str | None = Field(default=None, max_length=200)
    chair: bool = False
    confirm: dt.date | None = Field(default=None, description="put this proposed day in the kept schedule")
    force: bool = False


class DoneBody(BaseModel):
    id: str = Field(
        min_length=1, max_length=300, description="the deadline, e.g. worcestershire-jcb/2026-27/meeting-05/papers"
    )


class MemberBody(BaseModel):
    body: str = Field(pattern=ID, max_length=100)
    name: str = Field(min_length=1, max_length=200)
    role: Literal["member", "chair", "vice-chair", "substitute", "clerk"] = "member"
    organisation: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=320)


class PresentBody(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    for_member: str | None = Field(default=None, max_length=200, description="set when a named substitute")


class AttendanceBody(BaseModel):
    meeting: str = Field(max_length=300)
    present: list[PresentBody] = Field(max_length=500)


def _meeting(row: MeetingRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "body": row.body_id,
        "cycle": row.cycle,
        "date": row.date.isoformat(),
        "status": row.status,
        "sequence": row.sequence,
        "manual": row.manual,
        "explanation": row.explanation,
    }


def create_app(rules: RuleSet, store: Store) -> FastAPI:
    """The API over one rule set and one store."""
    app = FastAPI(title="govcal admin API", version="1", description=__doc__)
    planner = Planner(rules)

    @app.exception_handler(RuleError)
    async def _bad_input(_: Request, error: RuleError) -> JSONResponse:
        return JSONResponse(status_code=400, content={"detail": str(error)})

    def admin(authorization: Annotated[str | None, Header()] = None) -> str:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HTTPException(
                401, "send an admin token: Authorization: Bearer <token>", {"WWW-Authenticate": "Bearer"}
            )
        name = store.holder_of("admin", token.strip())
        if name is None:
            raise HTTPException(403, "this token is not a live admin token")
        return name

    Admin = Annotated[str, Depends(admin)]

    def known_body(body_id: str) -> None:
        if body_id not in rules.bodies:
            raise HTTPException(404, f"unknown body '{body_id}'")

    @app.get("/api/bodies")
    def bodies(_: Admin) -> list[dict[str, Any]]:
        """The bodies in the rules, with how often they meet."""
        return [
            {"id": b.id, "name": b.name, "frequency": b.meetings.frequency.phrase if b.meetings.frequency else None}
            for b in rules
        ]

    @app.get("/api/meetings")
    def meetings(
        _: Admin, body: Annotated[str | None, Query(pattern=ID, max_length=100)] = None
    ) -> list[dict[str, Any]]:
        """Kept meetings, optionally of one body."""
        if body is not None:
            known_body(body)
        return [_meeting(row) for row in store.meetings([body] if body else None)]

    @app.post("/api/plan")
    def plan(request: PlanRequest, actor: Admin) -> dict[str, Any]:
        """Plan and keep a cycle year (idempotent; manual changes are kept and reported)."""
        for body_id in request.bodies or ():
            known_body(body_id)
        changes = store.save_plan(planner.plan([request.year], request.bodies), actor=actor)
        return {
            "added": len(changes.added),
            "moved": changes.moved,
            "updated": len(changes.updated),
            "cancelled": changes.cancelled,
            "conflicts": changes.conflicts,
        }

    @app.post("/api/meeting-edits")
    def edit(request: EditRequest, actor: Admin) -> JSONResponse:
        """Move, add, cancel or fix a meeting; 409 with the findings if it breaks a rule unforced."""
        if request.body is not None:
            known_body(request.body)
        if request.action != "add" and (request.id is None or store.meeting(request.id) is None):
            raise HTTPException(404, f"no meeting '{request.id}'")
        time = dt.time.fromisoformat(request.time.zfill(5)) if request.time else None
        result = edit_meeting(
            store,
            planner,
            request.action,
            actor=actor,
            meeting_id=request.id,
            body_id=request.body,
            day=request.date,
            time=time,
            force=request.force,
        )
        content = {
            "id": result.meeting_id,
            "committed": result.committed,
            "breaks": [str(f) for f in result.new_failures],
            "deadlines": result.changes.summary(),
        }
        return JSONResponse(status_code=200 if result.committed else 409, content=content)

    @app.get("/api/check")
    def check(
        _: Admin, body: Annotated[str, Query(pattern=ID, max_length=100)], year: Annotated[int, Query(ge=2000, le=2059)]
    ) -> dict[str, Any]:
        """Does the kept schedule of a body's cycle year comply?"""
        known_body(body)
        kept = [stored_meeting(row, planner) for row in store.meetings([body])]
        findings = Checker(planner).check_body(rules[body], year, kept, {})
        return {
            "complies": not any(f.ok is False for f in findings),
            "findings": [{"ok": f.ok, "rule": f.rule, "clause": str(f.cite), "message": f.message} for f in findings],
        }

    @app.post("/api/extraordinary")
    def extraordinary(request: ExtraordinaryBody, actor: Admin) -> JSONResponse:
        """Dates for an extraordinary meeting on a request received by the Chair (E1-E3);
        with `confirm`, the chosen day joins the schedule (409 if it misses the notice rule, unforced)."""
        known_body(request.body)
        body = rules[request.body]
        rule = body.extraordinary
        if rule is None:
            raise HTTPException(400, f"{body.name} has no extraordinary-meeting rule")
        received = request.received if request.received.tzinfo else request.received.replace(tzinfo=LONDON)
        asked = ExtraordinaryRequest(received, request.requested_by, request.seconded_by, request.chair)
        validate(asked, rule)
        notice = next(d.offset for d in body.deadlines if d.id == rule.notice)
        result = propose(asked, notice, rule.window, working_calendar(body.nation, body.closures))
        answer = result.as_dict(notice, asked)
        if request.confirm is not None:
            edit = confirm_extraordinary(
                store, planner, body.id, asked, result, request.confirm, actor=actor, force=request.force
            )
            confirmed = {
                "id": edit.meeting_id,
                "committed": edit.committed,
                "breaks": [str(f) for f in edit.new_failures],
                "notice": edit.notice,
            }
            return JSONResponse(status_code=200 if edit.committed else 409, content={**answer, "confirmed": confirmed})
        return JSONResponse(content=answer)

    @app.post("/api/deadlines/done")
    def deadline_done(request: DoneBody, actor: Admin) -> dict[str, str]:
        """Mark a deadline done: its later reminders and overdue notice stop."""
        store.mark_done(request.id, dt.datetime.now(dt.UTC), actor=actor)
        return {"id": request.id, "status": "done"}

    @app.post("/api/members")
    def add_member(request: MemberBody, actor: Admin) -> dict[str, str]:
        """Give someone a role on a body."""
        known_body(request.body)
        store.add_member(
            rules[request.body], request.name, request.role, request.organisation, request.email, actor=actor
        )
        return {"body": request.body, "name": request.name, "role": request.role}

    @app.post("/api/attendance")
    def record_attendance(request: AttendanceBody, actor: Admin) -> dict[str, Any]:
        """Record who came to a meeting; answers whether it was quorate."""
        meeting = store.meeting(request.meeting)
        if meeting is None:
            raise HTTPException(404, f"no meeting '{request.meeting}'")
        store.record_attendance(request.meeting, [Presence(p.name, p.for_member) for p in request.present], actor=actor)
        body = rules[meeting.body_id]
        if body.quorum is None:
            return {"meeting": request.meeting, "quorate": None, "reasons": ["the terms of reference set no quorum"]}
        result = quorum(body.quorum, store.members(body.id), store.attendance(request.meeting))
        return {
            "meeting": request.meeting,
            "quorate": result.quorate,
            "counted": result.counted,
            "reasons": result.reasons,
        }

    @app.get("/api/attendance")
    def attendance_report(
        _: Admin,
        body: Annotated[str, Query(pattern=ID, max_length=100)],
        until: dt.date,
        cycle: Annotated[str | None, Query(pattern=r"^\d{4}(-\d{2})?$")] = None,
    ) -> dict[str, Any]:
        """The attendance record (A11) and the absences to follow up (A7)."""
        known_body(body)
        lines = store.attendance_record(body, until, cycle)
        rule = rules[body].attendance
        return {
            "record": [
                {
                    "member": x.member,
                    "held": x.held,
                    "attended": x.attended,
                    "substituted": x.substituted,
                    "absent": x.absent,
                }
                for x in lines
            ],
            "follow_up": to_follow_up(rule, lines) if rule else [],
        }

    return app
