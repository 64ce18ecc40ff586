"""E-mails written directly (`govcal.mail.message`) read back exactly as Python's own
EmailMessage would have written them: the reference, parsed by the standard library."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import smtplib
import time
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govcal.mail import MAX_LINE, _folded, _html, message
from scheduler.workdays import LONDON


def reference(message_id: str, subject: str, paragraphs: list[str], to: list[str], sender: str, now: dt.datetime):
    """The same message built with EmailMessage, as govcal built it before."""
    mail = EmailMessage()
    mail["Message-ID"] = message_id
    mail["Date"] = format_datetime(now.astimezone(LONDON))
    mail["From"] = sender
    mail["To"] = ", ".join(to)
    mail["Subject"] = subject
    mail.set_content("\n\n".join(paragraphs) + "\n")
    html = "".join(f"<p>{_html(paragraph)}</p>" for paragraph in paragraphs)
    mail.add_alternative(f"<!doctype html><html lang=en-GB><body>{html}</body></html>", subtype="html")
    return mail


def read(data: bytes):
    """What a mail client sees: headers decoded, and each part's text."""
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    headers = {name: str(parsed[name]) for name in ("Message-ID", "Date", "From", "To", "Subject")}
    parts = [part.get_content().replace("\r\n", "\n") for part in parsed.iter_parts()]
    return headers, [str(a) for a in parsed["From"].addresses], parsed.get_content_type(), parts


WORDS = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r"), min_size=1, max_size=300)
NAMES = st.sampled_from(["govcal", "Democratic Services", "Services d\u00e9mocratiques", "\u0141\u00f3d\u017a Council"])


@settings(max_examples=300, deadline=None)
@given(
    WORDS.map(lambda s: " ".join(s.split()) or "x"),
    st.lists(WORDS, min_size=1, max_size=6),
    NAMES,
    st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2059, 12, 31), timezones=st.just(dt.UTC)),
)
def test_a_message_written_directly_reads_as_emailmessages(subject, paragraphs, name, now):
    sender = f"{name} <clerks@example.gov.uk>"
    to = ["ann@example.org", "bo@example.org"]
    ours = message("<a/b#c@govcal>", subject, paragraphs, to, sender, now)
    assert ours.sender == "clerks@example.gov.uk" and ours.to == to
    assert all(len(line) <= 998 for line in ours.data.split(b"\r\n"))  # RFC 5322's hard limit
    assert read(ours.data) == read(reference("<a/b#c@govcal>", subject, paragraphs, to, sender, now).as_bytes())


def test_a_subject_that_looks_like_an_encoded_word_reads_as_written():
    subject = "Papers =?utf-8?q?x?= due, Board"
    now = dt.datetime(2026, 4, 8, 8, tzinfo=dt.UTC)
    ours = message("<k@govcal>", subject, ["p"], ["a@example.org"], "g <g@example.org>", now)
    assert read(ours.data)[0]["Subject"] == subject


@settings(max_examples=500, deadline=None)
@given(st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=400))
def test_a_plain_subject_is_folded_at_its_spaces_and_unfolds_to_itself(subject):
    folded = _folded(subject, len("Subject: "))
    assert folded.replace("\r\n", "") == subject  # RFC 5322 unfolding: remove each CRLF
    lines = folded.split("\r\n")
    assert all(line.startswith(" ") for line in lines[1:])  # each fold is before a space
    assert all(line.strip() for line in lines[1:])  # no line of white space alone
    for n, line in enumerate(lines):
        room = MAX_LINE - (len("Subject: ") if n == 0 else 0)
        assert len(line) <= room or " " not in line[1:].strip()  # longer only where one word is


def test_a_message_begun_but_not_ended_is_not_delivered(inbox):
    """What the dispatcher's exactly-once rests on: until its end, a message is the server's to forget."""
    now = dt.datetime(2026, 4, 8, 8, tzinfo=dt.UTC)
    first = message("<one@govcal>", "One", ["p"], ["a@example.org"], "g <g@example.org>", now)
    second = message("<two@govcal>", "Two", ["p"], ["a@example.org"], "g <g@example.org>", now)
    dropped = inbox.smtp.connect()
    first.begin(dropped)
    dropped.close()  # a dispatcher killed here: the envelope and octets sent, not the end
    kept = inbox.smtp.connect()
    second.begin(kept)
    time.sleep(0.2)
    assert inbox.ids == []
    second.end(kept)
    assert inbox.ids == ["<two@govcal>"]
    inbox.refuse = True  # a server that refuses at the end: an error, and nothing kept
    first.begin(kept)
    with pytest.raises(smtplib.SMTPDataError):
        first.end(kept)
    kept.quit()
    assert inbox.ids == ["<two@govcal>"]
