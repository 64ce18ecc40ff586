"""Access tokens: admins' API tokens, members' private feed tokens, admins' page links,
admins' sessions on the admin pages.

Each is shown once and kept only as a digest. An admin token writes through the API; a
feed token opens one member's calendar; a page token opens the year planner with every
body on it, private ones included, and nothing else (a link to hand round a board's
officers without handing them the API). Signing in to the admin pages with an admin
token opens a session, kept in a cookie, that lasts `SESSION_LENGTH` or until signed out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from govcal.operations import fields
from govcal.operations.context import Context
from govcal.operations.people import person
from rules.errors import NotAllowed
from scheduler.store.audit import Audit
from scheduler.store.tables import TokenKind as TokenKind  # the faces name a token's kind through here

PATHS = {  # where a token opens something at a served govcal's address
    TokenKind.FEED: "/feeds/private/{token}.ics",
    TokenKind.PAGE: "/planner/private/{token}",
}


def _holder(ctx: Context, kind: TokenKind, holder: str) -> str:
    """Whose token: an admin by name; for a feed, one person (a PERSON), held under their
    address, or their name where they have none, however the request named them."""
    if kind is not TokenKind.FEED:
        return fields.filled(holder, "name", fields.NAME)
    found = ctx.store.person(person(holder))
    return found.email or found.name


def create_token(ctx: Context, kind: TokenKind, holder: str, *, actor: str, now: dt.datetime) -> str:
    """A new token for `holder`, shown now and never again (only its digest is kept)."""
    holder = _holder(ctx, kind, holder)
    return ctx.store.create_token(kind, holder, now, Audit(now, actor, "token:create", f"{kind}:{holder}"))


def rotate_token(ctx: Context, kind: TokenKind, holder: str, *, actor: str, now: dt.datetime) -> str:
    """Revoke `holder`'s live tokens and issue a new one: the old links stop working (and an
    admin's sessions end: they were opened with the old token)."""
    holder = _holder(ctx, kind, holder)
    token = ctx.store.rotate_token(kind, holder, now, Audit(now, actor, "token:rotate", f"{kind}:{holder}"))
    _end_sessions(ctx, kind, holder, now)
    return token


def revoke_tokens(ctx: Context, kind: TokenKind, holder: str, *, actor: str, now: dt.datetime) -> int:
    """Revoke every live token of `holder`; how many there were. An admin's sessions end with them."""
    holder = _holder(ctx, kind, holder)
    revoked = ctx.store.revoke_tokens(kind, holder, now, Audit(now, actor, "token:revoke", f"{kind}:{holder}"))
    _end_sessions(ctx, kind, holder, now)
    return revoked


def _end_sessions(ctx: Context, kind: TokenKind, holder: str, now: dt.datetime) -> None:
    """An admin token revoked or rotated: the sessions it opened on the admin pages end too."""
    if kind is TokenKind.ADMIN:
        ctx.store.revoke_tokens(TokenKind.SESSION, holder, now)


def address(base: str, kind: TokenKind, token: str) -> str:
    """What a feed or page token opens at `base` (a served govcal's address)."""
    return base.rstrip("/") + PATHS[kind].format(token=token)


def admin_of(ctx: Context, authorization: str | None) -> str:
    """The admin an `Authorization: Bearer <token>` header names; `Unauthorised` otherwise."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorised("send an admin token: Authorization: Bearer <token>", known=False)
    name = ctx.store.holder_of(TokenKind.ADMIN, token.strip())
    if name is None:
        raise Unauthorised("this token is not a live admin token", known=True)
    ctx.refresh()  # rules another instance published since are read before the admin's request
    return name


SESSION_LENGTH = dt.timedelta(hours=8)  # a working day signed in


@dataclass(frozen=True)
class Session:
    """A signed-in admin: who, and the session's secret (the cookie's value, shown once)."""

    admin: str
    secret: str


def sign_in(ctx: Context, token: str, *, now: dt.datetime) -> Session:
    """A session for the admin whose live admin token this is; `Unauthorised` otherwise."""
    admin = admin_of(ctx, f"Bearer {token}")
    return Session(
        admin, ctx.store.create_token(TokenKind.SESSION, admin, now, Audit(now, admin, "session:sign-in", admin))
    )


def admin_of_session(ctx: Context, secret: str, *, now: dt.datetime) -> str | None:
    """The admin a session's secret signs in, or None for an unknown, ended or expired one alike
    (the rules read again first if another instance published a version since)."""
    if not secret:
        return None
    ctx.refresh()
    return ctx.store.holder_of(TokenKind.SESSION, secret, issued_after=now - SESSION_LENGTH)


def sign_out(ctx: Context, secret: str, *, actor: str, now: dt.datetime) -> None:
    """End one session: its cookie opens nothing from now on."""
    ctx.store.revoke_token(TokenKind.SESSION, secret, now, Audit(now, actor, "session:sign-out", actor))


def feed_token_holders(ctx: Context) -> dict[str, dt.datetime]:
    """Who has a live private feed link, and when their newest was made."""
    return ctx.store.live_tokens(TokenKind.FEED)


def live_feed_links(ctx: Context) -> list[tuple[str, str, dt.datetime]]:
    """Each live private feed link's holder (the key a request names them by), their name,
    and when their newest link was made; by name."""
    holders = feed_token_holders(ctx)
    names = ctx.store.names_by_address(holders)
    return sorted(((holder, names.get(holder, holder), made) for holder, made in holders.items()), key=lambda x: x[1:])


def member_of_feed(ctx: Context, token: str) -> str | None:
    """Whose private feed a token opens; None for an unknown or revoked one alike."""
    return ctx.store.holder_of(TokenKind.FEED, token)


def admin_of_page(ctx: Context, token: str) -> str | None:
    """Whose private page link a token is; None for an unknown or revoked one alike."""
    return ctx.store.holder_of(TokenKind.PAGE, token)


class Unauthorised(NotAllowed):
    """No admin token (`known` False: 401), or one that is not live (`known` True: 403)."""

    def __init__(self, message: str, *, known: bool) -> None:
        super().__init__(" ".join(message.split()))
        self.known = known
        self.http_status = 403 if known else 401
