"""Two real processes editing the same body at once never lose an edit (both backends)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from conftest import body, context, keep
from scheduler.store.tables import AuditRow

JUNE = "board/2026-27/meeting-03"  # Mon 1 Jun 2026
EDITOR = textwrap.dedent(
    """
    import datetime as dt, sys
    from pathlib import Path
    from govcal.operations import Context
    from govcal.operations.meetings import edit_meeting
    from govcal.settings import Settings

    url, rules, meeting, name, days = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
    ctx = Context.load(Settings(database_url=url), [Path(rules)])
    ctx.store, ctx.planner  # opened and ready before the race starts
    print("ready", flush=True)
    sys.stdin.readline()  # both start together
    now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # the tests' clock: June's meeting still to come
    for day in days:
        result = edit_meeting(ctx, "move", actor=name, now=now, meeting_id=meeting, day=dt.date.fromisoformat(day))
        assert result.committed, result.new_failures
    """
)


def test_two_processes_moving_one_meeting_lose_nothing(database, write_rules, tmp_path):
    ctx = context(write_rules(body()), database)
    keep(ctx)
    store = ctx.store
    # every day distinct, all June weekdays, so each move is a real change that keeps June's meeting
    first = [
        "2026-06-02",
        "2026-06-03",
        "2026-06-04",
        "2026-06-05",
        "2026-06-08",
        "2026-06-09",
        "2026-06-10",
        "2026-06-11",
    ]
    second = [
        "2026-06-15",
        "2026-06-16",
        "2026-06-17",
        "2026-06-18",
        "2026-06-19",
        "2026-06-22",
        "2026-06-23",
        "2026-06-24",
    ]
    editors = [
        subprocess.Popen(
            [sys.executable, "-c", EDITOR, database, str(tmp_path / "rules"), JUNE, name, *days],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, days in (("first", first), ("second", second))
    ]
    for editor in editors:
        assert editor.stdout.readline().strip() == "ready"
    for editor in editors:
        editor.stdin.write("go\n")
        editor.stdin.flush()
    for editor in editors:
        _, errors = editor.communicate(timeout=120)
        assert editor.returncode == 0, errors
    moved = store.meeting(JUNE)
    assert moved.sequence == len(first) + len(second)  # a lost update would leave it lower
    with store.session() as session:
        moves = session.query(AuditRow).filter(AuditRow.action == "meeting:move", AuditRow.target == JUNE).all()
    assert len(moves) == 16
    assert sorted({row.actor for row in moves}) == ["first", "second"]
    assert moved.date.isoformat() in (first[-1], second[-1])
