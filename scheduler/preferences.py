"""Soft preferences beside the hard rules: days a body would rather not meet, or have work due.

`avoid: [school holidays, closures]` in a rule file. Unlike a bank holiday, an avoided
day is allowed: the planner prefers another day the rules allow and says so, and where
none does, keeps the day and says which preference gave way. The checker reports them
as warnings, apart from compliance. Pure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rules.model import Avoid, Body, Closure
from scheduler.terms import TermCalendar, academic_label
from scheduler.workdays import WorkingCalendar, day_text

SUMMER = 8  # August: a summer holiday month for every school in England and Wales


@dataclass(frozen=True, slots=True)
class Avoided:
    """The days one body avoids: its term calendar's holidays, its closures (hashable: placements are memoised)."""

    terms: TermCalendar | None = None
    closures: tuple[Closure, ...] = ()
    england_and_wales: bool = True

    def why(self, day: dt.date) -> str | None:
        """Why a body would rather not use `day` (in words), or None."""
        if self.terms is not None:
            holiday = self.terms.is_school_holiday(day)
            if holiday:
                return "in the school holidays"
            if holiday is None and (estimated := self.terms.estimated(day)) is not None:
                return (
                    f"in the {estimated.name}, estimated ({estimated.dates} {estimated.end.year}: the year's"
                    " term dates are not published)"
                )
            if holiday is None and self.england_and_wales and day.month == SUMMER:
                return "in August, the school summer holiday (the year's term dates are not published)"
        return self.closed(day)

    def closed(self, day: dt.date) -> str | None:
        """Why work should not fall due on `day`: a closure (school holidays do not stop papers)."""
        return next((f"in the {c.reason}" for c in self.closures if c.covers(day)), None)

    def notes(self, first: dt.date, last: dt.date) -> tuple[str, ...]:
        """What the plan of `first`-`last` could not tell: each school year it touches whose
        term dates are not published, and what is assumed or estimated instead."""
        if self.terms is None:
            return ()
        return tuple(
            f"term dates for {academic_label(year)} are not published in {self.terms.source}; the body avoids"
            f" school holidays, and {self._assumed(year, first, last)}: add the dates when they are published"
            for year in range(first.year - 1, last.year + 1)
            if dt.date(year, 9, 1) <= last
            and dt.date(year + 1, 8, 31) >= first
            and not ((published := self.terms.year(year)) is not None and published.published)
        )

    def _assumed(self, year: int, first: dt.date, last: dt.date) -> str:
        """What stands for an unpublished school year's holidays: August, and the estimates."""
        august = "August is taken as the summer holiday (every school in England and Wales is off then)"
        if self.terms is None or self.terms.estimate is None:
            return f"only {august}" if self.england_and_wales else "no school holiday is assumed"
        estimated = [str(h) for h in self.terms.estimate.holidays(year) if h.start <= last and first <= h.end]
        said = "holidays are estimated from the authority's pattern and Easter: " + ", ".join(estimated)
        return f"{august}; its other {said}" if self.england_and_wales else f"its {said}"

    def __bool__(self) -> bool:
        return self.terms is not None or bool(self.closures)


def avoided(body: Body, terms: TermCalendar | None) -> Avoided:
    """What `body` asks to avoid, with its term calendar where it avoids school holidays."""
    return Avoided(
        terms if Avoid.SCHOOL_HOLIDAYS in body.avoid else None,
        body.closures if Avoid.CLOSURES in body.avoid else (),
        body.nation == "england-and-wales",
    )


NOTHING = Avoided()  # a body that avoids nothing


def off_closures(
    day: dt.date, anchor_day: dt.date, calendar: WorkingCalendar, avoided: Avoided
) -> tuple[dt.date, tuple[str, ...]]:
    """A due day moved back off a closure the body avoids, to the last working day before
    it (earlier still meets a "before" rule; work after a meeting must stay after it);
    otherwise kept, saying the preference gave way. The steps say which."""
    why = avoided.closed(day) if avoided.closures else None
    if why is None:
        return day, ()
    earlier = day - dt.timedelta(days=1)
    while calendar.reason(earlier) or avoided.closed(earlier):
        earlier -= dt.timedelta(days=1)
    if day < anchor_day or earlier > anchor_day:
        return earlier, (
            f"{day_text(day)} is {why}, which the body avoids; due the last working day before it, {day_text(earlier)}",
        )
    return day, (f"{day_text(day)} is {why}; no working day between the meeting and it: the preference gave way",)


def toward_anchor(
    day: dt.date, anchor_day: dt.date, calendar: WorkingCalendar, avoided: Avoided, other: str
) -> tuple[dt.date, tuple[str, ...]]:
    """A meeting set from another body's, moved off a day the body avoids to the nearest
    working day towards the other body's meeting that avoids nothing (still within the
    rule's offset, still on its side of that meeting); otherwise kept, saying the preference
    gave way. The steps say which."""
    why = avoided.why(day) if avoided else None
    if why is None:
        return day, ()
    after = day > anchor_day
    step = dt.timedelta(days=-1 if after else 1)
    nearer = day + step
    while nearer != anchor_day:
        if calendar.reason(nearer) is None and avoided.why(nearer) is None:
            return nearer, (
                f"{day_text(day)} is {why}, which the body avoids; moved to the nearest"
                f" {'earlier' if after else 'later'} working day that avoids nothing, {day_text(nearer)}"
                f" (still {'after' if after else 'before'} the {other} meeting)",
            )
        nearer += step
    return day, (
        f"{day_text(day)} is {why}; no working day between the {other} meeting and it avoids it:"
        " that preference gave way",
    )
