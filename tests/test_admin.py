"""The admin's planner over HTTP: sessions, CSRF, and every action through the operations layer.

The browser-driven walk through the same pages is tests/test_admin_browser.py; here each
page and form is asked for directly, and the database is read afterwards.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from conftest import keep
from conftest import context as make_context
from govcal.cli.server import application
from govcal.operations import access, people
from govcal.operations.access import SESSION_LENGTH
from rules.loader import load_rules
from scheduler.store.tables import TokenKind

# The clock the admin pages are served with: Wed 2 Dec 2026, 10:00 GMT, in the 2026-27 cycles.
TODAY = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)
BOARD = "worcestershire-programme-board"
MARCH = f"{BOARD}/2026-27/meeting-04"  # the first Thursday of March 2027: Thu 4 Mar


class Clock:
    """A clock the test moves on."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def site(database):
    ctx = make_context(load_rules(), database)
    keep(ctx, years=[2026])
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="setup", now=TODAY)
    clock = Clock(TODAY)
    client = TestClient(application(ctx, ["testserver"], clock), base_url="http://testserver")
    return client, ctx, token, clock


def signed_in(client: TestClient, token: str) -> TestClient:
    page = client.get("/admin/login")
    nonce = csrf(page.text)
    answer = client.post("/admin/login", data={"token": token, "csrf": nonce, "next": "/admin/"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/admin/"
    return client


def csrf(html: str) -> str:
    found = re.search(r'name=csrf value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def text(html: str) -> str:
    """A page's words, tags stripped, entities unescaped, spaces squeezed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_every_admin_url_needs_a_session(site):
    client, _, _, _ = site
    for path in ("/admin/", "/admin/meeting?id=x", "/admin/replan", "/admin/reminders", "/admin/feed-links"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/admin/login?next=")
    for path in ("/admin/edit", "/admin/replan", "/admin/feed-links", "/admin/members", "/admin/logout"):
        assert client.post(path, data={"csrf": "x"}).status_code == 401


def test_signing_in_sets_a_strict_http_only_cookie_and_a_wrong_token_is_refused(site):
    client, ctx, token, clock = site
    page = client.get("/admin/login")
    wrong = client.post("/admin/login", data={"token": "nope", "csrf": csrf(page.text)})
    assert wrong.status_code == 401 and "That is not a live admin token." in wrong.text
    page = client.get("/admin/login")
    answer = client.post("/admin/login", data={"token": token, "csrf": csrf(page.text)}, follow_redirects=False)
    cookie = next(v for k, v in answer.headers.multi_items() if k == "set-cookie" and v.startswith("govcal_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/admin" in cookie
    assert "Secure" not in cookie  # plain http here; over https it is Secure (below)
    assert client.get("/admin/").status_code == 200
    # a working day later the session has ended
    clock.now = TODAY + SESSION_LENGTH + dt.timedelta(minutes=1)
    assert client.get("/admin/", follow_redirects=False).status_code == 303


def test_over_https_the_cookie_is_secure(database):
    ctx = make_context(load_rules(), database)
    keep(ctx, years=[2026])
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="setup", now=TODAY)
    client = TestClient(application(ctx, ["testserver"], Clock(TODAY)), base_url="https://testserver")
    page = client.get("/admin/login")
    answer = client.post("/admin/login", data={"token": token, "csrf": csrf(page.text)}, follow_redirects=False)
    cookie = next(v for k, v in answer.headers.multi_items() if k == "set-cookie" and v.startswith("govcal_session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_a_forged_form_is_refused_and_changes_nothing(site):
    client, ctx, token, _ = site
    signed_in(client, token)
    before = ctx.store.meeting(MARCH)
    fields = {"action": "move", "id": MARCH, "body": "", "date": "2027-03-11", "time": ""}
    assert client.post("/admin/edit", data=fields).status_code == 403  # no token
    assert client.post("/admin/edit", data=fields | {"csrf": "0" * 64}).status_code == 403  # a wrong one
    good = csrf(client.get("/admin/").text)
    other_site = {"Origin": "https://evil.example"}
    assert client.post("/admin/edit", data=fields | {"csrf": good}, headers=other_site).status_code == 403
    assert ctx.store.meeting(MARCH).date == before.date == dt.date(2027, 3, 4)


def test_the_grid_links_each_meeting_to_its_panel(site):
    client, _, token, _ = site
    signed_in(client, token)
    grid = client.get("/admin/?start=2026-04")
    assert grid.status_code == 200 and "Content-Security-Policy" in grid.headers
    assert f'href="/admin/meeting?id={MARCH.replace("/", "%2F")}"' in grid.text
    # private bodies too, with a link to each body's page
    assert "Cambridgeshire Children" in unescape(grid.text) and "/admin/body?id=worcestershire-jcb" in grid.text


def test_a_meeting_panel_explains_it_and_offers_the_days_it_can_move_to(site):
    client, _, token, _ = site
    signed_in(client, token)
    panel = client.get("/admin/meeting", params={"id": MARCH})
    words = text(panel.text)
    assert panel.status_code == 200
    assert "Thu 04 Mar 2027 10:00" in words and "Why this date" in words
    # its reports: the quarterly report to the PAB, due 8 working days before the PAB's meeting
    assert "Deadlines and reports" in words
    # the picker: Good Friday and Easter Monday 2027 (26 and 29 March) are not offered, and say why
    assert "26 Good Friday" in words and "29 Easter Monday" in words
    assert "date=2027-03-26" not in panel.text and "date=2027-03-11" in panel.text


def test_moving_to_a_bank_holiday_is_refused_with_its_name(site):
    client, ctx, token, _ = site
    signed_in(client, token)
    preview = client.get("/admin/preview", params={"action": "move", "id": MARCH, "date": "2027-03-29"})
    words = text(preview.text)
    assert "It would break these rules" in words and "Easter Monday" in words
    fields = {"action": "move", "id": MARCH, "body": "", "date": "2027-03-29", "time": "", "csrf": csrf(preview.text)}
    refused = client.post("/admin/edit", data=fields)
    assert refused.status_code == 400 and "give a reason" in refused.text and "Easter Monday" in unescape(refused.text)
    assert ctx.store.meeting(MARCH).date == dt.date(2027, 3, 4)


def test_a_move_is_previewed_then_committed_and_audited(site):
    client, ctx, token, _ = site
    signed_in(client, token)
    preview = client.get("/admin/preview", params={"action": "move", "id": MARCH, "date": "2027-03-11"})
    assert ctx.store.meeting(MARCH).date == dt.date(2027, 3, 4)  # a preview keeps nothing
    words = text(preview.text)
    assert "What changes with it" in words
    fields = {"action": "move", "id": MARCH, "body": "", "date": "2027-03-11", "time": "", "csrf": csrf(preview.text)}
    done = client.post("/admin/edit", data=fields, follow_redirects=False)
    assert done.status_code == 303
    assert ctx.store.meeting(MARCH).date == dt.date(2027, 3, 11)
    panel = client.get(done.headers["location"])
    assert "Saved: moved" in panel.text
    history = ctx.store.kept(MARCH).history
    assert any("alice" in line and "meeting:move" in line for line in history), history


def test_replan_shows_the_diff_first(site):
    client, ctx, token, _ = site
    signed_in(client, token)
    diff = client.get("/admin/replan", params={"year": 2026})
    assert diff.status_code == 200 and "What re-planning 2026 would change" in diff.text
    done = client.post("/admin/replan", data={"year": "2026", "csrf": csrf(diff.text)})
    assert done.status_code == 200 and "Re-planned 2026" in done.text


def test_feed_links_are_made_shown_once_and_revoked(site):
    client, ctx, token, _ = site
    signed_in(client, token)
    people.add_member(ctx, BOARD, "Cllr Ali", "member", actor="t", now=TODAY)
    page = client.get("/admin/feed-links")
    made = client.post("/admin/feed-links", data={"name": "Cllr Ali", "action": "create", "csrf": csrf(page.text)})
    address = re.search(r'value="(http://testserver/feeds/private/[^"]+\.ics)"', made.text).group(1)
    assert client.get(address.removeprefix("http://testserver")).status_code == 200
    revoked = client.post("/admin/feed-links", data={"name": "Cllr Ali", "action": "revoke", "csrf": csrf(page.text)})
    assert revoked.status_code == 200
    assert client.get(address.removeprefix("http://testserver")).status_code == 404


def test_reminders_page_lists_the_outbox_and_marks_a_deadline_done(site):
    client, ctx, token, _ = site
    signed_in(client, token)
    page = client.get("/admin/reminders")
    assert page.status_code == 200


def test_bad_input_is_a_page_with_a_reason_not_a_traceback(site):
    client, _, token, _ = site
    signed_in(client, token)
    answer = client.get("/admin/preview", params={"action": "move", "id": MARCH, "date": "31/02/2027"})
    assert answer.status_code == 400 and "Not done" in answer.text
    assert client.get("/admin/meeting", params={"id": "nope/2026-27/meeting-01"}).status_code == 404
    assert client.get("/admin/reminders", params={"state": "odd"}).status_code == 400
