"""Bulk reads and writes: a country's plan is a million rows, written in seconds.

`insert_many` converts values column by column with SQLAlchemy's own bind
processors and hands them to the driver in one go (a binary COPY on PostgreSQL);
`WriteBehind` does that a batch at a time on a thread of its own while the caller works
out the next batch; `select_in` reads rows by a long list of keys a chunk at a time; a
`DriverStatement` is a statement run often, compiled once and run on the driver's connection.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from operator import attrgetter, itemgetter
from typing import Any, cast

from sqlalchemy import JSON, ClauseElement, ColumnElement, Connection, Dialect, Table, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import TypeEngine

from scheduler.store.database import driver_error
from scheduler.store.tables import Base

IN_CHUNK = 500  # keys per IN list, well inside every driver's limit on bound parameters


def insert_many(session: Session, table: type[Base], rows: list[dict[str, Any]]) -> None:
    """INSERT rows (dicts with the same keys) in bulk, in the session's transaction (`insert_rows`)."""
    insert_rows(session.connection(), table, rows)


def insert_rows(connection: Connection, table: type[Base], rows: list[dict[str, Any]]) -> None:
    """INSERT rows (dicts with the same keys) in bulk: one driver executemany, or one COPY
    on PostgreSQL through psycopg.

    Values are converted by SQLAlchemy's own bind processors for the dialect, so they
    are stored exactly as an ORM insert stores them, but without its per-row statement
    machinery, which costs several times the database's own work for a bulk write. Each
    value must be of its column's own type (an instant aware of its zone, as every one in
    govcal is): a binary COPY has no text for the server to read another way.
    """
    if not rows:
        return
    dialect = connection.dialect
    keys = list(rows[0])
    target = table.__table__
    if not isinstance(target, Table):
        raise TypeError(f"{table.__name__} is not mapped to one table")
    compiled = insert(target).compile(dialect=dialect, column_keys=keys)
    order = compiled.positiontup or keys
    copying = dialect.driver == "psycopg"  # PostgreSQL: COPY, twice executemany's rate for a country's plan
    values = []  # column by column: map() and zip() keep the per-row work in C
    for key in order:
        column = list(map(itemgetter(key), rows))
        convert = converter(target.c[key].type, dialect, copying)
        values.append(column if convert is None else converted(column, convert))
    params: list[Any] = list(zip(*values, strict=True))
    if copying:
        names = ", ".join(dialect.identifier_preparer.quote(key) for key in order)
        sql = f"COPY {target.name} ({names}) FROM STDIN (FORMAT BINARY)"
        driver: Any = connection.connection.driver_connection  # psycopg's own connection: it has COPY
        try:
            with driver.cursor() as cursor, cursor.copy(sql) as copy:
                copy.set_types([copy_type(target.c[key].type, dialect) for key in order])
                for row in params:
                    copy.write_row(row)
        except dialect.loaded_dbapi.Error as error:
            disconnected = dialect.is_disconnect(error, connection.connection.dbapi_connection, None)
            raise driver_error(error, dialect, disconnected, sql) from error
        return
    if not compiled.positional:
        params = [dict(zip(order, row, strict=True)) for row in params]
    connection.exec_driver_sql(compiled.string, params)


def converter(column_type: TypeEngine[Any], dialect: Dialect, copying: bool) -> Callable[[Any], Any] | None:
    """What stores a value of this type on this dialect: its bind processor; for COPY, a
    JSON value as its text, made once per distinct value (`converted`) where psycopg's
    dumper ran json.dumps again on every row: a tenth of a country's COPY."""
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    if not copying or not isinstance(column_type, JSON) or process is None:
        return process
    wrap = process

    def as_text(value: Any) -> str | None:  # the engine sets no json_serializer: psycopg's Json uses json.dumps
        wrapped = wrap(value)
        return None if wrapped is None else json.dumps(wrapped.obj)

    return as_text


def copy_type(column_type: TypeEngine[Any], dialect: Dialect) -> str:
    """The name psycopg knows a column's type by, for a binary COPY: its SQL without a
    length; JSON as text, its values being their JSON text already (`converter`), whose
    binary form is those same bytes."""
    if isinstance(column_type, JSON):
        return "text"
    return re.sub(r"\(.*\)", "", column_type.compile(dialect=dialect)).strip().lower()


def converted(column: list[Any], convert: Callable[[Any], Any]) -> list[Any]:
    """`convert` applied to a column, once per distinct value where values are hashable
    (a bulk write repeats instants and names many times over)."""
    if column and isinstance(column[0], dt.datetime) and len(set(map(attrgetter("tzinfo"), column))) > 1:
        # Equal instants in different zones are equal keys, but a driver may store
        # their wall times: convert each one.
        return list(map(convert, column))
    try:
        distinct = {value: convert(value) for value in set(column)}
    except TypeError:  # lists and dicts (JSON columns): their repr is a faithful key
        keys = list(map(repr, column))
        by_repr = {key: convert(value) for key, value in dict(zip(keys, column, strict=True)).items()}
        return list(map(by_repr.__getitem__, keys))
    return list(map(distinct.__getitem__, column))


class WriteBehind:
    """New rows written a batch at a time, in the order given: on PostgreSQL on a thread of
    its own while the caller works out the next batch, so the server's work (in a process
    of its own, often on a machine of its own) and govcal's overlap. From `write` until
    `wait` returns, the connection is the thread's: the caller must not use it, nor the
    session it belongs to (not even to read).

    SQLite's writes are done at once, on the caller's thread: Python's sqlite3 gives up the
    interpreter's lock and takes it again for every row, which beside a busy thread made a
    country's write a quarter slower, not faster.

    Used as a context manager, it waits for the last batch on leaving; on leaving with an
    error, it waits all the same (its own error, if it had one, left unsaid), so the
    transaction is not rolled back under it.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="govcal-write-behind")
        self._writing: Future[None] | None = None
        self._behind = connection.dialect.name == "postgresql"

    def write(self, rows: Mapping[type[Base], list[dict[str, Any]]]) -> None:
        """Begin writing these tables' rows, each table in the order given, once the batch
        before is in."""
        self.wait()
        if self._behind:
            self._writing = self._thread.submit(self._insert, dict(rows))
        else:
            self._insert(dict(rows))

    def wait(self) -> None:
        """Return once the batch being written is in; raise its error if it failed."""
        writing, self._writing = self._writing, None
        if writing is not None:
            writing.result()

    def _insert(self, rows: dict[type[Base], list[dict[str, Any]]]) -> None:
        for table, new in rows.items():
            insert_rows(self.connection, table, new)

    def __enter__(self) -> WriteBehind:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        try:
            if kind is None:
                self.wait()
        finally:
            self._thread.shutdown(wait=True)


class DriverStatement:
    """A statement compiled once for a dialect, run on the driver's own connection: for a
    write done once a message, SQLAlchemy's per-execution machinery (checkout, compiled
    cache lookup, parameter processing, result) cost several times SQLite's own work.

    `params` turns named values into the driver's parameters, converted by the same bind
    processors SQLAlchemy would use, so the values are stored exactly as it stores them.
    """

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
        self.sql = compiled.string
        self._defaults = dict(compiled.params)  # by the names the SQL gives them
        self._convert = {
            name: convert
            for bind, name in compiled.bind_names.items()
            if (convert := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        }
        self._order = compiled.positiontup if compiled.positional else None

    def params(self, **values: Any) -> Any:
        """The driver's parameters for these named values (the statement's own defaults for the rest)."""
        named = self._defaults | values
        for name, convert in self._convert.items():
            named[name] = convert(named[name])
        return named if self._order is None else tuple(named[name] for name in self._order)


def select_in(
    session: Session, table: type[Any], column: Any, values: Iterable[Any], *where: ColumnElement[bool]
) -> Iterator[Any]:
    """Rows of `table` whose `column` is one of `values` (and meeting `where`): a chunk of
    values a query, so no IN list outgrows a driver's limit on bound parameters."""
    values = list(values)
    for start in range(0, len(values), IN_CHUNK):
        yield from session.scalars(select(table).where(column.in_(values[start : start + IN_CHUNK]), *where))
