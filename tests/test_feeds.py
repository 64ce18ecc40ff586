"""iCalendar feeds, read back by four independent parsers, each in a fresh process.

vobject caches time zones for the whole process, so every parser runs in its own
interpreter; each must see the same events at the same instants (compared in UTC).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event

from calendars.event import EventData, _utc_stamp, local_stamp, utc_stamp, vevent
from calendars.feed import Feed, render
from calendars.fold import fold
from calendars.text import clean, safe_link
from conftest import context, edit_meeting, keep, served
from govcal.cli import main
from govcal.clock import utc_now
from govcal.operations import people
from govcal.operations.feeds import all_feed, body_feed, clerk_feed, member_feed, private_feed
from govcal.operations.papers import set_papers
from ical_reference import reference_render, reference_vevent
from rules.loader import load_rules
from scheduler.store.tables import AuditRow
from scheduler.workdays import LONDON

PARSERS = ("icalendar", "ical", "vobject", "recurring_ical_events")
READER = Path(__file__).parent / "feed_reader.py"


def parse_everywhere(path: Path, *more: str) -> dict[str, list]:
    """Each parser's reading of the feed, from a fresh interpreter (`more`: "description" adds it)."""
    readings = {}
    for parser in PARSERS:
        done = subprocess.run(
            [sys.executable, str(READER), parser, str(path), *more], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"{parser} could not read {path.name}: {done.stderr[-2000:]}"
        readings[parser] = json.loads(done.stdout)
    return readings


def expected(feed: Feed) -> list:
    """Each event as every parser must read it; a deadline (no end) lasts 30 minutes from its instant."""

    def utc(moment):
        return moment.astimezone(dt.UTC).isoformat()

    def end(e):
        return utc(e.end) if e.end is not None else utc(e.start.astimezone(dt.UTC) + dt.timedelta(minutes=30))

    return sorted(
        [f"{e.uid}@govcal", utc(e.start), end(e), "CANCELLED" if e.cancelled else "CONFIRMED", e.sequence]
        for e in feed.events
    )


STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def event(uid: str, start: dt.datetime, hours: int | None = 2, **more) -> EventData:
    end = start + dt.timedelta(hours=hours) if hours else None
    return EventData(uid, 0, start, end, f"Meeting {uid}", "County Hall", "Papers due", False, STAMP, **more)


def test_events_both_sides_of_both_2026_clock_changes(tmp_path):
    feed = Feed(
        "DST",
        (
            event("spring-before", dt.datetime(2026, 3, 28, 12, 0, tzinfo=LONDON)),  # Sat, GMT: 12:00Z
            event("spring-after", dt.datetime(2026, 3, 30, 12, 0, tzinfo=LONDON)),  # Mon, BST: 11:00Z
            event("autumn-before", dt.datetime(2026, 10, 24, 12, 0, tzinfo=LONDON)),  # Sat, BST: 11:00Z
            event("autumn-after", dt.datetime(2026, 10, 26, 12, 0, tzinfo=LONDON)),  # Mon, GMT: 12:00Z
            event("deadline-winter", dt.datetime(2026, 12, 24, 17, 0, tzinfo=LONDON), hours=None),  # an instant, 17:00Z
            event("deadline-summer", dt.datetime(2026, 5, 19, 17, 0, tzinfo=LONDON), hours=None),  # 16:00Z
            # due 00:45 GMT Sun 29 Mar 2026, as the clocks go forward at 01:00: ends 02:15 BST, 01:15Z
            event("deadline-spring-night", dt.datetime(2026, 3, 29, 0, 45, tzinfo=LONDON), hours=None),
        ),
    )
    path = tmp_path / "dst.ics"
    path.write_bytes(render(feed))
    assert b"DTSTART;TZID=Europe/London:20260329T004500\r\nDTEND;TZID=Europe/London:20260329T021500" in render(feed)
    want = expected(feed)
    starts = {row[0]: row[1] for row in want}
    ends = {row[0]: row[2] for row in want}
    assert ends["deadline-winter@govcal"] == "2026-12-24T17:30:00+00:00"  # a deadline is a 30-minute event
    assert ends["deadline-spring-night@govcal"] == "2026-03-29T01:15:00+00:00"
    assert starts["spring-before@govcal"] == "2026-03-28T12:00:00+00:00"
    assert starts["spring-after@govcal"] == "2026-03-30T11:00:00+00:00"
    assert starts["autumn-before@govcal"] == "2026-10-24T11:00:00+00:00"
    assert starts["autumn-after@govcal"] == "2026-10-26T12:00:00+00:00"
    for parser, reading in parse_everywhere(path).items():
        assert reading == want, parser


@pytest.fixture(scope="module")
def kept(tmp_path_factory):
    """The seed bodies' 2026-27 cycle kept in SQLite, with a member, a clerk and a moved meeting."""
    ctx = context(load_rules(), f"sqlite:///{tmp_path_factory.mktemp('feeds') / 'govcal.db'}")
    keep(ctx)
    for body_id, name, role in (
        ("cambridgeshire-executive-partnership", "Cllr Ali", "member"),
        ("worcestershire-jcb", "Cllr Ali", "chair"),
        ("leeds-cluster-partnership", "Ann Clerk", "clerk"),
    ):
        people.add_member(ctx, body_id, name, role, actor="t", now=utc_now())
    return ctx


NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


def test_every_feed_of_the_seed_bodies_is_read_alike_by_all_four_parsers(kept, tmp_path):
    ctx = kept
    feeds = {f"body-{b.id}": body_feed(ctx, b.id, NOW) for b in ctx.rules}
    feeds = {name: feed for name, feed in feeds.items() if feed is not None}
    feeds["all"] = all_feed(ctx, NOW)
    feeds["member"] = member_feed(ctx, "Cllr Ali", NOW)
    feeds["clerk"] = clerk_feed(ctx, "Ann Clerk", NOW)
    assert len(feeds) == 12 + 3  # 12 public bodies; Cambridgeshire's, the JCB's and the PAB's meetings are private
    for name, feed in feeds.items():
        path = tmp_path / f"{name}.ics"
        path.write_bytes(render(feed))
        want = expected(feed)
        assert want, name
        for parser, reading in parse_everywhere(path).items():
            assert reading == want, f"{parser} misread {name}"


def test_private_bodies_stay_out_of_public_feeds(kept):
    ctx = kept
    # Cambridgeshire's "not open to the press and public"; the JCB's and PAB's 12.2 "not held in public"
    for private in ("cambridgeshire-executive-partnership", "worcestershire-jcb", "worcestershire-pab"):
        assert body_feed(ctx, private, NOW) is None
    public = render(all_feed(ctx, NOW))
    assert b"cambridgeshire-executive-partnership" not in public and b"worcestershire-jcb/" not in public
    assert b"worcestershire-pab/" not in public and b"worcestershire-programme-board/2026-27/meeting-01@" in public
    mine = render(member_feed(ctx, "Cllr Ali", NOW))
    assert b"cambridgeshire-executive-partnership/2026-27/meeting-01@govcal" in mine
    assert b"worcestershire-jcb/2026-27/meeting-01@govcal" in mine  # the private meetings of the bodies they sit on
    assert b"leeds-" not in mine and b"suffolk-" not in mine  # only the bodies Cllr Ali sits on


def test_events_say_first_what_members_and_clerks_need(kept):
    ctx = kept
    feed = body_feed(ctx, "leeds-cluster-partnership", NOW)
    first = next(e for e in feed.events if e.uid == "leeds-cluster-partnership/2026-27/meeting-01")
    # a member's event: the body, where, what is due for it; no rule language, nothing twice
    assert first.summary == "Leeds Cluster Partnership meeting"  # no short name in its rules: its name
    lines = first.description.splitlines()
    assert lines[:4] == [
        "Where: Cluster lead school, Leeds",
        "Reports to the Secretariat: Thu 05 Nov 2026 17:00",  # 8 clear working days before Wed 18 Nov
        "Agenda agreed by the chair: Mon 09 Nov 2026 17:00",  # the working day before the papers
        "Agenda and papers sent to all members: Tue 10 Nov 2026 17:00",
    ]
    assert "clause" not in first.description and "working days" not in first.description
    assert len(lines) == len(set(lines))
    # a clerk's event: what is due, for which body and meeting, then how the date was found
    reports = next(
        e
        for e in clerk_feed(ctx, "Ann Clerk", NOW).events
        if e.uid == "leeds-cluster-partnership/2026-27/meeting-01/reports"
    )
    assert reports.summary == "Reports to the Secretariat due: Leeds Cluster Partnership meeting Wed 18 Nov"
    assert reports.description.splitlines() == [
        "Due Thu 05 Nov 2026 17:00.",
        "It is for the meeting on Wednesday 18 November 2026 at 15:45, Cluster lead school, Leeds.",
        "When it is done, mark it so on govcal's reminders page and the reminders stop.",  # no command
        "Why this date: Reports to the Secretariat: 8 clear working days before (D5, clause 6.8);"
        " meeting on Wed 18 Nov 2026",
    ]


def test_clerk_deadlines_have_alarms_at_nine_three_working_days_before_and_on_the_day(kept):
    ctx = kept
    feed = clerk_feed(ctx, "Ann Clerk", NOW)
    reports = next(e for e in feed.events if e.uid == "leeds-cluster-partnership/2026-27/meeting-01/reports")
    # due Thu 5 Nov 2026: 3 working days before is Mon 2 Nov; 09:00 GMT
    assert [a.isoformat() for a in reports.alarms] == ["2026-11-02T09:00:00+00:00", "2026-11-05T09:00:00+00:00"]
    body = render(feed)
    assert b"TRIGGER;VALUE=DATE-TIME:20261102T090000Z" in body


def test_a_moved_meeting_keeps_its_uid_with_a_higher_sequence_and_a_cancelled_one_is_cancelled(kept, tmp_path):
    ctx = kept
    august = "worcestershire-jcb/2026-27/meeting-05"
    before_path = tmp_path / "before.ics"
    before_path.write_bytes(render(member_feed(ctx, "Cllr Ali", NOW)))
    assert edit_meeting(ctx, "move", actor="clerk", meeting_id=august, day=dt.date(2026, 8, 19)).committed
    assert edit_meeting(
        ctx,
        "cancel",
        actor="clerk",
        meeting_id="worcestershire-jcb/2026-27/meeting-06",
        force=True,
        reason="No business; the September meeting takes the budget",
    ).committed
    after_path = tmp_path / "after.ics"
    after_path.write_bytes(render(member_feed(ctx, "Cllr Ali", NOW)))
    for parser in PARSERS:
        before = {row[0]: row for row in parse_everywhere(before_path)[parser]}
        after = {row[0]: row for row in parse_everywhere(after_path)[parser]}
        assert set(before) == set(after), parser  # nothing vanished: the cancelled one is still there
        uid = f"{august}@govcal"
        # Tue 18 Aug 14:00 BST -> Wed 19 Aug 14:00 BST
        assert (before[uid][1], after[uid][1]) == ("2026-08-18T13:00:00+00:00", "2026-08-19T13:00:00+00:00"), parser
        assert after[uid][4] == before[uid][4] + 1, parser
        cancelled = after["worcestershire-jcb/2026-27/meeting-06@govcal"]
        assert (cancelled[3], cancelled[4]) == ("CANCELLED", 1), parser
    events = {e.uid: e for e in member_feed(ctx, "Cllr Ali", NOW).events}
    assert events[august].description.splitlines()[0] == "Moved from Tue 18 Aug 2026 to Wed 19 Aug 2026."
    said = "This meeting is cancelled: No business; the September meeting takes the budget"
    assert events["worcestershire-jcb/2026-27/meeting-06"].description.splitlines()[0] == said
    for parser, rows in parse_everywhere(after_path, "description").items():  # the reason, as each parser reads it
        [row] = [row for row in rows if row[0] == "worcestershire-jcb/2026-27/meeting-06@govcal"]
        assert row[3] == "CANCELLED" and row[5].splitlines()[0] == said, parser


def test_a_cancellation_by_the_cli_publishes_its_reason_in_the_public_feed_and_the_audit(tmp_path, capsys):
    """The Leeds Area Partnership (public) meets Wed 16 Sep 2026 (its third Wednesday in
    September); cancelled with a reason, its event in the public feed says why."""
    database = f"sqlite:///{tmp_path / 'govcal.db'}"
    ctx = context(load_rules(), database)
    keep(ctx, bodies=["leeds-area-partnership"])
    [september] = [m.id for m in ctx.store.meetings(["leeds-area-partnership"]) if m.date == dt.date(2026, 9, 16)]
    db = ["--database", database]
    with pytest.raises(SystemExit) as refused:  # no reason: refused, nothing changed
        main(["meeting", "cancel", september, *db])
    assert refused.value.code == 2 and ctx.store.meeting(september).status != "cancelled"
    assert "--reason" in capsys.readouterr().err
    why = "The venue is closed for repairs"
    assert main(["meeting", "cancel", september, "--reason", why, "--force", *db]) == 0
    assert f"({why})" in capsys.readouterr().out
    path = tmp_path / "public.ics"
    path.write_bytes(render(all_feed(ctx, NOW)))
    for parser, rows in parse_everywhere(path, "description").items():
        [row] = [row for row in rows if row[0] == f"{september}@govcal"]
        assert row[3] == "CANCELLED" and row[5].splitlines()[0] == f"This meeting is cancelled: {why}", parser
    with served(ctx, NOW) as url, urllib.request.urlopen(f"{url}/planner?start=2026-09", timeout=10) as page:
        assert f"Wed 16 cancelled: {why}" in page.read().decode()  # and on the planner page
    with ctx.store.session() as session:
        [entry] = session.query(AuditRow).filter(AuditRow.action == "meeting:cancel").all()
    assert entry.target == september and entry.detail["reason"] == why and entry.detail["note"] == why


def test_user_text_is_cleaned_and_only_safe_links_survive():
    assert clean("JCB\x07 meeting\u202e\n(exec)", 100) == "JCB meeting (exec)"
    assert clean("line one\nline\x00 two", 100, multiline=True) == "line one\nline two"
    assert clean("x" * 50, 10) == "x" * 9 + "\u2026"
    assert safe_link("https://govcal.example/planner#a") == "https://govcal.example/planner#a"
    assert safe_link("mailto:clerk@example.org") == "mailto:clerk@example.org"
    assert safe_link("javascript:alert(1)") is None and safe_link("http://insecure.example") is None
    assert safe_link("https:///no-host") is None
    body = render(Feed("x", (event("a", dt.datetime(2026, 5, 1, 10, tzinfo=LONDON), url="javascript:alert(1)"),)))
    assert b"javascript" not in body and b"URL" not in body


TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\\^;,\n"), max_size=400)


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT, st.sampled_from(["Europe/London", "x" * 80, "Caf\u00e9 \u2013 Room 1"]))
def test_bulk_folding_gives_icalendars_own_octets(summary, description, location):
    """Folding is ours (icalendar's is a per-character loop); its output must not differ by one octet."""
    event = Event()
    event.add("SUMMARY", summary)
    event.add("DESCRIPTION", description)
    event.add("LOCATION", location, parameters={"ALTREP": "https://example.org/" + "r" * 90})
    ours = b"".join(fold(line) + b"\r\n" for line in event.content_lines() if line)
    assert ours == event.to_ical()


MOMENTS = st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2059, 12, 31), timezones=st.just(LONDON))
EVENTS = st.builds(
    EventData,
    uid=st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\\;,/"), min_size=1, max_size=120),
    sequence=st.integers(0, 10_000),
    start=MOMENTS,
    end=st.none() | MOMENTS,
    summary=TEXT,
    location=TEXT,
    description=TEXT,
    cancelled=st.booleans(),
    last_modified=st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2059, 12, 31), timezones=st.just(dt.UTC)),
    url=st.none() | st.sampled_from(["https://govcal.example/planner#a,b;c", "javascript:x", "mailto:a@b.c"]),
    alarms=st.lists(MOMENTS, max_size=3).map(tuple),
    url_said=st.sampled_from(["On the year planner", ""]),
)


@settings(max_examples=500, deadline=None)
@given(EVENTS)
def test_an_event_written_from_plain_values_is_icalendars_octets(data):
    """The fast renderer against the reference: icalendar's objects, written by icalendar."""
    assert vevent(data) == reference_vevent(data)


@settings(max_examples=200, deadline=None)
@given(TEXT, TEXT, st.timedeltas(dt.timedelta(0), dt.timedelta(days=3)))
def test_a_feed_header_written_from_plain_values_is_icalendars_octets(name, description, refresh):
    feed = Feed(name, (), description, refresh)
    assert render(feed) == reference_render(feed)


def test_remembered_stamps_keep_octobers_repeated_hour_apart():
    """Clocks went back at 02:00 BST on Sun 25 Oct 2026: 01:30 came twice, at 00:30 and 01:30 UTC.
    Within one zone Python compares the two equal, so the stamps are remembered by the UTC instant."""
    first = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC).astimezone(LONDON)
    second = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC).astimezone(LONDON)
    assert first == second and (first.fold, second.fold) == (0, 1)  # what the cache must not be fooled by
    for order in ([first, second], [second, first]):
        _utc_stamp.cache_clear()
        local_stamp.cache_clear()
        said = {moment.fold: (utc_stamp(moment), local_stamp(moment)) for moment in order}
        assert said == {0: ("20261025T003000Z", "20261025T013000"), 1: ("20261025T013000Z", "20261025T013000")}


def test_a_stored_instant_keeps_octobers_repeated_hour_apart():
    """A database set to London time returns 01:30 on Sun 25 Oct 2026 twice (00:30 and 01:30 UTC),
    equal within the zone; the store's column type tells them apart by fold, and reads SQLite's
    naive UTC as UTC."""
    from sqlalchemy.dialects import sqlite

    from scheduler.store.tables import Instant

    read = Instant().result_processor(sqlite.dialect(), None) or (lambda value: value)
    first = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC).astimezone(LONDON)
    second = first.replace(fold=1)
    assert [read(first).astimezone(dt.UTC).hour, read(second).astimezone(dt.UTC).hour] == [0, 1]
    naive = read(dt.datetime(2026, 10, 25, 1, 30))
    assert (naive.tzinfo, naive.astimezone(dt.UTC).hour, naive.hour, naive.fold) == (LONDON, 1, 1, 1)


def test_every_seed_feed_is_byte_for_byte_the_reference_renderers(kept):
    """Public, body, member and clerk feeds of the seed bodies (private ones, alarms, links)."""
    ctx = kept
    now = utc_now()
    feeds = [all_feed(ctx, now, "https://govcal.example")]
    feeds += [feed for b in ctx.rules if (feed := body_feed(ctx, b.id, now)) is not None]
    feeds += [member_feed(ctx, "Cllr Ali", now, "https://govcal.example")]
    feeds += [clerk_feed(ctx, "Ann Clerk", now, "https://govcal.example")]
    assert sum(len(f.events) for f in feeds) > 120 and any(e.alarms for e in feeds[-1].events)
    for feed in feeds:
        assert render(feed) == reference_render(feed), feed.name


def test_a_members_calendar_says_what_each_event_is_and_whose_calendar_it_is(tmp_path, capsys):
    """The JCB (short name "Worcestershire JCB" in its rules) with a clerk: its meetings, an
    extraordinary one, a cancelled one and the deadlines, as each of the four parsers reads them."""
    database = f"sqlite:///{tmp_path / 'govcal.db'}"
    ctx = context(load_rules(), database)
    keep(ctx, bodies=["worcestershire-jcb"])
    people.add_member(ctx, "worcestershire-jcb", "Ann Clerk", "clerk", actor="t", now=utc_now())
    people.add_member(ctx, "worcestershire-jcb", "Cllr Ali", "member", actor="t", now=utc_now())
    request = ["--received", "2026-11-25 10:00", "--chair", "--database", database]
    assert main(["extraordinary", "worcestershire-jcb", *request, "--confirm", "2026-12-03"]) == 0, capsys.readouterr()
    why = "No business"
    november = "worcestershire-jcb/2026-27/meeting-08"  # Tue 17 Nov 2026 (the third Tuesday)
    assert edit_meeting(ctx, "cancel", actor="clerk", meeting_id=november, force=True, reason=why).committed
    clerks = private_feed(ctx, "Ann Clerk", NOW)
    path = tmp_path / "clerk.ics"
    path.write_bytes(render(clerks))
    titles = {
        "worcestershire-jcb/2026-27/meeting-09": "Worcestershire JCB meeting",  # Tue 15 Dec
        november: "Cancelled: Worcestershire JCB meeting",
        "worcestershire-jcb/2026-27/extraordinary-01": "Worcestershire JCB extraordinary meeting",
        "worcestershire-jcb/2026-27/meeting-09/papers": (
            "Agenda and papers to members due: Worcestershire JCB meeting Tue 15 Dec"
        ),
        # due at the next meeting, about this one: both said
        "worcestershire-jcb/2026-27/extraordinary-01/minutes-approved": (
            "Minutes submitted for approval due: Worcestershire JCB meeting Tue 15 Dec, of the Thu 03 Dec meeting"
        ),
    }
    for parser, rows in parse_everywhere(path, "summary").items():
        said = {row[0].removesuffix("@govcal"): row[5] for row in rows}
        assert {uid: said[uid] for uid in titles} == titles, parser
        [cancelled] = [row for row in rows if row[0] == f"{november}@govcal"]
        assert cancelled[3] == "CANCELLED", parser
    minutes = next(e for e in clerks.events if e.uid.endswith("extraordinary-01/minutes-approved"))
    assert minutes.description.splitlines()[1] == (
        "It is due at the meeting on Tuesday 15 December 2026 at 14:00, County Hall, Worcester,"
        " and is about the meeting on Thursday 3 December 2026."
    )
    # the deadline is a half-hour of free time from the instant it is due, so agenda views list it
    papers = next(e for e in clerks.events if e.uid.endswith("meeting-09/papers"))
    head = render(Feed("x", (papers,))).split(b"BEGIN:VEVENT")[1]
    assert f"DTSTART;TZID=Europe/London:{papers.start:%Y%m%dT%H%M%S}".encode() in head
    assert f"DTEND;TZID=Europe/London:{papers.start + dt.timedelta(minutes=30):%Y%m%dT%H%M%S}".encode() in head
    assert b"TRANSP:TRANSPARENT" in head
    # the calendars' names: the person, what it holds; the bodies by name, never by id
    calendar = Calendar.from_ical(render(clerks))
    assert calendar["NAME"] == calendar["X-WR-CALNAME"] == "Ann Clerk: meetings and deadlines"
    assert calendar["X-WR-CALDESC"] == (
        "Meetings of the Worcestershire Joint Commissioning Board;"
        " Deadlines of the Worcestershire Joint Commissioning Board"
    )
    members = Calendar.from_ical(render(private_feed(ctx, "Cllr Ali", NOW)))
    assert members["NAME"] == members["X-WR-CALNAME"] == "Cllr Ali: meetings"
    assert members["X-WR-CALDESC"] == "Meetings of the Worcestershire Joint Commissioning Board"
    assert b"worcestershire-jcb" not in render(Feed(members["NAME"], (), members["X-WR-CALDESC"]))


JCB_APRIL, JCB_MAY = "worcestershire-jcb/2026-27/meeting-01", "worcestershire-jcb/2026-27/meeting-02"
AGENDA = "https://worcestershire.example/jcb/2026-04-21/agenda.pdf"
PACK = ("https://worcestershire.example/jcb/2026-04-21/papers-1.pdf", "https://worcestershire.example/jcb/papers-2.pdf")
VIDEO = "https://video.example/jcb-april"


def test_a_meetings_papers_are_its_events_url_and_listed_in_its_description(tmp_path):
    ctx = context(load_rules(), f"sqlite:///{tmp_path / 'govcal.db'}")
    keep(ctx, bodies=["worcestershire-jcb"])
    people.add_member(ctx, "worcestershire-jcb", "Cllr Ali", "member", actor="t", now=utc_now())
    set_papers(ctx, JCB_APRIL, {"video": [VIDEO], "papers": list(PACK), "agenda": [AGENDA]}, actor="clerk", now=NOW)
    set_papers(ctx, JCB_MAY, [("agenda", AGENDA)], actor="clerk", now=NOW)
    feed = member_feed(ctx, "Cllr Ali", NOW)
    events = {e.uid: e for e in feed.events}
    assert events[JCB_APRIL].url == PACK[0]  # the papers, else the agenda
    assert events[JCB_MAY].url == AGENDA
    path = tmp_path / "member.ics"
    path.write_bytes(render(feed))
    listed = [f"Agenda: {AGENDA}", f"Papers: {PACK[0]}", f"Papers: {PACK[1]}", f"Video: {VIDEO}"]
    for parser, reading in parse_everywhere(path, "description").items():
        described = {row[0]: row[-1] for row in reading}
        assert described[f"{JCB_APRIL}@govcal"].splitlines()[-4:] == listed, parser
        assert described[f"{JCB_MAY}@govcal"].splitlines()[-1] == f"Agenda: {AGENDA}", parser
        assert "year planner" not in described[f"{JCB_APRIL}@govcal"], parser  # the URL is not said twice
    read = {str(e["UID"]): str(e["URL"]) for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT") if "URL" in e}
    assert read[f"{JCB_APRIL}@govcal"] == PACK[0] and read[f"{JCB_MAY}@govcal"] == AGENDA
