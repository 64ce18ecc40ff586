"""UK working days: hand-checked tables, GOV.UK's list, and properties against a naive loop.

Expected dates were counted on a printed calendar with GOV.UK's bank-holiday list
(tests/data/govuk-bank-holidays.json, a copy of GOV.UK's bank-holidays.json). The
property tests compare with a day-by-day reference built from that same GOV.UK
list, not from the `holidays` package the code's table (scheduler/bank_holidays.py) is
written from; that table is held equal to the installed `holidays` for its whole span.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bank_holiday_table import from_holidays, govuk_name, govuk_published, package_holidays
from rules.errors import RuleError
from rules.model import NATIONS, Closure
from rules.offsets import parse_offset
from scheduler.workdays import (
    FIRST_YEAR,
    LAST_YEAR,
    WorkingCalendar,
    at_time,
    bank_holidays,
    london_day,
    working_calendar,
)

D = dt.date
GOVUK = json.loads((Path(__file__).parent / "data" / "govuk-bank-holidays.json").read_text(encoding="utf-8"))
ENG, SCT, NIR = "england-and-wales", "scotland", "northern-ireland"


def cal(nation: str = ENG) -> WorkingCalendar:
    return working_calendar(nation)


# -- hand-checked tables ------------------------------------------------------------------

BEFORE = [
    # DESIGN: Wed 15 Apr 2026, 5 working days back: 14, 13, 10, 9, 8 Apr (Easter Monday was 6 Apr)
    (ENG, D(2026, 4, 15), 5, D(2026, 4, 8)),
    # Easter 2025: back from Wed 23 Apr over Easter Monday 21 and Good Friday 18: 22, 17, 16
    (ENG, D(2025, 4, 23), 3, D(2025, 4, 16)),
    # New Year 2028 (Sat): substitute Mon 3 Jan; back from Tue 4 Jan: 31, 30, 29 Dec 2027 (27, 28 substitutes)
    (ENG, D(2028, 1, 4), 3, D(2027, 12, 29)),
    # the State Funeral, Mon 19 Sep 2022: one back from Tue 20 Sep is Fri 16 Sep
    (ENG, D(2022, 9, 20), 1, D(2022, 9, 16)),
    # St Andrew's Day 2025 fell on a Sunday: Scotland takes Mon 1 Dec, England does not
    (SCT, D(2025, 12, 2), 1, D(2025, 11, 28)),
    (ENG, D(2025, 12, 2), 1, D(2025, 12, 1)),
    # 0 working days before is the day itself, or the working day before a day that is not one
    (ENG, D(2026, 4, 15), 0, D(2026, 4, 15)),
    (ENG, D(2026, 4, 6), 0, D(2026, 4, 2)),  # Easter Monday -> back over Sun, Sat, Good Friday to Thu 2
]


@pytest.mark.parametrize(("nation", "day", "n", "expected"), BEFORE)
def test_working_days_before(nation, day, n, expected):
    assert cal(nation).working_days_before(day, n) == expected


CLEAR = [
    # DESIGN: Wed 15 Apr 2026, 5 clear: 14, 13, 10, 9, 8 lie between -> Tue 7 Apr
    (ENG, D(2026, 4, 15), 5, D(2026, 4, 7)),
    # DESIGN: Thu 28 May 2026: 27, 26, (25 bank holiday), 22, 21, 20 -> Tue 19 May
    (ENG, D(2026, 5, 28), 5, D(2026, 5, 19)),
    # Platinum Jubilee: Mon 6 Jun 2022, 2 clear: (3, 2 Jun holidays) 1 Jun, 31 May -> Mon 30 May,
    # a working day that year (the Spring bank holiday moved to 2 June)
    (ENG, D(2022, 6, 6), 2, D(2022, 5, 30)),
]


@pytest.mark.parametrize(("nation", "day", "n", "expected"), CLEAR)
def test_clear_working_days_before(nation, day, n, expected):
    assert cal(nation).clear_working_days_before(day, n) == expected


AFTER = [
    # Good Friday 18 and Easter Monday 21 Apr 2025: from Thu 17 Apr the next working day is Tue 22
    (ENG, D(2025, 4, 17), 1, D(2025, 4, 22)),
    # Easter 2027 (26 and 29 Mar): from Thu 25 Mar, 30 and 31 Mar -> Wed 31 Mar
    (ENG, D(2027, 3, 25), 2, D(2027, 3, 31)),
    # Christmas 2027 on a weekend: substitutes Mon 27 and Tue 28 Dec -> Wed 29 Dec
    (ENG, D(2027, 12, 24), 1, D(2027, 12, 29)),
    # New Year 2028: England takes Mon 3 Jan; Scotland also Tue 4 Jan (2 January's substitute)
    (ENG, D(2027, 12, 31), 1, D(2028, 1, 4)),
    (SCT, D(2027, 12, 31), 1, D(2028, 1, 5)),
    # Scotland's 2 January 2026 (a Friday) as well as 1 January
    (SCT, D(2025, 12, 31), 1, D(2026, 1, 5)),
    (ENG, D(2025, 12, 31), 1, D(2026, 1, 2)),
    # 2022: Spring bank holiday Thu 2 Jun and Platinum Jubilee Fri 3 Jun -> Mon 6 Jun
    (ENG, D(2022, 6, 1), 1, D(2022, 6, 6)),
    # Coronation, Mon 8 May 2023
    (ENG, D(2023, 5, 5), 1, D(2023, 5, 9)),
    # Battle of the Boyne, Mon 12 Jul 2027: Northern Ireland only
    (NIR, D(2027, 7, 9), 1, D(2027, 7, 13)),
    (ENG, D(2027, 7, 9), 1, D(2027, 7, 12)),
]


@pytest.mark.parametrize(("nation", "day", "n", "expected"), AFTER)
def test_working_days_after(nation, day, n, expected):
    assert cal(nation).working_days_after(day, n) == expected


CALENDAR = [
    # DESIGN: Mon 21 Dec 2026 + 7 = Mon 28 Dec (Boxing Day substitute); 27, 26 weekend, 25 Christmas -> Thu 24
    ("within 7 days after", D(2026, 12, 21), D(2026, 12, 24)),
    # Thu 9 Apr 2026 + 7 = Thu 16 Apr, a working day
    ("within one week after", D(2026, 4, 9), D(2026, 4, 16)),
    # Fri 27 Mar 2026 + 14 = Fri 10 Apr, a working day
    ("within 14 days", D(2026, 3, 27), D(2026, 4, 10)),
    # Thu 26 Mar 2026 + 8 = Fri 3 Apr, Good Friday -> Thu 2 Apr
    ("within 8 days after", D(2026, 3, 26), D(2026, 4, 2)),
    # 7 days before Mon 4 Jan 2027 = Mon 28 Dec (substitute); back over 27, 26, 25 -> Thu 24 Dec
    ("7 days before", D(2027, 1, 4), D(2026, 12, 24)),
    # six months before Mon 28 Jun 2027 = Mon 28 Dec 2026 -> Thu 24 Dec
    ("6 months before", D(2027, 6, 28), D(2026, 12, 24)),
    # within 1 month after Sat 31 Jan 2026 -> 28 Feb (Sat) -> Fri 27 Feb
    ("within 1 month after", D(2026, 1, 31), D(2026, 2, 27)),
]


@pytest.mark.parametrize(("phrase", "day", "expected"), CALENDAR)
def test_calendar_offsets_roll_back_to_a_working_day(phrase, day, expected):
    assert cal().shift(day, parse_offset(phrase)) == expected


def test_nations_differ_on_their_own_days():
    england, scotland, ni = cal(ENG), cal(SCT), cal(NIR)
    assert not scotland.is_working_day(D(2026, 8, 3)) and england.is_working_day(D(2026, 8, 3))  # Scotland's August
    assert not england.is_working_day(D(2026, 8, 31)) and scotland.is_working_day(D(2026, 8, 31))
    assert not scotland.is_working_day(D(2026, 6, 15)) and england.is_working_day(D(2026, 6, 15))  # World Cup day
    assert not ni.is_working_day(D(2027, 3, 17)) and england.is_working_day(D(2027, 3, 17))  # St Patrick's
    assert not ni.is_working_day(D(2024, 3, 18))  # St Patrick's Day 2024 (a Sunday) substitute
    assert not ni.is_working_day(D(2026, 7, 13))  # 12 July 2026 is a Sunday: Monday 13 instead
    assert ni.is_working_day(D(2026, 3, 17)) is False and scotland.is_working_day(D(2026, 3, 17))


def test_reasons_name_the_day():
    england = cal()
    assert england.reason(D(2026, 12, 25)) == "Christmas Day"
    assert england.reason(D(2026, 12, 26)) == "Saturday"
    assert england.reason(D(2026, 12, 28)) == "Boxing Day (substitute day)"  # 26 Dec 2026 is a Saturday
    assert england.reason(D(2023, 5, 8)) == "Bank holiday for the coronation of King Charles III"
    assert england.reason(D(2026, 12, 24)) is None


def test_skipped_days_are_listed_with_reasons():
    england = cal()
    offset = parse_offset("5 clear working days before")
    assert [(d.date, d.reason) for d in england.skipped(D(2026, 5, 28), D(2026, 5, 19), offset)] == [
        (D(2026, 5, 23), "Saturday"),
        (D(2026, 5, 24), "Sunday"),
        (D(2026, 5, 25), "Spring bank holiday"),
    ]
    week = parse_offset("within 7 days after")
    assert [d.date.day for d in england.skipped(D(2026, 12, 21), D(2026, 12, 24), week)] == [25, 26, 27, 28]


def test_closures_are_not_working_days():
    closed = working_calendar(ENG, (Closure("council closure", yearly=((12, 27), (12, 31))),))
    assert [closed.is_working_day(D(2026, 12, d)) for d in (24, 29, 30, 31)] == [True, False, False, False]
    assert closed.reason(D(2026, 12, 29)) == "closure: council closure"
    # within 7 days after Mon 21 Dec 2026: 28 holiday, 27-25 as before, 24 is open -> 24
    assert closed.shift(D(2026, 12, 21), parse_offset("within 7 days after")) == D(2026, 12, 24)
    # the next working day after Thu 24 Dec 2026: 25, 28 holidays, 29-31 closed, 1 Jan holiday -> Mon 4 Jan 2027
    assert closed.working_days_after(D(2026, 12, 24), 1) == D(2027, 1, 4)
    one_off = working_calendar(ENG, (Closure("office move", start=D(2026, 4, 14), end=D(2026, 4, 15)),))
    assert one_off.working_days_after(D(2026, 4, 13), 1) == D(2026, 4, 16)


def test_deadline_instants_carry_gmt_or_bst():
    five = dt.time(17, 0)
    assert at_time(D(2026, 3, 27), five).isoformat() == "2026-03-27T17:00:00+00:00"  # before 29 Mar
    assert at_time(D(2026, 3, 30), five).isoformat() == "2026-03-30T17:00:00+01:00"  # spring_skip_hour passed
    assert at_time(D(2026, 10, 23), five).isoformat() == "2026-10-23T17:00:00+01:00"
    assert at_time(D(2026, 10, 26), five).isoformat() == "2026-10-26T17:00:00+00:00"  # after autumn_repeat_hour


def test_out_of_range_and_unknown_nation_are_user_errors():
    with pytest.raises(RuleError, match="outside the years govcal plans"):
        cal().working_days_before(D(1999, 12, 31), 1)
    with pytest.raises(RuleError, match="outside the years govcal plans"):
        cal().working_days_before(D(2000, 1, 4), 5)  # the result would be in 1999
    with pytest.raises(RuleError, match="unknown nation 'wales'"):
        working_calendar("wales")


# -- the holiday data against GOV.UK ---------------------------------------------------------


@pytest.mark.parametrize("nation", sorted(NATIONS))
def test_holidays_match_govuk_for_2012_to_2028(nation):
    govuk = {D.fromisoformat(event["date"]) for event in GOVUK[nation]["events"]}
    assert min(govuk).year == 2012 and max(govuk).year == 2028
    assert set(bank_holidays(nation, range(2012, 2029))) == govuk


@pytest.mark.parametrize("nation", sorted(NATIONS))
def test_the_holiday_table_is_what_the_holidays_package_gives(nation):
    """Every day of the kept table, for every year a calendar covers, is the `holidays` package's,
    named as GOV.UK names it (if this fails after upgrading it: `python tests/bank_holiday_table.py`)."""
    assert bank_holidays(nation, range(FIRST_YEAR, LAST_YEAR + 1)) == from_holidays(nation)


def test_holidays_are_named_as_gov_uk_names_them_in_every_year():
    """GOV.UK's own words in the years it publishes, and the same words in the years it does not."""
    england, scotland = bank_holidays(ENG, [2026, 2030]), bank_holidays(SCT, [2026, 2031])
    # 2026 (published): Mon 4 May, Mon 25 May, Mon 31 Aug; Sat 26 Dec, so Boxing Day is Mon 28 Dec
    assert [england[D(2026, 5, 4)], england[D(2026, 5, 25)], england[D(2026, 8, 31)]] == [
        "Early May bank holiday",
        "Spring bank holiday",
        "Summer bank holiday",
    ]
    assert england[D(2026, 12, 28)] == "Boxing Day (substitute day)"
    assert scotland[D(2026, 6, 15)] == "World Cup bank holiday"  # Mon 15 Jun 2026, Scotland only
    # 2030 (not published): first Monday of May is 6 May (1 May is a Wednesday)
    assert england[D(2030, 5, 6)] == "Early May bank holiday"
    # 2031: St Andrew's Day, Sun 30 Nov, is taken on Mon 1 Dec
    assert scotland[D(2031, 12, 1)] == "St Andrew’s Day (substitute day)"


@pytest.mark.parametrize("nation", sorted(NATIONS))
def test_the_package_names_in_gov_uk_words_are_gov_uk_names_where_both_are_known(nation):
    """The mapping used for unpublished years gives GOV.UK's name for every day it publishes,
    but for the days GOV.UK names for a reason no rule can know."""
    odd = {
        D(2012, 6, 4),  # the Spring bank holiday moved for the Diamond Jubilee: "(substitute day)"
        D(2020, 5, 8),  # moved to Friday for VE day: "Early May bank holiday (VE day)"
        # Scotland, 1 Jan a Sunday: GOV.UK names Mon 2 Jan "2nd January" and Tue 3 Jan "New Year's
        # Day (substitute day)" in 2012 and 2017, the other way round in 2023 (as the mapping does)
        *(D(year, 1, day) for year in (2012, 2017) for day in (2, 3)),
    }
    package = package_holidays(nation)
    differ = {day for day, name in govuk_published(nation).items() if govuk_name(package[day]) != name}
    assert differ <= odd


def test_holidays_are_refused_outside_the_table_and_for_an_unknown_nation():
    with pytest.raises(RuleError, match="1999 is outside the years govcal plans"):
        bank_holidays(ENG, range(1999, 2001))
    with pytest.raises(RuleError, match="unknown nation 'wales'"):
        bank_holidays("wales", [2026])


@pytest.mark.parametrize("day", [D(2022, 6, 3), D(2022, 9, 19), D(2023, 5, 8)])
def test_one_off_holidays_are_not_working_days(day):
    assert not any(cal(nation).is_working_day(day) for nation in NATIONS)


# -- properties against a naive day-by-day reference built from GOV.UK's list ------------------

REFERENCE = {nation: {D.fromisoformat(e["date"]) for e in GOVUK[nation]["events"]} for nation in NATIONS}
nations = st.sampled_from(sorted(NATIONS))
# anchors well inside 2012-2028 so every result stays within GOV.UK's list
days = st.dates(min_value=D(2013, 3, 1), max_value=D(2027, 10, 31))
counts = st.integers(min_value=0, max_value=40)


def naive_working(nation: str, day: dt.date) -> bool:
    return day.weekday() < 5 and day not in REFERENCE[nation]


def naive_step(nation: str, day: dt.date, n: int, direction: int) -> dt.date:
    if n == 0:  # "on the day": a non-working day rounds back, like calendar offsets
        return naive_back_to_working(nation, day)
    while n:
        day += dt.timedelta(days=direction)
        n -= naive_working(nation, day)
    return day


def naive_back_to_working(nation: str, day: dt.date) -> dt.date:
    while not naive_working(nation, day):
        day -= dt.timedelta(days=1)
    return day


@settings(max_examples=400, deadline=None)
@given(nations, days, counts)
def test_every_offset_agrees_with_the_naive_loop(nation, day, n):
    calendar = cal(nation)
    assert calendar.working_days_before(day, n) == naive_step(nation, day, n, -1)
    assert calendar.working_days_after(day, n) == naive_step(nation, day, n, +1)
    assert calendar.clear_working_days_before(day, n) == naive_step(nation, day, n + 1, -1)
    assert calendar.shift(day, parse_offset(f"within {n} days")) == naive_back_to_working(
        nation, day + dt.timedelta(days=n)
    )


@settings(max_examples=300, deadline=None)
@given(nations, days, st.integers(min_value=1, max_value=40))
def test_results_are_working_days_and_round_trip(nation, day, n):
    calendar = cal(nation)
    back = calendar.working_days_before(day, n)
    forward = calendar.working_days_after(day, n)
    assert calendar.is_working_day(back) and calendar.is_working_day(forward)
    if calendar.is_working_day(day):
        assert calendar.working_days_after(back, n) == day
        assert calendar.working_days_before(forward, n) == day


@settings(max_examples=300, deadline=None)
@given(nations, days, st.integers(min_value=-60, max_value=60))
def test_skipped_days_are_exactly_the_non_working_days_between(nation, day, n):
    calendar, other = cal(nation), day + dt.timedelta(days=n)
    lo, hi = sorted((day, other))
    between = [lo + dt.timedelta(days=i) for i in range(1, (hi - lo).days)]
    expected = [d for d in between if not naive_working(nation, d)]
    skipped = calendar.skipped(day, other, parse_offset("8 working days before"))
    assert [d.date for d in skipped] == expected
    assert all(d.reason == calendar.reason(d.date) for d in skipped)


PHRASES = [
    "5 clear working days before",
    "8 working days before",
    "within 5 working days after",
    "within 14 days",
    "on the day",
    "6 months before",
]


@settings(max_examples=200, deadline=None)
@given(nations, st.lists(days, min_size=1, max_size=30), st.sampled_from(PHRASES))
def test_batch_form_equals_the_scalar_form(nation, anchors, phrase):
    calendar, offset = cal(nation), parse_offset(phrase)
    assert calendar.shift_many(anchors, offset) == [calendar.shift(day, offset) for day in anchors]


@pytest.mark.parametrize("anchor", [D(2000, 1, 5), D(2060, 12, 20)])
def test_batch_form_near_the_table_edges_refuses_like_the_scalar_form(anchor):
    offset = (
        parse_offset("8 working days before") if anchor.year == 2000 else parse_offset("within 8 working days after")
    )
    with pytest.raises(RuleError):
        cal().shift(anchor, offset)
    with pytest.raises(RuleError):
        cal().shift_many([D(2026, 4, 15), anchor], offset)


UTC = dt.UTC


@pytest.mark.parametrize(
    ("now", "day"),
    [
        # BST began Sun 29 Mar 2026 at 01:00 UTC: from then London is an hour ahead
        (dt.datetime(2026, 3, 31, 23, 30, tzinfo=UTC), dt.date(2026, 4, 1)),  # 00:30 BST on 1 April
        (dt.datetime(2026, 3, 31, 22, 59, tzinfo=UTC), dt.date(2026, 3, 31)),  # 23:59 BST
        (dt.datetime(2026, 3, 28, 23, 30, tzinfo=UTC), dt.date(2026, 3, 28)),  # still GMT: 23:30 on the 28th
        # BST ended Sun 25 Oct 2026 at 01:00 UTC
        (dt.datetime(2026, 10, 24, 23, 30, tzinfo=UTC), dt.date(2026, 10, 25)),  # 00:30 BST on the 25th
        (dt.datetime(2026, 10, 25, 23, 30, tzinfo=UTC), dt.date(2026, 10, 25)),  # 23:30 GMT
        (dt.datetime(2026, 12, 31, 23, 30, tzinfo=UTC), dt.date(2026, 12, 31)),  # New Year's Eve, GMT
        (dt.datetime(2026, 4, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))), dt.date(2026, 4, 1)),  # 06:30 BST
    ],
)
def test_london_day_is_the_day_on_a_london_clock(now, day):
    assert london_day(now) == day
