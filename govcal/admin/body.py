"""A body's page and what it starts: its members, their feed links, the Teams or Slack
webhooks its reminders go to, an extraordinary meeting on request (the days the request
allows, one previewed, then confirmed)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from govcal.admin.common import Pages, day_asked, reason, to_body, to_meeting
from govcal.operations import channels, meetings, people, reminders
from govcal.operations.access import (
    TokenKind,
    address,
    create_token,
    feed_token_holders,
    live_feed_links,
    revoke_tokens,
    rotate_token,
)
from govcal.operations.fields import DIGITS
from rules.dates import parse_date, parse_instant
from rules.errors import RuleError
from scheduler.extraordinary import Request as ExtraordinaryRequest
from scheduler.workdays import london_day


def router(pages: Pages) -> APIRouter:
    """A body's page, its members, the feed links, and extraordinary meetings."""
    family = APIRouter()
    ctx = pages.ctx

    @family.get("/body")
    def body_of(request: Request, id: str) -> Response:
        return body_page(pages, request, pages.signed_in(request), id)

    @family.post("/members")
    async def member_change(request: Request) -> Response:
        admin, form = await pages.posted(request)
        body_id, name = str(form.get("body", "")), str(form.get("name", ""))
        now = pages.clock()
        if form.get("remove"):
            done = people.remove_member(ctx, body_id, name, str(form.get("role", "")) or None, actor=admin, now=now)
        else:
            done = people.add_member(
                ctx,
                body_id,
                name,
                str(form.get("role", "member")),
                organisation=str(form.get("organisation", "")),
                email=str(form.get("email", "")),
                actor=admin,
                now=now,
            )
        return pages.render(
            request, "message.html", admin=admin, title="Members", lines=[str(done)], back=to_body(body_id)
        )

    @family.post("/webhooks")
    async def webhook_change(request: Request) -> Response:
        admin, form = await pages.posted(request)
        body_id, member = str(form.get("body", "")), str(form.get("member", "")) or None
        url = None if form.get("remove") else str(form.get("url", ""))
        form_name = str(form.get("format", "")) or None
        whose = {"member": member} if member else {"body": body_id}
        done = channels.set_webhook(ctx, url, form_name, **whose, actor=admin, now=pages.clock())
        return pages.render(
            request, "message.html", admin=admin, title="Webhooks", lines=[str(done)], back=to_body(body_id)
        )

    @family.get("/add-meeting")
    def add_meeting(request: Request, body: str, time: str = "") -> Response:
        """The body page's new meeting, its date read from day, month and year, to its preview."""
        admin = pages.signed_in(request)
        asked = dict(request.query_params)
        try:
            day = day_asked(asked, "date")
        except RuleError as error:
            return body_page(pages, request, admin, body, asked, str(error))
        if not day:
            return body_page(pages, request, admin, body, asked, "Enter the date of the meeting")
        return RedirectResponse(
            "/admin/preview?" + urlencode({"action": "add", "body": body, "date": day, "time": time}), 303
        )

    @family.post("/digests")
    async def digest_change(request: Request) -> Response:
        admin, form = await pages.posted(request)
        body_id, name, days = str(form.get("body", "")), str(form.get("name", "")), str(form.get("days", ""))
        if days and not DIGITS.fullmatch(days):
            raise RuleError("days: choose how many working days the digest looks ahead, or none")
        reminders.set_digest(ctx, name, int(days) if days else None, actor=admin, now=pages.clock())
        shown = people.name_of(ctx, name)
        said = (
            f"{shown} gets a morning digest of {days} working day{'' if days == '1' else 's'} ahead."
            if days
            else f"{shown} gets no morning digest."
        )
        return pages.render(
            request, "message.html", admin=admin, title="Morning digest", lines=[said], back=to_body(body_id)
        )

    @family.get("/extraordinary")
    def extraordinary(
        request: Request,
        body: str,
        received: str,
        requested_by: str = "",
        seconded_by: str = "",
        chair: str = "",
        confirm: str = "",
    ) -> Response:
        admin = pages.signed_in(request)
        fields = {
            "body": body,
            "received": received,
            "requested_by": requested_by,
            "seconded_by": seconded_by,
            "chair": chair,
            "confirm": confirm,
        }
        return _extraordinary_page(pages, request, admin, fields, "")

    @family.post("/extraordinary")
    async def confirm_extraordinary(request: Request) -> Response:
        admin, form = await pages.posted(request)
        names = ("body", "received", "requested_by", "seconded_by", "chair", "confirm")
        fields = {name: str(form.get(name, "")) for name in names}
        why = reason(form)
        answer = meetings.extraordinary(
            ctx,
            fields["body"],
            _asked(fields),
            confirm=parse_date(fields["confirm"]),
            force=bool(why),
            reason=why,
            actor=admin,
            now=pages.clock(),
        )
        if answer.confirmed is None:
            raise RuleError("choose the day to confirm")
        if not answer.confirmed.committed:
            problem = "Not confirmed: give a reason to go ahead despite the notice rule or the rules broken."
            return _extraordinary_page(pages, request, admin, fields, problem)
        return RedirectResponse(to_meeting(answer.confirmed.meeting_id, done="add"), 303)

    @family.get("/feed-links")
    def feed_links(request: Request) -> Response:
        admin = pages.signed_in(request)
        return pages.render(request, "feed_links.html", admin=admin, links=live_feed_links(ctx))

    @family.post("/feed-links")
    async def feed_link_change(request: Request) -> Response:
        admin, form = await pages.posted(request)
        name, action = str(form.get("name", "")).strip(), str(form.get("action", ""))
        now = pages.clock()
        if action not in ("create", "rotate", "revoke"):
            raise RuleError("choose create, rotate or revoke")
        shown = people.name_of(ctx, name)  # their name in the page's words, however the form named them
        if action == "revoke":
            revoked = revoke_tokens(ctx, TokenKind.FEED, name, actor=admin, now=now)
            lines = [
                f"Revoked {shown}'s feed link: it now answers 404." if revoked else f"{shown} had no live feed link."
            ]
            return pages.render(
                request, "message.html", admin=admin, title="Feed link revoked", lines=lines, back=_links()
            )
        issue = create_token if action == "create" else rotate_token
        token = issue(ctx, TokenKind.FEED, name, actor=admin, now=now)
        https = address(pages.base(request), TokenKind.FEED, token)
        return pages.render(request, "feed_link.html", admin=admin, name=shown, https=https)

    return family


def body_page(
    pages: Pages, request: Request, admin: str, body_id: str, asked: Mapping[str, str] = {}, problem: str = ""
) -> Response:
    """A body's page; with `problem` (400), the new meeting's form as it was typed and what is wrong with its date."""
    ctx = pages.ctx
    body = ctx.body(body_id)
    members = people.members(ctx, body.id)
    return pages.render(
        request,
        "body.html",
        400 if problem else 200,
        admin=admin,
        body=body,
        members=members,
        clerked=any("clerk" in m.roles for m in members),
        digests=people.digests(ctx, members),
        links=feed_token_holders(ctx),
        webhooks=channels.webhooks(ctx, body.id),
        roles=body.role_ids,
        today=london_day(pages.clock()),
        asked=asked,
        problem=problem,
        problem_field="date-day" if problem else "",
        date_error=problem,
    )


def _extraordinary_page(pages: Pages, request: Request, admin: str, fields: dict[str, str], problem: str) -> Response:
    """The days a request allows, each a link to its preview; or, with one chosen, that preview."""
    ctx = pages.ctx
    confirm = parse_date(fields["confirm"]) if fields["confirm"] else None
    answer = meetings.extraordinary(
        ctx,
        fields["body"],
        _asked(fields),
        confirm=confirm,
        actor=admin,
        now=pages.clock(),
        preview=confirm is not None,
    )
    if answer.confirmed is None:
        return pages.render(
            request,
            "extraordinary.html",
            admin=admin,
            body=ctx.body(fields["body"]),
            answer=answer,
            fields=fields,
            link=lambda day: "/admin/extraordinary?" + urlencode(fields | {"confirm": day.isoformat()}),
        )
    return pages.render(
        request,
        "preview.html",
        400 if problem else 200,
        admin=admin,
        result=answer.confirmed,
        fields=fields,
        post="/admin/extraordinary",
        what=f"Confirm an extraordinary meeting of {ctx.body(fields['body']).name} on {confirm:%a %d %b %Y}",
        problem=problem,
        problem_field="reason",
        back=to_body(fields["body"]),
    )


def _asked(fields: dict[str, str]) -> ExtraordinaryRequest:
    """An extraordinary meeting's request from its form: received when, asked by whom."""
    received = parse_instant(fields["received"], "received")
    by_chair = fields["chair"] == "1"
    return ExtraordinaryRequest(received, fields["requested_by"] or None, fields["seconded_by"] or None, by_chair)


def _links() -> tuple[str, str]:
    """The feed links page, as a link back to it."""
    return "/admin/feed-links", "Back to feed links"
