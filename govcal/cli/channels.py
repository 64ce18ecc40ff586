"""Commands for channels besides e-mail: webhook set/remove/list (a body's or a member's)."""

from __future__ import annotations

import argparse
import json

from govcal.cli.common import OK, Commands, console, context, with_database, with_rules
from govcal.clock import utc_now

FORMATS = ("slack", "teams")  # govcal.channels.webhook's, named here so the parser is built without it


def cmd_webhook(args: argparse.Namespace) -> int:
    from govcal.operations import channels

    url = args.url if args.webhook_command == "set" else None
    form = args.format if args.webhook_command == "set" else None
    print(
        channels.set_webhook(context(args), url, form, body=args.body, member=args.member, actor=args.by, now=utc_now())
    )
    return OK


def cmd_webhook_list(args: argparse.Namespace) -> int:
    from rich.table import Table

    from govcal.operations import channels

    ctx = context(args)
    found = channels.webhooks(ctx, args.body)
    if args.json:
        print(json.dumps(found, indent=2))
        return OK
    table = Table(title=f"{ctx.body(args.body).name}: webhooks reminders go to", title_justify="left")
    for column in ("whose", "format"):
        table.add_column(column)
    for hook in found:
        table.add_row(hook["person"] or "the body's own", hook["format"])
    console().print(table)
    return OK


def register(commands: Commands) -> None:
    hook = commands.add_parser("webhook", help="reminders to a Teams or Slack channel: a body's or a member's webhook")
    hook_commands = hook.add_subparsers(dest="webhook_command", required=True, metavar="COMMAND")
    give = with_database(with_rules(hook_commands.add_parser("set", help="give a body or a member a webhook")))
    give.add_argument("url", help="the incoming webhook's URL (Slack app, or a Teams Workflows flow)")
    give.add_argument(
        "--format", choices=FORMATS, help="the payload it takes (default: from a Slack or Teams URL's host)"
    )
    take = with_database(
        with_rules(hook_commands.add_parser("remove", help="take a body's or a member's webhook away"))
    )
    for sub in (give, take):
        whose = sub.add_mutually_exclusive_group(required=True)
        whose.add_argument("--body", help="the body's own webhook (its channel)")
        whose.add_argument("--member", help="a member's, by name")
        sub.set_defaults(run=cmd_webhook)
    listing = with_database(
        with_rules(hook_commands.add_parser("list", help="whose webhooks a body's reminders go to"))
    )
    listing.add_argument("body")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=cmd_webhook_list)
