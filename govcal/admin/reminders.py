"""The reminder outbox, by state, and a deadline marked done (its reminders stop) or open again."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from govcal.admin.common import Pages, page_numbers
from govcal.operations import kept, reminders

REMINDERS_SHOWN = 500  # outbox rows a page lists, soonest first, for the state chosen


def router(pages: Pages) -> APIRouter:
    """The reminders page and the form that marks a deadline done or undoes it."""
    family = APIRouter()
    ctx = pages.ctx

    @family.get("/reminders")
    def reminder_page(request: Request, state: str = "pending", body: str = "", page: int = 1) -> Response:
        admin = pages.signed_in(request)
        of = body or None
        page = max(1, page)
        chosen = reminders.outbox(ctx, state, REMINDERS_SHOWN, body=of, offset=(page - 1) * REMINDERS_SHOWN)
        counts = reminders.outbox_counts(ctx, of)
        deadlines = kept.deadlines_named(ctx, {r["deadline"] for r in chosen})
        last = max(1, -(-counts.get(state, 0) // REMINDERS_SHOWN))

        def address(**asked: str | int) -> str:
            """This page's address with `asked` in place of what it shows (the body kept)."""
            kept_ = {"state": state, "body": body, "page": page} | asked
            return "/admin/reminders?" + urlencode({k: v for k, v in kept_.items() if v and v != 1 or k == "state"})

        return pages.render(
            request,
            "reminders.html",
            admin=admin,
            state=state,
            body=ctx.body(body) if body else None,
            bodies=sorted(ctx.rules, key=lambda b: b.name),
            counts=counts,
            rows=chosen,
            deadlines=deadlines,
            shown=REMINDERS_SHOWN,
            page=page,
            first=(page - 1) * REMINDERS_SHOWN + 1,
            address=address,
            previous=address(page=page - 1) if page > 1 else None,
            next=address(page=page + 1) if page < last else None,
            numbers=page_numbers(page, last, lambda n: address(page=n)),
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
