"""The year as it stands: the rules' meetings with every kept change laid over them.

A cycle's meetings as the rules plan them are only the start. An admin's change (a
meeting moved, added, cancelled, fixed, or an extraordinary one confirmed) is kept,
and a meeting that has started is history: neither is undone by the rules. `overlay`
gives the cycle's meetings as they stand, which is what every derived date (deadlines,
"at the next meeting", items, reports, the meetings of bodies planned from this one)
is computed from, whichever face asked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from scheduler.occurrences import Meeting, Status


@dataclass(frozen=True, slots=True)
class KeptMeeting:
    """A meeting as it is kept, and whether an admin set it (so the rules never move it)."""

    meeting: Meeting
    manual: bool

    def started(self, now: dt.datetime) -> bool:
        return self.meeting.start <= now

    def stands(self, now: dt.datetime) -> bool:
        """Set by hand, or held: the rules neither move it nor plan its period again."""
        return self.manual or self.started(now)


def overlay(planned: Sequence[Meeting], kept: Sequence[KeptMeeting], now: dt.datetime) -> list[Meeting]:
    """The cycle's meetings as they stand at `now`.

    A kept meeting set by hand, or one that has started, stands as kept; any other is
    as the rules plan it (moved, or gone, if the rules changed). A kept meeting the
    rules no longer plan stands if set by hand or held; otherwise it is gone.
    """
    by_id = {each.meeting.id: each for each in kept}
    standing = []
    for meeting in planned:
        held = by_id.pop(meeting.id, None)
        standing.append(held.meeting if held is not None and held.stands(now) else meeting)
    for held in by_id.values():
        if held.manual or (held.started(now) and held.meeting.status != Status.CANCELLED):
            standing.append(held.meeting)
    return sorted(standing, key=lambda m: (m.date, m.id))
