"""What every channel kind is: it composes a reminder's message for its recipients, and
sends it on a line that a sender keeps between messages, in two steps (`Line.begin`, then
`Line.end`, the moment the receiver has it), so the dispatcher can end one message at a
time and mark it sent at once (`govcal.operations.reminders.send_due`)."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar, Generic, TypeVar

from govcal.mail import Said
from scheduler.reminders import Recipient

M = TypeVar("M")  # a kind's message


class Failed(Exception):
    """A message a channel did not take, with why on one line. `permanent`: sending it again
    cannot help (a webhook's 4xx: the address is wrong), so it is not retried but reported;
    otherwise (a server down or answering 5xx) it is tried again with back-off."""

    def __init__(self, reason: str, *, permanent: bool = False, reached: Sequence[Recipient] = ()) -> None:
        super().__init__(reason)
        self.reason = " ".join(reason.split()) or "no reason given"
        self.permanent = permanent
        self.reached = tuple(reached)  # recipients it reached all the same (one POST each), not to be sent it again


class Line(ABC, Generic[M]):
    """One sender's way out on a channel (an SMTP connection), opened on first use and kept
    between messages; each failure a `Failed`."""

    @abstractmethod
    def begin(self, message: M) -> None:
        """All of sending but the receiver's taking it: a message begun and never ended is not delivered."""

    @abstractmethod
    def end(self, message: M) -> None:
        """The receiver takes the message begun: once this returns, it has it."""

    @abstractmethod
    def drop(self) -> None:
        """Forget the connection (after a failure, or with a message begun and not to be ended)."""

    @abstractmethod
    def close(self) -> None:
        """The sender is done: close the connection politely."""


class Channel(ABC, Generic[M]):
    """A kind of channel, ready to send: its name (the outbox's `channel`) and how it
    composes and sends a reminder."""

    name: ClassVar[str]

    @abstractmethod
    def compose(self, reminder: Said, to: Sequence[Recipient], now: dt.datetime) -> M:
        """The message telling `to` (this channel's recipients) of `reminder` (or a meeting's
        notice); its key is the idempotency key."""

    @abstractmethod
    def line(self) -> Line[M]:
        """A new line for one sender."""
