"""One VEVENT from one kept meeting or deadline: the only place events are built.

Names follow RFC 5545. UID is the occurrence's stable id, so a moved meeting is the
same event with a higher SEQUENCE; a cancelled one stays, STATUS:CANCELLED, so
calendar clients remove it. DTSTAMP is the time the information last changed, so an
unchanged event renders to the same bytes (and the feed keeps its ETag). A deadline
is shown as a short free event starting at the instant it is due (`DEADLINE_SPAN`):
some calendars' agenda views leave out an event that ends as it starts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from calendars.fold import fold_text
from calendars.text import DESCRIPTION_MAX, LOCATION_MAX, SUMMARY_MAX, clean, safe_link, text
from calendars.timezone import LONDON, TZID

UID_DOMAIN = "govcal"
DEADLINE_SPAN = dt.timedelta(minutes=30)  # a deadline's event: long enough for every agenda view
STAMPS = 8192  # instants whose DATE-TIME is remembered: a country's feeds repeat a few thousand


ON_THE_PLANNER = "On the year planner"  # what an event's URL is, said in its DESCRIPTION (clients ignore URL)


@dataclass(frozen=True, slots=True)
class EventData:
    """What a feed says about one occurrence. `end` is None for a deadline (an instant,
    shown as `DEADLINE_SPAN` from it, free time)."""

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
    url_said: str = ON_THE_PLANNER  # how DESCRIPTION repeats the URL; "" where it lists it already


def uid_for(occurrence_id: str) -> str:
    """A UID that is globally unique and the same for the occurrence forever."""
    return f"{occurrence_id}@{UID_DOMAIN}"


@lru_cache(maxsize=200_000)
def vevent(data: EventData) -> bytes:
    """The VEVENT's RFC 5545 bytes, built once per version of the event.

    Written from the plain values, property by property, in the order icalendar writes
    them (its canonical order, then by name), with its TEXT escaping and the folding of
    `calendars.fold`: the bytes equal icalendar's, a test checks, at a tenth of the cost
    of building its objects. Only the lines that carry text can be long enough to fold.
    """
    stamp = utc_stamp(data.last_modified)
    link = safe_link(data.url)
    description = clean(data.description, DESCRIPTION_MAX - 300, multiline=True)
    if link and data.url_said:
        description += f"\n\n{data.url_said}: {link}"  # clients ignore URL (decidim#11994)
    lines = [
        "BEGIN:VEVENT",
        fold_text(f"SUMMARY:{text(clean(data.summary, SUMMARY_MAX))}"),
        f"DTSTART;TZID={TZID}:{local_stamp(data.start)}",
    ]
    lines.append(f"DTEND;TZID={TZID}:{local_stamp(shown_end(data))}")
    lines += [
        f"DTSTAMP:{stamp}",
        fold_text(f"UID:{text(uid_for(data.uid))}"),
        f"SEQUENCE:{data.sequence}",
        fold_text(f"DESCRIPTION:{text(description)}"),
        f"LAST-MODIFIED:{stamp}",
    ]
    if data.location:
        lines.append(fold_text(f"LOCATION:{text(clean(data.location, LOCATION_MAX))}"))
    lines.append("STATUS:CANCELLED" if data.cancelled else "STATUS:CONFIRMED")
    lines.append("TRANSP:TRANSPARENT" if data.end is None else "TRANSP:OPAQUE")
    if link:
        lines.append(fold_text(f"URL:{link}"))
    if data.alarms and not data.cancelled:
        said = fold_text(f"DESCRIPTION:{text(clean(f'{data.start:%a %d %b %H:%M}: {data.summary}', SUMMARY_MAX))}")
        for moment in data.alarms:
            lines += [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                said,
                f"TRIGGER;VALUE=DATE-TIME:{utc_stamp(moment)}",
                "END:VALARM",
            ]
    lines.append("END:VEVENT\r\n")
    return "\r\n".join(lines).encode()


def shown_end(data: EventData) -> dt.datetime:
    """When the event ends in a calendar: a meeting's end, or a deadline's instant plus
    `DEADLINE_SPAN` (added in UTC, so a deadline before a clock change ends 30 minutes later)."""
    return data.end if data.end is not None else data.start.astimezone(dt.UTC) + DEADLINE_SPAN


@lru_cache(maxsize=STAMPS)
def local_stamp(moment: dt.datetime) -> str:
    """A DATE-TIME in Europe/London's local time, for a TZID=Europe/London property
    (remembered: equal instants, and October's repeated hour, have the same local digits)."""
    return _stamp(moment if moment.tzinfo is LONDON else moment.astimezone(LONDON))


def utc_stamp(moment: dt.datetime) -> str:
    """A DATE-TIME in UTC ("Z" form)."""
    return _utc_stamp(moment.astimezone(dt.UTC))


@lru_cache(maxsize=STAMPS)
def _utc_stamp(moment: dt.datetime) -> str:
    """`utc_stamp`, remembered by the instant in UTC: two London times of October's repeated
    hour compare equal (Python ignores `fold` within a zone), an hour apart as they are."""
    return _stamp(moment) + "Z"


def _stamp(m: dt.datetime) -> str:
    """A DATE-TIME's digits, as its clock reads (strftime is several times slower)."""
    return f"{m.year:04d}{m.month:02d}{m.day:02d}T{m.hour:02d}{m.minute:02d}{m.second:02d}"
