"""A document's blocks as clauses: each with the number a clerk would cite, the heading it
sits under, and its sentences.

Documents number clauses every way there is ("6.8", "3.2.6 (f)", "Section 4", "(a)" under
"7.1", Word's automatic numbers) or not at all, citing by heading ("Working
arrangements"). A clause is cited by its own number, else by the number of the clause it
continues, else by its heading.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rules.drafting.documents import Block


@dataclass(frozen=True, slots=True)
class Clause:
    """A paragraph of the document, cited by `label`, under `heading`, at block `index`."""

    label: str
    heading: str
    text: str
    index: int
    sentences: tuple[str, ...]


_NUMBER = re.compile(
    r"^(?:(?:section|clause|paragraph|para\.?|article|rule)\s+)?(?P<n>\d{1,2}(?:\.\d{1,2}){0,3})\.?(?:\s+|$)(?=[A-Z(\"'‘“]|$)"
    # "4 times a year" under a numbered list is a count, not clause 4
    r"(?!(?-i:times|meetings?|occasions|weeks?|months?|days?|working|clear|calendar|hours?|members?|per)\b)",
    re.I,
)
_SUB = re.compile(r"^(?:\((?P<a>[a-z]{1,2}|[ivx]{1,5}|\d{1,2})\)|(?P<b>[a-z]|[ivx]{1,5})[.)])\s+")
_BULLET = re.compile(r"^[-–•▪·*●○◦]\s*|^o\s+(?=[A-Z])")
_TITLE = re.compile(r"\bterms of reference\b|\bconstitution\b", re.I)  # the document's title, no section
_APPENDIX = re.compile(r"^(appendix|annex|schedule)\s+([A-Z0-9]{1,3})\b", re.I)


def clauses(blocks: Iterable[Block]) -> list[Clause]:
    """The blocks as clauses, each labelled as the document numbers it."""
    found: list[Clause] = []
    number, heading, sub, section, cited = "", "", "", "", ""
    blocks = list(blocks)
    for index, block in enumerate(blocks):
        text = _BULLET.sub("", block.text).strip()
        own, text = _own_number(block, text)
        if own:
            number, sub = own, ""
        else:
            match = _SUB.match(text)
            if match:
                sub = match["a"] or match["b"]
                text = text[match.end() :]
        if block.heading or (not block.cell and _looks_like_heading(text)):
            heading, sub = _heading(text), ""
            row = index + 1 < len(blocks) and blocks[index + 1].cell  # a table row's label, cited under its section
            section = section if row else "" if _TITLE.search(heading) else heading
            cited = f"{section}: {heading}" if row and section else heading
            appendix = _APPENDIX.match(text)
            if appendix:
                number = f"App. {appendix[2]}"
            elif not own:
                number = ""
            if not text or block.heading or len(text) <= 60:
                continue
        label = number + (f" ({sub})" if sub and number else f"({sub})" if sub else "")
        found.append(Clause(label or cited, heading, text, index, tuple(sentences(text))))
    return found


def _own_number(block: Block, text: str) -> tuple[str, str]:
    """The clause number a block shows or is given, and its text without it."""
    if block.label:
        return block.label, text
    match = _NUMBER.match(text)
    if match:
        return match["n"], text[match.end() :].strip()
    return "", text


def _looks_like_heading(text: str) -> bool:
    """A short line that is not a sentence: "MEETINGS", "Frequency of meetings"."""
    words = text.split()
    return 0 < len(words) <= 8 and not text.endswith((".", ";", ",", ":")) and text[:1].isupper() and len(text) <= 60


def _heading(text: str) -> str:
    text = text.strip().rstrip(":")
    return text.capitalize() if text.isupper() else text


# Abbreviations whose full stop ends no sentence.
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|cllr|no|nos|para|paras|approx|inc|incl|st|mr|mrs|ms|dr|prof|vs|cf|ref|a\.m|p\.m|am|pm)\.|\b[A-Z]\.)$",
    re.I,
)
_END = re.compile(r"(?<=[.!?;])[\"'’”)]*\s+(?=[\"'‘“(]?[A-Z0-9])")


def sentences(text: str) -> list[str]:
    """A paragraph's sentences (a semicolon ends one too, as lists of duties are written)."""
    found: list[str] = []
    start = 0
    for match in _END.finditer(text):
        piece = text[start : match.start()].strip()
        if _ABBREVIATIONS.search(piece):
            continue
        if piece:
            found.append(piece)
        start = match.end()
    rest = text[start:].strip()
    if rest:
        found.append(rest)
    return found
