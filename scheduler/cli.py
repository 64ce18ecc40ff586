"""The `govcal` command: plan, check, explain, date, extraordinary, meeting, member,
attendance, db, admin, serve, bodies.

Exit status: 0 success, 1 compliance failures (or a plan with problems), 2 bad
input. A user's mistake is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import logging
import os
import socket
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.engine import make_url

from rules.errors import RuleError
from rules.loader import RuleSet, load_rules
from rules.model import Closure
from rules.offsets import Count, parse_offset, split_anchor
from rules.phrases import parse_time
from scheduler.attendance import Presence, quorum, to_follow_up
from scheduler.checker import Checker, Finding
from scheduler.edits import EditResult, confirm_extraordinary, edit_meeting
from scheduler.extraordinary import Proposals, Request, propose, validate
from scheduler.occurrences import BodyPlan, Deadline, Item, Meeting
from scheduler.planner import Planner
from scheduler.reminders import Smtp, dispatch_due
from scheduler.schedule import plan_csv, plan_dict, read_schedule
from scheduler.store import DEFAULT_URL, ROLES, ReminderRow, Store, database_url, open_store, stored_instant, upgrade
from scheduler.workdays import DEFAULT_NATION, LONDON, NATIONS, at_time, working_calendar

OK, FAILED, BAD_INPUT = 0, 1, 2


def _console() -> Console:
    """Rich output; wide and plain when piped, so scripts get whole lines."""
    return Console(width=None if sys.stdout.isatty() else 200, highlight=False)


@contextmanager
def _progress(description: str, total: int, quiet: bool = False) -> Iterator[Callable[[int], object]]:
    """A progress bar for long work, on a terminal only (on stderr, cleared when done).

    Yields `advance(n)`. Quiet when output is for a script: `quiet` (--json, --csv)
    or either stream not a terminal.
    """
    if quiet or not (sys.stdout.isatty() and sys.stderr.isatty()):
        yield lambda n: None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n: progress.advance(task, n)


def _rules(args: argparse.Namespace) -> RuleSet:
    return load_rules(args.rules or None)


def _date_arg(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date; write it like 2026-12-29") from None


# -- plan ----------------------------------------------------------------------------


def cmd_plan(args: argparse.Namespace) -> int:
    rules = _rules(args)
    planner = Planner(rules)
    years = range(args.year, args.year + args.years) if args.year else None
    quiet = args.json or args.csv
    with _progress("planning bodies", len(args.body or rules.bodies), quiet) as advance:
        plans = planner.plan(years, args.body or None, advance)
    if args.save:
        store = open_store(args.database)
        with _progress("saving plans", len(plans), quiet) as advance:
            changes = store.save_plan(plans, actor=args.by, advance=advance)
        print(f"saved to {_redacted(database_url(args.database))}: {changes.summary()}", file=sys.stderr)
        for conflict in changes.conflicts:
            print(f"conflict: {conflict}", file=sys.stderr)
    if args.json:
        print(json.dumps(plan_dict(plans), indent=2))
    elif args.csv:
        sys.stdout.write(plan_csv(plans))
    else:
        _print_plans(plans)
    return FAILED if any(plan.problems for plan in plans) else OK


def _print_plans(plans: Sequence[BodyPlan]) -> None:
    console = _console()
    for plan in plans:
        table = Table(
            title=f"{plan.body.name} ({plan.body.id}), cycle {plan.label}", title_justify="left", expand=False
        )
        table.add_column("date", no_wrap=True)
        table.add_column("time", no_wrap=True)
        table.add_column("what")
        table.add_column("why")
        for o in plan.occurrences():
            if isinstance(o, Meeting):
                when, what, style = (
                    f"{o.start:%H:%M}",
                    f"[bold]Meeting[/bold] ({'public' if o.public else 'private'})",
                    "bold",
                )
            elif isinstance(o, Deadline):
                when, what, style = f"{o.due:%H:%M}", o.name, ""
            else:
                when, what, style = "", f"[italic]{o.name}[/italic]", ""
            table.add_row(f"{o.date:%a %d %b %Y}", when, what, o.explanation.short(), style=style)
        console.print(table)
        for note in plan.notes:
            console.print(f"[yellow]note:[/yellow] {note}")
        for problem in plan.problems:
            console.print(f"[red]problem:[/red] {problem}")
        console.print()


def _redacted(url: str) -> str:
    """A database URL fit to print: any password replaced."""
    return make_url(url).render_as_string(hide_password=True)


# -- db and meeting edits ---------------------------------------------------------


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    url = database_url(args.database)
    upgrade(url)
    print(f"{_redacted(url)} is at the newest schema")
    return OK


def cmd_meeting(args: argparse.Namespace) -> int:
    planner = Planner(_rules(args))
    store = open_store(args.database)
    result = edit_meeting(
        store,
        planner,
        args.action,
        actor=args.by,
        meeting_id=getattr(args, "id", None),
        body_id=getattr(args, "body", None),
        day=getattr(args, "date", None),
        time=getattr(args, "time", None),
        force=getattr(args, "force", False),
    )
    return _report_edit(result, f"{args.action} {result.meeting_id}: done")


def _report_edit(result: EditResult, done: str) -> int:
    """An edit's outcome: the rules it breaks, then done (0) or not changed and why (1)."""
    console = _console()
    for finding in result.new_failures:
        console.print(f"[red]breaks[/red] {finding}")
    if not result.committed:
        reason = result.notice or "the change would break the rules above"
        console.print(f"[red]not changed:[/red] {reason}; --force accepts it knowingly")
        return FAILED
    console.print(f"{done}; deadlines and items: {result.changes.summary()}")
    return OK


def cmd_token(args: argparse.Namespace) -> int:
    store = open_store(args.database)
    kind = "admin" if args.command == "admin" else "feed"
    if args.token_action == "revoke":
        revoked = store.revoke_tokens(kind, args.name)
        print(f"revoked {revoked} {kind} token(s) of {args.name}")
        return OK if revoked else FAILED
    create = store.create_token if args.token_action == "create" else store.rotate_token
    print(create(kind, args.name))
    print(f"{kind} token for {args.name}: shown once, stored only as a digest", file=sys.stderr)
    return OK


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn  # the server is needed only here

    from scheduler.api import create_app
    from scheduler.web import RedactTokens, feed_server

    rules = _rules(args)
    store = open_store(args.database)
    if not store.meetings():  # a fresh database: plan the current cycle so there is a year to see
        changes = store.save_plan(Planner(rules).plan(), actor="govcal serve")
        print(
            f"planned {len(rules)} bodies into {_redacted(database_url(args.database))}: {changes.summary()}",
            file=sys.stderr,
        )
    app = create_app(rules, store)
    server = feed_server(app, rules, store, args.public_url, check_every=1.0)  # changes show within a second
    clock = start_reminder_clock(store)
    logging.getLogger("uvicorn.access").addFilter(RedactTokens())
    print(f"feeds: http://{args.host}:{args.port}/feeds/all.ics and /feeds/bodies/<id>.ics", file=sys.stderr)
    try:
        uvicorn.run(server, host=args.host, port=args.port, log_level="info", access_log=not args.no_access_log)
    finally:
        if clock is not None:
            clock.shutdown(wait=False)
    return OK


def start_reminder_clock(store: Store, every: dt.timedelta = dt.timedelta(minutes=1)) -> object | None:
    """APScheduler as the clock only: one interval job, fixed id, that calls dispatch_due(now).

    coalesce, max_instances=1 and misfire_grace_time=None: a late tick runs once,
    never twice and never not at all. Without GOVCAL_SMTP_URL there is nothing to send with.
    """
    if not os.environ.get("GOVCAL_SMTP_URL"):
        print("reminders: not sending (set GOVCAL_SMTP_URL to send them)", file=sys.stderr)
        return None
    from apscheduler.schedulers.background import BackgroundScheduler

    smtp = _smtp()
    worker = f"serve-{socket.gethostname()}-{os.getpid()}"
    clock = BackgroundScheduler(timezone="UTC")
    clock.add_job(
        lambda: dispatch_due(store, dt.datetime.now(dt.UTC), smtp, worker),
        "interval",
        seconds=every.total_seconds(),
        id="govcal-dispatch-reminders",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,
        next_run_time=dt.datetime.now(dt.UTC),
    )
    clock.start()
    print(f"reminders: dispatching every {every.total_seconds():.0f} s as {worker}", file=sys.stderr)
    return clock


def cmd_export(args: argparse.Namespace) -> int:
    from scheduler.web import export  # FastAPI is needed only by the commands that serve or export

    rules = _rules(args)
    store = open_store(args.database)
    feeds = 1 + sum(body.meetings.public for body in rules)  # all.ics and each public body's
    with _progress("exporting feeds", feeds) as advance:
        written = export(store, rules, Path(args.folder), dt.datetime.now(dt.UTC), args.public_url, advance)
    print(f"wrote {len(written)} feeds to {args.folder} ({sum(p.stat().st_size for p in written):,} bytes)")
    return OK


def cmd_member_add(args: argparse.Namespace) -> int:
    rules = _rules(args)
    if args.body not in rules.bodies:
        raise RuleError(f"unknown body '{args.body}'; known bodies: {', '.join(rules.bodies)}")
    open_store(args.database).add_member(
        rules[args.body], args.name, args.role, args.organisation, args.email, actor=args.by
    )
    print(f"{args.name}: {args.role} of {args.body}")
    return OK


def _presence(value: str) -> Presence:
    """'Name' for a member present, 'Substitute=Member' for a named substitute."""
    name, _, for_member = value.partition("=")
    if not name.strip() or (_ and not for_member.strip()):
        raise argparse.ArgumentTypeError(f"'{value}': write a name, or 'Substitute=Member'")
    return Presence(name.strip(), for_member.strip() or None)


def cmd_attendance(args: argparse.Namespace) -> int:
    rules = _rules(args)
    store = open_store(args.database)
    console = _console()
    if args.attendance_action == "record":
        store.record_attendance(args.meeting, args.present, actor=args.by)
        console.print(f"recorded {len(args.present)} present at {args.meeting}")
    if args.attendance_action in ("record", "quorum"):
        meeting = store.meeting(args.meeting)
        if meeting is None:
            raise RuleError(f"no meeting '{args.meeting}' in the store")
        body = rules[meeting.body_id]
        if body.quorum is None:
            console.print(f"{body.name}'s terms of reference set no quorum")
            return OK
        result = quorum(body.quorum, store.members(body.id), store.attendance(args.meeting))
        verdict = "[green]quorate[/green]" if result.quorate else "[red]not quorate[/red]"
        console.print(f"{args.meeting}: {verdict} ({result.counted} counted)")
        for reason in result.reasons:
            console.print(f"  [red]{reason}[/red]")
        return OK if result.quorate else FAILED
    body = rules[args.body] if args.body in rules.bodies else None
    if body is None:
        raise RuleError(f"unknown body '{args.body}'; known bodies: {', '.join(rules.bodies)}")
    lines = store.attendance_record(body.id, args.until or dt.date.today(), args.cycle)
    table = Table(title=f"Attendance at {body.name}" + (f", {args.cycle}" if args.cycle else ""), title_justify="left")
    for column in ("member", "held", "attended", "by substitute", "absent"):
        table.add_column(column)
    for line in lines:
        table.add_row(line.member, str(line.held), str(line.attended), str(line.substituted), str(line.absent))
    console.print(table)
    follow_ups = to_follow_up(body.attendance, lines) if body.attendance else []
    for follow_up in follow_ups:
        console.print(f"[yellow]follow up:[/yellow] {follow_up}")
    return OK


def _smtp() -> Smtp:
    url = os.environ.get("GOVCAL_SMTP_URL")
    if not url:
        raise RuleError("set GOVCAL_SMTP_URL, e.g. smtp://127.0.0.1:25 or smtps://user:pass@host:465")
    return Smtp.from_url(url)


def cmd_reminders(args: argparse.Namespace) -> int:
    store = open_store(args.database)
    if args.reminders_action == "send":
        now = args.now or dt.datetime.now(dt.UTC)
        result = dispatch_due(store, now, _smtp(), f"cli-{os.getpid()}")
        print(
            f"sent {result.sent} ({result.late} late), {result.retrying} to retry,"
            f" {result.superseded} superseded by overdue notices, {result.done} done"
        )
        return OK if not result.retrying else FAILED
    rows = store.reminder_rows()

    def state(row: ReminderRow) -> str:
        if row.status == "pending" and row.attempts:
            return "failed"  # retrying with back-off, never dropped
        return "late" if row.status == "sent" and row.late else row.status

    if args.json:
        print(
            json.dumps(
                [
                    {
                        "key": r.key,
                        "deadline": r.deadline_id,
                        "kind": r.kind,
                        "due": stored_instant(r.due_at).isoformat(),
                        "state": state(r),
                        "attempts": r.attempts,
                        "last_error": r.last_error or None,
                        "sent": stored_instant(r.sent_at).isoformat() if r.sent_at else None,
                    }
                    for r in rows
                ],
                indent=2,
            )
        )
        return OK
    counts: dict[str, int] = {}
    for row in rows:
        counts[state(row)] = counts.get(state(row), 0) + 1
    console = _console()
    console.print(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no reminders")
    table = Table(title="Failed (retrying) and due next", title_justify="left")
    for column in ("due", "state", "kind", "deadline", "last error"):
        table.add_column(column)
    shown = [r for r in rows if state(r) == "failed"] + [r for r in rows if r.status == "pending" and not r.attempts][
        :20
    ]
    for r in shown:
        table.add_row(
            f"{stored_instant(r.due_at):%a %d %b %Y %H:%M}", state(r), r.kind, r.deadline_id, r.last_error or ""
        )
    console.print(table)
    return OK


def cmd_deadline_done(args: argparse.Namespace) -> int:
    open_store(args.database).mark_done(args.id, dt.datetime.now(dt.UTC), actor=args.by)
    print(f"{args.id}: done; its later reminders will not be sent")
    return OK


# -- check ---------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    rules = _rules(args)
    schedule = read_schedule(Path(args.schedule), rules)
    findings = Checker(Planner(rules)).check(schedule.meetings, schedule.years)
    failed = [f for f in findings if f.ok is False]
    if args.json:
        print(json.dumps({"complies": not failed, "findings": [_finding_dict(f) for f in findings]}, indent=2))
    else:
        _print_findings(findings, verbose=args.verbose)
    return FAILED if failed else OK


def _finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "body": finding.body,
        "cycle": finding.cycle,
        "rule": finding.rule,
        "ref": finding.cite.ref,
        "clause": finding.cite.clause,
        "ok": finding.ok,
        "message": finding.message,
    }


def _print_findings(findings: Sequence[Finding], verbose: bool) -> None:
    console = _console()
    by_body: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        by_body.setdefault((finding.body, finding.cycle), []).append(finding)
    for (body, cycle), own in by_body.items():
        failed = sum(f.ok is False for f in own)
        unknown = sum(f.ok is None for f in own)
        verdict = (
            "[red]does not comply[/red]"
            if failed
            else "[yellow]cannot be fully checked[/yellow]"
            if unknown
            else "[green]complies[/green]"
        )
        console.print(f"[bold]{body}[/bold] {cycle}: {verdict} ({len(own)} checks, {failed} failed)")
        for finding in own:
            if finding.ok is not True or verbose:
                colour = {True: "green", False: "red", None: "yellow"}[finding.ok]
                console.print(f"  [{colour}]{finding}[/{colour}]")


# -- explain ---------------------------------------------------------------------------


def cmd_explain(args: argparse.Namespace) -> int:
    rules = _rules(args)
    parts = args.id.split("/")
    if len(parts) < 3 or parts[0] not in rules.bodies or not parts[1][:4].isdigit():
        raise RuleError(
            f"'{args.id}' is not a date's id; ids look like 'worcestershire-jcb/2026-27/meeting-05'"
            " (see `govcal plan --json`)"
        )
    plan = Planner(rules).body_plan(parts[0], int(parts[1][:4]))
    found = {o.id: o for o in plan.occurrences()}
    kept = _kept(args, args.id)
    if args.id not in found and kept is None:
        examples = ", ".join(list(found)[:3])
        raise RuleError(f"no date with id '{args.id}' in {parts[0]}/{plan.label}/; ids there include {examples}")
    occurrence = found.get(args.id)
    lines = occurrence.explanation.lines() if occurrence else [f"rule: {kept['explanation']}"]
    if kept is not None and (kept["manual"] or occurrence is None or kept["date"] != occurrence.date):
        lines += [f"kept: {kept['status']} on {kept['date']:%a %d %b %Y} (version {kept['sequence']})"]
        lines += [f"history: {entry}" for entry in kept["history"]]
    day = kept["date"] if kept is not None else occurrence.date
    if args.json:
        print(json.dumps({"id": args.id, "date": day.isoformat(), "explanation": lines}, indent=2))
        return OK
    console = _console()
    what = {Meeting: "meeting", Deadline: "deadline", Item: "item"}.get(type(occurrence), "meeting")
    console.print(f"[bold]{args.id}[/bold]: {what} on {day:%A %d %B %Y}")
    for line in lines:
        console.print(f"  {line}")
    return OK


def _kept(args: argparse.Namespace, occurrence_id: str) -> dict[str, Any] | None:
    """The occurrence as kept in the database, if there is a database (never creates one)."""
    url = database_url(args.database)
    if not (args.database or os.environ.get("GOVCAL_DATABASE_URL") or Path("govcal.db").exists()):
        return None
    return open_store(url).kept(occurrence_id)


# -- date ---------------------------------------------------------------------------


def cmd_date(args: argparse.Namespace) -> int:
    phrase, anchor_text = split_anchor(args.phrase)
    offset = parse_offset(phrase)
    if offset.count in (Count.MEETING_START, Count.NEXT_MEETING):
        raise RuleError(f"'{phrase}' needs a planned meeting; use `govcal plan` for it")
    try:
        anchor = dt.date.fromisoformat(anchor_text)
    except ValueError:
        raise RuleError(f"'{anchor_text}' is not a date on the calendar") from None
    closures = tuple(Closure("closed (--closed)", start=day, end=day) for day in sorted(set(args.closed)))
    calendar = working_calendar(args.nation, closures)
    reason = calendar.reason(anchor)
    if reason:
        raise RuleError(
            f"{anchor:%a %d %b %Y} is not a working day ({reason}) in {args.nation}: a meeting cannot be held then"
        )
    day = calendar.shift(anchor, offset)
    due = at_time(day, args.time)
    skipped = calendar.skipped(anchor, day, offset)
    if args.json:
        result = {
            "date": day.isoformat(),
            "datetime": due.isoformat(),
            "anchor": anchor.isoformat(),
            "offset": str(offset),
            "nation": args.nation,
            "skipped": [{"date": d.date.isoformat(), "reason": d.reason} for d in skipped],
        }
        print(json.dumps(result, indent=2))
        return OK
    console = _console()
    console.print(f"[bold]{day:%A %d %B %Y}[/bold] at {due:%H:%M %Z}: {offset} {anchor:%a %d %b %Y} ({args.nation})")
    for passed in skipped:
        console.print(f"  skipped {passed}")
    return OK


# -- extraordinary -----------------------------------------------------------------


def _received_arg(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{value}' is not a date and time; write it like '2026-03-03 10:15'"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


def cmd_extraordinary(args: argparse.Namespace) -> int:
    rule = None
    nation, closures = args.nation or DEFAULT_NATION, ()
    notice, window = (
        parse_offset(args.notice or "5 clear working days before"),
        parse_offset(f"within {args.window_days or 14} days"),
    )
    if args.body:
        rules = _rules(args)
        if args.body not in rules.bodies:
            raise RuleError(f"unknown body '{args.body}'; known bodies: {', '.join(rules.bodies)}")
        body = rules[args.body]
        rule = body.extraordinary
        if rule is None and not args.notice:
            raise RuleError(
                f"{body.name} has no extraordinary-meeting rule; give --notice (and --window-days) to stand in for one"
            )
        nation, closures = args.nation or body.nation, body.closures
        if rule is not None:
            deadline = next(d for d in body.deadlines if d.id == rule.notice)
            notice = parse_offset(args.notice) if args.notice else deadline.offset
            window = parse_offset(f"within {args.window_days} days") if args.window_days else rule.window
    if notice.count not in (Count.WORKING, Count.CLEAR, Count.DAYS) or notice.n > 0:
        raise RuleError(f"'{notice}' is not a notice period before a meeting, e.g. '5 clear working days before'")
    request = Request(args.received, args.requested_by, args.seconded_by, args.chair)
    validate(request, rule)
    result = propose(request, notice, window, working_calendar(nation, closures))
    if args.confirm:
        return _confirm_extraordinary(args, result, request)
    if args.json:
        print(json.dumps(result.as_dict(notice, request), indent=2))
        return OK
    console = _console()
    console.print(
        f"Request received {request.received:%a %d %b %Y %H:%M};"
        f" papers can go out from {result.papers_from:%a %d %b %Y}"
    )
    console.print(
        f"Notice: {notice} the meeting; window: {window.n} days from receipt, to {result.window_end:%a %d %b %Y}"
    )
    table = Table(title="Possible dates, most notice first", title_justify="left")
    for column in ("date", "papers by", "notice (working days)", "meets notice"):
        table.add_column(column)
    for p in result.proposals:
        table.add_row(
            f"{p.date:%a %d %b %Y}",
            f"{p.notice_deadline:%a %d %b %Y}",
            str(p.notice_working_days),
            "yes" if p.meets_notice else "no",
        )
    console.print(table)
    console.print(("[green]" if result.feasible else "[red]") + result.verdict())
    return OK


def _confirm_extraordinary(args: argparse.Namespace, result: Proposals, request: Request) -> int:
    """Put the chosen day in the kept schedule, with its deadlines."""
    if not args.body:
        raise RuleError("--confirm needs the body the meeting is for")
    store, planner = open_store(args.database), Planner(_rules(args))
    edit = confirm_extraordinary(
        store, planner, args.body, request, result, args.confirm, actor=args.by, force=args.force
    )
    return _report_edit(edit, f"confirmed {edit.meeting_id} on {args.confirm:%a %d %b %Y}")


# -- bodies --------------------------------------------------------------------------


def cmd_bodies(args: argparse.Namespace) -> int:
    rules = _rules(args)
    table = Table(title="Bodies", title_justify="left")
    for column in ("id", "name", "meets", "cycle starts", "nation", "file"):
        table.add_column(column)
    for body in rules:
        meets = body.meetings.frequency.phrase if body.meetings.frequency else ""
        related = ", ".join(f"{r.kind} {r.body}" for r in body.meetings.relations)
        meets = "; ".join(part for part in (meets, related) if part)
        table.add_row(
            body.id,
            body.name,
            meets,
            dt.date(2000, body.cycle_start, 1).strftime("%B"),
            body.nation,
            Path(body.source_file).name,
        )
    _console().print(table)
    return OK


# -- the parser --------------------------------------------------------------------


def _time_arg(value: str) -> dt.time:
    try:
        return parse_time(value)
    except RuleError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="govcal", description="Terms of reference into a dated year: meetings, deadlines, annual items."
    )
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_database(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sub.add_argument(
            "--database", metavar="URL", help=f"database URL (default: $GOVCAL_DATABASE_URL, else {DEFAULT_URL})"
        )
        sub.add_argument(
            "--by", default=getpass.getuser(), metavar="NAME", help="who is making the change, for the audit trail"
        )
        return sub

    def with_rules(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sub.add_argument(
            "--rules",
            action="append",
            type=Path,
            metavar="PATH",
            help="rule file or directory (repeatable; default: the built-in seed bodies)",
        )
        return sub

    plan = with_rules(commands.add_parser("plan", help="plan cycle years for every body"))
    plan.add_argument(
        "year",
        nargs="?",
        type=int,
        help="cycle year, by the calendar year it starts in (default: the cycle containing today)",
    )
    plan.add_argument("--years", type=int, default=1, help="how many cycle years from YEAR (default 1)")
    plan.add_argument("--body", action="append", metavar="ID", help="only this body (repeatable)")
    plan.add_argument(
        "--save", action="store_true", help="keep the plan in the database (idempotent; manual changes kept)"
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
        "--closed", action="append", type=_date_arg, default=[], metavar="DATE", help="a closure day (repeatable)"
    )
    date.add_argument(
        "--time", type=_time_arg, default=dt.time(17, 0), help="the deadline's time of day (default 17:00)"
    )
    date.add_argument("--json", action="store_true")
    date.set_defaults(run=cmd_date)

    extra = with_rules(
        commands.add_parser("extraordinary", help="dates for an extraordinary meeting on request (E1-E3)")
    )
    extra.add_argument("body", nargs="?", help="the body (its rules give the window and notice)")
    extra.add_argument(
        "--received",
        type=_received_arg,
        required=True,
        metavar="WHEN",
        help="when the Chair received the request, e.g. '2026-03-03 10:15' (Europe/London)",
    )
    who = extra.add_mutually_exclusive_group()
    who.add_argument("--chair", action="store_true", help="the Chair calls the meeting (no seconder needed)")
    who.add_argument("--requested-by", metavar="MEMBER", help="the member who asked")
    extra.add_argument("--seconded-by", metavar="MEMBER", help="the member who agreed in writing")
    extra.add_argument("--nation", choices=sorted(NATIONS), help="stand in for the body's nation")
    extra.add_argument("--window-days", type=int, metavar="N", help="stand in for the window (default 14 days)")
    extra.add_argument(
        "--notice",
        metavar="PHRASE",
        help="stand in for the notice rule (default: the body's, else '5 clear working days before')",
    )
    extra.add_argument("--json", action="store_true")
    extra.add_argument("--confirm", type=_date_arg, metavar="DATE", help="put this proposed day in the kept schedule")
    extra.add_argument("--force", action="store_true", help="with --confirm: accept a day that misses the notice rule")
    with_database(extra)
    extra.set_defaults(run=cmd_extraordinary)

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    db_upgrade = db_commands.add_parser("upgrade", help="create or migrate the database to the newest schema")
    db_upgrade.add_argument(
        "--database", metavar="URL", help=f"database URL (default: $GOVCAL_DATABASE_URL, else {DEFAULT_URL})"
    )
    db_upgrade.set_defaults(run=cmd_db_upgrade)

    meeting = commands.add_parser("meeting", help="move, add, cancel or fix a kept meeting")
    actions = meeting.add_subparsers(dest="action", required=True, metavar="ACTION")
    move = with_database(with_rules(actions.add_parser("move", help="move a meeting to another date and/or time")))
    move.add_argument("id")
    move.add_argument("date", nargs="?", type=_date_arg)
    move.add_argument("--time", type=_time_arg)
    add = with_database(with_rules(actions.add_parser("add", help="add a meeting")))
    add.add_argument("body")
    add.add_argument("date", type=_date_arg)
    add.add_argument("--time", type=_time_arg)
    cancel = with_database(with_rules(actions.add_parser("cancel", help="cancel a meeting (kept, marked cancelled)")))
    cancel.add_argument("id")
    fix = with_database(
        with_rules(actions.add_parser("fix", help="pin a meeting's date so re-planning never moves it"))
    )
    fix.add_argument("id")
    for sub in (move, add, cancel):
        sub.add_argument("--force", action="store_true", help="commit even if the change breaks a rule")
    for sub in (move, add, cancel, fix):
        sub.set_defaults(run=cmd_meeting)

    for name, whose in (("admin", "an admin's API token"), ("feed", "a member's private feed token")):
        holder = commands.add_parser(name, help=f"{whose}s")
        holder_commands = holder.add_subparsers(dest="holder_command", required=True, metavar="COMMAND")
        token = holder_commands.add_parser("token", help=f"create, rotate or revoke {whose}")
        token.add_argument("token_action", choices=("create", "rotate", "revoke"))
        token.add_argument(
            "name", help="the admin's name (in the audit trail)" if name == "admin" else "the member's name"
        )
        token.add_argument(
            "--database", metavar="URL", help=f"database URL (default: $GOVCAL_DATABASE_URL, else {DEFAULT_URL})"
        )
        token.set_defaults(run=cmd_token)

    serve = with_rules(
        commands.add_parser("serve", help="serve the admin API (plans the bodies into a fresh database first)")
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--database", metavar="URL", help=f"database URL (default: $GOVCAL_DATABASE_URL, else {DEFAULT_URL})"
    )
    serve.add_argument(
        "--public-url", metavar="URL", help="https:// address the service is reached at, for links in feeds"
    )
    serve.add_argument(
        "--no-access-log", action="store_true", help="do not log each request (e.g. behind a proxy that logs)"
    )
    serve.set_defaults(run=cmd_serve)

    export_ = with_rules(commands.add_parser("export", help="write the public feeds as static .ics files"))
    export_.add_argument("folder")
    export_.add_argument(
        "--database", metavar="URL", help=f"database URL (default: $GOVCAL_DATABASE_URL, else {DEFAULT_URL})"
    )
    export_.add_argument("--public-url", metavar="URL", help="https:// address of the planner page, for links in feeds")
    export_.set_defaults(run=cmd_export)

    member = commands.add_parser("member", help="the people on a body")
    member_commands = member.add_subparsers(dest="member_command", required=True, metavar="COMMAND")
    member_add = with_database(with_rules(member_commands.add_parser("add", help="give someone a role on a body")))
    member_add.add_argument("body")
    member_add.add_argument("name")
    member_add.add_argument("--role", default="member", choices=ROLES)
    member_add.add_argument("--organisation", default="", help="the partner organisation they represent")
    member_add.add_argument("--email", default="")
    member_add.set_defaults(run=cmd_member_add)

    attendance = commands.add_parser("attendance", help="who came: record it, check quorum, report the year")
    attendance_commands = attendance.add_subparsers(dest="attendance_action", required=True, metavar="COMMAND")
    attendance_record = with_database(
        with_rules(attendance_commands.add_parser("record", help="record who was at a meeting"))
    )
    attendance_record.add_argument("meeting")
    attendance_record.add_argument("present", nargs="+", type=_presence, help="'Name', or 'Substitute=Member'")
    attendance_quorum = with_database(
        with_rules(attendance_commands.add_parser("quorum", help="was a meeting quorate?"))
    )
    attendance_quorum.add_argument("meeting")
    attendance_report = with_database(
        with_rules(
            attendance_commands.add_parser("report", help="the attendance record (A11) and absences to follow up (A7)")
        )
    )
    attendance_report.add_argument("body")
    attendance_report.add_argument("--cycle", help="only this cycle, e.g. 2026-27")
    attendance_report.add_argument("--until", type=_date_arg, metavar="DATE", help="up to this day (default: today)")
    for sub in (attendance_record, attendance_quorum, attendance_report):
        sub.set_defaults(run=cmd_attendance)

    reminders = commands.add_parser("reminders", help="the reminder outbox: what is pending, sent, late, failed")
    reminders.add_argument("reminders_action", nargs="?", choices=("list", "send"), default="list")
    reminders.add_argument(
        "--now", type=_received_arg, metavar="ISO-DATETIME", help="with send: dispatch what is due at this moment"
    )
    reminders.add_argument("--json", action="store_true")
    reminders.add_argument(
        "--database", metavar="URL", help=f"database URL (default: $GOVCAL_DATABASE_URL, else {DEFAULT_URL})"
    )
    reminders.set_defaults(run=cmd_reminders)

    deadline = commands.add_parser("deadline", help="mark a deadline done")
    deadline_commands = deadline.add_subparsers(dest="deadline_command", required=True, metavar="COMMAND")
    done = with_database(deadline_commands.add_parser("done", help="mark it done so its later reminders stop"))
    done.add_argument("id", help="e.g. worcestershire-jcb/2026-27/meeting-05/papers")
    done.set_defaults(run=cmd_deadline_done)

    bodies = with_rules(commands.add_parser("bodies", help="list the bodies in the rules"))
    bodies.set_defaults(run=cmd_bodies)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except RuleError as error:
        print(f"govcal: {error}", file=sys.stderr)
        return BAD_INPUT
    except BrokenPipeError:
        return OK


if __name__ == "__main__":
    sys.exit(main())
