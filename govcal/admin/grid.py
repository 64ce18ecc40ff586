"""The year grid: every body's meetings month by month, as kept, each linked to its panel; and
the calendar of meetings of a council's year, downloaded from it as a PDF."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from functools import partial
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import Response

from govcal.admin.common import Pages, to_body, to_meeting
from govcal.operations import attendance, people, planning
from govcal.operations.calendar import calendar_of_meetings, council_year
from govcal.operations.fields import FIRST_CYCLE, LAST_CYCLE
from govcal.page import Selection, default_first_month, first_month, planner_view
from govcal.printed import calendar_pdf
from rules.errors import NotFound
from scheduler.occurrences import cycle_label
from scheduler.workdays import london_day

VIEWS_KEPT = 64  # grid pages kept laid out, the least recently asked for dropped first


def router(pages: Pages) -> APIRouter:
    """The grid, at /admin and /admin/: a search, a page of bodies, twelve months from `start`.

    A page laid out is kept until the kept year changes (`planning.last_change`, two small queries),
    so admins asking for the same page at once cost one reading of the store and one check of
    the rules between them; who has a clerk is read on every request (a membership is no
    change to the year)."""
    family = APIRouter()
    one_at_a_time = anyio.CapacityLimiter(1)
    kept: OrderedDict[tuple[object, ...], dict[str, Any]] = OrderedDict()

    def view(request: Request, first: dt.date, selection: Selection, today: dt.date) -> dict[str, Any]:
        key = (planning.last_change(pages.ctx), first, selection, today, pages.base(request))
        if key in kept:
            kept.move_to_end(key)
            return kept[key]
        shown = planning.shown(pages.ctx, selection, private=True)
        if shown is None:
            raise NotFound(f"there is no page {selection.page} of bodies for that search")
        laid_out = planner_view(
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
            today=today,
            condensed=True,
        )
        kept[key] = laid_out
        while len(kept) > VIEWS_KEPT:
            kept.popitem(last=False)
        return laid_out

    @family.get("")
    @family.get("/")
    async def grid(request: Request, start: str | None = None, q: str = "", page: int = 1) -> Response:
        """The grid laid out one request at a time, in the order they came: its work holds the
        interpreter's one lock, so several at once only wait inside it, unfairly (a p99 of
        0.9 s with ten admins, the median 33 ms), where a queue in front keeps each wait to
        the requests ahead of it."""
        return await anyio.to_thread.run_sync(partial(laid_out_grid, request, start, q, page), limiter=one_at_a_time)

    def laid_out_grid(request: Request, start: str | None, q: str, page: int) -> Response:
        admin = pages.signed_in(request)
        today = london_day(pages.clock())
        first = first_month(start) if start else default_first_month(today)
        laid_out = view(request, first, Selection(" ".join(q[:200].split()), max(1, page)), today)
        shown = [row.body_id for row in laid_out["rows"] if row.body_id]
        unclerked = people.without_clerk(pages.ctx, shown)
        inquorate = attendance.inquorate(pages.ctx, shown, pages.clock())
        years = calendar_years(pages)
        return pages.render(
            request,
            "grid.html",
            admin=admin,
            unclerked=unclerked,
            inquorate=inquorate,
            calendar_years=years,
            **laid_out,
        )

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
