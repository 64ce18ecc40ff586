"""Access tokens: admin API tokens, members' private feed tokens, page links and admin
sessions, kept only as digests.

A token is shown once, when made; the store keeps its SHA-256, so a stolen database
opens nothing. Revoked tokens stay, marked, for the record; an unknown and a revoked
token are told apart by no one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rules.errors import Conflict
from scheduler.store.audit import Audit
from scheduler.store.database import Database, stored_instant
from scheduler.store.identity import person_row
from scheduler.store.tables import AccessTokenRow, TokenKind


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenStore(Database):
    """Issuing, checking and revoking tokens."""

    def create_token(self, kind: TokenKind, holder: str, now: dt.datetime, audit: Audit | None = None) -> str:
        """A new token; only its digest is kept, so show it now or never.

        A feed token's holder must be a member of some body (their private feed).
        """
        token = secrets.token_urlsafe(32)
        with self.session() as session, session.begin():
            if kind is TokenKind.FEED:
                person_row(session, holder)  # one person: by address, or a name no one else has
            session.add(AccessTokenRow(kind=kind, holder=holder, digest=_digest(token), created_at=now))
            _record(session, audit)
        return token

    def holder_of(self, kind: TokenKind, token: str, issued_after: dt.datetime | None = None) -> str | None:
        """Whose live token this is, or None for an unknown or revoked one (or one issued
        at or before `issued_after`: an expired session)."""
        with self.session() as session:
            row = _by_digest(session, kind, token)
            if row is None or row.revoked_at is not None:
                return None
            if issued_after is not None and stored_instant(row.created_at) <= issued_after:
                return None
            return row.holder

    def live_tokens(self, kind: TokenKind) -> dict[str, dt.datetime]:
        """Who holds a live token of this kind, and when their newest was made."""
        with self.session() as session:
            query = (
                select(AccessTokenRow.holder, func.max(AccessTokenRow.created_at))
                .where(AccessTokenRow.kind == kind, AccessTokenRow.revoked_at.is_(None))
                .group_by(AccessTokenRow.holder)
            )
            return {holder: stored_instant(made) for holder, made in session.execute(query)}

    def revoke_token(self, kind: TokenKind, token: str, now: dt.datetime, audit: Audit | None = None) -> None:
        """Revoke this one token (signing out one session), if it is live."""
        with self.session() as session, session.begin():
            _record(session, audit)
            row = _by_digest(session, kind, token)
            if row is not None and row.revoked_at is None:
                row.revoked_at = now

    def revoke_tokens(self, kind: TokenKind, holder: str, now: dt.datetime, audit: Audit | None = None) -> int:
        """Revoke every live token of `holder`; how many were revoked."""
        with self.session() as session, session.begin():
            _record(session, audit)
            return _revoke(session, kind, holder, now)

    def link_key(self, now: dt.datetime) -> bytes:
        """The server's secret that action links are signed with (HMAC): made at first use,
        kept in the database so every instance signs alike. Instances making it at once each
        add one; all then take the first."""
        with self.session() as session, session.begin():
            first = (
                select(AccessTokenRow.digest).where(AccessTokenRow.kind == TokenKind.LINKS).order_by(AccessTokenRow.id)
            )
            if session.scalars(first.limit(1)).first() is None:
                session.add(
                    AccessTokenRow(kind=TokenKind.LINKS, holder="govcal", digest=secrets.token_hex(32), created_at=now)
                )
        with self.session() as session:
            return bytes.fromhex(session.scalars(first.limit(1)).one())

    def rotate_token(self, kind: TokenKind, holder: str, now: dt.datetime, audit: Audit | None = None) -> str:
        """Revoke `holder`'s tokens and issue a new one, in one transaction."""
        token = secrets.token_urlsafe(32)
        with self.session() as session, session.begin():
            if not _revoke(session, kind, holder, now):
                raise Conflict(f"'{holder}' has no live {kind} token to rotate; create one")
            session.add(AccessTokenRow(kind=kind, holder=holder, digest=_digest(token), created_at=now))
            _record(session, audit)
        return token


def _by_digest(session: Session, kind: TokenKind, token: str) -> AccessTokenRow | None:
    """The row of a token of this kind, live or revoked, found by its digest."""
    return session.scalar(
        select(AccessTokenRow).where(AccessTokenRow.kind == kind, AccessTokenRow.digest == _digest(token))
    )


def _record(session: Session, audit: Audit | None) -> None:
    """The audit entry for a change to tokens, in its transaction (the token itself never in it)."""
    if audit is not None:
        session.add(audit.row())


def _revoke(session: Session, kind: TokenKind, holder: str, now: dt.datetime) -> int:
    live = AccessTokenRow.revoked_at.is_(None)
    rows = list(
        session.scalars(
            select(AccessTokenRow).where(AccessTokenRow.kind == kind, AccessTokenRow.holder == holder, live)
        )
    )
    for row in rows:
        row.revoked_at = now
    return len(rows)
