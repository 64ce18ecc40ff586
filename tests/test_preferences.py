"""Soft preferences: school holidays and closures a body avoids where its rules allow,
said when they give way, and reported as warnings beside compliance (CLI, API, page).

Dates checked by hand: Leeds 2025-26 terms (autumn 1 Sep-19 Dec, spring 5 Jan-2 Apr,
summer 20 Apr-21 Jul 2026; Easter holiday 3-17 Apr, summer holiday 22 Jul-28 Aug);
GOV.UK bank holidays (Easter Monday 6 Apr, 4 and 25 May, 31 Aug 2026; 25 and 28 Dec
2026, 1 Jan 2027).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient

from conftest import NOW, STRATEGIC, body, context, edit_meeting, keep, planner_for
from govcal.api import create_app
from govcal.cli import main
from govcal.clock import utc_now
from govcal.operations import access
from rules.errors import RuleError
from rules.loader import load_rules
from scheduler.checker import Checker
from scheduler.preferences import Avoided, off_closures
from scheduler.store.tables import TokenKind
from scheduler.workdays import working_calendar

D = dt.date
CHRISTMAS = {"from": "24 December", "to": "1 January", "every_year": True, "reason": "council Christmas closure"}
# A monthly board with school members: first Mondays, Leeds' terms, its year from September.
SCHOOLS = body(id="schools", cycle_start="september", terms="leeds", avoid=["school holidays"])
PAPERS = {"id": "papers", "name": "Papers", "offset": "3 working days before", "clause": "local practice"}
MINUTES = {"id": "minutes", "name": "Minutes", "offset": "within 15 working days after", "clause": "local practice"}


def test_a_meeting_in_the_school_holidays_moves_where_the_rule_allows_and_says_why(write_rules):
    plan = planner_for(write_rules(SCHOOLS)).body_plan("schools", 2025)
    days = {m.date.month: m for m in plan.meetings}
    # April: first Monday 6 Apr is Easter Monday -> next same weekday 13 Apr, in the Easter holiday
    # (3-17 Apr) the board avoids -> 20 Apr, the first Monday of the summer term
    april = days[4]
    assert april.date == D(2026, 4, 20)
    assert april.explanation.steps[-1] == (
        "Mon 13 Apr 2026 is in the school holidays, which the body avoids;"
        " moved to the next same weekday, Mon 20 Apr 2026"
    )
    # September to March: first Mondays 1 Sep, 6 Oct, 3 Nov, 1 Dec 2025, 5 Jan, 2 Feb, 2 Mar 2026, all in term
    assert [days[m].date for m in (9, 10, 11, 12, 1, 2, 3)] == [
        D(2025, 9, 1), D(2025, 10, 6), D(2025, 11, 3), D(2025, 12, 1), D(2026, 1, 5), D(2026, 2, 2), D(2026, 3, 2)
    ]  # fmt: skip
    # August: 3 Aug is in the summer holiday; 10, 17, 24 Aug too, 31 Aug the bank holiday, 7 Sep outside
    # the month: no allowed day avoids it, so the day stays and the preference gives way, said so
    august = days[8]
    assert august.date == D(2026, 8, 3)
    assert august.explanation.steps[-1].endswith("avoids it: that preference gave way")
    assert plan.problems == []


def test_the_checker_warns_of_a_preference_that_gave_way_and_the_board_still_complies(write_rules):
    planner = planner_for(write_rules(SCHOOLS))
    findings = Checker(planner).check(planner.body_plan("schools", 2025).meetings)
    assert not any(f.ok is False for f in findings)
    warnings = [str(f) for f in findings if f.warning]
    assert warnings == [
        "warning: meeting on Mon 03 Aug 2026 is in the school holidays: rule 'avoid school holidays' (local practice)"
    ]


def test_a_deadline_in_an_avoided_closure_is_due_the_working_day_before(write_rules):
    board = body(closures=[CHRISTMAS], avoid=["closures"], deadlines=[PAPERS, MINUTES])
    plan = planner_for(write_rules(board)).body_plan("board", 2026)
    due = {d.id.split("/", 2)[2]: d for d in plan.deadlines}
    # Mon 4 Jan 2027: 3 working days before are 31, 30, 29 Dec (the closure days count as working
    # days: the rule's working days are GOV.UK's) -> Tue 29 Dec, in the closure -> Wed 23 Dec
    papers = due["meeting-10/papers"]
    assert papers.date == D(2026, 12, 23)
    assert papers.explanation.steps == (
        "Tue 29 Dec 2026 is in the council Christmas closure, which the body avoids; due the last working day"
        " before it, Wed 23 Dec 2026",
    )
    # Mon 7 Dec: 15 working days after are 8-11, 14-18, 21-24, 29, 30 Dec -> Wed 30 Dec -> Wed 23 Dec
    assert due["meeting-09/minutes"].date == D(2026, 12, 23)
    # the same closure, not avoided but kept: days are counted past it (21, 22, 23 Dec -> Mon 21 Dec)
    hard = body(closures=[CHRISTMAS], deadlines=[PAPERS])
    assert planner_for(write_rules(hard)).body_plan("board", 2026).deadlines[9].date == D(2026, 12, 21)


def test_work_after_a_meeting_stays_after_it_and_says_the_preference_gave_way():
    closures = Avoided(closures=(load_rules()["worcestershire-jcb"].closures))
    calendar = working_calendar()
    # a meeting on Wed 23 Dec; minutes due Tue 29 Dec: the working day before the closure is the meeting's
    day, steps = off_closures(D(2026, 12, 29), D(2026, 12, 23), calendar, closures)
    assert day == D(2026, 12, 29)
    assert steps == (
        "Tue 29 Dec 2026 is in the County Council Christmas closure; no working day between the meeting and it:"
        " the preference gave way",
    )
    assert off_closures(D(2026, 12, 22), D(2026, 12, 23), calendar, closures) == (D(2026, 12, 22), ())


def test_a_body_planned_from_another_moves_off_a_day_it_avoids_towards_the_other_meeting():
    """The WDAG follows the Strategic Board (F5, within 15 working days after) and avoids school
    holidays itself: the Board's Tue 14 Jul 2026 meeting gives Tue 4 Aug (15, 16, 17, 20-24,
    27-31 Jul are 13 working days, then 3, 4 Aug), in August; the nearest earlier working day
    that avoids nothing is Fri 31 Jul (Mon 3 Aug is August too, Sat 1 and Sun 2 the weekend)."""
    wdag = {m.id: m for m in SEED_PLANNER.body_plan("suffolk-wdag", 2026).meetings}
    moved = wdag["suffolk-wdag/2026-27/following-02"]
    assert moved.date == D(2026, 7, 31)
    assert moved.explanation.steps == (
        "Tue 04 Aug 2026 is in August, the school summer holiday (the year's term dates are not published),"
        " which the body avoids; moved to the nearest earlier working day that avoids nothing, Fri 31 Jul 2026"
        " (still after the Suffolk Children's Trust Strategic Board meeting)",
    )
    # Tue 12 May -> Wed 3 Jun, in term: not moved, nothing said
    assert wdag["suffolk-wdag/2026-27/following-01"].date == D(2026, 6, 3)
    assert wdag["suffolk-wdag/2026-27/following-01"].explanation.steps == ()


def test_a_body_planned_before_another_keeps_the_day_when_no_nearer_day_avoids_nothing(write_rules):
    """Three working days before the Board's Tue 12 Jan 2027 (second Tuesday: 5, 12) are 11, 8, 7 Jan
    -> Thu 7 Jan; with a closure 4-8 Jan the body avoids, the days nearer the Board are Fri 8
    (closed), Sat 9, Sun 10, Mon 11: Mon 11 Jan."""
    closure = {"from": "4 January", "to": "8 January", "every_year": True, "reason": "office move"}
    prep = body(
        id="prep",
        closures=[closure],
        avoid=["closures"],
        meetings={
            "frequency": None,
            "pattern": None,
            "before_and_after": {
                "body": "strategic",
                "before": "3 working days before",
                "after": "within 2 working days after",
                "ref": "F4",
                "clause": "1",
            },
        },
    )
    plan = planner_for(write_rules(STRATEGIC, prep)).body_plan("prep", 2026)
    january = next(m for m in plan.meetings if m.date.month == 1 and m.date.day < 12)
    assert january.date == D(2027, 1, 11)
    assert january.explanation.steps == (
        "Thu 07 Jan 2027 is in the office move, which the body avoids; moved to the nearest later working day"
        " that avoids nothing, Mon 11 Jan 2027 (still before the Test Board meeting)",
    )


def test_avoid_needs_what_it_avoids_and_says_so_with_file_line_and_field(write_rules):
    with pytest.raises(RuleError) as raised:
        write_rules(body(avoid=["school holidays"]))
    assert "board.yaml" in str(raised.value) and "avoid" in str(raised.value)
    assert "needs a term calendar" in str(raised.value)
    with pytest.raises(RuleError) as raised:
        write_rules(body(avoid=["closures"]))
    assert "needs the body's 'closures'" in str(raised.value)
    with pytest.raises(RuleError) as raised:
        write_rules(body(avoid=["weekends"]))
    assert "'weekends' is not one of 'school holidays', 'closures'" in str(raised.value)


# -- a clerk's checks of the seed bodies -------------------------------------------------

SEEDS = load_rules()
SEED_PLANNER = planner_for(SEEDS)


@pytest.mark.parametrize("year", [2025, 2026])
def test_no_seed_deadline_falls_in_a_closure_its_body_declares(year):
    for plan in SEED_PLANNER.plan([year]):
        for deadline in plan.deadlines:
            closed = [c.reason for c in plan.body.closures if c.covers(deadline.date)]
            assert not closed, (deadline.id, deadline.date, closed)
    # the Programme Board's report due Thu 31 Dec 2026 is due before the closure, Wed 23 Dec
    report = SEED_PLANNER.body_plan("worcestershire-programme-board", 2026).deadlines
    assert {d.id.rsplit("/", 1)[1]: d.date for d in report}["report-worcestershire-pab-4"] == D(2026, 12, 23)


def test_explanations_say_what_was_done_and_what_is_local_practice():
    """Issue 27, point 2: each explanation true as a clerk would read it against the source."""
    board = {o.id: o for o in SEED_PLANNER.body_plan("worcestershire-programme-board", 2026).occurrences()}
    # The PAB meets Wed 13 Jan 2027 (Wednesdays 6, 13): 8 working days back are 12, 11, 8, 7, 6, 5, 4 Jan,
    # (1 Jan New Year's Day) 31 Dec -> Thu 31 Dec, in the closure (24 Dec-1 Jan). The working day before
    # it, Wed 30 Dec, is closed too: the last working day before the closure is Wed 23 Dec.
    pab = board["worcestershire-programme-board/2026-27/report-worcestershire-pab-4"]
    assert pab.date == D(2026, 12, 23)
    assert pab.explanation.steps == (
        "Thu 31 Dec 2026 is in the County Council Christmas closure, which the body avoids; due the last working"
        " day before it, Wed 23 Dec 2026",
    )
    # The six weeks between a report and the meeting it reflects are the rule file's, not clause 13.5's
    # (JCB Tue 21 Jul 2026, third Tuesday: 8 working days back 20, 17, 16, 15, 14, 13, 10, 9 -> Thu 9 Jul;
    # the JCGs' second Monday of April, 13 Apr, is 12 weeks before it, of June, 8 Jun, 31 days)
    jcgs = SEED_PLANNER.body_plan("worcestershire-jcgs", 2026).meetings[0]
    assert jcgs.date == D(2026, 6, 8)
    assert jcgs.explanation.steps[-1].endswith(
        "due Thu 09 Jul 2026 must follow a meeting held at most 6 weeks (local practice) before it (F11, clause 13.5)"
    )
    # D5: the clause says "eight working days"; the clear reading is the file's, and `explain` marks it
    partnership = {o.id: o for o in SEED_PLANNER.body_plan("leeds-cluster-partnership", 2026).occurrences()}
    lines = partnership["leeds-cluster-partnership/2026-27/meeting-01/reports"].explanation.lines()
    assert any(line.startswith("  local practice: 8 clear working days: the clause says 'eight") for line in lines)
    # The Suffolk bodies that avoid school holidays say what is assumed while Suffolk's dates for
    # 2025-26 and 2026-27 (the cycle Apr 2026-Mar 2027 touches both) are not published
    for body_id in ("suffolk-strategic-board", "suffolk-community-cluster-steering-groups", "suffolk-wdag"):
        notes = SEED_PLANNER.body_plan(body_id, 2026).notes
        assert [note.split(" are not published")[0] for note in notes] == [
            "term dates for 2025-26",
            "term dates for 2026-27",
        ], body_id
        assert all("August is taken as the summer holiday" in note for note in notes)


def test_school_member_bodies_meet_outside_the_school_holidays_where_the_terms_are_known():
    # Suffolk's 2024-25 dates are published (autumn 2 Sep-20 Dec, spring 6 Jan-4 Apr, summer 22 Apr-22 Jul 2025)
    avoiding = [b.id for b in SEEDS if "school holidays" in b.avoid or b.meetings.avoid_school_holidays]
    assert sorted(avoiding) == [
        "leeds-cluster-chairs",
        "leeds-cluster-partnership",
        "suffolk-community-cluster-steering-groups",
        "suffolk-strategic-board",
        "suffolk-wdag",  # its members include schools, governors and colleges (3.2.3)
    ]
    for body_id in avoiding:
        terms = SEED_PLANNER.terms[body_id]
        for year in (2024, 2025, 2026):
            for meeting in SEED_PLANNER.body_plan(body_id, year).meetings:
                assert terms.is_school_holiday(meeting.date) is not True, (meeting.id, meeting.date)
    # Suffolk 2024-25: the groups' second Thursday of August (14 Aug 2025) is in the summer holiday:
    # September's, 11 Sep 2025, instead
    groups = [m.date for m in SEED_PLANNER.body_plan("suffolk-community-cluster-steering-groups", 2025).meetings]
    assert D(2025, 9, 11) in groups and D(2025, 8, 14) not in groups


def test_govcal_check_prints_warnings_apart_from_the_verdict(capsys, write_rules, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_rules(SCHOOLS)
    rules = str(tmp_path / "rules")
    assert main(["plan", "2025", "--rules", rules, "--json"]) == 0
    schedule = tmp_path / "schedule.json"
    schedule.write_text(capsys.readouterr().out)
    assert main(["check", str(schedule), "--rules", rules]) == 0  # a warning is not a failure
    out = capsys.readouterr().out
    assert "schools 2025-26: complies" in out and "1 warning (preferences, not rules)" in out
    assert "warning: meeting on Mon 03 Aug 2026 is in the school holidays" in out
    assert main(["check", str(schedule), "--rules", rules, "--json"]) == 0
    said = json.loads(capsys.readouterr().out)
    assert said["complies"] is True
    assert [f["message"] for f in said["findings"] if f["warning"]] == [
        "meeting on Mon 03 Aug 2026 is in the school holidays"
    ]


def test_the_api_check_counts_warnings(database, write_rules):
    ctx = context(write_rules(SCHOOLS), database)
    keep(ctx, [2025], now=NOW - dt.timedelta(days=365))
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="clerk", now=utc_now())
    client = TestClient(create_app(ctx), headers={"Authorization": f"Bearer {token}"})
    answer = client.get("/api/check", params={"body": "schools", "year": 2025}).json()
    assert answer["complies"] is True and answer["warnings"] == 1
    assert [f["message"] for f in answer["findings"] if f["warning"]] == [
        "meeting on Mon 03 Aug 2026 is in the school holidays"
    ]


def test_an_edit_onto_an_avoided_day_is_allowed_and_says_which_preference_gave_way(database, capsys):
    # The clerk moves the Strategic Board's second meeting from Tue 14 Jul to Tue 18 Aug 2026, in
    # August (the school summer holiday): still in its quarter, so no rule breaks; a warning says so.
    ctx = context(SEEDS, database)
    keep(ctx, bodies=["suffolk-strategic-board"])
    moved = edit_meeting(
        ctx, "move", actor="clerk", meeting_id="suffolk-strategic-board/2026-27/meeting-02", day=D(2026, 8, 18)
    )
    assert moved.committed and moved.new_failures == []
    assert [f.message for f in moved.warnings] == [
        "meeting on Tue 18 Aug 2026 is in August, the school summer holiday (the year's term dates are not published)"
    ]
    assert moved.as_dict()["warnings"] == [f.message for f in moved.warnings]
    # moving it back gives no warning: nothing new gives way
    back = edit_meeting(
        ctx, "move", actor="clerk", meeting_id="suffolk-strategic-board/2026-27/meeting-02", day=D(2026, 7, 21)
    )
    assert back.committed and back.warnings == []
