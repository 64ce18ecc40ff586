"""Reports come after the meeting they report on: the planner places the reporting body's
meetings so, where its rules leave room, and the checker says where they do not.

Dates checked by hand on a calendar with GOV.UK's 2026-27 bank holidays (Good Friday
3 Apr and Easter Monday 6 Apr 2026; 25 and 28 Dec 2026, 1 Jan 2027; 26 and 29 Mar 2027).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil

import pytest

from conftest import STRATEGIC, body, context, edit_meeting, keep, planner_for
from govcal.operations import planning
from rules.errors import RuleError
from rules.loader import load_rules, seeds_dir
from scheduler.checker import Checker
from scheduler.occurrences import Explanation, cycle_containing, meeting_on
from scheduler.overlay import KeptMeeting
from scheduler.planner import Planner

D = dt.date
RULES = load_rules()
PLANNER = planner_for(RULES)
WITH_REPORTS = [b.id for b in RULES if b.reports]


def test_the_seed_bodies_that_report_are_the_three_the_issue_names():
    assert sorted(WITH_REPORTS) == [
        "suffolk-outcome-partnership-groups",
        "worcestershire-jcgs",
        "worcestershire-programme-board",
    ]


@pytest.mark.parametrize("body_id", WITH_REPORTS)
def test_every_2026_27_report_follows_a_meeting_at_most_six_weeks_earlier_and_precedes_the_one_it_goes_to(body_id):
    # A clerk's check, done from the plans alone: the reporting body's meetings of this cycle and
    # the one before, each report's due day, and the receiving body's meeting it is for.
    plan = PLANNER.body_plan(body_id, 2026)
    held = [m.date for year in (2025, 2026) for m in PLANNER.body_plan(body_id, year).meetings]
    reports = [d for d in plan.deadlines if d.rule.startswith("report-")]
    assert len(reports) == 4 * len(RULES[body_id].reports)
    for report in reports:
        before = [day for day in held if day < report.date]
        assert before, report.id
        assert report.date - before[-1] <= dt.timedelta(weeks=6), (report.id, before[-1], report.date)
        receiving = report.id.split("/report-")[1].rsplit("-", 1)[0]
        target = next(m for m in PLANNER.body_plan(receiving, cycle_containing(4, report.date)).meetings
                      + PLANNER.body_plan(receiving, cycle_containing(4, report.date) + 1).meetings
                      if m.id == report.meeting)  # fmt: skip
        assert report.due < target.start


def test_the_programme_board_meets_in_each_quarters_last_month_and_says_why():
    plan = PLANNER.body_plan("worcestershire-programme-board", 2026)
    june = plan.meetings[0]
    assert june.date == D(2026, 6, 4)
    # The PAB's first July meeting is Wed 8 Jul: 8 working days before, 7, 6, 3, 2, 1 Jul, 30, 29,
    # 26 Jun -> Fri 26 Jun; the first Thursday of April (2 Apr) is 12 weeks before it, of June 22 days.
    assert june.explanation.steps == (
        "first Thursday of June 2026, Thu 04 Jun 2026, instead: the Quarterly report to Worcestershire"
        " Partnership Advisory Body due Fri 26 Jun 2026 must follow a meeting held at most 6 weeks (local"
        " practice) before it (F10, clause 13.3, App. 2)",
    )
    assert june.explanation.anchor == "period Apr 2026 to Jun 2026; preferred day first Thursday of April 2026"


def test_the_issue_cases_now_have_a_meeting_before_them():
    # Due Wed 25 Mar 2026, Fri 26 Jun and Thu 31 Dec 2026 (New Year's Eve): the Board met on
    # Thu 2 Apr, 2 Jul and 7 Jan, after each. Now Thu 5 Mar, 4 Jun and 3 Dec; and the New Year's Eve
    # report is due before the County Council's Christmas closure (24 Dec-1 Jan): Wed 23 Dec.
    dues = {d.date: d for d in PLANNER.body_plan("worcestershire-programme-board", 2026).deadlines}
    held = [m.date for y in (2025, 2026) for m in PLANNER.body_plan("worcestershire-programme-board", y).meetings]
    for due, meeting in (
        (D(2026, 3, 25), D(2026, 3, 5)),
        (D(2026, 6, 26), D(2026, 6, 4)),
        (D(2026, 12, 23), D(2026, 12, 3)),
    ):
        assert due in dues
        assert max(day for day in held if day < due) == meeting
    # The JCGs' reports are due on Thursdays (9 Jul, 8 Oct, 7 Jan): the groups now meet on the
    # second Monday of the month before (8 Jun, 14 Sep, 14 Dec), not the Monday after.
    groups = [m.date for m in PLANNER.body_plan("worcestershire-jcgs", 2026).meetings]
    assert groups == [D(2026, 6, 8), D(2026, 9, 14), D(2026, 12, 14), D(2027, 3, 8)]


def test_the_checker_fails_a_schedule_whose_meetings_come_after_the_reports():
    # The Programme Board as it used to be planned: first Thursday of each quarter's first month.
    planned = PLANNER.body_plan("worcestershire-programme-board", 2026).meetings
    old = [
        dataclasses.replace(m, date=day)
        for m, day in zip(planned, (D(2026, 4, 2), D(2026, 7, 2), D(2026, 10, 1), D(2027, 1, 7)), strict=True)
    ]
    findings = Checker(PLANNER).check(old)
    failed = [str(f) for f in findings if f.ok is False]
    assert (
        "FAIL: Quarterly report to Worcestershire Partnership Advisory Body due Fri 26 Jun 2026 follows no meeting"
        " of the body in the 6 weeks (local practice) before it: rule 'reports follow a meeting'"
        " (F10, clause 13.3, App. 2)"
    ) in failed
    assert any("due Wed 23 Dec 2026 follows no meeting" in f for f in failed)
    # Thu 1 Oct precedes the reports due Fri 2 Oct and Thu 8 Oct: those pass.
    assert not any("02 Oct 2026" in f or "08 Oct 2026" in f for f in failed)
    ok = [str(f) for f in Checker(PLANNER).check(planned) if f.rule == "reports follow a meeting"]
    assert len(ok) == 8 and all(f.startswith("ok: ") for f in ok)


def test_where_the_rules_leave_no_room_the_plan_and_the_checker_say_so(write_rules):
    # A group meeting twice a year in June and December (months pinned by its rules) cannot
    # precede four quarterly reports to the Board (second Tuesdays of Apr, Jul, Oct, Jan).
    group = body(
        id="group",
        name="Test Group",
        meetings={"frequency": "twice a year", "months": ["june", "december"], "pattern": "second Thursday"},
        reports=[
            {"to": "strategic", "per": "quarter", "offset": "8 working days before", "ref": "F10", "clause": "13.3"}
        ],
    )
    rules = write_rules(STRATEGIC, group)
    planner = planner_for(rules)
    plan = planner.body_plan("group", 2026)
    assert [m.date for m in plan.meetings] == [D(2026, 6, 11), D(2026, 12, 10)]  # unmoved: no room
    # Board Tue 14 Jul 2026: 8 working days before, 13, 10, 9, 8, 7, 6, 3, 2 Jul -> Thu 2 Jul;
    # Thu 11 Jun is 3 weeks before it, so that one is met. Tue 14 Apr 2026: 13, 10, 9, 8, 7, (6, 3)
    # 2, 1, 31 Mar -> Tue 31 Mar, with no meeting in the 6 weeks before (10 Dec 2025 is 16 weeks).
    assert (
        "Quarterly report to Test Board due Tue 31 Mar 2026: no meeting of the Test Group can be held in the"
        " 6 weeks before it on a day its rules allow (F10, clause 13.3)"
    ) in map(str, plan.problems)
    assert not any("Thu 02 Jul 2026" in str(p) for p in plan.problems)
    failed = [f.message for f in Checker(planner).check(plan.meetings) if f.ok is False]
    assert (
        "Quarterly report to Test Board due Tue 31 Mar 2026 follows no meeting of the body in the 6 weeks before it"
        in failed
    )


def test_a_monthly_body_that_reports_quarterly_keeps_its_pattern(write_rules):
    # First Mondays (6 Apr Easter Monday -> 13 Apr; 4 May Early May bank holiday -> 11 May; 1 Jun):
    # a meeting every month already precedes every report, so none moves for one.
    monthly = body(
        id="monthly",
        reports=[{"to": "strategic", "per": "quarter", "offset": "10 working days before", "clause": "2"}],
    )
    plan = planner_for(write_rules(STRATEGIC, monthly)).body_plan("monthly", 2026)
    assert [m.date for m in plan.meetings][:3] == [D(2026, 4, 13), D(2026, 5, 11), D(2026, 6, 1)]
    assert not any("report" in step for m in plan.meetings for step in m.explanation.steps)
    assert plan.problems == []


def test_within_and_owner_are_read_and_an_unknown_owner_is_refused_with_file_line_and_field(write_rules):
    reporting = body(
        id="group",
        roles={"outcome-lead": "Outcome Lead"},
        reports=[{"to": "strategic", "per": "quarter", "offset": "10 working days before", "clause": "2",
                  "within": "4 weeks", "owner": "outcome-lead"}],
    )  # fmt: skip
    rule = write_rules(STRATEGIC, reporting)["group"].reports[0]
    assert rule.within == dt.timedelta(days=28)
    assert rule.who == ("clerk", "outcome-lead")
    wrong = body(
        id="group",
        reports=[
            {"to": "strategic", "per": "quarter", "offset": "10 working days before", "clause": "2", "owner": "lead"}
        ],
    )
    with pytest.raises(RuleError) as raised:
        write_rules(STRATEGIC, wrong)
    assert "group.yaml" in str(raised.value) and "owner" in str(raised.value)
    assert "'lead' is not a role on group; declare it under 'roles'" in str(raised.value)


def test_moving_the_boards_meeting_away_from_its_reports_is_refused_until_forced_and_then_flagged(database):
    # A clerk moves the Programme Board's June meeting (Thu 4 Jun) back to Thu 7 May, still in its
    # quarter but seven weeks before the PAB report due Fri 26 Jun and nine before the JCB's due
    # Thu 9 Jul: refused, saying which reports and clause; forced, the kept year fails the check.
    ctx = context(load_rules(), database)
    keep(ctx, bodies=["worcestershire-programme-board"])
    june = "worcestershire-programme-board/2026-27/meeting-01"
    refused = edit_meeting(ctx, "move", actor="clerk", meeting_id=june, day=D(2026, 5, 7))
    assert not refused.committed
    expected = [
        "Quarterly report to Worcestershire Partnership Advisory Body due Fri 26 Jun 2026 follows no meeting"
        " of the body in the 6 weeks (local practice) before it",
        "Quarterly report to Worcestershire Joint Commissioning Board due Thu 09 Jul 2026 follows no meeting"
        " of the body in the 6 weeks (local practice) before it",
    ]
    assert [f.message for f in refused.new_failures] == expected
    assert {str(f.cite) for f in refused.new_failures} == {"F10, clause 13.3, App. 2"}
    assert ctx.store.meeting(june).date == D(2026, 6, 4)  # nothing changed
    assert edit_meeting(ctx, "move", actor="clerk", meeting_id=june, day=D(2026, 5, 7), force=True).committed
    failed = [f.message for f in planning.check_kept(ctx, "worcestershire-programme-board", 2026) if f.ok is False]
    assert failed == expected


def _held_board_year(rules) -> dict[tuple[str, str], list[KeptMeeting]]:
    """The Board's 2026-27 meetings held under the older placement: Thu 2 Apr, Thu 2 Jul, Thu 1 Oct 2026."""
    board = rules["worcestershire-programme-board"]
    why = Explanation("kept", board.meetings.cite)
    held = [(1, D(2026, 4, 2)), (2, D(2026, 7, 2)), (3, D(2026, 10, 1))]
    meetings = [meeting_on(board, f"{board.id}/2026-27/meeting-0{n}", day, why) for n, day in held]
    return {(board.id, "2026-27"): [KeptMeeting(m, manual=False) for m in meetings]}


SUNDAY_6_DECEMBER = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)


def test_a_held_october_meeting_gets_a_december_one_added_for_the_q4_reports_and_january_moves_to_march():
    # Re-planned on Sun 6 Dec 2026: the Q4 reports (PAB Wed 23 Dec, JCB Thu 7 Jan) need a meeting from
    # Thu 26 Nov to Wed 23 Dec; the first Thursday of December, 3 Dec, is past: the next, Thu 10 Dec
    planner = Planner(RULES, PLANNER.terms, _held_board_year(RULES), SUNDAY_6_DECEMBER)
    plan = planner.body_plan("worcestershire-programme-board", 2026)
    assert [(m.id.rsplit("/", 1)[1], m.date, m.status) for m in plan.meetings] == [
        ("meeting-01", D(2026, 4, 2), "planned"),
        ("meeting-02", D(2026, 7, 2), "planned"),
        ("meeting-03", D(2026, 10, 1), "planned"),
        ("for-report-01", D(2026, 12, 10), "added"),
        ("meeting-04", D(2027, 3, 4), "planned"),  # first Thursday of March 2027 (1 Mar a Monday)
    ]
    assert plan.problems == []  # the past reports are history, not the plan's to solve
    # what the rules alone give each held meeting is unchanged: 4 Jun, 3 Sep, 3 Dec 2026
    assert [m.date for m in plan.planned if "/meeting-0" in m.id][:3] == [D(2026, 6, 4), D(2026, 9, 3), D(2026, 12, 3)]


def test_where_no_day_still_to_come_is_allowed_no_meeting_is_added_and_the_plan_says_so(tmp_path):
    # With `if_unavailable: error` the past Thu 3 Dec cannot be moved on, and Oct and Nov are past
    folder = tmp_path / "rules"
    shutil.copytree(seeds_dir(), folder)
    path = folder / "worcestershire-programme-board.yaml"
    path.write_text(path.read_text().replace("if_unavailable: next same weekday", "if_unavailable: error"))
    rules = load_rules([folder])
    plan = Planner(rules, PLANNER.terms, _held_board_year(rules), SUNDAY_6_DECEMBER).body_plan(
        "worcestershire-programme-board", 2026
    )
    assert not [m for m in plan.meetings if "for-report" in m.id]
    assert sorted(p.message.split(":")[0] for p in plan.problems) == [
        "Quarterly report to Worcestershire Joint Commissioning Board due Thu 07 Jan 2027",
        "Quarterly report to Worcestershire Partnership Advisory Body due Wed 23 Dec 2026",
    ]
