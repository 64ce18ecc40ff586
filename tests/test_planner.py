"""The planner: periods, preferred days, moves, relations, deadlines, items, reports.

Every expected date here was checked by hand against a printed calendar and
GOV.UK's bank-holiday list; the comment on each case says why.
"""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import EXECUTIVE, STRATEGIC, body, planner_for
from rules.errors import RuleError
from scheduler.periods import even_periods, pattern_day

D = dt.date


def meeting_dates(rules, body_id="board", year=2026):
    return [m.date for m in planner_for(rules).body_plan(body_id, year).meetings]


@pytest.mark.parametrize(
    ("month", "nth", "weekday", "expected"),
    [
        (D(2026, 4, 1), 1, 0, D(2026, 4, 6)),  # April 2026 starts on a Wednesday
        (D(2026, 5, 1), -1, 0, D(2026, 5, 25)),  # last Monday of May: Spring bank holiday
        (D(2026, 9, 1), 2, 2, D(2026, 9, 9)),  # 1 Sep 2026 is a Tuesday; Wednesdays 2, 9
        (D(2027, 1, 1), 1, 4, D(2027, 1, 1)),  # 1 Jan 2027 is itself a Friday
        (D(2026, 12, 1), -1, 4, D(2026, 12, 25)),  # last Friday of Dec 2026: Christmas Day
    ],
)
def test_pattern_day_finds_the_nth_weekday(month, nth, weekday, expected):
    assert pattern_day(month, nth, weekday) == expected


def test_monthly_meetings_move_off_easter_and_may_bank_holidays(write_rules):
    rules = write_rules(body())
    dates = meeting_dates(rules)
    assert len(dates) == 12
    assert dates[0] == D(2026, 4, 13)  # first Monday 6 Apr is Easter Monday: next Monday
    assert dates[1] == D(2026, 5, 11)  # first Monday 4 May is the early May bank holiday
    assert dates[2] == D(2026, 6, 1)  # 1 Jun 2026 is a Monday and a working day
    assert dates[4] == D(2026, 8, 3)  # England: 3 Aug is a working day
    assert dates[8] == D(2026, 12, 7)  # 1 Dec is a Tuesday; first Monday 7 Dec
    assert dates[9] == D(2027, 1, 4)  # 1 Jan 2027 is a Friday; first Monday 4 Jan
    assert dates[11] == D(2027, 3, 1)  # 1 Mar 2027 is a Monday


def test_every_move_is_explained_with_the_holiday_name(write_rules):
    plan = planner_for(write_rules(body())).body_plan("board", 2026)
    steps = plan.meetings[0].explanation.steps
    assert steps == (
        "Mon 06 Apr 2026 is not a working day (Easter Monday); moved to the next same weekday, Mon 13 Apr 2026",
    )
    assert plan.meetings[0].explanation.cite.clause == "8.1"


def test_scotland_moves_off_its_first_monday_in_august_holiday(write_rules):
    rules = write_rules(body(nation="scotland"))
    assert meeting_dates(rules)[4] == D(2026, 8, 10)  # 3 Aug 2026: Scotland's summer bank holiday


def test_last_monday_moves_back_when_the_rule_says_previous(write_rules):
    rules = write_rules(body(meetings={"pattern": "last Monday", "if_unavailable": "previous same weekday"}))
    dates = meeting_dates(rules)
    assert dates[1] == D(2026, 5, 18)  # 25 May Spring bank holiday -> 18 May
    assert dates[4] == D(2026, 8, 24)  # 31 Aug Summer bank holiday (England) -> 24 Aug


def test_st_andrews_day_differs_by_nation(write_rules):
    last_monday = {"pattern": "last Monday", "if_unavailable": "previous same weekday"}
    england = meeting_dates(write_rules(body(meetings=last_monday)))
    scotland = meeting_dates(write_rules(body(meetings=last_monday, nation="scotland")))
    assert england[7] == D(2026, 11, 30)  # 30 Nov 2026 is a Monday, a working day in England
    assert scotland[7] == D(2026, 11, 23)  # ... and St Andrew's Day in Scotland
    assert scotland[4] == D(2026, 8, 31)  # Scotland has no late-August bank holiday


def test_northern_ireland_moves_off_st_patricks_day(write_rules):
    rules = write_rules(body(nation="northern-ireland", meetings={"pattern": "third Wednesday"}))
    # 17 Mar 2027 is the third Wednesday of March (3, 10, 17) and St Patrick's Day in NI
    assert meeting_dates(rules)[11] == D(2027, 3, 24)


def test_a_clash_without_a_move_rule_is_a_problem_not_a_silent_move(write_rules):
    rules = write_rules(body(meetings={"if_unavailable": "error"}))
    plan = planner_for(rules).body_plan("board", 2026)
    assert len(plan.meetings) == 10  # April and May have no meeting
    first = plan.problems[0]
    assert "Mon 06 Apr 2026" in first.message and "Easter Monday" in first.message
    assert (first.cite.ref, first.cite.clause) == ("F8", "8.1") and str(first).endswith("(F8, clause 8.1)")
    assert first.as_dict() == {"message": first.message, "ref": "F8", "clause": "8.1"}  # as plan --json gives it


def test_closures_move_meetings(write_rules):
    closure = [{"from": "27 December", "to": "31 December", "every_year": True, "reason": "council closure"}]
    rules = write_rules(body(closures=closure, meetings={"pattern": "last Tuesday"}))
    # last Tuesday of Dec 2026 is 29 Dec, inside the closure: next Tuesday is 5 Jan, outside December
    plan = planner_for(rules).body_plan("board", 2026)
    assert len(plan.meetings) == 11
    assert any("Tue 29 Dec 2026 is not a working day (closure: council closure)" in p for p in map(str, plan.problems))


def test_twice_yearly_uses_the_named_months(write_rules):
    rules = write_rules(
        body(meetings={"frequency": "twice a year", "months": ["june", "december"], "pattern": "second Thursday"})
    )
    assert meeting_dates(rules) == [D(2026, 6, 11), D(2026, 12, 10)]  # Thursdays 4, 11 Jun; 3, 10 Dec


def test_a_month_outside_its_period_is_a_problem(write_rules):
    rules = write_rules(
        body(meetings={"frequency": "twice a year", "months": ["december", "june"], "pattern": "second Thursday"})
    )
    plan = planner_for(rules).body_plan("board", 2026)
    assert any("December is not in period 1" in p for p in map(str, plan.problems))


def test_quarterly_middle_month(write_rules):
    rules = write_rules(body(meetings={"frequency": "quarterly", "position": "middle", "pattern": "second Tuesday"}))
    # quarters from April: middle months May, Aug, Nov, Feb; Tuesdays 12 May, 11 Aug, 10 Nov, 9 Feb
    assert meeting_dates(rules) == [D(2026, 5, 12), D(2026, 8, 11), D(2026, 11, 10), D(2027, 2, 9)]


def test_n_times_a_year_with_named_months_meets_in_those_months(write_rules):
    """ "Monthly except August": eleven meetings, one in each named month, none in August."""
    months = ["april", "may", "june", "july", "september", "october", "november", "december"]
    months += ["january", "february", "march"]
    rules = write_rules(body(meetings={"frequency": "11 times a year", "months": months, "pattern": "first Wednesday"}))
    # First Wednesdays, counted on a calendar: 1 Apr, 6 May, 3 Jun, 1 Jul, (no August), 2 Sep, 7 Oct,
    # 4 Nov, 2 Dec 2026; 6 Jan, 3 Feb, 3 Mar 2027. Each period is its named month: August is in none.
    assert meeting_dates(rules) == [
        D(2026, 4, 1), D(2026, 5, 6), D(2026, 6, 3), D(2026, 7, 1), D(2026, 9, 2), D(2026, 10, 7),
        D(2026, 11, 4), D(2026, 12, 2), D(2027, 1, 6), D(2027, 2, 3), D(2027, 3, 3),
    ]  # fmt: skip
    assert not planner_for(rules).body_plan("board", 2026).problems


def test_named_months_that_are_not_evenly_spread_still_each_hold_a_meeting(write_rules):
    rules = write_rules(
        body(
            meetings={
                "frequency": "4 times a year",
                "months": ["june", "july", "january", "march"],
                "pattern": "second Tuesday",
            }
        )
    )
    # Second Tuesdays: 9 Jun, 14 Jul 2026; 12 Jan, 9 Mar 2027 (1 Jun and 6 Jul 2026, 5 Jan and 2 Mar 2027 are Tuesdays)
    assert meeting_dates(rules) == [D(2026, 6, 9), D(2026, 7, 14), D(2027, 1, 12), D(2027, 3, 9)]


def test_a_month_named_twice_is_refused(write_rules):
    with pytest.raises(RuleError, match="names june twice"):
        write_rules(body(meetings={"frequency": "twice a year", "months": ["june", "june"], "pattern": "first Monday"}))


def test_even_periods_split_a_year_that_months_do_not_divide():
    periods = even_periods(D(2026, 4, 1), D(2027, 3, 31), 5)
    assert periods[0].first == D(2026, 4, 1) and periods[-1].last == D(2027, 3, 31)
    assert all(a.last + dt.timedelta(days=1) == b.first for a, b in zip(periods, periods[1:], strict=False))


def termly(**meetings):
    return body(
        id="cluster",
        cycle_start="september",
        terms="leeds",
        meetings={
            "frequency": "at least termly",
            "pattern": "second Wednesday",
            "avoid_school_holidays": True,
            **meetings,
        },
    )


def test_termly_meetings_sit_inside_leeds_terms(write_rules):
    rules = write_rules(termly())
    plan = planner_for(rules).body_plan("cluster", 2025)
    # autumn term from 1 Sep 2025: Wednesdays 3, 10 Sep -> 10 Sep
    # spring term from 5 Jan 2026: Wednesdays 7, 14 Jan -> 14 Jan
    # summer term from 20 Apr 2026: 8 Apr and 15 Apr are in the Easter holiday -> 22 Apr
    assert [m.date for m in plan.meetings] == [D(2025, 9, 10), D(2026, 1, 14), D(2026, 4, 22)]
    assert plan.notes == []


def test_termly_meeting_avoids_half_term(write_rules):
    rules = write_rules(
        termly(pattern="last Monday", months=["october", "february", "may"], if_unavailable="previous same weekday")
    )
    plan = planner_for(rules).body_plan("cluster", 2025)
    # last Monday of Oct 2025 is 27 Oct, in the autumn half-term (27-31 Oct): back to 20 Oct
    # last Monday of Feb 2026 is 23 Feb, after the half-term (16-20 Feb): kept
    # last Monday of May 2026 is 25 May, bank holiday and half-term (25-29 May): back to 18 May
    assert [m.date for m in plan.meetings] == [D(2025, 10, 20), D(2026, 2, 23), D(2026, 5, 18)]
    assert "autumn half-term" in plan.meetings[0].explanation.steps[0]


def test_unpublished_terms_are_planned_by_month_and_said_so(write_rules):
    plan = planner_for(write_rules(termly())).body_plan("cluster", 2026)
    # Leeds 2026-27 dates are not published: autumn from Sep, spring from Jan, summer from Apr. Second
    # Wednesdays 9 Sep 2026 (2, 9), 13 Jan 2027 (6, 13), 14 Apr 2027 (7, 14); 14 Apr is in the estimated
    # Easter holiday (the first two full weeks of April, 5-16 Apr 2027): next same weekday, Wed 21 Apr
    assert [m.date for m in plan.meetings] == [D(2026, 9, 9), D(2027, 1, 13), D(2027, 4, 21)]
    assert "2026-27 are not published" in plan.notes[0]


def test_before_and_after_brackets_each_meeting(write_rules):
    rules = write_rules(STRATEGIC, EXECUTIVE)
    assert list(rules.bodies) == ["strategic", "executive"]
    # strategic: Tue 14 Apr, 14 Jul, 13 Oct 2026, 12 Jan 2027
    assert meeting_dates(rules, "strategic") == [D(2026, 4, 14), D(2026, 7, 14), D(2026, 10, 13), D(2027, 1, 12)]
    dates = meeting_dates(rules, "executive")
    # before 14 Apr: 13,10,9,8,7 (6 Easter Mon, 3 Good Fri) 2,1,31 Mar,30,27 -> 27 Mar 2026, previous cycle
    assert D(2026, 3, 27) not in dates
    assert D(2026, 4, 28) in dates  # after 14 Apr: 15,16,17,20,21,22,23,24,27,28
    assert D(2026, 6, 30) in dates  # before 14 Jul: 13,10,9,8,7,6,3,2,1 Jul,30 Jun
    assert D(2027, 1, 26) in dates  # after 12 Jan 2027: 13,14,15,18,19,20,21,22,25,26
    assert D(2026, 12, 24) in dates  # before 12 Jan 2027: 11,8,7,6,5,4, (1 Jan) 31,30,29, (28, 25) 24
    assert D(2027, 3, 30) in dates  # before Tue 13 Apr 2027 (next cycle): 12,9,8,7,6,5,2,1 Apr,31,30 Mar
    assert len(dates) == 8


def test_annual_items_and_their_papers(write_rules):
    rules = write_rules(
        body(
            items=[
                {
                    "id": "annual-report",
                    "name": "Annual report",
                    "at": "first meeting in july",
                    "papers": "8 working days before",
                    "ref": "A11",
                    "clause": "14.1",
                },
                {"id": "budget", "name": "Budget review", "by": "29 March", "ref": "A13", "clause": "4.2"},
                {"id": "tor", "name": "ToR review", "at": "last meeting", "ref": "A1", "clause": "x"},
            ]
        )
    )
    plan = planner_for(rules).body_plan("board", 2026)
    items = {i.rule: i for i in plan.items}
    assert items["annual-report"].date == D(2026, 7, 6)  # first Monday of July 2026
    papers = next(d for d in plan.deadlines if d.rule == "annual-report-papers")
    assert papers.date == D(2026, 6, 24)  # 8 working days before Mon 6 Jul: 3,2,1,30,29,26,25,24 Jun
    # 29 Mar 2027 is Easter Monday, 28/27 the weekend, 26 Good Friday: due Thu 25 Mar
    assert items["budget"].date == D(2027, 3, 25)
    assert items["tor"].date == D(2027, 3, 1)


def test_item_for_a_month_without_a_meeting_is_a_problem(write_rules):
    rules = write_rules(
        body(
            meetings={"frequency": "quarterly", "pattern": "second Tuesday"},
            items=[
                {
                    "id": "annual-report",
                    "name": "Annual report",
                    "at": "first meeting in august",
                    "ref": "A11",
                    "clause": "14.1",
                }
            ],
        )
    )
    plan = planner_for(rules).body_plan("board", 2026)
    assert any("no meeting is planned in August" in p for p in map(str, plan.problems))


def test_first_review_within_six_months_of_establishment(write_rules):
    rules = write_rules(
        body(
            established="2026-05-20",
            items=[
                {
                    "id": "review",
                    "name": "Constitution review",
                    "at": "last meeting",
                    "first_within": "6 months",
                    "ref": "A12",
                    "clause": "15.1",
                }
            ],
        )
    )
    review = planner_for(rules).body_plan("board", 2026).items[0]
    # within 6 months of 20 May 2026 (to 20 Nov): the last meeting by then is Mon 2 Nov 2026
    assert review.date == D(2026, 11, 2)


def test_reports_fall_before_the_other_bodys_first_meeting_each_quarter(write_rules):
    group = body(
        id="group",
        meetings={"frequency": "quarterly", "pattern": "first Thursday"},
        reports=[
            {"to": "strategic", "per": "quarter", "offset": "8 working days before", "ref": "F11", "clause": "13.5"}
        ],
    )
    plan = planner_for(write_rules(STRATEGIC, group)).body_plan("group", 2026)
    reports = [d for d in plan.deadlines if d.rule == "report-strategic"]
    # before Tue 14 Apr 2026: 13, 10, 9, 8, 7, (6, 3 holidays) 2, 1 Apr, 31 Mar -> Tue 31 Mar
    assert reports[0].date == D(2026, 3, 31)
    assert [r.meeting for r in reports] == [f"strategic/2026-27/meeting-0{i}" for i in range(1, 5)]
    assert reports[0].due.isoformat() == "2026-03-31T17:00:00+01:00"  # BST from 29 Mar 2026


def test_plan_defaults_to_the_cycle_containing_today(write_rules):
    today = dt.date(2027, 3, 31)  # the April cycle starting in 2026 holds it; 1 April starts the next
    assert [p.label for p in planner_for(write_rules(body())).plan(today=today)] == ["2026-27"]
    assert [p.label for p in planner_for(write_rules(body())).plan(today=today + dt.timedelta(days=1))] == ["2027-28"]


@pytest.mark.parametrize(
    ("text", "parts", "in_cycle", "kind"),
    [
        (
            "worcestershire-jcb/2026-27/meeting-05",
            ("worcestershire-jcb", "2026-27", "meeting-05", ""),
            "meeting-05",
            "meeting",
        ),
        (
            "worcestershire-jcb/2026-27/meeting-05/papers",
            ("worcestershire-jcb", "2026-27", "meeting-05", "papers"),
            "meeting-05/papers",
            "meeting",
        ),
        ("leeds-cluster/2026-27/before-02", ("leeds-cluster", "2026-27", "before-02", ""), "before-02", "before"),
        (
            "board/2026/annual-report/papers",
            ("board", "2026", "annual-report", "papers"),
            "annual-report/papers",
            "annual",
        ),
    ],
)
def test_an_occurrence_id_reads_into_its_parts_and_back(text, parts, in_cycle, kind):
    from scheduler.occurrences import OccurrenceId

    read = OccurrenceId.parse(text)
    assert tuple(read) == parts and str(read) == text and read.in_cycle == in_cycle and read.kind == kind
    assert read.year == int(parts[1][:4]) and OccurrenceId.body_of(text) == parts[0]


@pytest.mark.parametrize(
    "text", ["nonsense", "board/x/meeting-01", "board//meeting-01", "a/2026-27/b/c/d", "", "board/²026-27/meeting-01"]
)
def test_a_text_that_is_not_an_occurrence_id_is_said_so(text):
    from rules.errors import RuleError
    from scheduler.occurrences import OccurrenceId

    with pytest.raises(RuleError, match="is not a date's id"):
        OccurrenceId.parse(text)
