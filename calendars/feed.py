"""A whole feed: VCALENDAR header, the Europe/London VTIMEZONE, then the events.

Events are rendered once per version (`calendars.event.vevent` is cached), so
re-rendering a feed after one change costs one event, not the whole year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from calendars.event import EventData, vevent
from calendars.fold import fold
from calendars.text import SUMMARY_MAX, clean, text
from calendars.timezone import TZID, london

PRODID = "-//govcal//govcal feeds//EN"


def webcal(address: str) -> str:
    """A feed's http(s) address in the webcal:// form that calendar apps open as a
    subscription (Apple Calendar, Outlook; they fetch it as the address given)."""
    return "webcal://" + address.split("://", 1)[1]


@dataclass(frozen=True)
class Feed:
    """A named calendar and its events; REFRESH-INTERVAL tells clients how often to look.
    The name is written twice: RFC 7986's NAME and the X-WR-CALNAME most clients read."""

    name: str
    events: tuple[EventData, ...]
    description: str = ""
    refresh: dt.timedelta = dt.timedelta(hours=1)


def _header(feed: Feed) -> bytes:
    """VCALENDAR's opening lines, in the order icalendar writes them (its canonical order,
    then by name) and escaped as it escapes them (X-WR- names not at all; NAME as the TEXT
    RFC 7986 makes it): a test checks."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    if feed.description:
        lines.append(f"X-WR-CALDESC:{clean(feed.description, 1000)}")
    refresh = duration(feed.refresh)
    lines += [
        f"NAME:{text(clean(feed.name, SUMMARY_MAX))}",
        f"X-WR-CALNAME:{clean(feed.name, SUMMARY_MAX)}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{refresh}",
        f"X-PUBLISHED-TTL:{refresh}",  # an X- name: clients read it as a DURATION
        f"X-WR-TIMEZONE:{TZID}",
    ]
    return b"".join(fold(line) + b"\r\n" for line in lines)


def duration(span: dt.timedelta) -> str:
    """An RFC 5545 DURATION as icalendar writes it: "PT1H", "P1D", "P1DT2H0M5S"."""
    if span < dt.timedelta(0):
        return "-" + duration(-span)
    hours, rest = divmod(span.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    days = f"{span.days}D" if span.days or not span.seconds else ""
    if not span.seconds:
        return f"P{days}"
    clock = f"{hours}H" if hours else ""
    if minutes or (hours and seconds):
        clock += f"{minutes}M"
    if seconds:
        clock += f"{seconds}S"
    return f"P{days}T{clock}"


def render(feed: Feed) -> bytes:
    """The feed as RFC 5545 bytes, events in a stable order (start, then UID)."""
    events: Iterable[EventData] = sorted(feed.events, key=lambda e: (e.start, e.uid))
    return b"".join([_header(feed), london(), *(vevent(e) for e in events), b"END:VCALENDAR\r\n"])
