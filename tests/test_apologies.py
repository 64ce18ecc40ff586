"""A member sends apologies from the link in their private feed's event, and the JCB's next
meeting is forecast inquorate; its clerk is told once, over real SMTP (aiosmtpd); a
substitute named later makes it quorate again. On SQLite and PostgreSQL, the link opened in
headless Chromium against govcal served by uvicorn, with a clock passed in throughout.

The Worcestershire JCB's quorum (clause 11, 11.1): the Chair and the Vice Chair or their
substitutes, one of them in person, one other member, someone from the PCT and from the
Council. Its members here: Carol Chair (chair, County Council), Victor Vice (vice-chair,
PCT), Mo Member (member, PCT); Sam Sub (substitute, PCT); Ann Clerk (clerk).

Hand-checked dates: the JCB meets on the third Tuesday at 14:00; November 2026 begins on a
Sunday, so its Tuesdays are 3, 10, 17: the meeting is Tue 17 Nov 2026 14:00. Its clerk is
told 5 working days before (the default `warn_before`): 16, 13, 12, 11, 10 Nov, so from Tue
10 Nov; on Mon 9 Nov nothing goes. The move picker offers the working days of October,
November and December 2026 (the meeting's month and those either side, all in the 2026-27
cycle year) but the 17th; from the alert's day those still to come begin Wed 11 Nov.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.request

import pytest
from icalendar import Calendar
from selenium.webdriver.common.by import By

from browser_driver import axe_violations, browser, describe, gone, screenshot, wait_for
from conftest import add_jcb_people, free_port, keep, served
from govcal.cli import main
from govcal.clock import utc_now
from govcal.operations import Context, access, attendance
from govcal.operations.feeds import private_feed
from govcal.operations.reminders import send_due
from govcal.settings import Settings
from rules.loader import load_rules
from rules.model import NATIONS
from scheduler.store.tables import AuditRow, TokenKind
from scheduler.workdays import LONDON, working_calendar

__all__ = ["browser"]  # the fixture, asked for by name

JCB = "worcestershire-jcb"
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=LONDON)  # Mon 2 Nov 2026: the plan kept, members added
MEETING_DAY = dt.date(2026, 11, 17)
MISSING_VICE = "no vice-chair (or substitute) present (clause 11, 11.1)"


def jcb_context(database: str, port: int) -> Context:
    """The JCB kept from START, its five people, govcal's public URL where the test serves it."""
    settings = Settings(database_url=database, database_named=True, public_url=f"http://127.0.0.1:{port}")
    ctx = Context(load_rules(), settings)
    keep(ctx, bodies=[JCB], now=START)
    add_jcb_people(ctx, START)
    return ctx


def meeting_on(ctx: Context, day: dt.date) -> str:
    (found,) = [m.id for m in ctx.store.meetings([JCB]) if m.date == day]
    return found


def alerts(inbox) -> list:
    return [m for m in inbox.messages if m["Subject"].startswith("Forecast inquorate")]


def apologies_link(feed: bytes, meeting: str) -> str:
    """The apologies link in the DESCRIPTION of the meeting's event in a member's feed, as
    a calendar reads it (icalendar)."""
    for event in Calendar.from_ical(feed).walk("VEVENT"):
        if str(event["UID"]).startswith(meeting):
            found = re.search(r"To send apologies \(until it begins\): (\S+)", str(event["DESCRIPTION"]))
            assert found, event["DESCRIPTION"]
            return found.group(1)
    raise AssertionError(f"no event for {meeting}")


def test_an_apology_from_the_feed_makes_the_jcb_inquorate_the_clerk_is_told_once_a_substitute_mends_it(
    browser, database, inbox, tmp_path, capsys
):
    port = free_port()
    ctx = jcb_context(database, port)
    meeting = meeting_on(ctx, MEETING_DAY)
    assert meeting == f"{JCB}/2026-27/meeting-08"  # April's is the first: November the eighth
    assert attendance.meeting_forecast(ctx, meeting).forecast.quorate
    token = access.create_token(ctx, TokenKind.FEED, "victor@example.org", actor="admin", now=START)
    with served(ctx, START, port):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/feeds/private/{token}.ics", timeout=10) as answer:
            feed = answer.read()
        link = apologies_link(feed, meeting)
        assert link.startswith(f"http://127.0.0.1:{port}/admin/apologies?")
        # the link's expiry is the meeting's start, whenever the feed is read: the same bytes a week on
        later = private_feed(ctx, "victor@example.org", START + dt.timedelta(days=7), ctx.settings.public_url)
        assert private_feed(ctx, "victor@example.org", START, ctx.settings.public_url) == later
        browser.get(link)  # as a mail scanner or a calendar's preview would: nothing changes
        page = browser.find_element(By.TAG_NAME, "main").text
        assert "Tuesday 17 November 2026 at 14:00" in page and "Opening this page changed nothing" in page
        assert "you are expected (no apologies sent)" in page
        assert attendance.meeting_forecast(ctx, meeting).forecast.apologies == ()
        violations = axe_violations(browser)
        assert not violations, describe(violations)
        screenshot(browser, "apologies-link", tmp_path)
        button = browser.find_element(By.CSS_SELECTOR, "main form button")
        assert button.text == "Send my apologies"
        button.click()
        wait_for(browser, gone(button))
        assert "Your apologies are sent" in browser.find_element(By.CSS_SELECTOR, "[role=status]").text
        assert "your apologies are sent" in browser.find_element(By.TAG_NAME, "main").text
        assert not axe_violations(browser)
        screenshot(browser, "apologies-sent", tmp_path)
        assert browser.find_element(By.CSS_SELECTOR, "main form button").text == "Withdraw my apologies: I will attend"
        # a link changed by hand is refused
        forged = link.replace("p=victor", "p=mo")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(forged, timeout=10)
        assert refused.value.code == 403
    said = attendance.meeting_forecast(ctx, meeting).forecast
    assert (said.quorate, said.apologies, said.missing) == (False, ("Victor Vice",), (MISSING_VICE,))
    with ctx.store.session() as session:
        audit = session.query(AuditRow).filter(AuditRow.action == "attendance:apologies").one()
        assert (audit.actor, audit.target) == ("victor@example.org (e-mail link)", meeting)
    # Mon 9 Nov: inquorate, but not yet 5 working days before; Tue 10 Nov: the clerk is told
    send_due(ctx, dt.datetime(2026, 11, 9, 9, 0, tzinfo=LONDON), inbox.smtp, "worker", wall=utc_now)
    assert alerts(inbox) == []
    send_due(ctx, dt.datetime(2026, 11, 10, 9, 0, tzinfo=LONDON), inbox.smtp, "worker", wall=utc_now)
    [alert] = alerts(inbox)
    assert alert["To"] == "ann@example.org"
    assert alert["Subject"] == "Forecast inquorate: Worcestershire Joint Commissioning Board, Tue 17 Nov 2026"
    text = alert.get_body(("plain",)).get_content()
    assert "Tuesday 17 November 2026 at 14:00" in text and MISSING_VICE in text
    assert "Apologies from: Victor Vice." in text
    days = re.findall(r"^(\w{3} \d\d \w{3} \d{4}): (.*)$", text, re.MULTILINE)
    assert days[0] == ("Wed 11 Nov 2026", "quorate")  # the first offered day still to come
    offered = [day for day, _ in days]
    assert "Tue 17 Nov 2026" not in offered and "Sat 14 Nov 2026" not in offered and "Tue 10 Nov 2026" not in offered
    assert "Wed 18 Nov 2026" in offered and "Fri 25 Dec 2026" not in offered  # Christmas Day is no working day
    avoided = "quorate (the body would rather avoid it: in the County Council Christmas closure)"
    assert dict(days)["Thu 24 Dec 2026"] == avoided
    assert "govcal attendance" not in text  # no command in an e-mail
    # later runs: no second alert, even when the meeting is forecast inquorate again
    for day in (11, 12):
        send_due(ctx, dt.datetime(2026, 11, day, 9, 0, tzinfo=LONDON), inbox.smtp, "worker", wall=utc_now)
    assert len(alerts(inbox)) == 1
    # Sam is named to stand in for Victor: quorate again (the Chair there in person)
    now = dt.datetime(2026, 11, 12, 10, 0, tzinfo=LONDON)
    attendance.name_substitute(ctx, meeting, "sam@example.org", "Victor Vice", actor="ann", now=now)
    assert main(["attendance", "forecast", meeting, "--json", "--database", database]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["meeting"] == meeting and answer["quorate"] is True and answer["missing"] == []
    assert answer["apologies"] == ["Victor Vice"]
    assert answer["expected"] == ["Carol Chair", "Mo Member", "Sam Sub (for Victor Vice)"]
    attendance.send_apologies(ctx, meeting, ["mo@example.org"], actor="ann", now=now)  # 0 others now
    assert attendance.meeting_forecast(ctx, meeting).inquorate
    send_due(ctx, dt.datetime(2026, 11, 13, 9, 0, tzinfo=LONDON), inbox.smtp, "worker", wall=utc_now)
    assert len(alerts(inbox)) == 1  # one alert per meeting, ever


def test_a_tick_reads_every_meeting_whose_warning_day_has_come_and_not_the_years():
    """The alerts' tick reads meetings up to `warned_until`, not the year's: it reaches every
    meeting whose warning day has come, in each nation's calendar, each day of 2022-2028
    (the one-off bank holidays and every Christmas, Easter and New Year among them).

    Checked by hand: on Fri 18 Dec 2026 with 5 working days' warning in England, Tue 29 Dec
    is warned (Mon 21-Thu 24 and Tue 29 are working days, Christmas Day and Boxing Day's
    substitute, Mon 28, are not), Wed 30 Dec is not yet; the bound is Mon 11 Jan 2027."""
    england = working_calendar("england-and-wales")
    friday = dt.date(2026, 12, 18)
    assert england.working_days_before(dt.date(2026, 12, 29), 5) == friday
    assert england.working_days_before(dt.date(2026, 12, 30), 5) > friday
    assert attendance.warned_until(friday, 5) == dt.date(2027, 1, 11)
    for nation in NATIONS:
        working = working_calendar(nation)
        for days in (0, 1, 5, 10, 20):
            today = dt.date(2022, 1, 1)
            while today < dt.date(2029, 1, 1):
                last = today  # the last meeting day warned by today: warning days only grow with it
                while working.working_days_before(last + dt.timedelta(days=1), days) <= today:
                    last += dt.timedelta(days=1)
                assert last <= attendance.warned_until(today, days), (nation, days, today, last)
                today += dt.timedelta(days=1)
