"""Backups: the whole kept year as JSON lines, one file that restores into SQLite or PostgreSQL.

The first line says what the file is and the schema revision it was written at; then
every row of every table, parents before children (each line `{"table": ..., "row":
...}`, moments in UTC, ISO 8601); the last line counts the rows, so a cut-off file is
refused. A SQLite database is first copied with SQLite's online backup API (a consistent
snapshot while govcal keeps writing); PostgreSQL is read in one repeatable-read
transaction. A restore builds the file's revision, loads its rows and migrates them to
the newest, all in one transaction: a failure leaves the database as it was. The file
itself is the edge's to open (govcal/operations/database.py): here, lines in and out.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, MetaData, Table, func, insert, select
from sqlalchemy.engine import Connection, make_url

from rules.errors import RuleError
from scheduler.store.database import engine_for, reaching, redacted
from scheduler.store.schema import VERSION_TABLE, claimed, follow_sequences, head, migrating, revisions, run_migrations

FORMAT = "govcal backup"
VERSION = 1
BATCH = 1000  # rows inserted per statement on restore


@dataclass(frozen=True)
class Copied:
    """What a backup or restore moved: rows per table, at which revision (and, restored, to which)."""

    rows: dict[str, int]
    revision: str
    now: str

    def summary(self) -> str:
        return f"{sum(self.rows.values()):,} rows in {len(self.rows)} tables"


def backup(url: str, write: Callable[[str], object]) -> Copied:
    """Write the database at `url` as lines (each ending in a newline) through `write`."""
    with reaching(url), _snapshot(url) as connection:
        revision = claimed(connection)
        if revision is None:
            raise RuleError(f"{redacted(url)} holds no govcal schema: nothing to back up")
        counts: dict[str, int] = {}
        write(json.dumps({"format": FORMAT, "version": VERSION, "revision": revision}) + "\n")
        for table in _tables(connection):
            counts[table.name] = 0
            for row in connection.execute(select(table).order_by(*table.primary_key.columns)).mappings():
                write(json.dumps({"table": table.name, "row": _encoded(table, row)}) + "\n")
                counts[table.name] += 1
        write(json.dumps({"end": True, "rows": counts}) + "\n")
    return Copied(counts, revision, revision)


def restore(url: str, lines: Iterator[str], source: str, replace: bool) -> Copied:
    """Load a backup's `lines` (read from `source`, named in errors) into the database at `url`
    and migrate it to the newest revision.

    A database that holds any row is refused unless `replace`; a file written by a newer
    govcal (a revision this one does not know) is refused, naming both revisions.
    """
    revision = _header(next(lines, ""), source)
    if revision not in revisions():
        raise RuleError(
            f"{source} was written by a newer govcal: its schema revision is {revision} and this govcal's newest"
            f" is {head()}; restore it with that version of govcal or a newer one"
        )
    engine = engine_for(url)
    try:
        with reaching(url), migrating(engine) as connection:
            held = _rows_held(connection)
            if held and not replace:
                raise RuleError(
                    f"{redacted(url)} already holds a kept year ({held:,} rows); restoring would replace it:"
                    " give --replace to do so, or name an empty database"
                )
            existing = MetaData()
            existing.reflect(connection)
            existing.drop_all(connection)
            run_migrations(connection, revision)
            counts = _load(connection, lines, source)
            run_migrations(connection, head())
    finally:
        engine.dispose()
    return Copied(counts, revision, head())


# -- reading -----------------------------------------------------------------------------------


@contextmanager
def _snapshot(url: str) -> Iterator[Connection]:
    """A connection on a consistent copy of the database: SQLite's, made with its backup API."""
    database = make_url(url).database if url.startswith("sqlite") else None
    if database and database != ":memory:":
        if not Path(database).exists():
            raise RuleError(f"no database {database} to back up")
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "snapshot.db"
            source, target = sqlite3.connect(database), sqlite3.connect(copy)
            try:
                source.backup(target)
            finally:
                source.close()
                target.close()
            engine = engine_for(f"sqlite:///{copy}")
            try:
                with engine.connect() as connection:
                    yield connection
            finally:
                engine.dispose()
        return
    engine = engine_for(url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                yield connection
    finally:
        engine.dispose()


def _tables(connection: Connection) -> list[Table]:
    """The database's tables as they are, parents before children (Alembic's own left out)."""
    metadata = MetaData()
    metadata.reflect(connection)
    return [table for table in metadata.sorted_tables if table.name != VERSION_TABLE]


def _rows_held(connection: Connection) -> int:
    return sum(
        connection.execute(select(func.count()).select_from(table)).scalar_one() for table in _tables(connection)
    )


def _encoded(table: Table, row: Any) -> dict[str, Any]:
    """A row as JSON values: moments in UTC with their offset, dates in ISO 8601."""
    encoded = {}
    for column in table.columns:
        value = row[column.name]
        if isinstance(value, dt.datetime):
            value = (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC).isoformat()
        elif isinstance(value, dt.date):
            value = value.isoformat()
        encoded[column.name] = value
    return encoded


# -- writing -----------------------------------------------------------------------------------


def _header(line: str, source: str) -> str:
    """The schema revision a backup's first line says it was written at, or a `RuleError`."""
    try:
        first = json.loads(line or "null")
    except ValueError as error:
        raise RuleError(f"{source}:1: not a govcal backup ({error})") from None
    if not isinstance(first, dict) or first.get("format") != FORMAT or not isinstance(first.get("revision"), str):
        raise RuleError(f"{source}:1: not a govcal backup (no '{FORMAT}' header line)")
    if first.get("version") != VERSION:
        raise RuleError(f"{source}:1: a govcal backup in format {first.get('version')}; this govcal reads {VERSION}")
    return str(first["revision"])


def _load(connection: Connection, lines: Iterator[str], path: str) -> dict[str, int]:
    """Insert every row of the file into the tables the migrations just built, in batches."""
    tables = {table.name: table for table in _tables(connection)}
    counts: dict[str, int] = dict.fromkeys(tables, 0)
    pending: list[dict[str, Any]] = []
    current: Table | None = None
    ended = None
    for number, line in enumerate(lines, 2):
        entry = _entry(path, number, line)
        if "end" in entry:
            ended = entry.get("rows")
            break
        table = tables.get(entry.get("table", ""))
        if table is None or not isinstance(entry.get("row"), dict):
            raise RuleError(f"{path}:{number}: table: no table '{entry.get('table')}' at this revision")
        if table is not current or len(pending) >= BATCH:
            _flush(connection, current, pending)
            current, pending = table, []
        pending.append(_decoded(table, entry["row"], connection.dialect.name, f"{path}:{number}"))
        counts[table.name] += 1
    _flush(connection, current, pending)
    if ended != counts:
        raise RuleError(f"{path}: the file is cut off or altered: its last line does not count the rows it holds")
    follow_sequences(connection, tuple(name for name, table in tables.items() if "id" in table.columns))
    return counts


def _entry(path: str, number: int, line: str) -> dict[str, Any]:
    try:
        entry = json.loads(line)
    except ValueError as error:
        raise RuleError(f"{path}:{number}: not a line of a govcal backup ({error})") from None
    if not isinstance(entry, dict):
        raise RuleError(f"{path}:{number}: not a line of a govcal backup")
    return entry


def _flush(connection: Connection, table: Table | None, rows: list[dict[str, Any]]) -> None:
    if table is not None and rows:
        connection.execute(insert(table), rows)


def _decoded(table: Table, row: dict[str, Any], dialect: str, where: str) -> dict[str, Any]:
    """A row from the file as the database takes it (SQLite keeps moments as UTC without a zone)."""
    decoded = {}
    for name, value in row.items():
        column = table.columns.get(name)
        if column is None:
            raise RuleError(f"{where}: {name}: no column {table.name}.{name} at this revision")
        if value is not None and isinstance(column.type, DateTime):
            moment = dt.datetime.fromisoformat(value).astimezone(dt.UTC)
            value = moment.replace(tzinfo=None) if dialect == "sqlite" else moment
        elif value is not None and isinstance(column.type, Date):
            value = dt.date.fromisoformat(value)
        elif value is not None and isinstance(column.type, Boolean):
            value = bool(value)
        decoded[name] = value
    return decoded
