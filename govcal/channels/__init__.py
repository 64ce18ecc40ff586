"""The channels reminders go by, a module per kind (`email`, `webhook`), each a
`kind.Channel`: it composes a reminder for its recipients and sends it, once. A new
kind is a module here and a line in `channels`; the outbox keeps a copy of each
reminder per channel someone on the body has an address for (`scheduler.store.outbox`).
"""

from __future__ import annotations

from typing import Any

from govcal.channels.email import Email
from govcal.channels.kind import Channel, Failed, Line
from govcal.channels.webhook import Webhook
from govcal.mail import Smtp

__all__ = ["Channel", "Failed", "Line", "channels"]


def channels(smtp: Smtp, sender: str) -> dict[str, Channel[Any]]:
    """Every kind, ready to send, by its name: e-mail through `smtp` from `sender`, webhooks."""
    return {kind.name: kind for kind in (Email(smtp, sender), Webhook())}
