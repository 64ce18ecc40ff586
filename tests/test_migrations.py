"""Released schema revisions never change, and a database holding a year upgrades from any of
them, on SQLite and PostgreSQL, to exactly the schema a fresh one has, its data intact.

Revisions are read from the migrations folder (Alembic's script directory), so a new one is
in the chain test without editing it; only `RELEASED` needs its line once it is released.
The old meanings of 0002 (16690da), 0003 (83d36f7), 0004 (e8af316) and 0005 (7984a53) are built here from
their migrations' own operations, copied below, and must be repaired by `govcal db upgrade`;
a shape govcal does not know is refused, and a failed upgrade leaves the file as it was.

The year seeded: the JCB's April meeting, planned for Tue 21 Apr 2026, moved by an admin
to Wed 22 Apr 2026 (SEQUENCE 1); its papers due 5 clear working days before, Tue 14 Apr
2026 at 17:00 (clear days 21, 20, 17, 16, 15 Apr), with the reminder 3 working days before
that (13, 10, 9 Apr), Thu 9 Apr 2026 at 09:00 BST, sent five minutes later.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from conftest import another_database, context
from govcal.cli import main
from govcal.operations import access
from rules.loader import load_rules
from scheduler.papers import LinkKind, MeetingLink
from scheduler.store import database as store_database
from scheduler.store import open_store, schema
from scheduler.store.tables import AccessTokenRow, AttendanceRow, MeetingRow, ReminderRow

# Every released revision's file, by its SHA-256: a released migration is never edited again.
RELEASED = {
    "0001": "c81a6a3262c932207ff174a290f4aa002bc8055f8a0803b311498545451e8a4a",
    "0002": "51bd8a7afdf88060612b0cd27b60e3aa9abc51b2bc1b421acc568e2a8c2e658b",
    "0003": "efc2ad6d89a9293010bf31ad7f78050f100819f547b761b9c209fda28785bc3e",
    "0004": "2bca79a2e2c56c8a1efde424478ec5434e4f33a88df4c2891b3833360bd74e48",
    "0005": "44ddd185b2fc43c8aa63c9ef60848ebc500a48886610088b8346603d629779a2",
    "0006": "6ec578d05821a4c35b0e0317de72a07496d1faca693f148d0bd64ed42c3e6aeb",
    "0007": "7bc2b7ae6aa695f584dd4daf991bf0ed2b2ad7d1b93d940f1e6b4cad25ee817b",
    "0008": "586188e11557b45af0cb6acd065132d3b4a8fe8dba3399090780c6680056ff83",
    "0009": "170eaee0839b524e86af4a5c25f356e371a0173f7f26169b896e37d400b0dd00",
    "0010": "2ba833d1ceafe72faf41cacb2d49af2dde4a1b8874b4236045a47b88abb9e905",
    "0011": "f6cbab0accb0694ca759e869aa9f0113316a62d94bd4ca856cd95f2af8b966bd",
    "0012": "bce129eda72ecf1f4bac896a1b07144073a59205202dcc61c9c5375be44d2063",
}
REVISIONS = schema.revisions()  # walked from the migrations folder: a new revision is tested as it lands
MEETING = "worcestershire-jcb/2026-27/meeting-01"
PAPERS = f"{MEETING}/papers"
TOKEN = "a-secret-admin-token"
LONDON_APRIL = dt.datetime(2026, 4, 1, 8, 0, tzinfo=dt.UTC)  # Wed 1 Apr 2026, 09:00 BST


def test_released_revisions_are_never_edited_and_each_new_one_is_listed():
    for script in schema.scripts().walk_revisions():
        digest = hashlib.sha256(Path(script.path).read_bytes()).hexdigest()
        name = Path(script.path).name
        assert script.revision in RELEASED, (
            f"revision {script.revision} ({name}) is not in RELEASED: once it is released, add the line"
            f' "{script.revision}": "{digest}", to RELEASED in tests/test_migrations.py'
        )
        assert RELEASED[script.revision] == digest, (
            f"{name} was edited after revision {script.revision} was released; put the change in a new"
            " revision instead (databases already at it would never get it)"
        )


# -- a year at any revision ---------------------------------------------------------------------

OCCURRENCE = {"body_id": "worcestershire-jcb", "cycle": "2026-27", "explanation": "", "updated_at": LONDON_APRIL}
ROWS: dict[str, list[dict[str, Any]]] = {
    "body": [{"id": "worcestershire-jcb", "name": "Worcestershire JCB", "planned_at": LONDON_APRIL}],
    "member": [
        {"id": 1, "name": "Ann Clerk", "email": "ann@example.org", "digest_days": 3},
        {"id": 2, "name": "Cllr Ali", "email": "ali@example.org"},
        {"id": 3, "name": "Cllr Bea", "email": ""},
    ],
    "membership": [
        {"id": 1, "member_id": 1, "body_id": "worcestershire-jcb", "role": "clerk", "organisation": ""},
        {"id": 2, "member_id": 2, "body_id": "worcestershire-jcb", "role": "member", "organisation": "County"},
        {"id": 3, "member_id": 3, "body_id": "worcestershire-jcb", "role": "substitute", "substitute_for": 2},
    ],
    "meeting": [
        {
            **OCCURRENCE,
            "id": MEETING,
            "start": dt.datetime(2026, 4, 22, 13, 0, tzinfo=dt.UTC),  # Wed 22 Apr 2026, 14:00 BST
            "end": dt.datetime(2026, 4, 22, 15, 0, tzinfo=dt.UTC),
            "title": "Worcestershire JCB",
            "location": "County Hall",
            "public": False,
            "tags": ["moved"],
            "date": dt.date(2026, 4, 22),
            "status": "moved",
            "sequence": 1,
            "planned_date": dt.date(2026, 4, 21),  # the rules' third Tuesday
            "manual": True,
            "explanation": "moved by clerk",
        }
    ],
    "deadline": [
        {
            **OCCURRENCE,
            "id": PAPERS,
            "meeting_id": MEETING,
            "counted_from": MEETING,
            "rule": "papers",
            "name": "Papers published",
            "due": dt.datetime(2026, 4, 14, 16, 0, tzinfo=dt.UTC),  # Tue 14 Apr 2026, 17:00 BST
            "who": ["clerk"],
            "date": dt.date(2026, 4, 14),
            "status": "planned",
            "sequence": 1,
        }
    ],
    "item": [
        {
            **OCCURRENCE,
            "id": f"{MEETING}/budget",
            "date": dt.date(2026, 4, 22),
            "meeting_id": MEETING,
            "rule": "budget",
            "name": "Budget",
            "status": "planned",
        }
    ],
    "audit": [
        {"id": 1, "at": LONDON_APRIL, "actor": "clerk", "action": "edit:move", "target": MEETING, "detail": {"to": 1}}
    ],
    "attendance": [{"id": 1, "meeting_id": MEETING, "member_id": 3, "for_member_id": 2, "state": "substitute"}],
    "meeting_link": [  # from 0011
        {
            "id": 1,
            "meeting_id": MEETING,
            "kind": "agenda",
            "url": "https://example.org/agenda.pdf",
            "added_at": LONDON_APRIL,
        }
    ],
    "access_token": [
        {
            "id": 1,
            "kind": "admin",
            "holder": "alice",
            "digest": hashlib.sha256(TOKEN.encode()).hexdigest(),
            "created_at": LONDON_APRIL,
        }
    ],
    "reminder": [
        {
            "id": 1,
            "deadline_id": PAPERS,
            "offset_key": "working-3at0900",
            "channel": "email",  # from 0009
            "body_id": "worcestershire-jcb",
            "kind": "reminder",
            "due_at": dt.datetime(2026, 4, 9, 8, 0, tzinfo=dt.UTC),  # Thu 9 Apr 2026, 09:00 BST
            "status": "sent",
            "attempts": 1,
            "next_attempt_at": dt.datetime(2026, 4, 9, 8, 0, tzinfo=dt.UTC),
            "sent_at": dt.datetime(2026, 4, 9, 8, 5, tzinfo=dt.UTC),
        }
    ],
    "digest": [
        {
            "member_id": 1,
            "day": dt.date(2026, 4, 9),
            "status": "sent",
            "claimed_by": "serve-a",
            "claimed_at": LONDON_APRIL,
            "deadlines": 1,
        }
    ],
}
# what the old shapes kept of the same admin token
ROWS["admin_token"] = [
    {"id": 1, "name": "alice", "digest": ROWS["access_token"][0]["digest"], "created_at": LONDON_APRIL}
]
FILLER = {sa.String: "x", sa.Integer: 0, sa.Boolean: False, sa.Date: dt.date(2026, 4, 1), sa.JSON: []}


def filler(column: sa.Column) -> Any:
    """A value for a required column the rows above do not name (one a later revision added)."""
    if isinstance(column.type, sa.DateTime):
        return LONDON_APRIL
    return next(value for kind, value in FILLER.items() if isinstance(column.type, kind))


def seed(url: str) -> dict[str, int]:
    """Write the year into whatever tables the database has at its revision; rows per table."""
    engine = store_database.engine_for(url)
    metadata = sa.MetaData()
    metadata.reflect(engine)
    written = {}
    with engine.begin() as connection:
        for table in metadata.sorted_tables:
            rows = []
            for given in ROWS.get(table.name, []):
                row = {name: value for name, value in given.items() if name in table.columns}
                if "key" in table.columns and table.name == "reminder":  # before 0005: "deadline#offset"
                    row["key"] = f"{given['deadline_id']}#{given['offset_key']}"
                for column in table.columns:
                    if column.name not in row and not column.nullable:
                        row[column.name] = filler(column)
                rows.append(row)
            for row in rows:  # one by one: rows name different columns
                connection.execute(sa.insert(table), row)
            if rows:
                written[table.name] = len(rows)
        # as if govcal had written them: PostgreSQL's id sequences past the ids given here
        schema.follow_sequences(connection, tuple(t.name for t in metadata.sorted_tables if "id" in t.columns))
    engine.dispose()
    return written


def counts(url: str) -> dict[str, int]:
    engine = store_database.engine_for(url)
    metadata = sa.MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        found = {
            t.name: connection.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }
    engine.dispose()
    return found


def described(url: str) -> dict[str, Any]:
    """Everything about the schema the two databases must share: tables, columns with their
    types and nullability, primary keys, foreign keys, indexes and unique constraints."""
    engine = store_database.engine_for(url)
    inspector = sa.inspect(engine)
    found = {}
    for table in sorted(inspector.get_table_names()):
        found[table] = {
            "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
            "primary": inspector.get_pk_constraint(table)["constrained_columns"],
            "foreign": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]))
                for f in inspector.get_foreign_keys(table)
            ),
            "indexes": sorted((i["name"], tuple(i["column_names"]), i["unique"]) for i in inspector.get_indexes(table)),
            "unique": sorted(tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)),
        }
    engine.dispose()
    return found


def fresh(kind: str, folder: Path) -> dict[str, Any]:
    """A new database's schema, as the first `govcal` command that opens it creates it."""
    with another_database(kind, folder, "fresh") as url:
        open_store(url).engine.dispose()
        return described(url)


def kind(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def upgrade(url: str, capsys) -> str:
    """`govcal db upgrade` on the database; what it printed (it must succeed)."""
    assert main(["db", "upgrade", "--database", url]) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def assert_the_year_survived(url: str, written: dict[str, int]) -> None:
    """Every row is there, and the store at the newest revision reads the edit, the attendance,
    the sent reminder and the token as they were kept."""
    after = counts(url)
    for table, rows in written.items():
        expected = ("access_token", rows) if table == "admin_token" else (table, rows)
        assert after[expected[0]] == expected[1], table
    ctx = context(load_rules(), url)
    with ctx.store.session() as session:
        meeting = session.get(MeetingRow, MEETING)
        assert meeting is not None
        assert (meeting.date, meeting.planned_date, meeting.status, meeting.sequence, meeting.manual) == (
            dt.date(2026, 4, 22),
            dt.date(2026, 4, 21),
            "moved",
            1,
            True,
        )
        if "attendance" in written:
            (present,) = session.query(AttendanceRow).all()
            assert (present.meeting_id, present.member_id, present.for_member_id) == (MEETING, 3, 2)
            assert present.state == "substitute"  # from 0012: a row kept before, with whom it stood for
        if "reminder" in written:
            (sent,) = session.query(ReminderRow).all()
            assert (sent.key, sent.status) == (f"{PAPERS}#working-3at0900", "sent")
            assert sent.sent_at == dt.datetime(2026, 4, 9, 8, 5, tzinfo=dt.UTC)
        if "access_token" in written or "admin_token" in written:
            assert session.query(AccessTokenRow).one().kind == "admin"
    if "meeting_link" in written:
        assert ctx.store.meeting_links([MEETING]) == {
            MEETING: [MeetingLink(LinkKind.AGENDA, "https://example.org/agenda.pdf")]
        }
    if "access_token" in written or "admin_token" in written:
        assert access.admin_of(ctx, f"Bearer {TOKEN}") == "alice"
        # a token made after the upgrade takes the next id, on PostgreSQL's sequence too
        assert access.create_token(ctx, access.TokenKind.ADMIN, "bob", actor="t", now=LONDON_APRIL)
    ctx.store.engine.dispose()


@pytest.mark.parametrize("revision", REVISIONS)
def test_a_year_kept_at_any_revision_upgrades_to_the_schema_a_fresh_database_has(database, revision, tmp_path, capsys):
    schema.upgrade(database, to=revision)
    written = seed(database)
    said = upgrade(database, capsys)
    if revision == schema.head():
        assert "is at the newest schema" in said
    else:
        assert f"from schema revision {revision} to {schema.head()}" in said
    assert described(database) == fresh(kind(database), tmp_path)
    assert_the_year_survived(database, written)


# -- the shapes 0002, 0003 and 0005 had at earlier commits ------------------------------------


def stamp(connection: sa.Connection, revision: str) -> None:
    """Make the database claim `revision`, as Alembic's table says it."""
    connection.execute(sa.text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


def _operations(connection: sa.Connection) -> Operations:
    return Operations(MigrationContext.configure(connection, opts={"render_as_batch": True}))


def old_admin_tokens(op: Operations) -> None:
    """16690da's 0002, as it was written."""
    op.create_table(
        "admin_token",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest"),
    )


def old_attendance(op: Operations) -> None:
    """83d36f7's 0003, as it was written."""
    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_id", sa.String(length=300), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("for_member_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["for_member_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "member_id"),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_meeting_id"), ["meeting_id"], unique=False)


def old_reminder_key(op: Operations) -> None:
    """7984a53's 0005, as it was written."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    names = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
    with op.batch_alter_table("reminder", naming_convention=names) as batch_op:
        batch_op.drop_constraint("uq_reminder_key" if sqlite else "reminder_key_key", type_="unique")
        batch_op.drop_index("ix_reminder_deadline_id")
        batch_op.create_unique_constraint("uq_reminder_deadline_key", ["deadline_id", "key"])


def old_body_cycle_index(op: Operations) -> None:
    """e8af316's 0004, as it was written: the index on deadline.meeting_id not yet dropped."""
    for table in ("meeting", "deadline", "item"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_body_id")
            batch_op.drop_index(f"ix_{table}_cycle")
            batch_op.create_index(f"ix_{table}_body_cycle", ["body_id", "cycle"], unique=False)


def real(revision: str):
    """Today's `revision`, as a govcal of the time ran it on an old database without noticing."""

    def step(op: Operations) -> None:
        with Operations.context(op.migration_context):
            schema.scripts().get_revision(revision).module.upgrade()

    return step


# The newest revision of the govcals that carried these shapes on unawares (668a106's): a later
# revision only ever meets them after `govcal db upgrade` has repaired them.
CARRIED = "0007"
LATER = [real(r) for r in REVISIONS[REVISIONS.index("0003") : REVISIONS.index(CARRIED) + 1]]  # today's 0003 on

# a database made at: (today's revision it starts from, the old migrations it then ran, the
# revision it claimed, what `govcal db upgrade` says it repaired)
OLD = {
    "16690da": ("0001", [old_admin_tokens], "0002", ["16690da's 0002"]),
    "83d36f7": ("0001", [old_admin_tokens, old_attendance], "0003", ["83d36f7's 0003"]),
    "e8af316": ("0003", [old_body_cycle_index], "0004", ["e8af316's 0004"]),
    "7984a53": ("0004", [old_reminder_key], "0005", ["7984a53's 0005"]),
    # made at 16690da, then upgraded to the newest they knew by later govcals (0002 skipped: it claimed it)
    "16690da-then-upgraded": ("0001", [old_admin_tokens, *LATER], CARRIED, ["16690da's 0002"]),
    # made at 83d36f7, then upgraded by 8f32ac7's govcal to 7984a53's: 0004 ran, 0005 failed, SQLite left at 0004
    "83d36f7-then-stuck-at-0004": (
        "0001",
        [old_admin_tokens, old_attendance, real("0004")],
        "0004",
        ["83d36f7's 0003", "no reminder outbox"],
    ),
    # made at 7984a53, then "upgraded" to the newest by 668a106's govcal, which said so and then
    # failed on the missing reminder.offset_key (the second case)
    "7984a53-then-upgraded": (
        "0004",
        [old_reminder_key, *[real(r) for r in REVISIONS[REVISIONS.index("0006") : REVISIONS.index(CARRIED) + 1]]],
        CARRIED,
        ["7984a53's 0005"],
    ),
    # made at e8af316, then upgraded by the govcal of 7984a53: both shapes at once
    "e8af316-then-7984a53": (
        "0003",
        [old_body_cycle_index, old_reminder_key],
        "0005",
        ["e8af316's 0004", "7984a53's 0005"],
    ),
}


def old_database(url: str, commit: str) -> None:
    """A database as govcal at `commit` made it: today's revisions up to where they agree, then that
    commit's own migration(s), the revision it claimed stamped."""
    start, steps, claimed, _ = OLD[commit]
    schema.upgrade(url, to=start)
    engine = store_database.engine_for(url)
    with engine.begin() as connection:
        op = _operations(connection)
        for step in steps:
            step(op)
        stamp(connection, claimed)
    engine.dispose()


@pytest.mark.parametrize("commit", list(OLD))
def test_a_database_made_when_a_revision_meant_something_else_is_repaired(database, commit, tmp_path, capsys):
    old_database(database, commit)
    written = seed(database)
    # not upgraded behind the user's back: the command says what to run, in one line, and changes nothing
    assert main(["plan", "2026", "--save", "--database", database]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "govcal db upgrade" in err and f"revision {OLD[commit][2]}" in err
    said = upgrade(database, capsys)
    assert "repaired" in said and all(shape in said for shape in OLD[commit][3]) and schema.head() in said
    assert described(database) == fresh(kind(database), tmp_path)
    assert_the_year_survived(database, written)
    assert main(["plan", "2026", "--save", "--database", database]) == 0  # issue 24: no missing offset_key


def test_a_shape_govcal_does_not_know_is_refused_naming_what_was_found_and_left_untouched(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'govcal.db'}"
    schema.upgrade(url, to="0006")
    engine = store_database.engine_for(url)
    with engine.begin() as connection:
        stamp(connection, "0005")  # claims 0005 but has 0006's deadline.counted_from
    engine.dispose()
    before = (tmp_path / "govcal.db").read_bytes()
    assert main(["db", "upgrade", "--database", url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "claims schema revision 0005" in err and "deadline has counted_from, which it should not" in err
    assert (tmp_path / "govcal.db").read_bytes() == before


def test_an_upgrade_that_fails_part_way_leaves_the_database_at_the_revision_it_was(database, capsys):
    """Two reminders whose keys differ but whose (deadline, offset) pairs are equal: 0005's unique
    pair refuses them, after 0004 has rebuilt three tables. Everything is rolled back."""
    schema.upgrade(database, to="0003")
    seed(database)
    engine = store_database.engine_for(database)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO reminder (key, deadline_id, body_id, kind, due_at, status, attempts, next_attempt_at,"
                " late, last_error) VALUES ('other#working-3at0900', :d, 'b', 'reminder', :t, 'pending', 0, :t,"
                " false, '')"
            ),
            {"d": PAPERS, "t": LONDON_APRIL},
        )
    before = described(database)
    assert main(["db", "upgrade", "--database", database]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "left as it was" in err
    with engine.connect() as connection:
        assert schema.claimed(connection) == "0003"
    engine.dispose()
    assert described(database) == before  # 0004's indexes were not left half-made


def test_a_new_database_is_created_an_older_one_refused_and_a_newer_ones_named(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'govcal.db'}"
    assert main(["plan", "2026", "--save", "--body", "worcestershire-jcb", "--database", url]) == 0
    capsys.readouterr()
    engine = store_database.engine_for(url)
    with engine.begin() as connection:
        stamp(connection, "0099")
    engine.dispose()
    assert main(["plan", "2026", "--save", "--database", url]) == 2
    err = capsys.readouterr().err
    assert "revision 0099, which this govcal does not know" in err and "newer govcal" in err


def test_serve_refuses_an_older_database_without_upgrade(tmp_path, capsys):
    """`serve` says to upgrade (`serve --upgrade` does it: tests/test_deploy.py serves through nginx so)."""
    url = f"sqlite:///{tmp_path / 'govcal.db'}"
    schema.upgrade(url, to="0006")
    assert main(["serve", "--database", url, "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "revision 0006, older than this govcal's" in err and "govcal db upgrade" in err


def test_instances_starting_at_once_on_a_new_database_create_it_once(database):
    """Several `govcal serve` on one new PostgreSQL (or SQLite file) start together: each finds it
    new and creates it; one does, the others wait for it and find it made."""
    import threading

    said: list[BaseException | None] = []

    def start() -> None:
        try:
            open_store(database).engine.dispose()
            said.append(None)
        except BaseException as error:  # noqa: BLE001 - reported below, as the instance would
            said.append(error)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert said == [None] * 4
    assert described(database)  # and it is there, once
