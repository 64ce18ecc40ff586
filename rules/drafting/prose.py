"""How terms of reference write numbers, months, times and day counts, read into the rule
language's own words ("five clear days' notice" -> "5 clear working days before").

Each reader takes one sentence and returns what it found with the words it found it in,
so a draft can quote them; none guesses at what is not there.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rules.offsets import NUMBER_WORDS, Count, Offset, parse_offset
from rules.phrases import parse_month

_MORE_NUMBERS = {
    "twenty-four": 24, "twenty four": 24, "twenty-one": 21, "twenty one": 21, "twenty-eight": 28,
    "twenty eight": 28, "twenty-five": 25, "twenty five": 25, "thirty-one": 31, "forty": 40, "once": 1,
    "twice": 2,
}  # fmt: skip
NUMBERS = {**NUMBER_WORDS, **_MORE_NUMBERS}
NUM = r"(?:\d{1,3}|" + "|".join(sorted((re.escape(w) for w in NUMBERS), key=len, reverse=True)) + r")"
MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
MONTH_LIST = rf"{MONTH}(?:\s*(?:,|and|&|or)\s*(?:and\s+)?{MONTH})*"
FRACTIONS = {
    "half": 0.5, "one half": 0.5, "a half": 0.5, "one third": 1 / 3, "a third": 1 / 3, "two thirds": 2 / 3,
    "one quarter": 0.25, "a quarter": 0.25, "two fifths": 0.4, "one fifth": 0.2, "three quarters": 0.75,
}  # fmt: skip


def number(word: str) -> int:
    """A count as written: "5", "five", "twenty-one"."""
    word = word.lower().strip()
    return int(word) if word.isdigit() else NUMBERS[word]


def months_in(text: str) -> list[int]:
    """The months a phrase names, in the order named, each once."""
    found: list[int] = []
    for match in re.finditer(rf"\b{MONTH}\b", text, re.I):
        if match[0].lower() == "may" and not re.match(r"[A-Z]", match[0]):
            continue  # "may" the verb
        month = parse_month(match[0])
        if month not in found:
            found.append(month)
    return found


_PLAIN_MARKS = str.maketrans("’‘“”–—", "''\"\"--")


def plain(sentence: str) -> str:
    """A sentence lower-cased, with its quotes and dashes made plain and spaces single, for matching."""
    text = sentence.lower().translate(_PLAIN_MARKS)
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class FoundOffset:
    """A day count found in a sentence: the offset, the document's own words for it, where it
    was, and how the words were read where that is a choice ("clear days")."""

    offset: Offset
    said: str
    start: int
    reading: str = ""


_UNIT = r"(?P<clear>clear\s+)?(?P<kind>working|business|calendar|school)?\s*(?P<unit>days?|weeks?|months?)"
_BEFORE = r"(?:before|prior to|in advance of|ahead of|preceding|in advance)"
_AFTER = r"(?:after|following|of|from)"
_OFFSETS = (
    re.compile(rf"(?P<n>{NUM}|a|one)\s+{_UNIT}(?:'s?|s')?(?:\s+(?:notice|in advance))?\s+(?P<rel>{_BEFORE})\b"),
    re.compile(
        rf"(?P<within>within|no later than|not later than|not more than)\s+(?P<n>{NUM}|a|one)\s+{_UNIT}\s+(?P<rel>{_AFTER})\b"
    ),
    re.compile(rf"(?P<within>within)\s+(?P<n>{NUM}|a|one)\s+{_UNIT}\b"),
    re.compile(rf"(?P<n>{NUM}|a|one)\s+{_UNIT}(?:'s?|s')?\s+(?P<rel>after|following)\b"),
    re.compile(rf"(?P<n>{NUM}|a|one)\s+{_UNIT}\s+(?P<rel>for)\s+(?:any\s+|their\s+|members'\s+)?comments?\b"),
    re.compile(rf"(?P<n>{NUM}|a|one)\s+{_UNIT}(?:'s?|s')?\s+(?P<rel>notice)\b"),  # "three clear days' notice of ..."
)


def offsets_in(sentence: str) -> list[FoundOffset]:
    """Every day count in a sentence ("at least five clear working days before the meeting",
    "within 10 working days of the meeting"), in the order written."""
    text = plain(sentence)
    found: list[FoundOffset] = []
    taken: list[range] = []
    for pattern in _OFFSETS:
        for match in pattern.finditer(text):
            if any(match.start() in span for span in taken):
                continue
            read = _offset(match)
            if read is not None:
                found.append(read)
                taken.append(range(match.start(), match.end()))
    return sorted(found, key=lambda each: each.start)


def _offset(match: re.Match[str]) -> FoundOffset | None:
    n = number(match["n"]) if match["n"] not in ("a",) else 1
    unit = match["unit"].rstrip("s")
    kind = match["kind"] or ""
    relation = match.groupdict().get("rel")
    before = relation is not None and re.fullmatch(rf"{_BEFORE}|notice", relation) is not None
    reading = ""
    if unit == "day" and kind == "school" and not before:  # a count within which something is due after
        words = f"{n} working days"
        reading = "school days read as working days: the same in term, and over a holiday earlier, never later"
    elif unit == "day" and (kind in ("working", "business") or match["clear"]):
        count = "clear working days" if match["clear"] else "working days"
        if match["clear"] and not kind:
            reading = "'clear days' read as clear working days, as the Local Government Act 1972 counts them"
        if kind == "business":
            reading = "business days read as working days"
        words = f"{n} {count}"
    elif unit == "day" and kind == "school":
        return None  # before a meeting, working days would fall later than school days over a holiday
    else:
        words = f"{n} {unit}s" if n != 1 else f"1 {unit}"
    phrase = f"{words} before" if before else f"within {words} after"
    try:
        offset = parse_offset(phrase)
    except ValueError:
        return None
    if offset.count is Count.CLEAR and not before:
        return None
    return FoundOffset(offset, match[0], match.start(), reading)


_TIME = re.compile(
    r"\b(?P<h>\d{1,2})(?:[.:](?P<m>\d{2}))?\s*(?P<ampm>a\.?m\.?|p\.?m\.?)(?![a-z])|\b(?P<h24>[01]?\d|2[0-3])[.:](?P<m24>[0-5]\d)\s*(?:hrs|hours|h)?\b|\b(?P<noon>noon|midday)\b",
    re.I,
)


def times_in(sentence: str) -> list[tuple[dt.time, str, int]]:
    """The times of day in a sentence, each with its words and position: "7.30pm", "14:00", "noon"."""
    found = []
    for match in _TIME.finditer(sentence):
        if match["noon"]:
            found.append((dt.time(12, 0), match[0], match.start()))
            continue
        if match["h24"] is not None:
            hour, minute = int(match["h24"]), int(match["m24"])
        else:
            hour, minute = int(match["h"]), int(match["m"] or 0)
            if hour > 12:
                continue
            if match["ampm"].lower().startswith("p") and hour != 12:
                hour += 12
            elif match["ampm"].lower().startswith("a") and hour == 12:
                hour = 0
        if hour < 24 and minute < 60:
            found.append((dt.time(hour, minute), match[0], match.start()))
    return found


def day_of_year_in(sentence: str) -> tuple[tuple[int, int], str] | None:
    """A day of the year a thing is due by: "by 30 June", "no later than 31st July"."""
    match = re.search(
        rf"\b(?:by|before|no later than|not later than|on or before)\s+(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{MONTH})\b"
        rf"|\b(?:by|before|no later than|not later than|on or before)\s+(?P<m2>{MONTH})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b",
        sentence,
        re.I,
    )
    if match is None:
        return None
    day, month = int(match["d"] or match["d2"]), parse_month(match["m"] or match["m2"])
    try:
        dt.date(2024, month, day)
    except ValueError:
        return None
    return (month, day), match[0]
