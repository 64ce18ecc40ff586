"""Read an .ics file with one parser and print its events as JSON: run in a fresh process.

python tests/feed_reader.py PARSER FILE, where PARSER is icalendar, ical, vobject or
recurring_ical_events. Each event is [UID, start in UTC, end in UTC or null, STATUS,
SEQUENCE]; an event that ends as it starts is an instant (end null) for every parser.
Further arguments, `description` and `summary`, add each event's DESCRIPTION and SUMMARY,
in the order asked, as the parser reads them.
"""

import datetime as dt
import json
import sys
from pathlib import Path

parser, path = sys.argv[1], sys.argv[2]
more = sys.argv[3:]
text = Path(path).read_text(encoding="utf-8")
UTC = dt.UTC


def instant(value):
    return None if value is None else value.astimezone(UTC).isoformat()


events = []
if parser in ("icalendar", "recurring_ical_events"):
    import icalendar

    calendar = icalendar.Calendar.from_ical(text)
    if parser == "icalendar":
        found = calendar.walk("VEVENT")
    else:
        import recurring_ical_events

        found = recurring_ical_events.of(calendar).between(
            dt.datetime(2000, 1, 1, tzinfo=UTC), dt.datetime(2060, 1, 1, tzinfo=UTC)
        )
    for e in found:
        end = e.get("DTEND")
        events.append(
            [
                str(e["UID"]),
                instant(e["DTSTART"].dt),
                instant(end.dt if end else None),
                str(e.get("STATUS")),
                int(e.get("SEQUENCE", 0)),
            ]
            + [str(e.get(name.upper(), "")) for name in more]
        )
elif parser == "ical":
    from ical.calendar_stream import IcsCalendarStream

    calendar = IcsCalendarStream.calendar_from_ics(text)
    for e in calendar.events:
        events.append(
            [e.uid, instant(e.dtstart), instant(e.end), e.status.value if e.status else None, e.sequence or 0]
            + [getattr(e, name) or "" for name in more]
        )
elif parser == "vobject":
    import vobject

    calendar = vobject.readOne(text)
    for e in getattr(calendar, "vevent_list", []):
        end = getattr(e, "dtend", None)
        events.append(
            [
                e.uid.value,
                instant(e.dtstart.value),
                instant(end.value if end else None),
                e.status.value,
                int(e.sequence.value),
            ]
            + [getattr(e, name).value if hasattr(e, name) else "" for name in more]
        )
for row in events:  # an event that ends as it starts is an instant, however a parser says it
    if row[2] == row[1]:
        row[2] = None
print(json.dumps(sorted(events)))
