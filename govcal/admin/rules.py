"""A body's rules in the browser: the rule file as a form, the body's year re-planned from
the form before anything is kept, then "Publish, applying from DATE" with the re-plan's diff
shown first; a new body is the same form, empty."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import Response

from govcal.admin.common import Pages, day_asked, reason
from govcal.admin.ruleform import RuleForm, form_from_text, refused, text_from_form
from govcal.operations import fields, rulebook
from rules.dates import parse_date
from rules.errors import NotFound, RuleError
from scheduler.workdays import london_day

RULES_LENGTH = 200_000  # a rule file's text, posted back to publish (the loader checks the rest)


def router(pages: Pages) -> APIRouter:
    """The rules form (GET, nothing changes), its preview (POST, nothing kept) and publishing (POST)."""
    family = APIRouter()
    ctx = pages.ctx

    @family.get("/rules")
    def rules_page(request: Request, body: str = "") -> Response:
        admin = pages.signed_in(request)
        today = london_day(pages.clock())
        if not body:
            return pages.render(
                request, "rules.html", admin=admin, form=form_from_text(""), body_id="", versions=[], applies=today
            )
        body_id = ctx.body(body).id
        history = rulebook.history(ctx, body_id)
        if not history:
            raise NotFound(f"no kept rules of '{body_id}': rules read from files are edited in the files")
        newest = rulebook.in_force(ctx, body_id)[0]
        return pages.render(
            request,
            "rules.html",
            admin=admin,
            form=form_from_text(newest.text),
            body_id=body_id,
            versions=history,
            applies=today,
        )

    @family.post("/rules/preview")
    async def preview(request: Request) -> Response:
        admin, posted = await pages.posted(request)
        values = {key: str(value) for key, value in posted.items() if isinstance(value, str)}
        form = text_from_form(values)
        body_id = values.get("body_id", "")
        try:
            applies = parse_date(
                fields.text(day_asked(values, "applies") or values.get("applies_from", ""), "applies from", 40)
            )
        except RuleError as error:
            return _form_again(request, admin, form, body_id, None, 400, values, str(error))
        if not form.ok:
            return _form_again(request, admin, form, body_id, applies, 400, values)
        shown = rulebook.publish(
            ctx, [("the form", form.text)], applies, actor=admin, reason=reason(posted), now=pages.clock(), preview=True
        )
        return pages.render(
            request, "rules_preview.html", admin=admin, form=form, shown=shown, applies=applies, why=reason(posted)
        )

    @family.post("/rules/publish")
    async def publish(request: Request) -> Response:
        admin, posted = await pages.posted(request)
        text = str(posted.get("text", ""))
        if said := refused(text, RULES_LENGTH):
            raise RuleError(said, field="rules")
        applies = parse_date(fields.text(str(posted.get("applies_from", "")), "applies from", 40))
        shown = rulebook.publish(
            ctx, [("the form", text)], applies, actor=admin, reason=reason(posted), now=pages.clock()
        )
        return pages.render(request, "rules_published.html", admin=admin, shown=shown, applies=applies)

    def _form_again(
        request: Request,
        admin: str,
        form: RuleForm,
        body_id: str,
        applies: object,
        status: int,
        asked: Mapping[str, str],
        date_error: str = "",
    ) -> Response:
        """The form again as it was posted, saying what is wrong: its date, or the rules beside their fields."""
        history = rulebook.history(ctx, body_id) if body_id else []
        return pages.render(
            request,
            "rules.html",
            status,
            admin=admin,
            form=form,
            body_id=body_id,
            versions=history,
            applies=applies,
            asked=asked,
            date_error=date_error,
            problem=date_error or "The rules do not load yet: see the messages beside the fields.",
            problem_field="applies-day" if date_error else "",
        )

    return family
