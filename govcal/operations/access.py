"""Access tokens: admins' API tokens, members' private feed tokens, admins' page links.

Each is shown once and kept only as a digest. An admin token writes through the API; a
feed token opens one member's calendar; a page token opens the year planner with every
body on it, private ones included, and nothing else (a link to hand round a board's
officers without handing them the API).
"""

from __future__ import annotations

import datetime as dt

from govcal.operations.context import Context
from rules.errors import RuleError
from scheduler.store.tables import TokenKind


def create_token(ctx: Context, kind: TokenKind, holder: str, *, now: dt.datetime) -> str:
    """A new token for `holder`, shown now and never again (only its digest is kept)."""
    return ctx.store.create_token(kind, holder, now)


def rotate_token(ctx: Context, kind: TokenKind, holder: str, *, now: dt.datetime) -> str:
    """Revoke `holder`'s live tokens and issue a new one: the old links stop working."""
    return ctx.store.rotate_token(kind, holder, now)


def revoke_tokens(ctx: Context, kind: TokenKind, holder: str, *, now: dt.datetime) -> int:
    """Revoke every live token of `holder`; how many there were."""
    return ctx.store.revoke_tokens(kind, holder, now)


def admin_of(ctx: Context, authorization: str | None) -> str:
    """The admin an `Authorization: Bearer <token>` header names; `Unauthorised` otherwise."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorised("send an admin token: Authorization: Bearer <token>", known=False)
    name = ctx.store.holder_of(TokenKind.ADMIN, token.strip())
    if name is None:
        raise Unauthorised("this token is not a live admin token", known=True)
    return name


def member_of_feed(ctx: Context, token: str) -> str | None:
    """Whose private feed a token opens; None for an unknown or revoked one alike."""
    return ctx.store.holder_of(TokenKind.FEED, token)


def admin_of_page(ctx: Context, token: str) -> str | None:
    """Whose private page link a token is; None for an unknown or revoked one alike."""
    return ctx.store.holder_of(TokenKind.PAGE, token)


class Unauthorised(RuleError):
    """No admin token (`known` False: 401), or one that is not live (`known` True: 403)."""

    def __init__(self, message: str, *, known: bool) -> None:
        super().__init__(message)
        self.known = known
