"""School term calendars: a local authority's school years, as published.

A year whose dates were not found is kept as "not published": a termly body planned
into such a year is told so plainly. Where the file declares the authority's pattern
(`estimate`, with the published years that support it), that year's holidays are
estimated from it and Easter, and marked so wherever they show: they move meetings a
body would rather not hold in a holiday, but never fail a check, and published dates
replace them as soon as they are given. A published year runs from
1 September (or its first term, if earlier) to 31 August (or the end of its last
named holiday, if later); every day in it outside its terms is a school holiday. The
holidays are named as the authority names them where it does, and otherwise by
where they fall (Christmas between autumn and spring, Easter before summer).

This module reads a term calendar from its YAML text, or the same model from an
iCalendar file (`read_term_ics`), and finding the files is the application's
(`govcal.terms`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import yaml
from dateutil.easter import easter

from rules.errors import RuleError
from rules.loader import Fields, date, identifier, text

if TYPE_CHECKING:  # icalendar is imported by read_term_ics alone, not by every command that plans (issue 33)
    import icalendar


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
class Holiday:
    """A school holiday or half-term, named as people say it ("Easter holiday"), inclusive dates."""

    name: str
    start: dt.date
    end: dt.date

    @property
    def dates(self) -> str:
        """ "Fri 3 Apr to Fri 17 Apr": its first and last day as a reader says them."""
        return f"{_said(self.start)} to {_said(self.end)}"

    def __str__(self) -> str:
        return f"{self.name}: {self.dates} {self.end.year}"


# What a holiday between two terms is called when the authority does not name it, by the term after it.
HOLIDAY_BEFORE = {"spring": "Christmas", "summer": "Easter", "autumn": "Summer"}


@dataclass(frozen=True, slots=True)
class TermYear:
    """An academic year's terms ("2025-26") and the holidays it names, or a year marked not published."""

    label: str
    status: str
    terms: tuple[Term, ...]
    named: tuple[Holiday, ...] = ()

    @property
    def published(self) -> bool:
        return bool(self.terms)

    @property
    def span(self) -> tuple[dt.date, dt.date]:
        """The days this year speaks for: 1 Sep to 31 Aug, stretched to its first term and last named holiday."""
        start_year = int(self.label[:4])
        first = min([dt.date(start_year, 9, 1), *(t.start for t in self.terms)])
        last = max([dt.date(start_year + 1, 8, 31), *(h.end for h in self.named)])
        return first, last

    def holidays(self) -> list[Holiday]:
        """Every break in the year, in order: half-terms, the holidays between terms and the summer."""
        first, last = self.span
        found = [Holiday(f"{t.name.capitalize()} half-term", *t.half_term) for t in self.terms if t.half_term]
        gaps = [(first, self.terms[0].start - _DAY, "autumn")]
        gaps += [(a.end + _DAY, b.start - _DAY, b.name) for a, b in zip(self.terms, self.terms[1:], strict=False)]
        gaps.append((self.terms[-1].end + _DAY, last, "autumn"))
        for start, end, before in gaps:
            named = [h for h in self.named if h.start <= end and start <= h.end]
            if named:
                found += named
            elif (weekdays := _weekdays(start, end)) is not None:
                found.append(Holiday(f"{HOLIDAY_BEFORE.get(before, before.capitalize())} holiday", *weekdays))
        return sorted(found, key=lambda h: h.start)


_DAY = dt.timedelta(days=1)


def _said(day: dt.date) -> str:
    """ "Mon 22 Dec": a day as a reader says it."""
    return f"{day:%a} {day.day} {day:%b}"


def _weekdays(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """`start`..`end` trimmed to its first and last weekday, or None if it holds none."""
    while start <= end and start.weekday() >= 5:
        start += _DAY
    while end >= start and end.weekday() >= 5:
        end -= _DAY
    return (start, end) if start <= end else None


# How an authority sets its Easter holiday, as a term file's `estimate` names it.
EASTER_PATTERNS = ("week of Good Friday and the week after", "first two full weeks of April")


@dataclass(frozen=True, slots=True)
class Estimate:
    """An authority's holiday pattern, to estimate a year it has not published: its Easter
    (`EASTER_PATTERNS`), and what every English authority shares, as the built-in files
    show it: autumn half-term the week of the last Monday of October, two weeks at
    Christmas from the Monday of the week holding 24 December, spring half-term the
    week of the third Monday of February, summer half-term the Spring bank holiday's
    week (the last Monday of May). The summer holiday is August, as without an estimate."""

    easter: str
    supported_by: tuple[str, ...]  # the published years that follow the pattern, for people

    def holidays(self, start_year: int) -> tuple[Holiday, ...]:
        """The estimated holidays of the school year starting in September of `start_year`."""
        return _estimated(self.easter, start_year)


@lru_cache(maxsize=256)
def _estimated(easter_pattern: str, start_year: int) -> tuple[Holiday, ...]:
    """`Estimate.holidays`, memoised: placement asks about many days of few years."""
    year = start_year + 1
    christmas = dt.date(start_year, 12, 24)
    christmas -= dt.timedelta(days=christmas.weekday())
    if easter_pattern == EASTER_PATTERNS[0]:
        good_friday = easter(year) - dt.timedelta(days=2)
        easter_start = good_friday - dt.timedelta(days=good_friday.weekday())
    else:
        first = dt.date(year, 4, 1)
        easter_start = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    return (
        _week("Autumn half-term", _last_monday(start_year, 10)),
        Holiday("Christmas holiday", christmas, christmas + dt.timedelta(days=11)),
        _week("Spring half-term", _nth_monday(year, 2, 3)),
        Holiday("Easter holiday", easter_start, easter_start + dt.timedelta(days=11)),
        _week("Summer half-term", _last_monday(year, 5)),
    )


def _week(name: str, monday: dt.date) -> Holiday:
    return Holiday(name, monday, monday + dt.timedelta(days=4))


def _nth_monday(year: int, month: int, nth: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7 + 7 * (nth - 1))


def _last_monday(year: int, month: int) -> dt.date:
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=last.weekday())


@dataclass(frozen=True, eq=False)
class TermCalendar:
    """A local authority's school years, by label (one object per file, so compared by identity)."""

    authority: str
    source: str
    years: dict[str, TermYear]
    estimate: Estimate | None = None

    def estimated(self, day: dt.date) -> Holiday | None:
        """The estimated holiday `day` falls in, where its school year is not published and the
        file declares the authority's pattern; else None."""
        start_year = day.year - (day.month < 9)
        published = self.year(start_year)
        if self.estimate is None or (published is not None and published.published):
            return None
        return next((h for h in self.estimate.holidays(start_year) if h.start <= day <= h.end), None)

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
        spoken = [year for year in self._published() if year.span[0] <= day <= year.span[1]]
        if not spoken:
            return None
        return not any(term.contains(day) for year in spoken for term in year.terms)

    def holidays_between(self, first: dt.date, last: dt.date) -> list[Holiday]:
        """The published holidays and half-terms that touch `first`..`last`, in order."""
        return [h for year in self._published() for h in year.holidays() if h.start <= last and first <= h.end]

    def _published(self) -> list[TermYear]:
        return [year for year in self.years.values() if year.published]


def academic_label(start_year: int) -> str:
    """ "2026-27" for the year starting September 2026."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def _holiday(fields: Fields) -> Holiday:
    name = fields.take("name", identifier)
    start = fields.take("start", date)
    end = fields.take("end", date)
    if end < start:
        raise fields.fail(f"ends ({end}) before it starts ({start})", "end")
    fields.done()
    return Holiday(f"{name.capitalize()} holiday", start, end)


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
        if each is None:  # listed, so present: nested() says None only for an absent key
            raise year_fields.fail("is required", label)
        status = each.take("status", text, "published")
        terms = tuple(_term(term) for term in each.each("terms"))
        named = tuple(_holiday(holiday) for holiday in each.each("holidays"))
        # Provenance is for people: read past it, but it must be there for published years.
        for key in ("sources", "note", "holidays_implied_by_gaps", "bank_holidays_in_term",
                    "source_discrepancies", "council_recommended_pd_days"):  # fmt: skip
            each.taken.add(key)
        each.done()
        if terms and not each.has("sources"):
            raise each.fail("published terms need their 'sources'", None)
        years[label] = checked_year(TermYear(label, status, terms, named), each.fail)
    estimate = _estimate(fields.nested("estimate"))
    fields.done()
    return TermCalendar(authority, source, years, estimate)


def _estimate(fields: Fields | None) -> Estimate | None:
    """The authority's holiday pattern, with the published years that support it; or None."""
    if fields is None:
        return None
    pattern = fields.take("easter", text)
    if pattern not in EASTER_PATTERNS:
        raise fields.fail(f"'{pattern}': expected one of {', '.join(repr(p) for p in EASTER_PATTERNS)}", "easter")
    supported = fields.nested("supported_by")
    if supported is None or not supported.items:
        raise fields.fail("name the published years that follow the pattern, with their dates", "supported_by")
    years = tuple(str(label) for label in supported.items)
    supported.taken.update(years)
    supported.done()
    fields.done()
    return Estimate(pattern, years)


def checked_year(year: TermYear, fail: Callable[[str], RuleError]) -> TermYear:
    """`year` if its terms are in order and its named holidays fall outside them; else `fail`'s error."""
    for a, b in zip(year.terms, year.terms[1:], strict=False):
        if b.start <= a.end:
            raise fail(f"the {b.name} term starts ({b.start}) before the {a.name} term ends ({a.end})")
    for holiday, term in itertools.product(year.named, year.terms):
        shared = range(max(holiday.start, term.start).toordinal(), min(holiday.end, term.end).toordinal() + 1)
        if any(term.contains(dt.date.fromordinal(day)) for day in shared):
            raise fail(f"the {holiday.name} ({holiday.start} to {holiday.end}) overlaps the {term.name} term")
    return year


SEASONS = ("autumn", "spring", "summer")
_SEASON = re.compile(r"\b(autumn|spring|summer)\b")
_NUMBERED_TERM = re.compile(r"\bterm\s*([1-6])\b")  # six-term years: terms 1-2 autumn, 3-4 spring, 5-6 summer
_HALF_TERM = re.compile(r"\bhalf[\s-]*term\b")
_HOLIDAY = re.compile(r"^(.*?)\s*\b(?:holidays?|break)\b")


@dataclass(frozen=True)
class _Span:
    """An all-day event of an .ics term calendar: what it is, its inclusive dates, its line."""

    kind: str  # "term", "half-term" or "holiday"
    name: str
    start: dt.date
    end: dt.date
    line: int


def read_term_ics(ics_text: str, source: str) -> TermCalendar:
    """A term calendar from an iCalendar file, as local authorities publish them.

    Read: all-day events named for a term ("Autumn term", or its halves "Autumn term 1"
    and "Autumn 2", or "Term 1" to "Term 6"), half-terms ("October half term") and
    holidays ("Christmas holiday"). Read past: training days, bank holidays and anything
    else. A term given in halves has its half-term between them (weekdays only).
    """
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(ics_text)
    except ValueError as error:
        raise RuleError(f"cannot read term calendar: not iCalendar ({error})", file=source) from None
    lines = [i for i, line in enumerate(ics_text.splitlines(), 1) if line.strip().upper() == "BEGIN:VEVENT"]
    spans = [
        span
        for event, line in zip(calendar.walk("VEVENT"), lines, strict=False)
        if (span := _span(event, line, source)) is not None
    ]
    by_year: dict[str, list[_Span]] = {}
    for span in sorted(spans, key=lambda s: s.start):
        by_year.setdefault(
            academic_label(span.start.year if span.start.month >= 8 else span.start.year - 1), []
        ).append(span)
    years = {}
    for label, found in sorted(by_year.items()):
        year = _ics_year(label, found, source)
        if year.published:
            years[label] = year
    if not years:
        raise RuleError("no term events found (all-day events named like 'Autumn term')", file=source)
    authority = str(calendar.get("X-WR-CALNAME", "")) or source.rsplit("/", 1)[-1].removesuffix(".ics")
    return TermCalendar(authority, source, years)


def _span(event: icalendar.cal.Component, line: int, source: str) -> _Span | None:
    summary = str(event.get("SUMMARY", "")).strip()
    said = summary.lower()
    numbered = _NUMBERED_TERM.search(said)
    season = _SEASON.search(said)
    if "bank holiday" in said:
        return None  # the nation's, not the schools': govcal knows them already
    if _HALF_TERM.search(said):
        kind, name = "half-term", season.group(1) if season else ""
    elif holiday := _HOLIDAY.search(said):
        kind, name = "holiday", re.sub(r"[^a-z]+", "-", holiday.group(1)).strip("-") or "school"
    elif season and re.search(rf"\b{season.group(1)}\s*(term\b|[12]\b)", said):
        kind, name = "term", season.group(1)
    elif numbered and not season:
        kind, name = "term", SEASONS[(int(numbered.group(1)) - 1) // 2]
    else:
        return None  # a training day, a bank holiday, an open evening: not the terms

    def fail(message: str, field: str) -> RuleError:
        return RuleError(f"'{summary}': {message}", file=source, line=line, field=field)

    start = event.decoded("DTSTART", None)
    if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
        raise fail("a term, half-term or holiday must be an all-day event (DTSTART;VALUE=DATE)", "DTSTART")
    end = event.decoded("DTEND", None)
    if end is None:
        duration = event.decoded("DURATION", None)
        end = start + duration if isinstance(duration, dt.timedelta) else start + _DAY
    if not isinstance(end, dt.date) or isinstance(end, dt.datetime) or end <= start:
        raise fail(f"ends ({end}) before it starts ({start}); DTEND is the day after the last", "DTEND")
    return _Span(kind, name, start, end - _DAY, line)


def _ics_year(label: str, spans: list[_Span], source: str) -> TermYear:
    """One academic year's terms from its events: halves joined, half-terms placed."""
    parts: dict[str, list[_Span]] = {}
    for span in spans:
        if span.kind == "term":
            parts.setdefault(span.name, []).append(span)
    breaks = [s for s in spans if s.kind == "half-term"]
    terms = []
    for name, halves in sorted(parts.items(), key=lambda item: item[1][0].start):
        start, end = halves[0].start, max(h.end for h in halves)
        inside = [b for b in breaks if start <= b.start and b.end <= end]
        if inside:
            half_term: tuple[dt.date, dt.date] | None = (inside[0].start, inside[0].end)
        elif len(halves) > 1:
            half_term = _weekdays(halves[0].end + _DAY, halves[1].start - _DAY)
        else:
            half_term = None
        terms.append(Term(name, start, end, half_term))
    for stray in breaks:
        if not any(t.start <= stray.start and stray.end <= t.end for t in terms):
            raise RuleError(f"the half-term {stray.start} to {stray.end} lies in no term", file=source, line=stray.line)
    named = tuple(Holiday(f"{s.name.capitalize()} holiday", s.start, s.end) for s in spans if s.kind == "holiday")
    first = next((s for s in spans if s.kind == "term"), spans[0])

    def fail(message: str) -> RuleError:
        return RuleError(message, file=source, line=first.line, field=label)

    return checked_year(TermYear(label, "published (iCalendar)", tuple(terms), named if terms else ()), fail)
