"""Dates as people write them: "2026-05-28", "28 May 2026", "Thu 28 May 2026", "28/05/2026".

Numbers with slashes (or dots) are read day first, as in the UK; a date that only
makes sense month first ("12/25/2026") and one with no year ("05/06") are refused
with the way to write them, never guessed. A weekday, where given, must be the
date's own.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from rules.errors import RuleError
from rules.phrases import WEEKDAYS, parse_month

EXAMPLES = "2026-05-28, 28 May 2026 or 28/05/2026"
LONDON = ZoneInfo("Europe/London")  # the zone every date and time without one is read in


class NotADate(RuleError):
    """Text that is no date at all (rather than a date written wrong)."""


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMBERS = re.compile(r"^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?$")
_WORDS = re.compile(
    r"^(?:(?P<weekday>[a-z]+),?\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[a-z]+)\.?,?(?:\s+(?P<year>\d{4}))?$"
)
_MONTH_FIRST = re.compile(
    r"^(?:(?P<weekday>[a-z]+),?\s+)?(?P<month>[a-z]+)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?(?:\s+(?P<year>\d{4}))?$"
)
_TIME = re.compile(r"^(?P<date>.*?)[\sT,]+(?P<hour>\d{1,2})[:.](?P<minute>\d{2})$")


def parse_date(text: str) -> dt.date:
    """A date as people write it (see the module docstring); a `RuleError` says how else."""
    words = " ".join(str(text).strip().lower().split())
    if match := _ISO.match(words):
        return _day(text, int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMBERS.match(words):
        day, month, year = int(match[1]), int(match[2]), match[3]
        if year is None:
            raise RuleError(f"'{text}' has no year; write it like {day:02d}/{month:02d}/2026 (day first)")
        if month > 12 >= day:
            raise RuleError(f"'{text}' reads month first; govcal reads day first: write {month:02d}/{day:02d}/{year}")
        return _day(text, int(year) + (2000 if len(year) == 2 else 0), month, day)
    if match := _WORDS.match(words) or _MONTH_FIRST.match(words):
        month_word = match["month"]
        try:
            month = parse_month(month_word)
        except RuleError:
            raise NotADate(f"'{text}' is not a date: '{month_word}' is not a month; write it like {EXAMPLES}") from None
        if match["year"] is None:
            raise RuleError(f"'{text}' has no year; write it like {int(match['day'])} {month_word.title()} 2026")
        found = _day(text, int(match["year"]), month, int(match["day"]))
        _check_weekday(text, found, match["weekday"])
        return found
    raise NotADate(f"'{text}' is not a date; write it like {EXAMPLES}")


def parse_moment(text: str) -> tuple[dt.date, dt.time | None]:
    """A date with a time of day or without: "28 May 2026 10:15", "2026-05-28T10:15"."""
    words = " ".join(str(text).strip().split())
    match = _TIME.match(words)
    if match and int(match["hour"]) < 24 and int(match["minute"]) < 60:
        return parse_date(match["date"]), dt.time(int(match["hour"]), int(match["minute"]))
    return parse_date(words), None


def in_london(moment: dt.datetime) -> dt.datetime:
    """A moment as given if it says its zone, else the same clock time in Europe/London."""
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


def parse_instant(text: str, field: str | None = None) -> dt.datetime:
    """A moment as people write it, in Europe/London unless it says otherwise: "2026-03-03
    10:15", "3 Mar 2026 10:15", "03/03/2026 10:15", "2026-03-03T10:15+00:00" (a date alone is
    its first minute); else a `RuleError` naming `field`."""
    try:
        return in_london(dt.datetime.fromisoformat(str(text).strip()))
    except ValueError:
        pass
    try:
        day, time = parse_moment(text)
    except RuleError:
        raise RuleError(
            f"'{text}' is not a date and time; write it like '2026-03-03 10:15' or '3 Mar 2026 10:15'", field=field
        ) from None
    return in_london(dt.datetime.combine(day, time or dt.time(0, 0)))


def split_dated(text: str) -> tuple[str, dt.date]:
    """Split "10 working days before 28 May 2026" into the phrase and the date it ends with."""
    words = str(text).split()
    for take in (4, 3, 2, 1):  # the longest ending that is a date; one written wrong is said so
        if len(words) > take:
            try:
                return " ".join(words[:-take]), parse_date(" ".join(words[-take:]))
            except NotADate:
                continue
    raise RuleError(f"'{text}': expected an offset phrase and a date, e.g. '5 clear working days before 28 May 2026'")


def _day(text: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise RuleError(f"'{text}' is not a date on the calendar") from None


def _check_weekday(text: str, day: dt.date, weekday: str | None) -> None:
    if weekday is None:
        return
    named = [n for n, name in enumerate(WEEKDAYS) if len(weekday) >= 3 and name.startswith(weekday)]
    if not named:
        raise NotADate(f"'{text}' is not a date: '{weekday}' is not a day of the week")
    if named[0] != day.weekday():
        raise RuleError(f"'{text}': {day:%d %B %Y} is a {day:%A}, not a {WEEKDAYS[named[0]].title()}")
