"""A private body's meetings reach no public reader: the planner page, the public feeds, the export."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable

import pytest
from fastapi.testclient import TestClient

from conftest import context, keep
from govcal.api import create_app
from govcal.operations import access
from govcal.web import export, feed_server
from rules.loader import load_rules
from scheduler.store.tables import DeadlineRow, MeetingRow, TokenKind

YEARS = (2026, 2027)
Public = tuple[list[MeetingRow], list[DeadlineRow]]  # the public bodies' own kept meetings and deadlines


def day_forms(day: dt.date) -> set[str]:
    """A day as the page's tooltips, the feeds' descriptions, ISO and iCalendar write it."""
    return {day.isoformat(), f"{day:%a %d %b %Y}", f"{day:%d %b %Y}", f"{day:%Y%m%d}"}


def written_forms(meeting: MeetingRow) -> set[str]:
    """Every way the page, the feeds and the export write a meeting: its id, its place, its day and start."""
    start = meeting.start
    forms = {meeting.id, f"{meeting.date:%a} {meeting.date.day} {start:%H:%M}", f"{start:%Y%m%dT%H%M%S}"}
    return forms | day_forms(meeting.date) | ({meeting.location} if meeting.location else set())


def unfolded(text: str) -> str:
    """A page or feed as one searchable text: iCalendar's folded lines joined, HTML and iCalendar escapes read."""
    return html.unescape(text.replace("\r\n ", "")).replace("\\,", ",").replace("\\;", ";")


def leaks(texts: dict[str, str], private: Iterable[MeetingRow], public: Public) -> list[str]:
    """Where a private meeting's id, place or day is written. A form a public body's own meeting
    or deadline shares (a hall two bodies use, a day both meet on) is the public one's, not counted."""
    meetings, deadlines = public
    shared = set().union(*(written_forms(m) for m in meetings), *(day_forms(d.date) for d in deadlines))
    return [
        f"{where}: {meeting.id} as {form!r}"
        for meeting in private
        for form in sorted(written_forms(meeting) - shared)
        for where, text in texts.items()
        if form in text
    ]


@pytest.fixture
def two_years(database):
    """The seed bodies with two cycle years kept, and which of them meet in private (from the rules)."""
    rules = load_rules()
    ctx = context(rules, database)
    keep(ctx, YEARS)
    private = {body.id for body in rules if not body.meetings.public}
    assert private, "the seeds have bodies that meet in private (003 12.2, the Cambridgeshire ToR)"
    meetings = ctx.store.meetings()
    public = [m for m in meetings if m.body_id not in private]
    return (
        ctx,
        [m for m in meetings if m.body_id in private],
        (public, ctx.store.deadlines(set(rules.bodies) - private)),
    )


def test_no_private_meeting_reaches_the_public_page_or_feeds(two_years):
    ctx, private, public = two_years
    client = TestClient(feed_server(create_app(ctx), ctx), base_url="http://127.0.0.1")
    texts = {f"/planner?start={year}-04": client.get(f"/planner?start={year}-04").text for year in YEARS}
    feeds = ["/feeds/all.ics", *(f"/feeds/bodies/{b.id}.ics" for b in ctx.rules if b.meetings.public)]
    texts |= {feed: client.get(feed).text for feed in feeds}
    assert all(
        "Quarterly report to Worcestershire Joint Commissioning Board" in texts[f"/planner?start={y}-04"] for y in YEARS
    )
    assert leaks({where: unfolded(text) for where, text in texts.items()}, private, public) == []
    token = access.create_token(ctx, TokenKind.PAGE, "alice", actor="t", now=dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    admins = unfolded(client.get(f"/planner/private/{token}?start=2026-04").text)  # an admin's link: all, as kept
    assert "Worcestershire Joint Commissioning Board meeting on Tue 19 Jan 2027" in admins
    assert all(m.id in admins for m in private if m.date.year == 2026 and m.date.month >= 4)


def test_no_private_meeting_reaches_the_export(two_years, tmp_path):
    ctx, private, public = two_years
    written = export(ctx, tmp_path, dt.datetime(2026, 11, 24, tzinfo=dt.UTC), "https://govcal.example.org")
    texts = {str(path.relative_to(tmp_path)): unfolded(path.read_text(encoding="utf-8")) for path in written}
    assert {"planner/2026-04.html", "planner/2027-04.html", "feeds/all.ics"} <= texts.keys()
    assert leaks(texts, private, public) == []
