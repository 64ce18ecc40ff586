"""Incoming webhooks (a Slack app's, a Microsoft Teams Workflows "when a webhook request is
received" flow's): a reminder POSTed as JSON to each recipient's URL, in the format that
URL takes: Slack's `{"text": ...}` or a Teams message carrying an Adaptive Card.

The reminder's idempotency key goes as the `Idempotency-Key` header, so a receiver that
keeps them can drop the one repeat a crash between posting and marking may cause. A
POST is atomic, so it is all `end` (the moment the receiver has it); `begin` sends
nothing. A 2xx is taken; a server down, a timeout, a 5xx, 408 or 429 is tried again with
back-off like a refused SMTP send; any other 4xx is `Failed(permanent=True)`: the
address or the payload is wrong, and sending again cannot help.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from govcal.channels.kind import Channel, Failed, Line
from govcal.mail import Said
from rules.errors import RuleError
from scheduler.reminders import Recipient

WEBHOOK = "webhook"
SLACK, TEAMS = "slack", "teams"
FORMATS = (SLACK, TEAMS)
TIMEOUT = 15  # seconds a receiver has to answer
RETRIED = frozenset({408, 425, 429})  # 4xx that mean "not now", not "never"
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
# where each format's webhooks live, to take the format from the URL when none is said
HOSTS = {SLACK: ("hooks.slack.com",), TEAMS: ("logic.azure.com", "powerplatform.com", "webhook.office.com")}


@dataclass(frozen=True)
class Posting:
    """One reminder's POSTs: its idempotency key, and each recipient with the JSON it takes."""

    key: str
    posts: tuple[tuple[Recipient, bytes], ...]


class Webhook(Channel[Posting]):
    """Reminders to incoming webhooks."""

    name = WEBHOOK

    def compose(self, reminder: Said, to: Sequence[Recipient], now: dt.datetime) -> Posting:
        posts = tuple((r, json.dumps(payload(reminder, r.format)).encode()) for r in to)
        return Posting(reminder.key, posts)

    def line(self) -> PostLine:
        return PostLine()


def payload(reminder: Said, form: str) -> dict[str, Any]:
    """What a webhook of format `form` is sent: the subject, then the e-mail's paragraphs
    (its foot without e-mail's signature line, "-- ")."""
    paragraphs = [paragraph.removeprefix("-- \n") for paragraph in reminder.paragraphs()]
    if form == SLACK:  # Slack's mrkdwn: &, < and > escaped, the subject in bold
        text = "\n\n".join([f"*{reminder.subject}*", *paragraphs])
        return {"text": text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}
    blocks = [{"type": "TextBlock", "text": reminder.subject, "weight": "Bolder", "size": "Medium", "wrap": True}]
    blocks += [{"type": "TextBlock", "text": paragraph, "wrap": True} for paragraph in paragraphs]
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.2",
        "body": blocks,
    }
    if reminder.link:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "The year planner", "url": reminder.link}]
    return {"type": "message", "attachments": [{"contentType": ADAPTIVE_CARD, "contentUrl": None, "content": card}]}


class PostLine(Line[Posting]):
    """Webhooks keep no connection: each message is its POSTs, made when it ends."""

    def begin(self, message: Posting) -> None:
        """Nothing goes before the POST itself."""

    def end(self, message: Posting) -> None:
        """Each recipient's POST in turn; a failure says whom the others reached."""
        for n, (recipient, data) in enumerate(message.posts):
            try:
                post(recipient.address, data, message.key)
            except Failed as failed:
                reached = [r for r, _ in message.posts[:n]]
                raise Failed(failed.reason, permanent=failed.permanent, reached=reached) from failed

    def drop(self) -> None:
        """No connection is kept."""

    def close(self) -> None:
        """No connection is kept."""


def post(url: str, data: bytes, key: str) -> None:
    """POST one payload; a `Failed` unless the receiver answers 2xx."""
    headers = {"Content-Type": "application/json", "Idempotency-Key": key, "User-Agent": "govcal"}
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    where = _shown(url)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            response.read()
    except urllib.error.HTTPError as error:
        said = error.read(200).decode("utf-8", "replace")
        reason = f"webhook {where} answered {error.code} {error.reason}: {said}".rstrip(": ")
        raise Failed(reason, permanent=400 <= error.code < 500 and error.code not in RETRIED) from error
    except (urllib.error.URLError, OSError) as error:
        raise Failed(f"webhook {where} could not be reached: {getattr(error, 'reason', error)}") from error


def _shown(url: str) -> str:
    """A webhook URL as errors show it: its host only, since the path (and any user) is its secret."""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].split("?", 1)[0].rpartition("@")[2]
    return f"{scheme}://{host}/..." if rest else "..."


def checked(url: str, form: str | None) -> tuple[str, str]:
    """A webhook URL and its format as given: https (or http to this machine), the format
    said, or taken from Slack's and Teams' hosts; a `RuleError` saying what is wrong."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - read for its check: a port out of range is a ValueError
    except ValueError:
        host = ""
    if not host or parts.scheme not in ("https", "http") or (parts.scheme == "http" and host not in LOOPBACK):
        raise RuleError(f"'{_shown(url)}' is not a webhook URL: write https://host/path")
    if form is None:
        form = next((f for f, hosts in HOSTS.items() if any(_within(host, h) for h in hosts)), None)
        if form is None:
            raise RuleError(f"say the format of the webhook at {host}: --format slack or --format teams")
    if form not in FORMATS:
        raise RuleError(f"'{form}' is not a webhook format; expected one of {', '.join(FORMATS)}")
    return url, form


def _within(host: str, domain: str) -> bool:
    return host == domain or host.endswith(f".{domain}")
