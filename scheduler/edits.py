"""An admin's edit to a body's cycle, as a pure change to its meetings.

Move, add, cancel or fix a meeting, or add a confirmed extraordinary one: each takes
the cycle's meetings as they stand and gives them back with the one change made,
refusing (with a `RuleError`) an edit that makes no sense. Whether the change breaks
a rule is the checker's to say (`new_failures`); keeping it is the store's. A meeting
that has started is history: an edit that moves or cancels one, or moves one to a time
already past, corrects the record (`rewrites_history`), which only a forced edit with a
reason does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from enum import StrEnum

from rules.errors import RuleError
from rules.model import Body
from scheduler.checker import Checker, Finding
from scheduler.occurrences import Explanation, Meeting, Status, cycle_containing, cycle_label, meeting_on, numbered
from scheduler.workdays import at_time

CANCELLED_BECAUSE = "Cancelled: "  # a cancelled meeting's explanation, before the reason given


def cancellation_reason(explanation: str) -> str:
    """The reason a meeting was cancelled, from its kept explanation ("" if none was given)."""
    return explanation.removeprefix(CANCELLED_BECAUSE) if explanation.startswith(CANCELLED_BECAUSE) else ""


class EditAction(StrEnum):
    """The edits an admin can make; each leaves the meeting in its own status."""

    MOVE = "move"
    ADD = "add"
    EXTRAORDINARY = "extraordinary"
    CANCEL = "cancel"
    FIX = "fix"

    @property
    def adds(self) -> bool:
        """Makes a new meeting, rather than changing a kept one."""
        return self in (EditAction.ADD, EditAction.EXTRAORDINARY)

    @property
    def status(self) -> Status:
        return {
            EditAction.MOVE: Status.MOVED,
            EditAction.ADD: Status.ADDED,
            EditAction.EXTRAORDINARY: Status.EXTRAORDINARY,
            EditAction.CANCEL: Status.CANCELLED,
            EditAction.FIX: Status.FIXED,
        }[self]


def apply_edit(
    body: Body,
    label: str,
    meetings: Sequence[Meeting],
    action: EditAction,
    *,
    target: str | None = None,
    day: dt.date | None = None,
    time: dt.time | None = None,
    note: str = "",
) -> tuple[list[Meeting], Meeting]:
    """The cycle's meetings with the edit made, and the edited meeting as it now is.

    `target` names the kept meeting to change (move, cancel, fix); a new one (add,
    extraordinary) goes on `day`, at `time` or the body's usual time, with a fresh id.
    """
    if action.adds:
        if day is None:
            raise RuleError("a new meeting needs a date")
        kind = action.status.value
        taken = {m.id for m in meetings}
        n = 1 + sum(1 for m in meetings if f"/{kind}-" in m.id)
        while numbered(body.id, label, kind, n) in taken:
            n += 1
        why = Explanation(note or f"{kind} by an admin", body.meetings.cite)
        new = meeting_on(body, numbered(body.id, label, kind, n), day, why, time=time, status=action.status)
        return [*meetings, new], new
    current = next((m for m in meetings if m.id == target), None)
    if current is None:
        raise RuleError(f"no meeting '{target}' in {body.id}'s cycle {label}")
    if action is EditAction.CANCEL:
        if current.status == Status.CANCELLED:
            raise RuleError(f"meeting '{current.id}' is already cancelled")
        why = Explanation(f"{CANCELLED_BECAUSE}{note}", current.explanation.cite) if note else current.explanation
        changed = dataclasses.replace(current, status=Status.CANCELLED, explanation=why)
    elif action is EditAction.FIX:
        changed = dataclasses.replace(current, status=Status.FIXED)
    else:
        changed = _moved(body, label, current, day, time)
    return [changed if m.id == current.id else m for m in meetings], changed


def _moved(body: Body, label: str, current: Meeting, day: dt.date | None, time: dt.time | None) -> Meeting:
    """The meeting on another day, at another time, or both, inside its own cycle year."""
    if day is None and time is None:
        raise RuleError("say where to move the meeting: a new date, a new time, or both")
    new_day = day or current.date
    start = at_time(new_day, time or current.start.timetz().replace(tzinfo=None))
    if new_day == current.date and start == current.start:
        raise RuleError(f"meeting '{current.id}' is already on {new_day} at {start:%H:%M}")
    if cycle_label(body.cycle_start, cycle_containing(body.cycle_start, new_day)) != label:
        raise RuleError(f"{new_day} is outside the meeting's cycle year {label}; cancel it and add one in that cycle")
    return dataclasses.replace(
        current, date=new_day, start=start, end=start + (current.end - current.start), status=Status.MOVED
    )


def rewrites_history(action: EditAction, before: Meeting, after: Meeting, now: dt.datetime) -> bool:
    """The edit changes the past: it moves or cancels a meeting that has started by `now`
    (was held), or moves one to a start already gone."""
    if action is EditAction.CANCEL:
        return before.start <= now
    return action is EditAction.MOVE and min(before.start, after.start) <= now


def new_findings(
    checker: Checker, body: Body, year: int, before: Sequence[Meeting], after: Sequence[Meeting]
) -> tuple[list[Finding], list[Finding]]:
    """What an edit newly brings: the rules the edited cycle breaks that it did not break
    before, and the preferences (`avoid:`) it newly gives way on, as warnings."""
    was = {f.message for f in checker.check_body(body, year, before, {}) if f.ok is False or f.warning}
    now = [f for f in checker.check_body(body, year, after, {}) if f.message not in was]
    return [f for f in now if f.ok is False], [f for f in now if f.warning]
