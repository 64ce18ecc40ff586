"""The one VTIMEZONE govcal writes: Europe/London as two yearly RRULEs.

A compact rule-based zone rather than icalendar's `add_missing_timezones()`
transitions: vobject 0.9.9 reads that generated zone an hour wrong for every
GMT-season event, while this one is read alike by icalendar, ical, vobject and
recurring-ical-events (checked in the tests, each in a fresh process). The rules
are the UK's since 1996: BST from 01:00 UTC on the last Sunday of March to 01:00
UTC on the last Sunday of October.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

TZID = "Europe/London"
LONDON = ZoneInfo(TZID)


@cache
def london() -> bytes:
    """The VTIMEZONE component for Europe/London, as RFC 5545 bytes (CRLF, folded).

    icalendar is imported here, once, when a feed is first written: every command that
    plans imports this module, and most write no feed (issue 33)."""
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

    zone = Timezone()
    zone.add("TZID", TZID)
    summer = TimezoneDaylight()
    summer.add("TZNAME", "BST")
    summer.add("TZOFFSETFROM", dt.timedelta(0))
    summer.add("TZOFFSETTO", dt.timedelta(hours=1))
    summer.add("DTSTART", dt.datetime(1996, 3, 31, 1, 0))  # local time, as RFC 5545 requires
    summer.add("RRULE", {"FREQ": "YEARLY", "BYMONTH": 3, "BYDAY": "-1SU"})
    winter = TimezoneStandard()
    winter.add("TZNAME", "GMT")
    winter.add("TZOFFSETFROM", dt.timedelta(hours=1))
    winter.add("TZOFFSETTO", dt.timedelta(0))
    winter.add("DTSTART", dt.datetime(1996, 10, 27, 2, 0))
    winter.add("RRULE", {"FREQ": "YEARLY", "BYMONTH": 10, "BYDAY": "-1SU"})
    zone.add_component(summer)
    zone.add_component(winter)
    return zone.to_ical()
