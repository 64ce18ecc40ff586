"""A body's rules changed in the browser: real headless Chromium against a real uvicorn serving
govcal's app, with the rules kept in the database. Change the Leeds Area Partnership's meeting
day in the form, see its year change before anything is kept, publish from a day, and the
feed follows; axe-core finds no serious or critical violation on any page of the walk."""

from __future__ import annotations

import datetime as dt
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browser_driver import needs_axe, needs_browser
from govcal.operations import Context, access
from govcal.operations.planning import keep_year
from govcal.settings import Settings
from scheduler.store.tables import TokenKind
from test_admin_browser import accessible, browser, click, fetch, heading, press, served, words

__all__ = ["browser"]  # the fixture, asked for by name

LEEDS = "leeds-area-partnership"  # every 2 months from September, third Wednesdays, 10:00; public
DECEMBER = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)  # Wed 2 Dec 2026


def applying_from(browser, day: str, month: str, year: str) -> None:
    """Type the day the rules apply from into its day, month and year fields."""
    for part, typed in (("day", day), ("month", month), ("year", year)):
        field = browser.find_element(By.ID, f"applies-{part}")
        field.clear()
        field.send_keys(typed)


@needs_browser
@needs_axe
def test_an_admin_changes_a_bodys_meeting_day_from_a_date_in_the_browser(browser, tmp_path):
    ctx = Context(None, Settings(database_url=f"sqlite:///{tmp_path / 'govcal.db'}", database_named=True))
    keep_year(ctx, [2026], actor="setup", now=DECEMBER)  # the seeds kept on first use, and planned
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="setup", now=DECEMBER)
    with served(ctx, DECEMBER) as url:
        feed_url = f"{url}/feeds/bodies/{LEEDS}.ics"
        # Third Wednesdays: Fri 1 Jan 2027 -> Wed 6, 13, 20 Jan; Mon 1 Mar 2027 -> Wed 3, 10, 17 Mar
        assert "DTSTART;TZID=Europe/London:20270120T100000" in fetch(feed_url)[1]
        browser.get(f"{url}/admin/login")
        press(browser, browser.find_element(By.ID, "token"), token, Keys.ENTER)
        browser.get(f"{url}/admin/body?id={LEEDS}")
        press(browser, browser.find_element(By.LINK_TEXT, "Its rules"))
        assert heading(browser) == f"Rules of {LEEDS}"
        accessible(browser)

        # a meeting day the rule language does not know: the loader's message beside the field
        pattern = browser.find_element(By.ID, "f-meetings-pattern")
        assert pattern.get_attribute("value") == "third Wednesday"
        pattern.clear()
        pattern.send_keys("every other Wednesday")
        applying_from(browser, "1", "1", "2027")
        click(browser, "Show the year with these rules")
        pattern = browser.find_element(By.ID, "f-meetings-pattern")
        assert pattern.get_attribute("aria-invalid") == "true"
        message = browser.find_element(By.ID, pattern.get_attribute("aria-describedby")).text
        assert "every other Wednesday" in message
        accessible(browser)

        # second Wednesdays from Fri 1 Jan 2027: the year before publishing
        pattern.clear()
        pattern.send_keys("second Wednesday")
        applying_from(browser, "1", "1", "2027")
        browser.find_element(By.ID, "why").send_keys("the Civic Hall is booked on third Wednesdays")
        click(browser, "Show the year with these rules")
        assert heading(browser) == "The year with these rules"
        shown = words(browser)
        # Wed 16 Sep and Wed 18 Nov 2026 stay (their periods began before the day); Fri 1 Jan 2027
        # -> Wed 6, Wed 13 Jan; Mon 1 Mar -> Wed 3, Wed 10 Mar; Sat 1 May -> Wed 5, Wed 12 May;
        # Thu 1 Jul -> Wed 7, Wed 14 Jul
        for day in ("Wed 16", "Wed 18", "Wed 13", "Wed 10", "Wed 12", "Wed 14"):
            assert day in shown, day
        assert "(was Wed 20 Jan 2027)" in shown and "The year meets the rules" in shown
        accessible(browser)
        assert "DTSTART;TZID=Europe/London:20270120T100000" in fetch(feed_url)[1]  # nothing kept yet

        click(browser, "Publish, applying from Fri 01 Jan 2027")
        assert heading(browser) == "Published" and "Published version" in words(browser)
        accessible(browser)
        deadline = time.monotonic() + 30
        while "DTSTART;TZID=Europe/London:20270113T100000" not in (feed := fetch(feed_url)[1]):
            assert time.monotonic() < deadline, feed
            time.sleep(0.5)
        assert "DTSTART;TZID=Europe/London:20270120T100000" not in feed
        assert "DTSTART;TZID=Europe/London:20261118T100000" in feed  # November kept its day

        # the new version is listed with who published it and why; a new body is the same form, empty
        browser.get(f"{url}/admin/rules?body={LEEDS}")
        assert "the Civic Hall is booked on third Wednesdays" in words(browser)
        press(browser, browser.find_element(By.LINK_TEXT, "New body"))
        assert heading(browser) == "A new body" and browser.find_element(By.ID, "f-id").get_attribute("value") == ""
        accessible(browser)
