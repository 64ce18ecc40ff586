"""School term calendars: a local authority's school years, as published.

A year whose dates were not found is kept as "not published", never guessed: a
termly body planned into such a year is told so plainly. This module reads a term
calendar from its YAML text; finding the files (built in, or beside a rule file) is
the application's (`govcal.terms`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import yaml

from rules.errors import RuleError
from rules.loader import Fields, date, identifier, text


@dataclass(frozen=True, slots=True)
class Term:
    """One school term, with its half-term break (inclusive dates)."""

    name: str
    start: dt.date
    end: dt.date
    half_term: tuple[dt.date, dt.date] | None

    def contains(self, day: dt.date) -> bool:
        """In term and not in the half-term break."""
        if not self.start <= day <= self.end:
            return False
        return not (self.half_term and self.half_term[0] <= day <= self.half_term[1])

    def __str__(self) -> str:
        return f"{self.name} term {self.start:%d %b %Y} to {self.end:%d %b %Y}"


@dataclass(frozen=True, slots=True)
class TermYear:
    """An academic year's terms ("2025-26"), or a year marked not published."""

    label: str
    status: str
    terms: tuple[Term, ...]

    @property
    def published(self) -> bool:
        return bool(self.terms)


@dataclass(frozen=True, eq=False)
class TermCalendar:
    """A local authority's school years, by label (one object per file, so compared by identity)."""

    authority: str
    source: str
    years: dict[str, TermYear]

    def year(self, start_year: int) -> TermYear | None:
        """The academic year starting in September of `start_year`."""
        return self.years.get(academic_label(start_year))

    def term_of(self, day: dt.date) -> Term | None:
        """The term `day` is taught in (half-terms excluded), or None."""
        for year in self.years.values():
            for term in year.terms:
                if term.contains(day):
                    return term
        return None

    def is_school_holiday(self, day: dt.date) -> bool | None:
        """True in a holiday or half-term, False in term, None where no dates are published."""
        label = academic_label(day.year if day.month >= 8 else day.year - 1)
        year = self.years.get(label)
        if year is None or not year.published:
            return None
        return not any(term.contains(day) for term in year.terms)


def academic_label(start_year: int) -> str:
    """ "2026-27" for the year starting September 2026."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def _term(fields: Fields) -> Term:
    name = fields.take("name", identifier)
    start = fields.take("start", date)
    end = fields.take("end", date)
    half = fields.nested("half_term")
    half_term = None
    if half is not None:
        half_term = (half.take("start", date), half.take("end", date))
        half.done()
        if not start <= half_term[0] <= half_term[1] <= end:
            raise fields.fail("half-term must lie inside the term", "half_term")
    if end < start:
        raise fields.fail(f"ends ({end}) before it starts ({start})", "end")
    fields.take("notes", text, "")
    fields.done()
    return Term(name, start, end, half_term)


def read_term_calendar(yaml_text: str, source: str) -> TermCalendar:
    """A term calendar from its YAML text; `source` names the file in errors.

    Extra keys (sources, notes) are for people and kept out of the model.
    """
    try:
        node = yaml.compose(yaml_text)
    except yaml.YAMLError as error:
        raise RuleError(f"cannot read term calendar: {error}", file=source) from None
    if node is None:
        raise RuleError("empty term calendar", file=source)
    fields = Fields(node, source)
    authority = fields.take("authority", text)
    fields.take("nation", text, "")
    years: dict[str, TermYear] = {}
    year_fields = fields.nested("years")
    if year_fields is None:
        raise fields.fail("is required", "years")
    for label in list(year_fields.items):
        each = year_fields.nested(label)
        assert each is not None
        status = each.take("status", text, "published")
        terms = tuple(_term(term) for term in each.each("terms"))
        # Provenance is for people: read past it, but it must be there for published years.
        for key in ("sources", "note", "holidays", "holidays_implied_by_gaps", "bank_holidays_in_term",
                    "source_discrepancies", "council_recommended_pd_days"):  # fmt: skip
            each.taken.add(key)
        each.done()
        if terms and not each.has("sources"):
            raise each.fail("published terms need their 'sources'", None)
        years[label] = TermYear(label, status, terms)
    fields.done()
    return TermCalendar(authority, source, years)
