"""Reminders: send what is due, exactly once; list the outbox; mark a deadline done.

`send_due(now)` claims due reminders (see `scheduler.store.outbox`), decides each
(`scheduler.reminders.outcome`), sends it to each recipient in a message of their own
(its action links signed for them; whom it has reached kept as it goes, so a recipient
has it once) by its channel (`govcal.channels`: e-mail with
its key as the Message-ID, a webhook with it as the Idempotency-Key) and marks it sent:
several messages in flight at once on their own connections, but only one at a time
past the receiver's acceptance and not yet marked. Each message begins only
once its claim is renewed (the fencing check); a claim another run took stops the run,
which gives back what it still holds. A reminder whose time passed
while govcal was down goes out late, once, marked late; if its deadline has passed too,
the overdue notice goes instead. A failed send is retried with back-off and reported,
never dropped; one a channel refuses for good (a webhook's 4xx) is marked refused and
reported, so the clerk can correct the address.

`send_digests(now)` sends each clerk who asked for one their morning digest, once a
working day from 08:00: every open deadline of the bodies they clerk due in their
next N working days, and those overdue (`scheduler.reminders.digest_window`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import queue
import secrets
import smtplib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from govcal.channels import Channel, Failed, Line, channels
from govcal.mail import Digest, DigestLine, Reminder, Smtp, digest_message, refusal
from govcal.operations import attendance, fields, links, notices
from govcal.operations.context import Context
from govcal.operations.people import person
from rules.errors import NotFound
from scheduler.occurrences import Status
from scheduler.papers import MeetingLink, listed
from scheduler.reminders import EMAIL, DigestWindow, Kind, NoticeKind, Recipient, digest_window, is_late, unsent
from scheduler.reminders import Status as ReminderStatus
from scheduler.store.audit import Audit
from scheduler.store.digests import Subscriber
from scheduler.store.outbox import STATES, Claimed, OutboxLine
from scheduler.store.tables import DeadlineRow, MeetingRow, ReminderRow
from scheduler.workdays import body_calendar, london_day


@dataclass
class Dispatched:
    """What one run of `send_due` did: reminders sent (in how many messages), and why others were not."""

    sent: int = 0
    messages: int = 0
    late: int = 0
    retrying: int = 0
    superseded: int = 0
    done: int = 0
    no_recipient: dict[str, int] = field(default_factory=dict)  # by body id: no one to tell
    refused: dict[str, int] = field(default_factory=dict)  # by body id: refused for good (a webhook's 4xx)
    refusal: str = ""  # why the last of those was refused
    lost: int = 0  # claims another run took before their message began: left to it
    repeated: int = 0  # sent, but found marked by another run: may have gone twice
    failure: str = ""  # why the receiver did not take the last message it did not (tried again)

    def claims_said(self) -> list[str]:
        """What an operator must hear of the run's claims: one taken over (the run stopped),
        or a message that may have gone twice."""
        said = []
        if self.lost:
            said.append(f"stopped: another run took over the claim on {self.lost} reminders; they go from there")
        if self.repeated:
            said.append(
                f"warning: {self.repeated} reminders sent here were marked sent by another run first:"
                " they may have gone twice (the runs' clocks disagree by more than the lease?)"
            )
        return said

    def refused_said(self) -> list[str]:
        """What a clerk must hear of reminders a channel refused for good: which body's, and
        why, so the address can be put right (they are not tried again)."""
        return [
            f"warning: {count} reminders of {body_id} were refused, not to be tried again: {self.refusal};"
            f" put its address right (govcal webhook set URL --body {body_id}, or --member NAME)"
            for body_id, count in sorted(self.refused.items())
        ]


SMTP_CONNECTIONS = 3  # messages in flight at once (see send_due)


@dataclass
class Run:
    """One `send_due` run's shared state: its claim token, its clocks and what it has done."""

    ctx: Context
    kinds: dict[str, Channel[Any]]  # the channels, by name
    now: dt.datetime
    wall: Callable[[], dt.datetime]
    token: str
    deciding: OutboxLine  # the deciding thread's own: reminders closed unsent as they are decided
    key: bytes | None = None  # the action links' key, where GOVCAL_PUBLIC_URL is set
    result: Dispatched = field(default_factory=Dispatched)
    gate: threading.Lock = field(default_factory=threading.Lock)
    failed: list[BaseException] = field(default_factory=list)
    stopped: threading.Event = field(default_factory=threading.Event)  # a claim was lost

    @property
    def going(self) -> bool:
        return not self.failed and not self.stopped.is_set()


def send_due(
    ctx: Context,
    now: dt.datetime,
    smtp: Smtp,
    worker: str,
    *,
    wall: Callable[[], dt.datetime],
    connections: int = SMTP_CONNECTIONS,
) -> Dispatched:
    """Send every reminder due at `now`, once (see the module docstring): a deadline's
    reminders due together go as one message to each recipient. `wall` reads the wall clock, which leases are
    held on (`now` may be a moment given by hand); `worker` names the process.

    Messages go by `connections` senders at once, each with its own connection on each
    channel; each message is begun (an e-mail's envelope and octets) while others are, but
    only one at a time is ended (the SMTP server's 250, a webhook's POST answered) and
    marked sent before the next may end, and none once the run has failed: a dispatcher
    killed, or losing its database, at any moment leaves at most one message delivered and
    unmarked, which goes again, once, after its lease.
    """
    run = Run(ctx, channels(smtp, _sender_address(ctx, smtp)), now, wall, claim_token(worker), ctx.store.outbox_line())
    attendance.queue_alerts(ctx, now)
    run.key = links.key(ctx, now) if ctx.settings.public_url else None
    meetings = Read(ctx)
    ready: queue.Queue[Ready | None] = queue.Queue(maxsize=4 * connections)
    senders = [threading.Thread(target=_sender, args=(run, ready), daemon=True) for _ in range(connections)]
    for sender in senders:
        sender.start()
    try:
        while run.going and (ids := ctx.store.claim(now, wall(), run.token)):
            for claimed in ctx.store.claimed(ids):
                for prepared in _prepare(run, claimed, meetings) if run.going else []:
                    ready.put(prepared)
    finally:
        for _ in senders:
            ready.put(None)
        for sender in senders:
            sender.join()
        run.deciding.close()
    if run.failed:
        raise run.failed[0]
    if run.stopped.is_set():
        ctx.store.release(run.token)
    return run.result


def claim_token(worker: str) -> str:
    """A run's claim token: the worker's name, and a part of its own, so a later run of
    a worker of the same name (a restarted process) never takes an earlier run's claims for its own."""
    return f"{worker[:80]}#{secrets.token_hex(6)}"


@dataclass
class Progress:
    """One deadline's due reminders on one channel as their messages go, one per recipient:
    whom they have reached (kept in the outbox's `delivered`, so no later attempt sends them
    it again) and whom not yet; the reminders are marked once the last is reached."""

    reached: set[str]  # recipients' digests (`Recipient.digest`)
    waiting: set[str]
    refusal: str = ""  # why a channel refused one of them for good


@dataclass(frozen=True)
class Ready:
    """One recipient's message of a deadline on one channel, built, with the reminders it
    sends (those going late apart) and their progress, shared with the other recipients'."""

    channel: Channel[Any]
    message: Any  # the channel's own
    body_id: str
    on_time: list[int]
    late: list[int]
    late_message: bool  # the message itself says it is late
    whom: str  # the recipient's digest
    progress: Progress

    @property
    def ids(self) -> list[int]:
        return self.on_time + self.late


def _sender(run: Run, ready: queue.Queue[Ready | None]) -> None:
    """One sender's loop, a line (connection) per channel and its own to the outbox: begin
    each message, then end and mark it behind the gate. An error that is not the channel's
    (the store's), or a lost claim, stops the run; the queue is still drained."""
    lines: dict[str, Line[Any]] = {}
    own = run.ctx.store.outbox_line()
    try:
        while (item := ready.get()) is not None:
            if run.going:
                try:
                    _deliver(run, item, lines, own)
                except BaseException as error:  # re-raised by send_due, once every sender has stopped
                    if error not in run.failed:
                        run.failed.append(error)
    finally:
        for line in lines.values():
            line.close()
        own.close()


def _deliver(run: Run, item: Ready, lines: dict[str, Line[Any]], own: OutboxLine) -> None:
    """Send one prepared message on the sender's line for its channel, marked as soon as it
    is accepted. It begins only if the run still holds its claim (renewed here): else the
    run stops."""
    store, result = run.ctx.store, run.result
    if not own.renew(item.ids, run.token, run.wall()):
        with run.gate:
            result.lost += len(item.ids)
        run.stopped.set()
        return
    line = lines.get(item.channel.name) or lines.setdefault(item.channel.name, item.channel.line())
    try:
        line.begin(item.message)
        with run.gate:
            if not run.going:  # the run failed or lost a claim while this began: never end it
                line.drop()
                return
            line.end(item.message)
            try:
                _reached(run, item, own)
            except BaseException as error:  # said before the gate opens: no other message ends now
                run.failed.append(error)
                raise
            result.messages += 1
            result.late += item.late_message
    except Failed as failure:
        line.drop()  # a fresh connection next time
        progress = item.progress
        if failure.permanent:  # not tried again: the clerk hears why, to put the address right
            with run.gate:
                progress.waiting.discard(item.whom)
                progress.refusal = failure.reason
                if not progress.waiting:
                    _marked(run, item, own)
            return
        reached = [r.digest for r in failure.reached] + sorted(progress.reached)
        store.retry(item.ids, run.token, run.now, failure.reason, reached)
        with run.gate:
            result.retrying += len(item.ids)
            result.failure = failure.reason


def _reached(run: Run, item: Ready, own: OutboxLine) -> None:
    """A recipient has their message (under the gate): with others still waiting, keep whom
    the reminders have reached; with none, mark them sent (or refused, if one was)."""
    progress = item.progress
    progress.waiting.discard(item.whom)
    progress.reached.add(item.whom)
    if progress.waiting:
        kept = own.reached(item.ids, run.token, sorted(progress.reached))
        run.result.repeated += len(item.ids) - kept
        return
    _marked(run, item, own)


def _marked(run: Run, item: Ready, own: OutboxLine) -> None:
    """Every recipient of these reminders has had their message (under the gate): marked sent,
    or refused where a channel refused one for good (the clerk hears why)."""
    result, progress = run.result, item.progress
    if progress.refusal:
        own.finish(item.ids, status=ReminderStatus.REFUSED, last_error=progress.refusal[:500])
        result.refused[item.body_id] = result.refused.get(item.body_id, 0) + len(item.ids)
        result.refusal = progress.refusal
        return
    marked = sum(
        own.finish(ids, status=ReminderStatus.SENT, sent_at=run.now, late=late)
        for ids, late in ((item.on_time, False), (item.late, True))
        if ids
    )
    result.sent += len(item.ids)
    result.repeated += len(item.ids) - marked


@dataclass(frozen=True)
class Decided:
    """One deadline's due reminders decided at a moment: those that go (as one message,
    saying what the latest of them says) and those closed unsent, with why."""

    claimed: Claimed
    to_send: list[ReminderRow]
    closed: list[tuple[ReminderRow, ReminderStatus]]

    @property
    def latest(self) -> ReminderRow | None:
        return self.to_send[-1] if self.to_send else None

    def late(self, now: dt.datetime) -> bool:
        """Whether the message goes late: its latest reminder's moment passed while govcal was not sending."""
        return self.latest is not None and is_late(now, self.latest.due_at)


def decide(claimed: Claimed, now: dt.datetime) -> Decided:
    """Which of a deadline's due reminders go at `now`, and why the others do not
    (`scheduler.reminders.unsent`: done, cancelled, superseded by the overdue notice)."""
    deadline = claimed.deadline
    to_send: list[ReminderRow] = []
    closed: list[tuple[ReminderRow, ReminderStatus]] = []
    for reminder in claimed.reminders:
        decision: ReminderStatus | None = ReminderStatus.CANCELLED
        if deadline is not None:
            decision = unsent(
                reminder.kind,
                now,
                deadline.due,
                done=deadline.done_at is not None,
                cancelled=deadline.status == Status.CANCELLED,
            )
        if decision is None:
            to_send.append(reminder)
        else:
            closed.append((reminder, decision))
    return Decided(claimed, to_send if deadline is not None else [], closed)


def _prepare(run: Run, claimed: Claimed, meetings: Read) -> list[Ready]:
    """Decide one deadline's claimed reminders: close those that do not go (marked at once),
    and build a message for each recipient not yet reached, its action links signed for
    them; none when nothing goes."""
    if claimed.notice:
        return _prepare_notice(run, claimed, meetings)
    if claimed.reminders[0].kind == Kind.QUORUM:
        return _alert(run, claimed)
    ctx, now, result = run.ctx, run.now, run.result
    deadline, decided = claimed.deadline, decide(claimed, now)
    for reminder, decision in decided.closed:  # the senders count other fields: no lock needed
        run.deciding.finish([reminder.id], status=decision)
        result.done += decision is ReminderStatus.CANCELLED
        result.superseded += decision is ReminderStatus.SUPERSEDED
    if decided.latest is None or deadline is None:
        return []
    ids = [reminder.id for reminder in decided.to_send]
    reached = {digest for row in decided.to_send for digest in row.delivered or ()}  # on an attempt that failed
    to = [r for r in claimed.recipients if r.digest not in reached]
    if claimed.recipients and not to:  # every one reached before (a failure then was another's)
        marked = run.deciding.finish(ids, status=ReminderStatus.SENT, sent_at=now)
        with run.gate:  # the senders count sent messages too
            result.sent += marked
        return []
    if not claimed.recipients:  # not retried: nothing will change until someone is added
        run.deciding.finish(ids, status=ReminderStatus.NO_RECIPIENT)
        if claimed.channel == EMAIL:  # warned of: another channel is extra (its copy kept, said why)
            result.no_recipient[deadline.body_id] = result.no_recipient.get(deadline.body_id, 0) + len(ids)
        return []
    late = decided.late(now)
    channel = run.kinds[claimed.channel]
    late_ones = [row.id for row in decided.to_send if is_late(now, row.due_at)]
    on_time = [row.id for row in decided.to_send if row.id not in late_ones]
    progress = Progress(reached, {r.digest for r in to})
    several = len(claimed.recipients) > 1
    return [
        Ready(
            channel,
            channel.compose(_reminder(ctx, decided.latest, deadline, late, meetings, run.key, r, several), [r], now),
            deadline.body_id,
            on_time,
            late_ones,
            late,
            r.digest,
            progress,
        )
        for r in to
    ]


def _prepare_notice(run: Run, claimed: Claimed, meetings: Read) -> list[Ready]:
    """A meeting's notice to one member (`govcal.operations.notices`): closed if no longer
    needed, else its message built; none when nothing goes."""
    ctx, row, result = run.ctx, claimed.reminders[0], run.result
    meeting = meetings.meeting(row.deadline_id)
    decision = notices.unsent(row, meeting, run.now)
    if decision is not None or meeting is None:
        run.deciding.finish([row.id], status=decision or ReminderStatus.CANCELLED)
        result.done += 1
        return []
    if not claimed.recipients:  # the member's address was taken away meanwhile
        run.deciding.finish([row.id], status=ReminderStatus.NO_RECIPIENT)
        return []
    channel, member = run.kinds[claimed.channel], claimed.recipients[0]
    message = channel.compose(
        notices.notice(ctx, row, meeting, meetings.papers(meeting.id), member, run.key), [member], run.now
    )
    return [Ready(channel, message, row.body_id, [row.id], [], False, member.digest, Progress(set(), {member.digest}))]


def _alert(run: Run, claimed: Claimed) -> list[Ready]:
    """A meeting's quorum alert, by e-mail to its body's clerks (one message: it carries no
    one's links); closed unsent (cancelled) when it no longer applies, or with no one to tell."""
    ids = [reminder.id for reminder in claimed.reminders]
    first = claimed.reminders[0]
    said = attendance.alert(run.ctx, first.deadline_id, first.key, run.now)
    if said is None or not claimed.recipients or claimed.channel != EMAIL:
        no_one = said is not None and not claimed.recipients
        run.deciding.finish(ids, status=ReminderStatus.NO_RECIPIENT if no_one else ReminderStatus.CANCELLED)
        return []
    channel = run.kinds[EMAIL]
    message = channel.compose(said, claimed.recipients, run.now)
    return [Ready(channel, message, first.body_id, ids, [], False, "", Progress(set(), {""}))]


@dataclass(frozen=True)
class WouldSend:
    """What a send at a moment would do with one deadline's due reminders (a dry run)."""

    deadline: str
    body: str
    channel: str
    reminders: int
    outcome: str  # send, send late, no one to tell, or why not sent (done, cancelled, superseded)
    to: list[str]
    subject: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "deadline": self.deadline,
            "body": self.body,
            "channel": self.channel,
            "reminders": self.reminders,
            "outcome": self.outcome,
            "to": self.to,
            "subject": self.subject,
        }


def dry_run(ctx: Context, now: dt.datetime, wall: dt.datetime) -> list[WouldSend]:
    """What `send_due(now)` would do, decided the same way, with nothing sent or marked;
    `wall` is the wall clock's time, at which leases are judged."""
    said = []
    for claimed in ctx.store.due(now, wall):
        if claimed.notice:
            said.append(_would_send_notice(ctx, claimed, now))
            continue
        first = claimed.reminders[0]
        if first.kind == Kind.QUORUM:  # a meeting's quorum alert: sent if it still applies
            alert = attendance.alert(ctx, first.deadline_id, first.key, now)
            outcome = "not sent: cancelled" if alert is None else "send" if claimed.recipients else "no one to tell"
            to = [r.shown for r in claimed.recipients]
            said.append(
                WouldSend(
                    first.deadline_id, first.body_id, claimed.channel, 1, outcome, to, alert.subject if alert else ""
                )
            )
            continue
        decided, deadline = decide(claimed, now), claimed.deadline
        body = deadline.body_id if deadline is not None else ""
        for reason in sorted({str(status) for _, status in decided.closed}):
            count = sum(str(status) == reason for _, status in decided.closed)
            deadline_id, channel = claimed.reminders[0].deadline_id, claimed.channel
            said.append(WouldSend(deadline_id, body, channel, count, f"not sent: {reason}", [], ""))
        if decided.latest is None or deadline is None:
            continue
        late = decided.late(now)
        outcome = ("send late" if late else "send") if claimed.recipients else "no one to tell"
        subject = _reminder(ctx, decided.latest, deadline, late, Read(ctx)).subject
        to = [r.shown for r in claimed.recipients]
        said.append(WouldSend(deadline.id, body, claimed.channel, len(decided.to_send), outcome, to, subject))
    return said


def _would_send_notice(ctx: Context, claimed: Claimed, now: dt.datetime) -> WouldSend:
    """What a send would do with a meeting's notice to one member (a dry run)."""
    row = claimed.reminders[0]
    meeting = ctx.store.meeting(row.deadline_id)
    decision = notices.unsent(row, meeting, now)
    to = [r.shown for r in claimed.recipients]
    if decision is not None or meeting is None:
        return WouldSend(row.deadline_id, row.body_id, row.channel, 1, f"not sent: {decision}", [], "")
    if not claimed.recipients:
        return WouldSend(row.deadline_id, row.body_id, row.channel, 1, "no one to tell", [], "")
    subject = notices.notice(ctx, row, meeting, (), claimed.recipients[0], None).subject
    return WouldSend(row.deadline_id, row.body_id, row.channel, 1, "send", to, subject)


def _whom(to: Recipient) -> str:
    """Whom a message's action links are signed for: its e-mail address, a webhook's person
    (never its URL, a secret); "" for a body's own channel, which no one person acts from."""
    return to.address if to.channel == EMAIL else to.person


def _reminder(
    ctx: Context,
    reminder: ReminderRow,
    deadline: DeadlineRow,
    late: bool,
    meetings: Read,
    key: bytes | None = None,
    to: Recipient | None = None,
    several: bool = False,
) -> Reminder:
    """What a reminder says (by any channel): the deadline, its body, the meeting it is for
    (read once per run into `meetings`, with its papers: many deadlines hang on one meeting), and the action
    links signed for its recipient `to` with `key` (none without a key). Where the reminder
    goes to `several`, each recipient's message has a key of its own: the reminder's, then
    the recipient's digest (one recipient's message keeps the reminder's key)."""
    whom = _whom(to) if to is not None else ""
    body = ctx.rules.bodies.get(deadline.body_id)
    meeting, due_at = (meetings.meeting(mid) for mid in (deadline.meeting_id, deadline.counted_from))
    if due_at is not None and (meeting is None or due_at.id == meeting.id):
        due_at = None  # due for the meeting it is about: said once
    other = ctx.rules.bodies.get(meeting.body_id) if meeting is not None else None
    base = (ctx.settings.public_url or "").rstrip("/")
    public = meeting is not None and other is not None and other.meetings.public
    return Reminder(
        key=f"{reminder.key}#{to.digest}" if several and to is not None else reminder.key,
        overdue=reminder.kind == Kind.OVERDUE,
        late_since=reminder.due_at if late else None,
        body_name=body.name if body is not None else deadline.body_id,
        deadline_id=deadline.id,
        deadline_name=deadline.name,
        due=deadline.due,
        meeting_start=meeting.start if meeting is not None else None,
        meeting_where=meeting.location if meeting is not None else "",
        meeting_body=other.name
        if other is not None and meeting is not None and meeting.body_id != deadline.body_id
        else "",
        due_at_start=due_at.start if due_at is not None else None,
        due_at_where=due_at.location if due_at is not None else "",
        late_because=(reminder.last_error or "") if late else "",
        actions=tuple(
            links.links_for(key, base, whom, deadline.id, _expiry(deadline, due_at, meeting))
            if key and base and whom
            else ()
        ),
        link=f"{base}/planner#{meeting.id}" if base and public and meeting is not None else None,
        why=deadline.explanation,
        papers=listed(meetings.papers(meeting.id)) if meeting is not None else "",
    )


def _expiry(deadline: DeadlineRow, due_at: MeetingRow | None, meeting: MeetingRow | None) -> dt.datetime:
    """When a deadline's links expire: the meeting it is due at (or is for) begins."""
    at = due_at or meeting
    return links.expiry(deadline.due, at.start if at is not None else None)


@dataclass
class Read:
    """What one run reads once, though many of its messages ask: a meeting (many deadlines
    hang on one) and its papers (every member's notice of it lists them)."""

    ctx: Context
    meetings: dict[str, MeetingRow | None] = field(default_factory=dict)
    links: dict[str, tuple[MeetingLink, ...]] = field(default_factory=dict)

    def meeting(self, meeting_id: str | None) -> MeetingRow | None:
        if not meeting_id:
            return None
        if meeting_id not in self.meetings:
            self.meetings[meeting_id] = self.ctx.store.meeting(meeting_id)
        return self.meetings[meeting_id]

    def papers(self, meeting_id: str) -> tuple[MeetingLink, ...]:
        if meeting_id not in self.links:
            self.links[meeting_id] = tuple(self.ctx.store.meeting_links([meeting_id]).get(meeting_id, []))
        return self.links[meeting_id]


def _sender_address(ctx: Context, smtp: Smtp) -> str:
    return ctx.settings.mail_from or smtp.sender


def outbox(
    ctx: Context, state: str | None = None, limit: int | None = None, *, body: str | None = None, offset: int = 0
) -> list[dict[str, Any]]:
    """The reminders, soonest first, as scripts read them: all, or those in one state (of one
    body), at most `limit` from the `offset`th."""
    if state is not None:
        fields.choice(state, "state", STATES)
    if body is not None:
        body = ctx.body(body).id
    return [
        {
            "key": r.key,
            "deadline": r.deadline_id,
            "channel": r.channel,
            "kind": r.kind,
            "due": r.due_at.isoformat(),
            "state": said,
            "attempts": r.attempts,
            "last_error": r.last_error or None,
            "sent": r.sent_at.isoformat() if r.sent_at else None,
        }
        for r, said in ctx.store.outbox_rows(state, limit, body=body, offset=offset)
    ]


def outbox_counts(ctx: Context, body: str | None = None) -> dict[str, int]:
    """How many reminders are in each state (of one body), every state named (0 where none)."""
    counted = ctx.store.outbox_counts(None if body is None else ctx.body(body).id)
    return {state: counted.get(state, 0) for state in STATES}


def mark_done(ctx: Context, deadline_id: str, *, actor: str, now: dt.datetime, done: bool = True) -> bool:
    """A clerk marks a deadline done: its later reminders and overdue notice stop, and the
    clerk's calendar shows it done; `done=False` reopens it (undo). False if it already was so."""
    row = ctx.store.deadline(fields.text(deadline_id, "deadline", fields.ID))
    if row is None:
        raise NotFound(f"no deadline '{deadline_id}' in the store")
    action = "deadline:done" if done else "deadline:undo"
    body = ctx.body(row.body_id)
    summons = NoticeKind.SUMMONS if notices.summons_with(body, row.rule) else None  # its papers are out
    return ctx.store.mark_done(body, deadline_id, done, Audit(now, actor, action, deadline_id), summons)


# -- morning digests ---------------------------------------------------------------

MAX_DIGEST_DAYS = 20


@dataclass
class DigestsSent:
    """What one run of `send_digests` did: digests sent, empty (nothing to say), failed (tried again)."""

    sent: int = 0
    empty: int = 0
    failed: int = 0
    failure: str = ""  # why the mail server did not take the last that failed


def set_digest(ctx: Context, name: str, days: int | None, *, actor: str, now: dt.datetime) -> None:
    """A clerk (a PERSON: an address, or a name no one else has) asks for a morning digest
    of `days` working days (1 to 20), or stops it (None)."""
    name = person(name)
    if days is not None:
        days = fields.whole_number(days, "days", 1, MAX_DIGEST_DAYS, "a number of working days")
    detail = {"days": days} if days is not None else {}
    ctx.store.set_digest(name, days, Audit(now, actor, "member:digest" if days else "member:no-digest", name, detail))


def send_digests(
    ctx: Context, now: dt.datetime, smtp: Smtp, worker: str, *, wall: Callable[[], dt.datetime]
) -> DigestsSent:
    """Send each subscribing clerk's digest for today, once, if it is time (see the module
    docstring); claims are held on the wall clock `wall` reads, as `send_due`'s are."""
    result = DigestsSent()
    today = london_day(now)
    token = claim_token(worker)
    for subscriber in ctx.store.subscribers(today, wall()):
        digest = _digest(ctx, subscriber, now)
        if digest is None or not ctx.store.claim_digest(subscriber.member_id, digest.day, token, wall()):
            continue
        listed = len(digest.due) + len(digest.overdue)
        if not listed:
            ctx.store.finish_digest(subscriber.member_id, digest.day, 0, None)
            result.empty += 1
            continue
        try:
            with contextlib.closing(smtp.connect()) as connection:
                digest_message(digest, subscriber.email, _sender_address(ctx, smtp), now).send(connection)
        except (OSError, smtplib.SMTPException) as error:
            ctx.store.release_digest(subscriber.member_id, digest.day)
            result.failed += 1
            result.failure = refusal(error)
            continue
        ctx.store.finish_digest(subscriber.member_id, digest.day, listed, now)
        result.sent += 1
    return result


def _digest(ctx: Context, subscriber: Subscriber, now: dt.datetime) -> Digest | None:
    """A clerk's digest at `now`, or None when none goes now (before 08:00, not a working day)."""
    bodies = [ctx.rules.bodies[b] for b in subscriber.bodies if b in ctx.rules.bodies]
    window = digest_window([body_calendar(b) for b in bodies], now, subscriber.days)
    if window is None:
        return None
    base = (ctx.settings.public_url or "").rstrip("/")
    key = links.key(ctx, now) if base else None
    due, overdue = _listed(ctx, [b.id for b in bodies], window, key, base, subscriber.email)
    return Digest(
        key=f"digest-{subscriber.member_id}-{window.day.isoformat()}",
        clerk=subscriber.name,
        day=window.day,
        days=subscriber.days,
        last=window.last,
        due=due,
        overdue=overdue,
        link=f"{base}/planner" if base else None,
    )


def _listed(
    ctx: Context, body_ids: list[str], window: DigestWindow, key: bytes | None, base: str, whom: str
) -> tuple[list[DigestLine], list[DigestLine]]:
    """The open deadlines of these bodies in the window: those due, and those overdue, each
    with its link signed for `whom` (where there is a key)."""
    due: list[DigestLine] = []
    overdue: list[DigestLine] = []
    meetings = {m.id: m for m in ctx.store.meetings(body_ids)}
    for row in ctx.store.deadlines(body_ids):
        if row.done_at is not None or row.status == Status.CANCELLED:
            continue
        when = row.due
        listed = due if window.due(when) else overdue if window.overdue(when) else None
        if listed is None:
            continue
        meeting, due_at = meetings.get(row.meeting_id or ""), meetings.get(row.counted_from or "")
        line = DigestLine(
            due=when,
            deadline_id=row.id,
            deadline_name=row.name,
            body_name=ctx.rules.bodies[row.body_id].name,
            meeting_start=meeting.start if meeting is not None else None,
            due_at_start=due_at.start if due_at is not None and meeting is not None and due_at is not meeting else None,
            link=links.links_for(key, base, whom, row.id, _expiry(row, due_at, meeting), ("open",))[0][1]
            if key
            else "",
        )
        listed.append(line)
    return sorted(due, key=lambda d: d.due), sorted(overdue, key=lambda d: d.due)
