"""The reference renderer: feeds built with icalendar's objects and written by icalendar
itself (its own escaping, ordering and folding). govcal writes feeds from plain values
(`calendars.event.vevent`, `calendars.feed.render`); the tests hold its bytes equal to these."""

from __future__ import annotations

import datetime as dt

from icalendar import Alarm, Calendar, Event
from icalendar.prop import vDuration, vText

from calendars.event import EventData, shown_end, uid_for
from calendars.feed import PRODID, Feed
from calendars.text import DESCRIPTION_MAX, LOCATION_MAX, SUMMARY_MAX, clean, safe_link
from calendars.timezone import LONDON, TZID, london


def reference_vevent(data: EventData) -> bytes:
    """One VEVENT as icalendar builds and writes it."""
    event = Event()
    event.add("UID", uid_for(data.uid))
    event.add("SEQUENCE", data.sequence)
    event.add("DTSTAMP", data.last_modified.astimezone(dt.UTC))
    event.add("LAST-MODIFIED", data.last_modified.astimezone(dt.UTC))
    event.add("DTSTART", data.start)
    event.add("DTEND", shown_end(data).astimezone(LONDON))
    event.add("SUMMARY", clean(data.summary, SUMMARY_MAX))
    if data.location:
        event.add("LOCATION", clean(data.location, LOCATION_MAX))
    link = safe_link(data.url)
    description = clean(data.description, DESCRIPTION_MAX - 300, multiline=True)
    if link:
        if data.url_said:
            description += f"\n\n{data.url_said}: {link}"
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
    return event.to_ical()


def reference_header(feed: Feed) -> bytes:
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("NAME", vText(clean(feed.name, SUMMARY_MAX)))  # RFC 7986 TEXT: icalendar does not type it
    calendar.add("X-WR-CALNAME", clean(feed.name, SUMMARY_MAX))
    calendar.add("X-WR-TIMEZONE", TZID)
    if feed.description:
        calendar.add("X-WR-CALDESC", clean(feed.description, 1000))
    calendar.add("REFRESH-INTERVAL", feed.refresh, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(feed.refresh))
    body = calendar.to_ical()
    return body[: body.rindex(b"END:VCALENDAR")]


def reference_render(feed: Feed) -> bytes:
    """A whole feed as icalendar writes it: header, the London zone, events by (start, UID)."""
    events = sorted(feed.events, key=lambda e: (e.start, e.uid))
    return b"".join([reference_header(feed), london(), *(reference_vevent(e) for e in events), b"END:VCALENDAR\r\n"])
