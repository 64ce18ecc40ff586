"""Signing in and out: an admin token for a session cookie, and the session ended.

The sign-in form has no session to derive a CSRF token from, so it carries a nonce that is
also in a cookie of its own, scoped to the form.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from govcal.admin.common import SESSION, SIGNING_IN, Forged, Pages, same_origin, set_cookie
from govcal.operations.access import SESSION_LENGTH, Unauthorised, sign_in, sign_out


def router(pages: Pages) -> APIRouter:
    """The sign-in form, signing in, and signing out."""
    family = APIRouter()

    @family.get("/login")
    def login_form(request: Request, next: str = "/admin/") -> Response:
        return _login_page(pages, request, next, "", 200)

    @family.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        same_origin(request)
        nonce = request.cookies.get(SIGNING_IN, "")
        if not nonce or not hmac.compare_digest(str(form.get("csrf", "")), nonce):
            raise Forged
        next_page = _local(str(form.get("next", "/admin/")))
        try:
            session = sign_in(pages.ctx, str(form.get("token", "")).strip(), now=pages.clock())
        except Unauthorised:
            return _login_page(pages, request, next_page, "That is not a live admin token.", 401)
        response = RedirectResponse(next_page, status_code=303)
        length = int(SESSION_LENGTH.total_seconds())
        set_cookie(response, SESSION, session.secret, max_age=length, path="/admin", secure=pages.secure(request))
        response.delete_cookie(SIGNING_IN, path="/admin/login")
        return response

    @family.post("/logout")
    async def logout(request: Request) -> Response:
        admin, _ = await pages.posted(request)
        sign_out(pages.ctx, request.cookies[SESSION], actor=admin, now=pages.clock())
        response = RedirectResponse("/admin/login", status_code=303)
        response.delete_cookie(SESSION, path="/admin")
        return response

    return family


def _login_page(pages: Pages, request: Request, next_page: str, problem: str, status: int) -> Response:
    """The sign-in form with a fresh nonce, in the form and in its cookie."""
    nonce = secrets.token_urlsafe(32)
    response = pages.render(
        request,
        "login.html",
        status,
        title="Sign in",
        nonce=nonce,
        next=_local(next_page),
        problem=problem,
        problem_field="token",
    )
    set_cookie(response, SIGNING_IN, nonce, max_age=3600, path="/admin/login", secure=pages.secure(request))
    return response


def _local(path: str) -> str:
    """Where to go after signing in: an admin page of this site only, never another site's."""
    return path if path.startswith("/admin/") and not path.startswith("//") and "\\" not in path else "/admin/"
