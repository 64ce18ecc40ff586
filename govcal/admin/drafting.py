"""A new body from its terms of reference: the document uploaded and drafted, shown beside the
draft with each clause it used marked and linked to the field it filled, what it could not
fill listed; then the rules form, the year re-planned from it, and publishing, as for any body."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from govcal.admin.common import Pages
from govcal.admin.ruleform import BY_NAME, form_from_text
from govcal.operations import drafting, fields
from rules.drafting.draft import Draft
from rules.errors import RuleError
from scheduler.workdays import london_day


@dataclass(frozen=True)
class Said:
    """A clause of the document as the review shows it: its words, and the form's fields it filled."""

    anchor: str
    label: str
    text: str
    filled: tuple[tuple[str, str], ...]  # (field's element id, its label)


def router(pages: Pages) -> APIRouter:
    """The upload (GET, nothing changes) and the draft beside its document (POST, nothing kept)."""
    family = APIRouter()

    @family.get("/draft")
    def upload_page(request: Request) -> Response:
        return pages.render(request, "draft_upload.html", admin=pages.signed_in(request), asked={})

    @family.post("/draft")
    async def drafted(request: Request) -> Response:
        admin, posted = await pages.posted(request)
        upload = posted.get("document")
        asked = {key: str(posted.get(key, "")).strip() for key in ("body_name", "body_id")}
        try:
            if not isinstance(upload, UploadFile):
                raise RuleError("choose the terms of reference to read", field="document")
            content = await upload.read(drafting.UPLOAD + 1)
            body_id = fields.text(asked["body_id"], "id", fields.BODY_ID) or None
            body_name = fields.text(asked["body_name"], "body", fields.NAME) or None
            draft = drafting.draft_upload(upload.filename or "", content, body_id, body_name)
        except RuleError as error:
            return pages.render(request, "draft_upload.html", 400, admin=admin, asked=asked, problem=str(error))
        return pages.render(
            request,
            "drafted.html",
            admin=admin,
            draft=draft,
            clauses=said(draft),
            decisions=[(field_id(d.field), field_label(d.field), d) for d in draft.decisions],
            form=form_from_text(draft.text),
            applies=london_day(pages.clock()),
        )

    return family


def field_id(rule_field: str) -> str:
    """The form's element for a rule file's field: "items.annual-report" is in the items box."""
    name = rule_field if rule_field in BY_NAME else rule_field.split(".", 1)[0]
    return BY_NAME[name].element if name in BY_NAME else ""


def field_label(rule_field: str) -> str:
    """A rule file's field as the form labels it: "extraordinary.window" -> "Extraordinary meetings: window"."""
    if rule_field in BY_NAME:
        return BY_NAME[rule_field].label
    section, _, part = rule_field.partition(".")
    return f"{BY_NAME[section].label}: {part}" if section in BY_NAME else rule_field.capitalize()


def said(draft: Draft) -> list[Said]:
    """The document's clauses in order, each with the fields it filled."""
    filled = draft.filled()
    return [
        Said(
            f"c-{clause.index}",
            clause.label if clause.label != clause.heading else "",
            clause.text,
            tuple((field_id(name), BY_NAME[name].label) for name in filled.get(clause.index, []) if name in BY_NAME),
        )
        for clause in draft.clauses
    ]
