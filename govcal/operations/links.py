"""Action links in reminders and digests: open a deadline, mark it done, undo that; and a
member's link to send apologies for a meeting (or withdraw them).

A link is signed (HMAC-SHA256 with the server's key, `scheduler.store.tokens` keeps it)
for one person (each recipient has a message of their own), one action and one deadline,
and carries when it expires: once the
meeting the deadline is due at has begun and the deadline is a week past (so the overdue
notice of minutes due at a meeting still works; a deadline of no meeting: four weeks after
it is due; an apologies link: once the meeting has begun). It works without signing in, for
its person while they hold a place on the body. Opening one changes nothing (mail scanners
open every link); the page it opens has the button that acts (`govcal.admin.actions`), and
the audit names its person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from govcal.operations import fields, kept
from govcal.operations.context import Context
from govcal.page import ShownDeadline, ShownMeeting
from rules.errors import NotAllowed, NotFound

PATH = "/admin/act"  # where a link opens its page
ACTIONS = {"open": "Open", "done": "Mark done", "undo": "Undo: open again"}
MEETING_PATH = "/admin/apologies"  # where a member's link about a meeting opens its page
MEETING_ACTIONS = {"apologies": "Send my apologies", "attend": "Withdraw my apologies: I will attend"}
NO_MEETING = dt.timedelta(weeks=4)  # how long a link to a deadline of no meeting lasts after it is due
OVERDUE = dt.timedelta(
    weeks=1
)  # how long any link lasts after its deadline: its overdue notice goes the next working day


@dataclass(frozen=True)
class Link:
    """One signed link's parts: for whom, what to do, to which deadline (or, for one of
    `MEETING_ACTIONS`, which meeting), until when."""

    person: str
    action: str
    deadline: str
    expires: dt.datetime
    signature: str = ""

    def signed(self, key: bytes) -> Link:
        said = f"{self.person}\n{self.action}\n{self.deadline}\n{int(self.expires.timestamp())}"
        return Link(self.person, self.action, self.deadline, self.expires, _sign(key, said))

    def address(self, base: str) -> str:
        """The link's URL under `base` (GOVCAL_PUBLIC_URL)."""
        query = {"d": self.deadline, "a": self.action, "p": self.person, "e": int(self.expires.timestamp())}
        path = MEETING_PATH if self.action in MEETING_ACTIONS else PATH
        return f"{base.rstrip('/')}{path}?{urlencode(query | {'s': self.signature})}"

    def as_action(self, action: str, key: bytes) -> Link:
        """The same person's link to another action on the same deadline."""
        return Link(self.person, action, self.deadline, self.expires).signed(key)

    @property
    def path(self) -> str:
        """The link's path and query, as a form on its page posts to."""
        return self.address("")


def _sign(key: bytes, said: str) -> str:
    return hmac.new(key, said.encode(), hashlib.sha256).hexdigest()[:32]


def key(ctx: Context, now: dt.datetime) -> bytes:
    """The server's link key (made at first use)."""
    return ctx.store.link_key(now)


def expiry(due: dt.datetime, due_at_meeting: dt.datetime | None) -> dt.datetime:
    """When a deadline's links stop working: the meeting it is due at has begun and it is a
    week past due; a deadline of no meeting, four weeks after it is due."""
    return max(due_at_meeting, due + OVERDUE) if due_at_meeting is not None else due + NO_MEETING


def links_for(
    key: bytes, base: str, person: str, deadline: str, expires: dt.datetime, actions: tuple[str, ...] = ("open", "done")
) -> list[tuple[str, str]]:
    """A deadline's action links for one person, as (label, URL)."""
    return [(ACTIONS[a], Link(person, a, deadline, expires).signed(key).address(base)) for a in actions]


def apologies_link(key: bytes, base: str, person: str, meeting: str, start: dt.datetime) -> str:
    """A member's link to send apologies for a meeting, expiring as it begins: a function of
    the meeting alone, so a feed carrying it stays the same bytes until the meeting changes."""
    return Link(person, "apologies", meeting, start).signed(key).address(base)


def opened(ctx: Context, query: Mapping[str, str], now: dt.datetime, actions: Mapping[str, str] = ACTIONS) -> Link:
    """The link a request carries, checked: its signature, then its expiry (`NotAllowed`);
    a malformed one is a `RuleError` naming the field. `actions`: those the page takes."""
    deadline = fields.text(query.get("d", ""), "deadline" if actions is ACTIONS else "meeting", fields.ID)
    action = fields.choice(query.get("a", ""), "action", tuple(actions))
    person = fields.text(query.get("p", ""), "person", 1000)
    stamp = fields.whole_number(query.get("e", ""), "expiry", 0, 10**11, "a moment")
    given = fields.text(query.get("s", ""), "signature", 64)
    expires = dt.datetime.fromtimestamp(stamp, dt.UTC)
    link = Link(person, action, deadline, expires).signed(key(ctx, now))
    if not hmac.compare_digest(link.signature, given):
        raise NotAllowed("this link is not one govcal sent: open the newest e-mail's link")
    if now >= expires and action in MEETING_ACTIONS:
        raise NotAllowed("this link has expired: the meeting has begun; tell its clerk instead")
    if now >= expires:
        raise NotAllowed("this link has expired: the meeting it was for has begun and the deadline is past")
    return link


@dataclass(frozen=True)
class Opened:
    """What a link's page shows: the deadline, the meeting it is about, the one it is due at."""

    deadline: ShownDeadline
    about: ShownMeeting | None
    due_at: ShownMeeting | None
    body: str


def shown(ctx: Context, link: Link) -> Opened:
    """The deadline a link is about, with its meetings, as its page shows them; `NotAllowed`
    unless the link's person may act on it (`may_act`)."""
    found = kept.deadlines_named(ctx, [link.deadline]).get(link.deadline)
    if found is None:
        raise NotFound(f"no deadline '{link.deadline}': it was removed from the plan")
    body = ctx.rules.bodies[found.body].name if found.body in ctx.rules.bodies else found.body
    may_act(ctx, link, found.body, body)
    about = kept.meeting(ctx, found.meeting) if found.meeting else None
    due_at = kept.meeting(ctx, found.counted_from) if found.counted_from else None
    return Opened(found, about, due_at if due_at != about else None, body)


def may_act(ctx: Context, link: Link, body_id: str, body_name: str) -> None:
    """The person a link was signed for holds a place on the deadline's body now (a member,
    its clerk), by address or name; else `NotAllowed`: a link someone who has left still
    holds, or one of the older links signed for every recipient at once, does not act."""
    named = link.person.casefold()
    if not any(named in (m.email.casefold(), m.name.casefold()) for m in ctx.store.members(body_id)):
        raise NotAllowed(
            f"this link was sent to {link.person}, who holds no place on the {body_name} now:"
            " ask its clerk, or open the newest e-mail's link"
        )


def actor(link: Link) -> str:
    """Who acted by a link, as the audit trail names them: the person it was signed for."""
    return f"{link.person} (e-mail link)"[:200]


def other(ctx: Context, link: Link, action: str, now: dt.datetime) -> Link:
    """The same person's link to another action on the same deadline (undo, once done)."""
    return link.as_action(action, key(ctx, now))
