"""Reminder dispatch: throughput (one and four processes) and lateness (p50/p99), in one run.

Throughput: 2,000 reminders due at once, dispatched to a local aiosmtpd server by one
process, then by four, against PostgreSQL (127.0.0.1:5432, database test, a schema of
its own) and SQLite; then the same to Postfix's smtp-sink where installed (an SMTP
server in C: its CPU out of the way, what one process of govcal itself reaches).
Lateness: 300 reminders falling due over 30 seconds while the APScheduler clock `govcal
serve` uses ticks every second; the time each arrives at the SMTP server after it fell due.

    .venv/bin/pip install -e '.[test]' && .venv/bin/python bench/reminders.py
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

import sqlalchemy
from aiosmtpd.controller import Controller

from govcal.clock import start_reminder_clock
from govcal.mail import Smtp
from govcal.operations import Context, people, planning
from govcal.settings import Settings
from scheduler.store.tables import DeadlineRow, ReminderRow

PG = os.environ.get("GOVCAL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
DEADLINE = "worcestershire-jcb/2026-27/meeting-01/papers"
WORKER = textwrap.dedent(
    """
    import datetime as dt, sys, time
    from govcal.clock import utc_now
    from govcal.mail import Smtp
    from govcal.operations import Context
    from govcal.operations.reminders import send_due
    from govcal.settings import Settings
    url, smtp, name, now = sys.argv[1:5]
    ctx = Context.load(Settings(database_url=url))
    ctx.store
    print("ready", flush=True)
    sys.stdin.readline()
    start = time.process_time()
    send_due(ctx, dt.datetime.fromisoformat(now), Smtp.from_url(smtp), name, wall=utc_now)
    print(time.process_time() - start)  # the CPU seconds dispatching took, start-up left out
    """
)


class Inbox:
    """aiosmtpd in this process: the SMTP server the tests use. Its CPU is this process's
    (the bench does nothing else while the workers send)."""

    name = "aiosmtpd"

    def __init__(self, port: int) -> None:
        self.arrivals: list[tuple[str, float]] = []
        self.controller = Controller(self, hostname="127.0.0.1", port=port)
        self.url = f"smtp://127.0.0.1:{port}"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.arrivals.append(
            (envelope.content.split(b"Message-ID:", 1)[1].split(b">", 1)[0].strip().decode() + ">", time.time())
        )
        return "250 OK"

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def clear(self) -> None:
        self.arrivals.clear()

    def message_ids(self) -> list[str]:
        return [key for key, _ in self.arrivals]

    def cpu(self) -> float:
        return time.process_time()


class Sink:
    """Postfix's smtp-sink (Debian's `postfix`), an SMTP server in C for measuring clients:
    every message appended to one dump file, whose Message-IDs are counted. Its CPU is
    read from /proc."""

    name = "smtp-sink"

    def __init__(self, port: int, folder: Path) -> None:
        self.dump = folder / "sink.dump"
        self.url = f"smtp://127.0.0.1:{port}"
        self.command = ["smtp-sink", "-D", str(self.dump), f"127.0.0.1:{port}", "256"]
        if os.geteuid() == 0:  # it will not run as root
            self.command[1:1] = ["-u", "nobody"]
            folder.chmod(0o777)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.command)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", int(self.url.rsplit(":", 1)[1])), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("smtp-sink did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait()

    def clear(self) -> None:
        self.dump.unlink(missing_ok=True)

    def message_ids(self) -> list[str]:
        if not self.dump.exists():
            return []
        lines = self.dump.read_bytes().splitlines()
        return [line.split(b":", 1)[1].strip().decode() for line in lines if line.startswith(b"Message-ID:")]

    def cpu(self) -> float:
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def prepared(url: str, count: int, due: dt.datetime, spread: dt.timedelta = dt.timedelta(0)):
    """A context whose store has the JCB planned, a clerk, and `count` reminders due from `due` over `spread`."""
    ctx = Context.load(Settings(database_url=url))
    now = dt.datetime.now(dt.UTC)
    people.add_member(ctx, "worcestershire-jcb", "Ann Clerk", "clerk", email="ann@example.org", actor="bench", now=now)
    planning.keep_year(ctx, [2026], ["worcestershire-jcb"], actor="bench", now=now)
    store = ctx.store
    with store.session() as session, session.begin():
        session.query(ReminderRow).delete()
        template = session.get(DeadlineRow, DEADLINE)
        for n in range(count):  # a deadline each: a deadline's notices due together go as one message
            at = due + spread * n / max(count - 1, 1)
            deadline = DeadlineRow(id=f"{DEADLINE}-bench-{n:05d}")
            for column in ("body_id", "cycle", "date", "due", "rule", "name", "who", "explanation", "updated_at"):
                setattr(deadline, column, getattr(template, column))
            session.add(deadline)
            session.add(
                ReminderRow(
                    offset_key="overdue",
                    deadline_id=deadline.id,
                    body_id="worcestershire-jcb",
                    kind="overdue",
                    due_at=at,
                    next_attempt_at=at,
                    status="pending",
                )
            )
    return ctx


def throughput(url: str, processes: int, receiver: Inbox | Sink) -> tuple[float, float, float]:
    """Reminders/s dispatching 2,000 due at once, and the CPU milliseconds a message cost the
    dispatching processes and the SMTP server."""
    due = dt.datetime(2026, 4, 14, 8, 0, tzinfo=dt.UTC)
    prepared(url, 2000, due)
    receiver.clear()
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, url, receiver.url, f"w{i}", due.isoformat()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(processes)
    ]
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready"
    start, server = time.perf_counter(), receiver.cpu()
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()
    dispatch = sum(float(worker.communicate(timeout=600)[0]) for worker in workers)
    elapsed = time.perf_counter() - start
    server = receiver.cpu() - server
    arrived = receiver.message_ids()
    assert len(set(arrived)) == 2000 == len(arrived), len(arrived)
    return 2000 / elapsed, dispatch / 2, server / 2  # ms a message: seconds over 2,000, times 1,000


def lateness(url: str, inbox: Inbox) -> list[float]:
    start = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
    ctx = prepared(url, 300, start, dt.timedelta(seconds=30))
    inbox.clear()
    clock = start_reminder_clock(ctx, Smtp.from_url(inbox.url), "bench", every=dt.timedelta(seconds=1))
    try:
        deadline = time.time() + 60
        while len(inbox.arrivals) < 300 and time.time() < deadline:
            time.sleep(0.2)
    finally:
        clock.shutdown(wait=True)
    due = {
        f"<{DEADLINE}-bench-{n:05d}#overdue@govcal>": (start + dt.timedelta(seconds=30) * n / 299).timestamp()
        for n in range(300)
    }
    return sorted(at - due[key] for key, at in inbox.arrivals)


def pg_schema() -> tuple[str, str]:
    schema = f"govcal_bench_{uuid.uuid4().hex[:8]}"
    engine = sqlalchemy.create_engine("postgresql+psycopg://" + PG.removeprefix("postgresql://"))
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    return schema, f"{PG}{'&' if '?' in PG else '?'}options=-csearch_path%3D{schema}"


def drop(schema: str) -> None:
    engine = sqlalchemy.create_engine("postgresql+psycopg://" + PG.removeprefix("postgresql://"))
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


def main() -> None:
    results: dict[tuple[str, str, int], tuple[float, float, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        inbox = Inbox(8026)
        receivers: list[Inbox | Sink] = [inbox]
        if shutil.which("smtp-sink"):
            receivers.append(Sink(8027, Path(folder)))
        else:
            print("smtp-sink: not installed (Debian's postfix): the runs with aiosmtpd only")
        for receiver in receivers:
            receiver.start()
            try:
                for processes in (1, 4):
                    schema, url = pg_schema()
                    try:
                        results[receiver.name, "PostgreSQL", processes] = throughput(url, processes, receiver)
                    finally:
                        drop(schema)
                    sqlite = f"sqlite:///{Path(folder) / f'{receiver.name}-{processes}.db'}"
                    results[receiver.name, "SQLite", processes] = throughput(sqlite, processes, receiver)
                if receiver is inbox:
                    late = lateness(f"sqlite:///{Path(folder) / 'late.db'}", inbox)
            finally:
                receiver.stop()
    print("reminder dispatch: 2,000 due at once, every one checked delivered once")
    print("  (CPU a message: the dispatching processes', and the SMTP server's)")
    for (receiver, database, processes), (rate, dispatch, server) in results.items():
        said = f"{database}, {processes} process{'es' if processes > 1 else ''}"
        print(f"  {receiver:9} {said:25} {rate:8,.0f} reminders/s   CPU {dispatch:.2f} ms + {server:.2f} ms")
    cores = os.cpu_count() or 1
    for (receiver, database, processes), (_rate, dispatch, server) in results.items():
        if processes == 1:
            print(
                f"  what bounds one process ({database}, {receiver}): {dispatch:.2f} ms of its CPU a message allows "
                f"{1000 / dispatch:,.0f}/s on one core; the server's {server:.2f} ms, {1000 / server:,.0f}/s; "
                f"both on {cores} cores at most {1000 * cores / (dispatch + server):,.0f}/s"
            )
    print("lateness: 300 reminders due over 30 s, APScheduler clock every 1 s (govcal serve ticks every 60 s)")
    p99 = late[int(len(late) * 0.99) - 1]
    print(f"  p50 {statistics.median(late):.2f} s, p99 {p99:.2f} s, max {late[-1]:.2f} s, min {late[0]:.2f} s")
    best = max(rate for (receiver, _, _), (rate, _, _) in results.items() if receiver == inbox.name)
    print(
        f"goal (issue 15, with aiosmtpd): >= 1,000 reminders/s, best here {best:,.0f}:"
        f" {'met' if best >= 1000 else 'MISSED'};"
        f" p99 lateness < 2 s, here {p99:.2f} s: {'met' if p99 < 2 else 'MISSED'}"
    )
    for receiver in sorted({name for name, _, _ in results}):
        one, four = results[receiver, "PostgreSQL", 1][0], results[receiver, "PostgreSQL", 4][0]
        print(
            f"goals (issue 33), PostgreSQL with {receiver}: >= 1,000 reminders/s from one process, here {one:,.0f}: "
            f"{'met' if one >= 1000 else 'MISSED'}; more from four than from one, here {four:,.0f} against "
            f"{one:,.0f}: {'met' if four > one else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
