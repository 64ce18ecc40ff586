"""The admin's planner as an admin uses it: real headless Chromium, driven through ChromeDriver,
against a real uvicorn serving govcal's app with a clock the test sets.

One walk through the year: sign in with the keyboard, refuse a bank holiday, force a move
that breaks a report rule (with a reason, in the audit trail), confirm an extraordinary
meeting, give a member a feed link and revoke it, re-plan after a rule change and read the
diff. After each step the database and the feeds are read, not only the page; axe-core
checks every page the walk visits. Screenshots of the grid, the preview with its finding
and the re-plan diff are saved (GOVCAL_SCREENSHOTS=folder keeps them).
"""

from __future__ import annotations

import datetime as dt
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

from browser_driver import axe_violations, browser, describe, gone, needs_axe, needs_browser, screenshot, wait_for
from conftest import NOW, context, edit_meeting, keep, served
from govcal.operations import Context, access, people
from govcal.operations.papers import set_papers
from rules.loader import load_rules
from scheduler.store.tables import TokenKind

__all__ = ["browser"]  # the fixture, asked for by name

SEEDS = Path(load_rules().bodies["leeds-area-partnership"].source_file).parent
BOARD = "worcestershire-programme-board"
JUNE = f"{BOARD}/2026-27/meeting-01"  # Thu 4 Jun 2026 10:00, the first Thursday of June, before its reports
LEEDS = "leeds-area-partnership"


@pytest.fixture
def site(tmp_path) -> Iterator[tuple[str, Context, str]]:
    """govcal served at Mon 2 Mar 2026: the seed year kept by the rules as they were, then the
    Leeds Area Partnership's rule changed (third Wednesday to second) after one of its meetings
    was set by hand, so a re-plan has something to show."""
    database = f"sqlite:///{tmp_path / 'govcal.db'}"
    before = context(load_rules(), database)
    keep(before)
    edit_meeting(before, "move", actor="clerk", meeting_id=f"{LEEDS}/2026-27/meeting-02", day=dt.date(2026, 11, 25))
    rules = tmp_path / "rules"
    shutil.copytree(SEEDS, rules)
    leeds = rules / f"{LEEDS}.yaml"
    leeds.write_text(leeds.read_text().replace("pattern: third Wednesday", "pattern: second Wednesday"))
    ctx = context(load_rules([rules]), database)
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="setup", now=NOW)
    with served(ctx, NOW) as url:
        yield url, ctx, token


def accessible(driver: WebDriver) -> None:
    violations = axe_violations(driver)
    assert not violations, f"{driver.current_url}\n{describe(violations)}"


def words(driver: WebDriver) -> str:
    return " ".join(driver.find_element(By.TAG_NAME, "body").text.split())


def heading(driver: WebDriver) -> str:
    return wait_for(driver, lambda d: d.find_element(By.TAG_NAME, "h1")).text


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def press(driver: WebDriver, element: WebElement, *keys: str) -> None:
    """Type these keys into an element (or activate it) and wait for the page it leads to."""
    page = driver.find_element(By.TAG_NAME, "html")
    if keys:
        element.send_keys(*keys)
    else:
        element.click()  # Enter's key-up would land on a page already gone, which chromedriver reports as an error
    wait_for(driver, gone(page))


def click(driver: WebDriver, text: str) -> None:
    """Press the button with this text and wait for the next page."""
    press(driver, driver.find_element(By.XPATH, f"//button[normalize-space()={text!r}]"))


@needs_browser
@needs_axe
def test_an_admin_plans_the_year_in_the_browser(browser, site, tmp_path):
    url, ctx, token = site

    # -- signing in, by keyboard: the page asked for is where it lands --------------------------
    browser.get(f"{url}/admin/?start=2026-04")
    assert heading(browser) == "Sign in" and "/admin/login?next=" in browser.current_url
    accessible(browser)
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)  # the skip link first, then the token field
    body.send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.get_attribute("id") == "token"
    press(browser, focused, token, Keys.ENTER)
    assert heading(browser) == "Year planner, April 2026 to March 2027"
    cookie = browser.get_cookie("govcal_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/admin"
    assert "Cambridgeshire Children's Trust Executive Partnership" in words(browser)  # private bodies too
    accessible(browser)
    screenshot(browser, "admin-grid", tmp_path)

    # -- a meeting's panel, and a bank holiday refused by name -----------------------------------
    press(browser, browser.find_element(By.CSS_SELECTOR, f'a[id="{JUNE}"]'))
    assert heading(browser) == "Worcestershire Programme Board, Thu 04 Jun 2026"
    panel = words(browser)
    assert "Why this date" in panel and "Quarterly report to Worcestershire Partnership Advisory Body" in panel
    assert "25 Spring bank holiday" in panel  # the picker says why Mon 25 May is not offered
    accessible(browser)
    for part, typed in (("day", "25"), ("month", "5"), ("year", "2026")):  # day, month and year, whatever the locale
        field = browser.find_element(By.ID, f"date-{part}")
        field.clear()
        field.send_keys(typed)
    click(browser, "Preview the move")
    assert "It would break these rules" in words(browser) and "Spring bank holiday" in words(browser)
    assert browser.switch_to.active_element.get_attribute("id") == "reason"  # admin.js: where to type next
    accessible(browser)
    browser.find_element(By.XPATH, "//button[normalize-space()='Go ahead, breaking the rule']").send_keys(Keys.ENTER)
    reason = browser.find_element(By.ID, "reason")  # no reason given: the browser will not send the form
    assert browser.execute_script("return arguments[0].validity.valueMissing", reason)
    assert heading(browser).startswith("Move ") and ctx.store.meeting(JUNE).date == dt.date(2026, 6, 4)

    # -- a working day that breaks a rule: the finding and its clause, forced with a reason --------
    press(browser, browser.find_element(By.LINK_TEXT, "Back to the meeting (change nothing)"))
    move_to = browser.find_element(By.CSS_SELECTOR, 'a[href$="date=2026-05-07"]')
    assert move_to.accessible_name == "Move to Thu 7 May 2026"  # what a screen reader says of the picker's day
    press(browser, move_to)
    preview = words(browser)
    assert "It would break these rules" in preview
    assert (
        "Quarterly report to Worcestershire Partnership Advisory Body due Fri 26 Jun 2026 follows no meeting of the"
        " body in the 6 weeks (local practice) before it (rule 'reports follow a meeting', F10, clause 13.3, App. 2)"
    ) in preview
    assert "What changes with it The meeting: Thu 07 May 2026 10:00, moved." in preview
    accessible(browser)
    screenshot(browser, "admin-preview-finding", tmp_path)
    reason = "Chair away in June; the PAB agreed to take the report at its July meeting"
    browser.find_element(By.ID, "reason").send_keys(reason)
    click(browser, "Go ahead, breaking the rule")
    assert "Saved: moved" in words(browser)
    assert "Breaks:" in words(browser)  # the panel goes on saying what the kept year breaks
    screenshot(browser, "admin-panel-finding", tmp_path)
    assert ctx.store.meeting(JUNE).date == dt.date(2026, 5, 7)
    assert any("meeting:move" in line and reason in line for line in ctx.store.kept(JUNE).history)
    status, feed = fetch(f"{url}/feeds/bodies/{BOARD}.ics")
    assert status == 200 and "DTSTART;TZID=Europe/London:20260507T100000" in feed

    # -- an extraordinary meeting of the JCB, confirmed from its proposals --------------------------
    browser.get(f"{url}/admin/body?id=worcestershire-jcb")
    browser.execute_script("document.getElementById('e-received').value = '2026-03-10T10:00'")
    browser.find_element(By.ID, "e-by").send_keys("Cllr Ali")
    browser.find_element(By.ID, "e-second").send_keys("Cllr Brown")
    click(browser, "Find the days")
    assert heading(browser) == "Extraordinary meeting of Worcestershire Joint Commissioning Board"
    accessible(browser)
    proposals = browser.find_elements(By.PARTIAL_LINK_TEXT, "Preview confirming")
    press(browser, proposals[0])
    assert heading(browser).startswith("Confirm an extraordinary meeting")
    accessible(browser)
    if browser.find_elements(By.ID, "reason"):
        browser.find_element(By.ID, "reason").send_keys("urgent business")
        click(browser, "Go ahead, breaking the rule")
    else:
        click(browser, "Confirm")
    assert "Saved: added" in words(browser)
    extraordinary = [m for m in ctx.store.meetings(["worcestershire-jcb"]) if m.status == "extraordinary"]
    assert len(extraordinary) == 1 and "Cllr Ali, seconded by Cllr Brown" in words(browser)

    # -- a member, and their feed link: shown once, then revoked -------------------------------------
    browser.get(f"{url}/admin/body?id=worcestershire-jcb")
    browser.find_element(By.ID, "m-name").send_keys("Cllr Ali")
    browser.find_element(By.ID, "m-email").send_keys("ali@example.org")
    click(browser, "Add")
    assert "Cllr Ali: member of worcestershire-jcb" in words(browser)
    browser.get(f"{url}/admin/body?id=worcestershire-jcb")
    press(browser, browser.find_element(By.CSS_SELECTOR, 'button[aria-label="Create a feed link for Cllr Ali"]'))
    assert heading(browser) == "Feed link for Cllr Ali"
    accessible(browser)
    address = browser.find_element(By.ID, "https").get_attribute("value")
    assert browser.find_element(By.CSS_SELECTOR, "button.copy").is_displayed()  # admin.js ran, under the page's CSP
    status, feed = fetch(address)
    day = extraordinary[0].date
    assert status == 200 and f"DTSTART;TZID=Europe/London:{day:%Y%m%d}T" in feed  # the private meeting, theirs
    browser.get(f"{url}/admin/feed-links")
    accessible(browser)
    press(browser, browser.find_element(By.CSS_SELECTOR, 'button[aria-label="Revoke Cllr Ali\'s feed link"]'))
    assert "Revoked Cllr Ali's feed link" in words(browser)
    assert fetch(address)[0] == 404 and access.feed_token_holders(ctx) == {}

    # -- re-plan after the rule change: the diff first, then kept --------------------------------------
    press(browser, browser.find_element(By.LINK_TEXT, "Re-plan"))
    year = browser.find_element(By.ID, "year")
    year.clear()
    year.send_keys("2026")
    click(browser, "Show what would change")
    diff = words(browser)
    # second Wednesdays now (its cycle starts in September): Wed 9 Sep 2026, was the third, Wed 16 Sep
    assert "What re-planning 2026 would change" in diff and "Moved (" in diff
    assert ": Wed 09 Sep 2026 10:00 (was Wed 16 Sep 2026)" in diff
    assert "Clashes with kept changes" in diff and f"{LEEDS}/2026-27/meeting-02: the rules now give" in diff
    accessible(browser)
    screenshot(browser, "admin-replan-diff", tmp_path)
    assert ctx.store.meeting(f"{LEEDS}/2026-27/meeting-01").date == dt.date(2026, 9, 16)  # nothing kept yet
    click(browser, "Re-plan 2026: keep these changes")
    assert "Re-planned 2026: what changed" in words(browser)
    assert ctx.store.meeting(f"{LEEDS}/2026-27/meeting-01").date == dt.date(2026, 9, 9)
    assert ctx.store.meeting(f"{LEEDS}/2026-27/meeting-02").date == dt.date(2026, 11, 25)  # set by hand: kept
    status, feed = fetch(f"{url}/feeds/bodies/{LEEDS}.ics")
    assert "DTSTART;TZID=Europe/London:20260909T100000" in feed and "20260916T100000" not in feed

    # -- reminders, and signing out ---------------------------------------------------------------------
    press(browser, browser.find_element(By.LINK_TEXT, "Reminders"))
    assert heading(browser) == "Reminders"
    accessible(browser)
    click(browser, "Sign out alice")
    assert heading(browser) == "Sign in"
    browser.get(f"{url}/admin/")
    assert heading(browser) == "Sign in"  # the session ended with it


@needs_browser
def test_the_panel_reads_on_a_phone(browser, site, tmp_path):
    url, _, token = site
    browser.set_window_size(390, 844)
    browser.get(f"{url}/admin/login?next=/admin/meeting%3Fid%3D{JUNE.replace('/', '%252F')}")
    press(browser, browser.find_element(By.ID, "token"), token, Keys.ENTER)
    browser.get(f"{url}/admin/meeting?id={JUNE}")
    assert heading(browser) == "Worcestershire Programme Board, Thu 04 Jun 2026"
    # nothing wider than the screen but the tables that scroll on their own
    wide = browser.execute_script(
        "return [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 391)"
        ".map(e => e.tagName + '.' + e.className).slice(0, 5)"
    )
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390, wide
    screenshot(browser, "admin-panel-phone", tmp_path)


@needs_browser
@needs_axe
def test_every_admin_page_passes_axe(browser, tmp_path):
    """Each kind of admin page, in the state that shows the most on it: the grid with meetings'
    papers under them, a held meeting with its attendance form, quorum and minutes (the clock at
    Wed 2 Dec 2026), one to come with its papers, a body with members and a live feed
    link, the outbox with every state it has, a message, and an error."""
    database = f"sqlite:///{tmp_path / 'govcal.db'}"
    ctx = context(load_rules(), database)
    keep(ctx)
    december = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)
    for name, role in (("Ann Clerk", "clerk"), ("Cllr Ali", "member"), ("Cllr Brown", "member")):
        people.add_member(
            ctx, BOARD, name, role, email="ann@example.org" if role == "clerk" else "", actor="t", now=NOW
        )
    access.create_token(ctx, TokenKind.FEED, "Cllr Ali", actor="t", now=NOW)
    # papers under two meetings in the grid: small links, each a target of 24 by 24 pixels at least
    set_papers(ctx, JUNE, {"minutes": ["https://worcestershire.example/board/minutes.pdf"]}, actor="t", now=NOW)
    to_come = {"agenda": ["https://worcestershire.example/board/agenda.pdf"], "papers": ["https://x.example/p.pdf"]}
    set_papers(ctx, f"{BOARD}/2026-27/meeting-04", to_come, actor="t", now=NOW)
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="setup", now=NOW)
    with served(ctx, december) as url:
        browser.get(f"{url}/admin/login")
        accessible(browser)
        press(browser, browser.find_element(By.ID, "token"), token, Keys.ENTER)
        pages = [
            "/admin/",
            f"/admin/meeting?id={JUNE}",  # held: attendance and quorum
            f"/admin/meeting?id={BOARD}/2026-27/meeting-04",  # to come: the picker
            f"/admin/preview?action=cancel&id={BOARD}/2026-27/meeting-04",
            f"/admin/preview?action=add&body={BOARD}&date=2027-02-04",
            f"/admin/body?id={BOARD}",
            "/admin/body?id=worcestershire-jcb",
            "/admin/extraordinary?body=worcestershire-jcb&received=2026-12-18T10:00&requested_by=A&seconded_by=B",
            "/admin/replan",
            "/admin/replan?year=2026",
            "/admin/feed-links",
            "/admin/reminders",
            "/admin/reminders?state=cancelled",
            f"/admin/reminders?state=pending&body={BOARD}",  # filtered by a body
            f"/admin/preview?action=move&id={BOARD}/2026-27/meeting-04&date-day=31&date-month=2&date-year=2027",  # 400
            "/admin/rules",  # the rules form, its date as day, month and year
            "/admin/meeting?id=no/such/meeting",  # an error page
        ]
        for page in pages:
            browser.get(url + page)
            accessible(browser)
        browser.get(f"{url}/admin/body?id={BOARD}")
        browser.find_element(By.ID, "m-name").send_keys("Cllr Cole")
        click(browser, "Add")
        assert "Cllr Cole: member of" in words(browser)
        accessible(browser)  # the message page
