"""The reminder outbox, by state, and a deadline marked done (its reminders stop) or open again."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from govcal.admin.common import Pages
from govcal.operations import kept, reminders

REMINDERS_SHOWN = 500  # outbox rows a page lists, soonest first, for the state chosen


def router(pages: Pages) -> APIRouter:
    """The reminders page and the form that marks a deadline done or undoes it."""
    family = APIRouter()
    ctx = pages.ctx

    @family.get("/reminders")
    def reminder_page(request: Request, state: str = "pending") -> Response:
        admin = pages.signed_in(request)
        chosen = reminders.outbox(ctx, state, REMINDERS_SHOWN)
        counts = reminders.outbox_counts(ctx)
        deadlines = kept.deadlines_named(ctx, {r["deadline"] for r in chosen})
        return pages.render(
            request,
            "reminders.html",
            admin=admin,
            state=state,
            counts=counts,
            rows=chosen,
            deadlines=deadlines,
            shown=REMINDERS_SHOWN,
        )

    @family.post("/deadlines")
    async def deadline_done(request: Request) -> Response:
        admin, form = await pages.posted(request)
        deadline, done = str(form.get("id", "")), form.get("done") == "1"
        changed = reminders.mark_done(ctx, deadline, actor=admin, now=pages.clock(), done=done)
        said = f"{deadline}: {'done' if done else 'open again'}" + ("" if changed else " (it already was)")
        return pages.render(
            request,
            "message.html",
            admin=admin,
            title="Deadline",
            lines=[said],
            back=_reminders(),
            undo=(deadline, done),
        )

    return family


def _reminders() -> tuple[str, str]:
    """The reminders page, as a link back to it."""
    return "/admin/reminders", "Back to reminders"
