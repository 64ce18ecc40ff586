"""Commands that serve and publish: serve, export; and the database's: db upgrade, backup, restore."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import gc
import os
import socket
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from govcal.cli.common import OK, Commands, context, progress, settings, with_database
from govcal.cli.reminders import mail_settings
from govcal.clock import utc_now
from rules.errors import RuleError

if TYPE_CHECKING:  # the operations and the server are imported where used, so the command line starts quickly
    from starlette.types import ASGIApp

    from govcal.operations import Context

CHECK_EVERY = 1.0  # seconds between asking the store whether anything changed: edits show within a second
DEFAULT_BASE = "http://127.0.0.1:8000"  # `govcal serve` with no options


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn  # the server is needed only here

    from govcal.access_log import AccessLog
    from govcal.clock import start_reminder_clock
    from govcal.operations import database, planning
    from govcal.settings import SMTP_VARIABLE

    mail = mail_settings(settings(args))  # checked before anything is written or said
    free_to_listen(args.host, args.port)
    ctx = context(args, kept=True)
    if args.upgrade:  # asked for: a database at an older revision is migrated before serving
        print(database.bring_up_to_date(ctx.settings.database_url), file=sys.stderr)
    changes = planning.plan_if_empty(ctx, actor="govcal serve", now=utc_now())
    if changes is not None:  # a fresh database: there is a year to see at once
        where = database.where(ctx)
        print(f"planned {len(ctx.rules)} bodies into {where}: {changes.summary()}", file=sys.stderr)
    hosts = ctx.settings.hosts(args.host)
    server = application(ctx, hosts)
    clock = None
    if mail is not None:
        worker = f"serve-{socket.gethostname()}-{os.getpid()}"
        clock = start_reminder_clock(ctx, mail, worker)
        print(f"reminders: dispatching every minute as {worker}", file=sys.stderr)
    else:
        print(f"reminders: not sending (set {SMTP_VARIABLE} to send them)", file=sys.stderr)
    for line in addresses(ctx.settings.public_url or f"http://{_shown(args.host)}:{args.port}"):
        print(line, file=sys.stderr)
    print(f"answering the hosts {', '.join(hosts)} (--allowed-host adds one)", file=sys.stderr)
    # What serving keeps for good (the rules, their planner, the app) left out of the collector's
    # full passes: at 20,000 bodies each pass walked its 250,000 objects, 0.1 s of some request.
    gc.freeze()
    try:
        app = server if args.no_access_log else AccessLog(server)  # ours: batched, tokens redacted
        uvicorn.run(app, host=args.host, port=args.port, log_level="info", access_log=False)
    finally:
        if clock is not None:
            clock.shutdown(wait=False)
    return OK


def free_to_listen(host: str, port: int) -> None:
    """A `RuleError` naming HOST:PORT unless the server could listen there now: bound and let go
    at once (as uvicorn binds, reusing an address in TIME_WAIT), so a port in use is said
    before the database is made or the addresses are printed."""
    where = f"{_shown(host)}:{port}"
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM)[0]
        with contextlib.closing(socket.socket(family, kind, proto)) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            said = f"{where} is in use (another govcal serve?): stop what listens there or give --port"
            raise RuleError(said) from None
        raise RuleError(f"cannot listen on {where}: {error.strerror or error}") from None


def application(ctx: Context, hosts: Sequence[str], clock: Callable[[], dt.datetime] | None = None) -> ASGIApp:
    """What `govcal serve` serves: the feeds and the public page, the admin pages, the admin API
    (the admin pages on `clock`, by default the wall clock)."""
    from govcal.admin import admin_pages
    from govcal.api import create_app
    from govcal.web import feed_server

    api = create_app(ctx)
    api.mount("/admin", admin_pages(ctx, ctx.settings.public_url, clock or utc_now))
    return feed_server(api, ctx, ctx.settings.public_url, CHECK_EVERY, hosts)


def addresses(base: str) -> list[str]:
    """Where a served govcal's page, feeds and API are, as `serve` says them at start-up."""
    from calendars.feed import webcal

    base = base.rstrip("/")
    return [
        f"planner: {base}/planner",
        f"feeds: {base}/feeds/all.ics, each public body's at {base}/feeds/bodies/<id>.ics"
        f" (subscribe: {webcal(base)}/feeds/all.ics)",
        f"admin pages: {base}/admin (sign in with an admin token: govcal admin token create NAME)",
        f"admin API: {base}/api/..., its docs at {base}/docs (the same tokens)",
    ]


def _shown(host: str) -> str:
    """The host to put in an address: a wildcard bind is reached at this machine's own address."""
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else f"[{host}]" if ":" in host else host


def cmd_export(args: argparse.Namespace) -> int:
    from govcal.web import export  # FastAPI is needed only by the commands that serve or export

    ctx = context(args)
    feeds = 1 + sum(body.meetings.public for body in ctx.rules)  # all.ics and each public body's
    with progress("exporting feeds", feeds) as advance:
        written = export(ctx, Path(args.folder), utc_now(), ctx.settings.public_url, advance)
    size = sum(p.stat().st_size for p in written)
    calendars = sum(p.suffix == ".ics" for p in written)
    pages = [p for p in written if p.suffix == ".html" and p.name != "index.html"]
    said = f"wrote {calendars} feeds to {args.folder}/feeds"
    if pages:
        said += f" and the planner page to {args.folder}/planner/index.html ({len(pages)} years)"
    print(f"{said}, {size:,} bytes")
    if not pages:
        print("the planner page was not exported: give --public-url (or GOVCAL_PUBLIC_URL), the https:// address")
        print("the site will be served at, so its subscribe links are whole addresses")
    return OK


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from govcal.operations import database

    print(database.bring_up_to_date(settings(args).database_url))
    return OK


def cmd_db_backup(args: argparse.Namespace) -> int:
    from govcal.operations import database

    print(database.backup(settings(args).database_url, Path(args.file)))
    return OK


def cmd_db_restore(args: argparse.Namespace) -> int:
    from govcal.operations import database

    print(database.restore(settings(args).database_url, Path(args.file), args.replace))
    return OK


def register(commands: Commands) -> None:
    serve = commands.add_parser("serve", help="serve the admin API (plans the bodies into a fresh database first)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    with_database(serve, actor=False)
    serve.add_argument(
        "--public-url", metavar="URL", help="https:// address the service is reached at, for links in feeds"
    )
    serve.add_argument(
        "--allowed-host",
        action="append",
        metavar="HOST",
        help="a host name the server answers to (repeatable; also $GOVCAL_ALLOWED_HOSTS); others get 400",
    )
    serve.add_argument(
        "--upgrade",
        action="store_true",
        help="migrate a database at an older schema revision first (as govcal db upgrade does)",
    )
    serve.add_argument(
        "--no-access-log", action="store_true", help="do not log each request (e.g. behind a proxy that logs)"
    )
    serve.set_defaults(run=cmd_serve)

    export = commands.add_parser("export", help="write the public feeds and the planner page as static files")
    export.add_argument("folder")
    with_database(export, actor=False)
    export.add_argument("--public-url", metavar="URL", help="https:// address of the planner page, for links in feeds")
    export.set_defaults(run=cmd_export)

    db = commands.add_parser("db", help="the database: its schema, backups and restores")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    db_upgrade = db_commands.add_parser(
        "upgrade", help="check the schema against its revision and create or migrate it to the newest"
    )
    with_database(db_upgrade, actor=False)
    db_upgrade.set_defaults(run=cmd_db_upgrade)
    db_backup = db_commands.add_parser(
        "backup", help="write the whole kept year to FILE (JSON lines; .gz compresses), for any database"
    )
    db_backup.add_argument("file", metavar="FILE")
    with_database(db_backup, actor=False)
    db_backup.set_defaults(run=cmd_db_backup)
    db_restore = db_commands.add_parser(
        "restore", help="load a backup FILE into the database (SQLite or PostgreSQL) and bring it up to date"
    )
    db_restore.add_argument("file", metavar="FILE")
    db_restore.add_argument(
        "--replace", action="store_true", help="replace a kept year already in the database (refused without)"
    )
    with_database(db_restore, actor=False)
    db_restore.set_defaults(run=cmd_db_restore)
