"""Time at the edge: the wall clock, read here and passed in to everything below, and
the reminder clock that `govcal serve` runs."""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING

from rules.errors import DatabaseUnavailable

if TYPE_CHECKING:  # APScheduler (and the operations) are imported by what serves: the CLI starts quickly
    from apscheduler.schedulers.background import BackgroundScheduler

    from govcal.mail import Smtp
    from govcal.operations import Context

JOB_ID = "govcal-dispatch-reminders"


def utc_now() -> dt.datetime:
    """Now, in UTC: the one place below the faces that asks the clock."""
    return dt.datetime.now(dt.UTC)


def dispatch(ctx: Context, now: dt.datetime, smtp: Smtp, worker: str) -> None:
    """One tick: the reminders due at `now`, then any clerk's morning digest now due.

    A database away is said once (`ctx.outage`) and the tick simply ends: the outbox holds
    what is due, so the next tick after it is back sends it.
    """
    from govcal.operations.reminders import send_digests, send_due

    try:
        result = send_due(ctx, now, smtp, worker, wall=utc_now)
        said = result.claims_said() + result.refused_said()
        if result.retrying:  # the operator hears why, not only how many
            said.append(f"{result.retrying} to retry with back-off: {result.failure}")
        digests = send_digests(ctx, now, smtp, worker, wall=utc_now)
        if digests.failed:
            said.append(f"{digests.failed} morning digests to retry: {digests.failure}")
        for line in said:
            print(f"{utc_now():%Y-%m-%dT%H:%M:%SZ} reminders: {line}", file=sys.stderr, flush=True)
    except DatabaseUnavailable as error:
        ctx.outage.lost(error)
    else:
        ctx.outage.back()


def start_reminder_clock(
    ctx: Context, smtp: Smtp, worker: str, every: dt.timedelta = dt.timedelta(minutes=1)
) -> BackgroundScheduler:
    """APScheduler as the clock only: one interval job, fixed id, that calls send_due(now).

    coalesce, max_instances=1 and misfire_grace_time=None: a late tick runs once,
    never twice and never not at all. The outbox, not the scheduler, holds what is due.
    """
    from apscheduler.schedulers.background import BackgroundScheduler

    clock = BackgroundScheduler(timezone="UTC")
    clock.add_job(
        lambda: dispatch(ctx, utc_now(), smtp, worker),
        "interval",
        seconds=every.total_seconds(),
        id=JOB_ID,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,
        next_run_time=utc_now(),
    )
    clock.start()
    return clock
