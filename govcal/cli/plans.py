"""Commands that plan and read the year: bodies, plan, check, explain, date."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from govcal.cli.common import (
    FAILED,
    OK,
    Commands,
    console,
    context,
    cycle_year,
    date_arg,
    how_many,
    labelled,
    print_findings,
    progress,
    time_arg,
    with_database,
    with_rules,
)
from govcal.clock import utc_now
from rules.errors import RuleError
from rules.model import DEFAULT_NATION, NATIONS

if TYPE_CHECKING:  # imported where used, so the command line starts quickly
    from scheduler.occurrences import BodyPlan


def cmd_bodies(args: argparse.Namespace) -> int:
    from rich.table import Table

    ctx = context(args)
    rows = [
        {
            "id": body.id,
            "name": body.name,
            "meets": "; ".join(
                part
                for part in (
                    body.meetings.frequency.phrase if body.meetings.frequency else "",
                    ", ".join(f"{r.kind} {r.body}" for r in body.meetings.relations),
                )
                if part
            ),
            "cycle_starts": dt.date(2000, body.cycle_start, 1).strftime("%B"),
            "nation": body.nation,
            "public": body.meetings.public,
            "file": body.source_file,
        }
        for body in ctx.rules
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
        return OK
    table = Table(title="Bodies", title_justify="left")
    table.add_column("id", no_wrap=True)  # ids are what other commands take: never cut
    for column in ("name", "meets", "cycle starts", "nation", "file"):
        table.add_column(column)
    for row in rows:
        name = str(row["name"]) + ("" if row["public"] else " (private)")
        file = Path(str(row["file"])).name
        table.add_row(str(row["id"]), name, str(row["meets"]), str(row["cycle_starts"]), str(row["nation"]), file)
    console().print(table)
    return OK


def cmd_plan(args: argparse.Namespace) -> int:
    from govcal.operations import database, planning
    from govcal.schedule_files import plan_csv, plan_dict
    from scheduler.workdays import LAST_YEAR

    if args.year and args.year + args.years > LAST_YEAR:
        raise RuleError(f"{args.years} cycle years from {args.year} run past {LAST_YEAR - 1}, the last govcal plans")
    if args.years > 1 and not args.year:
        raise RuleError("--years needs the first cycle year, e.g. `govcal plan 2026 --years 3`")
    if args.applies_from and not (args.save and args.rules):
        raise RuleError("--from is the day rules published with `plan --save --rules` apply from: give both")
    ctx = context(args, kept=args.save)
    years = range(args.year, args.year + args.years) if args.year else None
    quiet = args.json or args.csv
    now = utc_now()
    if args.save and args.rules:  # the files published as new versions first, then the year kept by them
        from govcal.operations import rulebook

        published = rulebook.import_rules(ctx, args.rules, args.applies_from, actor=args.by, now=now)
        for line in published.said():
            print(line, file=sys.stderr)
    bodies = len(args.body or ctx.rules.bodies)
    if args.save:  # planned from the year as it stands, and kept, in one transaction
        with (
            progress("planning bodies", bodies, quiet) as planned,
            progress("saving plans", bodies * len(years or [0]), quiet) as saved,
        ):
            kept = planning.keep_year(ctx, years, args.body, actor=args.by, now=now, planned=planned, saved=saved)
        plans, changes = kept.plans, kept.changes
        print(f"saved to {database.where(ctx)}: {changes.summary()}", file=sys.stderr)
        for conflict in changes.conflicts:
            print(f"conflict: {conflict}", file=sys.stderr)
        for left in changes.left_alone:
            print(f"left alone: {left}", file=sys.stderr)
        for added in kept.listed():
            if added.because:  # a meeting the rules asked for, which no move could give
                print(added.said(), file=sys.stderr)
        if not (args.json or args.csv or args.show):
            return FAILED if any(plan.problems for plan in plans) else OK
    else:
        with progress("planning bodies", bodies, quiet) as advance:
            plans = planning.plan(ctx, years, args.body, now=now, advance=advance)
    if args.json:
        print(json.dumps(plan_dict(plans), indent=2))
    elif args.csv:
        sys.stdout.write(plan_csv(plans))
    else:
        _print_plans(plans)
    return FAILED if any(plan.problems for plan in plans) else OK


def _print_plans(plans: Sequence[BodyPlan]) -> None:
    """Each plan as a table (its words as written: the console reads no markup)."""
    from rich.table import Table
    from rich.text import Text

    from scheduler.occurrences import Deadline, Meeting, OccurrenceId

    out = console()
    for plan in plans:
        table = Table(title=f"{plan.body.name} ({plan.body.id}), cycle {plan.label}", title_justify="left")
        table.caption = f"ids: {plan.body.id}/{plan.label}/ and the id shown; `govcal explain ID` says why"
        table.caption_justify = "left"
        table.add_column("id", no_wrap=True)
        table.add_column("date", no_wrap=True)
        table.add_column("time", no_wrap=True)
        table.add_column("what")
        table.add_column("why")
        for o in plan.occurrences():
            if isinstance(o, Meeting):
                public = "public" if o.public else "private"
                when, what, style = f"{o.start:%H:%M}", Text.assemble(("Meeting", "bold"), f" ({public})"), "bold"
            elif isinstance(o, Deadline):
                when, what, style = f"{o.due:%H:%M}", Text(o.name), ""
            else:
                when, what, style = "", Text(o.name, style="italic"), ""
            short_id = OccurrenceId.parse(o.id).in_cycle
            table.add_row(short_id, f"{o.date:%a %d %b %Y}", when, what, o.explanation.short(), style=style)
        out.print(table)
        for note in plan.notes:
            out.print(labelled("note:", "yellow", note))
        for problem in plan.problems:
            out.print(labelled("problem:", "red", problem))
        out.print()


def cmd_check(args: argparse.Namespace) -> int:
    from govcal.operations import planning

    findings = planning.check_file(context(args), Path(args.schedule))
    failed = [f for f in findings if f.ok is False]
    if args.json:
        print(json.dumps(planning.verdict(findings), indent=2))
    else:
        print_findings(findings, verbose=args.verbose)
    return FAILED if failed else OK


def cmd_explain(args: argparse.Namespace) -> int:
    from rich.text import Text

    from govcal.operations import planning

    ctx = context(args)
    # the kept date and its history where there is a database: one named, or ./govcal.db (never creates one)
    explained = planning.explain(ctx, args.id, now=utc_now(), kept=ctx.has_store())
    if args.json:
        print(json.dumps(explained.as_dict(), indent=2))
        return OK
    out = console()
    out.print(Text.assemble((explained.id, "bold"), f": {explained.kind} on {explained.date:%A %-d %B %Y}"))
    for line in explained.lines():
        out.print(f"  {line}")
    return OK


def cmd_date(args: argparse.Namespace) -> int:
    from govcal.operations.calculator import work_out

    worked = work_out(args.phrase, args.nation, args.closed, args.time)
    if args.json:
        print(json.dumps(worked.as_dict(), indent=2))
        return OK
    # plain lines, not rich's: a clerk using this as a calculator does not wait for rich to load
    anchor = f"{worked.anchor:%a %d %b %Y}"
    print(f"{worked.date:%A %-d %B %Y} at {worked.due:%H:%M %Z}: {worked.offset} {anchor} ({worked.nation})")
    for passed in worked.skipped:
        print(f"  skipped {passed}")
    return OK


def cmd_calendar(args: argparse.Namespace) -> int:
    """The calendar of meetings of a council's year, written as a PDF and/or HTML file: both made
    before either is written, so a mistake writes nothing."""
    from govcal.operations.calendar import calendar_of_meetings
    from govcal.printed import calendar_html, calendar_pdf

    if args.pdf is None and args.html is None:
        raise RuleError(
            f"give --pdf FILE or --html FILE (or both), e.g. `govcal calendar {args.year} --pdf calendar.pdf`"
        )
    if args.pdf is not None and args.pdf == args.html:
        raise RuleError(f"--pdf and --html both name {args.pdf}: give each its own file")
    ctx = context(args)
    try:
        calendar = calendar_of_meetings(ctx, args.year, args.body or (), private=args.private, now=utc_now())
    except RuleError as error:
        if error.field != "body":
            raise
        raise type(error)(error.message, field="--body") from None
    made = {path: content for path, content in ((args.html, calendar_html), (args.pdf, calendar_pdf)) if path}
    files = {path: make(calendar) for path, make in made.items()}
    for path, content in files.items():
        try:
            path.write_bytes(content.encode() if isinstance(content, str) else content)
        except OSError as error:
            raise RuleError(f"cannot write {path}: {error.strerror}") from None
        print(f"wrote {path}", file=sys.stderr)
    months = f"{calendar.months[0]:%B %Y} to {calendar.months[-1]:%B %Y}"
    print(f"{calendar.title}: {len(calendar.rows)} bodies, {months}", file=sys.stderr)
    return OK


def register(commands: Commands) -> None:
    plan = with_rules(commands.add_parser("plan", help="plan cycle years for every body"))
    plan.add_argument(
        "year",
        nargs="?",
        type=cycle_year,
        help="cycle year, by the calendar year it starts in (default: the cycle containing today)",
    )
    plan.add_argument("--years", type=how_many, default=1, help="how many cycle years from YEAR (default 1)")
    plan.add_argument("--body", action="append", metavar="ID", help="only this body (repeatable)")
    plan.add_argument(
        "--save", action="store_true", help="keep the plan in the database (idempotent; manual changes kept)"
    )
    plan.add_argument("--show", action="store_true", help="with --save: print the tables too, not just what changed")
    plan.add_argument(
        "--from",
        dest="applies_from",
        type=date_arg,
        metavar="DATE",
        help="with --save --rules: the day the rules published apply from (default: today)",
    )
    with_database(plan)
    output = plan.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON (a schedule `check` reads)")
    output.add_argument("--csv", action="store_true", help="print CSV, one row per date")
    plan.set_defaults(run=cmd_plan)

    check = with_rules(commands.add_parser("check", help="check a schedule file against the rules"))
    check.add_argument("schedule", help="schedule file (YAML or JSON; `plan --json` writes one)")
    check.add_argument("--json", action="store_true")
    check.add_argument("--verbose", "-v", action="store_true", help="show passing checks too")
    check.set_defaults(run=cmd_check)

    explain = with_rules(commands.add_parser("explain", help="why a planned date is what it is"))
    explain.add_argument("id", help="the date's id, e.g. worcestershire-jcb/2026-27/meeting-05/papers")
    explain.add_argument("--json", action="store_true")
    explain.add_argument(
        "--database", metavar="URL", help="also show the kept date and its history (default: ./govcal.db if present)"
    )
    explain.set_defaults(run=cmd_explain)

    date = commands.add_parser("date", help="working-day calculator: '5 clear working days before 2026-04-15'")
    date.add_argument("phrase", help="an offset phrase and a meeting date")
    date.add_argument("--nation", choices=sorted(NATIONS), default=DEFAULT_NATION)
    date.add_argument(
        "--closed", action="append", type=date_arg, default=[], metavar="DATE", help="a closure day (repeatable)"
    )
    date.add_argument(
        "--time", type=time_arg, default=dt.time(17, 0), help="the deadline's time of day (default 17:00)"
    )
    date.add_argument("--json", action="store_true")
    date.set_defaults(run=cmd_date)

    calendar = commands.add_parser(
        "calendar", help="the calendar of meetings of a council's year, as a PDF or HTML file"
    )
    calendar.add_argument(
        "year",
        metavar="YEAR",
        type=cycle_year,
        help="the council's year, by the calendar year it starts in: 2027 is May 2027 to April 2028"
        " (the month it starts: $GOVCAL_YEAR_START, May by default)",
    )
    calendar.add_argument("--pdf", type=Path, metavar="FILE", help="write it as a PDF, A4 landscape")
    calendar.add_argument("--html", type=Path, metavar="FILE", help="write it as a web page")
    calendar.add_argument(
        "--body", action="extend", nargs="+", metavar="ID", help="only these bodies (default: all of them)"
    )
    calendar.add_argument("--private", action="store_true", help="bodies that meet in private too")
    with_database(calendar, actor=False)
    calendar.set_defaults(run=cmd_calendar)

    bodies = with_rules(commands.add_parser("bodies", help="list the bodies in the rules"))
    bodies.add_argument("--json", action="store_true")
    bodies.set_defaults(run=cmd_bodies)
