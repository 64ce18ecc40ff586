"""Offsets as people write them: "5 clear working days before", "within 14 days".

An `Offset` says how a deadline is found from its anchor (a meeting, or another
deadline). The meaning of each count is fixed here and applied by
`scheduler.workdays`; this module only reads the words.

Phrases understood (case and spacing do not matter; "at least", "not later than"
and a trailing "the meeting" / "each meeting" may be added):

- ``N working days before``        step back N working days, not counting the day
- ``N clear working days before``  N whole working days lie strictly between
- ``within N working days after``  step forward N working days
- ``within N days [after]``, ``within one week``  calendar days after; the
  deadline is the latest working day on or before the day reached
- ``N days before``, ``N weeks before``  calendar days before, same rounding
- ``N months before``, ``within N months after``, ``six months notice before``
- ``on the day``                   the anchor day itself
- ``before the meeting``           the meeting day, by the time the meeting starts
- ``at the next meeting``          the body's next meeting
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from rules.errors import RuleError


class Count(Enum):
    """How the days of an offset are counted."""

    WORKING = "working days"
    CLEAR = "clear working days"
    DAYS = "calendar days"
    MONTHS = "calendar months"
    MEETING_START = "before the meeting starts"
    NEXT_MEETING = "at the next meeting"


@dataclass(frozen=True, slots=True)
class Offset:
    """A signed distance from an anchor: negative before it, positive after."""

    count: Count
    n: int
    phrase: str

    @property
    def is_calendar(self) -> bool:
        """Calendar offsets land on any day and are rounded back to a working day."""
        return self.count in (Count.DAYS, Count.MONTHS)

    def __str__(self) -> str:
        return self.phrase


NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "twenty-one": 21, "twenty-eight": 28,
    "thirty": 30,
}  # fmt: skip

# Limits that catch typos ("500 working days") without refusing real rules.
MAX_DAYS = 400
MAX_MONTHS = 24

_NUM = r"(?P<n>\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"
_BEFORE = r"(?:before|in advance(?: of)?|prior to)"
_AFTER = r"(?:after|of|following)"
_UNIT = r"(?P<unit>days?|weeks?|months?)"

_PATTERNS: tuple[tuple[re.Pattern[str], Count | None, int], ...] = tuple(
    (re.compile(pattern), count, sign)
    for pattern, count, sign in (
        (rf"{_NUM} clear working days? {_BEFORE}", Count.CLEAR, -1),
        (rf"{_NUM} working days? {_BEFORE}", Count.WORKING, -1),
        (rf"(?:within )?{_NUM} working days?(?: {_AFTER})?", Count.WORKING, +1),
        (rf"{_NUM} {_UNIT}(?:'s)?(?: notice)? {_BEFORE}", None, -1),
        (rf"(?:within )?{_NUM} {_UNIT}(?: {_AFTER})?", None, +1),
    )
)
_SPECIAL = {
    "on the day": Offset(Count.WORKING, 0, "on the day"),
    "before the meeting": Offset(Count.MEETING_START, 0, "before the meeting"),
    "before the meeting starts": Offset(Count.MEETING_START, 0, "before the meeting"),
    "in advance of the meeting": Offset(Count.MEETING_START, 0, "before the meeting"),
    "at the next meeting": Offset(Count.NEXT_MEETING, 0, "at the next meeting"),
}

_NOISE = re.compile(r"^(?:at least|not later than|no later than|by) |(?: the| each)? meetings?$")

EXAMPLES = "'5 clear working days before', '8 working days before', 'within 5 working days after', 'within 14 days'"


def _normalise(text: str) -> str:
    """Lower-case, single-spaced, without the words that add no meaning."""
    words = " ".join(text.lower().replace("\u2019", "'").split())
    previous = None
    while previous != words:
        previous, words = words, _NOISE.sub("", words).strip()
    return words


def parse_offset(text: str) -> Offset:
    """Read an offset phrase; a `RuleError` says what is wrong with a bad one."""
    if not isinstance(text, str) or not text.strip():
        raise RuleError(f"expected an offset phrase such as {EXAMPLES}")
    plain = " ".join(text.lower().split())
    if plain in _SPECIAL:
        return _SPECIAL[plain]
    words = _normalise(text)
    if words in _SPECIAL:
        return _SPECIAL[words]
    if re.search(r"\bclear days?\b", words):
        raise RuleError(f"'{text}': say 'clear working days' (govcal counts clear days as working days)")
    for pattern, count, sign in _PATTERNS:
        match = pattern.fullmatch(words)
        if match:
            return _build(match, count, sign, words)
    raise RuleError(f"'{text}' is not an offset govcal understands; write it like {EXAMPLES}")


def _build(match: re.Match[str], count: Count | None, sign: int, words: str) -> Offset:
    raw = match["n"]
    n = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
    if count is None:
        unit = match["unit"].rstrip("s")
        count = Count.MONTHS if unit == "month" else Count.DAYS
        if unit == "week":
            n *= 7
    limit = MAX_MONTHS if count is Count.MONTHS else MAX_DAYS
    if n > limit:
        raise RuleError(f"'{words}': {n} {count.value} is more than the {limit} govcal accepts")
    return Offset(count, sign * n, canonical_phrase(count, sign * n))


def canonical_phrase(count: Count, n: int) -> str:
    """The one way govcal writes an offset back: "within 7 days after", "5 working days before"."""
    unit = {Count.WORKING: "working day", Count.CLEAR: "clear working day", Count.DAYS: "day", Count.MONTHS: "month"}[
        count
    ]
    if n == 0:
        return "on the day"
    amount = f"{abs(n)} {unit}{'s' if abs(n) != 1 else ''}"
    return f"{amount} before" if n < 0 else f"within {amount} after"
