"""The `govcal` command: plan, check, explain, date, bodies, rules (draft, import, export), terms,
meeting, extraordinary, member, attendance, admin and feed tokens, reminders, deadline, serve, export, db.

Each command parses its arguments, calls the operations layer and presents what it
answers. Exit status: 0 success, 1 compliance failures (or a plan with problems),
2 bad input. A user's mistake is one line on stderr, never a traceback.

A clerk using `govcal date` as a calculator should not wait for the rest: only the named
command's module is imported and its parser built, and `--version` imports nothing else.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

# Each command, by the module here that registers it (and imports what it runs): in the order
# `govcal --help` lists them.
COMMANDS = {
    "plan": "plans",
    "check": "plans",
    "explain": "plans",
    "date": "plans",
    "calendar": "plans",
    "bodies": "plans",
    "rules": "rulebook",
    "terms": "rulebook",
    "meeting": "meetings",
    "extraordinary": "meetings",
    "member": "people",
    "attendance": "people",
    "webhook": "channels",
    "admin": "access",
    "feed": "access",
    "page": "access",
    "reminders": "reminders",
    "deadline": "reminders",
    "serve": "server",
    "export": "server",
    "db": "server",
}


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """The arguments of `command`, or of every command when it names none of them (for
    `--help`, and to say a mistyped command among the others)."""
    from importlib import import_module

    from govcal.cli.common import Parser

    main = Parser(prog="govcal", description="Terms of reference into a dated year: meetings, deadlines, annual items.")
    main.add_argument("--version", action="version", version=said_version())
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    groups = [COMMANDS[command]] if command in COMMANDS else dict.fromkeys(COMMANDS.values())
    for group in groups:
        import_module(f"govcal.cli.{group}").register(commands)
    return main


def said_version() -> str:
    from govcal import __version__

    return f"govcal {__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments == ["--version"]:  # answered before any command's module is imported
        print(said_version())
        return 0
    import os

    from govcal.cli.common import OK, stop_writing
    from govcal.settings import Settings
    from rules.errors import GovcalError

    named = arguments[0] if arguments and not arguments[0].startswith("-") else None  # `--help` first: all
    args = parser(named).parse_args(arguments)
    try:
        args.settings = Settings.from_environ(os.environ)  # the environment, read once; a bad value said in a line
        return int(args.run(args))
    except GovcalError as error:
        print(f"govcal: {error}", file=sys.stderr)
        return error.exit_status
    except BrokenPipeError:
        stop_writing()
        return OK


if __name__ == "__main__":
    sys.exit(main())
