"""The year grid: every body's meetings month by month, as kept, each linked to its panel."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from govcal.admin.common import Pages, to_body, to_meeting
from govcal.operations import attendance, planning
from govcal.page import Selection, default_first_month, first_month, planner_view
from rules.errors import NotFound
from scheduler.workdays import london_day


def router(pages: Pages) -> APIRouter:
    """The grid, at /admin and /admin/: a search, a page of bodies, twelve months from `start`."""
    family = APIRouter()

    @family.get("")
    @family.get("/")
    def grid(request: Request, start: str | None = None, q: str = "", page: int = 1) -> Response:
        admin = pages.signed_in(request)
        first = first_month(start) if start else default_first_month(london_day(pages.clock()))
        selection = Selection(" ".join(q[:200].split()), max(1, page))
        shown = planning.shown(pages.ctx, selection, private=True)
        if shown is None:
            raise NotFound(f"there is no page {page} of bodies for that search")
        view = planner_view(
            shown.bodies,
            first,
            shown.meetings,
            shown.deadlines,
            shown.findings,
            pages.ctx.planner.terms,
            pages.base(request),
            private=True,
            selection=selection,
            total=shown.total,
            meeting_link=to_meeting,
            body_link=lambda body_id: to_body(body_id)[0],
        )
        flagged = attendance.inquorate(pages.ctx, [b.id for b in shown.bodies], pages.clock())
        return pages.render(request, "grid.html", admin=admin, inquorate=flagged, **view)

    return family
