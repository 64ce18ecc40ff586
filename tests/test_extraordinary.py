"""Extraordinary meetings (E1-E3): who may call one, the window, the notice verdict."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml

from conftest import body, context, keep, planner_for
from govcal.cli import main
from govcal.operations.meetings import extraordinary
from rules.errors import RuleError
from rules.loader import load_rules, seeds_dir
from rules.offsets import parse_offset
from scheduler.extraordinary import Request, propose, validate
from scheduler.store import open_store
from scheduler.store.tables import DeadlineRow
from scheduler.workdays import LONDON, working_calendar

D = dt.date
FOURTEEN = parse_offset("within 14 days")


def received(text: str) -> Request:
    return Request(dt.datetime.fromisoformat(text).replace(tzinfo=LONDON), by_chair=True)


def test_design_example_no_date_in_the_window_meets_eight_working_days():
    result = propose(received("2026-12-18 10:00"), parse_offset("8 working days before"), FOURTEEN, working_calendar())
    assert result.window_end == D(2027, 1, 1)  # 18 Dec + 14 days
    assert result.latest_meeting == D(2026, 12, 31)  # 1 Jan is New Year's Day
    assert not result.feasible and result.earliest_meeting_with_notice is None
    # 8 working days before Mon 4 Jan: 31, 30, 29, (28, 25 holidays) 24, 23, 22, 21, 18 Dec
    assert result.first_date_with_notice == D(2027, 1, 4)
    assert "outside the window" in result.verdict()
    # working days in the window: 18, 21-24, 29-31 Dec (25, 28 Dec and 1 Jan are holidays)
    assert sorted(p.date for p in result.proposals) == [D(2026, 12, d) for d in (18, 21, 22, 23, 24, 29, 30, 31)]


def test_five_clear_working_days_earliest_meeting():
    result = propose(
        received("2026-03-03 10:15"), parse_offset("5 clear working days before"), FOURTEEN, working_calendar()
    )
    # papers out Tue 3 Mar; clear days 4, 5, 6, 9, 10 Mar -> Wed 11 Mar
    assert result.earliest_meeting_with_notice == D(2026, 3, 11)
    assert result.window_end == D(2026, 3, 17) and result.latest_meeting == D(2026, 3, 17)
    assert result.feasible
    best = result.proposals[0]
    assert best.date == D(2026, 3, 17) and best.meets_notice  # most notice first: 10 working days
    assert best.notice_working_days == 10  # 3, 4, 5, 6, 9, 10, 11, 12, 13, 16 Mar
    # too early: 3, 4, 5, 6, 9, 10 Mar (10 Mar's deadline would be Mon 2 Mar), listed last
    assert [p.date.day for p in result.proposals if not p.meets_notice] == [10, 9, 6, 5, 4, 3]
    assert not any(p.meets_notice for p in result.proposals[-6:])


def test_request_received_over_easter_weekend():
    result = propose(received("2026-04-04 09:00"), parse_offset("5 working days before"), FOURTEEN, working_calendar())
    assert result.papers_from == D(2026, 4, 7)  # Sat 4, Sun 5, Easter Monday 6 Apr
    assert result.earliest_meeting_with_notice == D(2026, 4, 14)  # 8, 9, 10, 13, 14 Apr
    assert result.latest_meeting == D(2026, 4, 17)  # window ends Sat 18 Apr


def test_a_members_request_needs_a_different_seconder():
    moment = dt.datetime(2026, 3, 3, 10, 15, tzinfo=LONDON)
    with pytest.raises(RuleError, match="written agreement of another member"):
        validate(Request(moment, requested_by="Cllr Ali"), None)
    with pytest.raises(RuleError, match="another member, not Cllr Ali"):
        validate(Request(moment, requested_by="Cllr Ali", seconded_by="cllr ali"), None)
    with pytest.raises(RuleError, match="say which member asked for the meeting, or that the Chair calls it"):
        validate(Request(moment), None)
    validate(Request(moment, requested_by="Cllr Ali", seconded_by="Cllr Brown"), None)
    validate(Request(moment, by_chair=True), None)


@pytest.fixture
def board_with_extraordinary(write_rules, tmp_path):
    write_rules(
        body(
            deadlines=[
                {"id": "papers", "name": "Papers", "offset": "5 clear working days before", "ref": "D1", "clause": "x"}
            ],
            extraordinary={"ref": "E1, E2, E3", "clause": "9.0", "window": "within 14 days", "notice": "papers"},
        )
    )
    return tmp_path / "rules"


def test_cli_uses_the_bodys_notice_and_window(capsys, board_with_extraordinary):
    argv = ["extraordinary", "board", "--rules", str(board_with_extraordinary), "--received", "2026-03-03 10:15"]
    assert main([*argv, "--requested-by", "Cllr Ali", "--seconded-by", "Cllr Brown", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["notice"] == "5 clear working days before"
    assert (result["window_end"], result["latest_meeting"]) == ("2026-03-17", "2026-03-17")
    assert result["earliest_meeting_with_notice"] == "2026-03-11" and result["feasible"] is True
    assert main([*argv, "--requested-by", "Cllr Ali"]) == 2
    assert "E1, E2, E3, clause 9.0" in capsys.readouterr().err


def test_cli_shows_a_closures_own_words_as_written(capsys, write_rules, tmp_path):
    """A closure's reason with square brackets is its own: "[interim]" is no style, and "[/]" (a
    closing tag with nothing to close) is no traceback."""
    closure = {"from": "2026-03-09", "to": "2026-03-10", "reason": "office move [interim] [/]"}
    extraordinary = {"ref": "E1", "clause": "9.0", "window": "within 14 days", "notice": "papers"}
    papers = {"id": "papers", "name": "Papers", "offset": "5 clear working days before", "ref": "D1", "clause": "x"}
    write_rules(body(deadlines=[papers], extraordinary=extraordinary, closures=[closure], avoid=["closures"]))
    argv = ["extraordinary", "board", "--rules", str(tmp_path / "rules"), "--received", "2026-03-03 10:15", "--chair"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "avoided: in the office move [interim] [/]" in out
    assert "the earliest meeting that meets the notice rule is Wed 11 Mar 2026" in out


def test_cli_stand_ins_without_a_body(capsys):
    argv = ["extraordinary", "--received", "2026-12-18 10:00", "--chair", "--notice", "8 working days before", "--json"]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["feasible"] is False and result["earliest_meeting_with_notice"] is None
    assert result["first_date_with_notice"] == "2027-01-04"
    assert main([*argv[:-1], "--window-days", "21", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["earliest_meeting_with_notice"] == "2027-01-04"


def test_cli_refuses_an_unreadable_receipt_time(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["extraordinary", "--received", "tomorrow", "--chair"])
    assert stop.value.code == 2
    assert "'tomorrow' is not a date and time" in capsys.readouterr().err


def test_confirming_a_proposal_puts_it_in_the_kept_schedule(capsys, board_with_extraordinary, tmp_path):
    database = f"sqlite:///{tmp_path / 'govcal.db'}"
    assert (
        main(["rules", "import", str(board_with_extraordinary), "--database", database]) == 0
    )  # the board's rules kept
    base = ["extraordinary", "board", "--database", database]
    request = [*base, "--received", "2026-03-03 10:15", "--chair"]
    # (11 Mar 2026 is in the board's 2025-26 cycle, which runs April to March)
    # Tue 10 Mar would need papers by Mon 2 Mar, before the request: refused without --force
    assert main([*request, "--confirm", "2026-03-10"]) == 1
    assert "leaves papers due 2026-03-02" in capsys.readouterr().out
    assert main([*request, "--confirm", "2026-03-14"]) == 2  # a Saturday: not a working day in the window
    saturday = "Sat 14 Mar 2026 is not a working day (Saturday); the window is Tue 03 Mar to Tue 17 Mar 2026"
    assert saturday in capsys.readouterr().err
    assert main([*request, "--confirm", "2026-03-11"]) == 0
    assert "confirmed board/2025-26/extraordinary-01 on Wed 11 Mar 2026" in capsys.readouterr().out
    store = open_store(database)
    meeting = store.meeting("board/2025-26/extraordinary-01")
    assert (meeting.status, meeting.date.isoformat()) == ("extraordinary", "2026-03-11")
    assert "called by the Chair; request received Tue 03 Mar 2026 10:15" in meeting.explanation
    with store.session() as session:
        papers = session.get(DeadlineRow, "board/2025-26/extraordinary-01/papers")
    assert papers.date.isoformat() == "2026-03-03"  # clear days 4, 5, 6, 9, 10 Mar


def test_days_in_a_closure_the_body_avoids_are_proposed_after_the_others_and_say_why():
    # The JCB avoids the County Council's Christmas closure (24 Dec-1 Jan). A request received
    # Fri 18 Dec 2026: working days in the 14-day window 18, 21, 22, 23, 24, 29, 30, 31 Dec (25 and
    # 28 Dec and 1 Jan are bank holidays). 5 clear working days of notice first allow Wed 30 Dec:
    # the closure. Those meeting the notice still come first, most notice first (the rule outranks
    # the preference), each saying it is avoided; of the rest, the days outside the closure first.
    rules = load_rules()
    avoided = planner_for(rules).avoided(rules["worcestershire-jcb"])
    received = Request(dt.datetime(2026, 12, 18, 10, 0, tzinfo=LONDON), "Cllr Ali", "Cllr Brown")
    notice, window = parse_offset("5 clear working days before"), parse_offset("within 14 days")
    result = propose(received, notice, window, working_calendar(), avoided)
    said = [(p.date.day, p.meets_notice, p.avoided) for p in result.proposals]
    closure = "in the County Council Christmas closure"
    assert said == [
        (31, True, closure),
        (30, True, closure),
        (23, False, ""),
        (22, False, ""),
        (21, False, ""),
        (18, False, ""),
        (29, False, closure),
        (24, False, closure),
    ]
    assert result.earliest_meeting_with_notice == dt.date(2026, 12, 30)  # the verdict is the rule's


# The JCB meets on the third Tuesday: Tue 15 Dec 2026, then Tue 19 Jan 2027. An extraordinary
# meeting confirmed for Wed 30 Dec 2026 (asked for Fri 18 Dec) deals only with its own business:
# the 15 Dec meeting's minutes are still approved at the next ordinary meeting, 19 Jan 2027.
JCB_DECEMBER = "worcestershire-jcb/2026-27/meeting-09"
RECEIVED = dt.datetime(2026, 12, 18, 10, 0, tzinfo=LONDON)


def _confirm_the_extraordinary_meeting(ctx):
    keep(ctx)
    request = Request(RECEIVED, "Cllr Ali", "Cllr Brown")
    done = extraordinary(ctx, "worcestershire-jcb", request, confirm=dt.date(2026, 12, 30), actor="clerk", now=RECEIVED)
    assert done.confirmed is not None and done.confirmed.committed
    with ctx.store.session() as session:
        return session.get(DeadlineRow, f"{JCB_DECEMBER}/minutes-approved")


def test_an_extraordinary_meeting_is_not_the_next_meeting_that_approves_the_minutes(database):
    ctx = context(load_rules(), database)
    minutes = _confirm_the_extraordinary_meeting(ctx)
    assert minutes.date == dt.date(2027, 1, 19)  # not Wed 30 Dec, in the Christmas closure
    assert minutes.counted_from == "worcestershire-jcb/2026-27/meeting-10"
    assert "not the extraordinary meeting on Wed 30 Dec 2026" in minutes.explanation


def test_a_rule_file_may_let_extraordinary_meetings_take_ordinary_business(database, write_rules):
    jcb = yaml.safe_load((seeds_dir() / "worcestershire-jcb.yaml").read_text())
    jcb["extraordinary"]["takes_ordinary_business"] = True
    rules = write_rules(jcb)
    assert rules["worcestershire-jcb"].extraordinary.takes_ordinary_business
    minutes = _confirm_the_extraordinary_meeting(context(rules, database))
    assert minutes.date == dt.date(2026, 12, 30)


def test_takes_ordinary_business_must_be_yes_or_no(write_rules):
    jcb = yaml.safe_load((seeds_dir() / "worcestershire-jcb.yaml").read_text())
    jcb["extraordinary"]["takes_ordinary_business"] = "sometimes"
    with pytest.raises(RuleError, match="takes_ordinary_business"):
        write_rules(jcb)
