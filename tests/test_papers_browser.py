"""A meeting's papers in real headless Chromium: the panel's form used with the keyboard, its
pages checked by axe-core, and a member's notice of the meeting rendered as a mail client
shows its HTML part (GOVCAL_SCREENSHOTS=folder keeps the screenshots)."""

from __future__ import annotations

import datetime as dt

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from browser_driver import browser, needs_axe, needs_browser, screenshot
from conftest import context, keep, served
from govcal.clock import utc_now
from govcal.operations import access, people
from govcal.operations.papers import meeting_papers, set_papers
from govcal.operations.reminders import mark_done, send_due
from rules.loader import load_rules
from scheduler.store.tables import TokenKind
from test_admin_browser import accessible, click, heading, press, words

__all__ = ["browser"]  # the fixture, asked for by name

TODAY = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)  # Wed 2 Dec 2026
BOARD = "worcestershire-programme-board"
JUNE, MARCH = f"{BOARD}/2026-27/meeting-01", f"{BOARD}/2026-27/meeting-04"  # Thu 4 Jun 2026 (held), Thu 4 Mar 2027
MINUTES = "https://worcestershire.example/wpb/2026-06-04/minutes.pdf"


@needs_browser
@needs_axe
def test_the_clerk_links_a_held_meetings_minutes_from_its_panel(browser, tmp_path):
    ctx = context(load_rules(), f"sqlite:///{tmp_path / 'govcal.db'}")
    keep(ctx, years=[2026], bodies=[BOARD])
    people.add_member(ctx, BOARD, "Cllr Ali", "member", email="ali@example.org", actor="t", now=TODAY)
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="setup", now=TODAY)
    with served(ctx, TODAY) as url:
        browser.get(f"{url}/admin/login")
        press(browser, browser.find_element(By.ID, "token"), token, Keys.ENTER)
        browser.get(f"{url}/admin/meeting?id={JUNE}")
        assert heading(browser) == "Worcestershire Programme Board, Thu 04 Jun 2026"
        assert "No agenda, papers, minutes or video linked yet." in words(browser)
        accessible(browser)
        Select(browser.find_element(By.ID, "link-kind")).select_by_value("minutes")
        press(browser, browser.find_element(By.ID, "link-url"), MINUTES, Keys.ENTER)
        assert "Saved: its papers" in words(browser) and f"Minutes: {MINUTES}" in words(browser)
        assert meeting_papers(ctx, JUNE).links[0].url == MINUTES
        accessible(browser)
        screenshot(browser, "papers-panel-held", tmp_path)
        click(browser, f"Remove the minutes link {MINUTES}")
        assert meeting_papers(ctx, JUNE).links == []
        browser.get(f"{url}/admin/meeting?id={MARCH}")  # to come: the notice can be sent from here
        browser.find_element(By.XPATH, "//button[normalize-space()='Send the notice to members now']")
        accessible(browser)


@needs_browser
def test_a_members_notice_reads_as_a_mail_client_shows_it(browser, tmp_path, inbox):
    ctx = context(load_rules(), f"sqlite:///{tmp_path / 'govcal.db'}")
    added = {"actor": "t", "now": utc_now()}
    people.add_member(ctx, "worcestershire-jcb", "Cllr Ali", "member", email="ali@example.org", **added)
    keep(ctx, bodies=["worcestershire-jcb"])
    april = "worcestershire-jcb/2026-27/meeting-01"  # Tue 21 Apr 2026, 14:00 at County Hall, Worcester
    links = {"agenda": ["https://worcestershire.example/jcb/2026-04-21/agenda.pdf"]}
    links["papers"] = ["https://worcestershire.example/jcb/2026-04-21/papers.pdf"]
    set_papers(ctx, april, links, actor="clerk", now=utc_now())
    done_at = dt.datetime(2026, 4, 13, 16, 0, tzinfo=dt.UTC)
    mark_done(ctx, f"{april}/papers", actor="clerk", now=done_at)
    send_due(ctx, done_at, inbox.smtp, "worker", wall=utc_now)
    (notice,) = [m for m in inbox.messages if "#summons-" in m["Message-ID"]]
    page = tmp_path / "notice.html"
    head = "".join(f"<p><b>{name}:</b> {notice[name]}</p>" for name in ("From", "To", "Subject", "Date"))
    page.write_text(head + "<hr>" + notice.get_body(("html",)).get_content())
    browser.get(page.as_uri())
    shown = words(browser)
    assert "Dear Cllr Ali, You are summoned to the meeting of the Worcestershire Joint Commissioning Board" in shown
    assert "Papers: https://worcestershire.example/jcb/2026-04-21/papers.pdf" in shown
    assert browser.find_element(By.LINK_TEXT, links["agenda"][0]).get_attribute("href") == links["agenda"][0]
    screenshot(browser, "notice-email", tmp_path)
