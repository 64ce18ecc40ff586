"""One VEVENT from one kept meeting or deadline: the only place events are built.

Names follow RFC 5545. UID is the occurrence's stable id, so a moved meeting is the
same event with a higher SEQUENCE; a cancelled one stays, STATUS:CANCELLED, so
calendar clients remove it. DTSTAMP is the time the information last changed, so an
unchanged event renders to the same bytes (and the feed keeps its ETag).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from icalendar import Alarm, Event

from calendars.fold import to_ical
from calendars.text import DESCRIPTION_MAX, LOCATION_MAX, SUMMARY_MAX, clean, safe_link

UID_DOMAIN = "govcal"


@dataclass(frozen=True, slots=True)
class EventData:
    """What a feed says about one occurrence. `end` is None for a deadline (an instant)."""

    uid: str
    sequence: int
    start: dt.datetime
    end: dt.datetime | None
    summary: str
    location: str
    description: str
    cancelled: bool
    last_modified: dt.datetime
    url: str | None = None
    alarms: tuple[dt.datetime, ...] = ()


def uid_for(occurrence_id: str) -> str:
    """A UID that is globally unique and the same for the occurrence forever."""
    return f"{occurrence_id}@{UID_DOMAIN}"


@lru_cache(maxsize=200_000)
def vevent(data: EventData) -> bytes:
    """The VEVENT's RFC 5545 bytes, built once per version of the event."""
    event = Event()
    event.add("UID", uid_for(data.uid))
    event.add("SEQUENCE", data.sequence)
    event.add("DTSTAMP", data.last_modified.astimezone(dt.UTC))
    event.add("LAST-MODIFIED", data.last_modified.astimezone(dt.UTC))
    event.add("DTSTART", data.start)
    if data.end is not None:
        event.add("DTEND", data.end)
    event.add("SUMMARY", clean(data.summary, SUMMARY_MAX))
    if data.location:
        event.add("LOCATION", clean(data.location, LOCATION_MAX))
    link = safe_link(data.url)
    description = clean(data.description, DESCRIPTION_MAX - 300, multiline=True)
    if link:
        description += f"\n\nOn the year planner: {link}"  # clients ignore URL (decidim#11994)
        event.add("URL", link)
    event.add("DESCRIPTION", description)
    event.add("STATUS", "CANCELLED" if data.cancelled else "CONFIRMED")
    event.add("TRANSP", "TRANSPARENT" if data.end is None else "OPAQUE")
    for moment in data.alarms if not data.cancelled else ():
        alarm = Alarm()
        alarm.add("ACTION", "DISPLAY")
        alarm.add("DESCRIPTION", clean(f"{data.start:%a %d %b %H:%M}: {data.summary}", SUMMARY_MAX))
        alarm.add("TRIGGER", moment.astimezone(dt.UTC), parameters={"VALUE": "DATE-TIME"})
        event.add_component(alarm)
    return to_ical(event)
