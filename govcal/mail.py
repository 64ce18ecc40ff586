"""E-mail: where reminders go (an SMTP URL), and what a reminder says.

One connection is reused for a run of messages; each message's Message-ID is the
reminder's idempotency key, so a resend after a crash is recognisable as the same.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from rules.errors import RuleError
from scheduler.reminders import Kind
from scheduler.store.database import stored_instant
from scheduler.store.tables import DeadlineRow, ReminderRow

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


def reminder_message(
    reminder: ReminderRow, deadline: DeadlineRow, to: list[str], sender: str, late: bool
) -> EmailMessage:
    """The e-mail for one reminder (or overdue notice) of a deadline."""
    due = stored_instant(deadline.due)
    mail = EmailMessage()
    mail["Message-ID"] = f"<{reminder.key}@govcal>"
    mail["From"] = sender
    mail["To"] = ", ".join(to)
    if reminder.kind == Kind.OVERDUE:
        mail["Subject"] = f"Overdue: {deadline.name} (was due {due:%a %d %b %H:%M})"
        opening = f"{deadline.name} was due {due:%A %d %B %Y at %H:%M} and is not marked done."
    else:
        mail["Subject"] = f"Due {due:%a %d %b %H:%M}: {deadline.name}"
        opening = f"{deadline.name} is due {due:%A %d %B %Y at %H:%M}."
    note = "\n\n(This reminder is late: govcal was not running when it fell due.)" if late else ""
    done = f"Mark it done: govcal deadline done {deadline.id}"
    mail.set_content(f"{opening}\n\nWhy this date: {deadline.explanation}\n\n{done}{note}\n")
    return mail
