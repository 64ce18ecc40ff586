"""A clerk's week run from e-mails alone (issue 28's "Done when"), on SQLite and PostgreSQL:
the reminders arrive over real SMTP (aiosmtpd), their links are opened in headless Chromium
against govcal served by uvicorn, and the members' private feeds are fetched over HTTP and
read by the four parsers; the clock is passed in, day by day.

Hand-checked dates (November 2026 begins on a Sunday; December on a Tuesday): the
Worcestershire JCB meets on the third Tuesday at 14:00, so Tue 17 Nov 2026 (3, 10, 17) and
Tue 15 Dec 2026 (1, 8, 15). The November papers need 5 clear working days (16, 13, 12, 11,
10 Nov), so are due Mon 9 Nov 17:00; their first reminder goes 3 working days before (6, 5,
4 Nov), Wed 4 Nov 09:00, the next on the day they are due, Mon 9 Nov 09:00. No bank holiday
falls between. The week: Mon 2 Nov the plan kept and the people added; Tue 3 Nov the papers
linked; Wed 4 Nov the reminder; Thu 5 Nov the papers marked done from it and the members
summoned; Mon 9 Nov no papers reminder (they are done), and the December meeting cancelled:
refused at first (the JCB meets "not less than monthly", clause 8.1, and December would
have none), then forced with the reason, which reaches the members' e-mail and feeds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import urllib.request
from urllib.parse import parse_qsl, urlsplit

from selenium.webdriver.common.by import By

from browser_driver import browser, screenshot
from conftest import edit_meeting, free_port, keep, served
from govcal.cli import parser
from govcal.clock import utc_now
from govcal.operations import Context, access, people
from govcal.operations.papers import set_papers
from govcal.operations.reminders import send_due
from govcal.settings import Settings
from rules.loader import load_rules
from scheduler.occurrences import Status
from scheduler.store.tables import TokenKind
from test_action_links import audited, done, links_in
from test_admin_browser import click
from test_feeds import parse_everywhere
from test_notices import london, notices_in, text_of

__all__ = ["browser"]  # the fixture, asked for by name

JCB = "worcestershire-jcb"
NOVEMBER = f"{JCB}/2026-27/meeting-08"  # April's is the first: November the eighth
DECEMBER = f"{JCB}/2026-27/meeting-09"
PAPERS = f"{NOVEMBER}/papers"
PAPERS_URL = "https://worcestershire.example/jcb/2026-11-17/papers.pdf"
MEMBERS = {"ali@example.org": "Cllr Ali", "bea@example.org": "Cllr Bea"}
REASON = "No business: the December items go to January's meeting"


def the_jcb(database: str, port: int, now: dt.datetime) -> Context:
    """The JCB kept from `now`, Ann Clerk (with an address) and two members, govcal's public
    URL where the test serves it."""
    settings = Settings(database_url=database, database_named=True, public_url=f"http://127.0.0.1:{port}")
    ctx = Context(load_rules(), settings)
    keep(ctx, bodies=[JCB], now=now)
    people.add_member(ctx, JCB, "Ann Clerk", "clerk", email="ann@example.org", actor="admin", now=now)
    for address, name in MEMBERS.items():
        people.add_member(ctx, JCB, name, "member", email=address, actor="admin", now=now)
    return ctx


# the CLI's commands ("govcal deadline ..."), none of which an e-mail may tell anyone to run
COMMANDS = next(a.choices for a in parser()._actions if isinstance(a, argparse._SubParsersAction))


def sent_on(inbox, before: int) -> list:
    """The messages a run sent, each to one address, none with a command, none to be answered."""
    messages = inbox.messages[before:]
    for message in messages:
        assert len(message["To"].addresses) == 1
        assert message["Auto-Submitted"] == "auto-generated"
        for part in ("plain", "html"):
            said = message.get_body((part,)).get_content()
            assert not [command for command in COMMANDS if f"govcal {command}" in said], said
    return messages


def test_a_clerks_week_from_the_emails_alone(browser, database, inbox, tmp_path):
    port = free_port()
    ctx = the_jcb(database, port, london(2026, 11, 2, 9, 0))
    set_papers(ctx, NOVEMBER, {"papers": [PAPERS_URL]}, actor="Ann Clerk", now=london(2026, 11, 3, 12, 0))

    # Wed 4 Nov 09:00: the papers' reminder reaches the clerk alone, with its links
    wednesday = london(2026, 11, 4, 9, 0)
    send_due(ctx, wednesday, inbox.smtp, "worker", wall=utc_now)
    [reminder] = sent_on(inbox, 0)
    assert "govcal " not in text_of(reminder) and "govcal " not in reminder.get_body(("html",)).get_content()
    assert reminder["To"].addresses[0].addr_spec == "ann@example.org"
    assert "Agenda and papers to members" in text_of(reminder)
    found = links_in(text_of(reminder))
    assert set(found) == {"Open", "Mark done"} and "p=ann%40example.org" in found["Mark done"]

    # Thu 5 Nov 10:00: the clerk opens "Mark done", marks it, undoes it, marks it again
    thursday = london(2026, 11, 5, 10, 0)
    with served(ctx, thursday, port):
        browser.get(found["Mark done"])  # as a mail scanner would: nothing changes
        assert "Opening this page changed nothing" in browser.find_element(By.TAG_NAME, "main").text
        assert "Tuesday 17 November 2026 at 14:00" in browser.find_element(By.TAG_NAME, "main").text
        assert not done(ctx, PAPERS) and audited(ctx, PAPERS) == []
        screenshot(browser, "week-opened", tmp_path)
        click(browser, "Mark done")
        assert "Marked done: its reminders stop." in browser.find_element(By.CSS_SELECTOR, "[role=status]").text
        assert done(ctx, PAPERS)
        screenshot(browser, "week-done", tmp_path)
        click(browser, "Undo: open again")
        assert not done(ctx, PAPERS)
        browser.get(found["Mark done"])
        click(browser, "Mark done")
        assert done(ctx, PAPERS)
    by_link = "ann@example.org (e-mail link)"
    assert audited(ctx, PAPERS) == [(by_link, "deadline:done"), (by_link, "deadline:undo"), (by_link, "deadline:done")]

    # Thu 5 Nov 10:05: the papers done, the next run summons each member with them
    before = len(inbox.messages)
    send_due(ctx, london(2026, 11, 5, 10, 5), inbox.smtp, "worker", wall=utc_now)
    sent_on(inbox, before)
    summonses = notices_in(inbox, "summons")
    assert set(summonses) == set(MEMBERS)
    for address, name in MEMBERS.items():
        said = text_of(summonses[address])
        assert said.startswith(f"Dear {name},")
        assert "on Tuesday 17 November 2026, 14:00 to 16:00 at County Hall, Worcester." in said
        assert f"Papers: {PAPERS_URL}" in said
        apologies = re.search(r"send your apologies \(until the meeting begins\): (\S+)", said)
        assert apologies and dict(parse_qsl(urlsplit(apologies[1]).query))["p"] == name  # their own

    # Mon 9 Nov: no papers reminder (they are done); the clerk cancels December's meeting
    monday = london(2026, 11, 9, 11, 0)
    before = len(inbox.messages)
    send_due(ctx, london(2026, 11, 9, 9, 0), inbox.smtp, "worker", wall=utc_now)
    assert all("Agenda and papers" not in m["Subject"] for m in inbox.messages[before:])
    cancel = {"actor": "Ann Clerk", "meeting_id": DECEMBER, "reason": REASON, "now": monday}
    refused = edit_meeting(ctx, "cancel", **cancel)  # the JCB meets "not less than monthly" (8.1)
    assert not refused.committed and [f.message for f in refused.new_failures] == ["no meeting in December 2026"]
    assert [m.status for m in ctx.store.meetings([JCB]) if m.id == DECEMBER] == [Status.PLANNED]  # nothing changed
    assert edit_meeting(ctx, "cancel", **cancel, force=True).committed  # the reason is why it is forced too
    assert [m.status for m in ctx.store.meetings([JCB]) if m.id == DECEMBER] == [Status.CANCELLED]
    send_due(ctx, monday + dt.timedelta(minutes=5), inbox.smtp, "worker", wall=utc_now)
    sent_on(inbox, before)
    cancelled = notices_in(inbox, "cancelled")
    assert set(cancelled) == set(MEMBERS)
    for message in cancelled.values():
        assert message["Subject"] == "Cancelled: Worcestershire Joint Commissioning Board meeting, Tue 15 Dec 2026"
        assert f"is cancelled.\n\nThe reason: {REASON}" in text_of(message)

    # each member's own feed, over HTTP: December's meeting cancelled, the reason said
    tokens = {a: access.create_token(ctx, TokenKind.FEED, a, actor="admin", now=monday) for a in MEMBERS}
    with served(ctx, monday, port):
        for address, token in tokens.items():
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/feeds/private/{token}.ics", timeout=10) as answer:
                path = tmp_path / f"{address}.ics"
                path.write_bytes(answer.read())
            for parser, rows in parse_everywhere(path, "description", "summary").items():
                [row] = [row for row in rows if row[0] == f"{DECEMBER}@govcal"]
                assert row[3] == "CANCELLED", (address, parser)
                assert row[5].splitlines()[0] == f"This meeting is cancelled: {REASON}", (address, parser)
                assert row[6] == "Cancelled: Worcestershire JCB meeting", (address, parser)
