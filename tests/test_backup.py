"""`govcal db backup` and `govcal db restore`: a kept year with edits, attendance and sent
reminders goes out of one database and into another, SQLite or PostgreSQL, row for row,
and the restored year carries on (nothing sent twice, tokens still open the API).

Dates were counted on a calendar: the Worcestershire JCB meets on third Tuesdays at 14:00,
so its 2026-27 year starts Tue 21 Apr 2026; its June meeting (Tue 16 Jun) moves to Wed 17
Jun 2026, and May's (Tue 19 May) is recorded as held. Reminders run daily from 1 April to
30 June 2026, so April's to June's papers reminders are sent.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from conftest import another_database, context, edit_meeting, keep
from govcal.cli import main
from govcal.clock import utc_now
from govcal.operations import access, people
from govcal.operations.reminders import send_due
from rules.loader import load_rules
from scheduler.attendance import Presence
from scheduler.store import schema
from scheduler.store.tables import MeetingRow, ReminderRow, TokenKind
from scheduler.workdays import LONDON

JCB = "worcestershire-jcb"
CYCLE = f"{JCB}/2026-27"
APRIL = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)
JULY = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)


def kept_year(url: str, inbox) -> str:
    """The JCB's year kept at `url` as a clerk lives it to 30 June 2026; an admin token, returned."""
    ctx = context(load_rules(), url)
    people.add_member(ctx, JCB, "Ann Clerk", "clerk", email="ann@example.org", actor="admin", now=APRIL)
    people.add_member(ctx, JCB, "Cllr Ali", "member", email="ali@example.org", actor="admin", now=APRIL)
    keep(ctx, [2026], [JCB], now=APRIL)
    moved = edit_meeting(ctx, "move", actor="clerk", meeting_id=f"{CYCLE}/meeting-03", day=dt.date(2026, 6, 17))
    assert moved.committed
    held = dt.datetime(2026, 5, 20, 9, 0, tzinfo=dt.UTC)  # the day after Tue 19 May
    people.record_attendance(ctx, f"{CYCLE}/meeting-02", [Presence("Cllr Ali")], actor="clerk", now=held)
    day = dt.date(2026, 4, 1)
    while day <= dt.date(2026, 6, 30):
        send_due(ctx, dt.datetime.combine(day, dt.time(9, 5), tzinfo=LONDON), inbox.smtp, "daily", wall=utc_now)
        day += dt.timedelta(days=1)
    assert inbox.ids, "reminders were sent"
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="admin", now=APRIL)
    ctx.store.engine.dispose()
    return token


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def rows(path: Path) -> list[str]:
    """A backup's row lines: what two databases holding the same year must write alike."""
    return path.read_text().splitlines()[1:-1]


@pytest.mark.parametrize(
    ("source", "target"),
    [("sqlite", "sqlite"), ("postgresql", "postgresql"), ("sqlite", "postgresql")],
    ids=["sqlite-to-sqlite", "postgresql-to-postgresql", "sqlite-to-postgresql"],
)
def test_a_kept_year_round_trips_row_for_row_and_carries_on(source, target, tmp_path, inbox, capsys):
    with another_database(source, tmp_path, "source") as before, another_database(target, tmp_path, "target") as after:
        token = kept_year(before, inbox)
        sent = len(inbox.ids)
        backup = tmp_path / "year.jsonl.gz"
        status, out, err = run(capsys, "db", "backup", str(backup), "--database", before)
        assert status == 0, err
        assert out.startswith(f"backed up {before} to {backup}:") and f"schema revision {schema.head()}" in out
        status, out, err = run(capsys, "db", "restore", str(backup), "--database", after)
        assert status == 0, err
        assert f"written at schema revision {schema.head()}" in out

        again = tmp_path / "again.jsonl"
        assert run(capsys, "db", "backup", str(again), "--database", after)[0] == 0
        with gzip.open(backup, "rt") as first:
            assert first.read().splitlines()[1:-1] == rows(again)  # every row of every table, alike

        restored = context(load_rules(), after)
        with restored.store.session() as session:
            meeting = session.get(MeetingRow, f"{CYCLE}/meeting-03")
            assert meeting is not None and (meeting.date, meeting.status) == (dt.date(2026, 6, 17), "moved")
            assert session.query(ReminderRow).filter(ReminderRow.status == "sent").count() == sent
        assert people.attendance_report(restored, JCB, dt.date(2026, 5, 31)).lines
        assert access.admin_of(restored, f"Bearer {token}") == "alice"
        # the restored year carries on: the day's run finds nothing to send again
        send_due(restored, dt.datetime(2026, 6, 30, 9, 10, tzinfo=LONDON), inbox.smtp, "daily", wall=utc_now)
        assert len(inbox.ids) == sent
        # and new rows take new ids (PostgreSQL's sequences follow the restored ones)
        assert access.create_token(restored, TokenKind.ADMIN, "bob", actor="admin", now=JULY)
        restored.store.engine.dispose()

        # a database holding a year is not replaced unless asked
        status, _, err = run(capsys, "db", "restore", str(backup), "--database", after)
        assert status == 2 and err.count("\n") == 1 and "--replace" in err
        assert run(capsys, "db", "restore", str(backup), "--replace", "--database", after)[0] == 0


def test_a_backup_from_a_newer_govcal_or_cut_off_is_refused_and_changes_nothing(tmp_path, inbox, capsys):
    url = f"sqlite:///{tmp_path / 'govcal.db'}"
    kept_year(url, inbox)
    backup = tmp_path / "year.jsonl"
    assert run(capsys, "db", "backup", str(backup), "--database", url)[0] == 0
    lines = backup.read_text().splitlines()
    newer = tmp_path / "newer.jsonl"
    newer.write_text("\n".join([json.dumps({**json.loads(lines[0]), "revision": "0099"}), *lines[1:]]) + "\n")
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    status, _, err = run(capsys, "db", "restore", str(newer), "--database", empty)
    assert status == 2 and err.count("\n") == 1
    assert "written by a newer govcal: its schema revision is 0099" in err and f"newest is {schema.head()}" in err
    assert not (tmp_path / "empty.db").exists()
    cut = tmp_path / "cut.jsonl"
    cut.write_text("\n".join(lines[:-5]) + "\n")
    status, _, err = run(capsys, "db", "restore", str(cut), "--database", empty)
    assert status == 2 and "cut off" in err  # rolled back: the full backup then restores as into an empty one
    assert run(capsys, "db", "restore", str(backup), "--database", empty)[0] == 0


def test_a_backup_of_an_older_revision_is_restored_and_brought_up_to_date(tmp_path, capsys):
    """A council restoring last year's backup after upgrading govcal: the file's revision is
    built, its rows loaded, and then migrated, as `govcal db upgrade` would."""
    old = f"sqlite:///{tmp_path / 'old.db'}"
    schema.upgrade(old, to="0004")
    backup = tmp_path / "old.jsonl"
    assert run(capsys, "db", "backup", str(backup), "--database", old)[0] == 0
    new = f"sqlite:///{tmp_path / 'new.db'}"
    status, out, _ = run(capsys, "db", "restore", str(backup), "--database", new)
    assert status == 0 and f"written at schema revision 0004, upgraded to {schema.head()}" in out


def test_a_database_away_is_one_line_naming_it_and_exit_3(tmp_path, capsys):
    away = "postgresql://nobody@127.0.0.1:1/x"  # nothing listens on port 1
    status, _, err = run(capsys, "db", "backup", str(tmp_path / "year.jsonl"), "--database", away)
    assert status == 3 and err.startswith(f"govcal: cannot reach the database {away}:") and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []  # no file, not even a partial one
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert run(capsys, "db", "upgrade", "--database", fresh)[0] == 0
    assert run(capsys, "db", "backup", str(tmp_path / "year.jsonl"), "--database", fresh)[0] == 0
    status, _, err = run(capsys, "db", "restore", str(tmp_path / "year.jsonl"), "--database", away)
    assert status == 3 and err.startswith(f"govcal: cannot reach the database {away}:") and err.count("\n") == 1
