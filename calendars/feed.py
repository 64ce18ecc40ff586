"""A whole feed: VCALENDAR header, the Europe/London VTIMEZONE, then the events.

Events are rendered once per version (`calendars.event.vevent` is cached), so
re-rendering a feed after one change costs one event, not the whole year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from icalendar import Calendar
from icalendar.prop import vDuration

from calendars.event import EventData, vevent
from calendars.fold import to_ical
from calendars.text import SUMMARY_MAX, clean
from calendars.timezone import TZID, london

PRODID = "-//govcal//govcal feeds//EN"


def webcal(address: str) -> str:
    """A feed's http(s) address in the webcal:// form that calendar apps open as a
    subscription (Apple Calendar, Outlook; they fetch it as the address given)."""
    return "webcal://" + address.split("://", 1)[1]


@dataclass(frozen=True)
class Feed:
    """A named calendar and its events; REFRESH-INTERVAL tells clients how often to look."""

    name: str
    events: tuple[EventData, ...]
    description: str = ""
    refresh: dt.timedelta = dt.timedelta(hours=1)


def _header(feed: Feed) -> bytes:
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("X-WR-CALNAME", clean(feed.name, SUMMARY_MAX))
    calendar.add("X-WR-TIMEZONE", TZID)
    if feed.description:
        calendar.add("X-WR-CALDESC", clean(feed.description, 1000))
    calendar.add("REFRESH-INTERVAL", feed.refresh, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(feed.refresh))  # an X- name: say its type
    body = to_ical(calendar)
    return body[: body.rindex(b"END:VCALENDAR")]


def render(feed: Feed) -> bytes:
    """The feed as RFC 5545 bytes, events in a stable order (start, then UID)."""
    events: Iterable[EventData] = sorted(feed.events, key=lambda e: (e.start, e.uid))
    return b"".join([_header(feed), london(), *(vevent(e) for e in events), b"END:VCALENDAR\r\n"])
