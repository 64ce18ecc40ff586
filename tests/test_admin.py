"""The admin's planner over HTTP: sessions, CSRF, and every action through the operations layer.

The browser-driven walk through the same pages is tests/test_admin_browser.py; here each
page and form is asked for directly, and the database is read afterwards.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from conftest import NOW, keep
from conftest import context as make_context
from govcal.admin import admin_pages
from govcal.cli.server import application
from govcal.operations import access, people
from govcal.operations.access import SESSION_LENGTH
from rules.loader import load_rules
from scheduler.placement import month_grid, picker_months
from scheduler.preferences import avoided
from scheduler.store.tables import TokenKind
from scheduler.workdays import body_calendar

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
    answer = client.post(
        "/admin/login", data={"token": token, "csrf": nonce, "next": "/admin/"}, follow_redirects=False
    )
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
    client, ctx, _, _ = site
    # /act and /apologies are e-mail's and feed's links: a signature stands in for a session
    # (tests/test_action_links.py, tests/test_apologies.py)
    routes = [
        r for r in admin_pages(ctx).routes if isinstance(r, APIRoute) and r.path not in ("/login", "/act", "/apologies")
    ]
    asked = {"id": MARCH, "body": BOARD, "action": "move", "date": "2027-03-11", "received": "2027-03-01T10:00"}
    for route in routes:  # every page and form the admin app has, found from the app itself
        path = f"/admin{route.path or '/'}"  # the mount answers /admin itself with a redirect to /admin/
        if "GET" in route.methods:
            answer = client.get(path, params=asked, follow_redirects=False)
            assert answer.status_code == 303 and answer.headers["location"].startswith("/admin/login?next="), path
        else:
            assert client.post(path, data={"csrf": "x", **asked}).status_code == 401, path
    assert len(routes) >= 14
    unsigned = {"d": f"{BOARD}/2026-27/meeting-01/papers", "a": "done", "p": "x@example.org", "e": "4102444800"}
    for method in (client.get, client.post):  # without its signature, an action link opens nothing
        assert method("/admin/act", params=unsigned | {"s": "0" * 32}).status_code == 403


def test_signing_in_sets_a_strict_http_only_cookie_and_a_wrong_token_is_refused(site):
    client, ctx, token, clock = site
    page = client.get("/admin/login")
    wrong = client.post("/admin/login", data={"token": "nope", "csrf": csrf(page.text)})
    assert wrong.status_code == 401 and "That is not a live admin token." in wrong.text
    # said in the error summary, linked to the field, and beside the field, which points to it
    assert '<a href="#token">That is not a live admin token.</a>' in wrong.text
    assert "id=token-error" in wrong.text and "aria-describedby=token-error" in wrong.text
    page = client.get("/admin/login")
    answer = client.post("/admin/login", data={"token": token, "csrf": csrf(page.text)}, follow_redirects=False)
    cookie = next(v for k, v in answer.headers.multi_items() if k == "set-cookie" and v.startswith("govcal_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/admin" in cookie
    assert "Secure" not in cookie  # plain http here; over https it is Secure (below)
    assert client.get("/admin/").status_code == 200
    # a working day later the session has ended
    clock.now = TODAY + SESSION_LENGTH + dt.timedelta(minutes=1)
    assert client.get("/admin/", follow_redirects=False).status_code == 303


def test_revoking_an_admins_token_ends_their_sessions(site):
    client, ctx, token, _ = site
    signed_in(client, token)
    assert client.get("/admin/", follow_redirects=False).status_code == 200
    access.revoke_tokens(ctx, TokenKind.ADMIN, "alice", actor="bob", now=TODAY)
    assert client.get("/admin/", follow_redirects=False).status_code == 303
    assert client.post("/admin/replan", data={"year": "2026", "csrf": "x"}).status_code == 401


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
    assert "Deadlines and reports" in words
    # the picker: Good Friday and Easter Monday 2027 (26 and 29 March) are not offered, and say why
    assert "26 Good Friday" in words and "29 Easter Monday" in words
    assert "date=2027-03-26" not in panel.text and "date=2027-03-11" in panel.text


def test_a_panel_lists_the_reports_a_meeting_answers_for_and_those_made_to_it(site):
    client, ctx, token, _ = site
    signed_in(client, token)
    # the Board's Thu 4 Jun 2026 meeting comes before its quarterly reports to the PAB (Fri 26 Jun) and the JCB
    # (Thu 9 Jul), each due within six weeks after it
    june = text(client.get("/admin/meeting", params={"id": f"{BOARD}/2026-27/meeting-01"}).text)
    # each row says which meeting the report is for and whose it is, by name, never by id
    assert "Reports this meeting answers for" in june
    pab_meeting = "Worcestershire Partnership Advisory Body, Wed 08 Jul 2026"
    jcb_meeting = "Worcestershire Joint Commissioning Board, Tue 21 Jul 2026"
    no_clerk = "the clerk or Head of Commissioning and Quality (no one recorded)"
    assert (
        f"Quarterly report to Worcestershire Partnership Advisory Body {pab_meeting} {no_clerk} Fri 26 Jun 2026" in june
    )
    assert (
        f"Quarterly report to Worcestershire Joint Commissioning Board {jcb_meeting} {no_clerk} Thu 09 Jul 2026" in june
    )
    # and the PAB's meeting it goes to lists it among the reports made to it, whose by the Board's clerk's name
    people.add_member(ctx, BOARD, "Ann Clerk", "clerk", email="ann@example.org", actor="t", now=NOW)
    pab = text(client.get("/admin/meeting", params={"id": "worcestershire-pab/2026-27/meeting-04"}).text)
    assert "Quarterly report to Worcestershire Partnership Advisory Body this meeting Ann Clerk Fri 26 Jun 2026" in pab


def test_a_deadline_for_the_members_names_the_bodys_voting_members(site):
    """Cambridgeshire's "Named substitute notified to the Clerk" is for its members (who:
    [members]): the panel names them, as its reminders go to them, not "the members (no one
    recorded)" once members are recorded."""
    client, ctx, token, _ = site
    signed_in(client, token)
    body = "cambridgeshire-executive-partnership"
    people.add_member(ctx, body, "Cllr Ali", "member", email="ali@example.org", actor="t", now=NOW)
    panel = text(client.get("/admin/meeting", params={"id": f"{body}/2026-27/meeting-01"}).text)
    assert "Named substitute notified to the Clerk this meeting Cllr Ali" in panel
    assert "the members (no one recorded)" not in panel


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


def test_reminders_page_lists_the_outbox_and_marks_a_deadline_done_and_undoes_it(site):
    client, ctx, token, _ = site
    signed_in(client, token)
    page = client.get("/admin/reminders")
    assert page.status_code == 200
    pending = [r for r, _ in ctx.store.outbox_rows() if r.status == "pending"]
    first = min(pending, key=lambda r: (r.due_at, r.id))
    assert f"pending ({len(pending)})" in text(page.text) and first.deadline_id in page.text
    fields = {"id": first.deadline_id, "done": "1", "csrf": csrf(page.text)}
    done = client.post("/admin/deadlines", data=fields)
    assert done.status_code == 200 and f"{first.deadline_id}: done" in done.text
    assert ctx.store.deadline(first.deadline_id).done_at is not None
    assert first.deadline_id not in client.get("/admin/reminders").text  # its reminders stop
    assert "Undo: reopen it" in done.text
    assert client.post("/admin/deadlines", data=fields | {"done": "0"}).status_code == 200
    assert ctx.store.deadline(first.deadline_id).done_at is None
    assert [line for line in ctx.store.kept(first.deadline_id).history if "alice" in line]


def test_members_are_added_and_removed_from_a_body_page(site):
    client, ctx, token, _ = site
    signed_in(client, token)
    page = client.get("/admin/body", params={"id": BOARD})
    assert "No members recorded yet." in page.text
    added = client.post(
        "/admin/members",
        data={"body": BOARD, "name": "Ann Clerk", "role": "clerk", "email": "ann@example.org", "csrf": csrf(page.text)},
    )
    assert added.status_code == 200 and "Ann Clerk: clerk of worcestershire-programme-board" in text(added.text)
    assert [m.name for m in people.members(ctx, BOARD)] == ["Ann Clerk"]
    bad = client.post("/admin/members", data={"body": BOARD, "name": "Bob", "role": "emperor", "csrf": csrf(page.text)})
    assert bad.status_code == 400 and "'emperor' is not a role on worcestershire-programme-board" in unescape(bad.text)
    gone = client.post(
        "/admin/members", data={"body": BOARD, "name": "Ann Clerk", "remove": "1", "csrf": csrf(page.text)}
    )
    assert gone.status_code == 200 and people.members(ctx, BOARD) == []


def test_a_body_gets_a_teams_webhook_from_its_page_and_the_url_is_never_shown(site):
    client, ctx, token, _ = site
    signed_in(client, token)
    page = client.get("/admin/body", params={"id": BOARD})
    assert "Reminders go by e-mail only." in page.text
    url = "https://prod-12.uksouth.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=secret"
    given = client.post("/admin/webhooks", data={"body": BOARD, "url": url, "format": "", "csrf": csrf(page.text)})
    assert given.status_code == 200 and f"{BOARD}: reminders go to its teams webhook too" in text(given.text)
    page = client.get("/admin/body", params={"id": BOARD})
    assert "The body's own channel teams" in text(page.text) and "secret" not in page.text
    bad = client.post("/admin/webhooks", data={"body": BOARD, "url": "http://x.org/a", "csrf": csrf(page.text)})
    assert bad.status_code == 400 and "is not a webhook URL" in unescape(bad.text)
    gone = client.post("/admin/webhooks", data={"body": BOARD, "remove": "1", "csrf": csrf(page.text)})
    assert gone.status_code == 200 and "Reminders go by e-mail only." in client.get(f"/admin/body?id={BOARD}").text


def test_a_meeting_is_added_and_another_cancelled_each_previewed_first(site):
    client, ctx, token, _ = site
    signed_in(client, token)
    added = client.get("/admin/preview", params={"action": "add", "body": BOARD, "date": "2027-02-04", "time": "14:00"})
    assert "Add a meeting of Worcestershire Programme Board on Thu 04 Feb 2027 at 14:00" in text(added.text)
    assert [m for m in ctx.store.meetings([BOARD]) if m.status == "added"] == []  # previewed only
    fields = {"action": "add", "id": "", "body": BOARD, "date": "2027-02-04", "time": "14:00", "csrf": csrf(added.text)}
    assert client.post("/admin/edit", data=fields, follow_redirects=False).status_code == 303
    new = [m for m in ctx.store.meetings([BOARD]) if m.status == "added"]
    assert [m.date for m in new] == [dt.date(2027, 2, 4)]
    cancel = client.get("/admin/preview", params={"action": "cancel", "id": MARCH})
    assert "Cancel Worcestershire Programme Board, Thu 04 Mar 2027" in text(cancel.text)
    fields = {"action": "cancel", "id": MARCH, "body": "", "date": "", "time": "", "csrf": csrf(cancel.text)}
    answer = client.post("/admin/edit", data=fields, follow_redirects=False)
    if answer.status_code == 400:  # cancelling breaks a rule here: forced, with the reason kept
        answer = client.post("/admin/edit", data=fields | {"reason": "no business"}, follow_redirects=False)
    assert answer.status_code == 303 and ctx.store.meeting(MARCH).status == "cancelled"


def test_attendance_is_recorded_from_a_held_meetings_panel(site):
    client, ctx, token, _ = site
    signed_in(client, token)
    june = f"{BOARD}/2026-27/meeting-01"  # Thu 4 Jun 2026: held, by the clock of Wed 2 Dec 2026
    for name in ("Ann Clerk", "Cllr Ali", "Cllr Brown"):
        people.add_member(ctx, BOARD, name, "member", actor="t", now=TODAY)
    panel = client.get("/admin/meeting", params={"id": june})
    assert "Who attended" in panel.text
    fields = {"meeting": june, "present": ["Cllr Ali", "Cllr Brown"], "csrf": csrf(panel.text)}
    answer = client.post("/admin/attendance", data=fields, follow_redirects=False)
    assert answer.status_code == 303
    assert sorted(p.name for p in ctx.store.attendance(june)) == ["Cllr Ali", "Cllr Brown"]
    again = client.get(answer.headers["location"])
    assert "Saved: attendance recorded" in again.text and 'value="Cllr Ali" checked' in again.text
    # a meeting still to come has no attendance form
    assert "Who attended" not in client.get("/admin/meeting", params={"id": MARCH}).text


def test_a_held_meeting_is_read_only_but_for_attendance_and_a_post_that_tries_is_refused(site):
    client, ctx, token, _ = site
    signed_in(client, token)
    june = f"{BOARD}/2026-27/meeting-01"  # Thu 4 Jun 2026: held, by the clock of Wed 2 Dec 2026
    people.add_member(ctx, BOARD, "Cllr Ali", "member", actor="t", now=TODAY)
    panel = client.get("/admin/meeting", params={"id": june})
    said = text(panel.text)
    assert "Held on Thu 04 Jun 2026" in said and "Who attended" in said
    assert "Preview the move" not in said and "Preview cancelling" not in said and "/admin/preview" not in panel.text
    nonce = csrf(panel.text)
    for fields in ({"action": "move", "date": "2026-06-11"}, {"action": "cancel", "reason": "never met"}):
        posted = {"id": june, "body": "", "date": "", "time": "", "csrf": nonce} | fields | {"reason": "by hand"}
        refused = client.post("/admin/edit", data=posted, follow_redirects=False)
        assert refused.status_code == 409 and "was held on Thu 04 Jun 2026" in text(refused.text)
        assert "read-only here" in text(refused.text)
    asked = client.get("/admin/preview", params={"action": "move", "id": june, "date": "2026-06-11"})
    assert asked.status_code == 409
    assert ctx.store.meeting(june).date == dt.date(2026, 6, 4) and ctx.store.meeting(june).status != "cancelled"
    # a meeting still to come (Thu 3 Dec 2026) is offered no day already past: Tue 1 Dec is not a link
    december = client.get("/admin/meeting", params={"id": f"{BOARD}/2026-27/meeting-03"})
    assert "Preview the move" in december.text
    assert "date=2026-12-01" not in december.text and "date=2026-12-08" in december.text


def test_bad_input_is_a_page_with_a_reason_not_a_traceback(site):
    client, _, token, _ = site
    signed_in(client, token)
    answer = client.get("/admin/preview", params={"action": "move", "id": MARCH, "date": "31/02/2027"})
    assert answer.status_code == 400 and "Not done" in answer.text
    assert client.get("/admin/meeting", params={"id": "nope/2026-27/meeting-01"}).status_code == 404
    assert client.get("/admin/reminders", params={"state": "odd"}).status_code == 400
    malformed = client.get("/admin/", params={"page": "two"})
    assert malformed.status_code == 400 and "page: " in malformed.text and "<!doctype html>" in malformed.text


def test_the_date_picker_offers_the_months_around_a_meeting_inside_its_cycle_year():
    rules = load_rules()
    board = rules["worcestershire-programme-board"]  # cycle years from April
    # a meeting in the cycle's first month: the March before belongs to the year before
    assert picker_months(dt.date(2026, 4, 2), board) == [dt.date(2026, 4, 1), dt.date(2026, 5, 1)]
    assert picker_months(dt.date(2026, 12, 3), board) == [
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 1),
        dt.date(2027, 1, 1),
    ]
    assert picker_months(dt.date(2027, 3, 4), board) == [dt.date(2027, 2, 1), dt.date(2027, 3, 1)]


def test_the_date_picker_says_why_each_christmas_day_is_not_a_working_day_or_is_avoided():
    rules = load_rules()
    jcb = rules["worcestershire-jcb"]  # avoids the County Council's Christmas closure, 24 Dec to 1 Jan
    weeks = month_grid(dt.date(2026, 12, 1), body_calendar(jcb), avoided(jcb, None))
    days = {day.date: day for week in weeks for day in week if day is not None}
    assert len(days) == 31 and weeks[0][0] is None  # December 2026 starts on a Tuesday
    assert (days[dt.date(2026, 12, 23)].closed, days[dt.date(2026, 12, 23)].avoided) == ("", "")
    assert days[dt.date(2026, 12, 24)].closed == "" and "Christmas closure" in days[dt.date(2026, 12, 24)].avoided
    assert days[dt.date(2026, 12, 25)].closed == "Christmas Day"
    assert days[dt.date(2026, 12, 26)].closed == "Saturday" and days[dt.date(2026, 12, 27)].closed == "Sunday"
    assert days[dt.date(2026, 12, 28)].closed.startswith("Boxing Day")  # the substitute day: 26 Dec is a Saturday
    assert days[dt.date(2026, 12, 29)].closed == "" and days[dt.date(2026, 12, 29)].avoided


def test_signing_in_never_sends_the_admin_to_another_site(site):
    client, _, token, _ = site
    for elsewhere in ("https://evil.example/admin/", "//evil.example/admin/", "/planner", "/admin\\@evil.example"):
        page = client.get("/admin/login", params={"next": elsewhere})
        fields = {"token": token, "csrf": csrf(page.text), "next": elsewhere}
        answer = client.post("/admin/login", data=fields, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/admin/", elsewhere


def test_an_extraordinary_request_is_read_as_the_cli_reads_it(site):
    """The admin form takes the request's time as people write it, as `govcal extraordinary
    --received` does (it took ISO only): Fri 18 Dec 2026 10:00, GMT, gives the same window
    written either way; a time it cannot read is a 400 naming the field."""
    client, _, token, _ = site
    signed_in(client, token)
    asked = "/admin/extraordinary?body=worcestershire-jcb&chair=1&received="
    iso, words = client.get(asked + "2026-12-18T10:00"), client.get(asked + "18 Dec 2026 10:00")
    assert iso.status_code == words.status_code == 200 and text(iso.text) == text(words.text)
    assert "18 Dec 2026" in text(words.text)
    wrong = client.get(asked + "next Tuesday")
    assert wrong.status_code == 400 and "received: 'next Tuesday' is not a date and time" in text(wrong.text)


def test_the_grid_counts_each_months_deadlines_marks_today_and_flags_a_body_without_a_clerk(site):
    client, ctx, token, _ = site
    signed_in(client, token)
    people.add_member(ctx, BOARD, "Ann Clerk", "clerk", email="ann@example.org", actor="t", now=NOW)
    grid = client.get("/admin/", params={"start": "2026-04"})
    words = text(grid.text)
    # Wed 2 Dec 2026: its month's heading says so, and the Board's Thu 3 Dec meeting is below today's line
    assert "Dec 2026 Today: Wed 2" in words
    assert "Today, Wed 2 Thu 3 10:00" in words
    # a month's deadlines are counted, their names kept for the panel (and the count's tooltip)
    board = words[words.index("Worcestershire Programme Board") :]
    assert "deadline" in board and "Quarterly report to" not in board
    assert re.search(r'<span class="deadlines" title="[^"]*Quarterly report to Worcestershire', grid.text)
    # the JCB has no clerk: flagged on the grid and on its page; the Board, with Ann Clerk, is not
    assert "Worcestershire Joint Commissioning Board no clerk" in words
    assert "Worcestershire Programme Board no clerk" not in words
    assert "No clerk recorded" in text(client.get("/admin/body", params={"id": "worcestershire-jcb"}).text)
    assert "No clerk recorded" not in text(client.get("/admin/body", params={"id": BOARD}).text)


def test_a_date_is_typed_as_day_month_and_year_and_a_wrong_one_is_said_beside_its_fields(site):
    client, ctx, token, _ = site
    signed_in(client, token)
    moved = client.get(
        "/admin/preview",
        params={"action": "move", "id": MARCH, "date-day": "11", "date-month": "3", "date-year": "2027"},
    )
    assert moved.status_code == 200 and "The meeting: Thu 11 Mar 2027 10:00, moved." in text(moved.text)
    for day, month, year, said in (
        ("31", "2", "2027", "The date must be a real date: 31 2 2027 is not one"),
        ("", "3", "2027", "The date must include a day, in figures"),
        ("²", "3", "2027", "The date must include a day, in figures"),  # a digit to isdigit, not to int
        ("4", "3", "27", "The year must have 4 figures"),
    ):
        asked = {"date-day": day, "date-month": month, "date-year": year}
        refused = client.get("/admin/preview", params={"action": "move", "id": MARCH} | asked)
        assert refused.status_code == 400 and said in text(refused.text)
        assert '<a href="#date-day">' in refused.text and 'id="date-error"' in refused.text  # summary and field
        assert f'name="date-month" type=text inputmode=numeric required value="{month}"' in refused.text
    # a new meeting on the body's page: its day, month and year lead to the preview, or back with the reason
    added = client.get(
        "/admin/add-meeting",
        params={"body": BOARD, "date-day": "4", "date-month": "2", "date-year": "2027", "time": ""},
        follow_redirects=False,
    )
    assert added.status_code == 303 and "action=add" in added.headers["location"]
    assert "date=2027-02-04" in added.headers["location"]
    empty = client.get("/admin/add-meeting", params={"body": BOARD})
    assert empty.status_code == 400 and "Enter the date of the meeting" in text(empty.text)
    assert ctx.store.meeting(MARCH).date == dt.date(2027, 3, 4)  # nothing changed by any of it


def test_the_reminders_page_filters_by_body_and_pages_past_its_first_rows(site, monkeypatch):
    client, ctx, token, _ = site
    signed_in(client, token)
    monkeypatch.setattr("govcal.admin.reminders.REMINDERS_SHOWN", 5)
    pending = sorted((r for r, said in ctx.store.outbox_rows() if said == "pending"), key=lambda r: (r.due_at, r.id))
    of_board = [r for r in pending if r.body_id == BOARD]
    assert len(of_board) > 10 and len(pending) > len(of_board)
    second = client.get("/admin/reminders", params={"state": "pending", "body": BOARD, "page": "2"})
    words = text(second.text)
    assert second.status_code == 200 and f"6 to 10 of {len(of_board)}" in words
    listed = re.findall(r"<span class=id>([^<]+)</span>", second.text)
    assert listed == [r.deadline_id for r in of_board[5:10]]
    assert "rel=prev" in second.text and "rel=next" in second.text and "aria-current=page>2<" in second.text
    everyone = client.get("/admin/reminders", params={"state": "pending"})
    assert f"1 to 5 of {len(pending)}" in text(everyone.text) and f"pending ({len(pending)})" in text(everyone.text)
    assert client.get("/admin/reminders", params={"body": "no-such-body"}).status_code == 404


def test_a_members_morning_digest_is_shown_and_set_from_the_body_page(site):
    client, ctx, token, _ = site
    signed_in(client, token)
    people.add_member(ctx, BOARD, "Ann Clerk", "clerk", email="ann@example.org", actor="t", now=NOW)
    page = client.get("/admin/body", params={"id": BOARD})
    assert '<option value="" selected>none</option>' in page.text
    fields = {"body": BOARD, "name": "ann@example.org", "days": "3", "csrf": csrf(page.text)}
    assert client.post("/admin/digests", data=fields | {"csrf": "forged"}).status_code == 403
    done = client.post("/admin/digests", data=fields)
    assert done.status_code == 200 and "Ann Clerk gets a morning digest of 3 working days ahead." in text(done.text)
    assert people.digests(ctx, people.members(ctx, BOARD)) == {"ann@example.org": 3}
    assert '<option value="3" selected>' in client.get("/admin/body", params={"id": BOARD}).text
    assert client.post("/admin/digests", data=fields | {"days": "99"}).status_code == 400
    stopped = client.post("/admin/digests", data=fields | {"days": ""})
    assert "Ann Clerk gets no morning digest." in text(stopped.text)
    assert people.digests(ctx, people.members(ctx, BOARD)) == {}
