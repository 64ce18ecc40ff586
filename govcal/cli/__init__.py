"""The `govcal` command: plan, check, explain, date, bodies, rules (draft, import, export), terms,
meeting, extraordinary, member, attendance, admin and feed tokens, reminders, deadline, serve, export, db.

Each command parses its arguments, calls the operations layer and presents what it
answers. Exit status: 0 success, 1 compliance failures (or a plan with problems),
2 bad input. A user's mistake is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from govcal.cli.common import BAD_INPUT, OK, stop_writing
from govcal.settings import Settings
from rules.errors import GovcalError

CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Parser(argparse.ArgumentParser):
    """argparse, with a mistake in the arguments said in one line (exit status 2), as
    every other mistake is; `--help` still shows the usage."""

    def error(self, message: str) -> NoReturn:
        shown = CONTROL.sub(lambda match: repr(match[0])[1:-1], message)  # a typed newline stays one line
        self.exit(BAD_INPUT, f"{self.prog}: {shown} (see `{self.prog} --help`)\n")


def parser() -> argparse.ArgumentParser:
    """Every command's arguments, a module per group (each imports what its commands use
    only when they run, so building this is quick)."""
    from govcal.cli import access, channels, meetings, people, plans, reminders, rulebook, server

    main = Parser(prog="govcal", description="Terms of reference into a dated year: meetings, deadlines, annual items.")
    main.add_argument("--version", action=Version)
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (plans, rulebook, meetings, people, channels, access, reminders, server):
        group.register(commands)
    return main


class Version(argparse.Action):
    """`--version` among other arguments: the version looked up only when asked, since
    importlib.metadata is slow to import and no other command needs it."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS) -> None:
        super().__init__(
            option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="show program's version number and exit"
        )

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: object, values: object, option_string: str | None = None
    ) -> NoReturn:
        print(said_version())
        parser.exit()


def said_version() -> str:
    from importlib.metadata import version

    return f"govcal {version('govcal')}"


def main(argv: Sequence[str] | None = None) -> int:
    if (sys.argv[1:] if argv is None else list(argv)) == ["--version"]:  # answered before any command is known
        print(said_version())
        return OK
    args = parser().parse_args(argv)
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
