"""Commands for reminders: reminders (list), reminders send, deadline done."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from typing import TYPE_CHECKING

from govcal.cli.common import OK, Commands, console, context, moment_arg, settings, with_database
from govcal.clock import utc_now
from rules.errors import MailUnavailable, RuleError

if TYPE_CHECKING:  # imported where used, so the command line starts quickly
    from govcal.mail import Smtp
    from govcal.operations import reminders
    from govcal.settings import Settings


SHOWN_PENDING = 20


def smtp(config: Settings) -> Smtp:
    """The mail server reminders go through, or a `RuleError` saying how to name one."""
    from govcal.settings import SMTP_VARIABLE

    server = mail_settings(config)
    if server is None:
        raise RuleError(f"set {SMTP_VARIABLE}, e.g. smtp://127.0.0.1:25 or smtps://user:pass@host:465")
    return server


def mail_settings(config: Settings) -> Smtp | None:
    """The mail server and sender the settings name (None: no server), checked at the start of
    a command that sends, before it does anything: a `RuleError` naming the variable and
    quoting what it holds when either is not right."""
    from govcal.mail import Smtp, checked_sender
    from govcal.settings import MAIL_FROM_VARIABLE, SMTP_VARIABLE

    try:
        server = Smtp.from_url(config.smtp_url) if config.smtp_url else None
    except RuleError as error:
        raise RuleError(f"{SMTP_VARIABLE} {error.message}") from None
    try:
        if config.mail_from:
            checked_sender(config.mail_from)
    except RuleError as error:
        raise RuleError(f"{MAIL_FROM_VARIABLE} {error.message}") from None
    return server


def cmd_reminders(args: argparse.Namespace) -> int:
    from rich.table import Table

    from govcal.operations import reminders

    server = smtp(settings(args)) if args.reminders_action == "send" and not args.dry_run else None
    ctx = context(args)
    if args.reminders_action == "send" and args.dry_run:
        return _print_dry_run(reminders.dry_run(ctx, args.now or utc_now(), utc_now()), args.json)
    if server is not None:
        now, worker = args.now or utc_now(), f"cli-{os.getpid()}"
        result = reminders.send_due(ctx, now, server, worker, wall=utc_now)
        retry = f"{result.retrying} to retry" + (f" ({result.failure})" if result.retrying else "")
        print(
            f"sent {result.sent} ({result.late} late) in {result.messages} messages, {retry},"
            f" {result.superseded} superseded by overdue notices, {result.done} done"
        )
        for line in result.claims_said() + result.refused_said():
            print(line, file=sys.stderr)
        digests = reminders.send_digests(ctx, now, server, worker, wall=utc_now)
        if digests.sent or digests.empty or digests.failed:
            retry = f"{digests.failed} to retry" + (f" ({digests.failure})" if digests.failed else "")
            print(f"morning digests: {digests.sent} sent, {digests.empty} with nothing due, {retry}")
        for body_id, count in sorted(result.no_recipient.items()):
            print(
                f"warning: {count} reminders of {body_id} had no one to go to; add a clerk with an address:"
                f" govcal member add {body_id} NAME --role clerk --email ADDRESS",
                file=sys.stderr,
            )
        if result.retrying or digests.failed:
            raise MailUnavailable(
                f"the mail server did not take {result.retrying + digests.failed} message(s):"
                f" {result.failure or digests.failure}; they are tried again with back-off"
            )
        return OK
    rows = reminders.outbox(ctx)
    if args.json:
        print(json.dumps(rows, indent=2))
        return OK
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["state"]] = counts.get(row["state"], 0) + 1
    out = console()
    out.print(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no reminders")
    table = Table(title="Failed (retrying) and due next", title_justify="left")
    for column in ("due", "state", "kind", "deadline", "last error"):
        table.add_column(column)
    shown = [r for r in rows if r["state"] == "failed"] + [r for r in rows if r["state"] == "pending"][:SHOWN_PENDING]
    for r in shown:
        due = dt.datetime.fromisoformat(r["due"])
        table.add_row(f"{due:%a %d %b %Y %H:%M}", r["state"], r["kind"], r["deadline"], r["last_error"] or "")
    out.print(table)
    return OK


def _print_dry_run(would: list[reminders.WouldSend], as_json: bool) -> int:
    """What a send would do, one line per deadline; nothing was sent or marked."""
    from rich.table import Table

    if as_json:
        print(json.dumps([w.as_dict() for w in would], indent=2))
        return OK
    out = console()
    messages = sum(w.outcome.startswith("send") for w in would)
    out.print(f"dry run: {messages} message{'' if messages == 1 else 's'} would go; nothing was sent or marked")
    table = Table(title="Due now", title_justify="left")
    for column in ("deadline", "reminders", "would", "to", "subject"):
        table.add_column(column, overflow="fold")
    for w in would:
        table.add_row(w.deadline, str(w.reminders), w.outcome, ", ".join(w.to), w.subject)
    out.print(table)
    return OK


def cmd_deadline_done(args: argparse.Namespace) -> int:
    from govcal.operations import reminders

    done = args.deadline_command == "done"
    changed = reminders.mark_done(context(args), args.id, actor=args.by, now=utc_now(), done=done)
    if not changed:
        print(f"{args.id}: already {'done' if done else 'open'}")
    elif done:
        print(f"{args.id}: done; its later reminders will not be sent")
    else:
        print(f"{args.id}: open again; its reminders still to come will be sent")
    return OK


def register(commands: Commands) -> None:
    listing = commands.add_parser("reminders", help="the reminder outbox: what is pending, sent, late, failed")
    listing.add_argument("reminders_action", nargs="?", choices=("list", "send"), default="list")
    listing.add_argument(
        "--now", type=moment_arg, metavar="ISO-DATETIME", help="with send: dispatch what is due at this moment"
    )
    listing.add_argument(
        "--dry-run", action="store_true", help="with send: say what would go, to whom, and why not; send nothing"
    )
    listing.add_argument("--json", action="store_true")
    with_database(listing, actor=False)
    listing.set_defaults(run=cmd_reminders)

    deadline = commands.add_parser("deadline", help="mark a deadline done")
    deadline_commands = deadline.add_subparsers(dest="deadline_command", required=True, metavar="COMMAND")
    done = with_database(deadline_commands.add_parser("done", help="mark it done so its later reminders stop"))
    undo = with_database(deadline_commands.add_parser("undo", help="reopen it: its reminders still to come go again"))
    for sub in (done, undo):
        sub.add_argument("id", help="e.g. worcestershire-jcb/2026-27/meeting-05/papers")
        sub.set_defaults(run=cmd_deadline_done)
