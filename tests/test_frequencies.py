"""Frequency kinds: the registry's wordings, the two kinds it added ("monthly except MONTHS",
"in MONTHS"), termly's "once each school term", and a kind added by a test in one place.

Every date here was counted by hand on a printed calendar for the years named; England and
Wales bank holidays 2027-28: 3 and 31 May, 30 Aug, 27 and 28 Dec 2027, 3 Jan 2028.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from conftest import body, planner_for
from rules.errors import RuleError
from rules.frequencies import KINDS, Compliance, Cut, Kind, Shape, parse_frequency, register
from scheduler.checker import Checker
from scheduler.occurrences import Status
from scheduler.workdays import at_time

D = dt.date


def plan(rules, year):
    planner = planner_for(rules)
    return planner, planner.body_plan("board", year)


def failures(findings):
    return [str(f) for f in findings if f.ok is False]


def moved(meeting, day, status=Status.MOVED):
    start = at_time(day, meeting.start.time())
    return dataclasses.replace(meeting, date=day, start=start, end=start + (meeting.end - meeting.start), status=status)


@pytest.mark.parametrize(
    ("text", "kind", "count", "months"),
    [
        ("monthly except August", "monthly except MONTHS", 11, (8,)),
        ("Monthly except August and December", "monthly except MONTHS", 10, (8, 12)),
        ("every month except in Aug", "monthly except MONTHS", 11, (8,)),
        ("in March, June, September and December", "in MONTHS", 4, (3, 6, 9, 12)),
        ("in March, June, September, and December", "in MONTHS", 4, (3, 6, 9, 12)),
        ("in June", "in MONTHS", 1, (6,)),
        ("once each school term", "termly", 1, ()),
        ("once a term", "termly", 1, ()),
        ("each term", "termly", 1, ()),
        ("at least once per term", "termly", 1, ()),
    ],
)
def test_the_new_wordings(text, kind, count, months):
    frequency = parse_frequency(text)
    assert (frequency.kind, frequency.count, frequency.months) == (kind, count, months)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("monthly except Agust", "'agust' is not a month"),
        ("in March and Jnue", "'jnue' is not a month"),
        ("monthly except August and august", "names august twice"),
    ],
)
def test_bad_month_names_are_refused(text, reason):
    with pytest.raises(RuleError, match=reason):
        parse_frequency(text)


def test_monthly_except_august_board_in_2027_28(write_rules):
    rules = write_rules(body(meetings={"frequency": "monthly except August", "pattern": "second Tuesday"}))
    planner, board = plan(rules, 2027)
    # The cycle runs from April 2027 to March 2028; eleven months, August left out. Second
    # Tuesdays, counted on the calendar (none a bank holiday): Apr 2027 (Tue 6, 13) 13 Apr;
    # May (4, 11) 11 May; Jun (1, 8) 8 Jun; Jul (6, 13) 13 Jul; no August (it would be
    # 10 Aug); Sep (7, 14) 14 Sep; Oct (5, 12) 12 Oct; Nov (2, 9) 9 Nov; Dec (7, 14) 14 Dec;
    # Jan 2028 (4, 11) 11 Jan; Feb (1, 8) 8 Feb; Mar (7, 14) 14 Mar.
    assert [m.date for m in board.meetings] == [
        D(2027, 4, 13), D(2027, 5, 11), D(2027, 6, 8), D(2027, 7, 13), D(2027, 9, 14), D(2027, 10, 12),
        D(2027, 11, 9), D(2027, 12, 14), D(2028, 1, 11), D(2028, 2, 8), D(2028, 3, 14),
    ]  # fmt: skip
    assert not board.problems
    assert board.meetings[4].explanation.anchor.startswith("period September 2027")
    checker = Checker(planner)
    findings = checker.check(board.meetings)
    assert failures(findings) == []
    frequency = [f.message for f in findings if f.rule == "monthly except August"]
    assert frequency[0] == "meeting in April 2027 on Tue 13 Apr 2027" and len(frequency) == 11


def test_monthly_except_august_fails_a_meeting_in_august_or_a_month_without_one(write_rules):
    rules = write_rules(body(meetings={"frequency": "monthly except August", "pattern": "second Tuesday"}))
    planner, board = plan(rules, 2027)
    checker = Checker(planner)
    # The July meeting moved to Tue 10 Aug 2027 (a working day): July has none, August has one.
    edited = [moved(m, D(2027, 8, 10)) if m.date == D(2027, 7, 13) else m for m in board.meetings]
    assert failures(checker.check(edited)) == [
        "FAIL: no meeting in July 2027: rule 'monthly except August' (F8, clause 8.1)",
        "FAIL: meeting on Tue 10 Aug 2027, in August, a month the rule leaves out: "
        "rule 'monthly except August' (F8, clause 8.1)",
    ]
    # An extraordinary meeting in August is called as business needs: not a failure.
    extraordinary = dataclasses.replace(moved(board.meetings[3], D(2027, 8, 10), "extraordinary"), id="x")
    assert failures(checker.check([*board.meetings, extraordinary])) == []


def test_a_board_meeting_in_march_june_september_and_december(write_rules):
    rules = write_rules(
        body(meetings={"frequency": "in March, June, September and December", "pattern": "third Wednesday"})
    )
    planner, board = plan(rules, 2027)
    # Cycle April 2027 to March 2028, so June comes first. Third Wednesdays: Jun 2027 (2, 9, 16)
    # 16 Jun; Sep (1, 8, 15) 15 Sep; Dec (1, 8, 15) 15 Dec; Mar 2028 (1, 8, 15) 15 Mar.
    assert [m.date for m in board.meetings] == [D(2027, 6, 16), D(2027, 9, 15), D(2027, 12, 15), D(2028, 3, 15)]
    checker = Checker(planner)
    assert failures(checker.check(board.meetings)) == []
    # The September meeting moved to Wed 6 Oct 2027: September has none. A meeting in a month
    # not named is no failure: the rule names when the meetings are, it forbids no other.
    edited = [moved(m, D(2027, 10, 6)) if m.date == D(2027, 9, 15) else m for m in board.meetings]
    assert failures(checker.check(edited)) == [
        "FAIL: no meeting in September 2027: rule 'in March, June, September and December' (F8, clause 8.1)"
    ]


def test_a_named_month_meeting_is_not_moved_out_of_its_month(write_rules):
    rules = write_rules(body(meetings={"frequency": "in May", "pattern": "last Monday"}))
    _, board = plan(rules, 2027)
    # Last Monday of May 2027 is 31 May, the Spring bank holiday; the next Monday, 7 Jun,
    # is outside May, so the plan says so rather than meet in June.
    assert board.meetings == []
    assert "no available day in May 2027" in str(board.problems[0])


@pytest.fixture
def twice_a_term():
    """A kind added in one place, here: two meetings in each school term."""
    kind = register(
        Kind(
            "twice a term",
            ("twice (?:a|each|per) (?:school )?term",),
            lambda frequency, months: Cut(Shape.TERMS),
            Compliance.EACH_PERIOD,
            "two in each school term",
            "≥ 2 inside every term",
            per_period=2,
        )
    )
    yield kind
    del KINDS[kind.name]


def test_a_kind_added_in_one_module_plans_and_checks(write_rules, twice_a_term):
    rules = write_rules(
        body(
            cycle_start="september",
            terms="leeds",
            meetings={"frequency": "twice a term", "pattern": "second Wednesday"},
        )
    )
    planner, board = plan(rules, 2025)
    # Leeds 2025-26: autumn 1 Sep-19 Dec 2025, spring 5 Jan-2 Apr, summer 20 Apr-21 Jul 2026,
    # each cut in two by whole months: autumn Sep-Oct and Nov-19 Dec; spring 5 Jan-Feb and
    # Mar-2 Apr; summer 20 Apr-May and Jun-21 Jul. Second Wednesdays: 10 Sep, 12 Nov 2025;
    # 14 Jan, 11 Mar 2026; 8 Apr 2026 is before the summer term, moved a week at a time
    # (15 Apr, still before it) to 22 Apr; 10 Jun 2026.
    assert [m.date for m in board.meetings] == [
        D(2025, 9, 10), D(2025, 11, 12), D(2026, 1, 14), D(2026, 3, 11), D(2026, 4, 22), D(2026, 6, 10),
    ]  # fmt: skip
    checker = Checker(planner)
    assert failures(checker.check(board.meetings)) == []
    without = [m for m in board.meetings if m.date != D(2025, 11, 12)]
    assert failures(checker.check(without)) == [
        "FAIL: 1 meeting in autumn term 01 Sep 2025 to 19 Dec 2025; at least 2 needed: "
        "rule 'twice a term' (F8, clause 8.1)"
    ]


def test_without_the_kind_its_wording_is_refused():
    with pytest.raises(RuleError, match="not a frequency"):
        parse_frequency("twice a term")
