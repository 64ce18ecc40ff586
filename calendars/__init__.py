"""iCalendar output: events, alarms, the Europe/London time zone, feeds.

Takes planned occurrences from `scheduler/` and renders RFC 5545; nothing here
plans a date.
"""
