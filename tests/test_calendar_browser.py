"""The calendar of meetings in headless Chromium: the admin's grid offers the download, and the
public planner's calendar page passes axe-core and prints from the browser on A4 landscape."""

from __future__ import annotations

import base64
import datetime as dt
import re
import subprocess
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browser_driver import axe_violations, browser, describe, needs_axe, needs_browser, screenshot
from conftest import context, edit_meeting, keep, served
from govcal.operations import access
from rules.loader import load_rules
from scheduler.store.tables import TokenKind

__all__ = ["browser"]

WHEN = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)  # the council's year 2026-27, planning 2027-28
BOARD = "worcestershire-programme-board"


@needs_browser
@needs_axe
def test_the_grid_offers_the_calendar_and_the_public_page_prints_on_a4_landscape(browser, tmp_path):
    ctx = context(load_rules(), f"sqlite:///{tmp_path / 'govcal.db'}")
    keep(ctx, years=[2027], now=WHEN)
    march = f"{BOARD}/2027-28/meeting-04"  # Thu 2 Mar 2028, struck through
    assert edit_meeting(ctx, "cancel", actor="clerk", meeting_id=march, reason="no business", force=True, now=WHEN)
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="setup", now=WHEN)
    with served(ctx, WHEN) as url:
        browser.get(f"{url}/admin/login")
        browser.find_element(By.ID, "token").send_keys(token, Keys.ENTER)
        form = browser.find_element(By.CSS_SELECTOR, "form.calendar-download")
        assert form.get_attribute("method") == "get" and form.get_attribute("action") == f"{url}/admin/calendar.pdf"
        chosen = form.find_element(By.CSS_SELECTOR, "option[selected]")
        private = form.find_element(By.CSS_SELECTOR, "label[for=calendar-private]")  # GOV.UK's box: the input is clear
        assert chosen.text == "2026-27" and private.is_displayed()
        screenshot(browser, "calendar-admin-grid", tmp_path)  # the grid's own axe check: test_admin_browser.py

        browser.get(f"{url}/planner/calendar?year=2027")
        assert browser.find_element(By.TAG_NAME, "h1").text == "Calendar of meetings 2027-28"
        assert not (violations := axe_violations(browser)), describe(violations)
        browser.set_window_size(1280, 900)
        screenshot(browser, "calendar-public-desktop", tmp_path)
        browser.set_window_size(390, 844)
        screenshot(browser, "calendar-public-phone", tmp_path)
        printed = browser.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
    pdf = tmp_path / "printed.pdf"
    pdf.write_bytes(base64.b64decode(printed["data"]))
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    width, height = (float(n) for n in re.search(r"Page size: +([\d.]+) x ([\d.]+) pts \(A4\)", info).groups())
    assert width > height and "Pages:           1" in info, info  # A4 landscape, every public body on one page
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout.split()
    )
    assert "Back to the year planner" not in text and "Ctrl+P" not in text  # the links are not printed
    assert "Calendar of meetings 2027-28" in text and "Worcestershire Programme Board" in text
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "printed")], check=True
    )
    assert Path(tmp_path / "printed-1.png").exists()
