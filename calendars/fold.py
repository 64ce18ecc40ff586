"""RFC 5545 line folding, done in bulk: content lines longer than 75 octets split.

icalendar folds one character at a time in Python, which was a third of the time to
export a country's feeds. The rules are icalendar's own (a test holds the octets
equal): segments of at most 74 octets (75 with the leading space of a continuation),
never inside a UTF-8 sequence, and never between an escape character (a backslash,
or RFC 6868's caret) and what it escapes.
"""

from __future__ import annotations

LIMIT = 74  # octets of content per physical line, before the CRLF (75 with a continuation's space)
ESCAPES = b"\\^"


def fold(line: str) -> bytes:
    """One content line as octets, folded: CRLF and a space between segments."""
    data = line.encode()
    if len(data) <= LIMIT:
        return data
    segments = []
    start = 0
    while len(data) - start > LIMIT:
        end = start + LIMIT
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: cut before its sequence
            end -= 1
        if end - start > 1 and data[end - 1] in ESCAPES:  # keep an escape with what follows it
            end -= 1
        segments.append(data[start:end])
        start = end
    segments.append(data[start:])
    return b"\r\n ".join(segments)


def fold_text(line: str) -> str:
    """`fold` for a line kept as text: unchanged when short (the usual case), else folded."""
    if len(line) <= LIMIT and line.isascii():
        return line
    return fold(line).decode()
