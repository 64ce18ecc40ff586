"""A rule change mid-year: the year kept under the older placement, re-planned in December
(issue 27, point 3), on SQLite and PostgreSQL, from a clock the tests pass in.

Before report ordering (commit db272b9) the Worcestershire Programme Board and JCGs met in
the first month of each quarter; today's planner would move those meetings for the reports,
so the older placement is reproduced by pinning the months (`months: [april, july, october,
january]`, which report ordering never moves). Dates counted on a calendar:

- Board, first Thursday at 10:00: Thu 2 Apr (1 Apr is a Wednesday), Thu 2 Jul (1 Jul a
  Wednesday), Thu 1 Oct 2026, Thu 7 Jan 2027 (1 Jan a Friday).
- JCGs, second Monday at 14:00: Mon 13 Apr (Mondays 6 (Easter Monday), 13), Mon 13 Jul
  (6, 13), Mon 12 Oct 2026 (5, 12), Mon 11 Jan 2027 (4, 11).

Re-planned on Sun 6 Dec 2026 with the shipped rules. The Q4 reports:
- to the PAB, 8 working days before its Wed 13 Jan 2027 meeting: 12, 11, 8, 7, 6, 5, 4 Jan,
  (1 Jan a bank holiday) 31 Dec, in the County Council's Christmas closure (24 Dec-1 Jan),
  so Wed 23 Dec 2026; six weeks before it is Wed 11 Nov.
- to the JCB, 8 working days before its Tue 19 Jan 2027 meeting: 18, 15, 14, 13, 12, 11, 8,
  7 Jan, so Thu 7 Jan 2027; six weeks before it is Thu 26 Nov.
The October meetings were held; the Jan-Mar meetings move to the month before the next
year's first reports: Thu 4 Mar 2027 (1 Mar a Monday) and Mon 8 Mar 2027 (Mondays 1, 8).
Those reports: to the PAB before Wed 14 Apr 2027 (Wednesdays 7, 14): 13, 12, 9, 8, 7, 6, 5,
2 Apr, so Fri 2 Apr (29 days after 4 Mar); to the JCB before Tue 20 Apr 2027 (Tuesdays 6,
13, 20): 19, 16, 15, 14, 13, 12, 9, 8 Apr, so Thu 8 Apr (35 days after 4 Mar, 31 after 8 Mar).
Nothing held in Oct-Dec can precede the Q4 reports, and no allowed move can: a meeting is
added. The Board's first Thursday of December, Thu 3 Dec, is past on 6 Dec: the next same
weekday, Thu 10 Dec (13 days before 23 Dec, 28 before 7 Jan). The JCGs' second Monday of
December: Mon 14 Dec (Mondays 7, 14; 24 days before 7 Jan).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from conftest import context, edit_meeting, keep
from govcal.operations import planning
from rules.loader import load_rules, seeds_dir
from scheduler.store.tables import AuditRow, MeetingRow

BOARD, JCGS = "worcestershire-programme-board", "worcestershire-jcgs"
BODIES = [BOARD, JCGS]
APRIL = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)  # Wed 1 Apr 2026: kept before the first meeting
DECEMBER = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)  # Sun 6 Dec 2026, noon: re-planned
ADDED_BOARD, ADDED_JCGS = f"{BOARD}/2026-27/for-report-01", f"{JCGS}/2026-27/for-report-01"

OLDER = {  # as kept in April under the older placement
    f"{BOARD}/2026-27/meeting-01": dt.date(2026, 4, 2),
    f"{BOARD}/2026-27/meeting-02": dt.date(2026, 7, 2),
    f"{BOARD}/2026-27/meeting-03": dt.date(2026, 10, 1),
    f"{BOARD}/2026-27/meeting-04": dt.date(2027, 1, 7),
    f"{JCGS}/2026-27/meeting-01": dt.date(2026, 4, 13),
    f"{JCGS}/2026-27/meeting-02": dt.date(2026, 7, 13),
    f"{JCGS}/2026-27/meeting-03": dt.date(2026, 10, 12),
    f"{JCGS}/2026-27/meeting-04": dt.date(2027, 1, 11),
}
REPLANNED = {  # re-planned on 6 Dec: the held stay, the Jan-Mar ones move to March, two are added
    **OLDER,
    f"{BOARD}/2026-27/meeting-04": dt.date(2027, 3, 4),
    f"{JCGS}/2026-27/meeting-04": dt.date(2027, 3, 8),
    ADDED_BOARD: dt.date(2026, 12, 10),
    ADDED_JCGS: dt.date(2026, 12, 14),
}


def older_rules(folder: Path):
    """The shipped seeds with the Board and the JCGs meeting in the first month of each quarter."""
    shutil.copytree(seeds_dir(), folder)
    for body_id in BODIES:
        path = folder / f"{body_id}.yaml"
        text = path.read_text()
        assert "  frequency: quarterly\n" in text
        path.write_text(
            text.replace(
                "  frequency: quarterly\n", "  frequency: quarterly\n  months: [april, july, october, january]\n"
            )
        )
    return load_rules([folder])


def kept(ctx) -> dict[str, tuple[dt.date, str, bool]]:
    return {row.id: (row.date, row.status, row.manual) for row in ctx.store.meetings(BODIES)}


def days(ctx) -> dict[str, dt.date]:
    return {meeting_id: day for meeting_id, (day, status, _) in kept(ctx).items() if status != "cancelled"}


def report_findings(ctx, body_id: str, now: dt.datetime | None = DECEMBER):
    return [f for f in planning.check_kept(ctx, body_id, 2026, now=now) if f.rule == "reports follow a meeting"]


@pytest.fixture
def replanned(database, tmp_path):
    """The year kept in April 2026 under the older placement, re-planned on Sun 6 Dec 2026."""
    older = context(older_rules(tmp_path / "older"), database)
    keep(older, [2026], BODIES, now=APRIL)
    assert days(older) == OLDER
    ctx = context(load_rules(), database)
    return ctx, planning.keep_year(ctx, [2026], BODIES, actor="govcal plan", now=DECEMBER)


def test_a_replan_after_a_rule_change_adds_the_meeting_the_reports_need_and_the_kept_year_passes(replanned):
    ctx, result = replanned
    assert days(ctx) == REPLANNED
    assert kept(ctx)[ADDED_BOARD] == (dt.date(2026, 12, 10), "added", False)  # added by the rules, not an admin
    assert sorted(result.changes.added) == [ADDED_JCGS, ADDED_BOARD]
    assert sorted(result.changes.moved) == [f"{JCGS}/2026-27/meeting-04", f"{BOARD}/2026-27/meeting-04"]
    assert result.changes.cancelled == [] and result.changes.conflicts == []
    # the held meetings were left as they were, and the re-plan says what the rules alone now give:
    # the Board's first Thursdays of June, September, December (4 Jun, 3 Sep, 3 Dec 2026), the
    # JCGs' second Mondays of June, September, December (8 Jun (Mondays 1, 8), 14 Sep (7, 14), 14 Dec)
    assert sorted(line.split(": ", 1)[1] for line in result.changes.left_alone) == sorted(
        f"{OLDER[f'{body}/2026-27/meeting-0{n}']} is past; the rules now give {day}; left as it was"
        for body, n, day in [
            (BOARD, 1, "2026-06-04"),
            (BOARD, 2, "2026-09-03"),
            (BOARD, 3, "2026-12-03"),
            (JCGS, 1, "2026-06-08"),
            (JCGS, 2, "2026-09-14"),
            (JCGS, 3, "2026-12-14"),
        ]
    )
    # the re-plan diff says it was added, and which rule asked for it
    pab = "Quarterly report to Worcestershire Partnership Advisory Body"
    jcb = "Quarterly report to Worcestershire Joint Commissioning Board"
    said = {change.id: change.said() for change in result.listed()}
    assert said[ADDED_BOARD] == (
        f"added: Worcestershire Programme Board ({BOARD}): Thu 10 Dec 2026 10:00: a meeting added: the {pab} due"
        f" Wed 23 Dec 2026 and the {jcb} due Thu 07 Jan 2027 must follow a meeting held at most 6 weeks"
        " (local practice) before them (F10, clause 13.3, App. 2)"
    )
    assert said[ADDED_JCGS] == (
        f"added: Worcestershire Joint Commissioning Groups ({JCGS}): Mon 14 Dec 2026 14:00: a meeting added: the"
        f" {jcb} due Thu 07 Jan 2027 must follow a meeting held at most 6 weeks (local practice) before it"
        " (F11, clause 13.5)"
    )
    # so does `explain`, with the held meeting that could not move and the day that had passed
    lines = planning.explain(ctx, ADDED_BOARD, now=DECEMBER, kept=True).lines()
    assert lines[0] == "kept: added on Thu 10 Dec 2026 (version 0)"
    assert f"rule: a meeting added: the {pab} due Wed 23 Dec 2026 and the {jcb} due Thu 07 Jan 2027" in lines[2]
    assert (
        "anchor: Oct 2026 to Dec 2026: its meeting was held on Thu 01 Oct 2026, and cannot move; 'quarterly' is"
        " at least one a period; preferred day first Thursday of December 2026"
    ) in lines
    assert "adjusted: Thu 03 Dec 2026 is past; moved to the next same weekday, Thu 10 Dec 2026" in lines
    # and the audit: who added it, when, and why
    with ctx.store.session() as session:
        audit = session.query(AuditRow).filter(AuditRow.target == ADDED_JCGS).one()
    assert (audit.actor, audit.action) == ("govcal plan", "plan:added")
    assert audit.detail["because"].startswith(f"a meeting added: the {jcb} due Thu 07 Jan 2027")

    # every report still to come follows a meeting at most six weeks before it; the kept year passes
    board, jcgs = report_findings(ctx, BOARD), report_findings(ctx, JCGS)
    assert [f for f in board + jcgs if f.ok is False] == []
    met = {f.message for f in board + jcgs if f.ok and not f.warning}
    follows = "{} due {} follows the meeting on {} and comes before the one it goes to, {}"
    assert {  # the reports still to come in the cycle: the Board's two, the JCGs' one
        follows.format(pab, "Wed 23 Dec 2026", "Thu 10 Dec 2026", "Wed 13 Jan 2027"),
        follows.format(jcb, "Thu 07 Jan 2027", "Thu 10 Dec 2026", "Tue 19 Jan 2027"),
        follows.format(jcb, "Thu 07 Jan 2027", "Mon 14 Dec 2026", "Tue 19 Jan 2027"),
    } <= met
    assert planning.verdict(planning.check_kept(ctx, BOARD, 2026, now=DECEMBER))["complies"]
    assert planning.verdict(planning.check_kept(ctx, JCGS, 2026, now=DECEMBER))["complies"]
    # the past is history: what it missed under the older placement is said, as a warning:
    # the PAB's Q2 report, due Fri 26 Jun (six weeks back: Fri 15 May), between Thu 2 Apr and Thu 2 Jul;
    # the JCGs' reports due Thu 9 Jul and Thu 8 Oct, each a few days before the meeting it should follow
    history = sorted(f.message.split(" follows")[0] for f in board + jcgs if f.warning)
    assert history == [f"{jcb} due Thu 08 Oct 2026", f"{jcb} due Thu 09 Jul 2026", f"{pab} due Fri 26 Jun 2026"]
    assert all(
        f.message.endswith("past, kept as it was (history; nothing can be moved for it now)")
        for f in board + jcgs
        if f.warning
    )
    # (asked without a moment, the check judges the past too)
    assert [f.ok for f in report_findings(ctx, BOARD, now=None)].count(False) == 1

    # a re-plan straight after changes nothing; nor does one after the added meetings are held (Tue 15 Dec)
    for now in (DECEMBER + dt.timedelta(minutes=1), dt.datetime(2026, 12, 15, 9, 0, tzinfo=dt.UTC)):
        again = keep(ctx, [2026], BODIES, now=now)
        assert not again.changed and again.conflicts == [] and len(again.left_alone) == 6  # as above
        assert days(ctx) == REPLANNED


def test_a_replan_straight_after_an_admins_edits_changes_nothing(replanned):
    ctx, _ = replanned
    when = DECEMBER + dt.timedelta(hours=1)
    # the Board's added meeting moved from Thu 10 Dec to Wed 16 Dec (7 days before 23 Dec, 22 before 7 Jan);
    # the JCGs' March meeting from Mon 8 Mar to Mon 1 Mar 2027 (38 days before Thu 8 Apr)
    assert edit_meeting(
        ctx, "move", actor="clerk", meeting_id=ADDED_BOARD, day=dt.date(2026, 12, 16), now=when
    ).committed
    march = f"{JCGS}/2026-27/meeting-04"
    assert edit_meeting(ctx, "move", actor="clerk", meeting_id=march, day=dt.date(2027, 3, 1), now=when).committed
    before = kept(ctx)
    assert before[ADDED_BOARD] == (dt.date(2026, 12, 16), "moved", True)
    assert before[march] == (dt.date(2027, 3, 1), "moved", True)
    again = keep(ctx, [2026], BODIES, now=when + dt.timedelta(minutes=1))
    assert not again.changed and again.conflicts == []
    assert kept(ctx) == before
    assert [f for f in report_findings(ctx, BOARD) + report_findings(ctx, JCGS) if f.ok is False] == []


def test_a_meeting_an_admin_cancelled_stays_cancelled_and_the_check_says_what_it_breaks(replanned):
    ctx, _ = replanned
    when = DECEMBER + dt.timedelta(hours=1)
    cancelled = edit_meeting(
        ctx, "cancel", actor="clerk", meeting_id=ADDED_BOARD, force=True, now=when, reason="no business"
    )
    assert cancelled.committed
    again = keep(ctx, [2026], BODIES, now=when + dt.timedelta(minutes=1))
    assert not again.changed and again.added == []
    assert kept(ctx)[ADDED_BOARD] == (dt.date(2026, 12, 10), "cancelled", True)
    assert not [m for m in kept(ctx) if m.startswith(f"{BOARD}/2026-27/for-report-02")]  # none added in its place
    failed = sorted(f.message for f in report_findings(ctx, BOARD) if f.ok is False)
    assert failed == [
        "Quarterly report to Worcestershire Joint Commissioning Board due Thu 07 Jan 2027 follows no meeting of"
        " the body in the 6 weeks (local practice) before it",
        "Quarterly report to Worcestershire Partnership Advisory Body due Wed 23 Dec 2026 follows no meeting of"
        " the body in the 6 weeks (local practice) before it",
    ]
    with ctx.store.session() as session:
        assert session.get(MeetingRow, ADDED_BOARD).status == "cancelled"


def test_a_year_kept_under_the_shipped_rules_leaves_nothing_alone_once_its_first_meeting_is_held(database):
    """Held meetings are fixed for the meetings still to come, but what the rules alone give
    them stays the rules' answer: the Board's first meeting, moved for its reports to Thu 4 Jun
    2026 (the first Thursday of June; 1 Jun is a Monday), is what the rules give when it is held."""
    ctx = context(load_rules(), database)
    keep(ctx, [2026], [BOARD], now=APRIL)
    assert days(ctx)[f"{BOARD}/2026-27/meeting-01"] == dt.date(2026, 6, 4)
    later = keep(ctx, [2026], [BOARD], now=dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC))  # Wed 1 Jul 2026
    assert not later.changed and later.left_alone == [] and later.added == []
