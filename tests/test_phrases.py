"""The rule language's vocabulary: frequencies, patterns, months, days, times, durations."""

from __future__ import annotations

import datetime as dt

import pytest

from rules.errors import RuleError
from rules.model import Every, Move, Position
from rules.phrases import (
    parse_choice,
    parse_day_of_year,
    parse_duration,
    parse_frequency,
    parse_item_at,
    parse_month,
    parse_pattern,
    parse_time,
)


@pytest.mark.parametrize(
    ("text", "every", "count"),
    [
        ("twice a year", Every.TWICE_YEARLY, 2),
        ("twice yearly", Every.TWICE_YEARLY, 2),
        ("2 times a year", Every.TWICE_YEARLY, 2),
        ("every 2 months", Every.MONTHS, 2),
        ("bimonthly", Every.MONTHS, 2),
        ("every three months", Every.MONTHS, 3),
        ("monthly", Every.MONTHLY, 1),
        ("not less than monthly", Every.MONTHLY, 1),
        ("at least monthly", Every.MONTHLY, 1),
        ("quarterly", Every.QUARTERLY, 4),
        ("on a quarterly basis", Every.QUARTERLY, 4),
        ("at least termly", Every.TERMLY, 1),
        ("each term", Every.TERMLY, 1),
        ("at least 6 times per year", Every.TIMES_A_YEAR, 6),
        ("4 times a year", Every.TIMES_A_YEAR, 4),
        ("annually", Every.ANNUALLY, 1),
        ("once a year", Every.ANNUALLY, 1),
    ],
)
def test_frequencies(text, every, count):
    frequency = parse_frequency(text)
    assert (frequency.every, frequency.count) == (every, count)


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
