"""UK working days: which days count, and offsets from a date in O(1).

A working day is Monday to Friday, not a bank or public holiday of the nation
(`england-and-wales`, `scotland`, `northern-ireland`; holidays from the `holidays`
package, held as data in `scheduler.bank_holidays` and checked in the tests against that
package and GOV.UK's published list) and not one of the organisation's own closure days.

Counting conventions, with D the anchor day (never counted itself):

- ``working_days_before(D, N)``: step back N working days.
  Wed 15 Apr 2026, 5 working days before -> Wed 8 Apr 2026.
- ``clear_working_days_before(D, N)``: N whole working days lie strictly between
  the result and D. Wed 15 Apr 2026, 5 clear -> Tue 7 Apr 2026. Thu 28 May 2026,
  5 clear -> Tue 19 May 2026 (20, 21, 22, 26, 27 May; 25 May is a bank holiday).
- ``working_days_after(D, N)``: step forward N working days.
- calendar offsets (``within N days after``, ``N months before``): the latest
  working day on or before the day reached. Mon 21 Dec 2026 + 7 days is Mon 28 Dec,
  a substitute holiday, so the deadline is Thu 24 Dec 2026.

Each calendar precomputes, per day of its span, the number of working days before
it, the list of working days and the list of the other days with their reasons, so an
offset is two list look-ups and the days it skipped are one slice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import accumulate, compress
from operator import not_
from typing import NamedTuple

from dateutil.relativedelta import relativedelta

from rules.dates import LONDON as LONDON  # the one zone, kept by the rules; named here for the date core
from rules.errors import RuleError
from rules.model import DEFAULT_NATION, NATIONS, Avoid, Body, Closure
from rules.offsets import Count, Offset
from scheduler.bank_holidays import BANK_HOLIDAYS
from scheduler.bank_holidays import FIRST_YEAR as FIRST_YEAR  # the span every calendar covers
from scheduler.bank_holidays import LAST_YEAR as LAST_YEAR

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class NonWorkingDay(NamedTuple):
    """A day passed over, and why: "Saturday", "Easter Monday", "closure: ...". A named
    tuple, not a dataclass: a calendar makes one for each of its span's 6,000-odd, and a
    tuple is made four times as quickly (the `date` command waits for them)."""

    date: dt.date
    reason: str

    def __str__(self) -> str:
        return f"{day_text(self.date)} ({self.reason})"


def london_day(now: dt.datetime) -> dt.date:
    """The day it is in London at the instant `now`: the one "today" that cycles, pages and
    digests are chosen by (01:30 UTC on 1 Apr 2026 is 02:30 BST, already 1 April; 23:30 UTC
    on 31 Mar 2026 is 00:30 BST on 1 April)."""
    return now.astimezone(LONDON).date()


@lru_cache(maxsize=65536)
def day_text(day: dt.date, form: str = "%a %d %b %Y") -> str:
    """A day as explanations write it, "Wed 15 Apr 2026" (memoised: strftime is slow)."""
    return day.strftime(form)


def nation_holidays(nation: str) -> tuple[tuple[str, str], ...]:
    """The nation's bank holidays (ISO day, name), or a `RuleError` listing the valid nations."""
    try:
        return BANK_HOLIDAYS[nation]
    except KeyError:
        raise RuleError(f"unknown nation '{nation}'; expected one of {', '.join(NATIONS)}") from None


def bank_holidays(nation: str, years: Iterable[int]) -> dict[dt.date, str]:
    """The nation's bank and public holidays that fall on weekdays in `years`, by date.

    `holidays` also lists the nominal day when it falls at a weekend (Boxing Day on
    a Saturday); GOV.UK lists only the weekday actually taken, and so do we.
    """
    wanted = set(years)
    if outside := sorted(year for year in wanted if not FIRST_YEAR <= year <= LAST_YEAR):
        raise RuleError(f"{outside[0]} is outside the years govcal plans ({FIRST_YEAR}-{LAST_YEAR})")
    found = ((dt.date.fromisoformat(day), name) for day, name in nation_holidays(nation))
    return {day: name for day, name in found if day.year in wanted}


class WorkingCalendar:
    """Working days of one nation with one organisation's closures; immutable.

    Build it with `working_calendar()`, which caches one per (nation, closures).
    """

    def __init__(self, nation: str = DEFAULT_NATION, closures: Sequence[Closure] = ()) -> None:
        self.nation = nation
        self.closures = tuple(closures)
        self.first = dt.date(FIRST_YEAR, 1, 1)
        self.last = dt.date(LAST_YEAR, 12, 31)
        self._base = self.first.toordinal()
        years = range(FIRST_YEAR, LAST_YEAR + 1)
        reasons: dict[int, str] = {day.toordinal(): name for day, name in bank_holidays(nation, years).items()}
        for closure in self.closures:
            for day in closure.days(years):
                if day.weekday() < 5:
                    reasons.setdefault(day.toordinal(), f"closure: {closure.reason}")
        self._holidays = reasons
        size = self.last.toordinal() - self._base + 1
        week = [True] * 5 + [False] * 2  # Monday to Sunday
        start = self.first.weekday()
        working = ((week[start:] + week[:start]) * (size // 7 + 1))[:size]  # each day of the span: works?
        for ordinal in reasons:
            working[ordinal - self._base] = False
        days = range(self._base, self._base + size)
        off = list(compress(days, map(not_, working)))
        why = [WEEKDAY_NAMES[weekday] if (weekday := (o - 1) % 7) >= 5 else reasons[o] for o in off]  # 1: a Monday
        self._before: list[int] = list(accumulate(working, initial=0))  # [i]: working days strictly before day i
        self._ordinals = list(compress(days, working))  # the working days, as ordinals, in order
        # the other days with their reasons, in order: day i has i - before[i] of them before it
        self._off = tuple(map(NonWorkingDay, map(dt.date.fromordinal, off), why))

    # -- what a day is -------------------------------------------------------

    def _index(self, day: dt.date) -> int:
        i = day.toordinal() - self._base
        if not 0 <= i < len(self._before) - 1:
            raise RuleError(f"{day} is outside the years govcal plans ({FIRST_YEAR}-{LAST_YEAR})")
        return i

    def is_working_day(self, day: dt.date) -> bool:
        """Monday to Friday, not a holiday of the nation, not a closure day."""
        i = self._index(day)
        return self._before[i + 1] > self._before[i]

    def reason(self, day: dt.date) -> str | None:
        """Why `day` is not a working day ("Sunday", "Christmas Day"), or None if it is one:
        its reason as the non-working days were named when the calendar was built."""
        i = self._index(day)
        before = self._before[i]
        return None if self._before[i + 1] > before else self._off[i - before].reason

    def non_working_days(self, first: dt.date, last: dt.date) -> tuple[NonWorkingDay, ...]:
        """Every non-working day from `first` to `last` inclusive, with its reason."""
        if first > last:
            return ()
        return self._off_between(self._index(first), self._index(last) + 1)

    def _off_between(self, lo: int, hi: int) -> tuple[NonWorkingDay, ...]:
        """The non-working days with index lo <= i < hi: one slice."""
        return self._off[lo - self._before[lo] : hi - self._before[hi]]

    def holidays_in(self, first: dt.date, last: dt.date) -> dict[dt.date, str]:
        """Bank holidays and closures (weekdays only) from `first` to `last` inclusive."""
        lo, hi = first.toordinal(), last.toordinal()
        return {dt.date.fromordinal(o): name for o, name in sorted(self._holidays.items()) if lo <= o <= hi}

    # -- offsets (each two list look-ups) -------------------------------------

    def working_days_before(self, day: dt.date, n: int) -> dt.date:
        """Step back `n` working days from `day`, not counting `day` itself.

        With n = 0 ("on the day") a non-working day gives the working day before it,
        never a later one: a deadline does not move past its anchor.
        """
        if n == 0:
            return self.on_or_before(day)
        return self._nth(self._before[self._index(day)] - n)

    def clear_working_days_before(self, day: dt.date, n: int) -> dt.date:
        """The latest day with `n` whole working days strictly between it and `day`."""
        return self._nth(self._before[self._index(day)] - n - 1)

    def working_days_after(self, day: dt.date, n: int) -> dt.date:
        """Step forward `n` working days from `day`, not counting `day` itself."""
        return self._nth(self._before[self._index(day) + 1] + n - 1)

    def on_or_before(self, day: dt.date) -> dt.date:
        """The latest working day on or before `day`."""
        return self._nth(self._before[self._index(day) + 1] - 1)

    def on_or_after(self, day: dt.date) -> dt.date:
        """The earliest working day on or after `day`."""
        return self._nth(self._before[self._index(day)])

    def _nth(self, k: int) -> dt.date:
        if not 0 <= k < len(self._ordinals):
            raise RuleError(f"the result falls outside the years govcal plans ({FIRST_YEAR}-{LAST_YEAR})")
        return dt.date.fromordinal(self._ordinals[k])

    def shift(self, day: dt.date, offset: Offset) -> dt.date:
        """Apply a rule's offset to an anchor day, by the conventions above."""
        n = offset.n
        if offset.count is Count.WORKING:
            return self.working_days_before(day, -n) if n <= 0 else self.working_days_after(day, n)
        if offset.count is Count.CLEAR:
            return self.clear_working_days_before(day, -n)
        if offset.count is Count.DAYS:
            return self.on_or_before(day + dt.timedelta(days=n))
        if offset.count is Count.MONTHS:
            return self.on_or_before(day + relativedelta(months=n))
        raise ValueError(f"{offset.count} is anchored on a meeting, not on a day")

    def shift_many(self, days: Sequence[dt.date], offset: Offset) -> list[dt.date]:
        """`shift` for many anchors at once: the batch form the planner uses."""
        n, base, before, ordinals = offset.n, self._base, self._before, self._ordinals
        fromordinal = dt.date.fromordinal
        # Away from the table's ends no index can fall off it (a negative one would
        # wrap round silently), so the fast path needs no per-element check.
        margin = 2 * abs(n) + 31 if offset.count is not Count.MONTHS else 800
        lowest, highest = min(days, default=self.first), max(days, default=self.first)
        safe = lowest.toordinal() - base >= margin and self.last.toordinal() - highest.toordinal() >= margin
        if safe:
            if offset.count is Count.WORKING and n == 0:
                return [fromordinal(ordinals[before[d.toordinal() - base + 1] - 1]) for d in days]
            if offset.count is Count.WORKING and n < 0:
                return [fromordinal(ordinals[before[d.toordinal() - base] + n]) for d in days]
            if offset.count is Count.WORKING:
                return [fromordinal(ordinals[before[d.toordinal() - base + 1] + n - 1]) for d in days]
            if offset.count is Count.CLEAR:
                return [fromordinal(ordinals[before[d.toordinal() - base] + n - 1]) for d in days]
            if offset.count is Count.DAYS:
                return [fromordinal(ordinals[before[d.toordinal() - base + n + 1] - 1]) for d in days]
        return [self.shift(day, offset) for day in days]

    def skipped(self, anchor: dt.date, result: dt.date, offset: Offset) -> tuple[NonWorkingDay, ...]:
        """The non-working days an offset passed over between `anchor` and `result`.

        For calendar offsets this includes the day reached and every day the
        deadline was moved back over.
        """
        if offset.is_calendar:
            reached = anchor + (
                dt.timedelta(days=offset.n) if offset.count is Count.DAYS else relativedelta(months=offset.n)
            )
            return self.non_working_days(result + dt.timedelta(days=1), reached)
        a, r = self._index(anchor), self._index(result)
        return self._off_between(min(a, r) + 1, max(a, r))  # empty when they are the same day

    def working_days(self, first: dt.date, last: dt.date) -> Iterator[dt.date]:
        """The working days from `first` to `last` inclusive, in order."""
        lo = self._before[self._index(first)]
        hi = self._before[self._index(last) + 1]
        return (dt.date.fromordinal(o) for o in self._ordinals[lo:hi])


@lru_cache(maxsize=64)
def working_calendar(nation: str = DEFAULT_NATION, closures: tuple[Closure, ...] = ()) -> WorkingCalendar:
    """The shared calendar for a nation and set of closures (built once, then cached)."""
    nation_holidays(nation)
    return WorkingCalendar(nation, closures)


def body_calendar(body: Body) -> WorkingCalendar:
    """A body's working days: its nation's, less its closures unless it only avoids them
    (`avoid: [closures]`: then they are preferences, `scheduler.preferences`)."""
    return working_calendar(body.nation, () if Avoid.CLOSURES in body.avoid else body.closures)


@lru_cache(maxsize=65536)
def at_time(day: dt.date, time: dt.time) -> dt.datetime:
    """A deadline's instant: `day` at `time` in Europe/London (GMT or BST as the day has it)."""
    return dt.datetime.combine(day, time, tzinfo=LONDON)
