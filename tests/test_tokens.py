"""Access tokens on both backends: private feed tokens and admin tokens, kept as digests."""

from __future__ import annotations

import hashlib

import pytest

from rules.errors import RuleError
from rules.loader import load_rules
from scheduler.cli import main
from scheduler.store import AccessTokenRow, open_store


@pytest.fixture
def store(database):
    store = open_store(database)
    store.add_member(load_rules()["worcestershire-jcb"], "Cllr Ali", "chair")
    return store


def test_a_feed_token_belongs_to_a_member_and_only_its_digest_is_kept(store):
    token = store.create_token("feed", "Cllr Ali")
    assert store.holder_of("feed", token) == "Cllr Ali"
    assert store.holder_of("admin", token) is None  # a feed token is no admin token
    with store.session() as session:
        assert [row.digest for row in session.query(AccessTokenRow)] == [hashlib.sha256(token.encode()).hexdigest()]
    with pytest.raises(RuleError, match="no member 'Nobody'"):
        store.create_token("feed", "Nobody")


def test_revoked_and_unknown_tokens_look_the_same(store):
    token = store.create_token("feed", "Cllr Ali")
    assert store.revoke_tokens("feed", "Cllr Ali") == 1
    assert store.holder_of("feed", token) is None
    assert store.holder_of("feed", "never-issued") is None
    assert store.revoke_tokens("feed", "Cllr Ali") == 0


def test_rotating_revokes_the_old_token_and_issues_a_new_one(store):
    old = store.create_token("feed", "Cllr Ali")
    new = store.rotate_token("feed", "Cllr Ali")
    assert new != old and store.holder_of("feed", old) is None and store.holder_of("feed", new) == "Cllr Ali"
    store.revoke_tokens("feed", "Cllr Ali")
    with pytest.raises(RuleError, match="no live feed token to rotate"):
        store.rotate_token("feed", "Cllr Ali")


def test_token_commands(store, database, capsys):
    assert main(["feed", "token", "create", "Cllr Ali", "--database", database]) == 0
    token = capsys.readouterr().out.strip()
    assert store.holder_of("feed", token) == "Cllr Ali"
    assert main(["feed", "token", "rotate", "Cllr Ali", "--database", database]) == 0
    rotated = capsys.readouterr().out.strip()
    assert store.holder_of("feed", token) is None and store.holder_of("feed", rotated) == "Cllr Ali"
    assert main(["feed", "token", "revoke", "Cllr Ali", "--database", database]) == 0
    assert main(["feed", "token", "create", "Nobody", "--database", database]) == 2
    assert main(["admin", "token", "create", "alice", "--database", database]) == 0
