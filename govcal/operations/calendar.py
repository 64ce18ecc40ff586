"""The calendar of meetings: every chosen body's meetings in the council's year, with the bank
holidays of the nations they are in, as plain values (`govcal.printed` lays them out).

The council's year runs twelve months from its first month (`Settings.year_start`: May, the
municipal year, unless set). Each body's meetings are those of its cycle years that fall in
it, as the year stands: kept meetings as kept (moved, extraordinary, cancelled), the rest as
the rules place them, so a year nobody has kept yet can be printed for approval.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from dateutil.relativedelta import relativedelta

from govcal.operations import fields
from govcal.operations.context import Context
from govcal.operations.planning import standing
from govcal.printed import Calendar, Holidays, Row, Sitting
from rules.errors import NotFound, RuleError
from rules.model import NATION_NAMES, NATIONS, Body
from scheduler.occurrences import Meeting, cycle_bounds, cycle_containing, cycle_label
from scheduler.planner import Planner
from scheduler.workdays import london_day, working_calendar

MONTHS = 12


def council_year(ctx: Context, today: dt.date) -> int:
    """The council's year `today` falls in, by the calendar year it starts in."""
    return cycle_containing(ctx.settings.year_start, today)


def calendar_of_meetings(
    ctx: Context, year: object, body_ids: Sequence[str] = (), *, private: bool, now: dt.datetime
) -> Calendar:
    """The calendar of the council's year starting in `year`: the named bodies (default: all of
    them), public ones only unless `private`; produced on London's day at `now`. A body not
    known, or meeting in private when `private` is not given, is a `RuleError` on `body`."""
    start = ctx.settings.year_start
    year = fields.cycle_year(year, "year")
    first, last = cycle_bounds(start, year)
    bodies = _chosen(ctx, body_ids, private)
    meetings = _meetings(ctx, bodies, first, last, now)
    months = tuple(first + relativedelta(months=i) for i in range(MONTHS))
    rows = tuple(
        Row(
            body.name,
            not body.meetings.public,
            tuple(
                tuple(
                    Sitting(m.date, m.status)
                    for m in meetings[body.id]
                    if (m.date.year, m.date.month) == (mo.year, mo.month)
                )
                for mo in months
            ),
        )
        for body in bodies
    )
    nations = sorted({body.nation for body in bodies}, key=NATIONS.index)
    holidays = tuple(
        Holidays(NATION_NAMES[n], tuple(working_calendar(n).holidays_in(first, last).items())) for n in nations
    )
    return Calendar(
        ctx.settings.council_name, cycle_label(start, year), months, rows, holidays, london_day(now), private
    )


def _chosen(ctx: Context, body_ids: Sequence[str], private: bool) -> list[Body]:
    """The bodies named (each once, in the order named), else every body in order of name;
    only those meeting in public unless `private`."""
    if not body_ids:
        return sorted((b for b in ctx.rules if private or b.meetings.public), key=lambda b: b.name.lower())
    chosen = []
    for body_id in dict.fromkeys(body_ids):
        try:
            body = ctx.body(body_id)
        except NotFound as error:
            raise NotFound(error.message, field="body") from None
        if not (private or body.meetings.public):
            raise RuleError(
                f"'{body.id}' meets in private: include private bodies to put it on the calendar", field="body"
            )
        chosen.append(body)
    return chosen


def _meetings(
    ctx: Context, bodies: Sequence[Body], first: dt.date, last: dt.date, now: dt.datetime
) -> dict[str, list[Meeting]]:
    """Each body's meetings from `first` to `last`, as the year stands at `now`: the rules' plan
    with the kept meetings laid over it (the rules alone while there is no database)."""
    cycles = [
        (body.id, each)
        for body in bodies
        for each in range(
            max(fields.FIRST_CYCLE, cycle_containing(body.cycle_start, first)),
            min(fields.LAST_CYCLE, cycle_containing(body.cycle_start, last)) + 1,
        )
    ]
    found: dict[str, list[Meeting]] = {body.id: [] for body in bodies}
    if not cycles:
        return found
    if ctx.has_store():
        with ctx.store.replanning() as kept:
            planner: Planner = standing(ctx, kept, cycles, now)
            plans = [planner.body_plan(*cycle) for cycle in cycles]
            kept.discard()  # a reading, not a change
    else:
        plans = [ctx.planner.body_plan(*cycle) for cycle in cycles]
    for plan in plans:
        found[plan.body.id] += [m for m in plan.meetings if first <= m.date <= last]
    for meetings in found.values():
        meetings.sort(key=lambda m: (m.date, m.start))
    return found
