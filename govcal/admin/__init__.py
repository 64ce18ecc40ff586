"""The admin's planner in the browser: the year grid, a panel per meeting, every action.

Mounted at /admin by `govcal serve`. An admin signs in with their admin token (the API's)
and gets a session cookie: HTTP-only, SameSite=Strict, Secure when served over https,
scoped to /admin, lasting a working day or until they sign out. Without a session a page
redirects to the sign-in form and a form answers 401. Every form carries a CSRF token
derived from the session's secret (the sign-in form, one from its own cookie), and a
cross-origin post is refused whatever it carries.

Pages are server-rendered from `templates/admin/` with no script: links and forms only,
so they work with a keyboard, a screen reader and on a phone. A change is shown before it
is made: the panel's move, cancel, add and confirm go to a preview (a GET, which makes
the change through the operations layer and discards it) listing the rules it breaks
with their clauses, the preferences that give way and every date that follows it; only
the preview's form commits it, and forcing past a rule needs a reason, kept in the audit
trail. Every action is the same operation the CLI and the API call.

The pages come in families, a module and a router each: `signing` (in and out), `grid` (the
year), `meeting` (a panel, an edit's preview and commit, attendance), `papers` (a meeting's
links and its notice to members, from the panel), `body` (a body's page,
members, feed links, extraordinary meetings), `rules` (a body's rules as a form, previewed,
published from a day; the form's pieces in `ruleform`, for any page that edits rules), `replan`
and `reminders` (the outbox, deadlines done), `actions` (the pages e-mails' action links open,
without signing in). Each takes `common.Pages`: the session, CSRF
and origin checks, rendering and the clock, written once. A new page goes in its family's
module; a new family is a module here, in `FAMILIES`, and in pyproject's contract for this package.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response

from govcal.admin import actions, body, drafting, grid, meeting, papers, reminders, replan, rules, signing
from govcal.admin.common import SIGNING_IN, Forged, Pages, SignInFirst
from govcal.clock import utc_now
from govcal.operations import Context
from rules.errors import DatabaseUnavailable, GovcalError

__all__ = ["SIGNING_IN", "admin_pages"]

FAMILIES = (signing, grid, meeting, papers, body, rules, drafting, replan, reminders, actions)


def admin_pages(ctx: Context, public_url: str | None = None, clock: Callable[[], dt.datetime] = utc_now) -> FastAPI:
    """The admin area as an app to mount at /admin; `clock` tells the time (the real one but in tests)."""
    pages = Pages(ctx, public_url, clock)
    # Each family's routes as the app's own (not an included router), so `app.routes` lists every page.
    routes = [route for family in FAMILIES for route in family.router(pages).routes]
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, routes=routes)
    app.exception_handler(DatabaseUnavailable)(ctx.outage.handler)

    @app.exception_handler(SignInFirst)
    async def _sign_in_first(request: Request, _: SignInFirst) -> Response:
        if request.method in ("GET", "HEAD"):
            path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse("/admin/login?" + urlencode({"next": path}), status_code=303)
        return pages.render(request, "message.html", 401, title="Sign in first", lines=["Your session has ended."])

    @app.exception_handler(Forged)
    async def _forged(request: Request, _: Forged) -> Response:
        lines = ["This form did not come from this session's admin pages. Reload the page and try again."]
        return pages.render(request, "message.html", 403, title="Form refused", lines=lines)

    @app.exception_handler(RequestValidationError)
    async def _malformed(request: Request, error: RequestValidationError) -> Response:
        said = "; ".join(f"{'.'.join(str(part) for part in e['loc'][1:])}: {e['msg']}" for e in error.errors())
        return pages.render(request, "message.html", 400, title="Not done", problem=said, lines=[])

    @app.exception_handler(GovcalError)
    async def _refused(request: Request, error: GovcalError) -> Response:
        """Each kind of error at its own status (`rules.errors`), on a page with the reason."""
        return pages.render(request, "message.html", error.http_status, title="Not done", problem=str(error), lines=[])

    return app
