"""A meeting's papers from its panel: a link added or removed, and its notice sent to the
members now (the panel shows them: `templates/admin/meeting_papers.html`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from govcal.admin.common import Pages, to_meeting
from govcal.operations import notices, papers


def router(pages: Pages) -> APIRouter:
    """Adding or removing a meeting's link, and sending its notice."""
    family = APIRouter()
    ctx = pages.ctx

    @family.post("/papers")
    async def set_papers(request: Request) -> Response:
        admin, form = await pages.posted(request)
        meeting_id = str(form.get("meeting", ""))
        add = [(str(form.get("kind", "")), str(form["url"]))] if form.get("url") else []
        remove = [str(url) for url in form.getlist("remove")]
        papers.set_papers(ctx, meeting_id, add, remove, actor=admin, now=pages.clock())
        return RedirectResponse(to_meeting(meeting_id, done="papers") + "#papers", 303)

    @family.post("/summons")
    async def summons(request: Request) -> Response:
        admin, form = await pages.posted(request)
        meeting_id = str(form.get("meeting", ""))
        notices.send_summons(ctx, meeting_id, actor=admin, now=pages.clock())
        return RedirectResponse(to_meeting(meeting_id, done="summons") + "#papers", 303)

    return family
