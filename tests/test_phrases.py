"""The rule language's vocabulary: frequencies, patterns, months, days, times, durations."""

from __future__ import annotations

import datetime as dt

import pytest

from rules.errors import RuleError
from rules.frequencies import parse_frequency
from rules.model import Move, Position
from rules.phrases import (
    parse_choice,
    parse_day_of_year,
    parse_duration,
    parse_item_at,
    parse_month,
    parse_pattern,
    parse_time,
)


@pytest.mark.parametrize(
    ("text", "kind", "count"),
    [
        ("twice a year", "twice a year", 2),
        ("twice yearly", "twice a year", 2),
        ("2 times a year", "twice a year", 2),
        ("every 2 months", "every N months", 2),
        ("bimonthly", "every N months", 2),
        ("every three months", "every N months", 3),
        ("monthly", "monthly", 1),
        ("not less than monthly", "monthly", 1),
        ("at least monthly", "monthly", 1),
        ("quarterly", "quarterly", 4),
        ("on a quarterly basis", "quarterly", 4),
        ("at least termly", "termly", 1),
        ("each term", "termly", 1),
        ("at least 6 times per year", "N times a year", 6),
        ("4 times a year", "N times a year", 4),
        ("annually", "annually", 1),
        ("once a year", "annually", 1),
    ],
)
def test_frequencies(text, kind, count):
    frequency = parse_frequency(text)
    assert (frequency.kind, frequency.count) == (kind, count)


@pytest.mark.parametrize(
    ("text", "reason"),
    [("every 5 months", "divide the year"), ("60 times a year", "between 1 and 52"), ("often", "not a frequency")],
)
def test_bad_frequencies(text, reason):
    with pytest.raises(RuleError, match=reason):
        parse_frequency(text)


def test_patterns_months_days_times_durations():
    assert (parse_pattern("second Tuesday").nth, parse_pattern("second Tuesday").weekday) == (2, 1)
    assert (parse_pattern("last Friday").nth, parse_pattern("Last friday").phrase) == (-1, "last Friday")
    assert [parse_month(m) for m in ("january", "Sept", "dec")] == [1, 9, 12]
    assert parse_day_of_year("31 March") == parse_day_of_year("March 31") == (3, 31)
    assert parse_day_of_year("29 February") == (2, 29)
    assert parse_time("9:30") == dt.time(9, 30) and parse_time("14.00") == dt.time(14, 0)
    minutes = [
        parse_duration(d) / dt.timedelta(minutes=1)
        for d in ("2 hours", "90 minutes", "1 hour 30 minutes", "2h", "an hour")
    ]
    assert minutes == [120, 90, 90, 120, 60]
    assert parse_item_at("at the first meeting in July") == ("first", 7)
    assert parse_item_at("last meeting") == ("last", None)
    assert parse_choice("next same weekday", Move) is Move.NEXT_SAME_WEEKDAY
    assert parse_choice("middle", Position) is Position.MIDDLE


@pytest.mark.parametrize(
    ("parse", "text", "reason"),
    [
        (parse_pattern, "fifth Monday", "not a day pattern"),
        (parse_pattern, "first Sunday", "working days"),
        (parse_month, "ju", "not a month"),
        (parse_day_of_year, "31 April", "not a day of the year"),
        (parse_time, "25:00", "not a time of day"),
        (parse_duration, "0 minutes", "between 10 minutes and 12 hours"),
        (parse_duration, "13 hours", "between 10 minutes and 12 hours"),
        (parse_duration, "soon", "not a duration"),
        (parse_item_at, "last meeting in july", "first meeting in <month>"),
        (parse_item_at, "whenever", "write 'first meeting'"),
    ],
)
def test_bad_vocabulary_is_refused_with_a_reason(parse, text, reason):
    with pytest.raises(RuleError, match=reason):
        parse(text)
