"""Access tokens on both backends: private feed tokens and admin tokens, kept as digests."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from conftest import context
from govcal.cli import main
from govcal.operations import access, people
from rules.errors import Conflict, RuleError
from rules.loader import load_rules
from scheduler.store.tables import AccessTokenRow, TokenKind

FEED, ADMIN = TokenKind.FEED, TokenKind.ADMIN
NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def ctx(database):
    ctx = context(load_rules(), database)
    people.add_member(ctx, "worcestershire-jcb", "Cllr Ali", "chair", actor="clerk", now=NOW)
    return ctx


@pytest.fixture
def store(ctx):
    return ctx.store


def test_a_feed_token_belongs_to_a_member_and_only_its_digest_is_kept(ctx, store):
    token = access.create_token(ctx, FEED, "Cllr Ali", actor="clerk", now=NOW)
    assert access.member_of_feed(ctx, token) == "Cllr Ali"
    assert store.holder_of(ADMIN, token) is None  # a feed token is no admin token
    with store.session() as session:
        assert [row.digest for row in session.query(AccessTokenRow)] == [hashlib.sha256(token.encode()).hexdigest()]
    with pytest.raises(RuleError, match="no one called 'Nobody'"):
        access.create_token(ctx, FEED, "Nobody", actor="clerk", now=NOW)


def test_revoked_and_unknown_tokens_look_the_same(ctx):
    token = access.create_token(ctx, FEED, "Cllr Ali", actor="clerk", now=NOW)
    assert access.revoke_tokens(ctx, FEED, "Cllr Ali", actor="clerk", now=NOW) == 1
    assert access.member_of_feed(ctx, token) is None
    assert access.member_of_feed(ctx, "never-issued") is None
    assert access.revoke_tokens(ctx, FEED, "Cllr Ali", actor="clerk", now=NOW) == 0


def test_rotating_revokes_the_old_token_and_issues_a_new_one(ctx):
    old = access.create_token(ctx, FEED, "Cllr Ali", actor="clerk", now=NOW)
    new = access.rotate_token(ctx, FEED, "Cllr Ali", actor="clerk", now=NOW)
    assert new != old and access.member_of_feed(ctx, old) is None and access.member_of_feed(ctx, new) == "Cllr Ali"
    access.revoke_tokens(ctx, FEED, "Cllr Ali", actor="clerk", now=NOW)
    with pytest.raises(Conflict, match="no live feed token to rotate"):
        access.rotate_token(ctx, FEED, "Cllr Ali", actor="clerk", now=NOW)


def test_token_commands(ctx, database, capsys):
    assert main(["feed", "token", "create", "Cllr Ali", "--database", database]) == 0
    token = capsys.readouterr().out.strip()
    assert access.member_of_feed(ctx, token) == "Cllr Ali"
    assert main(["feed", "token", "rotate", "Cllr Ali", "--database", database]) == 0
    rotated = capsys.readouterr().out.strip()
    assert access.member_of_feed(ctx, token) is None and access.member_of_feed(ctx, rotated) == "Cllr Ali"
    assert main(["feed", "token", "revoke", "Cllr Ali", "--database", database]) == 0
    assert main(["feed", "token", "create", "Nobody", "--database", database]) == 2
    assert main(["admin", "token", "create", "alice", "--database", database]) == 0
