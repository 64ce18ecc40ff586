"""Extraordinary meetings on request: who may call one, and which days can hold it.

A request is received by the Chair at a moment; the window runs from that day to
receipt + N calendar days inclusive (14 by default, clause E3). The meeting must be
on a working day inside it. Papers can go out at the earliest on the first working
day on or after receipt, so a day meets the notice rule when its notice deadline is
not before that day. Received Fri 18 Dec 2026 with 8 working days' notice: the
first day that meets it is Mon 4 Jan 2027, after the window closes on Fri 1 Jan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from rules.errors import RuleError
from rules.model import ExtraordinaryRule
from rules.offsets import Offset
from scheduler.preferences import NOTHING, Avoided
from scheduler.workdays import WorkingCalendar


@dataclass(frozen=True, slots=True)
class Request:
    """Who asked for the meeting, and when the Chair received the request."""

    received: dt.datetime
    requested_by: str | None = None
    seconded_by: str | None = None
    by_chair: bool = False

    def note(self) -> str:
        """Who called the meeting and when, as the meeting's explanation says it."""
        who = "the Chair" if self.by_chair else f"{self.requested_by}, seconded by {self.seconded_by}"
        return f"extraordinary meeting called by {who}; request received {self.received:%a %d %b %Y %H:%M}"


@dataclass(frozen=True, slots=True)
class Proposal:
    """A day in the window, with the paper notice it allows."""

    date: dt.date
    notice_deadline: dt.date
    notice_working_days: int  # working days from the first day papers can go out to the meeting
    meets_notice: bool
    avoided: str = ""  # why the body would rather not meet then (a closure, the school holidays), if so


@dataclass(frozen=True)
class Proposals:
    """Every working day in the window, best notice first, and the verdict."""

    papers_from: dt.date
    window_end: dt.date
    latest_meeting: dt.date | None
    earliest_meeting_with_notice: dt.date | None
    first_date_with_notice: dt.date
    proposals: list[Proposal]

    @property
    def feasible(self) -> bool:
        """Some day in the window meets the notice rule."""
        return self.earliest_meeting_with_notice is not None

    def as_dict(self, notice: Offset, request: Request) -> dict[str, Any]:
        """The proposals as JSON for the CLI's --json and the admin API."""

        def iso(day: dt.date | None) -> str | None:
            return day.isoformat() if day else None

        return {
            "received": request.received.isoformat(),
            "requested_by": "Chair" if request.by_chair else request.requested_by,
            "seconded_by": request.seconded_by,
            "notice": str(notice),
            "papers_from": iso(self.papers_from),
            "window_end": iso(self.window_end),
            "latest_meeting": iso(self.latest_meeting),
            "earliest_meeting_with_notice": iso(self.earliest_meeting_with_notice),
            "first_date_with_notice": iso(self.first_date_with_notice),
            "feasible": self.feasible,
            "verdict": self.verdict(),
            "proposals": [
                {
                    "date": iso(p.date),
                    "notice_deadline": iso(p.notice_deadline),
                    "notice_working_days": p.notice_working_days,
                    "meets_notice": p.meets_notice,
                    "avoided": p.avoided or None,
                }
                for p in self.proposals
            ],
        }

    def chosen(self, day: dt.date, request: Request, calendar: WorkingCalendar) -> Proposal:
        """The proposal for `day`, which must be a working day in the window."""
        for proposal in self.proposals:
            if proposal.date == day:
                return proposal
        window = f"{request.received:%a %d %b} to {self.window_end:%a %d %b %Y}"
        if not request.received.date() <= day <= self.window_end:
            raise RuleError(f"{day:%a %d %b %Y} is outside the window for this request ({window})")
        raise RuleError(f"{day:%a %d %b %Y} is not a working day ({calendar.reason(day)}); the window is {window}")

    def notice_missed(self, proposal: Proposal) -> str | None:
        """Why a day leaves too little notice for the papers, or None if it leaves enough."""
        if proposal.meets_notice:
            return None
        return (
            f"{proposal.date} leaves papers due {proposal.notice_deadline},"
            f" before they can go out on {self.papers_from}"
        )

    def verdict(self) -> str:
        """The answer in one sentence, for the clerk."""
        earliest = self.earliest_meeting_with_notice
        if earliest is not None:  # feasible
            return (
                f"the earliest meeting that meets the notice rule is {earliest:%a %d %b %Y}; "
                f"the window closes {self.window_end:%a %d %b %Y}"
            )
        return (
            f"no day in the window (to {self.window_end:%a %d %b %Y}) meets the notice rule: "
            f"the first that does is {self.first_date_with_notice:%a %d %b %Y}, outside the window"
        )


def validate(request: Request, rule: ExtraordinaryRule | None) -> None:
    """Refuse a request the terms of reference do not allow (E1, E2)."""
    cite = f" ({rule.cite})" if rule else ""
    if request.by_chair:
        if rule is not None and not rule.chair_may_call:
            raise RuleError(f"the Chair may not call an extraordinary meeting of this body{cite}")
        return
    if not request.requested_by:
        raise RuleError("say which member asked for the meeting, or that the Chair calls it")
    if (rule is None or rule.seconder_required) and not request.seconded_by:
        raise RuleError(f"a member's request needs the written agreement of another member, its seconder{cite}")
    if request.seconded_by and request.seconded_by.strip().lower() == request.requested_by.strip().lower():
        raise RuleError(f"the seconder must be another member, not {request.requested_by}{cite}")


def propose(
    request: Request, notice: Offset, window: Offset, calendar: WorkingCalendar, avoided: Avoided = NOTHING
) -> Proposals:
    """The working days inside the window, ordered by the paper notice each allows; days the
    body avoids (`scheduler.preferences`) after the others, saying why."""
    received = request.received.date()
    window_end = received + dt.timedelta(days=window.n)
    papers_from = calendar.on_or_after(received)
    days = list(calendar.working_days(received, window_end))
    proposals = []
    for day in days:
        deadline = calendar.shift(day, notice)
        allowed = sum(1 for _ in calendar.working_days(papers_from, day)) - 1 if day >= papers_from else 0
        proposals.append(Proposal(day, deadline, max(allowed, 0), deadline >= papers_from, avoided.why(day) or ""))
    meeting = [p.date for p in proposals if p.meets_notice]
    first = meeting[0] if meeting else _first_with_notice(window_end, papers_from, notice, calendar)
    proposals.sort(key=lambda p: (not p.meets_notice, bool(p.avoided), -p.notice_working_days, p.date))
    return Proposals(
        papers_from=papers_from,
        window_end=window_end,
        latest_meeting=days[-1] if days else None,
        earliest_meeting_with_notice=meeting[0] if meeting else None,
        first_date_with_notice=first,
        proposals=proposals,
    )


def _first_with_notice(after: dt.date, papers_from: dt.date, notice: Offset, calendar: WorkingCalendar) -> dt.date:
    """The first working day after the window whose notice deadline is not before `papers_from`."""
    day = calendar.working_days_after(after, 1)
    while calendar.shift(day, notice) < papers_from:
        day = calendar.working_days_after(day, 1)
    return day
