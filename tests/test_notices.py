"""A meeting's notices to its members, over a real SMTP server (aiosmtpd), on both backends.

The JCB's first 2026-27 meeting is Tue 21 Apr 2026, 14:00 to 16:00 at County Hall,
Worcester; its papers (5 clear working days: 20, 17, 16, 15, 14 Apr) are due Mon 13 Apr
17:00 BST. Marking them done summons the members; cancelling the meeting tells them why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from conftest import context, edit_meeting, keep, kill_while_sending
from govcal.clock import utc_now
from govcal.operations import attendance, links, people
from govcal.operations.notices import send_summons
from govcal.operations.papers import set_papers
from govcal.operations.reminders import dry_run, mark_done, send_due
from rules.errors import Conflict
from rules.loader import load_rules
from scheduler.store.tables import MemberRow, MembershipRow, ReminderRow
from scheduler.workdays import LONDON

MEETING = "worcestershire-jcb/2026-27/meeting-01"
PAPERS = f"{MEETING}/papers"
AGENDA_URL = "https://worcestershire.example/jcb/2026-04-21/agenda.pdf"
PAPERS_URL = "https://worcestershire.example/jcb/2026-04-21/papers.pdf"


def london(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def jcb(database):
    """The JCB kept, with a clerk, two members and a chair (one member without an address)
    and a substitute, and its first meeting's agenda and papers linked."""
    ctx = context(load_rules(), database)
    added = {"actor": "admin", "now": utc_now()}
    people.add_member(ctx, "worcestershire-jcb", "Ann Clerk", "clerk", email="ann@example.org", **added)
    people.add_member(ctx, "worcestershire-jcb", "Cllr Ali", "member", email="ali@example.org", **added)
    people.add_member(ctx, "worcestershire-jcb", "Cllr Bea", "chair", email="bea@example.org", **added)
    people.add_member(ctx, "worcestershire-jcb", "Cllr Cy", "member", **added)
    people.add_member(ctx, "worcestershire-jcb", "Sam Sub", "substitute", email="sam@example.org", **added)
    keep(ctx, bodies=["worcestershire-jcb"])
    add = {"agenda": [AGENDA_URL], "papers": [PAPERS_URL]}
    set_papers(ctx, MEETING, add, actor="clerk", now=london(2026, 4, 10, 12, 0))
    return ctx


def notices_in(inbox, kind: str) -> dict[str, object]:
    """The inbox's notices of a kind, by the one address each went to."""
    found = {}
    for message in inbox.messages:
        if f"#{kind}-" in message["Message-ID"]:
            assert len(message["To"].addresses) == 1  # one message per member
            found[message["To"].addresses[0].addr_spec] = message
    return found


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_marking_the_papers_done_summons_each_member_once_with_the_papers(jcb, inbox):
    ctx = jcb
    done_at = london(2026, 4, 13, 16, 0)
    assert mark_done(ctx, PAPERS, actor="clerk", now=done_at)
    result = send_due(ctx, done_at, inbox.smtp, "worker", wall=utc_now)
    summonses = notices_in(inbox, "summons")
    assert set(summonses) == {"ali@example.org", "bea@example.org"}  # voting places with an address
    ali = summonses["ali@example.org"]
    assert ali["Subject"] == "Notice of meeting: Worcestershire Joint Commissioning Board, Tue 21 Apr 2026 at 14:00"
    assert ali["Auto-Submitted"] == "auto-generated"
    said = text_of(ali)
    assert said.startswith("Dear Cllr Ali,")
    assert "on Tuesday 21 April 2026, 14:00 to 16:00 at County Hall, Worcester." in said
    assert f"Agenda: {AGENDA_URL}\nPapers: {PAPERS_URL}" in said
    assert f'<a href="{PAPERS_URL}">' in ali.get_body(("html",)).get_content()
    assert result.sent >= 2
    # undone and done again, sent from the panel, sent again: no member has it twice
    mark_done(ctx, PAPERS, actor="clerk", now=done_at, done=False)
    mark_done(ctx, PAPERS, actor="clerk", now=done_at)
    assert send_summons(ctx, MEETING, actor="clerk", now=done_at) == 0
    send_due(ctx, done_at + dt.timedelta(minutes=5), inbox.smtp, "worker", wall=utc_now)
    assert len(notices_in(inbox, "summons")) == 2 and len(inbox.ids) == len(set(inbox.ids))
    # a member who joins afterwards is sent it from the panel, alone
    people.add_member(ctx, "worcestershire-jcb", "Cllr Dee", "member", email="dee@example.org", actor="a", now=done_at)
    assert send_summons(ctx, MEETING, actor="clerk", now=done_at) == 1
    send_due(ctx, done_at + dt.timedelta(minutes=10), inbox.smtp, "worker", wall=utc_now)
    assert set(notices_in(inbox, "summons")) == {"ali@example.org", "bea@example.org", "dee@example.org"}
    assert len(inbox.ids) == len(set(inbox.ids))


def test_each_members_summons_carries_their_own_link_to_send_apologies(jcb, inbox):
    """With a public address, Cllr Ali's summons links to Ali's own apologies page (signed
    for Ali, expiring as the meeting begins); the page's button records Ali's apologies and
    the meeting's forecast shows them. Bea's link is Bea's. A cancellation carries none."""
    ctx = dataclasses.replace(jcb, settings=dataclasses.replace(jcb.settings, public_url="https://govcal.example"))
    done_at = london(2026, 4, 13, 16, 0)
    assert mark_done(ctx, PAPERS, actor="clerk", now=done_at)
    send_due(ctx, done_at, inbox.smtp, "worker", wall=utc_now)
    summonses = notices_in(inbox, "summons")
    found = {}
    for address, message in summonses.items():
        said = re.search(r"send your apologies \(until the meeting begins\): (\S+)", text_of(message))
        assert said, address
        found[address] = dict(parse_qsl(urlsplit(said[1]).query))
    assert found["ali@example.org"]["p"] == "Cllr Ali" and found["bea@example.org"]["p"] == "Cllr Bea"
    assert int(found["ali@example.org"]["e"]) == int(london(2026, 4, 21, 14, 0).timestamp())  # as it begins
    link = links.opened(ctx, found["ali@example.org"], done_at, links.MEETING_ACTIONS)
    assert link.action == "apologies" and link.deadline == MEETING
    forecast = attendance.by_link(ctx, link, done_at).forecast
    assert forecast is not None and "Cllr Ali" in forecast.apologies
    edit_meeting(ctx, "cancel", actor="clerk", meeting_id=MEETING, force=True, reason="No business", now=done_at)
    send_due(ctx, done_at + dt.timedelta(minutes=5), inbox.smtp, "worker", wall=utc_now)
    for message in notices_in(inbox, "cancelled").values():
        assert "apologies" not in text_of(message)


def test_a_summons_waiting_when_the_meeting_is_cancelled_is_not_sent(jcb, inbox):
    ctx = jcb
    mark_done(ctx, PAPERS, actor="clerk", now=london(2026, 4, 13, 16, 0))
    cancel = {"actor": "clerk", "meeting_id": MEETING, "reason": "Not enough business", "force": True}
    assert edit_meeting(jcb, "cancel", **cancel).committed
    send_due(ctx, london(2026, 4, 13, 16, 5), inbox.smtp, "worker", wall=utc_now)
    assert notices_in(inbox, "summons") == {}
    cancelled = notices_in(inbox, "cancelled")
    assert set(cancelled) == {"ali@example.org", "bea@example.org"}
    bea = cancelled["bea@example.org"]
    assert bea["Subject"] == "Cancelled: Worcestershire Joint Commissioning Board meeting, Tue 21 Apr 2026"
    assert "is cancelled.\n\nThe reason: Not enough business" in text_of(bea)
    send_due(ctx, london(2026, 4, 13, 16, 10), inbox.smtp, "worker", wall=utc_now)
    assert len(inbox.ids) == len(set(inbox.ids)) == 2
    with pytest.raises(Conflict, match="cancelled"):
        send_summons(ctx, MEETING, actor="clerk", now=london(2026, 4, 13, 16, 10))


def test_a_dry_run_says_whom_each_notice_would_go_to(jcb):
    ctx = jcb
    done_at = london(2026, 4, 13, 16, 0)
    mark_done(ctx, PAPERS, actor="clerk", now=done_at)
    would = [w for w in dry_run(ctx, done_at, utc_now()) if w.deadline == MEETING]
    assert sorted(w.to[0] for w in would) == ["ali@example.org", "bea@example.org"]
    assert {w.outcome for w in would} == {"send"}


def test_each_member_is_summoned_once_though_dispatchers_are_killed_mid_send(jcb, database, inbox):
    ctx = jcb
    store = ctx.store
    with store.session() as session, session.begin():  # a large body: 150 members more
        for n in range(150):
            member = MemberRow(name=f"Member {n:03d}", email=f"m{n:03d}@example.org")
            session.add(member)
            session.flush()
            session.add(MembershipRow(member_id=member.id, body_id="worcestershire-jcb", role="member"))
        # the year's reminders aside: the dispatchers run until nothing is pending
        session.query(ReminderRow).update({"status": "cancelled"})
    done_at = london(2026, 4, 13, 16, 0)
    mark_done(ctx, PAPERS, actor="clerk", now=done_at)
    smtp = f"smtp://127.0.0.1:{inbox.controller.port}"
    kills = kill_while_sending(store, database, smtp, done_at, lambda: len(inbox.ids), kills=6, seed=20261206, most=15)
    assert kills >= 4
    summoned = notices_in(inbox, "summons")
    assert len(summoned) == 152  # every member with an address, Ali and Bea too
    assert len(inbox.ids) - len(set(inbox.ids)) <= kills  # a repeat only where a kill fell between send and mark
