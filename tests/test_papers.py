"""A meeting's papers (agenda, papers, minutes, video): set by the clerk from the CLI, the
API and the meeting's panel, checked, audited, and shown in the reminders and on the page.

The Worcestershire Programme Board meets on the first Thursday: its June 2026 meeting is
Thu 4 Jun (held by the admin pages' clock, Wed 2 Dec 2026), its March 2027 one Thu 4 Mar.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient

from conftest import context, keep
from govcal.api import create_app
from govcal.cli import main
from govcal.cli.server import application
from govcal.clock import utc_now
from govcal.operations import access, people
from govcal.operations.papers import meeting_papers, set_papers
from govcal.operations.reminders import send_due
from rules.errors import NotFound, RuleError
from rules.loader import load_rules
from scheduler.papers import LinkKind, MeetingLink
from scheduler.store.tables import AuditRow, TokenKind
from scheduler.workdays import LONDON
from test_admin import Clock, csrf, signed_in, text

TODAY = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)
BOARD = "worcestershire-programme-board"
JUNE, MARCH = f"{BOARD}/2026-27/meeting-01", f"{BOARD}/2026-27/meeting-04"
AGENDA = "https://worcestershire.example/wpb/2027-03-04/agenda.pdf"
PAPERS = "https://worcestershire.example/wpb/2027-03-04/papers.pdf"
MINUTES = "https://worcestershire.example/wpb/2026-06-04/minutes.pdf"


@pytest.fixture
def kept(database):
    ctx = context(load_rules(), database)
    keep(ctx, years=[2026], bodies=[BOARD])
    return ctx


def test_links_are_added_in_order_removed_and_audited(kept):
    ctx = kept
    first = set_papers(ctx, MARCH, {"papers": [PAPERS], "agenda": [AGENDA]}, actor="clerk", now=TODAY)
    assert first.changed and first.links == [MeetingLink(LinkKind.AGENDA, AGENDA), MeetingLink(LinkKind.PAPERS, PAPERS)]
    assert not set_papers(ctx, MARCH, [("agenda", AGENDA)], actor="clerk", now=TODAY).changed  # already there
    after = set_papers(ctx, MARCH, remove=[AGENDA], actor="clerk", now=TODAY)
    assert after.links == [MeetingLink(LinkKind.PAPERS, PAPERS)]
    with ctx.store.session() as session:
        trail = [(a.action, a.detail) for a in session.query(AuditRow).filter(AuditRow.action == "meeting:papers")]
    assert trail == [
        ("meeting:papers", {"added": [f"Papers: {PAPERS}", f"Agenda: {AGENDA}"], "removed": []}),
        ("meeting:papers", {"added": [], "removed": [f"Agenda: {AGENDA}"]}),
    ]


@pytest.mark.parametrize(
    ("add", "remove", "said"),
    [
        (
            {"agenda": ["ftp://example.org/agenda.pdf"]},
            [],
            "agenda: 'ftp://example.org/agenda.pdf' is not a web address",
        ),
        ({"video": ["https://"]}, [], "video: 'https://' is not a web address"),
        ({"minutes": ["see the clerk"]}, [], "minutes: 'see the clerk' is not a web address"),
        ({"papers": ["https://example.org/a b.pdf"]}, [], "papers: 'https://example.org/a b.pdf'"),
        ({"slides": ["https://example.org/s.pdf"]}, [], "kind: 'slides' is not one of agenda, papers, minutes, video"),
        ({}, ["https://example.org/never-added.pdf"], "remove: the meeting has no link"),
    ],
)
def test_a_bad_link_is_refused_naming_its_field_and_nothing_changes(kept, add, remove, said):
    ctx = kept
    good = {"agenda": [AGENDA]}
    with pytest.raises(RuleError) as refused:
        set_papers(ctx, MARCH, {**good, **add}, remove, actor="clerk", now=TODAY)
    assert said in str(refused.value)
    assert meeting_papers(ctx, MARCH).links == []
    with pytest.raises(NotFound):
        set_papers(ctx, f"{BOARD}/2026-27/meeting-99", good, actor="clerk", now=TODAY)


def test_the_cli_adds_lists_and_removes_a_meetings_links(kept, database, capsys):
    db = ["--database", database]
    given = ["--agenda", AGENDA, "--papers", PAPERS, "--papers", PAPERS.replace(".pdf", "-2.pdf")]
    assert main(["meeting", "papers", MARCH, *given, *db]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"Agenda: {AGENDA}",
        f"Papers: {PAPERS}",
        f"Papers: {PAPERS.replace('.pdf', '-2.pdf')}",
    ]
    assert main(["meeting", "papers", MARCH, "--remove", PAPERS, "--json", *db]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [link["url"] for link in listed["links"]] == [AGENDA, PAPERS.replace(".pdf", "-2.pdf")]
    assert main(["meeting", "papers", MARCH, "--video", "www.youtube.com/watch", *db]) == 2
    assert "video: 'www.youtube.com/watch' is not a web address" in capsys.readouterr().err
    assert main(["meeting", "papers", JUNE, *db]) == 0
    assert capsys.readouterr().out.strip() == f"{JUNE} has no papers linked"


def test_the_api_sets_and_reads_a_meetings_links_and_says_why_it_refuses(kept):
    ctx = kept
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="t", now=utc_now())
    client = TestClient(create_app(ctx), headers={"Authorization": f"Bearer {token}"})
    added = client.post("/api/meeting-papers", json={"id": JUNE, "add": [{"kind": "minutes", "url": MINUTES}]})
    assert added.status_code == 200, added.text
    assert added.json() == {"meeting": JUNE, "links": [{"kind": "minutes", "url": MINUTES}], "changed": True}
    assert client.get("/api/meeting-papers", params={"id": JUNE}).json()["links"] == [
        {"kind": "minutes", "url": MINUTES}
    ]
    bad = client.post(
        "/api/meeting-papers", json={"id": JUNE, "add": [{"kind": "video", "url": "javascript:alert(1)"}]}
    )
    assert bad.status_code == 400 and "video: 'javascript:alert(1)' is not a web address" in bad.json()["detail"]
    assert client.post("/api/meeting-papers", json={"id": "no/such", "add": []}).status_code == 404
    kind = client.post("/api/meeting-papers", json={"id": JUNE, "add": [{"kind": "slides", "url": MINUTES}]})
    assert kind.status_code == 422
    assert {"/api/meeting-papers", "/api/meeting-summons"} <= set(client.get("/openapi.json").json()["paths"])
    assert len(meeting_papers(ctx, JUNE).links) == 1


def test_a_reminder_about_the_meeting_lists_its_papers(database, inbox):
    ctx = context(load_rules(), database)
    people.add_member(
        ctx, "worcestershire-jcb", "Ann Clerk", "clerk", email="ann@example.org", actor="a", now=utc_now()
    )
    keep(ctx, bodies=["worcestershire-jcb"])
    april = "worcestershire-jcb/2026-27/meeting-01"  # Tue 21 Apr 2026; its papers due Mon 13 Apr
    set_papers(ctx, april, {"agenda": [AGENDA]}, actor="clerk", now=utc_now())
    send_due(ctx, dt.datetime(2026, 4, 8, 9, 0, tzinfo=LONDON), inbox.smtp, "worker", wall=utc_now)
    (reminder,) = inbox.messages
    assert f"The meeting's papers:\nAgenda: {AGENDA}" in reminder.get_body(("plain",)).get_content()


@pytest.fixture
def site(kept):
    ctx = kept
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="setup", now=TODAY)
    client = TestClient(application(ctx, ["testserver"], Clock(TODAY)), base_url="http://testserver")
    return signed_in(client, token), ctx


def test_the_panel_of_a_held_meeting_takes_papers_by_a_post_with_its_csrf_token(site):
    client, ctx = site
    panel = client.get("/admin/meeting", params={"id": JUNE})  # held: read only but for attendance and papers
    assert "No agenda, papers, minutes or video linked yet." in text(panel.text)
    assert "Send the notice to members now" not in panel.text  # a held meeting summons no one
    form = {"meeting": JUNE, "kind": "minutes", "url": MINUTES, "csrf": csrf(panel.text)}
    forged = client.post("/admin/papers", data={**form, "csrf": "forged"}, follow_redirects=False)
    assert forged.status_code == 403 and meeting_papers(ctx, JUNE).links == []
    answer = client.post("/admin/papers", data=form, follow_redirects=False)
    assert answer.status_code == 303
    again = client.get(answer.headers["location"])
    assert "Saved: its papers" in again.text and f'<a href="{MINUTES}">{MINUTES}</a>' in again.text
    bad = client.post("/admin/papers", data={**form, "url": "minutes.pdf"})
    assert bad.status_code == 400 and "minutes: 'minutes.pdf' is not a web address" in text(bad.text)
    removed = client.post("/admin/papers", data={"meeting": JUNE, "remove": MINUTES, "csrf": form["csrf"]})
    assert removed.status_code == 200 and meeting_papers(ctx, JUNE).links == []


def test_the_panel_sends_a_meetings_notice_to_its_members_once(site):
    client, ctx = site
    for name, address in (("Cllr Ali", "ali@example.org"), ("Cllr Brown", "")):
        people.add_member(ctx, BOARD, name, "member", email=address, actor="t", now=TODAY)
    panel = client.get("/admin/meeting", params={"id": MARCH})
    sent = client.post("/admin/summons", data={"meeting": MARCH, "csrf": csrf(panel.text)})
    assert sent.status_code == 200 and "Saved: its notice" in sent.text
    assert "(sent to 0, 1 to go)" in sent.text  # Cllr Brown has no address; the dispatcher sends Ali's
    assert client.get("/admin/summons", params={"meeting": MARCH}).status_code == 405  # never on a GET


def test_the_public_planner_links_a_meetings_papers(site):
    client, ctx = site
    set_papers(ctx, MARCH, {"agenda": [AGENDA], "papers": [PAPERS]}, actor="clerk", now=TODAY)
    page = client.get("/planner", params={"start": "2027-01"})
    assert page.status_code == 200
    assert f'<a href="{AGENDA}">Agenda<span class=visually-hidden> of the meeting Thu 4 10:00</span></a>' in page.text
    assert f'<a href="{PAPERS}">Papers' in page.text


def test_the_cli_and_the_api_send_a_meetings_notice_to_the_members_not_yet_sent_it(kept, database, capsys):
    ctx = kept
    people.add_member(ctx, BOARD, "Cllr Ali", "member", email="ali@example.org", actor="t", now=TODAY)
    assert main(["meeting", "summons", MARCH, "--database", database]) == 0
    assert capsys.readouterr().out.strip() == f"the notice of {MARCH} goes to 1 member"
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="t", now=utc_now())
    client = TestClient(create_app(ctx), headers={"Authorization": f"Bearer {token}"})
    again = client.post("/api/meeting-summons", json={"id": MARCH})
    assert again.status_code == 200 and again.json() == {"id": MARCH, "queued": 0}
    held = client.post("/api/meeting-summons", json={"id": JUNE})  # Thu 4 Jun 2026 has been held
    assert held.status_code == 409 and "too late to summon anyone" in held.json()["detail"]
    with ctx.store.session() as session:
        (entry,) = session.query(AuditRow).filter(AuditRow.action == "meeting:summons").all()
    assert (entry.target, entry.detail) == (MARCH, {"members": 1})
