"""The year grid: every body's meetings month by month, as kept, each linked to its panel; and
the calendar of meetings of a council's year, downloaded from it as a PDF."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from govcal.admin.common import Pages, to_body, to_meeting
from govcal.operations import planning
from govcal.operations.calendar import calendar_of_meetings, council_year
from govcal.operations.fields import FIRST_CYCLE, LAST_CYCLE
from govcal.page import Selection, default_first_month, first_month, planner_view
from govcal.printed import calendar_pdf
from rules.errors import NotFound
from scheduler.occurrences import cycle_label
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
        return pages.render(request, "grid.html", admin=admin, calendar_years=calendar_years(pages), **view)

    @family.get("/calendar.pdf")
    def calendar_download(request: Request, year: str = "", private: str = "") -> Response:
        """The calendar of meetings of a council's year (default: this one) as a PDF to save: the
        public bodies, or every body with `private=1` (the form's checkbox). A GET: it only reads."""
        pages.signed_in(request)
        now = pages.clock()
        chosen = year or council_year(pages.ctx, london_day(now))
        calendar = calendar_of_meetings(pages.ctx, chosen, private=private == "1", now=now)
        headers = {
            "Content-Disposition": f'attachment; filename="{calendar.file_name}.pdf"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        }
        return Response(calendar_pdf(calendar), media_type="application/pdf", headers=headers)

    return family


def calendar_years(pages: Pages) -> list[tuple[int, str, bool]]:
    """The council's years the grid offers a calendar of: last year's to the one after next, each
    with its label ("2027-28") and whether it is the one today is in (chosen by default)."""
    this = council_year(pages.ctx, london_day(pages.clock()))
    start = pages.ctx.settings.year_start
    return [(y, cycle_label(start, y), y == this) for y in range(this - 1, this + 3) if FIRST_CYCLE <= y <= LAST_CYCLE]
