"""Commands for tokens: admin token and feed token create/rotate/revoke."""

from __future__ import annotations

import argparse
import sys

from govcal.cli.common import FAILED, OK, Commands, context, with_database
from govcal.clock import utc_now
from govcal.operations.access import create_token, revoke_tokens, rotate_token
from scheduler.store.tables import TokenKind


def cmd_token(args: argparse.Namespace) -> int:
    ctx = context(args)
    kind = TokenKind.ADMIN if args.command == "admin" else TokenKind.FEED
    if args.token_action == "revoke":
        revoked = revoke_tokens(ctx, kind, args.name, now=utc_now())
        print(f"revoked {revoked} {kind} token(s) of {args.name}")
        return OK if revoked else FAILED
    issue = create_token if args.token_action == "create" else rotate_token
    print(issue(ctx, kind, args.name, now=utc_now()))
    print(f"{kind} token for {args.name}: shown once, stored only as a digest", file=sys.stderr)
    return OK


def register(commands: Commands) -> None:
    for name, whose in (("admin", "an admin's API token"), ("feed", "a member's private feed token")):
        holder = commands.add_parser(name, help=f"{whose}s")
        holder_commands = holder.add_subparsers(dest="holder_command", required=True, metavar="COMMAND")
        token = holder_commands.add_parser("token", help=f"create, rotate or revoke {whose}")
        token.add_argument("token_action", choices=("create", "rotate", "revoke"))
        token.add_argument(
            "name", help="the admin's name (in the audit trail)" if name == "admin" else "the member's name"
        )
        with_database(token, actor=False)
        token.set_defaults(run=cmd_token)
