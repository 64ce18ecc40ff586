"""Admin edits on both backends: deadlines follow, rules are re-checked, refusals change nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import NOW, body, context, edit_meeting, keep
from govcal.cli import main
from rules.errors import RuleError
from rules.loader import load_rules
from scheduler.store.tables import DeadlineRow

D = dt.date
PAPERS = {"id": "papers", "name": "Papers", "offset": "5 clear working days before", "ref": "D1", "clause": "x"}
AUGUST = "board/2026-27/meeting-05"  # Mon 3 Aug 2026


@pytest.fixture
def kept(database, write_rules):
    ctx = context(write_rules(body(meetings={"frequency": "not less than monthly"}, deadlines=[PAPERS])), database)
    keep(ctx)
    return ctx


def meeting(store, meeting_id):
    return {m.id: m for m in store.meetings()}[meeting_id]


def deadline(store, deadline_id):
    with store.session() as session:
        return session.get(DeadlineRow, deadline_id)


def test_moving_a_meeting_moves_its_deadlines(kept):
    ctx = kept
    store = ctx.store
    assert deadline(store, f"{AUGUST}/papers").date == D(2026, 7, 24)  # clear days 31, 30, 29, 28, 27 Jul
    result = edit_meeting(ctx, "move", actor="clerk", meeting_id=AUGUST, day=D(2026, 8, 4))
    assert result.committed and result.new_failures == []
    moved = meeting(store, AUGUST)
    assert (moved.date, moved.status, moved.manual, moved.sequence) == (D(2026, 8, 4), "moved", True, 1)
    papers = deadline(store, f"{AUGUST}/papers")
    assert (papers.date, papers.sequence) == (D(2026, 7, 27), 1)  # clear days 3 Aug, 31, 30, 29, 28 Jul
    assert result.changes.moved == [f"{AUGUST}/papers"]


def test_moving_onto_a_bank_holiday_is_refused_and_changes_nothing(kept):
    ctx = kept
    store = ctx.store
    audit_before = store.counts()["audit"]
    result = edit_meeting(ctx, "move", actor="clerk", meeting_id=AUGUST, day=D(2026, 8, 31))
    assert not result.committed
    assert [f.message for f in result.new_failures] == [
        "meeting on Mon 31 Aug 2026 is not a working day (Summer bank holiday)"
    ]
    unchanged = meeting(store, AUGUST)
    assert (unchanged.date, unchanged.sequence, unchanged.manual) == (D(2026, 8, 3), 0, False)
    assert store.counts()["audit"] == audit_before


def test_force_accepts_a_breaking_change_knowingly(kept):
    ctx = kept
    store = ctx.store
    result = edit_meeting(ctx, "move", actor="clerk", meeting_id=AUGUST, day=D(2026, 9, 14), force=True)
    assert result.committed
    assert [f.message for f in result.new_failures] == ["no meeting in August 2026"]
    assert meeting(store, AUGUST).date == D(2026, 9, 14)


def test_cancelling_the_only_august_meeting_needs_force_and_cancels_its_deadlines(kept):
    ctx = kept
    store = ctx.store
    refused = edit_meeting(ctx, "cancel", actor="clerk", meeting_id=AUGUST, reason="no business")
    assert not refused.committed and "no meeting in August 2026" in str(refused.new_failures[0])
    added = edit_meeting(ctx, "add", actor="clerk", body_id="board", day=D(2026, 8, 17))
    assert added.committed and added.meeting_id == "board/2026-27/added-01"
    assert deadline(store, "board/2026-27/added-01/papers").date == D(2026, 8, 7)  # 14, 13, 12, 11, 10 Aug clear
    cancelled = edit_meeting(ctx, "cancel", actor="clerk", meeting_id=AUGUST, reason="no business")
    assert cancelled.committed and cancelled.new_failures == []
    assert meeting(store, AUGUST).status == "cancelled"
    assert deadline(store, f"{AUGUST}/papers").status == "cancelled"


def test_a_fixed_meeting_is_not_moved_by_replanning(kept, write_rules, database):
    ctx = kept
    store = ctx.store
    assert edit_meeting(ctx, "fix", actor="clerk", meeting_id=AUGUST).committed
    edited_rules = write_rules(
        body(meetings={"frequency": "not less than monthly", "pattern": "first Tuesday"}, deadlines=[PAPERS])
    )
    changes = keep(context(edited_rules, database))
    assert changes.conflicts == [f"{AUGUST}: the rules now give 2026-08-04, but it was set by hand to 2026-08-03; kept"]
    fixed = meeting(store, AUGUST)
    assert (fixed.date, fixed.status, fixed.sequence) == (D(2026, 8, 3), "fixed", 0)


@pytest.mark.parametrize(
    ("action", "arguments", "message"),
    [
        (
            "move",
            {"meeting_id": "board/2026-27/meeting-99", "day": D(2026, 8, 4)},
            "no meeting 'board/2026-27/meeting-99'",
        ),
        ("move", {"meeting_id": AUGUST, "day": D(2027, 8, 4)}, "outside the meeting's cycle year 2026-27"),
        ("move", {"meeting_id": AUGUST}, "say where to move the meeting"),
        ("move", {"meeting_id": AUGUST, "day": D(2026, 8, 3)}, "is already on 2026-08-03"),
        ("add", {"day": D(2026, 8, 4)}, "say which body"),
        ("add", {"body_id": "nobody", "day": D(2026, 8, 4)}, "unknown body 'nobody'"),
    ],
)
def test_bad_requests_are_refused_with_a_reason(kept, action, arguments, message):
    ctx = kept
    store = ctx.store
    before = store.counts()
    with pytest.raises(RuleError, match=message.replace("(", r"\(").replace(")", r"\)")):
        edit_meeting(ctx, action, actor="clerk", **arguments)
    assert store.counts() == before


def test_explain_shows_the_kept_date_and_who_moved_it(database, capsys, monkeypatch):
    for face in ("meetings", "plans"):  # Mon 2 Mar 2026: the August meeting is still to come
        monkeypatch.setattr(f"govcal.cli.{face}.utc_now", lambda: NOW)
    db = ["--database", database]
    assert main(["plan", "2026", "--body", "worcestershire-jcb", "--save", *db]) == 0
    jcb_august = "worcestershire-jcb/2026-27/meeting-05"  # planned Tue 18 Aug 2026
    assert main(["meeting", "move", jcb_august, "2026-08-19", "--by", "clerk-ann", *db]) == 0
    capsys.readouterr()
    assert main(["explain", jcb_august, *db]) == 0
    out = capsys.readouterr().out
    assert "meeting on Wednesday 19 August 2026" in out
    assert "anchor: period August 2026; preferred day third Tuesday of August 2026" in out
    assert "kept: moved on Wed 19 Aug 2026 (version 1)" in out
    assert "clerk-ann: meeting:move day 2026-08-19" in out


def test_plan_and_plan_save_choose_the_same_cycle_in_the_first_hour_of_a_bst_day(database):
    """00:30 BST on Wed 1 Apr 2026 is 23:30 UTC on 31 March: London's day is 1 April, so the
    JCB's cycle (April to March) is 2026-27 both for what `plan` shows and for what `plan
    --save` keeps; `plan` once took the UTC date and showed 2025-26."""
    from govcal.operations import planning
    from rules.loader import load_rules

    ctx = context(load_rules(), database)
    now = dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)
    shown = planning.plan(ctx, None, ["worcestershire-jcb"], now=now)
    kept = planning.keep_year(ctx, None, ["worcestershire-jcb"], actor="test", now=now).changes
    assert [plan.label for plan in shown] == ["2026-27"]
    assert kept.added and all(added.startswith("worcestershire-jcb/2026-27/") for added in kept.added)


def test_a_held_meeting_is_moved_only_forced_with_a_reason_and_its_due_deadlines_stay(database, capsys, monkeypatch):
    """The JCB's year planned in March; by Wed 2 Dec 2026 its Tue 18 Aug meeting was held. The
    clerk's move to Wed 19 Aug is refused saying so; forced without a reason, refused too; forced
    with one, the meeting moves, its papers (due Mon 10 Aug: clear days 17, 14, 13, 12, 11 Aug)
    and July's minutes, due at it (Tue 18 Aug 14:00), stay; the reason is in the audit trail. A re-plan
    straight after changes nothing and has nothing to say."""
    clock = [NOW]
    for face in ("meetings", "plans"):
        monkeypatch.setattr(f"govcal.cli.{face}.utc_now", lambda: clock[0])
    db = ["--database", database]
    assert main(["plan", "2026", "--body", "worcestershire-jcb", "--save", *db]) == 0
    august = "worcestershire-jcb/2026-27/meeting-05"
    ctx = context(load_rules(), database)
    july_minutes = "worcestershire-jcb/2026-27/meeting-04/minutes-approved"
    due = {d: ctx.store.deadline(d).due for d in (f"{august}/papers", july_minutes)}
    assert due[f"{august}/papers"].date() == dt.date(2026, 8, 10)
    clock[0] = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)
    capsys.readouterr()
    assert main(["meeting", "move", august, "2026-08-19", "--by", "clerk-ann", *db]) == 1
    said = " ".join(capsys.readouterr().err.split())
    assert "was held on Tue 18 Aug 2026" in said and "--force --reason TEXT" in said
    assert main(["meeting", "move", august, "2026-08-19", "--force", "--by", "clerk-ann", *db]) == 1
    assert main(["meeting", "cancel", august, "--reason", "never met", "--by", "clerk-ann", *db]) == 1
    assert ctx.store.meeting(august).date == dt.date(2026, 8, 18)
    why = "it met a day late: the room was flooded"
    assert main(["meeting", "move", august, "2026-08-19", "--force", "--reason", why, "--by", "clerk-ann", *db]) == 0
    assert ctx.store.meeting(august).date == dt.date(2026, 8, 19)
    assert {d: ctx.store.deadline(d).due for d in due} == due
    capsys.readouterr()
    assert main(["explain", august, *db]) == 0
    assert f"reason {why}" in capsys.readouterr().out
    again = keep(ctx, [2026], ["worcestershire-jcb"], now=clock[0] + dt.timedelta(days=1))
    assert not again.changed and again.left_alone == [] and again.conflicts == []
