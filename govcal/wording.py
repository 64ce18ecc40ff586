"""How govcal words a deadline for people, once for the reminder e-mails and the clerk's
calendar: the meeting it is for, and how its reminders stop."""

from __future__ import annotations

import datetime as dt


def for_the_meeting(start: dt.datetime, where: str = "", body: str = "") -> str:
    """The meeting a deadline is for, as a sentence: "It is for the meeting of the
    Worcestershire Joint Commissioning Board on Tuesday 17 November 2026 at 10:00, County
    Hall." (`body` where the meeting is another body's, as a report's is)."""
    whose = f" of the {body}" if body else ""
    place = f", {where}" if where else ""
    return f"It is for the meeting{whose} on {start:%A %d %B %Y at %H:%M}{place}."


def due_at_the_meeting(about: dt.datetime, due_at: dt.datetime, where: str = "", body: str = "") -> str:
    """The two meetings of a deadline due at a later one than it is about, as a sentence:
    the minutes of the 17 November meeting are due at (approved at) the 15 December one."""
    whose = f" of the {body}" if body else ""
    place = f", {where}" if where else ""
    return (
        f"It is due at the meeting{whose} on {due_at:%A %d %B %Y at %H:%M}{place},"
        f" and is about the meeting on {about:%A %d %B %Y}."
    )


def marking_done() -> str:
    """How a deadline's reminders stop, as a sentence: no command (clerks never open a terminal)."""
    return "When it is done, mark it so on govcal's reminders page and the reminders stop."
