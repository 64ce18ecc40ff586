"""Access tokens: admin API tokens and members' private feed tokens, kept only as digests.

A token is shown once, when made; the store keeps its SHA-256, so a stolen database
opens nothing. Revoked tokens stay, marked, for the record; an unknown and a revoked
token are told apart by no one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from rules.errors import RuleError
from scheduler.store.database import Database
from scheduler.store.tables import AccessTokenRow, MemberRow, TokenKind


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenStore(Database):
    """Issuing, checking and revoking tokens."""

    def create_token(self, kind: TokenKind, holder: str, now: dt.datetime) -> str:
        """A new token; only its digest is kept, so show it now or never.

        A feed token's holder must be a member of some body (their private feed).
        """
        token = secrets.token_urlsafe(32)
        with self.session() as session, session.begin():
            if kind is TokenKind.FEED and session.scalar(select(MemberRow).where(MemberRow.name == holder)) is None:
                raise RuleError(f"no member '{holder}': add them to a body first (`govcal member add`)")
            session.add(AccessTokenRow(kind=kind, holder=holder, digest=_digest(token), created_at=now))
        return token

    def holder_of(self, kind: TokenKind, token: str) -> str | None:
        """Whose live token this is, or None for an unknown or revoked one."""
        with self.session() as session:
            row = session.scalar(
                select(AccessTokenRow).where(AccessTokenRow.kind == kind, AccessTokenRow.digest == _digest(token))
            )
            return row.holder if row is not None and row.revoked_at is None else None

    def revoke_tokens(self, kind: TokenKind, holder: str, now: dt.datetime) -> int:
        """Revoke every live token of `holder`; how many were revoked."""
        with self.session() as session, session.begin():
            return _revoke(session, kind, holder, now)

    def rotate_token(self, kind: TokenKind, holder: str, now: dt.datetime) -> str:
        """Revoke `holder`'s tokens and issue a new one, in one transaction."""
        token = secrets.token_urlsafe(32)
        with self.session() as session, session.begin():
            if not _revoke(session, kind, holder, now):
                raise RuleError(f"'{holder}' has no live {kind} token to rotate")
            session.add(AccessTokenRow(kind=kind, holder=holder, digest=_digest(token), created_at=now))
        return token


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
