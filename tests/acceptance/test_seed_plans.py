"""The built-in seed bodies' 2026-27 cycle, checked by hand against the calendar.

Each case names the clause it exercises (docs/seeds/README.md). Dates were
counted on a printed calendar with GOV.UK's 2026-27 bank holidays: Good Friday
3 Apr and Easter Monday 6 Apr 2026; 4 and 25 May; 31 Aug; 25 and 28 Dec 2026;
1 Jan, 26 and 29 Mar, 3 and 31 May 2027.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from conftest import planner_for
from rules.loader import load_rules
from scheduler.checker import Checker
from scheduler.extraordinary import Request, propose
from scheduler.workdays import LONDON, working_calendar

D = dt.date
RULES = load_rules()
PLANNER = planner_for(RULES)


def plan(body_id: str, year: int = 2026):
    return PLANNER.body_plan(body_id, year)


def dates(body_id: str, year: int = 2026) -> list[dt.date]:
    return [m.date for m in plan(body_id, year).meetings]


def occurrence(occurrence_id: str):
    body_id, label = occurrence_id.split("/")[:2]
    found = {o.id: o for o in plan(body_id, int(label[:4])).occurrences()}
    return found[occurrence_id]


MEETINGS = [
    # F1 twice a year, June and December, second Thursday: Thu 4, 11 Jun; Thu 3, 10 Dec
    pytest.param("cambridgeshire-executive-partnership", [D(2026, 6, 11), D(2026, 12, 10)], id="F1"),
    # F2 every 2 months from September, third Wednesday: 2, 9, 16 Sep; 4, 11, 18 Nov; 6, 13, 20 Jan;
    # 3, 10, 17 Mar; 5, 12, 19 May; 7, 14, 21 Jul
    pytest.param(
        "leeds-area-partnership",
        [D(2026, 9, 16), D(2026, 11, 18), D(2027, 1, 20), D(2027, 3, 17), D(2027, 5, 19), D(2027, 7, 21)],
        id="F2",
    ),
    # F3 quarterly, middle month (May, Aug, Nov, Feb), second Tuesday: 5, 12 May; 4, 11 Aug; 3, 10 Nov; 2, 9 Feb.
    # The Board has school members and avoids school holidays: Tue 11 Aug is in August, every English
    # school's summer holiday, so the quarter's other months are tried, nearest first: second Tuesdays
    # 14 Jul (7, 14) and 8 Sep (1, 8) are both 28 days away; the earlier, Tue 14 Jul
    pytest.param("suffolk-strategic-board", [D(2026, 5, 12), D(2026, 7, 14), D(2026, 11, 10), D(2027, 2, 9)], id="F3"),
    # F4 10 working days before and after each Strategic Board meeting:
    #   before 12 May: 11, 8, 7, 6, 5, (4 May bank holiday) 1, 30, 29, 28, 27 Apr -> Mon 27 Apr
    #   after 12 May: 13, 14, 15, 18, 19, 20, 21, 22, (25 May) 26, 27 -> Wed 27 May
    #   before 14 Jul: 13, 10, 9, 8, 7, 6, 3, 2, 1 Jul, 30 Jun -> Tue 30 Jun
    #   after 14 Jul: 15, 16, 17, 20, 21, 22, 23, 24, 27, 28 Jul -> Tue 28 Jul
    #   before 10 Nov: 9, 6, 5, 4, 3, 2, 30, 29, 28, 27 Oct; after: 11 ... 24 Nov
    #   before 9 Feb: 8, 5, 4, 3, 2, 1, 29, 28, 27, 26 Jan; after: 10 ... 23 Feb
    pytest.param(
        "suffolk-executive-group",
        [
            D(2026, 4, 27),
            D(2026, 5, 27),
            D(2026, 6, 30),
            D(2026, 7, 28),
            D(2026, 10, 27),
            D(2026, 11, 24),
            D(2027, 1, 26),
            D(2027, 2, 23),
        ],
        id="F4",
    ),
    # F5 within 15 working days after each Strategic Board meeting:
    #   12 May -> 13, 14, 15, 18, 19, 20, 21, 22, (25) 26, 27, 28, 29, 1, 2, 3 Jun -> Wed 3 Jun
    #   14 Jul -> 15, 16, 17, 20-24, 27-31 Jul (13 days), 3, 4 Aug -> Tue 4 Aug; the WDAG's members
    #   include schools (3.2.3) and it avoids school holidays: August is every English school's summer
    #   holiday, so back towards the Board's meeting: Mon 3 Aug (August), Sun 2, Sat 1 -> Fri 31 Jul
    #   10 Nov -> Tue 1 Dec; 9 Feb 2027 -> Tue 2 Mar 2027
    pytest.param("suffolk-wdag", [D(2026, 6, 3), D(2026, 7, 31), D(2026, 12, 1), D(2027, 3, 2)], id="F5"),
    # F6 quarterly, first Wednesday: 1 Apr, 1 Jul, 7 Oct 2026, 6 Jan 2027
    pytest.param(
        "suffolk-outcome-partnership-groups", [D(2026, 4, 1), D(2026, 7, 1), D(2026, 10, 7), D(2027, 1, 6)], id="F6"
    ),
    # F7 six two-month periods, second Thursday: 9 Apr, 11 Jun, 13 Aug, 8 Oct, 10 Dec, 11 Feb. Young people,
    # parents and schools are members and the groups avoid school holidays: Thu 13 Aug is in August, so the
    # period's other month, September: second Thursday (3, 10) -> Thu 10 Sep. Thu 9 Apr (Thursdays 2, 9)
    # is in Suffolk's Easter holiday, estimated (2025-26 is unpublished) as the week of Good Friday (3 Apr)
    # and the week after, Mon 30 Mar-Fri 10 Apr, as in 2015: May's second Thursday (7, 14) -> Thu 14 May.
    # Thu 11 Feb 2027 is before the estimated spring half-term, the week of the third Monday, 15-19 Feb.
    pytest.param(
        "suffolk-community-cluster-steering-groups",
        [D(2026, 5, 14), D(2026, 6, 11), D(2026, 9, 10), D(2026, 10, 8), D(2026, 12, 10), D(2027, 2, 11)],
        id="F7",
    ),
    # F8 monthly, third Tuesday: 7, 14, 21 Apr; 5, 12, 19 May; 2, 9, 16 Jun; ... 2, 9, 16 Mar 2027
    pytest.param(
        "worcestershire-jcb",
        [
            D(2026, 4, 21),
            D(2026, 5, 19),
            D(2026, 6, 16),
            D(2026, 7, 21),
            D(2026, 8, 18),
            D(2026, 9, 15),
            D(2026, 10, 20),
            D(2026, 11, 17),
            D(2026, 12, 15),
            D(2027, 1, 19),
            D(2027, 2, 16),
            D(2027, 3, 16),
        ],
        id="F8",
    ),  # fmt: skip
    # F9 monthly, second Wednesday: 1, 8 Apr; 6, 13 May; ... 3, 10 Mar 2027
    pytest.param(
        "worcestershire-pab",
        [
            D(2026, 4, 8),
            D(2026, 5, 13),
            D(2026, 6, 10),
            D(2026, 7, 8),
            D(2026, 8, 12),
            D(2026, 9, 9),
            D(2026, 10, 14),
            D(2026, 11, 11),
            D(2026, 12, 9),
            D(2027, 1, 13),
            D(2027, 2, 10),
            D(2027, 3, 10),
        ],
        id="F9",
    ),  # fmt: skip
    # F10 quarterly, first Thursday, each meeting before the quarterly reports to the PAB and the JCB
    # (8 working days before their first meetings of the next quarter; the report follows a meeting
    # held at most 6 weeks earlier, scheduler.reporting): the first Thursday of the quarter's last month,
    # Thu 4 Jun (reports due Fri 26 Jun, Thu 9 Jul), Thu 3 Sep (Fri 2 Oct, Thu 8 Oct),
    # Thu 3 Dec (Thu 31 Dec, Thu 7 Jan), Thu 4 Mar 2027 (PAB Wed 14 Apr 2027: Fri 2 Apr; JCB Tue 20 Apr: Thu 8 Apr)
    pytest.param(
        "worcestershire-programme-board", [D(2026, 6, 4), D(2026, 9, 3), D(2026, 12, 3), D(2027, 3, 4)], id="F10"
    ),
    # F11 quarterly, second Monday, before each quarterly report to the JCB (Thu 9 Jul, 8 Oct, 7 Jan,
    # 8 Apr 2027): Mon 8 Jun (Mondays 1, 8), 14 Sep (7, 14), 14 Dec (7, 14), 8 Mar 2027 (1, 8)
    pytest.param("worcestershire-jcgs", [D(2026, 6, 8), D(2026, 9, 14), D(2026, 12, 14), D(2027, 3, 8)], id="F11"),
    # F12 quarterly, fourth Monday: 27 Apr, 27 Jul, 26 Oct 2026, 25 Jan 2027
    pytest.param("worcestershire-emrg", [D(2026, 4, 27), D(2026, 7, 27), D(2026, 10, 26), D(2027, 1, 25)], id="F12"),
    # F13 termly (Leeds 2026-27 not published: by month), Nov/Mar/Jun, third Wednesday: 18 Nov, 17 Mar, 16 Jun
    pytest.param("leeds-cluster-partnership", [D(2026, 11, 18), D(2027, 3, 17), D(2027, 6, 16)], id="F13"),
    # F14 each term, Oct/Feb/May, first Tuesday: 6 Oct, 2 Feb, 4 May 2027 (3 May is a bank holiday, a Monday)
    pytest.param("leeds-cluster-chairs", [D(2026, 10, 6), D(2027, 2, 2), D(2027, 5, 4)], id="F14"),
    # F15 annually in June, last Wednesday: 2, 9, 16, 23, 30 Jun 2027
    pytest.param("leeds-cluster-network", [D(2027, 6, 30)], id="F15"),
]


@pytest.mark.parametrize(("body_id", "expected"), MEETINGS)
def test_meetings_2026_27(body_id, expected):
    assert dates(body_id) == expected


def test_leeds_clusters_in_published_terms_2025_26():
    # F13: autumn 1 Sep-19 Dec 2025, spring 5 Jan-2 Apr, summer 20 Apr-21 Jul 2026:
    # third Wednesdays 19 Nov 2025, 18 Mar 2026, 17 Jun 2026, each inside its term
    assert dates("leeds-cluster-partnership", 2025) == [D(2025, 11, 19), D(2026, 3, 18), D(2026, 6, 17)]
    assert plan("leeds-cluster-partnership", 2025).notes == []
    # F14: first Tuesdays 7 Oct 2025, 3 Feb 2026, 5 May 2026 (4 May is a bank holiday, a Monday)
    assert dates("leeds-cluster-chairs", 2025) == [D(2025, 10, 7), D(2026, 2, 3), D(2026, 5, 5)]


DEADLINES = [
    # D1 5 clear working days before Thu 11 Jun: 10, 9, 8, 5, 4 Jun -> Wed 3 Jun
    pytest.param("cambridgeshire-executive-partnership/2026-27/meeting-01/papers", D(2026, 6, 3), "17:00", id="D1"),
    # D2 15 working days before Thu 11 Jun, back over the 25 May bank holiday -> Wed 20 May
    pytest.param(
        "cambridgeshire-executive-partnership/2026-27/meeting-01/agenda-items", D(2026, 5, 20), "17:00", id="D2"
    ),
    # D3 before the meeting: the meeting's start, Thu 11 Jun 14:00 BST
    pytest.param(
        "cambridgeshire-executive-partnership/2026-27/meeting-01/substitute-notice", D(2026, 6, 11), "14:00", id="D3"
    ),
    # D4 within 10 working days after Thu 10 Dec: 11, 14-18, 21-24 -> Thu 24 Dec, in the County Council's
    # Christmas closure (24 Dec-1 Jan) the body avoids: the last working day before it, Wed 23 Dec
    pytest.param(
        "cambridgeshire-executive-partnership/2026-27/meeting-02/minutes-published", D(2026, 12, 23), "17:00", id="D4"
    ),
    # D5 8 clear working days before Wed 18 Nov (read as D6 is): 17, 16, 13, 12, 11, 10, 9, 6 -> Thu 5 Nov
    pytest.param("leeds-cluster-partnership/2026-27/meeting-01/reports", D(2026, 11, 5), "17:00", id="D5"),
    # D6 5 clear working days before Wed 18 Nov: 17, 16, 13, 12, 11 -> Tue 10 Nov
    pytest.param("leeds-cluster-partnership/2026-27/meeting-01/papers", D(2026, 11, 10), "17:00", id="D6"),
    # D7 draft minutes within 5 working days after Wed 17 Mar 2027: 18, 19, 22, 23, 24 -> Wed 24 Mar;
    # comments 5 more: 25, (26 Good Friday, 29 Easter Monday) 30, 31 Mar, 1, 2 Apr -> Fri 2 Apr
    pytest.param("leeds-cluster-partnership/2026-27/meeting-02/draft-minutes", D(2027, 3, 24), "17:00", id="D7"),
    pytest.param(
        "leeds-cluster-partnership/2026-27/meeting-02/minutes-comments", D(2027, 4, 2), "17:00", id="D7-comments"
    ),
    # D8 within one week after Thu 14 May 2026 -> Thu 21 May (a working day)
    pytest.param(
        "suffolk-community-cluster-steering-groups/2026-27/meeting-01/minutes", D(2026, 5, 21), "17:00", id="D8"
    ),
    # D9 at the next meeting: Tue 15 Dec 2026 -> Tue 19 Jan 2027 14:00; the cycle's last (16 Mar 2027)
    # -> the next cycle's first, third Tuesday of April 2027 (6, 13, 20) -> 20 Apr 2027
    pytest.param("worcestershire-jcb/2026-27/meeting-09/minutes-approved", D(2027, 1, 19), "14:00", id="D9"),
    pytest.param("worcestershire-jcb/2026-27/meeting-12/minutes-approved", D(2027, 4, 20), "14:00", id="D9-next-cycle"),
    # D12 the chair agrees the agenda the working day before the papers go out (Tue 10 Nov) -> Mon 9 Nov
    pytest.param("leeds-cluster-partnership/2026-27/meeting-01/agenda-agreed", D(2026, 11, 9), "17:00", id="D12"),
    # D10 within 1 working day after Wed 16 Sep 2026 -> Thu 17 Sep
    pytest.param("leeds-area-partnership/2026-27/meeting-01/veto-reasons", D(2026, 9, 17), "17:00", id="D10"),
]


@pytest.mark.parametrize(("deadline_id", "expected", "time"), DEADLINES)
def test_deadlines_2026_27(deadline_id, expected, time):
    deadline = occurrence(deadline_id)
    assert deadline.date == expected
    assert f"{deadline.due:%H:%M}" == time
    assert deadline.due.utcoffset() == LONDON.utcoffset(dt.datetime.combine(expected, deadline.due.time()))


def test_D11_resolution_notice_goes_with_the_meeting_notice_only_when_tagged():
    body = "leeds-area-partnership"
    planned = plan(body)
    assert not any(d.rule == "resolution-notice" for d in planned.deadlines)
    tagged = [
        dataclasses.replace(m, tags=("constitution-change",)) if i == 1 else m for i, m in enumerate(planned.meetings)
    ]
    derived = PLANNER.derive(body, 2026, tagged)
    notice = {d.rule: d.date for d in derived.deadlines if d.meeting == tagged[1].id}
    # Wed 18 Nov: 5 clear working days 17, 16, 13, 12, 11 -> Tue 10 Nov, the same day as the meeting notice
    assert notice["resolution-notice"] == notice["meeting-notice"] == D(2026, 11, 10)


ITEMS = [
    pytest.param("cambridgeshire-executive-partnership/2026-27/terms-review", D(2026, 12, 10), id="A1"),
    pytest.param("cambridgeshire-executive-partnership/2026-27/hwb-progress-report", D(2026, 6, 11), id="A2"),
    pytest.param("leeds-area-partnership/2026-27/chair-confirmed", D(2026, 9, 16), id="A3"),
    pytest.param("leeds-area-partnership/2026-27/annual-report", D(2027, 7, 21), id="A4"),
    pytest.param("suffolk-strategic-board/2026-27/scb-annual-report", D(2026, 11, 10), id="A6"),
    pytest.param("suffolk-wdag/2026-27/annual-report", D(2027, 3, 2), id="A8"),
    pytest.param("suffolk-community-cluster-steering-groups/2026-27/officers-elected", D(2026, 5, 14), id="A9"),
    pytest.param("suffolk-strategic-board/2026-27/dates-published", D(2027, 2, 9), id="A10"),
    # A11 the annual report for July: the first July meeting, Tue 21 Jul 2026
    pytest.param("worcestershire-jcb/2026-27/annual-report", D(2026, 7, 21), id="A11"),
    pytest.param("worcestershire-jcb/2026-27/constitution-review", D(2027, 3, 16), id="A12"),
    pytest.param("worcestershire-jcb/2026-27/pooled-budget-review", D(2026, 4, 21), id="A13"),
    pytest.param("leeds-cluster-partnership/2026-27/mid-year-report", D(2027, 3, 17), id="A14"),
    # A16 the WSCB's Annual Business Plan at the JCB's first meeting of the year, Tue 21 Apr 2026
    pytest.param("worcestershire-jcb/2026-27/wscb-business-plan", D(2026, 4, 21), id="A16"),
]


@pytest.mark.parametrize(("item_id", "expected"), ITEMS)
def test_items_2026_27(item_id, expected):
    assert occurrence(item_id).date == expected


def test_A11_annual_report_papers_are_due_8_working_days_before_the_july_meeting():
    # Tue 21 Jul 2026: 20, 17, 16, 15, 14, 13, 10, 9 Jul -> Thu 9 Jul
    assert occurrence("worcestershire-jcb/2026-27/annual-report/papers").date == D(2026, 7, 9)


def test_A15_the_documents_review_date_appears_in_its_own_cycle_only():
    # 30 Nov 2012 was a Friday, a working day
    assert [i.date for i in plan("leeds-cluster-partnership", 2012).items if i.rule == "document-review"] == [
        D(2012, 11, 30)
    ]
    assert not any(i.rule == "document-review" for i in plan("leeds-cluster-partnership").items)


def test_A5_six_months_notice_of_withdrawal():
    notice = RULES["leeds-area-partnership"].notices[0]
    calendar = working_calendar()
    # leaving on Wed 31 Mar 2027: notice by 30 Sep 2026, a Wednesday and a working day
    assert calendar.shift(D(2027, 3, 31), notice.period) == D(2026, 9, 30)
    # leaving on Mon 28 Jun 2027: six months back is Mon 28 Dec 2026, the Boxing Day substitute;
    # 27 and 26 are the weekend, 25 Christmas Day -> Thu 24 Dec 2026
    assert calendar.shift(D(2027, 6, 28), notice.period) == D(2026, 12, 24)


def test_A7_follow_up_thresholds_per_body():
    assert RULES["suffolk-strategic-board"].attendance.follow_up_after == 2
    assert RULES["suffolk-executive-group"].attendance.follow_up_after == 3


REPORTS = [
    # F6 to the Executive Group, 10 working days before its first meeting each quarter:
    # Mon 27 Apr 2026: 24, 23, 22, 21, 20, 17, 16, 15, 14, 13 Apr -> Mon 13 Apr
    pytest.param(
        "suffolk-outcome-partnership-groups/2026-27/report-suffolk-executive-group-1", D(2026, 4, 13), id="F6-report"
    ),
    # F10 to the PAB, 8 working days before Wed 8 Apr 2026: 7, (6 Easter Monday, 3 Good Friday)
    # 2, 1 Apr, 31, 30, 27, 26, 25 Mar -> Wed 25 Mar
    pytest.param(
        "worcestershire-programme-board/2026-27/report-worcestershire-pab-1", D(2026, 3, 25), id="F10-report-pab"
    ),
    # ... and to the JCB, 8 working days before Tue 21 Apr: 20, 17, 16, 15, 14, 13, 10, 9 Apr -> Thu 9 Apr
    pytest.param(
        "worcestershire-programme-board/2026-27/report-worcestershire-jcb-1", D(2026, 4, 9), id="F10-report-jcb"
    ),
    # F11 to the JCB, 8 working days before Tue 20 Oct: 19, 16, 15, 14, 13, 12, 9, 8 Oct -> Thu 8 Oct
    pytest.param("worcestershire-jcgs/2026-27/report-worcestershire-jcb-3", D(2026, 10, 8), id="F11-report"),
]


@pytest.mark.parametrize(("report_id", "expected"), REPORTS)
def test_reports_2026_27(report_id, expected):
    assert occurrence(report_id).date == expected


def test_E1_E2_E3_extraordinary_jcb_meeting_over_christmas():
    rule = RULES["worcestershire-jcb"].extraordinary
    assert rule.chair_may_call and rule.seconder_required  # E1, E2
    notice = next(d.offset for d in RULES["worcestershire-jcb"].deadlines if d.id == rule.notice)
    received = Request(dt.datetime(2026, 12, 18, 10, 0, tzinfo=LONDON), "Cllr Ali", "Cllr Brown")
    result = propose(received, notice, rule.window, working_calendar())
    # E3 window to Fri 1 Jan 2027; 5 clear working days from Fri 18 Dec: 21, 22, 23, 24, (25, 28) 29 -> Wed 30 Dec
    assert result.window_end == D(2027, 1, 1)
    assert result.earliest_meeting_with_notice == D(2026, 12, 30)


def test_the_whole_2026_27_plan_complies_and_has_no_problems():
    plans = PLANNER.plan([2026])
    assert [p.problems for p in plans if p.problems] == []
    findings = Checker(PLANNER).check([m for p in plans for m in p.meetings])
    assert [str(f) for f in findings if f.ok is False] == []


def test_cambridgeshire_the_jcb_and_the_pab_are_private_and_the_others_public():
    # Cambridgeshire: "Meetings will not be open to the press and public"; JCB and PAB (003, 12.2):
    # "will not be held in public unless agreed by a full consensus of the members"
    for private in ("cambridgeshire-executive-partnership", "worcestershire-jcb", "worcestershire-pab"):
        assert {m.public for m in plan(private).meetings} == {False}
    assert {m.public for m in plan("worcestershire-programme-board").meetings} == {True}
