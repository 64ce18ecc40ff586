"""A new body from its terms of reference in the admin pages: the document uploaded, the draft
beside it with each clause it used marked and linked to the field it filled, what it could not
fill listed; a document it cannot read refused beside the upload, nothing kept. Then, in
headless Chromium, the whole walk: upload, review, edit a field, see the year, publish, and
the new body's feed follows; axe-core finds no serious or critical violation."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browser_driver import needs_axe, needs_browser
from govcal.cli.server import application
from govcal.operations import Context, access
from govcal.operations.planning import keep_year
from govcal.settings import Settings
from scheduler.store.tables import TokenKind
from test_admin import Clock, csrf, signed_in, text
from test_admin_browser import accessible, browser, click, fetch, heading, press, served, words
from test_admin_rules import posted

__all__ = ["browser"]  # the fixture, asked for by name

DECEMBER = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)  # Wed 2 Dec 2026
DOCUMENTS = Path(__file__).resolve().parent / "terms_of_reference" / "documents"
# A parish council's Planning Committee: "4.1 The Committee meets monthly except in August, on the
# first Wednesday of the month at 7.30pm in the Village Hall, Church Lane, Little Hinton."
HINTON = DOCUMENTS / "little-hinton-planning-committee.docx"
HINTON_ID = "little-hinton-parish-council-planning-committee"


@pytest.fixture
def site(database):
    ctx = Context(None, Settings(database_url=database, database_named=True), now=DECEMBER)
    keep_year(ctx, [2026], actor="setup", now=DECEMBER)
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="setup", now=DECEMBER)
    client = TestClient(application(ctx, ["testserver"], Clock(DECEMBER)), base_url="http://testserver")
    return signed_in(client, token), ctx


def test_the_draft_stands_beside_its_document_clause_by_clause(site):
    client, ctx = site
    page = client.get("/admin/draft")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    drafted = client.post(
        "/admin/draft",
        data={"csrf": csrf(page.text)},
        files={"document": (HINTON.name, HINTON.read_bytes(), "application/octet-stream")},
    )
    assert drafted.status_code == 200, text(drafted.text)
    shown = drafted.text
    assert "Draft: Little Hinton Parish Council Planning Committee" in text(shown)
    # clause 4.1 is marked, and links to the fields it filled: how often, the day, the time, the place
    clause = re.search(r'<p id="c-\d+" class=used><b>4\.1</b> <mark>The Committee meets monthly.*?</p>', shown, re.S)
    assert clause, shown
    for field in ("f-meetings-frequency", "f-meetings-pattern", "f-meetings-time", "f-meetings-location"):
        assert f'href="#{field}"' in clause.group(0), field
    # what the document does not say is listed, each linked to its field: the length of a meeting
    assert 'href="#f-meetings-duration">Duration</a>: 2 hours (not in the document: choose)' in shown
    # the form is filled from the draft, and goes on to the year's preview
    values = posted(shown)
    assert values["id"] == HINTON_ID and values["meetings.pattern"] == "first Wednesday"
    assert values["meetings.time"] == "19:30" and "Village Hall" in values["meetings.location"]
    assert HINTON_ID not in ctx.rules.bodies  # nothing is kept by drafting


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("notes.odt", b"PK\x03\x04", "choose a terms of reference to read"),
        ("terms.docx", b"not a word file", "terms.docx: is not a Word document"),
        ("scanned.pdf", (DOCUMENTS / "scanned.pdf").read_bytes(), "scanned.pdf: "),
        ("empty.txt", b"", "empty.txt: is empty"),
    ],
)
def test_a_document_it_cannot_read_is_refused_beside_the_upload(site, name, content, said):
    client, _ = site
    page = client.get("/admin/draft")
    refused = client.post(
        "/admin/draft", data={"csrf": csrf(page.text)}, files={"document": (name, content, "application/octet-stream")}
    )
    assert refused.status_code == 400 and said in text(refused.text)
    assert "/tmp/" not in refused.text and "aria-invalid=true" in refused.text  # the user's name for it, not ours


def test_the_upload_needs_the_admin_and_the_pages_csrf(site):
    client, _ = site
    forged = client.post(
        "/admin/draft", data={"csrf": "forged"}, files={"document": (HINTON.name, HINTON.read_bytes(), "x")}
    )
    assert forged.status_code == 403


@needs_browser
@needs_axe
def test_a_new_body_from_its_terms_of_reference_in_the_browser(browser, tmp_path):
    ctx = Context(None, Settings(database_url=f"sqlite:///{tmp_path / 'govcal.db'}", database_named=True))
    keep_year(ctx, [2026], actor="setup", now=DECEMBER)
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="setup", now=DECEMBER)
    with served(ctx, DECEMBER) as url:
        feed_url = f"{url}/feeds/bodies/{HINTON_ID}.ics"
        assert fetch(feed_url)[0] == 404  # no such body yet
        browser.get(f"{url}/admin/login")
        press(browser, browser.find_element(By.ID, "token"), token, Keys.ENTER)
        press(browser, browser.find_element(By.LINK_TEXT, "New body from its terms of reference"))
        assert heading(browser) == "A new body from its terms of reference"
        accessible(browser)

        browser.find_element(By.ID, "document").send_keys(str(HINTON))
        click(browser, "Read it and draft the rules")
        assert heading(browser) == "Draft: Little Hinton Parish Council Planning Committee"
        accessible(browser)
        # 4.1 marked in the document; its link goes to the field it filled
        used = browser.find_element(By.XPATH, "//p[@class='used'][b='4.1']")
        assert "first Wednesday of the month at 7.30pm" in used.find_element(By.TAG_NAME, "mark").text
        used.find_element(By.LINK_TEXT, "Meeting day").click()  # within the page: nothing is loaded
        pattern = browser.find_element(By.ID, "f-meetings-pattern")
        assert browser.current_url.endswith("#f-meetings-pattern")
        assert pattern.get_attribute("value") == "first Wednesday"

        # the clerk's choice: the second Wednesday, from Wed 2 Dec 2026
        pattern.clear()
        pattern.send_keys("second Wednesday")
        click(browser, "Show the year with these rules")
        assert heading(browser) == "The year with these rules", words(browser)
        shown = words(browser)
        # second Wednesdays at 19:30: Wed 9 Dec 2026 (Dec: Tue 1, Wed 2, 9), Wed 13 Jan 2027
        # (Fri 1 Jan: Wed 6, 13), Wed 10 Feb 2027 (Mon 1 Feb: Wed 3, 10)
        for day in ("Wed 09", "Wed 13", "Wed 10"):
            assert day in shown, day
        accessible(browser)

        click(browser, "Publish, applying from Wed 02 Dec 2026")
        assert heading(browser) == "Published"
        accessible(browser)
        deadline = time.monotonic() + 30
        while "DTSTART;TZID=Europe/London:20270113T193000" not in (feed := fetch(feed_url)[1]):
            assert time.monotonic() < deadline, feed
            time.sleep(0.5)
        assert "Little Hinton Parish Council Planning Committee" in feed
        assert "DTSTART;TZID=Europe/London:20270106T193000" not in feed  # not the first Wednesday
