"""Where reminders go besides e-mail: a body's own webhook (its Teams or Slack channel) and
a member's. Giving one makes the pending reminders it reaches go there too, once each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from govcal.channels import webhook
from govcal.operations import fields
from govcal.operations.context import Context
from rules.errors import RuleError
from scheduler.store.audit import Audit

URL = 2000  # a webhook URL's longest (Teams Workflows' run to some 400 characters)


@dataclass(frozen=True)
class WebhookSet:
    """A body's or member's webhook after a change, and how many pending reminders gained a copy to it."""

    body: str | None
    member: str | None
    format: str | None  # None: taken away
    opened: int

    def __str__(self) -> str:
        whose = f"{self.body}" if self.body is not None else f"{self.member}"
        if self.format is None:
            return f"{whose}: no webhook; reminders go by e-mail only"
        return f"{whose}: reminders go to its {self.format} webhook too ({self.opened} pending now do)"

    def as_dict(self) -> dict[str, Any]:
        return {"body": self.body, "member": self.member, "format": self.format, "opened": self.opened}


def set_webhook(
    ctx: Context,
    url: str | None,
    form: str | None = None,
    *,
    body: str | None = None,
    member: str | None = None,
    actor: str,
    now: dt.datetime,
) -> WebhookSet:
    """Give a body or a member (one of them) a webhook, in `form` ("slack", "teams"; taken
    from the URL's host where it is Slack's or Teams'), or take it away (`url` None or empty).
    The URL is kept but never shown or audited: whoever holds it can post to the channel."""
    if (body is None) == (member is None):
        raise RuleError("name a body or a member whose webhook this is (one of them)")
    address = fields.text(url or "", "url", URL).strip()
    shown_form = None
    if address:
        address, shown_form = webhook.checked(address, fields.maybe_text(form, "format", fields.BODY_ID))
    detail = {"format": shown_form} if shown_form else {}
    if body is not None:
        target = ctx.body(body)
        audit = Audit(now, actor, "body:webhook" if address else "body:no-webhook", target.id, detail)
        opened = ctx.store.set_body_address(target, webhook.WEBHOOK, address, shown_form or "", audit)
        return WebhookSet(target.id, None, shown_form, opened)
    name = fields.filled(member, "member", fields.NAME)
    audit = Audit(now, actor, "member:webhook" if address else "member:no-webhook", name, detail)
    opened = ctx.store.set_member_address(name, webhook.WEBHOOK, address, shown_form or "", audit)
    return WebhookSet(None, name, shown_form, opened)


def webhooks(ctx: Context, body: str) -> list[dict[str, str]]:
    """A body's webhooks, its own ("person" empty) and its members': whose and which format, never the URL."""
    found = ctx.store.addresses(ctx.body(body).id)
    return [{"person": r.person, "format": r.format} for r in found if r.channel == webhook.WEBHOOK]
