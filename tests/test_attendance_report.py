"""The year's attendance record (A7, A11) counts every meeting held, and the meeting panel
forecasts a meeting to come but never calls one inquorate before anything is recorded.

The Worcestershire JCB's 2025-26 (planned, hand-checked: the third Tuesday of each month):
15 Apr, 20 May, 17 Jun, 15 Jul, 19 Aug, 16 Sep, 21 Oct, 18 Nov, 16 Dec 2025, 20 Jan,
17 Feb, 17 Mar 2026: 12 meetings held, none cancelled.
"""

from __future__ import annotations

import datetime as dt

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browser_driver import axe_violations, browser, describe, gone, wait_for
from conftest import add_jcb_people, context, keep, served
from govcal.cli import main
from govcal.operations import Context, access, attendance, people
from rules.loader import load_rules
from scheduler.attendance import Presence
from scheduler.store.tables import TokenKind
from scheduler.workdays import LONDON

__all__ = ["browser"]  # the fixture, asked for by name

JCB = "worcestershire-jcb"


def at(day: dt.date, hour: int = 18) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), LONDON)


def jcb(database: str, since: dt.datetime) -> Context:
    """The JCB's 2025-26 kept, and its people (Carol Chair, Victor Vice, Mo Member, Sam Sub,
    Ann Clerk) added on `since`."""
    ctx = context(load_rules(), database)
    keep(ctx, years=(2025,), bodies=[JCB], now=at(dt.date(2025, 3, 1)))
    add_jcb_people(ctx, since)
    return ctx


def meeting(number: int, cycle: str = "2025-26") -> str:
    return f"{JCB}/{cycle}/meeting-{number:02d}"


def test_the_2025_26_record_counts_every_meeting_held_unrecorded_ones_apart_and_keeps_a_removed_member(
    database, capsys
):
    """Recorded: April (Carol, Victor, Mo there); May (Carol, Mo; Sam for Victor); June
    (Carol; Victor's apologies sent on 10 Jun; Mo absent); September (Carol, Victor; Mo's
    apologies sent on 10 Sep). Victor's apologies for November were sent (10 Nov) but no one
    recorded that meeting. Mo removed on Wed 15 Oct 2025, before October's meeting (21st).

    By hand, meetings held while a member, then attended / by substitute / apologies /
    absent / not recorded:
      Carol Chair  12: 4 (Apr May Jun Sep) / 0 / 0 / 0 / 8 (the 12 less those 4 recorded)
      Mo Member     6 (Apr-Sep): 2 (Apr May) / 0 / 1 (Sep) / 1 (Jun) / 2 (Jul Aug)
      Victor Vice  12: 2 (Apr Sep) / 1 (May) / 2 (Jun, Nov unrecorded) / 0 / 7 (8 unrecorded less Nov)
    Sam (a substitute) and Ann (the clerk) have no vote, so no line.
    """
    ctx = jcb(database, at(dt.date(2025, 4, 1), 9))
    record = people.record_attendance
    record(
        ctx,
        meeting(1),
        [Presence(n) for n in ("Carol Chair", "Victor Vice", "Mo Member")],
        actor="ann",
        now=at(dt.date(2025, 4, 15)),
    )
    may = [Presence("Carol Chair"), Presence("Mo Member"), Presence("Sam Sub", "Victor Vice")]
    record(ctx, meeting(2), may, actor="ann", now=at(dt.date(2025, 5, 20)))
    attendance.send_apologies(ctx, meeting(3), ["victor@example.org"], actor="ann", now=at(dt.date(2025, 6, 10)))
    record(ctx, meeting(3), [Presence("Carol Chair")], actor="ann", now=at(dt.date(2025, 6, 17)))
    attendance.send_apologies(ctx, meeting(6), ["Mo Member"], actor="ann", now=at(dt.date(2025, 9, 10)))
    record(
        ctx, meeting(6), [Presence("Carol Chair"), Presence("Victor Vice")], actor="ann", now=at(dt.date(2025, 9, 16))
    )
    people.remove_member(ctx, JCB, "mo@example.org", actor="admin", now=at(dt.date(2025, 10, 15), 9))
    attendance.send_apologies(ctx, meeting(8), ["Victor Vice"], actor="ann", now=at(dt.date(2025, 11, 10)))

    report = people.attendance_report(ctx, JCB, dt.date(2026, 3, 31), "2025-26")
    lines = {
        line.member: (line.held, line.attended, line.substituted, line.apologies, line.absent, line.not_recorded)
        for line in report.lines
    }
    assert lines == {
        "Carol Chair": (12, 4, 0, 0, 0, 8),
        "Mo Member": (6, 2, 0, 1, 1, 2),
        "Victor Vice": (12, 2, 1, 2, 0, 7),
    }
    (mo,) = [line for line in report.lines if line.member == "Mo Member"]
    assert (mo.began, mo.ended) == (dt.date(2025, 4, 1), dt.date(2025, 10, 15))
    assert report.as_dict()["record"][1]["not_recorded"] == 2
    # a meeting held but not recorded is no meeting found inquorate; June's, recorded, was
    july = people.quorum_at(ctx, meeting(4))
    assert not july.recorded and july.as_dict()["reasons"] == ["attendance not recorded yet"]
    assert people.quorum_at(ctx, meeting(3)).result.quorate is False
    assert (
        main(["attendance", "report", JCB, "--cycle", "2025-26", "--until", "2026-03-31", "--database", database]) == 0
    )
    assert "Mo Member" in capsys.readouterr().out


def test_the_panel_shows_the_forecast_and_takes_apologies_and_a_held_meeting_unrecorded_is_not_inquorate(
    browser, tmp_path
):
    database = f"sqlite:///{tmp_path / 'govcal.db'}"
    now = at(dt.date(2026, 3, 2), 9)  # Mon 2 Mar 2026: 2025-26's March meeting (17th) still to come
    ctx = jcb(database, at(dt.date(2025, 4, 1), 9))
    attendance.send_apologies(ctx, meeting(12), ["victor@example.org"], actor="ann", now=now)
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="setup", now=now)
    with served(ctx, now) as url:
        browser.get(f"{url}/admin/login")
        browser.find_element(By.ID, "token").send_keys(token, Keys.ENTER)
        wait_for(browser, lambda d: "/admin/login" not in d.current_url)
        browser.get(f"{url}/admin/meeting?id={meeting(12)}")
        section = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=forecast]")
        said = " ".join(section.text.split())
        assert "Forecast not quorate" in said and "Missing: no vice-chair (or substitute) present" in said
        assert "Apologies Victor Vice" in said
        violations = axe_violations(browser)
        assert not violations, describe(violations)
        section.screenshot(str(tmp_path / "panel-forecast.png"))
        browser.get(f"{url}/admin/?start=2026-01")  # the grid flags March's meeting
        flagged = browser.find_element(By.ID, meeting(12))
        assert flagged.find_element(By.CSS_SELECTOR, "abbr.inquorate").get_attribute("title") == "forecast inquorate"
        assert browser.find_elements(By.CSS_SELECTOR, f"[id='{meeting(10)}'] abbr.inquorate") == []
        flagged.screenshot(str(tmp_path / "grid-flag.png"))
        browser.get(f"{url}/admin/meeting?id={meeting(12)}")
        # the clerk names Sam for Victor from the panel: quorate
        browser.find_element(By.CSS_SELECTOR, "#substitute-person option[value='sam@example.org']").click()
        browser.find_element(By.CSS_SELECTOR, "#substitute-for option[value='victor@example.org']").click()
        button = browser.find_element(By.XPATH, "//button[text()='Name the substitute']")
        button.click()
        wait_for(browser, gone(button))  # the old page away first: reading it while it goes is stale
        assert "substitute named" in browser.find_element(By.TAG_NAME, "main").text
        assert "Forecast quorate" in browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=forecast]").text
        browser.get(f"{url}/admin/?start=2026-01")
        assert browser.find_element(By.ID, meeting(12)).find_elements(By.CSS_SELECTOR, "abbr.inquorate") == []
        browser.get(f"{url}/admin/meeting?id={meeting(11)}")  # Tue 17 Feb 2026: held, not recorded
        main_text = browser.find_element(By.TAG_NAME, "main").text
        assert "Not recorded yet" in main_text and "Not quorate" not in main_text
        held = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=attendance]")
        held.screenshot(str(tmp_path / "panel-held-unrecorded.png"))
