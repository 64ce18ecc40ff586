"""Commands for tokens: admin, feed and page token create/rotate/revoke."""

from __future__ import annotations

import argparse
import sys

from govcal.cli.common import FAILED, OK, Commands, context, with_database
from govcal.cli.server import DEFAULT_BASE
from govcal.clock import utc_now


def cmd_token(args: argparse.Namespace) -> int:
    from calendars.feed import webcal
    from govcal.operations.access import PATHS, TokenKind, address, create_token, revoke_tokens, rotate_token

    ctx = context(args)
    kind = TokenKind(args.command)
    if args.token_action == "revoke":
        revoked = revoke_tokens(ctx, kind, args.name, actor=args.by, now=utc_now())
        print(f"revoked {revoked} {kind} token(s) of {args.name}")
        return OK if revoked else FAILED
    issue = create_token if args.token_action == "create" else rotate_token
    token = issue(ctx, kind, args.name, actor=args.by, now=utc_now())
    print(token)
    print(f"{kind} token for {args.name}: shown once, stored only as a digest", file=sys.stderr)
    if kind in PATHS:
        opens = address(ctx.settings.public_url or DEFAULT_BASE, kind, token)
        if kind is TokenKind.FEED:
            print(f"subscribe in a calendar app: {webcal(opens)}", file=sys.stderr)
            print(f"or paste this address (Outlook: Add calendar, Subscribe from web): {opens}", file=sys.stderr)
        else:
            print(f"the year planner with every body: {opens}", file=sys.stderr)
    return OK


def register(commands: Commands) -> None:
    for name, whose in (
        ("admin", "an admin's API token"),
        ("feed", "a member's private feed token"),
        ("page", "an admin's private page link"),
    ):
        holder = commands.add_parser(name, help=f"{whose}s")
        holder_commands = holder.add_subparsers(dest="holder_command", required=True, metavar="COMMAND")
        token = holder_commands.add_parser("token", help=f"create, rotate or revoke {whose}")
        token.add_argument("token_action", choices=("create", "rotate", "revoke"))
        token.add_argument(
            "name",
            help="the member (PERSON): their address, or a name no one else has"
            if name == "feed"
            else "the admin's name (in the audit trail)",
        )
        with_database(token)
        token.add_argument("--public-url", metavar="URL", help="the address govcal is reached at, for the link")
        token.set_defaults(run=cmd_token)
