"""User text made safe for a feed: control characters out, lengths capped, safe links only.

Every piece of text that came from a person (a body's name, a location, an
explanation quoting a clause) passes through here before it reaches a feed, so no
caller can forget. `text` is RFC 5545's TEXT escaping, as icalendar does it.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

SUMMARY_MAX = 200
LOCATION_MAX = 300
DESCRIPTION_MAX = 4000
SAFE_SCHEMES = ("https", "mailto")

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str, limit: int, *, multiline: bool = False) -> str:
    """Text without control or bidi-override characters, NFC-normalised, at most `limit` characters.

    Newlines survive only where `multiline` (a DESCRIPTION); elsewhere they become spaces.
    A capped text ends with an ellipsis so a reader sees it was cut.
    """
    text = unicodedata.normalize("NFC", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = " ".join(text.split())
    text = _CONTROL.sub("", text.replace("\t", " "))
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "\u2026"
    return text.strip()


def safe_link(url: str | None) -> str | None:
    """The URL if it is an https: or mailto: link with somewhere to go, else None."""
    if not url:
        return None
    url = clean(url, 2000)
    parts = urlsplit(url)
    if parts.scheme.lower() not in SAFE_SCHEMES:
        return None
    if parts.scheme.lower() == "https" and not parts.netloc:
        return None
    if parts.scheme.lower() == "mailto" and "@" not in parts.path:
        return None
    return url


def text(value: str) -> str:
    """A TEXT value escaped as icalendar escapes it (RFC 5545 3.3.11), in its order:
    backslash, semicolon, comma, then line breaks as \\n (a literal "\\N" is a line break)."""
    return (
        value.replace("\\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )
