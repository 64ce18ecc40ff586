"""What every admin page shares: the session, its CSRF token, the origin check, rendering, links.

`Pages` carries the operations' context, the address the pages are served at and the clock;
each page family's router takes it. Nothing here is a route.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from govcal.operations import Context
from govcal.operations.access import admin_of_session
from govcal.operations.fields import DIGITS
from govcal.page import PAGE_POLICY, templates
from rules.errors import RuleError

SESSION = "govcal_session"
SIGNING_IN = "govcal_signin"  # the sign-in form's own CSRF cookie, before there is a session
HEADERS = {
    "Content-Security-Policy": PAGE_POLICY.replace("default-src 'none';", "default-src 'none'; script-src 'self';"),
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",  # links out carry no address; posts carry their Origin
    "X-Content-Type-Options": "nosniff",
}


class SignInFirst(Exception):
    """No live session: a page redirects to the sign-in form, a form answers 401."""


class Forged(Exception):
    """A form without this session's CSRF token, or posted from another origin: 403."""


def csrf_of(secret: str) -> str:
    """The token every form of a session carries: derived from the session's secret, which
    another site can neither read (HTTP-only cookie) nor guess."""
    return hmac.new(secret.encode(), b"govcal admin form", hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Pages:
    """The admin pages' common ground: the operations' context, the address they are served
    at (when it is set), and `clock`, which tells the time (the real one but in tests)."""

    ctx: Context
    public_url: str | None
    clock: Callable[[], dt.datetime]

    def render(self, request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        """A page from `templates/admin/`, with this session's CSRF token for its forms, the council's
        name for its header and its own path (the menu marks it)."""
        secret = request.cookies.get(SESSION, "")
        shared = {
            "csrf": csrf_of(secret) if secret else "",
            "static": f"{self.base(request)}/static",
            "council": self.ctx.settings.council_name,
            "here": request.url.path,
        }
        html = templates().get_template(f"admin/{template}").render(shared | values)
        return HTMLResponse(html, status_code=status, headers=HEADERS)

    def base(self, request: Request) -> str:
        """The site's address: the one it is told it is served at, else the one asked for."""
        return (self.public_url or f"{request.url.scheme}://{request.url.netloc}").rstrip("/")

    def secure(self, request: Request) -> bool:
        """Whether cookies go over https only: when the page was asked for, or is served, over https."""
        return request.url.scheme == "https" or (self.public_url or "").startswith("https://")

    def signed_in(self, request: Request) -> str:
        """The admin whose live session the request carries; `SignInFirst` without one."""
        admin = admin_of_session(self.ctx, request.cookies.get(SESSION, ""), now=self.clock())
        if admin is None:
            raise SignInFirst
        return admin

    async def posted(self, request: Request) -> tuple[str, FormData]:
        """The signed-in admin and their form, once its origin and CSRF token are checked."""
        admin = self.signed_in(request)
        form = await request.form()
        same_origin(request)
        if not hmac.compare_digest(str(form.get("csrf", "")), csrf_of(request.cookies[SESSION])):
            raise Forged
        return admin, form


def same_origin(request: Request) -> None:
    """Refuse a post another site's page sent: the browser says so (Sec-Fetch-Site), or its
    Origin names another host. (Beside the CSRF token, for browsers that send either.)"""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site != "same-origin":
        raise Forged
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        raise Forged


def set_cookie(response: Response, name: str, value: str, *, max_age: int, path: str, secure: bool) -> None:
    """A cookie scripts cannot read and other sites' requests do not carry."""
    response.set_cookie(name, value, max_age=max_age, path=path, secure=secure, httponly=True, samesite="strict")


def reason(form: FormData) -> str:
    """Why an admin forces past a rule, on one line (the operation holds it to `fields.REASON` characters)."""
    return " ".join(str(form.get("reason", "")).split())


def day_asked(asked: Mapping[str, str], name: str) -> str:
    """The date a form's day, month and year fields (GOV.UK's date input: `name-day`, ...) give,
    as 2026-05-07; "" when all three are empty; a `RuleError` saying what is wrong otherwise."""
    parts = [asked.get(f"{name}-{part}", "").strip() for part in ("day", "month", "year")]
    if not any(parts):
        return ""
    if not all(DIGITS.fullmatch(p) for p in parts):
        missing = [part for part, p in zip(("day", "month", "year"), parts, strict=True) if not DIGITS.fullmatch(p)]
        raise RuleError(f"The date must include a {' and a '.join(missing)}, in figures")
    day, month, year = (int(p) for p in parts)
    if year < 1000:
        raise RuleError("The year must have 4 figures, like 2027")
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        raise RuleError(f"The date must be a real date: {day} {month} {year} is not one") from None


def page_numbers(page: int, last: int, address: Callable[[int], str]) -> list[tuple[int, str | None]]:
    """The numbered links of GOV.UK's pagination: the first, the last, and those beside
    `page`, with None where pages are left out (shown as an ellipsis)."""
    if last <= 1:
        return []
    shown = sorted({1, last, page - 1, page, page + 1} & set(range(1, last + 1)))
    numbers: list[tuple[int, str | None]] = []
    for n in shown:
        if numbers and n - numbers[-1][0] > 1:
            numbers.append((n - 1, None))
        numbers.append((n, address(n)))
    return numbers


def to_meeting(meeting_id: str, done: str = "") -> str:
    """A meeting's panel, saying what was just done to it if anything."""
    return "/admin/meeting?" + urlencode({"id": meeting_id} | ({"done": done} if done else {}))


def to_body(body_id: str) -> tuple[str, str]:
    """A body's page, as a link back to it."""
    return "/admin/body?" + urlencode({"id": body_id}), "Back to the body"
