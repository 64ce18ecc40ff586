"""School term calendars: holidays by name and date, .ics files as councils publish them,
and term directories outside the package. Dates checked by hand against the Leeds and
Suffolk calendars (govcal/data/terms) and a 2024-26 wall calendar."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import body, context
from govcal.cli import main
from govcal.terms import builtin_terms_dir, read_term_file, term_calendars
from rules.errors import RuleError
from rules.loader import load_rules
from scheduler.planner import Planner
from scheduler.terms import read_term_calendar, read_term_ics

D = dt.date.fromisoformat
LEEDS_ICS = Path(__file__).parent / "data" / "terms" / "leeds.ics"
LEEDS = builtin_terms_dir() / "leeds.yaml"
SUFFOLK = builtin_terms_dir() / "suffolk.yaml"


def test_leeds_summer_holiday_is_known_in_august_and_2026_27_is_not():
    leeds = read_term_file(LEEDS)
    assert leeds.is_school_holiday(D("2026-07-21")) is False  # Tue: last day of the summer term
    assert leeds.is_school_holiday(D("2026-07-22")) is True
    assert leeds.is_school_holiday(D("2026-08-14")) is True  # was "not published": August belongs to 2025-26
    assert leeds.is_school_holiday(D("2026-08-31")) is True  # the school year ends 31 August
    assert leeds.is_school_holiday(D("2026-09-01")) is None  # 2026-27 dates not found
    assert leeds.is_school_holiday(D("2024-08-30")) is None  # before the first published year


def test_leeds_holidays_by_name_and_date():
    said = [str(h) for h in read_term_file(LEEDS).holidays_between(D("2026-04-01"), D("2027-03-31"))]
    assert said == [
        "Easter holiday: Fri 3 Apr to Fri 17 Apr 2026",  # Good Friday to the Friday before term
        "Summer half-term: Mon 25 May to Fri 29 May 2026",  # Spring Bank Holiday week
        "Summer holiday: Wed 22 Jul to Fri 28 Aug 2026",  # as the council names it, not to 31 Aug
    ]


def test_unnamed_holidays_are_named_by_where_they_fall_weekdays_only():
    said = [str(h) for h in read_term_file(SUFFOLK).holidays_between(D("2024-09-01"), D("2025-08-31"))]
    assert said == [
        "Autumn half-term: Mon 28 Oct to Fri 1 Nov 2024",
        "Christmas holiday: Mon 23 Dec to Fri 3 Jan 2025",  # term ends Fri 20 Dec, resumes Mon 6 Jan
        "Spring half-term: Mon 17 Feb to Fri 21 Feb 2025",
        "Easter holiday: Mon 7 Apr to Mon 21 Apr 2025",  # Easter Monday 21 Apr; term resumes Tue 22 Apr
        "Summer half-term: Mon 26 May to Fri 30 May 2025",
        "Summer holiday: Wed 23 Jul to Fri 29 Aug 2025",  # Sun 31 Aug ends the year; weekdays only
    ]


def test_an_ics_term_calendar_reads_as_its_yaml_twin():
    ics, twin = read_term_file(LEEDS_ICS), read_term_file(LEEDS)
    assert ics.authority == twin.authority == "Leeds City Council"
    assert sorted(ics.years) == ["2024-25", "2025-26"]  # 2026-27 is simply absent from the .ics
    for label, year in ics.years.items():
        assert year.terms == twin.years[label].terms, label  # halves joined, half-terms found either way
        assert year.holidays() == twin.years[label].holidays(), label
    days = [D("2024-09-01") + dt.timedelta(days=i) for i in range(800)]
    assert [ics.is_school_holiday(d) for d in days] == [twin.is_school_holiday(d) for d in days]


def test_an_ics_term_calendar_and_its_yaml_twin_plan_identically(tmp_path):
    termly = body(
        id="termly",
        cycle_start="september",
        terms="leeds",
        meetings={"frequency": "at least termly", "pattern": "first Tuesday", "avoid_school_holidays": True},
    )
    seeds = Path(load_rules().bodies["leeds-cluster-partnership"].source_file).parent
    plans = []
    for terms in ("leeds", "leeds.ics"):
        folder = tmp_path / terms
        folder.mkdir()
        shutil.copy(LEEDS_ICS, folder / "leeds.ics")
        for name in ("leeds-cluster-partnership", "leeds-cluster-chairs"):
            text = (seeds / f"{name}.yaml").read_text()
            (folder / f"{name}.yaml").write_text(text.replace("terms: leeds\n", f"terms: {terms}\n"))
        (folder / "termly.yaml").write_text(yaml.safe_dump({**termly, "terms": terms}, sort_keys=False))
        rules = load_rules([folder])
        calendars = term_calendars(rules)
        assert {c.source.endswith(".ics") for c in calendars.values()} == {terms.endswith(".ics")}
        cycles = Planner(rules, calendars).plan([2024, 2025])
        plans.append([(o.id, o.date) for p in cycles for o in p.occurrences()])
    assert plans[0] == plans[1] and len(plans[0]) > 40
    # the termly board meets on each term's first Tuesday in term: Tue 3 Sep 2024, Tue 7 Jan 2025, Tue 22 Apr 2025
    meetings = [when for id_, when in plans[0] if id_.startswith("termly/2024-25/meeting-")]
    assert meetings == [D("2024-09-03"), D("2025-01-07"), D("2025-04-22")]


ICS_HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"


def event(summary: str, start: str, end: str) -> str:
    return f"BEGIN:VEVENT\r\nUID:{summary}\r\nDTSTART{start}\r\nDTEND{end}\r\nSUMMARY:{summary}\r\nEND:VEVENT\r\n"


@pytest.mark.parametrize(
    ("events", "line", "field", "message"),
    [
        (event("Autumn term", ":20250901T090000", ":20251219T150000"), 4, "DTSTART", "must be an all-day event"),
        (event("Spring term", ";VALUE=DATE:20260105", ";VALUE=DATE:20260105"), 4, "DTEND", "ends (2026-01-05) before"),
        (
            event("Autumn term", ";VALUE=DATE:20250901", ";VALUE=DATE:20251220")
            + event("Spring half term", ";VALUE=DATE:20250216", ";VALUE=DATE:20250221"),
            10,
            None,
            "the half-term 2025-02-16 to 2025-02-20 lies in no term",
        ),
        (event("INSET day", ";VALUE=DATE:20250901", ";VALUE=DATE:20250902"), None, None, "no term events found"),
    ],
)
def test_a_bad_ics_term_calendar_is_named_by_file_line_and_field(tmp_path, events, line, field, message):
    path = tmp_path / "council.ics"
    path.write_text(ICS_HEAD + events + "END:VCALENDAR\r\n")
    with pytest.raises(RuleError) as caught:
        read_term_ics(path.read_text(), str(path))
    assert (caught.value.file, caught.value.line, caught.value.field) == (str(path), line, field)
    assert message in caught.value.message


def test_not_icalendar_at_all_is_one_clear_error(tmp_path):
    with pytest.raises(RuleError, match=r"cannot read term calendar: not iCalendar"):
        read_term_ics("autumn term: 1 Sept\n", "notes.ics")


LEEDS_2026_27 = """\
authority: Leeds City Council
years:
  "2026-27":
    sources: [{url: https://www.leeds.gov.uk/schools-and-education/school-holidays-and-term-dates}]
    terms:
      - {name: autumn, start: 2026-09-02, end: 2026-12-18, half_term: {start: 2026-10-26, end: 2026-10-30}}
      - {name: spring, start: 2027-01-04, end: 2027-03-26, half_term: {start: 2027-02-15, end: 2027-02-19}}
      - {name: summer, start: 2027-04-12, end: 2027-07-21, half_term: {start: 2027-05-31, end: 2027-06-04}}
"""


def test_a_term_directory_replaces_a_built_in_calendar_by_name(tmp_path, monkeypatch, capsys):
    """A clerk adds the council's newly published dates without touching the package: --terms or GOVCAL_TERMS."""
    terms = tmp_path / "terms"
    terms.mkdir()
    (terms / "leeds.yaml").write_text(LEEDS_2026_27)
    database = f"sqlite:///{tmp_path / 'govcal.db'}"
    command = ["plan", "2026", "--body", "leeds-cluster-partnership", "--json", "--database", database]
    assert main(command) == 0
    assert "are not published" in capsys.readouterr().out
    assert main([*command, "--terms", str(terms)]) == 0
    assert "are not published" not in capsys.readouterr().out
    monkeypatch.setenv("GOVCAL_TERMS", str(terms))
    assert main(command) == 0
    assert "are not published" not in capsys.readouterr().out


def test_a_term_calendar_named_nowhere_lists_where_it_looked(tmp_path, write_rules):
    rules = write_rules(body(terms="lancashire"))
    ctx = context(rules, f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(RuleError) as caught:
        ctx.planner  # noqa: B018 - building it reads the calendars
    assert caught.value.field == "terms" and "no term calendar 'lancashire' (.yaml or .ics)" in caught.value.message
    assert "known: leeds, suffolk" in caught.value.message


def test_a_named_holiday_that_runs_into_term_is_refused_at_its_year():
    """The holiday starts in autumn's half-term (not taught) and runs into the spring term:
    every term it touches is checked, not only the first."""
    text = """\
authority: Somewhere Council
years:
  "2025-26":
    sources: [{url: https://example.gov.uk/terms}]
    terms:
      - {name: autumn, start: 2025-09-01, end: 2025-12-19, half_term: {start: 2025-12-15, end: 2025-12-19}}
      - {name: spring, start: 2026-01-05, end: 2026-04-02}
    holidays:
      - {name: christmas, start: 2025-12-15, end: 2026-01-06}
"""
    with pytest.raises(RuleError) as caught:
        read_term_calendar(text, "somewhere.yaml")
    assert caught.value.file == "somewhere.yaml" and caught.value.field == "years.2025-26"
    assert "the Christmas holiday (2025-12-15 to 2026-01-06) overlaps the spring term" in caught.value.message
