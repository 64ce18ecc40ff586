"""The compliance checker: planned schedules comply; edited ones say exactly why not."""

from __future__ import annotations

import dataclasses
import datetime as dt

from conftest import EXECUTIVE, STRATEGIC, body, planner_for
from scheduler.checker import Checker
from scheduler.workdays import at_time

D = dt.date


def planned(rules, year=2026):
    planner = planner_for(rules)
    meetings = [m for plan in planner.plan([year]) for m in plan.meetings]
    return Checker(planner), meetings


def failures(findings):
    return [str(f) for f in findings if f.ok is False]


def move(meeting, day):
    start = at_time(day, meeting.start.time())
    return dataclasses.replace(
        meeting, date=day, start=start, end=start + (meeting.end - meeting.start), status="moved"
    )


def test_a_planned_schedule_complies(write_rules):
    checker, meetings = planned(write_rules(body()))
    findings = checker.check(meetings)
    assert failures(findings) == []
    assert sum(f.ok is True for f in findings) == 12 + 1  # each month, and all on working days


def test_cancelling_august_breaks_not_less_than_monthly(write_rules):
    checker, meetings = planned(write_rules(body(meetings={"frequency": "not less than monthly"})))
    edited = [dataclasses.replace(m, status="cancelled") if m.date.month == 8 else m for m in meetings]
    assert failures(checker.check(edited)) == [
        "FAIL: no meeting in August 2026: rule 'not less than monthly' (F8, clause 8.1)"
    ]


def test_moving_onto_a_bank_holiday_is_named(write_rules):
    checker, meetings = planned(write_rules(body()))
    edited = [move(m, D(2026, 8, 31)) if m.date == D(2026, 8, 3) else m for m in meetings]
    assert failures(checker.check(edited)) == [
        "FAIL: meeting on Mon 31 Aug 2026 is not a working day (Summer bank holiday): "
        "rule 'meetings on working days' (F8, clause 8.1)"
    ]


def test_twice_a_year_needs_exactly_two(write_rules):
    rules = write_rules(
        body(meetings={"frequency": "twice a year", "months": ["june", "december"], "pattern": "second Thursday"})
    )
    checker, meetings = planned(rules)
    extra = move(meetings[0], D(2026, 9, 10))
    added = dataclasses.replace(extra, id="board/added-01", status="added")
    assert failures(checker.check([*meetings, added])) == [
        "FAIL: 3 meetings in the cycle year 2026-27; it must have exactly 2: rule 'twice a year' (F8, clause 8.1)"
    ]


def test_every_two_months_finds_the_gap(write_rules):
    rules = write_rules(body(meetings={"frequency": "every 2 months", "pattern": "second Tuesday"}))
    checker, meetings = planned(rules)
    # planned: 14 Apr, 9 Jun, 11 Aug, 13 Oct, 8 Dec 2026, 9 Feb 2027
    assert [m.date for m in meetings] == [
        D(2026, 4, 14),
        D(2026, 6, 9),
        D(2026, 8, 11),
        D(2026, 10, 13),
        D(2026, 12, 8),
        D(2027, 2, 9),
    ]
    edited = [m for m in meetings if m.date != D(2026, 8, 11)]
    # 9 Jun to 13 Oct is 126 days; 2 months + 14 days from 9 Jun is 23 Aug
    assert failures(checker.check(edited)) == [
        "FAIL: gap of 126 days from Tue 09 Jun 2026 to Tue 13 Oct 2026; at most 2 months + 14 days allowed: "
        "rule 'every 2 months' (F8, clause 8.1)"
    ]


def test_at_least_n_times_a_year(write_rules):
    rules = write_rules(body(meetings={"frequency": "at least 6 times a year", "pattern": "second Tuesday"}))
    checker, meetings = planned(rules)
    assert failures(checker.check(meetings)) == []
    assert failures(checker.check(meetings[1:])) == [
        "FAIL: 5 meetings in the cycle year 2026-27; at least 6 needed: rule 'at least 6 times a year' (F8, clause 8.1)"
    ]


def test_termly_checks_each_published_term(write_rules):
    rules = write_rules(
        body(
            id="cluster",
            cycle_start="september",
            terms="leeds",
            meetings={"frequency": "termly", "pattern": "second Wednesday"},
        )
    )
    checker, meetings = planned(rules, 2025)
    assert failures(checker.check(meetings)) == []
    without_spring = [m for m in meetings if m.date.year != 2026 or m.date.month > 3]
    assert failures(checker.check(without_spring)) == [
        "FAIL: no meeting in spring term 05 Jan 2026 to 02 Apr 2026: rule 'termly' (F8, clause 8.1)"
    ]


def test_termly_without_published_terms_cannot_be_told(write_rules):
    rules = write_rules(
        body(
            id="cluster",
            cycle_start="september",
            terms="leeds",
            meetings={"frequency": "termly", "pattern": "second Wednesday"},
        )
    )
    checker, meetings = planned(rules, 2026)
    findings = [f for f in checker.check(meetings) if f.rule == "termly"]
    assert [f.ok for f in findings] == [None, None, None]
    assert "not published" in findings[0].message


def test_meeting_in_school_holidays_fails_when_the_rule_avoids_them(write_rules):
    rules = write_rules(
        body(
            id="cluster",
            cycle_start="september",
            terms="leeds",
            meetings={"frequency": "termly", "pattern": "second Wednesday", "avoid_school_holidays": True},
        )
    )
    checker, meetings = planned(rules, 2025)
    edited = [move(m, D(2026, 2, 18)) if m.date == D(2026, 1, 14) else m for m in meetings]
    assert (
        "FAIL: meeting on Wed 18 Feb 2026 is in the school holidays: rule 'avoid school holidays' (F8, clause 8.1)"
        in failures(checker.check(edited))
    )


def test_before_and_after_each_meeting_complies_when_planned(write_rules):
    checker, meetings = planned(write_rules(STRATEGIC, EXECUTIVE))
    findings = [f for f in checker.check(meetings) if f.body == "executive"]
    assert failures(findings) == []
    assert sum(f.rule.startswith("before each") for f in findings) == 4


def test_dropping_the_meeting_after_is_reported(write_rules):
    checker, meetings = planned(write_rules(STRATEGIC, EXECUTIVE))
    edited = [m for m in meetings if m.date != D(2026, 7, 28)]  # the executive meeting after 14 Jul
    assert failures(checker.check(edited)) == [
        "FAIL: no meeting within 30 days after the Test Board meeting on Tue 14 Jul 2026: "
        "rule 'after each Test Board meeting' (F4, clause 3.2.2)"
    ]


def test_item_for_july_needs_a_meeting_in_july(write_rules):
    item = {
        "id": "annual-report",
        "name": "Annual report",
        "at": "first meeting in july",
        "ref": "A11",
        "clause": "14.1",
    }
    checker, meetings = planned(write_rules(body(items=[item])))
    edited = [m for m in meetings if m.date.month != 7]
    assert (
        "FAIL: Annual report is for July but there is no meeting in July: rule 'Annual report' (A11, clause 14.1)"
        in failures(checker.check(edited))
    )
