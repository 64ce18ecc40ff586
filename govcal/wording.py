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
    return f"It is for the meeting{whose} on {start:%A %-d %B %Y at %H:%M}{place}."


def due_at_the_meeting(about: dt.datetime, due_at: dt.datetime, where: str = "", body: str = "") -> str:
    """The two meetings of a deadline due at a later one than it is about, as a sentence:
    the minutes of the 17 November meeting are due at (approved at) the 15 December one."""
    whose = f" of the {body}" if body else ""
    place = f", {where}" if where else ""
    return (
        f"It is due at the meeting{whose} on {due_at:%A %-d %B %Y at %H:%M}{place},"
        f" and is about the meeting on {about:%A %-d %B %Y}."
    )


def marking_done(linked: bool = False) -> str:
    """How a deadline's reminders stop, as a sentence: no command (clerks never open a terminal);
    `linked`: the message's own Mark done link follows."""
    if linked:
        return "When it is done, mark it so with the link below and the reminders stop."
    return "When it is done, mark it so on govcal's reminders page and the reminders stop."


def meeting_title(body: str, *, extraordinary: bool = False, cancelled: bool = False) -> str:
    """A meeting as a calendar's event title names it: "Worcestershire JCB meeting",
    "Worcestershire JCB extraordinary meeting", "Cancelled: Worcestershire JCB meeting"."""
    title = f"{body} extraordinary meeting" if extraordinary else f"{body} meeting"
    return f"Cancelled: {title}" if cancelled else title


def deadline_title(
    name: str,
    body: str,
    meeting: dt.datetime | None,
    due_at: dt.datetime | None = None,
    *,
    done: bool = False,
    cancelled: bool = False,
) -> str:
    """A deadline as a calendar's event title names it: its own label, then the body and the
    meeting it is for: "Papers due: Worcestershire JCB meeting Tue 17 Nov"; where it is due at
    a later meeting than the one it is about (`due_at`: minutes), both: "Minutes approved due:
    Worcestershire JCB meeting Tue 15 Dec, of the Tue 17 Nov meeting". "Done: ..." once
    marked done, "Cancelled: ..." once its meeting is."""
    title = f"{name} due: {body}"
    if meeting is not None and due_at is not None:
        title += f" meeting {due_at:%a %d %b}, of the {meeting:%a %d %b} meeting"
    elif meeting is not None:
        title += f" meeting {meeting:%a %d %b}"
    return f"Cancelled: {title}" if cancelled else f"Done: {title}" if done else title


def calendar_name(person: str, *, deadlines: bool) -> str:
    """A person's own calendar as their calendar app lists it: "Ann Clerk: meetings and
    deadlines" where it holds the deadlines of bodies they clerk, else "Cllr Ali: meetings"."""
    return f"{person}: meetings and deadlines" if deadlines else f"{person}: meetings"
