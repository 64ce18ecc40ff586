"""E-mail: where reminders go (an SMTP URL), and what a reminder says.

One connection is reused for a run of messages; each message's Message-ID is the
reminder's idempotency key, so a resend after a crash is recognisable as the same.
A reminder reads as a clerk would write it: the body and the deadline in the subject,
what is due and when first, the meeting and a link, the rule's derivation at the foot;
in plain text and in HTML.
"""

from __future__ import annotations

import datetime as dt
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape
from urllib.parse import unquote, urlsplit

from rules.errors import RuleError
from scheduler.workdays import LONDON

DEFAULT_SENDER = "govcal <govcal@localhost>"


@dataclass(frozen=True)
class Smtp:
    """Where mail goes: smtp://host:port, smtp://host:port?starttls=1, smtps://user:pass@host:465."""

    host: str
    port: int
    tls: bool = False
    starttls: bool = False
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = DEFAULT_SENDER

    @classmethod
    def from_url(cls, url: str) -> Smtp:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise RuleError(
                f"'{parts.scheme}://{parts.hostname or ''}...' is not an SMTP URL;"
                " write smtp://host:port or smtps://user:pass@host:465"
            )
        query = dict(pair.split("=", 1) for pair in parts.query.split("&") if "=" in pair)
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if parts.scheme == "smtps" else 25),
            tls=parts.scheme == "smtps",
            starttls=query.get("starttls") in ("1", "true", "yes"),
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            sender=unquote(query.get("from", DEFAULT_SENDER)),
        )

    def connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        connection = (
            smtplib.SMTP_SSL(self.host, self.port, timeout=15, context=context)
            if self.tls
            else smtplib.SMTP(self.host, self.port, timeout=15)
        )
        if self.starttls:
            connection.starttls(context=context)
        if self.user:
            connection.login(self.user, self.password or "")
        return connection


@dataclass(frozen=True)
class Reminder:
    """What a reminder e-mail says, in plain values: the deadline, the body and meeting it
    is for, a link, and the rule's derivation (for the foot)."""

    key: str  # the reminder's idempotency key, its Message-ID
    overdue: bool
    late_since: dt.datetime | None  # when it fell due, if it goes late
    body_name: str
    deadline_id: str
    deadline_name: str
    due: dt.datetime
    meeting_start: dt.datetime | None = None
    meeting_where: str = ""
    meeting_body: str = ""  # the meeting's body where it is another's (a report)
    link: str | None = None
    why: str = ""

    @property
    def subject(self) -> str:
        what = f"{self.deadline_name}, {self.body_name}"
        if self.overdue:
            return f"Overdue: {what} (was due {self.due:%a %d %b %H:%M})"
        return f"Due {self.due:%a %d %b %H:%M}: {what}"

    def paragraphs(self) -> list[str]:
        """The message, plain words first: what is due, when, for which meeting; the how-to
        and the rule's derivation after."""
        when = f"{self.due:%A %d %B %Y} at {self.due:%H:%M}"
        lines = [
            f"{self.deadline_name} for the {self.body_name} was due {when} and is not marked done."
            if self.overdue
            else f"{self.deadline_name} for the {self.body_name} is due {when}."
        ]
        if self.meeting_start is not None:
            whose = f" of the {self.meeting_body}" if self.meeting_body else ""
            where = f", {self.meeting_where}" if self.meeting_where else ""
            lines.append(f"It is for the meeting{whose} on {self.meeting_start:%A %d %B %Y at %H:%M}{where}.")
        if self.late_since is not None:
            fell = f"{self.late_since:%a %d %b %H:%M}"
            lines.append(f"This reminder comes late: it fell due {fell}, when reminders were not being sent.")
        if self.link:
            lines.append(f"On the year planner: {self.link}")
        lines.append(f"When it is done, mark it so and the reminders stop: govcal deadline done {self.deadline_id}")
        if self.why:
            lines.append(f"-- \nWhy this date: {self.why}")
        return lines


def reminder_message(reminder: Reminder, to: list[str], sender: str, now: dt.datetime) -> EmailMessage:
    """The e-mail for one reminder (or overdue notice): plain text, and the same as HTML."""
    mail = EmailMessage()
    mail["Message-ID"] = f"<{reminder.key}@govcal>"
    mail["Date"] = format_datetime(now.astimezone(LONDON))
    mail["From"] = sender
    mail["To"] = ", ".join(to)
    mail["Subject"] = reminder.subject
    paragraphs = reminder.paragraphs()
    mail.set_content("\n\n".join(paragraphs) + "\n")
    html = "".join(f"<p>{_html(paragraph)}</p>" for paragraph in paragraphs)
    mail.add_alternative(f"<!doctype html><html lang=en-GB><body>{html}</body></html>", subtype="html")
    return mail


def _html(text: str) -> str:
    """A paragraph as HTML: escaped, its link a link, its line breaks kept."""
    escaped = escape(text).replace("\n", "<br>")
    return re.sub(r"(https://[^\s<]+)", r'<a href="\1">\1</a>', escaped)
