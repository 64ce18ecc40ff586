"""Commands about people: member add/remove/list/digest, attendance record/quorum/report,
apologies/substitute/forecast."""

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
    how_many,
    labelled,
    with_database,
)
from govcal.clock import utc_now
from rules.model import ROLES

if TYPE_CHECKING:  # imported where used, so the command line starts quickly
    from govcal.operations.attendance import MeetingForecast
    from govcal.operations.people import Quorum
    from scheduler.attendance import Presence


def cmd_member_add(args: argparse.Namespace) -> int:
    from govcal.operations import people

    membership = people.add_member(
        context(args),
        args.body,
        args.name,
        args.role,
        organisation=args.organisation,
        email=args.email,
        actor=args.by,
        now=utc_now(),
    )
    print(membership)
    return OK


def cmd_member_remove(args: argparse.Namespace) -> int:
    from govcal.operations import people

    print(people.remove_member(context(args), args.body, args.name, args.role, actor=args.by, now=utc_now()))
    return OK


def cmd_member_list(args: argparse.Namespace) -> int:
    from rich.table import Table

    from govcal.operations import people

    ctx = context(args)
    roll = people.members(ctx, args.body)
    if args.json:
        print(json.dumps([m.as_dict() for m in roll], indent=2))
        return OK
    table = Table(title=f"{ctx.body(args.body).name}: {len(roll)} on record", title_justify="left")
    for column in ("name", "roles", "organisation", "e-mail"):
        table.add_column(column)
    for m in roll:
        table.add_row(m.name, ", ".join(sorted(m.roles)), m.organisation, m.email)
    console().print(table)
    return OK


def cmd_member_digest(args: argparse.Namespace) -> int:
    from govcal.operations import reminders

    days = None if args.off else args.days
    reminders.set_digest(context(args), args.name, days, actor=args.by, now=utc_now())
    if days is None:
        print(f"{args.name}: no morning digest")
    else:
        print(
            f"{args.name}: a morning digest each working day at 08:00 of the deadlines of the bodies they clerk,"
            f" due in the next {days} working days (sent with reminders: `govcal serve` or `govcal reminders send`)"
        )
    return OK


def _presence(value: str) -> Presence:
    """'PERSON' for a member present, 'Substitute=Member' for a named substitute."""
    from scheduler.attendance import Presence

    name, _, for_member = value.partition("=")
    if not name.strip() or (_ and not for_member.strip()):
        raise argparse.ArgumentTypeError(f"'{value}': write a name, or 'Substitute=Member'")
    return Presence(name.strip(), for_member.strip() or None)


def cmd_attendance_record(args: argparse.Namespace) -> int:
    from govcal.operations import people

    answer = people.record_attendance(context(args), args.meeting, args.present, actor=args.by, now=utc_now())
    console().print(f"recorded {len(args.present)} present at {args.meeting}")
    return _print_quorum(answer)


def cmd_attendance_quorum(args: argparse.Namespace) -> int:
    from govcal.operations import people

    return _print_quorum(people.quorum_at(context(args), args.meeting))


def _print_quorum(answer: Quorum) -> int:
    from rich.text import Text

    out = console()
    if not answer.recorded:
        out.print(f"{answer.meeting}: attendance not recorded yet (`govcal attendance record`)")
        return OK
    if answer.result is None:
        out.print(f"{answer.body_name}'s terms of reference set no quorum")
        return OK
    verdict = ("quorate", "green") if answer.result.quorate else ("not quorate", "red")
    out.print(Text.assemble(f"{answer.meeting}: ", verdict, f" ({answer.result.counted} counted)"))
    for reason in answer.result.reasons:
        out.print(Text.assemble("  ", (reason, "red")))
    return OK if answer.result.quorate else FAILED


def cmd_attendance_report(args: argparse.Namespace) -> int:
    from rich.table import Table

    from govcal.operations import people

    until = args.until or utc_now().date()
    report = people.attendance_report(context(args), args.body, until, args.cycle)
    table = Table(
        title=f"Attendance at {report.body_name}" + (f", {args.cycle}" if args.cycle else ""), title_justify="left"
    )
    columns = ("member", "e-mail", "from", "until", "held", "attended", "by substitute", "apologies", "absent")
    for column in (*columns, "not recorded"):
        table.add_column(column)
    for line in report.lines:
        table.add_row(
            line.member,
            line.email,
            f"{line.began:%d %b %Y}" if line.began else "",
            f"{line.ended:%d %b %Y}" if line.ended else "",
            str(line.held),
            str(line.attended),
            str(line.substituted),
            str(line.apologies),
            str(line.absent),
            str(line.not_recorded),
        )
    out = console()
    out.print(table)
    for follow_up in report.follow_up:
        out.print(labelled("follow up:", "yellow", follow_up))
    return OK


def cmd_attendance_apologies(args: argparse.Namespace) -> int:
    from govcal.operations import attendance

    ctx, now = context(args), utc_now()
    said = attendance.send_apologies(ctx, args.meeting, args.person, actor=args.by, now=now, withdraw=args.withdraw)
    print(f"{'withdrawn' if args.withdraw else 'apologies'}: {', '.join(args.person)} ({args.meeting})")
    return _print_forecast(said, as_json=False)


def cmd_attendance_substitute(args: argparse.Namespace) -> int:
    from govcal.operations import attendance

    said = attendance.name_substitute(
        context(args), args.meeting, args.substitute, getattr(args, "for"), actor=args.by, now=utc_now()
    )
    print(f"{args.substitute} stands in for {getattr(args, 'for')} ({args.meeting})")
    return _print_forecast(said, as_json=False)


def cmd_attendance_forecast(args: argparse.Namespace) -> int:
    from govcal.operations import attendance

    return _print_forecast(attendance.meeting_forecast(context(args), args.meeting), as_json=args.json)


def _print_forecast(said: MeetingForecast, *, as_json: bool) -> int:
    """A forecast as JSON or a line each; OK whether quorate or not (a forecast is no failure)."""
    if as_json:
        print(json.dumps(said.as_dict(), indent=2))
        return OK
    out = console()
    out.print(f"{said.meeting} ({said.start:%a %d %b %Y %H:%M}):")
    for line in said.lines():
        out.print(f"  {line}")
    return OK


PERSON = "their address, or their name where no one else has it"


def register(commands: Commands) -> None:
    member = commands.add_parser("member", help="the people on a body")
    member_commands = member.add_subparsers(dest="member_command", required=True, metavar="COMMAND")
    member_add = with_database(member_commands.add_parser("add", help="give someone a role on a body"))
    member_add.add_argument("body")
    member_add.add_argument(
        "name",
        metavar="PERSON",
        help="their name (a new person with --email, or no one of that name); or their address",
    )
    member_add.add_argument(
        "--role", default="member", help=f"{', '.join(ROLES)}, or a role the body's rules declare (default: member)"
    )
    member_add.add_argument("--organisation", default="", help="the partner organisation they represent")
    member_add.add_argument("--email", default="", help="their address: one person's, naming them from then on")
    member_add.set_defaults(run=cmd_member_add)
    member_remove = with_database(
        member_commands.add_parser("remove", help="end someone's places on a body (kept, dated, with their attendance)")
    )
    member_remove.add_argument("body")
    member_remove.add_argument("name", metavar="PERSON", help=PERSON)
    member_remove.add_argument("--role", help="only this role (default: every role they hold there)")
    member_remove.set_defaults(run=cmd_member_remove)
    member_list = with_database(member_commands.add_parser("list", help="who is on a body"))
    member_list.add_argument("body")
    member_list.add_argument("--json", action="store_true")
    member_list.set_defaults(run=cmd_member_list)
    member_digest = with_database(
        member_commands.add_parser("digest", help="a clerk's morning digest: one e-mail of the next days' deadlines")
    )
    member_digest.add_argument("name", metavar="PERSON", help=PERSON)
    how_long = member_digest.add_mutually_exclusive_group(required=True)
    how_long.add_argument("--days", type=how_many, help="working days ahead it covers (1 to 20; 5 is a week)")
    how_long.add_argument("--off", action="store_true", help="stop it")
    member_digest.set_defaults(run=cmd_member_digest)

    attendance = commands.add_parser("attendance", help="who came: record it, check quorum, report the year")
    attendance_commands = attendance.add_subparsers(dest="attendance_action", required=True, metavar="COMMAND")
    record = with_database(attendance_commands.add_parser("record", help="record who was at a meeting"))
    record.add_argument("meeting")
    record.add_argument("present", nargs="+", type=_presence, help="PERSON, or 'Substitute=Member' (each a PERSON)")
    record.set_defaults(run=cmd_attendance_record)
    quorum = with_database(attendance_commands.add_parser("quorum", help="was a meeting quorate?"))
    quorum.add_argument("meeting")
    quorum.set_defaults(run=cmd_attendance_quorum)
    report = with_database(
        attendance_commands.add_parser("report", help="the attendance record (A11) and absences to follow up (A7)")
    )
    report.add_argument("body")
    report.add_argument("--cycle", help="only this cycle, e.g. 2026-27")
    report.add_argument("--until", type=date_arg, metavar="DATE", help="up to this day (default: today)")
    report.set_defaults(run=cmd_attendance_report)
    apologies = with_database(
        attendance_commands.add_parser("apologies", help="record apologies for a meeting (or withdraw them)")
    )
    apologies.add_argument("meeting")
    apologies.add_argument("person", nargs="+", metavar="PERSON", help=PERSON)
    apologies.add_argument("--withdraw", action="store_true", help="take the apologies back: they will attend")
    apologies.set_defaults(run=cmd_attendance_apologies)
    substitute = with_database(
        attendance_commands.add_parser("substitute", help="name who will stand in for a member at a meeting")
    )
    substitute.add_argument("meeting")
    substitute.add_argument("substitute", metavar="SUBSTITUTE", help=f"the substitute: {PERSON}")
    substitute.add_argument("--for", required=True, metavar="PERSON", help=f"the member they stand in for: {PERSON}")
    substitute.set_defaults(run=cmd_attendance_substitute)
    forecast = with_database(
        attendance_commands.add_parser("forecast", help="will a meeting to come be quorate, by the apologies sent?")
    )
    forecast.add_argument("meeting")
    forecast.add_argument("--json", action="store_true", help="as JSON: meeting, quorate, expected, apologies, missing")
    forecast.set_defaults(run=cmd_attendance_forecast)
