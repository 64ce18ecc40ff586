"""Plan a whole country: 400 authorities x 50 bodies, built from the seed bodies' shapes.

Each authority gets three copies of the fifteen seed bodies plus five more, with its
own nation (eight in ten England and Wales, one Scotland, one Northern Ireland),
preferred days shifted by authority, and its bodies' relations ("before and after
its own Strategic Board", "reports quarterly to its Executive Group") and term
calendars kept inside the authority. Measured in one run, and printed with the goals:

- planning one and five cycle years for all 20,000 bodies, each in a fresh process
  (bodies/s, occurrences/s, the process's peak resident memory); one year best of
  three, like timeit, since a shared machine's speed varies from run to run;
- the same planning with the peer libraries alone (dateutil's rrule for recurrence,
  a day-by-day loop over `holidays` for working days) on a sample, and the ratio;
- writing one cycle year to SQLite (best of two fresh databases) and to PostgreSQL
  (rows/s, every table counted), and the same rows run by Python's sqlite3 alone into
  the same schema (SQLite's own ceiling on this machine);
- re-planning after a rule change in one body, saved (only it and its dependants
  may change);
- exporting every public feed from the SQLite store (feeds/s, bytes), beside the time
  this disk takes to make as many empty files, and the same export into memory;
- and, since the estate is built in memory, how fast rule files load (files/s).

    .venv/bin/python bench/uk_scale.py [--authorities N] [--writes]

`--writes` runs the bulk writes alone (the estate planned once, in this process), with
their ceilings and issue 33's goals: a few minutes where the whole run takes many on a
busy machine.

PostgreSQL is GOVCAL_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test),
written into a schema of its own that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import holidays
import sqlalchemy
from dateutil.relativedelta import relativedelta
from dateutil.rrule import MONTHLY, rrule, weekday

from calendars.event import _utc_stamp, local_stamp, vevent
from govcal.operations import Context
from govcal.page import PAGE_SIZE, Selection
from govcal.terms import term_calendars
from govcal.web import _page, export
from rules.frequencies import kind_of
from rules.loader import RuleSet, load_rules
from rules.model import Body, Pattern
from rules.offsets import Count
from scheduler.planner import Planner
from scheduler.store import open_store

AUTHORITIES = 400
PER_AUTHORITY = 50
NATIONS = ["england-and-wales"] * 8 + ["scotland", "northern-ireland"]
POSTGRES = os.environ.get("GOVCAL_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
YEAR = 2026


def estate(authorities: int = AUTHORITIES) -> RuleSet:
    """The synthetic UK: bodies in dependency order, each relation inside its authority."""
    seeds = list(load_rules())
    bodies: dict[str, Body] = {}
    for a in range(authorities):
        nation = NATIONS[a % len(NATIONS)]
        for k in range(PER_AUTHORITY):
            template = seeds[k % len(seeds)]
            group = k // len(seeds)

            def local(body_id: str, a: int = a, group: int = group) -> str:
                return f"a{a:03d}g{group}-{body_id}"

            meetings = template.meetings
            pattern = meetings.pattern
            if pattern is not None and pattern.nth > 0:
                nth = (pattern.nth - 1 + a) % 4 + 1
                pattern = Pattern(nth, pattern.weekday, pattern.phrase)
            relations = tuple(dataclasses.replace(r, body=local(r.body)) for r in meetings.relations)
            body = dataclasses.replace(
                template,
                id=local(template.id),
                nation=nation,
                meetings=dataclasses.replace(meetings, pattern=pattern, relations=relations),
                reports=tuple(dataclasses.replace(r, to=local(r.to)) for r in template.reports),
            )
            bodies[body.id] = body
    return RuleSet(bodies, {body_id: {"id": 1} for body_id in bodies})


def count(plans: list) -> int:
    return sum(len(p.meetings) + len(p.deadlines) + len(p.items) for p in plans)


def plan_in_this_process(authorities: int, years: int) -> dict[str, float]:
    """Plan every body for `years` cycle years; run in a child so its peak memory is its own."""
    rules = estate(authorities)
    start = time.perf_counter()
    plans = Planner(rules, term_calendars(rules)).plan(range(YEAR, YEAR + years))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"seconds": seconds, "occurrences": count(plans), "plans": len(plans), "peak_mib": peak}


def seconds_of(result: dict[str, float]) -> float:
    return result["seconds"]


def plan_in_a_child(authorities: int, years: int) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--authorities", str(authorities), "--child-years", str(years)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


# -- the baseline: the peer libraries as a developer would use them ------------------------

SUBDIVISIONS = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}
_HOLIDAYS: dict[str, holidays.HolidayBase] = {}


def _working(day: dt.date, nation: str) -> bool:
    table = _HOLIDAYS.setdefault(nation, holidays.country_holidays("GB", subdiv=SUBDIVISIONS[nation]))
    return day.weekday() < 5 and day not in table


def _step(day: dt.date, n: int, nation: str) -> dt.date:
    step = -1 if n < 0 else 1
    for _ in range(abs(n)):
        day += dt.timedelta(days=step)
        while not _working(day, nation):
            day += dt.timedelta(days=step)
    return day


def baseline_plans(body: Body) -> bool:
    """Whether the baseline can plan this body at all (termly and related bodies it cannot)."""
    rules = body.meetings
    return (
        rules.frequency is not None
        and rules.pattern is not None
        and rules.frequency.kind != "termly"
        and not rules.relations
    )


def baseline_body(body: Body, year: int) -> int:
    """One body's meetings (rrule, moved a week on off non-working days) and deadlines (day loops)."""
    rules = body.meetings
    assert rules.frequency is not None and rules.pattern is not None
    first = dt.datetime(year, body.cycle_start, 1)
    interval = 12 // (kind_of(rules.frequency).cut(rules.frequency, rules.months).periods or 1)
    pattern = weekday(rules.pattern.weekday, rules.pattern.nth)
    until = first + relativedelta(years=1, days=-1)
    days = [d.date() for d in rrule(MONTHLY, interval=interval, dtstart=first, until=until, byweekday=pattern)]
    dates = 0
    for day in days:
        while not _working(day, body.nation):
            day += dt.timedelta(days=7)
        dates += 1
        for deadline in body.deadlines:
            offset = deadline.offset
            if offset.count is Count.WORKING:
                _step(day, offset.n, body.nation)
            elif offset.count is Count.CLEAR:
                _step(day, offset.n - 1, body.nation)
            elif offset.count is Count.DAYS:
                target = day + dt.timedelta(days=offset.n)
                while not _working(target, body.nation):
                    target -= dt.timedelta(days=1)
            dates += 1
    return dates


# -- the store and the feeds --------------------------------------------------------------


def postgres_schema_url(name: str = "uk") -> tuple[str | None, str]:
    """A URL on a fresh schema of the benchmark's PostgreSQL, or None and why not."""
    schema = f"bench_{name}_{os.getpid()}"
    try:
        engine = sqlalchemy.create_engine(POSTGRES.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        engine.dispose()
    except sqlalchemy.exc.OperationalError as error:
        return None, f"PostgreSQL at {POSTGRES} is not reachable ({error.orig})"
    return f"{POSTGRES}?options=-csearch_path%3D{schema}", schema


def drop_schema(schema: str) -> None:
    engine = sqlalchemy.create_engine(POSTGRES.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    engine.dispose()


def write(url: str, plans: list, bulk: list | None = None) -> tuple[float, dict[str, int], float]:
    """Seconds to save the plans into a new database at `url`, its rows per table, and the
    seconds of those spent in the driver (its statements and the commit; on SQLite the rest
    is govcal's Python, while on PostgreSQL a chunk is written behind, on a thread of its
    own, as the next is worked out); the bulk statements the driver ran (executemany, with
    their rows) added to `bulk` if given."""
    store = open_store(url)
    driver = {"seconds": 0.0, "since": 0.0}

    @sqlalchemy.event.listens_for(store.engine, "before_cursor_execute")
    def _began(connection, cursor, statement, parameters, context, executemany) -> None:
        driver["since"] = time.perf_counter()
        if executemany and bulk is not None:
            bulk.append((statement, parameters))

    @sqlalchemy.event.listens_for(store.engine, "after_cursor_execute")
    def _ended(*_) -> None:
        driver["seconds"] += time.perf_counter() - driver["since"]

    @sqlalchemy.event.listens_for(store.engine, "commit")
    def _committing(*_) -> None:
        driver["since"] = time.perf_counter()

    start = time.perf_counter()
    store.save_plan(plans, "bench", dt.datetime.now(dt.UTC))
    seconds = time.perf_counter() - start
    driver["seconds"] += time.perf_counter() - driver["since"]  # the commit, the save's last step
    rows = store.counts()
    store.engine.dispose()
    return seconds, rows, driver["seconds"]


def sqlite_alone(schema_from: Path, bulk: list, folder: Path) -> float:
    """Rows/s of SQLite alone on the same rows: `bulk` run by Python's sqlite3 into a new
    database with the schema of `schema_from` and govcal's settings (WAL, synchronous=NORMAL,
    foreign keys), in one transaction, nothing prepared in Python on the way: the ceiling
    for govcal's bulk write on this machine."""
    with sqlite3.connect(schema_from) as source:
        schema = [sql for (sql,) in source.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")]
    target = sqlite3.connect(folder / "alone.db", isolation_level=None)
    for sql in schema:
        target.execute(sql)
    for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL"):
        target.execute(f"PRAGMA {pragma}")
    start = time.perf_counter()
    target.execute("BEGIN IMMEDIATE")
    for statement, rows in bulk:
        target.executemany(statement, rows)
    target.execute("COMMIT")
    seconds = time.perf_counter() - start
    target.close()
    return sum(len(rows) for _, rows in bulk) / seconds


def postgres_alone(written: str, folder: Path) -> float:
    """Rows/s of PostgreSQL alone on the same rows: every table govcal wrote at `written`
    (a URL on its schema) copied out to files in COPY's binary format (as govcal sends
    them), then loaded by psql's `\\copy` into a new schema of the same tables in one
    transaction, nothing prepared in Python on the way: the server's own COPY, the ceiling
    for govcal's bulk write on this machine."""
    files, total = [], 0
    engine = sqlalchemy.create_engine(written.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        driver = connection.connection.driver_connection
        for table in ("body", "meeting", "deadline", "item", "reminder", "audit"):
            path = folder / f"{table}.copy"
            with path.open("wb") as out, driver.cursor().copy(f"COPY {table} TO STDOUT (FORMAT BINARY)") as copy:
                for block in copy:
                    out.write(block)
            total += driver.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            files.append((table, path))
    engine.dispose()
    target, schema = postgres_schema_url("alone")
    assert target is not None, schema
    try:
        open_store(target).engine.dispose()  # the same tables, empty
        script = "\n".join(
            ["\\set ON_ERROR_STOP on", "BEGIN;"]
            + [f"\\copy {table} FROM '{path}' (FORMAT BINARY)" for table, path in files]
            + ["COMMIT;"]
        )
        start = time.perf_counter()
        subprocess.run(
            ["psql", "-q", "-X", f"{POSTGRES}", "-c", f"SET search_path TO {schema}", "-f", "-"],
            input=script,
            text=True,
            check=True,
            capture_output=True,
        )
        seconds = time.perf_counter() - start
    finally:
        drop_schema(schema)
    return total / seconds


def replan_one(url: str, rules: RuleSet) -> tuple[float, list[str], int]:
    """Change one Strategic Board's preferred day, re-plan it and its dependants, save.

    Seconds, the bodies re-planned, and the rows changed (all of them in those bodies).
    """
    body = rules[next(b for b in rules.bodies if b.endswith("a000g0-suffolk-strategic-board"))]
    changed = dataclasses.replace(
        body, meetings=dataclasses.replace(body.meetings, pattern=Pattern(3, 2, "third Wednesday"))
    )
    edited = RuleSet({**rules.bodies, body.id: changed}, rules.lines)
    touched = [body.id, *(b.id for b in edited if body.id in b.depends_on)]
    store = open_store(url)
    start = time.perf_counter()
    changes = store.save_plan(
        Planner(edited, term_calendars(edited)).plan([YEAR], touched), "bench", dt.datetime.now(dt.UTC)
    )
    seconds = time.perf_counter() - start
    store.engine.dispose()
    ids = changes.added + changes.moved + changes.updated + changes.cancelled
    strays = [i for i in ids if i.split("/")[0] not in touched]
    assert not strays, f"re-planning one body changed others: {strays[:5]}"
    return seconds, touched, len(ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authorities", type=int, default=AUTHORITIES)
    parser.add_argument("--child-years", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--writes", action="store_true", help="only the bulk writes and their goals (issue 33)")
    args = parser.parse_args()
    if args.child_years:
        print(json.dumps(plan_in_this_process(args.authorities, args.child_years)))
        return
    if args.writes:
        writes_only(args.authorities)
        return
    began = time.perf_counter()
    print(
        f"{dt.date.today()}, {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLAlchemy {sqlalchemy.__version__}, holidays {holidays.__version__}"
    )
    start = time.perf_counter()
    rules = estate(args.authorities)
    bodies = len(rules)
    built = time.perf_counter() - start
    print(f"estate: {bodies:,} bodies ({args.authorities} authorities x {PER_AUTHORITY}), built in {built:.1f} s")
    start = time.perf_counter()
    loaded = sum(len(load_rules()) for _ in range(20))
    per_second = loaded / (time.perf_counter() - start)
    print(
        f"rule files: {per_second:,.0f} files/s (the seed files, 20 times), "
        f"so {bodies:,} files would load in about {bodies / per_second:.0f} s"
    )

    print("planning, each in a fresh process (working-day tables built inside the time):")
    rates, peaks = {}, {}
    for years in (1, 5):
        # Best of three for one year, like timeit: this shared machine's speed varies by 30%.
        result = min((plan_in_a_child(args.authorities, years) for _ in range(3 if years == 1 else 1)), key=seconds_of)
        seconds = result["seconds"]
        rates[years], peaks[years] = bodies / seconds, result["peak_mib"]
        print(
            f"  {years} cycle year(s): {seconds:6.1f} s  {bodies * years / seconds:9,.0f} body-years/s  "
            f"{result['occurrences'] / seconds:10,.0f} occurrences/s  {result['occurrences']:,} occurrences  "
            f"peak {result['peak_mib']:,.0f} MiB"
        )

    sample = [b for b in rules if baseline_plans(b)][:1000]
    timings = []
    for _ in range(3):  # best of three, as for govcal
        start = time.perf_counter()
        dates = sum(baseline_body(b, YEAR) for b in sample)
        timings.append(time.perf_counter() - start)
    baseline = len(sample) / min(timings)
    print(
        f"  baseline, rrule + day-by-day holidays loop, {len(sample):,} bodies it can plan: "
        f"{baseline:,.0f} bodies/s ({dates:,} dates)"
    )
    print(
        f"  ratio: govcal plans {rates[1] / baseline:.1f}x the baseline's bodies/s "
        "(and does more: items, reports, explanations)"
    )

    plans = Planner(rules, term_calendars(rules)).plan([YEAR])
    folder = Path(tempfile.mkdtemp(prefix="govcal-uk-"))
    try:
        sqlite_rates, postgres_rates, replan, exported, in_memory, slowest_page = store_and_publish(
            rules, plans, folder
        )
    finally:
        shutil.rmtree(folder)
    print("goals:")
    goals = [
        (
            f"one cycle year for {bodies:,} bodies < 10 s on one core",
            f"{bodies / rates[1]:.1f} s",
            bodies / rates[1] < 10,
        ),
        ("planning >= 20x the baseline's bodies/s", f"{rates[1] / baseline:.1f}x", rates[1] / baseline >= 20),
        ("peak memory < 2 GB (five cycle years)", f"{max(peaks.values()):,.0f} MiB", max(peaks.values()) < 2048),
        ("re-planning one body < 50 ms", f"{replan * 1000:.0f} ms", replan < 0.05),
        *write_goals(sqlite_rates, postgres_rates),
        ("export every public feed < 5 s", f"{exported:.1f} s on disk{in_memory}", exported < 5),
        ("the planner page < 200 ms for any search or page", f"{slowest_page * 1000:.0f} ms", slowest_page < 0.2),
    ]
    for goal, figure, met in goals:
        print(f"  {goal}: {figure} {'met' if met else 'MISSED'}")
    print(f"whole run: {time.perf_counter() - began:.0f} s")


def writes_only(authorities: int) -> None:
    """The estate planned for one cycle year, then only the bulk writes beside their ceilings."""
    print(f"{dt.date.today()}, {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    rules = estate(authorities)
    plans = Planner(rules, term_calendars(rules)).plan([YEAR])
    folder = Path(tempfile.mkdtemp(prefix="govcal-uk-"))
    try:
        goals = write_goals(*bulk_writes(plans, folder, f"sqlite:///{folder}/govcal.db"))
    finally:
        shutil.rmtree(folder)
    print("goals:")
    for goal, figure, met in goals:
        print(f"  {goal}: {figure} {'met' if met else 'MISSED'}")


def bulk_writes(plans: list, folder: Path, sqlite_url: str) -> tuple[tuple[float, float], tuple[float, float] | None]:
    """Write one cycle year to SQLite (best of two new databases, the second at `sqlite_url`)
    and to PostgreSQL, each beside its own ceiling, printing each figure; the rows/s of
    govcal and of SQLite alone, and of govcal and the server's own COPY (None without one)."""
    print(f"writing one cycle year ({count(plans):,} occurrences) to a new database, every table's rows counted:")
    # Best of two fresh databases; the second is the one the re-plan and the export use.
    bulk: list = []
    seconds, rows, driver = min(write(f"sqlite:///{folder}/first.db", plans, bulk), write(sqlite_url, plans))
    total = sum(rows.values())
    sqlite_rate = total / seconds
    print(f"  SQLite file:  {seconds:6.1f} s  {sqlite_rate:9,.0f} rows/s  {total:,} rows {rows}")
    print(f"    of which in sqlite3 (statements, commit) {driver:.1f} s, in govcal's Python {seconds - driver:.1f} s")
    alone = sqlite_alone(folder / "first.db", bulk, folder)
    print(
        f"  SQLite alone, the same {sum(len(r) for _, r in bulk):,} rows and schema, nothing prepared in Python: "
        f"{alone:,.0f} rows/s (the ceiling here; govcal reaches {sqlite_rate / alone:.0%} of it)"
    )
    del bulk
    postgres_rates: tuple[float, float] | None = None
    postgres, schema = postgres_schema_url()
    if postgres is None:
        print(f"  PostgreSQL: skipped: {schema}")
    else:
        try:
            seconds, rows, _ = write(postgres, plans)
            total = sum(rows.values())
            postgres_rate = total / seconds
            print(f"  PostgreSQL:   {seconds:6.1f} s  {postgres_rate:9,.0f} rows/s  {total:,} rows")
            server = postgres_alone(postgres, folder)
            print(
                f"  PostgreSQL alone, the same rows and schema by psql's \\copy in one transaction: "
                f"{server:,.0f} rows/s (the ceiling here; govcal reaches {postgres_rate / server:.0%} of it)"
            )
            postgres_rates = postgres_rate, server
        finally:
            drop_schema(schema)

    return (sqlite_rate, alone), postgres_rates


def write_goals(sqlite: tuple[float, float], postgres: tuple[float, float] | None) -> list[tuple[str, str, bool]]:
    """Issue 33's goals for the bulk writes: each goal, the figure and whether it is met."""
    (sqlite_rate, alone), goals = sqlite, []
    goals.append(
        (
            "SQLite bulk write >= 78% of SQLite alone in the same run (issue 33)",
            f"{sqlite_rate / alone:.0%} ({sqlite_rate:,.0f} rows/s, SQLite alone {alone:,.0f})",
            sqlite_rate >= 0.78 * alone,
        )
    )
    if postgres is not None:
        goals.append(
            (
                "PostgreSQL bulk write >= 200,000 rows/s (issue 33)",
                f"{postgres[0]:,.0f} rows/s (the server's own COPY {postgres[1]:,.0f})",
                postgres[0] >= 200_000,
            )
        )
    return goals


def store_and_publish(
    rules: RuleSet, plans: list, folder: Path
) -> tuple[tuple[float, float], tuple[float, float] | None, float, float, str, float]:
    """Write, re-plan and export, printing each figure; SQLite's rows/s (govcal's, and SQLite's
    alone), PostgreSQL's (govcal's, and the server's own COPY; None without one), the
    re-plan's and the export's seconds, the export's into memory (said), and the
    slowest planner page's seconds."""
    sqlite_url = f"sqlite:///{folder}/govcal.db"
    sqlite_rates, postgres_rates = bulk_writes(plans, folder, sqlite_url)

    replan, touched, changed = replan_one(sqlite_url, rules)
    print(
        f"re-plan after one rule change, saved to SQLite: {replan * 1000:.0f} ms for {len(touched)} bodies "
        f"(the changed one and {len(touched) - 1} dependants), {changed} rows changed, none elsewhere"
    )

    start = time.perf_counter()
    written = export(Context(rules, _store=open_store(sqlite_url)), folder, dt.datetime.now(dt.UTC))
    seconds = time.perf_counter() - start
    size = sum(path.stat().st_size for path in written)
    print(
        f"export every public feed: {len(written):,} feeds, {size / 2**20:,.0f} MiB in {seconds:.1f} s, "
        f"{len(written) / seconds:,.0f} feeds/s"
    )
    print(f"  the same number of empty files made on the same disk, nothing else: {empty_files(folder, len(written))}")
    pages = planner_pages(Context(rules, _store=open_store(sqlite_url)))
    said = ""
    if Path("/dev/shm").is_dir():  # the same export into memory, after the pages so as not to weigh on them
        for remembered in (vevent, local_stamp, _utc_stamp):  # cold, as the export on disk was
            remembered.cache_clear()
        with tempfile.TemporaryDirectory(dir="/dev/shm") as memory:
            start = time.perf_counter()
            export(Context(rules, _store=open_store(sqlite_url)), Path(memory), dt.datetime.now(dt.UTC))
            in_memory = time.perf_counter() - start
        added = seconds - in_memory
        print(f"export again, into memory (tmpfs): {in_memory:.1f} s; the disk's file system added {added:.1f} s")
        said = f" (into memory {in_memory:.1f} s)"
    return sqlite_rates, postgres_rates, replan, seconds, said, max(pages.values())


def empty_files(folder: Path, count: int) -> str:
    """How long this disk takes to make `count` empty files in a new folder, one after
    another, and how much of it is the kernel's time: what an export cannot go below."""
    empty = folder / "empty"
    empty.mkdir()
    before, start = os.times(), time.perf_counter()
    for n in range(count):
        os.close(os.open(empty / f"{n}.ics", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644))
    seconds, after = time.perf_counter() - start, os.times()
    shutil.rmtree(empty)
    return f"{seconds:.1f} s ({after.system - before.system:.1f} s of it the kernel's)"


def planner_pages(ctx: Context) -> dict[str, float]:
    """Seconds to render the planner page for a range of searches and pages, each the first
    time it is asked for (the server then keeps it until the store changes)."""
    public = sum(body.meetings.public for body in ctx.rules)
    last = -(-public // PAGE_SIZE)
    asked = {
        "page 1, no search": Selection(),
        f"page {last}, the last": Selection(page=last),
        "one authority's bodies (a199g)": Selection("a199g"),
        "a word in many names (leeds)": Selection("leeds"),
        "two words (suffolk board)": Selection("suffolk board"),
        "nothing found (zzz)": Selection("zzz"),
    }
    first = dt.date(YEAR, 4, 1)
    times = {}
    print(f"the planner page, {public:,} public bodies, {PAGE_SIZE} a page:")
    for name, selection in asked.items():
        start = time.perf_counter()
        html = _page(ctx, first, "https://govcal.example", False, selection=selection)
        times[name] = time.perf_counter() - start
        print(f"  {name:36} {times[name] * 1000:6.0f} ms  {len(html or ''):>9,} bytes")
    return times


if __name__ == "__main__":
    main()
