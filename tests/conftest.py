"""Shared fixtures: small rule sets in a temporary directory, and a database per backend.

Store tests run once on SQLite and once on the real PostgreSQL, which comes from
GOVCAL_TEST_POSTGRES_URL (`.ci/run` sets it), else the local server on
127.0.0.1:5432. Where none answers, the PostgreSQL cases skip, saying why; where
the variable was set explicitly they fail instead, so CI cannot skip them.

The server is shared (other developers' runs, CI, the workers of this one): a worker
closes every engine's connections as each test ends, so it holds only what the test
running needs, and a server at its connection limit is waited for (up to a minute,
backing off) before a test fails or skips saying so.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import email
import email.policy
import gc
import os
import random
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
import uuid
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import psycopg
import pytest
import sqlalchemy
import yaml
from aiosmtpd.controller import Controller

from govcal.mail import Smtp
from govcal.operations import Context, meetings, people, planning
from govcal.operations.meetings import EditResult
from govcal.settings import Settings
from govcal.terms import term_calendars
from rules.loader import RuleSet, load_rules
from scheduler.planner import Planner
from scheduler.store.replan import Changes

# A body with every required field; tests override what they exercise.
BASE: dict[str, Any] = {
    "id": "board",
    "name": "Test Board",
    "cycle_start": "april",
    "meetings": {
        "ref": "F8",
        "clause": "8.1",
        "frequency": "monthly",
        "pattern": "first Monday",
        "time": "14:00",
        "if_unavailable": "next same weekday",
    },
}


def body(**overrides: Any) -> dict[str, Any]:
    """BASE with top-level keys replaced and `meetings` keys merged."""
    result = copy.deepcopy(BASE)
    meetings = overrides.pop("meetings", None)
    result.update(overrides)
    if meetings is not None:
        result["meetings"] = {**result["meetings"], **meetings}
        result["meetings"] = {k: v for k, v in result["meetings"].items() if v is not None}
    return result


# A quarterly board and a group that meets before and after each of its meetings (F3, F4).
STRATEGIC = body(id="strategic", meetings={"frequency": "quarterly", "pattern": "second Tuesday"})
EXECUTIVE = body(
    id="executive",
    meetings={
        "frequency": None,
        "pattern": None,
        "before_and_after": {
            "body": "strategic",
            "before": "10 working days before",
            "after": "within 10 working days after",
            "ref": "F4",
            "clause": "3.2.2",
        },
    },
)


@pytest.fixture
def write_rules(tmp_path: Path) -> Callable[..., RuleSet]:
    """Write bodies (dicts) as rule files and load them together."""

    def write(*bodies: dict[str, Any]) -> RuleSet:
        folder = tmp_path / "rules"
        folder.mkdir(exist_ok=True)
        for each in bodies:
            (folder / f"{each['id']}.yaml").write_text(yaml.safe_dump(each, sort_keys=False))
        return load_rules([folder])

    return write


def planner_for(rules: RuleSet) -> Planner:
    """A planner for a rule set, with the term calendars its bodies name."""
    return Planner(rules, term_calendars(rules))


def context(rules: RuleSet, database: str) -> Context:
    """The operations' context over a rule set and a database."""
    return Context(rules, Settings(database_url=database, database_named=True))


def add_jcb_people(ctx: Context, now: dt.datetime) -> None:
    """The JCB's people as the attendance tests know them, each with an address: Carol Chair
    (County Council), Victor Vice, Mo Member and Sam Sub (substitute; all PCT), Ann Clerk."""
    for name, role, organisation in (
        ("Carol Chair", "chair", "Worcestershire County Council"),
        ("Victor Vice", "vice-chair", "Worcestershire PCT"),
        ("Mo Member", "member", "Worcestershire PCT"),
        ("Sam Sub", "substitute", "Worcestershire PCT"),
        ("Ann Clerk", "clerk", ""),
    ):
        email = f"{name.split()[0].lower()}@example.org"
        people.add_member(
            ctx, "worcestershire-jcb", name, role, organisation=organisation, email=email, actor="admin", now=now
        )


# The tests' clock, where a test does not say: Mon 2 Mar 2026, before every 2026-27 cycle
# starts, so all of it is still to come (nothing yet history).
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def keep(
    ctx: Context, years: Sequence[int] = (2026,), bodies: Sequence[str] | None = None, now: dt.datetime = NOW
) -> Changes:
    """Plan cycle years and keep them, as `govcal plan --save` does, at `now`."""
    return planning.keep_year(ctx, years, bodies, actor="govcal plan", now=now).changes


def edit_meeting(ctx: Context, action: str, **arguments: Any) -> EditResult:
    """An admin's edit through the operations layer, as the CLI and the API make it, now."""
    return meetings.edit_meeting(ctx, action, **{"now": NOW, **arguments})


PG_URL = os.environ.get("GOVCAL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


WAIT = 60.0  # seconds a test waits for a free connection slot on a busy server
# the server at its limit (53300), or at the one it sets a user or a database (the same wait serves)
FULL = ("too many clients", "remaining connection slots are reserved", "too many connections for")
MAX_CONNECTIONS: dict[str, int] = {}  # each server's max_connections, as last seen


def _postgres(url: str, sql: str, wait: float = WAIT) -> str | None:
    """Run one statement on the test server; None, or what stopped it (to follow "PostgreSQL
    at URL"). While the server is at its connection limit, try again, backing off, for `wait` s."""
    started, pause = time.monotonic(), 0.05
    while True:
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=10) as connection:
                connection.execute(sql.encode())
                MAX_CONNECTIONS[url] = int(connection.execute("SHOW max_connections").fetchone()[0])
            return None
        except psycopg.Error as error:
            said = str(error).rpartition("FATAL:")[2].strip().splitlines()[0]
            if not any(phrase in said for phrase in FULL):
                return f"cannot be reached ({type(error).__name__}: {said})"
            waited = time.monotonic() - started
            if waited + pause > wait:
                return (
                    f"was at its connection limit for the {waited:.1f} s this test waited: the server said"
                    f" '{said}' (max_connections {MAX_CONNECTIONS.get(url, 'unknown')}, every slot it allows"
                    f" this user in use, {_connections_held()} of them by this test process)"
                )
        time.sleep(pause * random.uniform(0.5, 1.0))  # jittered, so waiting workers do not retry in step
        pause = min(pause * 2, 2.0)


def _connections_held() -> int:
    """The PostgreSQL connections this process has open (searched for only when explaining a failure)."""
    return sum(1 for each in gc.get_objects() if isinstance(each, psycopg.Connection) and not each.closed)


def _unavailable(reason: str) -> NoReturn:
    """Fail where PostgreSQL was asked for (CI), else skip; either way saying why."""
    if "GOVCAL_TEST_POSTGRES_URL" in os.environ:
        pytest.fail(f"PostgreSQL at {PG_URL} was asked for and {reason}")
    pytest.skip(f"PostgreSQL at {PG_URL} {reason}; set GOVCAL_TEST_POSTGRES_URL to make this a failure")


_ENGINES: weakref.WeakSet[sqlalchemy.Engine] = weakref.WeakSet()  # engines that connected in this test
sqlalchemy.event.listen(sqlalchemy.Engine, "engine_connect", lambda connection: _ENGINES.add(connection.engine))


@pytest.fixture(autouse=True)
def _engines_closed() -> Iterator[None]:
    """Close the pooled connections of every engine a test used, as it ends: a worker's hold on
    the shared server is one test's, not every engine its earlier tests left for the collector."""
    yield
    while _ENGINES:
        _ENGINES.pop().dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> Iterator[str]:
    """A fresh database URL: a SQLite file, or a schema of its own on the PostgreSQL server
    (so test runs sharing one server, a developer's and CI's, never meet)."""
    yield from fresh_database(request.param, tmp_path / "govcal.db")


def fresh_database(backend: str, file: Path) -> Iterator[str]:
    """A fresh database on `backend` ("sqlite": at `file`), dropped afterwards on PostgreSQL."""
    if backend == "sqlite":
        yield f"sqlite:///{file}"
        return
    schema = f"govcal_test_{uuid.uuid4().hex[:12]}"
    reason = _postgres(PG_URL, f"CREATE SCHEMA {schema}")
    if reason:
        _unavailable(reason)
    separator = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        _postgres(PG_URL, f"DROP SCHEMA {schema} CASCADE")


@contextmanager
def another_database(kind: str, folder: Path, name: str = "other") -> Iterator[str]:
    """A second fresh database of `kind` ("sqlite" or "postgresql"), as `database` makes them:
    a file in `folder`, or a schema of its own, dropped afterwards."""
    yield from fresh_database(kind, folder / f"{name}.db")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on, for servers the tests start."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(
    tmp_path: Path, *options: str, database: str | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A real `govcal serve` on a free port with its own SQLite file (or `database`, and any
    other `options`), its output in tmp_path/serve.log; yields its URL and process once it
    answers, and stops it after."""
    port = free_port()
    govcal = str(Path(sys.executable).parent / "govcal")
    database = database or f"sqlite:///{tmp_path / 'govcal.db'}"
    with (tmp_path / "serve.log").open("w") as log:
        process = subprocess.Popen(
            [govcal, "serve", "--port", str(port), "--database", database, *options],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{url}/feeds/all.ics", timeout=5).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError((tmp_path / "serve.log").read_text()) from None
                    time.sleep(0.3)
            yield url, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


class Proxy:
    """A TCP proxy on 127.0.0.1 to a PostgreSQL server: stopping it is the database going
    away for whoever connects through it (refused, and every open connection cut); starting
    it again, on the same port, is the database coming back."""

    def __init__(self, url: str) -> None:
        target = sqlalchemy.engine.make_url(url)
        self.target = (target.host or "127.0.0.1", target.port or 5432)
        self.port = free_port()
        self.url = target.set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()

    def start(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self) -> None:
        with self.lock:
            for each in [self.listener, *self.sockets]:
                with contextlib.suppress(OSError):  # one its other end already closed
                    each.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked on it
                each.close()
            self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the proxy was stopped, or one end hung up: the other sees it too


@pytest.fixture
def proxy(database) -> Iterator[Proxy]:
    """A proxy, started, to the PostgreSQL `database` (its URL through the proxy is `proxy.url`)."""
    proxied = Proxy(database)
    proxied.start()
    yield proxied
    proxied.stop()


class Inbox:
    """A real SMTP server's mailbox (aiosmtpd on 127.0.0.1): every message kept, with its
    Message-ID; it can refuse (to play an SMTP server that is down)."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.messages: list[email.message.EmailMessage] = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.refuse:  # True, or the reply to refuse with ("550 5.7.1 ...")
            return self.refuse if isinstance(self.refuse, str) else "451 try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        self.ids.append(message["Message-ID"].strip())
        return "250 OK"


@pytest.fixture
def inbox():
    handler = Inbox()
    port = free_port()
    handler.smtp = Smtp.from_url(f"smtp://127.0.0.1:{port}")
    handler.controller = Controller(handler, hostname="127.0.0.1", port=port)
    handler.controller.start()

    def restart() -> None:  # a stopped aiosmtpd controller cannot start again: a new one, same port
        handler.controller = Controller(handler, hostname="127.0.0.1", port=port)
        handler.controller.start()

    handler.restart = restart
    yield handler
    handler.controller.stop()


# A dispatcher in a process of its own, to be killed mid-send: database URL, SMTP URL, its
# name, the moment it sends as of, and how many minutes on its wall clock runs.
KILLABLE = textwrap.dedent(
    """
    import datetime as dt, sys
    from govcal.clock import utc_now
    from govcal.mail import Smtp
    from govcal.operations import Context
    from govcal.operations.reminders import send_due
    from govcal.settings import Settings
    url, smtp, name, now, ahead = sys.argv[1:6]
    def wall():  # the wall clock, as far on as the test has moved time since the first run
        return utc_now() + dt.timedelta(minutes=int(ahead))
    ctx = Context.load(Settings(database_url=url))
    send_due(ctx, dt.datetime.fromisoformat(now), Smtp.from_url(smtp), name, wall=wall)
    """
)


def kill_while_sending(
    store: Any, database: str, smtp: str, due: dt.datetime, sent: Callable[[], int], kills: int, seed: int, most: int
) -> int:
    """Run dispatchers one after another until no reminder is pending, SIGKILLing each of the
    first `kills` after a random 3 to `most` more messages have gone (`sent` counts them), the
    clock moved past the lease each time; how many were killed."""
    import random
    import signal

    from scheduler.store.tables import ReminderRow

    rng = random.Random(seed)
    killed, now = 0, due
    while True:
        with store.session() as session:
            if session.query(ReminderRow).filter(ReminderRow.status == "pending").count() == 0:
                return killed
        ahead = str((now - due) // dt.timedelta(minutes=1))
        worker = subprocess.Popen(
            [sys.executable, "-c", KILLABLE, database, smtp, f"run-{killed}", now.isoformat(), ahead],
            stderr=subprocess.PIPE,
        )
        if killed < kills:  # kill mid-dispatch, after a random few sends; the last run finishes
            target = sent() + rng.randint(3, most)
            while sent() < target and worker.poll() is None:
                time.sleep(0.001)
            if worker.poll() is None:
                worker.send_signal(signal.SIGKILL)
                killed += 1
        worker.wait(timeout=120)
        now += dt.timedelta(minutes=6)  # past the 5-minute lease, as real time (the wall clock too) would be


@contextmanager
def served(ctx: Context, now: dt.datetime, port: int | None = None) -> Iterator[str]:
    """govcal's app (as `govcal serve` composes it) under uvicorn on a free port (or `port`,
    where the context's public URL names it), its clock at `now`."""
    import uvicorn  # noqa: PLC0415 - only the tests that serve need it

    from govcal.cli.server import application  # noqa: PLC0415

    port = port or free_port()
    server = uvicorn.Server(
        uvicorn.Config(application(ctx, ["127.0.0.1"], lambda: now), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
