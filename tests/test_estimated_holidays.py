"""Unpublished school holidays estimated from the authority's pattern (issue 27, point 4):
declared in its term file with the published years that support it, marked "estimated"
where they show, used to move a meeting a body would rather not hold in a holiday, never
failing a check, and replaced by published dates as soon as they are given (`--terms`).

Dates counted by hand on a calendar: Easter Sunday 5 Apr 2026 (Good Friday 3 Apr) and
28 Mar 2027 (Good Friday 26 Mar); 1 Apr 2027 is a Thursday; the last Mondays of October
2026 and May 2026/2027 are 26 Oct, 25 May and 31 May; the third Monday of February 2027 is
15 Feb; 24 Dec 2026 is a Thursday (its week's Monday, 21 Dec).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from conftest import body, planner_for
from govcal.cli import main
from govcal.terms import builtin_terms_dir, read_term_file, term_calendars
from rules.errors import RuleError
from rules.loader import load_rules
from scheduler.checker import Checker
from scheduler.placement import month_grid
from scheduler.planner import Planner
from scheduler.terms import read_term_calendar
from scheduler.workdays import body_calendar

D = dt.date
SEEDS = load_rules()
GROUPS = "suffolk-community-cluster-steering-groups"


def holidays(name: str, start_year: int) -> list[tuple[str, dt.date, dt.date]]:
    estimate = read_term_file(builtin_terms_dir() / f"{name}.yaml").estimate
    assert estimate is not None
    return [(h.name, h.start, h.end) for h in estimate.holidays(start_year)]


def test_each_built_in_term_file_declares_its_pattern_and_the_years_that_support_it():
    assert read_term_file(builtin_terms_dir() / "suffolk.yaml").estimate.supported_by == (  # type: ignore[union-attr]
        "2014-15",
        "2021-22",
        "2024-25",
    )
    # Suffolk 2026-27: Easter is the week of Good Friday (Fri 26 Mar 2027: Mon 22 Mar) and the week after
    assert holidays("suffolk", 2026) == [
        ("Autumn half-term", D(2026, 10, 26), D(2026, 10, 30)),
        ("Christmas holiday", D(2026, 12, 21), D(2027, 1, 1)),
        ("Spring half-term", D(2027, 2, 15), D(2027, 2, 19)),
        ("Easter holiday", D(2027, 3, 22), D(2027, 4, 2)),
        ("Summer half-term", D(2027, 5, 31), D(2027, 6, 4)),
    ]
    # Suffolk 2025-26's spring holiday: Good Friday 3 Apr 2026, so Mon 30 Mar-Fri 10 Apr, as in 2015
    assert holidays("suffolk", 2025)[3] == ("Easter holiday", D(2026, 3, 30), D(2026, 4, 10))
    # Leeds 2026-27: the first two full weeks of April 2027 (1 Apr a Thursday: Mon 5-Fri 16 Apr)
    assert holidays("leeds", 2026)[3] == ("Easter holiday", D(2027, 4, 5), D(2027, 4, 16))
    # and the pattern gives the published years' holidays back (Leeds 2025-26: 27-31 Oct 2025,
    # 22 Dec-2 Jan, 16-20 Feb, 25-29 May 2026)
    assert [h[1:] for h in holidays("leeds", 2025) if h[0] != "Easter holiday"] == [
        (D(2025, 10, 27), D(2025, 10, 31)),
        (D(2025, 12, 22), D(2026, 1, 2)),
        (D(2026, 2, 16), D(2026, 2, 20)),
        (D(2026, 5, 25), D(2026, 5, 29)),
    ]


def test_a_meeting_in_an_estimated_holiday_moves_and_says_the_holiday_is_estimated():
    """The Steering Groups' second Thursday of April 2026 (Thursdays 2, 9) is Thu 9 Apr, inside the
    estimated Easter holiday (30 Mar-10 Apr): the period's other month, May (Thursdays 7, 14) -> Thu 14 May."""
    plan = planner_for(SEEDS).body_plan(GROUPS, 2026)
    first = plan.meetings[0]
    assert first.date == D(2026, 5, 14)
    assert first.explanation.steps == (
        "Thu 09 Apr 2026 is in the Easter holiday, estimated (Mon 30 Mar to Fri 10 Apr 2026: the year's term dates"
        " are not published), which the body avoids; the second Thursday of May 2026, Thu 14 May 2026, instead",
    )
    assert "its other holidays are estimated from the authority's pattern and Easter: Easter holiday:" in plan.notes[0]


def test_an_estimated_holiday_never_fails_a_check_it_warns():
    planner = planner_for(SEEDS)
    meetings = planner.body_plan(GROUPS, 2026).meetings
    # the clerk holds the first meeting on Thu 9 Apr after all, in the estimated Easter holiday
    held_at_easter = [dataclasses.replace(m, date=D(2026, 4, 9)) if m.date == D(2026, 5, 14) else m for m in meetings]
    findings = Checker(planner).check(held_at_easter)
    assert not any(f.ok is False for f in findings)
    warnings = [f.message for f in findings if f.warning]
    assert (
        "meeting on Thu 09 Apr 2026 is in the Easter holiday, estimated (Mon 30 Mar to Fri 10 Apr 2026: the"
        in (warnings[0][:100])
    )
    assert warnings[-1].endswith("its holidays are estimated from the authority's pattern")


def test_published_dates_given_with_terms_replace_the_estimate(tmp_path, capsys):
    """A Suffolk file with 2025-26 published (spring holiday Mon 30 Mar-Fri 3 Apr 2026 only):
    Thu 9 Apr is in term, so the Steering Groups meet then, and nothing is said to be estimated."""
    directory = tmp_path / "terms"
    directory.mkdir()
    text = (builtin_terms_dir() / "suffolk.yaml").read_text(encoding="utf-8")
    published = """  "2025-26":
    sources: [{url: https://www.suffolk.gov.uk/}]
    terms:
      - {name: autumn, start: 2025-09-03, end: 2025-12-19, half_term: {start: 2025-10-27, end: 2025-10-31}}
      - {name: spring, start: 2026-01-05, end: 2026-03-27, half_term: {start: 2026-02-16, end: 2026-02-20}}
      - {name: summer, start: 2026-04-07, end: 2026-07-22, half_term: {start: 2026-05-26, end: 2026-05-29}}
"""
    text = text.replace(
        '  "2025-26":\n    status: NOT FOUND\n'
        "    note: No Suffolk County Council dates for 2025-26 found. Not invented.\n",
        published,
    )
    (directory / "suffolk.yaml").write_text(text, encoding="utf-8")
    planner = Planner(SEEDS, term_calendars(SEEDS, [directory]))
    plan = planner.body_plan(GROUPS, 2026)
    assert plan.meetings[0].date == D(2026, 4, 9)
    assert plan.meetings[0].explanation.steps == ()
    assert not any("2025-26" in note for note in plan.notes)  # published: nothing assumed for it
    assert main(["plan", "2026", "--body", GROUPS, "--terms", str(directory), "--json"]) == 0
    assert '"date": "2026-04-09"' in capsys.readouterr().out


@pytest.mark.parametrize(
    ("estimate", "message"),
    [
        ("estimate:\n  easter: the week after Easter\n  supported_by: {'2024-25': x}\n", "'the week after Easter'"),
        ("estimate:\n  easter: first two full weeks of April\n", "name the published years that follow the pattern"),
    ],
)
def test_a_bad_estimate_is_refused_with_its_file_line_and_field(estimate, message):
    text = "authority: Somewhere\nyears:\n  '2026-27':\n    status: not published\n" + estimate
    with pytest.raises(RuleError) as raised:
        read_term_calendar(text, "somewhere.yaml")
    assert message in str(raised.value) and "somewhere.yaml" in str(raised.value) and "estimate" in str(raised.value)


def test_the_admin_picker_marks_an_estimated_holiday_as_estimated():
    """April 2026 in the Steering Groups' date picker: Thu 9 Apr is in the estimated Easter holiday
    (30 Mar-10 Apr), Mon 13 Apr is not; Fri 3 Apr is Good Friday, a bank holiday, not a preference."""
    planner = planner_for(SEEDS)
    body = SEEDS[GROUPS]
    grid = month_grid(D(2026, 4, 1), body_calendar(body), planner.avoided(body))
    days = {day.date: day for week in grid for day in week if day is not None}
    assert days[D(2026, 4, 9)].avoided.startswith("in the Easter holiday, estimated (Mon 30 Mar to Fri 10 Apr 2026")
    assert days[D(2026, 4, 13)].avoided == ""
    assert days[D(2026, 4, 3)].closed == "Good Friday"


def test_a_termly_body_that_avoids_school_holidays_moves_off_an_estimated_half_term(write_rules):
    """Leeds 2026-27 is unpublished: a termly group meeting on the last Monday of October 2026
    (26 Oct, the estimated autumn half-term 26-30 Oct) moves to the next same weekday, Mon 2 Nov;
    a check of the plan as first written warns of the half-term and still passes."""
    group = body(
        id="chairs",
        cycle_start="september",
        terms="leeds",
        meetings={
            "frequency": "each term",
            "pattern": "last Monday",
            "months": ["october", "february", "april"],
            "avoid_school_holidays": True,
        },
    )
    planner = planner_for(write_rules(group))
    plan = planner.body_plan("chairs", 2026)
    # last Mondays: 22 Feb 2027 (after the half-term 15-19 Feb), 26 Apr 2027 (after Easter, 5-16 Apr)
    assert [m.date for m in plan.meetings] == [D(2026, 11, 2), D(2027, 2, 22), D(2027, 4, 26)]
    assert plan.meetings[0].explanation.steps == (
        "Mon 26 Oct 2026 is in the Autumn half-term, estimated (Mon 26 Oct to Fri 30 Oct 2026); moved to the next"
        " same weekday, Mon 02 Nov 2026",
    )
    assert "the school holidays estimated from the council's pattern kept clear" in plan.notes[0]
    as_written = [dataclasses.replace(plan.meetings[0], date=D(2026, 10, 26)), *plan.meetings[1:]]
    findings = Checker(planner).check(as_written)
    assert not any(f.ok is False for f in findings)
    assert "meeting on Mon 26 Oct 2026 is in the Autumn half-term, estimated (Mon 26 Oct to Fri 30 Oct 2026)" in [
        f.message for f in findings if f.warning
    ]


def test_a_body_planned_from_another_keeps_clear_of_an_estimated_half_term():
    """The Strategic Board meets Tue 11 May 2027 (1 May a Saturday: Tuesdays 4, 11). Within 15 working
    days after: 12, 13, 14, 17-21, 24-28 May (13), Mon 31 May the Spring bank holiday, 1, 2 Jun -> Wed
    2 Jun, in the estimated summer half-term (the bank holiday's week, 31 May-4 Jun 2027). Nearer the
    Board: Tue 1 Jun (half-term), Mon 31 May (bank holiday), the weekend -> Fri 28 May."""
    wdag = {m.id: m for m in planner_for(SEEDS).body_plan("suffolk-wdag", 2027).meetings}
    assert wdag["suffolk-wdag/2027-28/following-01"].date == D(2027, 5, 28)
    assert (
        "Summer half-term, estimated (Mon 31 May to Fri 4 Jun 2027"
        in (wdag["suffolk-wdag/2027-28/following-01"].explanation.steps[0])
    )
