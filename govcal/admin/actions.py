"""The pages an e-mail's action links open, without signing in: the deadline, and the
button that marks it done or undoes it; a meeting, and the button that sends a member's
apologies or withdraws them. Opening one (GET) changes nothing, as mail scanners
open every link; only the button's POST acts, its form carrying a CSRF token derived from
the link's signature (`common.csrf_of`), from the same origin."""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import Response

from govcal.admin.common import Forged, Pages, csrf_of, same_origin
from govcal.operations import attendance, links, reminders


def router(pages: Pages) -> APIRouter:
    """The link's page (GET) and its button (POST)."""
    family = APIRouter()
    ctx = pages.ctx

    @family.get("/act")
    def link_page(request: Request) -> Response:
        link = links.opened(ctx, dict(request.query_params), pages.clock())
        return _page(pages, request, link, said="")

    @family.post("/act")
    async def link_acts(request: Request) -> Response:
        link, now = await _pressed(pages, request, links.ACTIONS)
        links.shown(ctx, link)  # its person may act on the deadline: else 403, nothing changed
        done = link.action == "done"
        changed = reminders.mark_done(ctx, link.deadline, actor=links.actor(link), now=now, done=done)
        said = ("Marked done: its reminders stop." if done else "Open again: its reminders go on.") + (
            "" if changed else " (It already was.)"
        )
        return _page(pages, request, links.other(ctx, link, "undo" if done else "done", now), said=said)

    @family.get("/apologies")
    def apologies_page(request: Request) -> Response:
        link = links.opened(ctx, dict(request.query_params), pages.clock(), links.MEETING_ACTIONS)
        return _apologies(pages, request, link, said="")

    @family.post("/apologies")
    async def apologies_acts(request: Request) -> Response:
        link, now = await _pressed(pages, request, links.MEETING_ACTIONS)
        attendance.by_link(ctx, link, now)
        sorry = link.action == "apologies"
        said = "Your apologies are sent: the clerk sees them." if sorry else "Your apologies are withdrawn."
        return _apologies(pages, request, links.other(ctx, link, "attend" if sorry else "apologies", now), said=said)

    return family


async def _pressed(pages: Pages, request: Request, actions: Mapping[str, str]) -> tuple[links.Link, dt.datetime]:
    """The link whose page's button was pressed, checked (same origin, signed, not expired,
    the page's own token; "open" has no button), and the time it was pressed."""
    form = await request.form()
    same_origin(request)
    now = pages.clock()
    link = links.opened(pages.ctx, dict(request.query_params), now, actions)
    if link.action == "open" or not hmac.compare_digest(str(form.get("csrf", "")), csrf_of(link.signature)):
        raise Forged
    return link, now


def _apologies(pages: Pages, request: Request, link: links.Link, said: str) -> Response:
    """An apologies link's page: the meeting, whether apologies are kept, and the button."""
    return pages.render(
        request,
        "apologies.html",
        admin=None,
        link=link,
        label=links.MEETING_ACTIONS[link.action],
        csrf=csrf_of(link.signature),
        shown=attendance.linked(pages.ctx, link),
        said=said,
    )


def _page(pages: Pages, request: Request, link: links.Link, said: str) -> Response:
    """A link's page: the deadline and its meetings, and the button for the link's action."""
    opened = links.shown(pages.ctx, link)
    return pages.render(
        request,
        "act.html",
        admin=None,
        link=link,
        label=links.ACTIONS[link.action],
        csrf=csrf_of(link.signature),
        shown=opened,
        said=said,
    )
