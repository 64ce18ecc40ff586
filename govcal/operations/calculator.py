"""The working-day calculator: "5 clear working days before 2026-05-28", for clerks.

The same phrases as rule files, the same arithmetic as the planner; a meeting date
that is not a working day is refused with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rules.dates import split_dated
from rules.errors import RuleError
from rules.model import Closure
from rules.offsets import Count, Offset, parse_offset
from scheduler.workdays import NonWorkingDay, at_time, working_calendar


@dataclass(frozen=True)
class Worked:
    """A deadline worked out from a phrase and a meeting date, and the days it passed over."""

    anchor: dt.date
    offset: Offset
    nation: str
    date: dt.date
    due: dt.datetime
    skipped: tuple[NonWorkingDay, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "datetime": self.due.isoformat(),
            "anchor": self.anchor.isoformat(),
            "offset": str(self.offset),
            "nation": self.nation,
            "skipped": [{"date": d.date.isoformat(), "reason": d.reason} for d in self.skipped],
        }


def work_out(text: str, nation: str, closed: Iterable[dt.date], time: dt.time) -> Worked:
    """The day `text` ("<offset phrase> <meeting date>") gives in `nation` with the `closed` days."""
    phrase, anchor = split_dated(text)
    offset = parse_offset(phrase)
    if offset.count in (Count.MEETING_START, Count.NEXT_MEETING):
        raise RuleError(f"'{phrase}' needs a planned meeting; use `govcal plan` for it")
    closures = tuple(Closure("closed (--closed)", start=day, end=day) for day in sorted(set(closed)))
    calendar = working_calendar(nation, closures)
    reason = calendar.reason(anchor)
    if reason:
        raise RuleError(
            f"{anchor:%a %d %b %Y} is not a working day ({reason}) in {nation}: a meeting cannot be held then"
        )
    day = calendar.shift(anchor, offset)
    return Worked(anchor, offset, nation, day, at_time(day, time), calendar.skipped(anchor, day, offset))
