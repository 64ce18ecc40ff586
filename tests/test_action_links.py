"""A clerk acts from the e-mail alone: a reminder arrives over real SMTP (aiosmtpd), its
signed links are opened in headless Chromium against govcal served by uvicorn, on SQLite and
PostgreSQL. Opening a link changes nothing (mail scanners open every link); the page's
button marks the deadline done; its Undo opens it again; each is in the audit trail.

Hand-checked dates: the Worcestershire JCB (a private body) first meets Tue 21 Apr 2026;
its papers (5 clear working days: 20, 17, 16, 15, 14 Apr) are due Mon 13 Apr 17:00, and
the first reminder goes 3 working days before, Wed 8 Apr 09:00 (10, 9, 8 Apr).
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.error
import urllib.request

import pytest
from selenium.webdriver.common.by import By

from browser_driver import axe_violations, browser, describe, gone, screenshot, wait_for
from conftest import NOW, free_port, keep, served
from govcal.clock import utc_now
from govcal.operations import Context, people
from govcal.operations.reminders import send_digests, send_due, set_digest
from govcal.settings import Settings
from rules.loader import load_rules
from scheduler.store.tables import AuditRow, DeadlineRow
from scheduler.workdays import LONDON

__all__ = ["browser"]  # the fixture, asked for by name

PAPERS = "worcestershire-jcb/2026-27/meeting-01/papers"
SENT = dt.datetime(2026, 4, 8, 9, 0, tzinfo=LONDON)  # Wed 8 Apr 2026 09:00: the first reminder


def public_context(database: str, port: int) -> Context:
    """A context whose public URL is where the test serves govcal, with Ann the JCB's clerk."""
    settings = Settings(database_url=database, database_named=True, public_url=f"http://127.0.0.1:{port}")
    ctx = Context(load_rules(), settings)
    people.add_member(
        ctx, "worcestershire-jcb", "Ann Clerk", "clerk", email="ann@example.org", actor="admin", now=utc_now()
    )
    keep(ctx, bodies=["worcestershire-jcb"])
    return ctx


def done(ctx: Context, deadline: str = PAPERS) -> bool:
    with ctx.store.session() as session:
        return session.get(DeadlineRow, deadline).done_at is not None


def audited(ctx: Context, deadline: str = PAPERS) -> list[tuple[str, str]]:
    with ctx.store.session() as session:
        rows = session.query(AuditRow).filter(AuditRow.target == deadline).order_by(AuditRow.id).all()
        return [(row.actor, row.action) for row in rows if row.action.startswith("deadline:")]


def links_in(text: str) -> dict[str, str]:
    return dict(re.findall(r"^(Open|Mark done): (\S+)$", text, re.MULTILINE))


def status(url: str, data: bytes | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_clerk_marks_a_deadline_done_from_the_reminder_and_undoes_it(browser, database, inbox, tmp_path):
    port = free_port()
    ctx = public_context(database, port)
    assert send_due(ctx, SENT, inbox.smtp, "worker", wall=utc_now).sent == 1
    [mail] = inbox.messages
    assert mail["Auto-Submitted"] == "auto-generated"
    text = mail.get_body(("plain",)).get_content()
    assert "govcal deadline" not in text  # no command: the links instead
    assert "When it is done, mark it so with the link below and the reminders stop." in text
    found = links_in(text)
    assert set(found) == {"Open", "Mark done"}
    assert all(url.startswith(f"http://127.0.0.1:{port}/admin/act?") for url in found.values())
    assert f'href="{found["Mark done"].replace("&", "&amp;")}"' in mail.get_body(("html",)).get_content()
    with served(ctx, SENT, port):
        browser.get(found["Open"])  # the deadline, no button
        assert "Agenda and papers to members" in browser.find_element(By.TAG_NAME, "h1").text
        assert browser.find_elements(By.CSS_SELECTOR, "main form") == []
        browser.get(found["Mark done"])  # as a mail scanner would: nothing changes
        assert not done(ctx) and audited(ctx) == []
        page = browser.find_element(By.TAG_NAME, "main").text
        assert "Tuesday 21 April 2026 at 14:00" in page and "Opening this page changed nothing" in page
        violations = axe_violations(browser)
        assert not violations, describe(violations)
        screenshot(browser, "action-link", tmp_path)
        button = browser.find_element(By.CSS_SELECTOR, "main form button")
        assert button.text == "Mark done"
        button.click()
        wait_for(browser, gone(button))
        assert "Marked done: its reminders stop." in browser.find_element(By.CSS_SELECTOR, "[role=status]").text
        assert "Opening this page changed nothing" not in browser.find_element(By.TAG_NAME, "main").text
        assert done(ctx) and audited(ctx) == [("ann@example.org (e-mail link)", "deadline:done")]
        assert not axe_violations(browser)
        screenshot(browser, "action-link-done", tmp_path)
        undo = browser.find_element(By.CSS_SELECTOR, "main form button")
        assert undo.text == "Undo: open again"
        undo.click()
        wait_for(browser, gone(undo))
        assert not done(ctx) and audited(ctx)[-1] == ("ann@example.org (e-mail link)", "deadline:undo")
        # a link changed by hand is refused, and so is a post without the form's token
        forged = found["Mark done"].replace("a=done", "a=undo")
        assert status(forged) == 403
        assert status(found["Mark done"], data=b"csrf=guessed") == 403
        assert not done(ctx)
    # its reminders stop once it is done: the next (Mon 13 Apr 09:00) is not sent
    with served(ctx, SENT, port):
        browser.get(found["Mark done"])
        again = browser.find_element(By.CSS_SELECTOR, "main form button")
        again.click()
        wait_for(browser, gone(again))  # the old page away first: reading it while it goes is stale
        assert "Marked done" in browser.find_element(By.TAG_NAME, "main").text
    send_due(ctx, dt.datetime(2026, 4, 13, 9, 0, tzinfo=LONDON), inbox.smtp, "worker", wall=utc_now)
    assert len(inbox.messages) == 1


def test_each_recipient_has_a_message_of_their_own_with_links_signed_for_them(browser, database, inbox, tmp_path):
    """Ann and Bob both clerk the JCB: the papers' reminder goes to each in a message of their
    own (To: them alone, a Message-ID each), its links naming them; Bob's Mark done acts in
    his name; once Bob leaves the body, his link no longer acts."""
    port = free_port()
    ctx = public_context(database, port)
    people.add_member(ctx, "worcestershire-jcb", "Bob Clerk", "clerk", email="bob@example.org", actor="a", now=NOW)
    sent = send_due(ctx, SENT, inbox.smtp, "worker", wall=utc_now)
    assert (sent.sent, sent.messages) == (1, 2)
    mails = {m["To"]: m for m in inbox.messages}
    assert sorted(mails) == ["ann@example.org", "bob@example.org"] and len(set(inbox.ids)) == 2
    found = {to: links_in(m.get_body(("plain",)).get_content()) for to, m in mails.items()}
    for to, person in (("ann@example.org", "p=ann%40example.org"), ("bob@example.org", "p=bob%40example.org")):
        assert set(found[to]) == {"Open", "Mark done"} and all(person in url for url in found[to].values())
    bobs = found["bob@example.org"]["Mark done"]
    with served(ctx, SENT, port):
        browser.get(found["ann@example.org"]["Open"])
        assert "This link is for ann@example.org" in " ".join(browser.find_element(By.TAG_NAME, "main").text.split())
        browser.get(bobs)
        assert "This link is for bob@example.org" in " ".join(browser.find_element(By.TAG_NAME, "main").text.split())
        assert not done(ctx)
        screenshot(browser, "action-link-bob", tmp_path)
        button = browser.find_element(By.CSS_SELECTOR, "main form button")
        button.click()
        wait_for(browser, gone(button))
        assert "Marked done" in browser.find_element(By.TAG_NAME, "main").text
        assert done(ctx) and audited(ctx) == [("bob@example.org (e-mail link)", "deadline:done")]
    people.remove_member(ctx, "worcestershire-jcb", "Bob Clerk", None, actor="a", now=NOW)
    with served(ctx, SENT, port):
        assert status(bobs) == 403 and status(found["ann@example.org"]["Open"]) == 200


def test_a_link_expires_when_the_meeting_it_is_due_at_begins(database, inbox):
    """The papers (due Mon 13 Apr 17:00) are for the meeting of Tue 21 Apr 2026 14:00 BST,
    more than a week later: from then the link is refused."""
    port = free_port()
    ctx = public_context(database, port)
    send_due(ctx, SENT, inbox.smtp, "worker", wall=utc_now)
    found = links_in(inbox.messages[0].get_body(("plain",)).get_content())
    with served(ctx, dt.datetime(2026, 4, 21, 13, 59, tzinfo=LONDON), port):
        assert status(found["Mark done"]) == 200
    with served(ctx, dt.datetime(2026, 4, 21, 14, 0, tzinfo=LONDON), port):
        assert status(found["Mark done"]) == 403
    assert not done(ctx)


def test_the_overdue_notice_of_minutes_due_at_a_meeting_links_while_it_is_a_week_past(database, inbox):
    """The minutes of Tue 21 Apr 2026 are due at the next meeting, Tue 19 May 2026 14:00 BST;
    the overdue notice goes Wed 20 May 09:00, and its link works until Tue 26 May 14:00."""
    port = free_port()
    ctx = public_context(database, port)
    minutes = "worcestershire-jcb/2026-27/meeting-01/minutes-approved"
    overdue = dt.datetime(2026, 5, 20, 9, 0, tzinfo=LONDON)
    send_due(ctx, overdue, inbox.smtp, "worker", wall=utc_now)
    [mail] = [m for m in inbox.messages if m["Message-ID"] == f"<{minutes}#overdue@govcal>"]
    found = links_in(mail.get_body(("plain",)).get_content())
    with served(ctx, overdue, port):
        assert status(found["Mark done"]) == 200
    with served(ctx, dt.datetime(2026, 5, 26, 14, 0, tzinfo=LONDON), port):
        assert status(found["Mark done"]) == 403


def test_a_digest_links_each_deadline(database, inbox):
    """Tue 14 Apr 2026 08:00: the papers (due Mon 13 Apr) are overdue; the digest links them."""
    port = free_port()
    ctx = public_context(database, port)
    set_digest(ctx, "Ann Clerk", 5, actor="Ann Clerk", now=NOW)
    assert send_digests(ctx, dt.datetime(2026, 4, 14, 8, 0, tzinfo=LONDON), inbox.smtp, "a", wall=utc_now).sent == 1
    text = inbox.messages[-1].get_body(("plain",)).get_content()
    opened = re.findall(r"^    Open: (\S+)$", text, re.MULTILINE)
    assert opened and all("p=ann%40example.org" in url and "a=open" in url for url in opened)
    assert any("d=worcestershire-jcb%2F2026-27%2Fmeeting-01%2Fpapers" in url for url in opened)
    with served(ctx, dt.datetime(2026, 4, 14, 8, 0, tzinfo=LONDON), port):
        assert all(status(url) == 200 for url in opened)


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_without_a_public_url_a_reminder_has_no_links(database, inbox):
    ctx = Context(load_rules(), Settings(database_url=database, database_named=True))
    people.add_member(
        ctx, "worcestershire-jcb", "Ann Clerk", "clerk", email="ann@example.org", actor="admin", now=utc_now()
    )
    keep(ctx, bodies=["worcestershire-jcb"])
    send_due(ctx, SENT, inbox.smtp, "worker", wall=utc_now)
    assert links_in(inbox.messages[0].get_body(("plain",)).get_content()) == {}
