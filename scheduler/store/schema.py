"""The schema's revision: which one a database claims, whether its tables are that one's,
and bringing it to the newest in one transaction.

A new database is created at the newest revision when first opened; one at an older
revision is refused by `ensure_current` until someone runs `govcal db upgrade`
(`upgrade`), which first checks the tables against the revision the database claims.
Revisions 0002, 0003, 0004 and 0005 meant other migrations at earlier commits: databases
made then are recognised by their tables and indexes (`OLD_SHAPES`) and repaired to what
the revision means now; a shape govcal does not know is refused, naming what was found. Everything
`upgrade` does is one transaction (SQLite's foreign keys checked once, before the
commit), so a failure leaves the database as it was.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from rules.errors import RuleError
from scheduler.store.database import alembic_config, engine_for, reaching, redacted

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

VERSION_TABLE = "alembic_version"
SCHEMA_LOCK = 0x676F7663616C  # "govcal": PostgreSQL's advisory lock for changing the schema
# Tables and their columns: what tells one revision's schema from another's on either database.
Fingerprint = dict[str, frozenset[str]]


@cache
def scripts() -> ScriptDirectory:
    """The migrations shipped with govcal (read once)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def revisions() -> list[str]:
    """Every shipped revision, oldest first."""
    return [script.revision for script in reversed(list(scripts().walk_revisions()))]


def head() -> str:
    """The newest revision: the schema this govcal reads and writes."""
    return revisions()[-1]


def claimed(connection: Connection) -> str | None:
    """The revision the database says it is at; None for a database with no govcal tables."""
    return _stamped(connection) if inspect(connection).has_table(VERSION_TABLE) else None


def _stamped(connection: Connection) -> str | None:
    """The revision in Alembic's table, which must be there."""
    return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def fingerprint(connection: Connection) -> Fingerprint:
    """The database's tables and their columns (Alembic's own table left out)."""
    return {table: columns for table, columns in _columns(connection).items() if table != VERSION_TABLE}


def _columns(connection: Connection) -> Fingerprint:
    """Every table's columns, Alembic's own included: on PostgreSQL in one catalogue query
    (reflection takes several, and information_schema is slow), as every command checks it."""
    if connection.dialect.name == "postgresql":
        rows = connection.execute(
            text(
                "SELECT c.relname, a.attname FROM pg_catalog.pg_attribute a"
                " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
                " WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')"
                " AND a.attnum > 0 AND NOT a.attisdropped"
            )
        )
        pairs = [(str(table), str(column)) for table, column in rows]
    else:
        columns = inspect(connection).get_multi_columns()
        pairs = [(table, column["name"]) for (_, table), found in columns.items() for column in found]
    found: dict[str, set[str]] = {}
    for table, column in pairs:
        found.setdefault(table, set()).add(column)
    return {table: frozenset(columns) for table, columns in found.items()}


def modelled() -> Fingerprint:
    """The newest revision's tables and columns, as the models declare them (a test holds the
    two equal), known without building a database."""
    from scheduler.store.tables import Base

    return {table.name: frozenset(table.columns.keys()) for table in Base.metadata.sorted_tables}


def ensure_current(url: str, engine: Engine) -> None:
    """Create a new database at the newest revision; pass one already there; refuse any other,
    saying what to run (an older one) or why not (a newer govcal's, or not govcal's). `engine`
    is the store's, on `url`: the connection checked with is the one it goes on to use."""
    try:
        with reaching(url), engine.connect() as connection:
            tables = _columns(connection)
            found = _stamped(connection) if VERSION_TABLE in tables else None
            tables.pop(VERSION_TABLE, None)
    except DBAPIError as error:
        raise _unopenable(url, error) from None
    newest = head()
    if found == newest and tables == modelled():
        return
    if found == newest:  # a shape an older govcal left, carried up to the newest revision unnoticed
        raise RuleError(
            f"{redacted(url)} claims schema revision {found} but its tables are not that revision's:"
            f" {differences(modelled(), tables)}; run `govcal db upgrade` on it, which repairs a shape it knows"
        )
    if found is None and not tables:
        upgrade(url)
        return
    raise _not_current(url, found, newest)


def _not_current(url: str, found: str | None, newest: str) -> RuleError:
    """Why a database at revision `found` cannot be used by this govcal, and what to do."""
    where = redacted(url)
    if found is None:
        return RuleError(f"{where} holds tables but no govcal schema revision: it is not a govcal database")
    if found not in revisions():
        return RuleError(
            f"{where} is at schema revision {found}, which this govcal does not know (its newest is"
            f" {newest}): it was written by a newer govcal; install that version or newer"
        )
    return RuleError(
        f"{where} is at schema revision {found}, older than this govcal's {newest}: back it up"
        " (govcal db backup FILE) and run `govcal db upgrade` on it"
    )


def _unopenable(url: str, error: DBAPIError) -> RuleError:
    reason = str(error.orig or error).strip().splitlines()[0]
    return RuleError(f"cannot open the database {redacted(url)}: {reason}")


@dataclass(frozen=True)
class Upgraded:
    """What `upgrade` did: the revision found (None: a new database), any old shape repaired,
    and the revision it is at now."""

    found: str | None
    repaired: str | None
    now: str


def upgrade(url: str, to: str | None = None) -> Upgraded:
    """Check the tables against the revision the database claims (repairing a known old shape),
    then migrate it to `to` (default: the newest revision), all in one transaction."""
    target = to or head()
    engine = engine_for(url)
    try:
        with reaching(url), migrating(engine) as connection:
            found = claimed(connection)
            repaired = check_and_repair(connection, found)
            run_migrations(connection, target)
            return Upgraded(found, repaired, target)
    except DBAPIError as error:
        reason = str(error.orig or error).strip().splitlines()[0]
        raise RuleError(f"cannot upgrade the database {redacted(url)}, left as it was: {reason}") from None
    finally:
        engine.dispose()


@contextmanager
def migrating(engine: Engine) -> Iterator[Connection]:
    """One connection in one transaction, committed only if all of it succeeds, and one at a
    time: SQLite's write lock is taken as it begins; on PostgreSQL an advisory lock, so several
    instances starting at once on a new database create it once, the others waiting, then
    finding it made. On SQLite, foreign keys are off while tables are rebuilt (as SQLite's
    documentation says to change a schema) and checked, all of them, before the commit."""
    connection = engine.connect()
    sqlite = engine.dialect.name == "sqlite"
    try:
        if sqlite:  # before the transaction begins: inside one, SQLite ignores it
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        with connection.begin():
            if not sqlite:
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
            yield connection
            if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                raise RuleError("the upgraded tables would break a foreign key; nothing was changed")
    finally:
        connection.invalidate() if sqlite else connection.close()  # never pooled with its keys off


def run_migrations(connection: Connection, target: str) -> None:
    """Alembic's migrations up to `target`, on `connection` and in its transaction."""
    from alembic import command

    config = alembic_config(str(connection.engine.url))
    config.attributes["connection"] = connection
    command.upgrade(config, target)


# -- what each revision's tables are, and the old shapes ------------------------------------------


@cache
def reference(revision: str) -> Fingerprint:
    """The tables and columns `revision` has, built by migrating a scratch SQLite file to it."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'reference.db'}"
        engine = engine_for(url)
        try:
            with engine.connect() as connection, connection.begin():
                run_migrations(connection, revision)
                return fingerprint(connection)
        finally:
            engine.dispose()


@dataclass(frozen=True)
class OldShape:
    """A schema a revision number meant at an earlier commit: how to know it (from the revision
    claimed, the tables and columns, and the connection for indexes), how to repair it."""

    made_at: str  # the commit whose migrations made it
    means: str  # what was found, in words
    found_in: Callable[[Connection, str, Fingerprint], bool]
    repair: Callable[[Connection], None]


ADMIN_TOKEN = frozenset({"id", "name", "digest", "created_at", "revoked_at"})  # 16690da's admin_token


def _admin_tokens(tables: Fingerprint, *, attendance: bool) -> bool:
    """16690da's `admin_token` in place of today's `access_token` (and, from 83d36f7, attendance
    made by its 0003): at the revision it claimed then, or any later one a govcal of the time
    upgraded it to without noticing."""
    if tables.get("admin_token") != ADMIN_TOKEN or "access_token" in tables:
        return False
    return ("attendance" in tables) == attendance


def _carry_admin_tokens(connection: Connection) -> None:
    """Today's 0002 in place of 16690da's and 83d36f7's: admin tokens become `access_token` rows
    of kind admin (their name the holder), attendance is kept, both tables made by 0002 itself."""
    tables = inspect(connection).get_table_names()
    tokens = connection.execute(text("SELECT id, name, digest, created_at, revoked_at FROM admin_token")).all()
    attended = (
        connection.execute(text("SELECT id, meeting_id, member_id, for_member_id FROM attendance")).all()
        if "attendance" in tables
        else []
    )
    if "attendance" in tables:
        connection.execute(text("DROP TABLE attendance"))
    connection.execute(text("DROP TABLE admin_token"))
    _apply(connection, "0002")
    for token in tokens:
        connection.execute(
            text(
                "INSERT INTO access_token (id, kind, holder, digest, created_at, revoked_at)"
                " VALUES (:id, 'admin', :name, :digest, :created_at, :revoked_at)"
            ),
            token._asdict(),
        )
    for row in attended:
        connection.execute(
            text(
                "INSERT INTO attendance (id, meeting_id, member_id, for_member_id)"
                " VALUES (:id, :meeting_id, :member_id, :for_member_id)"
            ),
            row._asdict(),
        )
    follow_sequences(connection, ("access_token", "attendance"))


def _outbox_never_made(connection: Connection, found: str, tables: Fingerprint) -> bool:
    """A database claiming 0003 or 0004 with no outbox: 83d36f7's, whose 0003 was attendance, so
    a later govcal skipped today's 0003, ran 0004 and stopped at 0005 ("no such table: reminder")."""
    return found in ("0003", "0004") and "reminder" not in tables and "access_token" in tables


def _apply(connection: Connection, revision: str) -> None:
    """One shipped revision's own upgrade operations, run on `connection`; the revision the
    database claims is left as it is."""
    from alembic.operations import Operations

    script = scripts().get_revision(revision)
    if script is None:
        raise LookupError(f"no shipped revision {revision}")
    with Operations.context(_operations(connection).migration_context):
        script.module.upgrade()


def _outbox_keyed_per_deadline(connection: Connection, found: str, tables: Fingerprint) -> bool:
    """7984a53's 0005: the outbox still keyed by "deadline#offset", unique with its deadline (the
    key kept, no offset_key), at 0005 or any later revision a govcal of the time ran unnoticed."""
    return (
        _at_or_after(found, "0005")
        and tables.get("reminder") == reference("0004")["reminder"]
        and ("deadline_id", "key") in _unique_sets(connection, "reminder")
    )


def _rekey_outbox(connection: Connection) -> None:
    """7984a53's 0005 undone as its own downgrade did (the unique key and the deadline index
    back), then today's 0005 run: each reminder's offset taken from its key, kept once."""
    sqlite = connection.dialect.name == "sqlite"
    op = _operations(connection)
    with op.batch_alter_table("reminder", naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"}) as batch:
        batch.drop_constraint("uq_reminder_deadline_key", type_="unique")
        batch.create_index("ix_reminder_deadline_id", ["deadline_id"], unique=False)
        batch.create_unique_constraint("uq_reminder_key" if sqlite else "reminder_key_key", ["key"])
    _apply(connection, "0005")


def _at_or_after(found: str, revision: str) -> bool:
    return revisions().index(found) >= revisions().index(revision)


def _deadline_meeting_index(connection: Connection, found: str, tables: Fingerprint) -> bool:
    """e8af316's 0004 left the index on deadline.meeting_id, which 0004 now drops: a database
    made then keeps it at every revision since."""
    return (
        _at_or_after(found, "0004")
        and "deadline" in tables
        and "ix_deadline_meeting_id" in {index["name"] for index in inspect(connection).get_indexes("deadline")}
    )


def _drop_deadline_meeting_index(connection: Connection) -> None:
    _operations(connection).drop_index("ix_deadline_meeting_id", table_name="deadline")


def _operations(connection: Connection) -> Any:
    """Alembic's operations (batch mode, as the migrations use) on `connection`."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    return Operations(MigrationContext.configure(connection, opts={"render_as_batch": True}))


def _unique_sets(connection: Connection, table: str) -> set[tuple[str, ...]]:
    """The column lists `table` is unique on, by constraint or by unique index."""
    inspector = inspect(connection)
    found = {tuple(c["column_names"]) for c in inspector.get_unique_constraints(table)}
    return found | {tuple(str(c) for c in i["column_names"]) for i in inspector.get_indexes(table) if i["unique"]}


OLD_SHAPES = (
    OldShape(
        "16690da",
        "16690da's 0002 (an admin_token table, no access_token or attendance)",
        lambda connection, found, tables: _admin_tokens(tables, attendance=False),
        _carry_admin_tokens,
    ),
    OldShape(
        "83d36f7",
        "83d36f7's 0003 (admin_token and attendance tables, no access_token)",
        lambda connection, found, tables: _admin_tokens(tables, attendance=True),
        _carry_admin_tokens,
    ),
    OldShape(
        "83d36f7",
        "no reminder outbox (83d36f7's 0003 was attendance, so today's 0003 never ran): made now",
        _outbox_never_made,
        lambda connection: _apply(connection, "0003"),
    ),
    OldShape(
        "e8af316",
        "e8af316's 0004 (an index on deadline.meeting_id that 0004 now drops)",
        _deadline_meeting_index,
        _drop_deadline_meeting_index,
    ),
    OldShape(
        "7984a53",
        "7984a53's 0005 (the reminder outbox still keyed by key, unique with deadline_id; no offset_key)",
        _outbox_keyed_per_deadline,
        _rekey_outbox,
    ),
)


def check_and_repair(connection: Connection, found: str | None) -> str | None:
    """Refuse a database whose tables are not those of the revision it claims, unless they are
    known old shapes of it, which are repaired (returned, in words); None if nothing was."""
    tables = fingerprint(connection)
    if found is None:
        if tables:
            raise RuleError("the database holds tables but no govcal schema revision: it is not a govcal database")
        return None
    if found not in revisions():
        raise RuleError(
            f"the database is at schema revision {found}, which this govcal does not know (its newest is"
            f" {head()}): it was written by a newer govcal"
        )
    repaired = []
    for shape in OLD_SHAPES:
        if shape.found_in(connection, found, tables):
            shape.repair(connection)
            repaired.append(shape.means)
            found, tables = claimed(connection) or found, fingerprint(connection)
    if tables != reference(found):
        raise RuleError(
            f"the database claims schema revision {found} but its tables are not that revision's:"
            f" {differences(reference(found), tables)}; govcal does not know this shape, so it changed"
            " nothing (restore a backup made by govcal db backup, or ask for help with this file)"
        )
    return "; ".join(repaired) or None


def differences(expected: Fingerprint, found: Fingerprint) -> str:
    """What `found` has that `expected` lacks and the other way round, table by table, in words."""
    said = [f"no table {name}" for name in sorted(expected.keys() - found.keys())]
    said += [f"a table {name} it should not have" for name in sorted(found.keys() - expected.keys())]
    for name in sorted(expected.keys() & found.keys()):
        missing, extra = sorted(expected[name] - found[name]), sorted(found[name] - expected[name])
        if missing:
            said.append(f"{name} lacks {', '.join(missing)}")
        if extra:
            said.append(f"{name} has {', '.join(extra)}, which it should not")
    return "; ".join(said)


def follow_sequences(connection: Connection, tables: tuple[str, ...]) -> None:
    """On PostgreSQL, set each table's id sequence (where its id has one) past the ids written
    into it by hand, so the next row govcal adds takes the next id."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        sequence = connection.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table}).scalar()
        if sequence is not None:
            connection.execute(
                text(f"SELECT setval(:s, COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"), {"s": sequence}
            )
