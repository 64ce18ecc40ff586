"""Dates as people write them, read day first; a date written wrong is said so, not guessed.

Weekdays checked on a calendar: 28 May 2026 is a Thursday; 25 Dec 2026 a Friday.
"""

from __future__ import annotations

import datetime as dt

import pytest

from rules.dates import parse_date, parse_moment, split_dated
from rules.errors import RuleError

D = dt.date


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2026-05-28", D(2026, 5, 28)),
        ("28 May 2026", D(2026, 5, 28)),
        ("28th May 2026", D(2026, 5, 28)),
        ("Thu 28 May 2026", D(2026, 5, 28)),
        ("Thursday, 28 May 2026", D(2026, 5, 28)),
        ("May 28 2026", D(2026, 5, 28)),
        ("28/05/2026", D(2026, 5, 28)),
        ("28.05.2026", D(2026, 5, 28)),
        ("28/05/26", D(2026, 5, 28)),
        ("05/06/2026", D(2026, 6, 5)),  # day first: 5 June
        ("25 Dec 2026", D(2026, 12, 25)),
        ("1 sept 2026", D(2026, 9, 1)),
    ],
)
def test_dates_as_people_write_them(text, date):
    assert parse_date(text) == date


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("05/06", "'05/06' has no year; write it like 05/06/2026 (day first)"),
        ("12/25/2026", "'12/25/2026' reads month first; govcal reads day first: write 25/12/2026"),
        ("31/06/2026", "'31/06/2026' is not a date on the calendar"),
        ("Tue 28 May 2026", "28 May 2026 is a Thursday, not a Tuesday"),
        ("28 May", "'28 May' has no year; write it like 28 May 2026"),
        ("28 Smarch 2026", "'smarch' is not a month"),
        ("tomorrow", "'tomorrow' is not a date; write it like 2026-05-28, 28 May 2026 or 28/05/2026"),
    ],
)
def test_a_date_written_wrong_is_said_so(text, said):
    with pytest.raises(RuleError) as caught:
        parse_date(text)
    assert said in str(caught.value)


def test_moments_and_phrases_that_end_in_a_date():
    assert parse_moment("28 May 2026 10:15") == (D(2026, 5, 28), dt.time(10, 15))
    assert parse_moment("28/05/2026") == (D(2026, 5, 28), None)
    assert split_dated("10 working days before 28 May 2026") == ("10 working days before", D(2026, 5, 28))
    assert split_dated("5 clear working days before Thu 28 May 2026") == ("5 clear working days before", D(2026, 5, 28))
    with pytest.raises(RuleError, match="is a Thursday, not a Tuesday"):
        split_dated("5 working days before Tue 28 May 2026")


def test_the_calculator_takes_them(capsys):
    from govcal.cli import main

    for written in ("28 May 2026", "28/05/2026", "Thu 28 May 2026", "2026-05-28"):
        assert main(["date", f"5 clear working days before {written}", "--json"]) == 0
        assert '"date": "2026-05-19"' in capsys.readouterr().out  # clear days 20, 21, 22, 26, 27 May
    assert main(["date", "5 working days before 05/06"]) == 2
    assert "has no year" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2026-03-03 10:15", dt.datetime(2026, 3, 3, 10, 15, tzinfo=dt.UTC)),  # GMT: London is UTC
        ("3 Mar 2026 10:15", dt.datetime(2026, 3, 3, 10, 15, tzinfo=dt.UTC)),
        ("03/03/2026 10:15", dt.datetime(2026, 3, 3, 10, 15, tzinfo=dt.UTC)),
        ("18 Dec 2026 10:00", dt.datetime(2026, 12, 18, 10, 0, tzinfo=dt.UTC)),
        ("2026-06-01T09:30", dt.datetime(2026, 6, 1, 8, 30, tzinfo=dt.UTC)),  # BST: an hour ahead
        ("1 June 2026 09:30", dt.datetime(2026, 6, 1, 8, 30, tzinfo=dt.UTC)),
        ("2026-06-01T09:30+00:00", dt.datetime(2026, 6, 1, 9, 30, tzinfo=dt.UTC)),  # says its zone: kept
        ("28 May 2026", dt.datetime(2026, 5, 27, 23, 0, tzinfo=dt.UTC)),  # a date alone: its first minute, BST
    ],
)
def test_a_moment_as_people_write_it_is_read_in_london(text, utc):
    from rules.dates import parse_instant

    assert parse_instant(text) == utc


def test_a_moment_written_wrong_names_its_field():
    from rules.dates import parse_instant

    with pytest.raises(RuleError, match="received: 'next Tuesday' is not a date and time"):
        parse_instant("next Tuesday", "received")
