"""The year as a clerk lives it, on SQLite and PostgreSQL, from a clock the tests pass in.

Planned in April, edited in summer, re-planned in between, the rules changed in
December, reminders sent each day: every derived date follows the meetings as they
stand, the past stays as it was, and reminders go once, to someone, when due.

Dates were counted on a calendar. The Worcestershire JCB meets on third Tuesdays at
14:00: 21 Apr, 19 May, 16 Jun, 21 Jul, 18 Aug, 15 Sep, 20 Oct, 17 Nov, 15 Dec 2026,
19 Jan, 16 Feb, 16 Mar 2027 (meeting-01 to meeting-12). Its papers are due 5 clear
working days before, at 17:00; its minutes at the next meeting.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil

import icalendar
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendars.feed import render
from conftest import context, edit_meeting, keep
from govcal.api import create_app
from govcal.cli import main
from govcal.clock import utc_now
from govcal.operations import access, meetings, people, planning, reminders
from govcal.operations.feeds import clerk_feed, member_feed
from govcal.operations.reminders import send_due
from rules.errors import Conflict, RuleError
from rules.loader import load_rules, seeds_dir
from scheduler.attendance import Presence
from scheduler.extraordinary import Request
from scheduler.store.tables import DeadlineRow, MeetingRow, ReminderRow, TokenKind
from scheduler.workdays import LONDON

JCB = "worcestershire-jcb"
CYCLE = f"{JCB}/2026-27"
APRIL = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)  # planned before the first meeting
SUMMER = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)
DECEMBER = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)  # Wed 2 Dec 2026, 10:00 GMT


def london(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def each_day(first: dt.date, last: dt.date, at: dt.time = dt.time(9, 5)):
    """Every day from `first` to `last`, at `at` in London: the daily reminder run, on time
    for the 09:00 reminders (a run more than 10 minutes after a reminder's moment marks it late)."""
    day = first
    while day <= last:
        yield dt.datetime.combine(day, at, tzinfo=LONDON)
        day += dt.timedelta(days=1)


def deadline(ctx, deadline_id: str) -> DeadlineRow:
    with ctx.store.session() as session:
        row = session.get(DeadlineRow, deadline_id)
    assert row is not None, deadline_id
    return row


def outbox(ctx, deadline_id: str) -> dict[str, ReminderRow]:
    with ctx.store.session() as session:
        return {r.offset_key: r for r in session.query(ReminderRow).filter(ReminderRow.deadline_id == deadline_id)}


def snapshot(ctx) -> dict[str, tuple]:
    """Every kept meeting's date, status and SEQUENCE, and every deadline's due instant and status."""
    with ctx.store.session() as session:
        found = {m.id: (m.date, m.status, m.sequence) for m in session.query(MeetingRow)}
        found |= {d.id: (d.due, d.status, d.sequence) for d in session.query(DeadlineRow)}
    return found


@pytest.fixture
def jcb(database):
    """The JCB planned and kept on 1 April 2026, with a clerk."""
    ctx = context(load_rules(), database)
    people.add_member(ctx, JCB, "Ann Clerk", "clerk", email="ann@example.org", actor="admin", now=APRIL)
    keep(ctx, [2026], [JCB], now=APRIL)
    return ctx


@pytest.mark.parametrize("when", [SUMMER, DECEMBER], ids=["edited-in-summer", "recorded-in-december"])
def test_derived_dates_follow_the_meetings_as_they_stand_and_a_replan_of_an_edited_year_changes_nothing(jcb, when):
    ctx = jcb
    # the August meeting moves from Tue 18 to Wed 19 Aug; a meeting is added on Wed 26 Aug at 10:00:
    # in summer, ahead of them (what hangs on them follows); or in December, correcting the record
    # of a held meeting, forced with a reason (its deadlines already due stay as they were)
    august = f"{CYCLE}/meeting-05"
    forced = {} if when is SUMMER else {"force": True, "reason": "it met a day late: the room was flooded"}
    moved = edit_meeting(ctx, "move", actor="clerk", meeting_id=august, day=dt.date(2026, 8, 19), now=when, **forced)
    assert moved.committed
    added = edit_meeting(
        ctx, "add", actor="clerk", body_id=JCB, day=dt.date(2026, 8, 26), time=dt.time(10, 0), now=when
    )
    assert added.committed and added.meeting_id == f"{CYCLE}/added-01"
    feed_before = render(member_feed(ctx, "Ann Clerk", when))  # the JCB is private (12.2)
    clerk_before = render(clerk_feed(ctx, "Ann Clerk", when))

    again = keep(ctx, [2026], [JCB], now=when + dt.timedelta(days=1))
    assert not again.changed and again.conflicts == [] and again.left_alone == []

    # papers of the moved meeting: clear days 18, 17, 14, 13, 12 Aug -> Tue 11 Aug (not the rules' Mon 10 Aug);
    # July's minutes go to the next meeting as it stands: Wed 19 Aug 14:00, not Tue 18 Aug. In December
    # both were long due when the record was corrected: history, they stay on Mon 10 and Tue 18 Aug
    papers, minutes = deadline(ctx, f"{CYCLE}/meeting-05/papers"), deadline(ctx, f"{CYCLE}/meeting-04/minutes-approved")
    if when is SUMMER:
        assert (papers.due, minutes.due) == (london(2026, 8, 11, 17, 0), london(2026, 8, 19, 14, 0))
    else:
        assert (papers.due, minutes.due) == (london(2026, 8, 10, 17, 0), london(2026, 8, 18, 14, 0))
    # August's minutes go to the added meeting; the added meeting's to September's (Tue 15 Sep)
    assert deadline(ctx, f"{CYCLE}/meeting-05/minutes-approved").due == london(2026, 8, 26, 10, 0)
    assert deadline(ctx, f"{CYCLE}/added-01/minutes-approved").due == london(2026, 9, 15, 14, 0)
    # the added meeting's papers: clear days 25, 24, 21, 20, 19 Aug -> Tue 18 Aug; planned, not cancelled
    papers = deadline(ctx, f"{CYCLE}/added-01/papers")
    assert (papers.due, papers.status) == (london(2026, 8, 18, 17, 0), "planned")
    # its reminders wait for their moments; recorded in December, their moments had passed: skipped
    expected = {"pending"} if when is SUMMER else {"skipped"}
    assert {row.status for row in outbox(ctx, f"{CYCLE}/added-01/papers").values()} == expected
    # and the calendars members and clerks subscribe to are byte for byte the same
    assert render(member_feed(ctx, "Ann Clerk", when)) == feed_before
    assert render(clerk_feed(ctx, "Ann Clerk", when)) == clerk_before


def test_a_confirmed_extraordinary_meeting_keeps_its_deadlines_through_a_replan_over_the_api(jcb):
    ctx = jcb
    request = Request(london(2026, 6, 1, 10, 0), by_chair=True)  # Mon 1 Jun 2026
    # papers from Mon 1 Jun; 5 clear working days before Tue 9 Jun: 8, 5, 4, 3, 2 Jun -> Mon 1 Jun
    answer = meetings.extraordinary(ctx, JCB, request, confirm=dt.date(2026, 6, 9), actor="clerk", now=SUMMER)
    assert answer.confirmed is not None and answer.confirmed.committed
    extra = answer.confirmed.meeting_id
    assert deadline(ctx, f"{extra}/papers").due == london(2026, 6, 1, 17, 0)
    client = TestClient(create_app(ctx))
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="clerk", now=SUMMER)
    client.headers["Authorization"] = f"Bearer {token}"
    replanned = client.post("/api/plan", json={"year": 2026, "bodies": [JCB]}).json()
    assert (replanned["added"], replanned["moved"], replanned["cancelled"], replanned["updated"]) == (0, [], [], 0)
    assert deadline(ctx, f"{extra}/papers").status == "planned"
    assert deadline(ctx, f"{extra}/minutes-approved").status == "planned"  # at the next meeting: Tue 16 Jun
    assert deadline(ctx, f"{extra}/minutes-approved").due == london(2026, 6, 16, 14, 0)


def test_a_rule_change_in_december_leaves_the_past_as_it_was(jcb, inbox, tmp_path):
    ctx = jcb
    for now in each_day(dt.date(2026, 4, 1), dt.date(2026, 12, 1)):  # the reminders of April to November go
        send_due(ctx, now, inbox.smtp, "daily", wall=utc_now)
    sent = len(inbox.ids)
    before = snapshot(ctx)
    # December: the JCB moves to second Tuesdays
    folder = tmp_path / "rules"
    shutil.copytree(seeds_dir(), folder)
    path = folder / f"{JCB}.yaml"
    path.write_text(path.read_text().replace("pattern: third Tuesday", "pattern: second Tuesday"))
    changed = context(load_rules([folder]), ctx.settings.database_url)
    changes = keep(changed, [2026], [JCB], now=DECEMBER)
    after = snapshot(changed)
    held = [f"{CYCLE}/meeting-{n:02d}" for n in range(1, 9)]  # April to November
    assert all(after[m] == before[m] for m in held)  # date, status and SEQUENCE as they were
    assert sorted(line.split(":")[0] for line in changes.left_alone if "meeting-0" in line.split(":")[0]) == held
    # December onwards follow the rule: Tue 8 Dec 2026, Tue 12 Jan, Tue 9 Feb, Tue 9 Mar 2027
    assert [after[f"{CYCLE}/meeting-{n:02d}"][0] for n in range(9, 13)] == [
        dt.date(2026, 12, 8),
        dt.date(2027, 1, 12),
        dt.date(2027, 2, 9),
        dt.date(2027, 3, 9),
    ]
    assert after[f"{CYCLE}/meeting-09"][2] == before[f"{CYCLE}/meeting-09"][2] + 1
    # November's minutes (at the next meeting) follow December's meeting: Tue 8 Dec 14:00
    assert after[f"{CYCLE}/meeting-08/minutes-approved"][0] == london(2026, 12, 8, 14, 0)
    with changed.store.session() as session:  # no reminder of the past is pending again
        rows = session.query(ReminderRow).filter(ReminderRow.due_at <= DECEMBER).all()
    assert rows and not [r for r in rows if r.status == "pending"]
    assert keep(changed, [2026], [JCB], now=DECEMBER).changed is False  # and again: nothing
    assert len(inbox.ids) == sent


def test_reminders_begin_when_govcal_learns_of_them_and_a_body_with_no_clerk_is_a_warning(
    database, inbox, capsys, monkeypatch
):
    ctx = context(load_rules(), database)
    keep(ctx, [2026], now=DECEMBER)  # a new user, on Wed 2 Dec 2026: every body's year at once
    people.add_member(ctx, JCB, "Ann Clerk", "clerk", email="ann@example.org", actor="admin", now=DECEMBER)
    first = send_due(ctx, DECEMBER + dt.timedelta(minutes=5), inbox.smtp, "cron", wall=utc_now)
    assert (first.sent, first.retrying, inbox.ids) == (0, 0, [])  # nothing due before the plan was saved is sent
    # December's papers, due Mon 7 Dec (clear days 14, 11, 10, 9, 8 Dec): 3 working days before
    # is Wed 2 Dec 09:00, before govcal knew of it (skipped); on the day, Mon 7 Dec 09:00, it goes
    rows = outbox(ctx, f"{CYCLE}/meeting-09/papers")
    assert (rows["working-3at0900"].status, rows["working+0at0900"].status) == ("skipped", "pending")
    monkeypatch.setenv("GOVCAL_SMTP_URL", f"smtp://127.0.0.1:{inbox.controller.port}")
    db = ["--database", ctx.settings.database_url]
    for now in each_day(dt.date(2026, 12, 3), dt.date(2026, 12, 8)):
        assert main(["reminders", "send", "--now", now.isoformat(), *db]) == 0  # bodies with no clerk: not failures
    out, err = capsys.readouterr()
    # on the day, then (not marked done) the overdue notice the next working day, Tue 8 Dec
    december = f"<{CYCLE}/meeting-09/papers"
    assert inbox.ids == [f"{december}#working+0at0900@govcal>", f"{december}#overdue@govcal>"]
    assert "warning:" in err and "govcal member add" in err and "--role clerk" in err
    assert main(["reminders", "--json", *db]) == 0
    states = {row["state"] for row in json.loads(capsys.readouterr().out)}
    assert "failed" not in states and {"skipped", "no recipient", "sent", "pending"} <= states


def test_reminders_falling_due_together_go_as_one_message(jcb, inbox):
    ctx = jcb
    # January's papers: Tue 19 Jan 2027 meeting, clear days 18, 15, 14, 13, 12 Jan -> due Mon 11 Jan 17:00;
    # reminders Wed 6 Jan (11, 8, 7, 6 back three working days) and Mon 11 Jan, 09:00. govcal is down
    # from 5 Jan until Mon 11 Jan 09:05: both are due, the deadline is not: one message
    result = send_due(ctx, london(2027, 1, 11, 9, 5), inbox.smtp, "back", wall=utc_now)
    papers = f"{CYCLE}/meeting-10/papers"
    assert [i for i in inbox.ids if i.startswith(f"<{papers}#")] == [f"<{papers}#working+0at0900@govcal>"]
    rows = outbox(ctx, papers)
    assert (rows["working-3at0900"].status, rows["working+0at0900"].status) == ("sent", "sent")
    assert rows["working-3at0900"].late and not rows["working+0at0900"].late
    assert result.messages < result.sent  # others went together too


def test_done_is_done_in_the_clerks_calendar_and_undo_reopens_it(jcb, inbox):
    ctx = jcb
    papers = f"{CYCLE}/meeting-09/papers"  # due Mon 7 Dec 2026; reminders Wed 2 and Mon 7 Dec 09:00
    assert reminders.mark_done(ctx, papers, actor="ann", now=london(2026, 12, 1, 12, 0))

    def event():
        calendar = icalendar.Calendar.from_ical(render(clerk_feed(ctx, "Ann Clerk", DECEMBER)))
        return next(e for e in calendar.walk("VEVENT") if str(e["UID"]) == f"{papers}@govcal")

    done = event()
    assert str(done["SUMMARY"]).startswith("Done: ") and done.walk("VALARM") == []
    assert {row.status for row in outbox(ctx, papers).values()} == {"cancelled"}
    send_due(ctx, london(2026, 12, 2, 9, 5), inbox.smtp, "daily", wall=utc_now)
    assert not [i for i in inbox.ids if i.startswith(f"<{papers}#")]
    # undone on Thu 3 Dec: the reminder of Wed 2 Dec stays unsent (its moment is past); Mon 7 Dec's goes
    assert reminders.mark_done(ctx, papers, actor="ann", now=london(2026, 12, 3, 12, 0), done=False)
    reopened = event()
    assert not str(reopened["SUMMARY"]).startswith("Done") and len(reopened.walk("VALARM")) == 2
    assert int(reopened["SEQUENCE"]) == int(done["SEQUENCE"]) + 1
    rows = outbox(ctx, papers)
    assert (rows["working-3at0900"].status, rows["working+0at0900"].status) == ("skipped", "pending")
    send_due(ctx, london(2026, 12, 7, 9, 5), inbox.smtp, "daily", wall=utc_now)
    assert f"<{papers}#working+0at0900@govcal>" in inbox.ids


def test_attendance_counts_every_meeting_held_and_refuses_a_future_or_cancelled_one(jcb):
    """By 30 Sep 2026 the JCB has held six meetings (the third Tuesdays: 21 Apr, 19 May,
    16 Jun, 21 Jul, 18 Aug, 15 Sep); only May's is recorded, Cllr Ali present. Each member's
    year counts all six: May attended or absent, the other five not recorded (issue 29)."""
    ctx = jcb
    for name, role in (("Cllr Ali", "chair"), ("Dr Brown", "vice-chair"), ("Ms Chen", "member")):
        people.add_member(ctx, JCB, name, role, actor="admin", now=APRIL)
    held = london(2026, 5, 20, 9, 0)  # the day after the May meeting
    with pytest.raises(RuleError, match="has not been held yet"):
        people.record_attendance(ctx, f"{CYCLE}/meeting-03", [], actor="clerk", now=held)  # Tue 16 Jun
    people.record_attendance(ctx, f"{CYCLE}/meeting-02", [Presence("Cllr Ali")], actor="clerk", now=held)
    report = people.attendance_report(ctx, JCB, dt.date(2026, 9, 30))  # April to September held, May recorded
    assert {line.member: (line.held, line.attended, line.absent, line.not_recorded) for line in report.lines} == {
        "Cllr Ali": (6, 1, 0, 5),
        "Dr Brown": (6, 0, 1, 5),
        "Ms Chen": (6, 0, 1, 5),
    }
    edit_meeting(ctx, "cancel", actor="clerk", meeting_id=f"{CYCLE}/meeting-04", force=True, now=held, reason="x")
    with pytest.raises(Conflict, match="was cancelled"):
        people.record_attendance(
            ctx, f"{CYCLE}/meeting-04", [Presence("Cllr Ali")], actor="clerk", now=SUMMER + dt.timedelta(days=60)
        )


def test_explain_shows_the_kept_state_first_and_its_fields_for_scripts(jcb, capsys):
    ctx = jcb
    edit_meeting(ctx, "move", actor="clerk-ann", meeting_id=f"{CYCLE}/meeting-05", day=dt.date(2026, 8, 19), now=SUMMER)
    added = edit_meeting(ctx, "add", actor="clerk-ann", body_id=JCB, day=dt.date(2026, 8, 26), now=SUMMER).meeting_id
    papers = planning.explain(ctx, f"{CYCLE}/meeting-05/papers", now=SUMMER, kept=True)
    assert (papers.kind, papers.date, papers.anchor.id, papers.anchor.date) == (
        "deadline",
        dt.date(2026, 8, 11),
        f"{CYCLE}/meeting-05",
        dt.date(2026, 8, 19),
    )
    lines = papers.lines()
    assert lines[0] == "kept: planned on Tue 11 Aug 2026 (version 1)"
    assert "anchor: meeting on Wed 19 Aug 2026" in lines
    fields = planning.explain(ctx, f"{added}/papers", now=SUMMER, kept=True).as_dict()
    assert (fields["kind"], fields["date"], fields["anchor"]["id"], fields["anchor"]["date"]) == (
        "deadline",
        "2026-08-18",
        added,
        "2026-08-26",
    )
    assert fields["due"] == "2026-08-18T17:00:00+01:00" and fields["status"] == "planned"
    assert fields["rule"] == "Agenda and papers to members: 5 clear working days before"
    assert fields["skipped"] == [
        {"date": "2026-08-22", "reason": "Saturday"},
        {"date": "2026-08-23", "reason": "Sunday"},
    ]
    minutes = planning.explain(ctx, f"{CYCLE}/meeting-04/minutes-approved", now=SUMMER, kept=True).as_dict()
    assert (minutes["for"]["id"], minutes["anchor"]["id"], minutes["anchor"]["date"], minutes["due"]) == (
        f"{CYCLE}/meeting-04",
        f"{CYCLE}/meeting-05",  # at the next meeting: the moved one, Wed 19 Aug 14:00
        "2026-08-19",
        "2026-08-19T14:00:00+01:00",
    )
    moved = planning.explain(ctx, f"{CYCLE}/meeting-05", now=SUMMER, kept=True)
    assert (moved.status, moved.date, moved.planned_date) == ("moved", dt.date(2026, 8, 19), dt.date(2026, 8, 18))
    assert any("clerk-ann: meeting:move day 2026-08-19" in entry for entry in moved.kept.history)


def test_an_edit_replans_the_bodies_planned_from_it(database):
    ctx = context(load_rules(), database)
    board, group = "suffolk-strategic-board", "suffolk-executive-group"
    keep(ctx, [2026], [board, group], now=APRIL)
    # the Board's February meeting moves from Tue 9 to Tue 16 Feb 2027; the Executive Group meets
    # 10 working days before (15, 12, 11, 10, 9, 8, 5, 4, 3, 2 Feb -> Tue 2 Feb) and within 10
    # working days after (17, 18, 19, 22, 23, 24, 25, 26 Feb, 1, 2 Mar -> Tue 2 Mar)
    moved = edit_meeting(
        ctx, "move", actor="clerk", meeting_id=f"{board}/2026-27/meeting-04", day=dt.date(2027, 2, 16), now=SUMMER
    )
    assert moved.committed
    assert {f"{group}/2026-27/after-04", f"{group}/2026-27/before-04"} <= set(moved.changes.moved)
    kept = {m.id: m.date for m in ctx.store.meetings([group])}
    assert (kept[f"{group}/2026-27/before-04"], kept[f"{group}/2026-27/after-04"]) == (
        dt.date(2027, 2, 2),
        dt.date(2027, 3, 2),
    )
    assert not keep(ctx, [2026], [board], now=SUMMER).changed  # a re-plan after: nothing to change


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["move", "add", "cancel", "fix"]),
        st.integers(min_value=1, max_value=12),  # which meeting (or the month of an added one)
        st.integers(min_value=0, max_value=27),  # the day of the month to move or add to
        st.integers(min_value=0, max_value=330),  # days after 1 April 2026 the edit is made
    ),
    min_size=1,
    max_size=5,
)


@given(edits=EDITS)
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_after_any_edits_a_replan_changes_nothing(tmp_path_factory, edits):
    """Whatever an admin did, and whenever: a re-plan has nothing to change, feeds keep their bytes."""
    folder = tmp_path_factory.mktemp("edits")
    ctx = context(load_rules(), f"sqlite:///{folder / 'govcal.db'}")
    people.add_member(ctx, JCB, "Ann Clerk", "clerk", email="ann@example.org", actor="admin", now=APRIL)
    keep(ctx, [2026], [JCB], now=APRIL)
    last = APRIL
    for action, which, day, after in sorted(edits, key=lambda e: e[3]):
        last = APRIL + dt.timedelta(days=after)
        month = dt.date(2026, 4, 1) + dt.timedelta(days=31 * (which - 1))
        on = month.replace(day=1 + day)
        target = {"meeting_id": f"{CYCLE}/meeting-{which:02d}"} if action != "add" else {"body_id": JCB}
        days = {"day": on} if action in ("move", "add") else {}
        with contextlib.suppress(RuleError):  # a refused edit changes nothing
            edit_meeting(ctx, action, actor="clerk", force=True, now=last, reason="by hand", **target, **days)
    before = (
        render(member_feed(ctx, "Ann Clerk", last)),
        render(clerk_feed(ctx, "Ann Clerk", last)),
    )
    state = snapshot(ctx)
    again = keep(ctx, [2026], [JCB], now=last)
    assert not again.changed and again.conflicts == [] and again.left_alone == [], again
    assert snapshot(ctx) == state
    assert (
        render(member_feed(ctx, "Ann Clerk", last)),
        render(clerk_feed(ctx, "Ann Clerk", last)),
    ) == before


def test_a_rule_change_replans_the_bodies_planned_from_it(database, tmp_path):
    ctx = context(load_rules(), database)
    board, group = "suffolk-strategic-board", "suffolk-executive-group"
    keep(ctx, [2026], [board, group], now=APRIL)
    folder = tmp_path / "rules"
    shutil.copytree(seeds_dir(), folder)
    path = folder / f"{board}.yaml"
    path.write_text(path.read_text().replace("pattern: second Tuesday", "pattern: third Tuesday"))
    # On 1 July only the Board is re-planned. Its second quarter's meeting moves from Tue 14 Jul to the
    # third Tuesday, Tue 21 Jul (third Tuesday of August, 18 Aug, is in the school summer holiday the Board
    # avoids; July's and September's, 21 Jul and 15 Sep, are 28 days away: the earlier). The Executive
    # Group follows within 10 working days after (22, 23, 24, 27-31 Jul, 3, 4 Aug -> Tue 4 Aug); its meeting
    # before was held on Tue 30 Jun and is left as it was (the rules now give Tue 7 Jul).
    # November's: Tue 17 Nov; 10 working days before (16, 13, 12, 11, 10, 9, 6, 5, 4, 3 Nov -> Tue 3 Nov),
    # within 10 after (18, 19, 20, 23-27, 30 Nov, 1 Dec -> Tue 1 Dec).
    changes = keep(context(load_rules([folder]), database), [2026], [board], now=SUMMER)
    kept = {m.id: m.date for m in ctx.store.meetings([board, group])}
    assert kept[f"{board}/2026-27/meeting-02"] == dt.date(2026, 7, 21)
    assert (kept[f"{group}/2026-27/before-02"], kept[f"{group}/2026-27/after-02"]) == (
        dt.date(2026, 6, 30),
        dt.date(2026, 8, 4),
    )
    assert f"{group}/2026-27/before-02: 2026-06-30 is past; the rules now give 2026-07-07; left as it was" in (
        changes.left_alone
    )
    assert kept[f"{board}/2026-27/meeting-03"] == dt.date(2026, 11, 17)
    assert (kept[f"{group}/2026-27/before-03"], kept[f"{group}/2026-27/after-03"]) == (
        dt.date(2026, 11, 3),
        dt.date(2026, 12, 1),
    )
    # May's Board (Tue 12 May) and the Group's April and May meetings were held: left as they were
    assert kept[f"{board}/2026-27/meeting-01"] == dt.date(2026, 5, 12)
    assert (kept[f"{group}/2026-27/before-01"], kept[f"{group}/2026-27/after-01"]) == (
        dt.date(2026, 4, 27),
        dt.date(2026, 5, 27),
    )
    assert f"{group}/2026-27/before-03" in changes.moved
