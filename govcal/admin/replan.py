"""Re-planning a cycle year from the rules: what it would change, then the change made."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import Response

from govcal.admin.common import Pages
from govcal.operations import fields, planning
from govcal.page import default_first_month
from scheduler.workdays import london_day


def router(pages: Pages) -> APIRouter:
    """The re-plan page (a year's diff, previewed) and its form (the year re-planned)."""
    family = APIRouter()

    @family.get("/replan")
    def replan_page(request: Request, year: str | None = None) -> Response:
        admin = pages.signed_in(request)
        now = pages.clock()
        if year is None:
            return pages.render(request, "replan.html", admin=admin, year=_this_cycle(now), diff=None, done=False)
        chosen = fields.cycle_year(year)
        diff = planning.keep_year(pages.ctx, [chosen], actor=admin, now=now, preview=True)
        return pages.render(request, "replan.html", admin=admin, year=chosen, diff=diff, done=False)

    @family.post("/replan")
    async def replan(request: Request) -> Response:
        admin, form = await pages.posted(request)
        year = fields.cycle_year(str(form.get("year", "")))
        diff = planning.keep_year(pages.ctx, [year], actor=admin, now=pages.clock())
        return pages.render(request, "replan.html", admin=admin, year=year, diff=diff, done=True)

    return family


def _this_cycle(now: dt.datetime) -> int:
    """The cycle year most bodies are in at `now`: the one starting in April."""
    return default_first_month(london_day(now)).year
