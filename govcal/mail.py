"""E-mail: where reminders go (an SMTP URL), and what a reminder and a digest say.

One connection is reused for a run of messages; each message's Message-ID is the
reminder's idempotency key, so a resend after a crash is recognisable as the same.
A reminder reads as a clerk would write it: the body and the deadline in the subject,
what is due and when first, the meeting and a link, the rule's derivation at the foot;
in plain text and in HTML. A clerk's morning digest lists, in one message, every
deadline of the bodies they clerk due in the next few working days, and those overdue.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from email.header import Header
from email.utils import format_datetime, formataddr, parseaddr
from functools import cache
from html import escape
from typing import Protocol
from urllib.parse import unquote, urlsplit

from email_validator import EmailNotValidError, validate_email

from govcal.wording import due_at_the_meeting, for_the_meeting, marking_done
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
        """The server an SMTP URL names, or a `RuleError` quoting the URL as typed (its
        password starred) and saying how to write one."""
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:  # a port that is not a number
            port = -1
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname or port == -1:
            shown = re.sub(r":[^:@/]*@", ":***@", url)
            raise RuleError(
                f"'{shown}' is not an SMTP URL: write smtp://host:port or smtps://user:pass@host:465"
                " (?starttls=1 and ?from=ADDRESS may follow)"
            )
        query = dict(pair.split("=", 1) for pair in parts.query.split("&") if "=" in pair)
        return cls(
            host=parts.hostname,
            port=port or (465 if parts.scheme == "smtps" else 25),
            tls=parts.scheme == "smtps",
            starttls=query.get("starttls") in ("1", "true", "yes"),
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            sender=checked_sender(unquote(query["from"])) if "from" in query else DEFAULT_SENDER,
        )

    def connect(self) -> smtplib.SMTP:
        # A TLS context loads the system's certificates (tens of milliseconds): only for TLS.
        context = ssl.create_default_context() if self.tls or self.starttls else None
        connection = (
            smtplib.SMTP_SSL(self.host, self.port, timeout=15, context=context)
            if self.tls
            else smtplib.SMTP(self.host, self.port, timeout=15)
        )
        # A message's end goes in a write of its own (see Outgoing.end): without NODELAY, Nagle's
        # algorithm would hold it until the octets before it are acknowledged, 40 ms later.
        if connection.sock is not None:
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.starttls:
            connection.starttls(context=context)
        if self.user:
            connection.login(self.user, self.password or "")
        return connection


def checked_sender(sender: str) -> str:
    """A From as configured ("Democratic Services <ds@example.gov.uk>" or an address alone),
    or a `RuleError` quoting it: an address email-validator accepts (ASCII, as every header
    here is sent), not whatever word `parseaddr` makes of a phrase."""
    address, typed = parseaddr(sender)[1], sender.strip()
    try:
        if not address or not (typed == address or typed.endswith(f"<{address}>")):
            raise EmailNotValidError("write an address, or a name and <address>")
        if not address.isascii():
            raise EmailNotValidError("write the address in ASCII (a domain's xn-- form)")
        validate_email(address, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        raise RuleError(
            f"'{sender}' is not an e-mail address to send from: {error} (e.g. Democratic Services <ds@example.gov.uk>)"
        ) from None
    return sender


def refusal(error: BaseException) -> str:
    """What the mail server (or the network) said when it did not take a message, on one
    line as a person reads it: "550 5.7.1 Relaying denied", not Python's tuple of bytes."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        said = "; ".join(f"{to}: {code} {_decoded(reply)}" for to, (code, reply) in error.recipients.items())
    elif isinstance(error, smtplib.SMTPResponseException):
        said = f"{error.smtp_code} {_decoded(error.smtp_error)}"
    else:
        said = str(error)
    return " ".join(said.split()) or type(error).__name__


def _decoded(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


class Said(Protocol):
    """What a channel sends: a reminder (`Reminder`) or a meeting's notice
    (`govcal.notice.Notice`): its key, subject, paragraphs and a link."""

    @property
    def key(self) -> str: ...

    @property
    def subject(self) -> str: ...

    @property
    def link(self) -> str | None: ...

    def paragraphs(self) -> list[str]: ...


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
    due_at_start: dt.datetime | None = None  # the meeting it is due at, where not the one it is about (minutes)
    due_at_where: str = ""
    late_because: str = ""  # why it comes late: what the mail server said, or "" (govcal was not sending)
    link: str | None = None
    actions: tuple[tuple[str, str], ...] = ()  # (label, URL): the signed action links (govcal.operations.links)
    why: str = ""
    papers: str = ""  # the meeting's links, one a line ("Agenda: URL": scheduler.papers.listed)

    @property
    def subject(self) -> str:
        what = f"{self.deadline_name}, {self.body_name}"
        if self.overdue:
            return f"Overdue: {what} (was due {self.due:%a %d %b %H:%M})"
        return f"Due {self.due:%a %d %b %H:%M}: {what}"

    def paragraphs(self) -> list[str]:
        """The message, plain words first: what is due, when, for which meeting; the how-to
        and the rule's derivation after."""
        when = f"{self.due:%A %-d %B %Y} at {self.due:%H:%M}"
        lines = [
            f"{self.deadline_name} for the {self.body_name} was due {when} and is not marked done."
            if self.overdue
            else f"{self.deadline_name} for the {self.body_name} is due {when}."
        ]
        if self.due_at_start is not None and self.meeting_start is not None:
            said = due_at_the_meeting(self.meeting_start, self.due_at_start, self.due_at_where, self.meeting_body)
            lines.append(said)
        elif self.meeting_start is not None:
            lines.append(for_the_meeting(self.meeting_start, self.meeting_where, self.meeting_body))
        if self.late_since is not None:
            fell = f"{self.late_since:%a %d %b %H:%M}"
            why = (
                f"; the mail server refused it then ({self.late_because}), and it has been tried again since"
                if self.late_because
                else ", when govcal was not sending reminders"
            )
            lines.append(f"This reminder comes late: it fell due {fell}{why}.")
        if self.papers:
            lines.append(f"The meeting's papers:\n{self.papers}")
        if self.link:
            lines.append(f"On the year planner: {self.link}")
        lines.append(marking_done(linked=bool(self.actions)))
        if self.actions:
            lines.append("\n".join(f"{label}: {url}" for label, url in self.actions))
        if self.why:
            lines.append(f"-- \nWhy this date: {self.why}")
        return lines


@dataclass(frozen=True)
class DigestLine:
    """One deadline in a digest: when, what, for which body and meeting."""

    due: dt.datetime
    deadline_id: str
    deadline_name: str
    body_name: str
    meeting_start: dt.datetime | None = None
    due_at_start: dt.datetime | None = None  # the meeting it is due at, where not the one it is about
    link: str = ""  # its signed link: open it, mark it done

    def __str__(self) -> str:
        meeting = f" (for the meeting of {self.meeting_start:%a %d %b %H:%M})" if self.meeting_start else ""
        if self.meeting_start and self.due_at_start:
            meeting = (
                f" (due at the meeting of {self.due_at_start:%a %d %b %H:%M},"
                f" about the meeting of {self.meeting_start:%a %d %b %H:%M})"
            )
        said = f"{self.due:%a %d %b %H:%M}  {self.deadline_name}, {self.body_name}{meeting}"
        return said + (f"\n    Open: {self.link}" if self.link else "")


@dataclass(frozen=True)
class Digest:
    """A clerk's morning digest: what is due in their next working days, and what is overdue."""

    key: str  # its Message-ID: one per clerk and day
    clerk: str
    day: dt.date
    days: int
    last: dt.date
    due: list[DigestLine]
    overdue: list[DigestLine]
    link: str | None = None

    @property
    def subject(self) -> str:
        due = f"{len(self.due)} due" if self.due else "nothing due"
        said = f"Your deadlines, {self.day:%a %d %b}: {due} by {self.last:%a %d %b}"
        return said + (f", {len(self.overdue)} overdue" if self.overdue else "")

    def paragraphs(self) -> list[str]:
        """What is due, day by day; what is overdue; how to mark one done and stop the digest."""
        bodies = len({line.body_name for line in self.due + self.overdue})
        lines = [
            f"Deadlines of the {bodies} {'body' if bodies == 1 else 'bodies'} you clerk, due in the next "
            f"{self.days} working {'day' if self.days == 1 else 'days'} (to {self.last:%A %-d %B}):"
        ]
        lines.append("\n".join(map(str, self.due)) if self.due else "Nothing is due.")
        if self.overdue:
            lines.append("Overdue, not yet marked done:\n" + "\n".join(map(str, self.overdue)))
        if self.link:
            lines.append(f"The year planner: {self.link}")
        lines.append(
            "Mark a deadline done on govcal's reminders page and its reminders stop.\n"
            "You asked for this digest; your govcal administrator can stop it."
        )
        return lines


@dataclass(frozen=True)
class Outgoing:
    """A message ready for SMTP: the envelope sender, the recipients and the RFC 5322 octets."""

    sender: str
    to: list[str]
    data: bytes

    def send(self, connection: smtplib.SMTP) -> None:
        connection.sendmail(self.sender, self.to, self.data)

    def begin(self, connection: smtplib.SMTP) -> None:
        """Everything of the SMTP transaction but its end: MAIL, RCPT, DATA and the octets.
        The server keeps nothing until `end`; a connection dropped before it sends nothing."""
        connection.ehlo_or_helo_if_needed()
        code, reply = connection.docmd("mail", f"FROM:<{self.sender}>")  # addresses checked when kept
        if code != 250:
            connection.rset()
            raise smtplib.SMTPSenderRefused(code, reply, self.sender)
        refused = {}
        for address in self.to:
            code, reply = connection.docmd("rcpt", f"TO:<{address}>")
            if code not in (250, 251):
                refused[address] = (code, reply)
        if len(refused) == len(self.to):
            connection.rset()
            raise smtplib.SMTPRecipientsRefused(refused)
        connection.putcmd("data")
        code, reply = connection.getreply()
        if code != 354:
            connection.rset()
            raise smtplib.SMTPDataError(code, reply)
        octets = smtplib.quotedata(self.data.decode("ascii")).encode("ascii")
        connection.send(octets if octets.endswith(b"\r\n") else octets + b"\r\n")

    @staticmethod
    def end(connection: smtplib.SMTP) -> None:
        """The end of the message begun: once the server answers 250 it has the message."""
        connection.send(b".\r\n")
        code, reply = connection.getreply()
        if code != 250:
            connection.rset()
            raise smtplib.SMTPDataError(code, reply)


def reminder_message(reminder: Said, to: list[str], sender: str, now: dt.datetime) -> Outgoing:
    """The e-mail for one reminder (or overdue notice, or a meeting's notice): plain text, and the same as HTML."""
    return message(f"<{reminder.key}@govcal>", reminder.subject, reminder.paragraphs(), to, sender, now)


def digest_message(digest: Digest, to: str, sender: str, now: dt.datetime) -> Outgoing:
    """The e-mail for a clerk's morning digest: plain text, and the same as HTML."""
    return message(f"<{digest.key}@govcal>", digest.subject, digest.paragraphs(), [to], sender, now)


def message(
    message_id: str, subject: str, paragraphs: list[str], to: list[str], sender: str, now: dt.datetime
) -> Outgoing:
    """A multipart/alternative message (text, then HTML), written directly.

    Python's `EmailMessage` spent about a millisecond a message parsing its own headers,
    the bound on a Monday morning's thousands of reminders; this writes the same message
    (a test parses both and compares them) in a few tens of microseconds: headers
    RFC 2047-encoded where they are not ASCII, each part base64 in UTF-8.
    """
    text = "\n\n".join(paragraphs) + "\n"
    html = "".join(f"<p>{_html(paragraph)}</p>" for paragraph in paragraphs)
    boundary = f"govcal-{hashlib.sha256(message_id.encode()).hexdigest()[:24]}"
    header, address = _from(sender)
    lines = [
        f"Message-ID: {message_id}",
        f"Date: {format_datetime(now.astimezone(LONDON))}",
        f"From: {header}",
        f"To: {', '.join(to)}",
        f"Subject: {_header(subject)}",
        "Auto-Submitted: auto-generated",  # RFC 3834: no out-of-office reply comes back
        "X-Auto-Response-Suppress: All",  # Exchange's and Outlook's own word for the same
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
        "",
        f"--{boundary}",
        _part("plain", text),
        f"--{boundary}",
        _part("html", f"<!doctype html><html lang=en-GB><body>{html}</body></html>\n"),
        f"--{boundary}--",
        "",
    ]
    return Outgoing(address, list(to), "\r\n".join(lines).encode("ascii"))


MAX_LINE = 76  # a header's folded line, as RFC 2047 asks


@cache
def _from(sender: str) -> tuple[str, str]:
    """The From header and the envelope address for a sender: the same all run long."""
    name, address = parseaddr(sender)
    return formataddr((name, address), charset="utf-8"), address


def _header(value: str, name: str = "Subject") -> str:
    """A header value as it may be sent: plain ASCII folded at its spaces, else RFC 2047
    encoded words (also when it holds "=?", which a reader would take for one), folded."""
    if value.isascii() and value.isprintable() and "=?" not in value:
        return _folded(value, len(name) + 2)
    return Header(value, "utf-8", maxlinelen=MAX_LINE).encode(linesep="\r\n")


def _folded(value: str, used: int) -> str:
    """Plain text folded before a space wherever a line would pass MAX_LINE (RFC 5322 2.2.3:
    unfolding gives back the value exactly); a word longer than a line stays whole. `used`:
    what the line's header name already takes."""
    lines, rest, width = [], value, MAX_LINE - used
    while len(rest) > width:
        at = rest.rfind(" ", 1, width + 1)
        if at <= 0 or not rest[:at].strip():
            at = rest.find(" ", width + 1)
            if at == -1:
                break
        lines.append(rest[:at])
        rest, width = rest[at:], MAX_LINE
    return "\r\n".join([*lines, rest])


def _part(subtype: str, content: str) -> str:
    body = base64.encodebytes(content.encode()).decode("ascii").replace("\n", "\r\n").rstrip("\r\n")
    return f'Content-Type: text/{subtype}; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n{body}'


def _html(text: str) -> str:
    """A paragraph as HTML: escaped, its link a link, its line breaks kept."""
    escaped = escape(text).replace("\n", "<br>")
    return re.sub(r"(https?://[^\s<]+)", r'<a href="\1">\1</a>', escaped)
