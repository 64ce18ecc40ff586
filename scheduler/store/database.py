"""Engines and migrations: SQLite by default, PostgreSQL by URL, the schema Alembic's.

`scheduler.store.schema` keeps the schema's revision (Alembic's migrations); the
engine here sets SQLite up for one writer at a time (WAL, a busy timeout, write
locks taken up front) and PostgreSQL for several instances sharing it. Either way a
database that cannot be reached is a `DatabaseUnavailable`, said here once for every
statement, connection and commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Dialect, create_engine, event
from sqlalchemy.engine import Engine, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from rules.errors import DatabaseUnavailable, RuleError
from scheduler.workdays import LONDON

if TYPE_CHECKING:  # alembic is imported only when migrating: CLI start-up stays quick
    from alembic.config import Config

UTC = dt.UTC
# The driver's errors that mean "cannot reach the database now", not "this statement is wrong":
# SQLite's lock held past the busy timeout, a file it cannot open or read; PostgreSQL's
# connection exceptions (SQLSTATE class 08) and a server shutting down or starting up.
SQLITE_UNAVAILABLE = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_IOERR")
POSTGRES_UNAVAILABLE = ("08", "57P01", "57P02", "57P03")
CONNECT_TIMEOUT = 5  # seconds


def engine_for(url: str) -> Engine:
    """An engine; SQLite gets foreign keys, WAL, a busy timeout and write-locking transactions.

    In WAL mode SQLite's synchronous=NORMAL syncs at checkpoints, not at every commit: a
    commit survives govcal crashing or being killed, and only a power cut or an operating
    system crash can lose the last ones (SQLite's documentation recommends it with WAL).
    Reminders are marked sent one message at a time, so a commit per message must be cheap.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "handle_error", _unavailable)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection: Any, _: Any) -> None:
            connection.isolation_level = None  # SQLAlchemy issues BEGIN itself, below
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection: Any) -> None:
            # Take the write lock up front: a reader that later writes would otherwise
            # fail at once with "database is locked" instead of waiting its turn.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # a server that drops packets is found away in seconds, not the TCP stack's minutes (the feeds' loop waits on it)
    engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT})
    event.listen(engine, "handle_error", _unavailable)
    return engine


def _unavailable(context: ExceptionContext) -> None:
    """Raise `DatabaseUnavailable` in place of an error that says the database cannot be
    reached: a dropped connection, one that could not be made, or the codes above.

    A failed pre-ping is left alone: the pool replaces that connection itself, and only
    if the new one cannot be made is the database away.
    """
    if context.is_pre_ping or not isinstance(context.sqlalchemy_exception, OperationalError | InterfaceError):
        return
    said = unavailable(context.original_exception, context.is_disconnect or context.connection is None)
    if said is not None:
        raise said


def unavailable(error: BaseException, disconnected: bool) -> DatabaseUnavailable | None:
    """The driver's `error` as a `DatabaseUnavailable` if it says the database cannot be
    reached (`disconnected`, or one of the codes above), else None: the one judgement, for
    SQLAlchemy's statements and for those run on the driver's own connection alike."""
    code = getattr(error, "sqlite_errorname", None) or getattr(error, "sqlstate", None) or ""
    if disconnected or code.startswith(SQLITE_UNAVAILABLE) or code.startswith(POSTGRES_UNAVAILABLE):
        return DatabaseUnavailable((str(error).strip().splitlines() or [type(error).__name__])[0])
    return None


def driver_error(error: Exception, dialect: Dialect, disconnected: bool, statement: str) -> BaseException:
    """A driver's error from a statement run on its own connection, said as SQLAlchemy says
    its own statements' errors: a `DatabaseUnavailable` where it cannot be reached, else
    SQLAlchemy's exception for it (an `IntegrityError`, ...)."""
    said = unavailable(error, disconnected)
    if said is not None:
        return said
    return DBAPIError.instance(statement, None, error, dialect.loaded_dbapi.Error)


def alembic_config(url: str) -> Config:
    """Alembic's configuration for the migrations shipped in `scheduler/store/migrations`."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def checked_url(url: str) -> str:
    """A database URL govcal can open, or a `RuleError` saying what to write instead.

    `postgres://` (as hosting services give it) is taken as PostgreSQL; a SQLite file must
    be in a folder that exists, so a mistyped path is an error, not a new empty database.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise RuleError(
            f"'{url}' is not a database URL; write sqlite:///{url} for a file, or postgresql://user@host/database"
        )
    kind = scheme.lower()
    if kind == "postgres":
        url, kind = "postgresql://" + rest, "postgresql"
    if kind not in ("sqlite", "postgresql", "postgresql+psycopg"):
        raise RuleError(
            f"'{scheme}://' is not a database govcal can keep the year in;"
            " write sqlite:///govcal.db or postgresql://user@host/database"
        )
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise RuleError(f"'{redacted_text(url)}' is not a database URL govcal can read") from None
    if kind == "sqlite" and parsed.database and parsed.database != ":memory:":
        folder = Path(parsed.database).parent
        if not folder.is_dir():
            raise RuleError(f"no folder {folder} for the SQLite database {parsed.database}; make it, or check the path")
    return url


@contextmanager
def reaching(url: str) -> Iterator[None]:
    """Inside it, a database that cannot be reached is said naming it (any password hidden)."""
    try:
        yield
    except DatabaseUnavailable as error:
        raise DatabaseUnavailable(f"cannot reach the database {redacted(url)}: {error}") from None


def redacted(url: str) -> str:
    """A database URL fit to print: any password replaced."""
    return make_url(url).render_as_string(hide_password=True)


def redacted_text(url: str) -> str:
    """Any text that may be a URL, fit to print: what stands between :// and @ hidden."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme}{sep}***@{rest.split('@', 1)[1]}" if "@" in rest else url


def stored_instant(moment: dt.datetime) -> dt.datetime:
    """An instant read back from the store, in Europe/London: SQLite returns UTC without its zone."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(LONDON)


class Database:
    """An engine and its sessions: what every part of the store works through."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def session(self) -> Session:
        """A session whose objects stay readable after it commits (the store hands them out)."""
        return Session(self.engine, expire_on_commit=False)
