"""The store, run once per backend (SQLite and the real PostgreSQL: see conftest)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import sqlalchemy
from sqlalchemy import Text, cast, select

from conftest import NOW, body, planner_for
from rules.loader import RuleSet, load_rules
from rules.model import Pattern
from scheduler.occurrences import Status
from scheduler.store import database as store_database
from scheduler.store import open_store, schema
from scheduler.store import plans as store_plans
from scheduler.store.bulk import insert_many
from scheduler.store.database import stored_instant
from scheduler.store.tables import AuditRow, Base, BodyRow, MeetingRow, ReminderRow

D = dt.date


def plan(rules, year=2026):
    return planner_for(rules).plan([year])


def save(store, plans):
    return store.save_plan(plans, "govcal plan", NOW)


def test_first_save_adds_everything_and_a_second_changes_nothing(database, write_rules):
    rules = write_rules(
        body(
            deadlines=[
                {"id": "papers", "name": "Papers", "offset": "5 clear working days before", "ref": "D1", "clause": "x"}
            ]
        )
    )
    store = open_store(database)
    first = save(store, plan(rules))
    assert (len(first.added), first.moved, first.cancelled) == (24, [], [])  # 12 meetings, 12 deadlines
    again = save(store, plan(rules))
    assert not again.changed and again.conflicts == []
    assert store.counts()["meeting"] == 12
    assert store.counts()["audit"] == 24  # one row per addition; the idle re-plan wrote none


def test_an_edited_rule_moves_and_cancels_keeping_identities(database, write_rules):
    store = open_store(database)
    save(store, plan(write_rules(body())))
    before = {m.id: m for m in store.meetings()}
    # monthly on the first Monday -> every 2 months on the first Monday: periods Apr-May, Jun-Jul, ...
    changes = save(store, plan(write_rules(body(meetings={"frequency": "every 2 months"}))))
    after = {m.id: m for m in store.meetings()}
    assert set(after) == set(before)  # nothing deleted
    assert sorted(changes.cancelled) == [f"board/2026-27/meeting-{n:02d}" for n in range(7, 13)]
    # period n (n <= 6) now starts in month 2n-1 from April: Apr, Jun, Aug, Oct, Dec, Feb
    # meeting-01 stays on 13 Apr; 02 moves 11 May -> 1 Jun; 03 1 Jun -> 3 Aug; 04 6 Jul -> 5 Oct;
    # 05 3 Aug -> 7 Dec; 06 7 Sep -> 1 Feb 2027
    assert sorted(changes.moved) == [f"board/2026-27/meeting-{n:02d}" for n in range(2, 7)]
    assert after["board/2026-27/meeting-01"].sequence == 0
    assert after["board/2026-27/meeting-02"].date == D(2026, 6, 1) and after["board/2026-27/meeting-02"].sequence == 1
    assert after["board/2026-27/meeting-06"].date == D(2027, 2, 1)
    assert after["board/2026-27/meeting-07"].status == "cancelled" and after["board/2026-27/meeting-07"].sequence == 1
    # and back: the cancelled ones return under their old identities, one version later again
    back = save(store, plan(write_rules(body())))
    assert sorted(back.moved) == sorted([*changes.moved, *changes.cancelled])
    assert {m.id: m.sequence for m in store.meetings()}["board/2026-27/meeting-07"] == 2


def test_a_manual_move_survives_replanning_and_the_clash_is_reported(database, write_rules):
    store = open_store(database)
    save(store, plan(write_rules(body())))
    with store.session() as session, session.begin():  # an admin moves meeting-03 (1 Jun) to 2 Jun
        row = session.get(MeetingRow, "board/2026-27/meeting-03")
        row.date, row.manual, row.status, row.sequence = D(2026, 6, 2), True, "moved", row.sequence + 1
    unchanged = save(store, plan(write_rules(body())))
    assert unchanged.conflicts == [] and not unchanged.changed
    edited = save(store, plan(write_rules(body(meetings={"pattern": "first Wednesday"}))))
    assert edited.conflicts == [
        "board/2026-27/meeting-03: the rules now give 2026-06-03, but it was set by hand to 2026-06-02; kept"
    ]
    kept = {m.id: m for m in store.meetings()}["board/2026-27/meeting-03"]
    assert (kept.date, kept.status, kept.sequence) == (D(2026, 6, 2), "moved", 1)
    assert "board/2026-27/meeting-03" not in edited.moved


def test_instants_keep_their_zone_on_every_backend(database, write_rules):
    store = open_store(database)
    save(store, plan(write_rules(body())))
    first = store.meetings()[0]  # Mon 13 Apr 2026 14:00 BST
    start = first.start if first.start.tzinfo else first.start.replace(tzinfo=dt.UTC)
    assert start == dt.datetime(2026, 4, 13, 13, 0, tzinfo=dt.UTC)


def test_saving_in_chunks_is_the_same_as_saving_at_once(database, monkeypatch):
    """The bulk path reads kept rows a chunk of bodies at a time: chunk edges change nothing.

    Chunks of 4 over the 15 seed bodies and two cycle years, as a country's 20,000
    bodies go in chunks of 500; a re-plan of one changed body touches only it and the
    bodies planned from it.
    """
    monkeypatch.setattr(store_plans, "PLAN_CHUNK", 4)
    rules = load_rules()
    plans = planner_for(rules).plan([2026, 2027])
    store = open_store(database)
    first = save(store, plans)
    counts = store.counts()
    assert len(first.added) == sum(len(p.meetings) + len(p.deadlines) + len(p.items) for p in plans)
    again = save(store, list(reversed(plans)))  # any order, any chunking
    assert not again.changed and store.counts() == counts
    with store.session() as session:  # every deadline has its reminders, whichever chunk it was in
        assert session.query(ReminderRow.deadline_id).distinct().count() == counts["deadline"]

    board = rules["suffolk-strategic-board"]
    moved = dataclasses.replace(board.meetings, pattern=Pattern(3, 2, "third Wednesday"))
    edited = RuleSet({**rules.bodies, board.id: dataclasses.replace(board, meetings=moved)}, rules.lines)
    touched = [board.id, *(b.id for b in edited if board.id in b.depends_on)]
    assert touched == ["suffolk-strategic-board", "suffolk-executive-group", "suffolk-wdag"]  # planned from it
    changes = save(store, planner_for(edited).plan([2026], touched))
    changed = changes.added + changes.moved + changes.updated + changes.cancelled
    assert changes.moved and {i.split("/")[0] for i in changed} <= set(touched)


def test_a_chunk_that_fails_to_write_behind_the_next_leaves_nothing_saved(database, monkeypatch):
    """On PostgreSQL a chunk's rows are written on a thread of their own while the next chunk
    is worked out: one that fails (here a meeting twice, its key taken) fails the whole save,
    after the thread has stopped, and the transaction keeps none of the chunks before it.
    SQLite's are written at once, and fail the same."""
    monkeypatch.setattr(store_plans, "PLAN_CHUNK", 4)
    worked_out = store_plans.new_rows
    chunks = []

    def second_has_a_meeting_twice(*args):
        new = worked_out(*args)
        chunks.append(new)
        if len(chunks) == 2:
            new[MeetingRow].append(new[MeetingRow][0])
        return new

    monkeypatch.setattr(store_plans, "new_rows", second_has_a_meeting_twice)
    store = open_store(database)
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        save(store, planner_for(load_rules()).plan([2026]))
    behind = database.startswith("postgresql")
    assert len(chunks) == (3 if behind else 2)  # behind: the third was worked out while the second was written
    assert set(store.counts().values()) == {0}


def test_a_bulk_write_stores_json_as_the_orm_does(database):
    """COPY on PostgreSQL writes a JSON value's text itself (once per distinct value): the
    same text as an ORM insert, escapes, quotes and all."""
    detail = {"because": 'a "quoted" reason,\ta tab, a \\ and a new\nline', "n": [1, 2.5, None], "é": True}
    store = open_store(database)
    with store.session() as session, session.begin():
        rows = [{"at": NOW, "actor": "bulk", "action": "plan:added", "target": "t", "detail": detail}]
        insert_many(session, AuditRow, rows + [dict(rows[0], actor="bulk, empty", detail={})])
        session.add(AuditRow(at=NOW, actor="orm", action="plan:added", target="t", detail=detail))
    with store.session() as session:
        stored = {actor: text for actor, text in session.execute(select(AuditRow.actor, cast(AuditRow.detail, Text)))}
        assert session.scalars(select(AuditRow.detail).where(AuditRow.actor == "bulk")).one() == detail
    assert stored["bulk"] == stored["orm"]
    assert stored["bulk, empty"] == "{}"


def test_a_bulk_write_stores_every_kind_of_value_as_the_orm_does(database):
    """A bulk write (a binary COPY on PostgreSQL, each value in its column's own type) and
    an ORM insert keep the same values: instants either side of the clocks going back,
    in any zone; dates; a flag; none; a status; text that COPY's own text format escapes."""
    bst = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))  # 00:30 UTC
    gmt = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)  # an hour later, the same wall time
    meeting = {
        "body_id": "b",
        "cycle": "2026-27",
        "date": dt.date(2026, 10, 25),
        "status": Status.PLANNED,
        "sequence": 3,
        "planned_date": None,
        "manual": False,
        "explanation": 'Tab\there, a \\ back-slash, "quotes", a new\nline, é and ½',
        "updated_at": bst,
        "start": bst,
        "end": gmt,
        "title": "Board – Autumn",
        "location": "",
        "public": True,
        "tags": ["a", "é"],
    }
    store = open_store(database)
    with store.session() as session, session.begin():
        session.add(BodyRow(id="b", name="B", rules_file="b.yaml", rules_version="1"))
        session.flush()
        insert_many(session, MeetingRow, [dict(meeting, id="bulk")])
        session.add(MeetingRow(**dict(meeting, id="orm")))
    with store.session() as session:
        bulk, orm = (session.get(MeetingRow, key) for key in ("bulk", "orm"))
        columns = [column.key for column in MeetingRow.__table__.columns if column.key != "id"]
        assert [getattr(bulk, c) for c in columns] == [getattr(orm, c) for c in columns]
        start, end = stored_instant(bulk.start), stored_instant(bulk.end)  # the same wall time, an hour apart
        assert (start.timestamp(), end.timestamp() - start.timestamp()) == (bst.timestamp(), 3600)
        assert bulk.explanation == meeting["explanation"] and bulk.tags == ["a", "é"]


def test_the_migrations_build_exactly_the_models_schema(database):
    """Alembic's head and the SQLAlchemy models agree: no table, column or index missing."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    store = open_store(database)
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_upgrading_keeps_the_outbox_and_its_exactly_once_key(database):
    """0005 splits the outbox's "deadline#offset" key into its offset, unique per deadline:
    rows survive with the same key (their Message-ID), and a duplicate still fails."""
    import sqlalchemy
    from alembic import command

    command.upgrade(store_database.alembic_config(database), "0004")
    engine = store_database.engine_for(database)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO reminder (key, deadline_id, body_id, kind, due_at, status, attempts, next_attempt_at,"
            " late, last_error) VALUES ('b/2026-27/meeting-01/papers#working-3at0900', 'b/2026-27/meeting-01/papers',"
            " 'b', 'reminder', '2026-03-27 09:00:00+00', 'pending', 0, '2026-03-27 09:00:00+00', false, '')"
        )
    schema.upgrade(database)  # what `govcal db upgrade` does: open_store refuses an older revision
    store = open_store(database)
    with store.session() as session:
        (row,) = session.query(ReminderRow).all()
    assert (row.offset_key, row.key) == ("working-3at0900", "b/2026-27/meeting-01/papers#working-3at0900")
    with pytest.raises(sqlalchemy.exc.IntegrityError), engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO reminder (deadline_id, offset_key, body_id, kind, due_at, status, attempts,"
            " next_attempt_at, late, last_error) VALUES ('b/2026-27/meeting-01/papers', 'working-3at0900', 'b',"
            " 'reminder', '2026-03-27 09:00:00+00', 'pending', 0, '2026-03-27 09:00:00+00', false, '')"
        )
    engine.dispose()
