"""What every command shares: output, progress bars, argument types and options, the context."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from govcal.settings import DEFAULT_URL, Settings
from rules.errors import BAD_INPUT as BAD_INPUT  # the exit statuses, named for the commands here
from rules.errors import FAILED as FAILED
from rules.errors import RuleError

if TYPE_CHECKING:  # rich, the operations' context and the checker are imported where used: quick start-up
    from rich.console import Console
    from rich.text import Text

    from govcal.operations import Context
    from scheduler.checker import Finding

OK = 0  # the other exit statuses are the errors' (rules.errors)
Commands = argparse._SubParsersAction  # what `add_subparsers` returns; each module adds its commands to it
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Parser(argparse.ArgumentParser):
    """argparse, with a mistake in the arguments said in one line (exit status 2), as
    every other mistake is; `--help` still shows the usage."""

    def error(self, message: str) -> NoReturn:
        shown = CONTROL.sub(lambda match: repr(match[0])[1:-1], message)  # a typed newline stays one line
        self.exit(BAD_INPUT, f"{self.prog}: {shown} (see `{self.prog} --help`)\n")


@cache
def _console_kind() -> type[Console]:
    from rich.console import Console

    class Quiet(Console):
        def on_broken_pipe(self) -> None:
            """A reader that stopped reading (`govcal plan | head`) is no error: stop, quietly."""
            raise BrokenPipeError

    return Quiet


def console() -> Console:
    """Rich output; wide and plain when piped, so scripts get whole lines. No markup and no
    emoji codes: users' words ("Board [interim]", "[/]", ":tick:") are shown as written, never
    taken for styles nor a MarkupError; a style is given as `Text` (`labelled`)."""
    return _console_kind()(width=None if sys.stdout.isatty() else 200, highlight=False, markup=False, emoji=False)


def stop_writing() -> None:
    """After a broken pipe: send what is left of stdout nowhere, so the interpreter's last
    flush cannot fail too (the Python documentation's advice)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


@contextmanager
def progress(description: str, total: int, quiet: bool = False) -> Iterator[Callable[[int], object]]:
    """A progress bar for long work, on a terminal only (on stderr, cleared when done).

    Yields `advance(n)`. Quiet when output is for a script: `quiet` (--json, --csv)
    or either stream not a terminal.
    """
    if quiet or not (sys.stdout.isatty() and sys.stderr.isatty()):
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)


def settings(args: argparse.Namespace) -> Settings:
    """The environment's settings with the command's own options in their place."""
    base: Settings = args.settings
    return base.with_options(
        database=getattr(args, "database", None),
        public_url=getattr(args, "public_url", None),
        allowed_hosts=getattr(args, "allowed_host", None) or (),
        terms=getattr(args, "terms", None) or (),
        no_seeds=getattr(args, "no_seeds", False),
    )


def context(args: argparse.Namespace, *, kept: bool = False) -> Context:
    """The rules the command names and its database. A command that writes nothing takes
    `--rules` (a preview; without it, the database's rules where there is a database, else
    the built-in bodies); one that changes the kept year (or `kept`) reads the database's."""
    from govcal.clock import utc_now
    from govcal.operations import Context

    paths = None if kept else getattr(args, "rules", None)
    return Context.load(settings(args), paths or None, now=utc_now())


# -- argument types ------------------------------------------------------------------


def cycle_year(value: str) -> int:
    """A cycle year govcal plans, by the calendar year it starts in (as the operations check it)."""
    from govcal.operations import fields

    try:
        return fields.cycle_year(value)
    except RuleError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def how_many(value: str) -> int:
    """A count of one or more."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"'{value}': give 1 or more")
    return int(value)


def date_arg(value: str) -> dt.date:
    """A date as people write it: 2026-12-29, 29 Dec 2026, 29/12/2026."""
    from rules.dates import parse_date

    try:
        return parse_date(value)
    except RuleError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def time_arg(value: str) -> dt.time:
    from rules.phrases import parse_time

    try:
        return parse_time(value)
    except RuleError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def moment_arg(value: str) -> dt.datetime:
    """A date and time, in Europe/London unless it says otherwise: '2026-03-03 10:15',
    '3 Mar 2026 10:15', '03/03/2026 10:15' (a date alone is its first minute)."""
    from rules.dates import parse_instant

    try:
        return parse_instant(value)
    except RuleError as error:
        raise argparse.ArgumentTypeError(error.message) from None


# -- options -----------------------------------------------------------------------


def with_database(sub: argparse.ArgumentParser, *, actor: bool = True) -> argparse.ArgumentParser:
    """--database, and --by (who is making the change) where the command changes something."""
    sub.add_argument(
        "--database", metavar="URL", help=f"database URL (default: $GOVCAL_DATABASE_URL, else {DEFAULT_URL})"
    )
    sub.add_argument(
        "--no-seeds",
        action="store_true",
        help="an empty database is not given the built-in seed bodies (also $GOVCAL_NO_SEEDS=1)",
    )
    if actor:
        sub.add_argument(
            "--by", default=getpass.getuser(), metavar="NAME", help="who is making the change, for the audit trail"
        )
    return sub


def with_rules(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """--rules and --terms: files read for a preview (the database is left alone)."""
    sub.add_argument(
        "--rules",
        action="append",
        type=Path,
        metavar="PATH",
        help="rule file or directory, read instead of the database's rules and nothing kept"
        " (repeatable; default: the database's rules, or the built-in seed bodies where there is no database)",
    )
    sub.add_argument(
        "--terms",
        action="append",
        type=Path,
        metavar="PATH",
        help="directory of term calendars (NAME.yaml or NAME.ics), searched before the built-in ones"
        " (repeatable; default: $GOVCAL_TERMS)",
    )
    return sub


# -- shared output -------------------------------------------------------------------


def labelled(label: str, style: str, said: object) -> Text:
    """A line of `label` in `style`, then what is said as written: "note: ...", "breaks ..."."""
    from rich.text import Text

    return Text.assemble((label, style), f" {said}")


def print_findings(findings: Sequence[Finding], verbose: bool) -> None:
    """Findings grouped by body and cycle, with a verdict each; passing checks on request."""
    from rich.text import Text

    out = console()
    by_body: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        by_body.setdefault((finding.body, finding.cycle), []).append(finding)
    for (body, cycle), own in by_body.items():
        failed = sum(f.ok is False for f in own)
        unknown = sum(f.ok is None for f in own)
        warned = sum(f.warning for f in own)
        verdict = (
            ("does not comply", "red")
            if failed
            else ("cannot be fully checked", "yellow")
            if unknown
            else ("complies", "green")
        )
        warnings = f", {warned} warning{'s' if warned != 1 else ''} (preferences, not rules)" if warned else ""
        counts = f" ({len(own)} checks, {failed} failed{warnings})"
        out.print(Text.assemble((body, "bold"), f" {cycle}: ", verdict, counts))
        for finding in own:
            if finding.ok is not True or finding.warning or verbose:
                colour = "yellow" if finding.warning else {True: "green", False: "red", None: "yellow"}[finding.ok]
                out.print(Text.assemble("  ", (str(finding), colour)))
