"""E-mail over SMTP: a reminder as an RFC 5322 message (`govcal.mail`), its key the
Message-ID, begun (envelope and octets) and ended (the server's 250) on a connection
kept for the sender's run of messages. Every refusal is tried again (today's SMTP
servers say 4xx and 5xx alike for a passing fault)."""

from __future__ import annotations

import contextlib
import datetime as dt
import smtplib
from collections.abc import Sequence

from govcal.channels.kind import Channel, Failed, Line
from govcal.mail import Outgoing, Said, Smtp, refusal, reminder_message
from scheduler.reminders import EMAIL, Recipient


class Email(Channel[Outgoing]):
    """Reminders by e-mail through one SMTP server, from one sender."""

    name = EMAIL

    def __init__(self, smtp: Smtp, sender: str) -> None:
        self.smtp, self.sender = smtp, sender

    def compose(self, reminder: Said, to: Sequence[Recipient], now: dt.datetime) -> Outgoing:
        return reminder_message(reminder, [r.address for r in to], self.sender, now)

    def line(self) -> SmtpLine:
        return SmtpLine(self.smtp)


class SmtpLine(Line[Outgoing]):
    """One SMTP connection, opened by the first message and reused."""

    def __init__(self, smtp: Smtp) -> None:
        self.smtp = smtp
        self.connection: smtplib.SMTP | None = None

    def begin(self, message: Outgoing) -> None:
        try:
            self.connection = self.connection or self.smtp.connect()
            message.begin(self.connection)
        except (OSError, smtplib.SMTPException) as error:
            raise Failed(refusal(error)) from error

    def end(self, message: Outgoing) -> None:
        if self.connection is None:
            raise Failed("no message begun")
        try:
            message.end(self.connection)
        except (OSError, smtplib.SMTPException) as error:
            raise Failed(refusal(error)) from error

    def drop(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.connection.close()
        self.connection = None

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.connection.quit()
        self.connection = None
