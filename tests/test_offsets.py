"""The offset grammar: the phrases people write, and what is refused with a reason."""

from __future__ import annotations

import datetime as dt

import pytest

from rules.dates import split_dated
from rules.errors import RuleError
from rules.offsets import Count, parse_offset

PHRASES = [
    ("5 clear working days before", Count.CLEAR, -5, "5 clear working days before"),
    ("five clear working days before", Count.CLEAR, -5, "5 clear working days before"),
    ("8 working days before", Count.WORKING, -8, "8 working days before"),
    ("not later than eight working days before the date", None, None, None),  # refused: "the date" is not allowed
    ("Not later than eight working days before the meeting", Count.WORKING, -8, "8 working days before"),
    ("at least five working days in advance of each meeting", Count.WORKING, -5, "5 working days before"),
    ("within 5 working days after", Count.WORKING, 5, "within 5 working days after"),
    ("within 5 working days of each meeting", Count.WORKING, 5, "within 5 working days after"),
    ("within 5 working days", Count.WORKING, 5, "within 5 working days after"),
    ("within 1 working day after", Count.WORKING, 1, "within 1 working day after"),
    ("within 14 days", Count.DAYS, 14, "within 14 days after"),
    ("within one week", Count.DAYS, 7, "within 7 days after"),
    ("within one week of the meeting", Count.DAYS, 7, "within 7 days after"),
    ("within two weeks after", Count.DAYS, 14, "within 14 days after"),
    ("7 days before", Count.DAYS, -7, "7 days before"),
    ("3 weeks before", Count.DAYS, -21, "21 days before"),
    ("6 months before", Count.MONTHS, -6, "6 months before"),
    ("six months notice before", Count.MONTHS, -6, "6 months before"),
    ("within 1 month after", Count.MONTHS, 1, "within 1 month after"),
    ("on the day", Count.WORKING, 0, "on the day"),
    ("before the meeting", Count.MEETING_START, 0, "before the meeting"),
    ("in advance of the meeting", Count.MEETING_START, 0, "before the meeting"),
    ("at the next meeting", Count.NEXT_MEETING, 0, "at the next meeting"),
    ("  5   CLEAR   working days   BEFORE ", Count.CLEAR, -5, "5 clear working days before"),
]


@pytest.mark.parametrize(("text", "count", "n", "canonical"), [p for p in PHRASES if p[1] is not None])
def test_phrases_people_write(text, count, n, canonical):
    offset = parse_offset(text)
    assert (offset.count, offset.n, str(offset)) == (count, n, canonical)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("5 clear days before", "say 'clear working days'"),
        ("500 working days before", "more than the 400"),
        ("30 months before", "more than the 24"),
        ("", "expected an offset phrase"),
        ("fortnight", "is not an offset govcal understands"),
        ("5 working days befor", "is not an offset govcal understands"),
        ("not later than eight working days before the date", "is not an offset govcal understands"),
        ("minus 5 working days", "is not an offset govcal understands"),
    ],
)
def test_bad_phrases_are_refused_with_a_reason(text, reason):
    with pytest.raises(RuleError, match=reason):
        parse_offset(text)


def test_split_anchor():
    assert split_dated("5 clear working days before 2026-04-15") == (
        "5 clear working days before",
        dt.date(2026, 4, 15),
    )
    with pytest.raises(RuleError, match="expected an offset phrase and a date"):
        split_dated("5 clear working days before")
