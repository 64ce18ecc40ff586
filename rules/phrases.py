"""The rule language's small vocabulary: day patterns, months, times (frequencies: `rules.frequencies`).

Each reader takes the words as written in a rule file and returns a value from
`rules.model`, or raises `RuleError` saying what was expected.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import TypeVar

from rules.errors import RuleError
from rules.model import MONTHS, Pattern, ReminderRule
from rules.offsets import NUMBER_WORDS, Count, parse_offset

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": -1}


def parse_pattern(text: str) -> Pattern:
    """Read a preferred day of the month: "second Tuesday", "last Wednesday"."""
    words = " ".join(str(text).lower().split())
    parts = words.split(" ")
    if len(parts) == 2 and parts[0] in ORDINALS and parts[1] in WEEKDAYS:
        weekday = WEEKDAYS.index(parts[1])
        if weekday >= 5:
            raise RuleError(f"'{text}': meetings are held on working days, not on a {parts[1].title()}")
        return Pattern(ORDINALS[parts[0]], weekday, f"{parts[0]} {parts[1].title()}")
    raise RuleError(f"'{text}' is not a day pattern; write it like 'second Tuesday' or 'last Wednesday'")


def parse_month(text: str) -> int:
    """A month by name ("july", "Sept"), 1-12."""
    word = str(text).strip().lower()
    for number, name in enumerate(MONTHS, start=1):
        if len(word) >= 3 and name.startswith(word):
            return number
    raise RuleError(f"'{text}' is not a month; write it like 'april' or 'september'")


def parse_day_of_year(text: str) -> tuple[int, int]:
    """A day each year, "31 March" or "March 31", as (month, day)."""
    words = str(text).strip().lower().split()
    if len(words) == 2:
        day, month = (words[0], words[1]) if words[0].rstrip("stndrh").isdigit() else (words[1], words[0])
        number = day.rstrip("stndrh")
        if number.isdigit():
            month_number = parse_month(month)
            try:
                dt.date(2024, month_number, int(number))  # a leap year: 29 February is allowed
            except ValueError:
                raise RuleError(f"'{text}' is not a day of the year") from None
            return month_number, int(number)
    raise RuleError(f"'{text}' is not a day of the year; write it like '31 March'")


def parse_time(text: str) -> dt.time:
    """A 24-hour time of day, "14:00" or "9:30"."""
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", str(text).strip())
    if match:
        hour, minute = int(match[1]), int(match[2])
        if hour < 24 and minute < 60:
            return dt.time(hour, minute)
    raise RuleError(f"'{text}' is not a time of day; write it like '14:00'")


def parse_duration(text: str) -> dt.timedelta:
    """A meeting's length: "2 hours", "90 minutes", "1 hour 30 minutes", "2h"."""
    words = " ".join(str(text).lower().split())
    match = re.fullmatch(
        r"(?:(\d+(?:\.\d+)?|an?|one|two|three|four)\s*(?:h|hours?))?\s*(?:(\d+)\s*(?:m|mins?|minutes?))?", words
    )
    if match and (match[1] or match[2]):
        amount = match[1] or "0"
        hours = float(amount) if amount[0].isdigit() else NUMBER_WORDS[amount]
        duration = dt.timedelta(hours=hours, minutes=int(match[2] or 0))
        if dt.timedelta(minutes=10) <= duration <= dt.timedelta(hours=12):
            return duration
        raise RuleError(f"'{text}': a meeting lasts between 10 minutes and 12 hours")
    raise RuleError(f"'{text}' is not a duration; write it like '2 hours' or '90 minutes'")


E = TypeVar("E", bound=Enum)


def parse_choice(text: str, choices: type[E]) -> E:
    """One of an enum's values, by its words ("next same weekday", "middle")."""
    words = " ".join(str(text).lower().split())
    for choice in choices:
        if choice.value == words:
            return choice
    expected = ", ".join(f"'{choice.value}'" for choice in choices)
    raise RuleError(f"'{text}' is not one of {expected}")


_AT = re.compile(r"^(first|last) meeting(?: (?:in|of) (\w+))?$")


def parse_item_at(text: str) -> tuple[str, int | None]:
    """Which meeting an item is taken at: ("first"|"last", month or None)."""
    words = " ".join(str(text).lower().split())
    words = re.sub(r"^(?:at )?(?:the )?", "", words)
    match = _AT.match(words)
    if match:
        month = parse_month(match[2]) if match[2] else None
        if match[1] == "last" and month is not None:
            raise RuleError(f"'{text}': say 'first meeting in <month>' or 'last meeting'")
        return match[1], month
    raise RuleError(f"'{text}': write 'first meeting', 'last meeting' or 'first meeting in july'")


def parse_reminder(text: str) -> ReminderRule:
    """A reminder: "3 working days before at 09:00", "on the day at 09:00"."""
    words = " ".join(str(text).split())
    offset_text, _, time_text = words.rpartition(" at ")
    if not offset_text:
        raise RuleError(f"'{text}': write a reminder like '3 working days before at 09:00'")
    offset = parse_offset(offset_text)
    if offset.count not in (Count.WORKING, Count.CLEAR, Count.DAYS) or offset.n > 0:
        raise RuleError(f"'{text}': a reminder comes on or before the deadline's day")
    return ReminderRule(offset, parse_time(time_text))
