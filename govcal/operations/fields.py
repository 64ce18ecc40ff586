"""The checks every value from outside passes, once, in the operations: text, numbers, years, choices.

Whichever face asked (the CLI, the API, an admin form, a script), a value the kept year
cannot hold is a `RuleError` naming the field, before it reaches the store or a message:
so PostgreSQL never sees a NUL, a reply never has to encode a lone surrogate, and a field
is as long on every face as its column allows. Messages never repeat a refused character.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

from rules.errors import RuleError
from scheduler.workdays import FIRST_YEAR, LAST_YEAR

# The longest each kind of text may be: the store's columns (scheduler.store.tables).
NAME = 200  # a person's name, an organisation, a token's holder
ID = 300  # a meeting's or deadline's id
BODY_ID = 100  # a body's id, a role's
EMAIL = 320  # RFC 5321's longest address
REASON = 500  # why an admin forced past a rule, or what an edit notes
URL = 2000  # a link a person gives (a meeting's papers)

FIRST_CYCLE, LAST_CYCLE = FIRST_YEAR, LAST_YEAR - 1  # a cycle starting in the last year would run past the calendars
DIGITS = re.compile(r"[0-9]+")  # ASCII digits only: '²'.isdigit() is True, int('²') fails


def text(value: object, field: str, limit: int) -> str:
    """`value` if it is text of at most `limit` characters, on one line, that any database
    can keep: no control character (C0, DEL, C1: NUL included) and no lone surrogate."""
    if not isinstance(value, str):
        raise RuleError(f"must be text, not {type(value).__name__}", field=field)
    if len(value) > limit:
        raise RuleError(f"at most {limit} characters, not {len(value)}", field=field)
    bad = next((c for c in value if unicodedata.category(c) in ("Cc", "Cs")), None)
    if bad is not None:
        kind = "a lone surrogate" if unicodedata.category(bad) == "Cs" else "a control character"
        raise RuleError(f"{kind} (U+{ord(bad):04X}) is not allowed", field=field)
    return value


def filled(value: object, field: str, limit: int) -> str:
    """`text`, trimmed, that says something: a name, say."""
    said = text(value, field, limit).strip()
    if not said:
        raise RuleError("must not be empty", field=field)
    return said


def maybe_text(value: object, field: str, limit: int) -> str | None:
    """`text`, where the field may be left out (None)."""
    return None if value is None else text(value, field, limit)


def whole_number(value: object, field: str, low: int, high: int, what: str = "a whole number") -> int:
    """`value` as a whole number from `low` to `high`: an int, or ASCII digits (a form's
    text); never a bool, a float (NaN and infinity included) or another script's digits."""
    if isinstance(value, str):
        written = text(value, field, BODY_ID).strip()  # a short word's bound
        number: object = int(written) if DIGITS.fullmatch(written) else written
    else:
        number = value
    if isinstance(number, int) and not isinstance(number, bool) and low <= number <= high:
        return number
    shown = repr(number) if isinstance(number, float) else f"'{number}'" if isinstance(number, str | int) else "that"
    raise RuleError(f"{shown} is not {what} ({low} to {high})", field=field)


def cycle_year(value: object, field: str = "year") -> int:
    """A cycle year govcal plans, by the calendar year it starts in."""
    return whole_number(value, field, FIRST_CYCLE, LAST_CYCLE, "a cycle year govcal plans")


def choice(value: object, field: str, words: Iterable[str]) -> str:
    """One of `words` (a `StrEnum`'s, say), or a `RuleError` listing them."""
    word, known = text(value, field, BODY_ID), [str(each) for each in words]
    if word not in known:
        raise RuleError(f"'{word}' is not one of {', '.join(known)}", field=field)
    return word


def web_url(value: object, field: str) -> str:
    """A web address people can open: http or https, with a host, and no spaces (trimmed)."""
    url = text(value, field, URL).strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # a malformed host or port ("http://[x")
        host = None
    if parts.scheme.lower() not in ("http", "https") or not host or any(c.isspace() for c in url):
        shown = url if len(url) <= 80 else url[:77] + "..."
        raise RuleError(f"'{shown}' is not a web address: give one starting https:// (or http://)", field=field)
    return url
