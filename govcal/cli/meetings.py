"""Commands that change meetings: meeting move/add/cancel/fix, its papers and summons, extraordinary."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from govcal.cli.common import (
    FAILED,
    OK,
    Commands,
    console,
    context,
    date_arg,
    labelled,
    moment_arg,
    time_arg,
    with_database,
    with_rules,
)
from govcal.clock import utc_now
from rules.errors import RuleError
from rules.model import NATIONS
from scheduler.papers import LinkKind

if TYPE_CHECKING:  # imported where used, so the command line starts quickly
    from govcal.operations.meetings import EditResult


def cmd_meeting(args: argparse.Namespace) -> int:
    from govcal.operations import meetings

    result = meetings.edit_meeting(
        context(args),
        args.action,
        actor=args.by,
        now=utc_now(),
        meeting_id=getattr(args, "id", None),
        body_id=getattr(args, "body", None),
        day=getattr(args, "date", None),
        time=getattr(args, "time", None),
        force=getattr(args, "force", False),
        reason=getattr(args, "reason", None) or "",
    )
    return _report_edit(result)


def cmd_papers(args: argparse.Namespace) -> int:
    """A meeting's links: those given added, those named by --remove taken away; then listed."""
    from govcal.operations import papers

    ctx = context(args)
    add = {kind.value: getattr(args, kind.value) for kind in LinkKind}
    if any(add.values()) or args.remove:
        result = papers.set_papers(ctx, args.id, add, args.remove, actor=args.by, now=utc_now())
    else:
        result = papers.meeting_papers(ctx, args.id)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
        return OK
    print("\n".join(map(str, result.links)) if result.links else f"{result.meeting_id} has no papers linked")
    return OK


def cmd_summons(args: argparse.Namespace) -> int:
    """Send a meeting's notice to its members now (each once; the dispatcher sends it)."""
    from govcal.operations import notices

    queued = notices.send_summons(context(args), args.id, actor=args.by, now=utc_now())
    print(
        f"the notice of {args.id} goes to {queued} member{'' if queued == 1 else 's'}"
        if queued
        else f"every member of {args.id} with an address was sent its notice already"
    )
    return OK


def _said(result: EditResult) -> str:
    """The meeting as it now stands, then what followed it, a line each."""
    from scheduler.edits import cancellation_reason
    from scheduler.occurrences import Status

    meeting = result.meeting
    if meeting is None:
        return ""
    when = f"{meeting.start:%a %d %b %Y %H:%M}"
    if meeting.status == Status.EXTRAORDINARY:
        said = f"confirmed {result.meeting_id} on {when}"
    else:
        said = f"{result.meeting_id} is now {meeting.status}, {when}"
        if meeting.status == Status.CANCELLED and (why := cancellation_reason(meeting.explanation.rule)):
            said += f" ({why})"
    if not result.followed:
        return said + "; nothing else changed"
    return said + "; with it:" + "".join(f"\n  {each}" for each in result.followed)


def _report_edit(result: EditResult) -> int:
    """An edit's outcome: the rules it breaks, then done (0) or not changed and why (1)."""
    out = console()
    for finding in result.new_failures:
        out.print(labelled("breaks", "red", finding))
    for finding in result.warnings:
        out.print(labelled("warning", "yellow", f"{finding.message} (a preference, not a rule)"))
    if not result.committed:
        reason = result.notice or "the change would break the rules above"
        out.print(labelled("not changed:", "red", f"{reason}; --force accepts it knowingly"))
        return FAILED
    out.print(_said(result))
    return OK


def cmd_extraordinary(args: argparse.Namespace) -> int:
    from rich.table import Table
    from rich.text import Text

    from govcal.operations import meetings
    from govcal.operations.meetings import StandIns
    from scheduler.extraordinary import Request

    if args.confirm and args.rules:
        raise RuleError("--rules previews the days only; to confirm one, publish the rules first (govcal rules import)")
    request = Request(args.received, args.requested_by, args.seconded_by, args.chair)
    stand_ins = StandIns(args.notice, args.window_days, args.nation)
    answer = meetings.extraordinary(
        context(args, kept=bool(args.confirm)),
        args.body,
        request,
        stand_ins=stand_ins,
        confirm=args.confirm,
        force=args.force,
        actor=args.by,
        now=utc_now(),
    )
    if answer.confirmed is not None:
        return _report_edit(answer.confirmed)
    if args.json:
        print(json.dumps(answer.as_dict(), indent=2))
        return OK
    result = answer.proposals
    out = console()
    out.print(
        f"Request received {request.received:%a %d %b %Y %H:%M};"
        f" papers can go out from {result.papers_from:%a %d %b %Y}"
    )
    out.print(
        f"Notice: {answer.notice} the meeting;"
        f" window: {answer.window.n} days from receipt, to {result.window_end:%a %d %b %Y}"
    )
    table = Table(title="Possible dates, most notice first", title_justify="left")
    for column in ("date", "papers by", "notice (working days)", "meets notice", "preference"):
        table.add_column(column)
    for p in result.proposals:
        table.add_row(
            f"{p.date:%a %d %b %Y}",
            f"{p.notice_deadline:%a %d %b %Y}",
            str(p.notice_working_days),
            "yes" if p.meets_notice else "no",
            f"avoided: {p.avoided}" if p.avoided else "",
        )
    out.print(table)
    out.print(Text(result.verdict(), style="green" if result.feasible else "red"))
    return OK


def register(commands: Commands) -> None:
    meeting = commands.add_parser("meeting", help="move, add, cancel or fix a kept meeting")
    actions = meeting.add_subparsers(dest="action", required=True, metavar="ACTION")
    move = with_database(actions.add_parser("move", help="move a meeting to another date and/or time"))
    move.add_argument("id")
    move.add_argument("date", nargs="?", type=date_arg)
    move.add_argument("--time", type=time_arg)
    add = with_database(actions.add_parser("add", help="add a meeting"))
    add.add_argument("body")
    add.add_argument("date", type=date_arg)
    add.add_argument("--time", type=time_arg)
    cancel = with_database(actions.add_parser("cancel", help="cancel a meeting (kept, marked cancelled)"))
    cancel.add_argument("id")
    fix = with_database(actions.add_parser("fix", help="pin a meeting's date so re-planning never moves it"))
    fix.add_argument("id")
    for sub in (move, add, cancel):
        sub.add_argument("--force", action="store_true", help="commit even if the change breaks a rule")
    for sub in (move, add):
        sub.add_argument("--reason", metavar="TEXT", help="why, with --force: kept in the audit trail")
    cancel.add_argument(
        "--reason", metavar="TEXT", required=True, help="why it is cancelled: published to members, kept in the audit"
    )
    for sub in (move, add, cancel, fix):
        sub.set_defaults(run=cmd_meeting)
    papers = with_database(
        actions.add_parser("papers", help="link a meeting's agenda, papers, minutes or video, or remove a link")
    )
    papers.add_argument("id")
    for kind in LinkKind:
        papers.add_argument(
            f"--{kind.value}", action="append", default=[], metavar="URL", help=f"add a link to its {kind.value}"
        )
    papers.add_argument("--remove", action="append", default=[], metavar="URL", help="remove the link to URL")
    papers.add_argument("--json", action="store_true")
    papers.set_defaults(run=cmd_papers)
    summons = with_database(
        actions.add_parser("summons", help="send the meeting's notice to its members now (each is sent it once)")
    )
    summons.add_argument("id")
    summons.set_defaults(run=cmd_summons)

    extra = with_rules(
        commands.add_parser("extraordinary", help="dates for an extraordinary meeting on request (E1-E3)")
    )
    extra.add_argument("body", nargs="?", help="the body (its rules give the window and notice)")
    extra.add_argument(
        "--received",
        type=moment_arg,
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
    extra.add_argument("--confirm", type=date_arg, metavar="DATE", help="put this proposed day in the kept schedule")
    extra.add_argument("--force", action="store_true", help="with --confirm: accept a day that misses the notice rule")
    with_database(extra)
    extra.set_defaults(run=cmd_extraordinary)
