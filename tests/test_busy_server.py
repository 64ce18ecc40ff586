"""The suite on a shared PostgreSQL at its connection limit: a test waits for a slot, and
says what happened if none frees.

A server full for everyone would make every other test running beside these wait, or fail
where it connects outside the fixture; so each test here is given a limit of its own: a
login role allowed `LIMIT` connections (roles that are not superusers are held to it),
whose every slot it takes for a few seconds at most, and always gives back.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from sqlalchemy.engine import make_url

from conftest import FULL, MAX_CONNECTIONS, PG_URL, _postgres, _unavailable

TOP_UP = 0.05  # seconds between attempts to take a slot someone else gave back


class Slots:
    """Every connection slot the server has free, held by a thread that takes back any slot
    freed meanwhile, until `release`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.held: list[psycopg.Connection] = []
        self.full = threading.Event()
        self.released = threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        try:
            while not self.released.is_set():
                try:
                    self.held.append(psycopg.connect(self.url, connect_timeout=10))
                except psycopg.OperationalError as error:
                    if not any(phrase in str(error) for phrase in FULL):
                        raise
                    self.full.set()
                    self.released.wait(TOP_UP)
        finally:
            for connection in self.held:
                connection.close()
            self.full.set()  # also when it failed: nobody waits for it forever

    def release(self) -> None:
        """Give every slot back (from any thread)."""
        self.released.set()


@contextmanager
def every_free_slot(url: str) -> Iterator[Slots]:
    """The server's free slots, counted by taking them until it refuses; all closed after."""
    slots = Slots(url)
    slots.thread.start()
    try:
        slots.full.wait(60)
        yield slots
    finally:
        slots.release()
        slots.thread.join()


ROLE = "govcal_busy_test"
LIMIT = 3


@pytest.fixture
def server() -> str:
    """The test server as a role of its own, allowed `LIMIT` connections."""
    exists = f"SELECT FROM pg_roles WHERE rolname = '{ROLE}'"
    create = f"CREATE ROLE {ROLE} LOGIN CONNECTION LIMIT {LIMIT}"
    reason = _postgres(PG_URL, f"DO $$BEGIN IF NOT EXISTS ({exists}) THEN {create}; END IF; END$$")
    if reason:
        _unavailable(reason)
    return make_url(PG_URL).set(username=ROLE, password=None).render_as_string(hide_password=False)


def test_a_test_waits_for_a_connection_slot_and_gets_it_when_one_frees(server):
    with every_free_slot(server) as slots:
        assert slots.held and not slots.released.is_set()  # the server refuses now
        releasing = threading.Timer(1.5, slots.release)
        releasing.start()
        try:
            assert _postgres(server, "SELECT 1") is None
        finally:
            releasing.cancel()


def test_a_server_that_stays_full_is_said_to_be_so(server):
    with every_free_slot(server) as slots:
        held = len(slots.held)  # only ever more, until released
        reason = _postgres(server, "SELECT 1", wait=2)
    assert reason is not None and re.match(r"was at its connection limit for the [\d.]+ s this test waited", reason)
    assert f"'too many connections for role \"{ROLE}\"'" in reason
    assert f"(max_connections {MAX_CONNECTIONS[server]}, every slot it allows this user in use," in reason
    assert int(reason.split(", ")[-1].split()[0]) >= held == LIMIT  # ...of them by this test process
