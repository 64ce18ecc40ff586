"""People with an identity (issue 26): an address is one person's, two people may share a
name, a place on a body is dated and kept when it ends; and the migration from members
kept by name, on a database of that shape. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from conftest import context, keep
from govcal.api import create_app
from govcal.cli import main
from govcal.cli.server import application
from govcal.clock import utc_now
from govcal.operations import access, people
from govcal.operations.database import bring_up_to_date
from rules.errors import RuleError
from rules.loader import load_rules
from scheduler.attendance import Presence
from scheduler.store import database as store_database
from scheduler.store import open_store
from scheduler.store.tables import AccessTokenRow, AuditRow, MemberRow, MembershipRow, TokenKind
from test_admin import TODAY, Clock, csrf, signed_in, text

JCB, PAB = "worcestershire-jcb", "worcestershire-pab"
BOTH = "2 people are called 'Ann Clerk' on record: give the address of the one you mean"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def roll(capsys, body: str, db: list[str]) -> list[tuple[str, str]]:
    status, out, _ = run(capsys, "member", "list", body, "--json", *db)
    assert status == 0
    return [(m["name"], m["email"]) for m in json.loads(out)]


def test_two_ann_clerks_stay_two_people_on_the_command_line(database, capsys):
    db = ["--database", database]
    assert run(capsys, "member", "add", JCB, "Ann Clerk", "--role", "clerk", "--email", "ann@example.org", *db)[0] == 0
    status, out, _ = run(
        capsys, "member", "add", PAB, "Ann Clerk", "--role", "clerk", "--email", "ann.other@example.org", *db
    )
    assert (status, out) == (0, "Ann Clerk: clerk of worcestershire-pab\n")
    # the JCB's Ann Clerk keeps her address; the PAB's is another person with hers
    assert roll(capsys, JCB, db) == [("Ann Clerk", "ann@example.org")]
    assert roll(capsys, PAB, db) == [("Ann Clerk", "ann.other@example.org")]
    # the name alone no longer says who: refused, with each one's address to choose from
    status, out, err = run(capsys, "member", "digest", "Ann Clerk", "--days", "5", *db)
    assert (status, out) == (2, "") and BOTH in err
    assert "(ann@example.org, ann.other@example.org)" in err and "Traceback" not in err
    status, _, err = run(capsys, "member", "add", JCB, "Ann Clerk", "--role", "member", *db)
    assert status == 2 and BOTH in err
    # the address says who: one digest, the JCB's clerk's; and a role for her alone
    assert run(capsys, "member", "digest", "ann@example.org", "--days", "5", *db)[0] == 0
    assert run(capsys, "member", "add", JCB, "ann@example.org", "--role", "member", *db)[0] == 0
    store = open_store(database)
    assert [(s.email, s.bodies) for s in store.subscribers(dt.date(2026, 12, 7), utc_now())] == [
        ("ann@example.org", (JCB,))
    ]
    # on a body, a name only one person there has is enough
    assert run(capsys, "member", "remove", PAB, "Ann Clerk", *db)[1] == "Ann Clerk: no longer on worcestershire-pab\n"
    assert roll(capsys, PAB, db) == []
    assert roll(capsys, JCB, db) == [("Ann Clerk", "ann@example.org")]
    # an address is one person's: it cannot be given to someone of another name
    status, _, err = run(capsys, "member", "add", PAB, "Bob Dunn", "--email", "ann@example.org", *db)
    assert status == 2 and "'ann@example.org' is the address of Ann Clerk, not of Bob Dunn" in err
    # the JCB's reminders go to the JCB's clerk: the papers for Tue 21 Apr 2026, due Mon 13 Apr
    # 17:00, overdue on Tue 14 Apr
    keep(context(load_rules(), database), [2026], [JCB])
    status, out, _ = run(capsys, "reminders", "send", "--dry-run", "--now", "2026-04-14 10:00", "--json", *db)
    papers = [w for w in json.loads(out) if w["deadline"] == f"{JCB}/2026-27/meeting-01/papers"]
    assert status == 0 and [(w["outcome"], w["to"]) for w in papers][-1] == ("send late", ["ann@example.org"])


def test_two_ann_clerks_stay_two_people_over_the_api(database):
    ctx = context(load_rules(), database)
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="clerk", now=utc_now())
    client = TestClient(create_app(ctx), headers={"Authorization": f"Bearer {token}"})
    jcb = {"body": JCB, "name": "Ann Clerk", "role": "clerk", "email": "ann@example.org"}
    pab = {"body": PAB, "name": "Ann Clerk", "role": "clerk", "email": "ann.other@example.org"}
    assert client.post("/api/members", json=jcb).status_code == 200
    added = client.post("/api/members", json=pab)
    assert [m["email"] for m in client.get("/api/members", params={"body": JCB}).json()] == ["ann@example.org"]
    assert [m["email"] for m in client.get("/api/members", params={"body": PAB}).json()] == ["ann.other@example.org"]
    assert added.json()["email"] == "ann.other@example.org"  # the answer names the person added
    refused = client.post("/api/members/digest", json={"name": "Ann Clerk", "days": 5})
    assert refused.status_code == 400 and refused.json()["detail"] == (
        f"{BOTH} (ann@example.org, ann.other@example.org)"
    )
    chosen = client.post("/api/members/digest", json={"name": "ann.other@example.org", "days": 5})
    assert chosen.status_code == 200
    with ctx.store.session() as session:
        asked = session.query(MemberRow.email).filter(MemberRow.digest_days.is_not(None)).all()
    assert [email for (email,) in asked] == ["ann.other@example.org"]


SUFFOLK = "suffolk-strategic-board"
MEETINGS = [f"{SUFFOLK}/2026-27/meeting-0{n}" for n in (1, 2, 3)]  # Tue 12 May, Tue 11 Aug, Tue 10 Nov 2026


def london_noon(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 11, 0, tzinfo=dt.UTC)  # 12:00 in London, in British Summer Time


def test_a_removed_member_stays_in_the_attendance_report_with_their_dates(database):
    ctx = context(load_rules(), database)
    keep(ctx, [2026], [SUFFOLK])
    for name in ("Ali", "Brown", "Chen"):  # Wed 1 Apr 2026
        people.add_member(ctx, SUFFOLK, name, "member", actor="clerk", now=london_noon(2026, 4, 1))
    record = people.record_attendance
    record(ctx, MEETINGS[0], [Presence(n) for n in ("Ali", "Brown", "Chen")], actor="c", now=london_noon(2026, 5, 13))
    record(ctx, MEETINGS[1], [Presence("Brown"), Presence("Chen")], actor="c", now=london_noon(2026, 8, 12))
    # Chen leaves the board on Wed 2 Sep 2026, after the August meeting and before November's
    left = people.remove_member(ctx, SUFFOLK, "Chen", actor="clerk", now=london_noon(2026, 9, 2))
    assert str(left) == "Chen: no longer on suffolk-strategic-board"
    with pytest.raises(RuleError, match="'Chen' is not on suffolk-strategic-board"):
        record(ctx, MEETINGS[2], [Presence("Brown"), Presence("Chen")], actor="c", now=london_noon(2026, 11, 11))
    record(ctx, MEETINGS[2], [Presence("Brown")], actor="c", now=london_noon(2026, 11, 11))
    assert [m.name for m in people.members(ctx, SUFFOLK)] == ["Ali", "Brown"]
    report = people.attendance_report(ctx, SUFFOLK, dt.date(2026, 11, 30), "2026-27").as_dict()
    lines = {line["member"]: line for line in report["record"]}
    # Chen: the May and August meetings, both attended; November's was after the place ended
    assert (lines["Chen"]["held"], lines["Chen"]["attended"], lines["Chen"]["absent"]) == (2, 2, 0)
    assert (lines["Chen"]["began"], lines["Chen"]["ended"]) == (dt.date(2026, 4, 1), dt.date(2026, 9, 2))
    assert (lines["Ali"]["held"], lines["Ali"]["absent"], lines["Ali"]["ended"]) == (3, 2, None)
    assert (lines["Brown"]["held"], lines["Brown"]["attended"]) == (3, 3)
    # the place is kept, ended; rejoining is a new place, beside it
    people.add_member(ctx, SUFFOLK, "Chen", "member", actor="clerk", now=london_noon(2026, 12, 1))
    with ctx.store.session() as session:
        places = (
            session.query(MembershipRow.began, MembershipRow.ended)
            .join(MemberRow, MemberRow.id == MembershipRow.member_id)
            .filter(MemberRow.name == "Chen")
        )
        assert sorted(places.all()) == [
            (dt.date(2026, 4, 1), dt.date(2026, 9, 2)),
            (dt.date(2026, 12, 1), None),  # Tue 1 Dec 2026
        ]


def test_the_members_of_many_bodies_read_at_once_are_each_bodys_own(database):
    """The grid's forecasts read a page's members in one query (`members_ever`): each body's
    people as `members(..., ever=True)` gives them, a place ended and one taken again kept."""
    ctx = context(load_rules(), database)
    keep(ctx, [2026], [SUFFOLK])
    for body, name in ((SUFFOLK, "Ali"), (SUFFOLK, "Chen"), (JCB, "Dee"), (JCB, "Bea")):  # Wed 1 Apr 2026
        people.add_member(ctx, body, name, "member", actor="clerk", now=london_noon(2026, 4, 1))
    people.remove_member(ctx, SUFFOLK, "Chen", actor="clerk", now=london_noon(2026, 9, 2))  # Wed 2 Sep 2026
    people.add_member(ctx, SUFFOLK, "Chen", "member", actor="clerk", now=london_noon(2026, 12, 1))  # Tue 1 Dec
    many = ctx.store.members_ever([SUFFOLK, JCB, PAB])
    assert many == {body: ctx.store.members(body, ever=True) for body in (SUFFOLK, JCB)}  # PAB: no one, left out
    assert [m.name for m in many[JCB]] == ["Bea", "Dee"]
    chen = next(m for m in many[SUFFOLK] if m.name == "Chen")
    assert (chen.began, chen.ended) == (dt.date(2026, 4, 1), None)  # two places, the second still held


def test_the_attendance_report_on_the_command_line_shows_when_a_place_ended(database, capsys):
    ctx = context(load_rules(), database)
    keep(ctx, [2026], [SUFFOLK])
    for name in ("Ali", "Chen"):
        people.add_member(ctx, SUFFOLK, name, "member", actor="clerk", now=london_noon(2026, 4, 1))
    people.record_attendance(
        ctx, MEETINGS[0], [Presence("Ali"), Presence("Chen")], actor="c", now=london_noon(2026, 5, 13)
    )
    people.remove_member(ctx, SUFFOLK, "Chen", actor="clerk", now=london_noon(2026, 9, 2))
    status, out, _ = run(capsys, "attendance", "report", SUFFOLK, "--until", "2026-11-30", "--database", database)
    chen = next(line for line in out.splitlines() if "Chen" in line)
    assert status == 0 and "01 Apr 2026" in chen and "02 Sep 2026" in chen


# -- the migration, on a database of the shape before it ---------------------------------


def test_the_people_migration_keeps_every_record(database):
    """0008 on members kept by name: each row one person, a shared address kept by the oldest
    (the clearing audited), places dated from the audit, a place removed before it back, ended."""
    from alembic import command

    command.upgrade(store_database.alembic_config(database), "0007")
    engine = store_database.engine_for(database)
    tables = sa.MetaData()
    tables.reflect(engine)
    t = tables.tables
    april, may, june = (dt.datetime(2026, month, 1, 9, 0, tzinfo=dt.UTC) for month in (4, 5, 6))
    with engine.begin() as connection:
        connection.execute(
            t["body"].insert(), [{"id": b, "name": b, "rules_file": "", "rules_version": ""} for b in (JCB, PAB)]
        )
        connection.execute(
            t["member"].insert(),
            [
                # Ann Clerk of the JCB, given the PAB's Ann Clerk's address by the second add
                {"name": "Ann Clerk", "email": "ann.other@example.org"},
                {"name": "Bob Dunn", "email": "office@example.org"},
                {"name": "Cy Dunn", "email": "office@example.org"},
                {"name": "Dee Gone", "email": ""},
            ],
        )
        connection.execute(
            t["membership"].insert(),
            [
                {"member_id": 1, "body_id": JCB, "role": "clerk", "organisation": ""},
                {"member_id": 1, "body_id": PAB, "role": "clerk", "organisation": ""},
                {"member_id": 2, "body_id": JCB, "role": "member", "organisation": ""},
                {"member_id": 3, "body_id": PAB, "role": "member", "organisation": ""},
            ],
        )
        connection.execute(
            t["meeting"].insert(),
            {
                "id": f"{JCB}/2026-27/meeting-01",
                "body_id": JCB,
                "cycle": "2026-27",
                "date": dt.date(2026, 4, 21),  # Tue 21 Apr 2026
                "status": "planned",
                "sequence": 0,
                "manual": False,
                "explanation": "",
                "updated_at": april,
                "start": dt.datetime(2026, 4, 21, 13, 0, tzinfo=dt.UTC),
                "end": dt.datetime(2026, 4, 21, 15, 0, tzinfo=dt.UTC),
                "title": "JCB",
                "location": "",
                "public": True,
                "tags": [],
            },
        )
        connection.execute(
            t["attendance"].insert(), {"meeting_id": f"{JCB}/2026-27/meeting-01", "member_id": 4, "for_member_id": None}
        )
        connection.execute(
            t["access_token"].insert(),
            [
                {"kind": kind, "holder": holder, "digest": digest, "created_at": april}
                for kind, holder, digest in (
                    ("feed", "Ann Clerk", "a" * 64),
                    ("feed", "Dee Gone", "d" * 64),
                    ("admin", "Bob Dunn", "b" * 64),
                )
            ],
        )
        add, remove = "member:add", "member:remove"
        connection.execute(
            t["audit"].insert(),
            [
                {
                    "at": april,
                    "actor": "a",
                    "action": add,
                    "target": f"{JCB}/Ann Clerk",
                    "detail": {"role": "clerk", "email": "ann@example.org"},
                },
                {
                    "at": april,
                    "actor": "a",
                    "action": add,
                    "target": f"{JCB}/Bob Dunn",
                    "detail": {"role": "member", "email": ""},
                },
                {
                    "at": april,
                    "actor": "a",
                    "action": add,
                    "target": f"{JCB}/Dee Gone",
                    "detail": {"role": "member", "email": ""},
                },
                {
                    "at": may,
                    "actor": "a",
                    "action": add,
                    "target": f"{PAB}/Ann Clerk",
                    "detail": {"role": "clerk", "email": "ann.other@example.org"},
                },
                {"at": june, "actor": "a", "action": remove, "target": f"{JCB}/Dee Gone", "detail": {"role": None}},
            ],
        )
    engine.dispose()

    bring_up_to_date(database)  # govcal db upgrade: an older database is never migrated unasked
    store = open_store(database)
    with store.session() as session:
        found = sorted((m.id, m.name, m.email) for m in session.query(MemberRow))
        places = sorted((p.member_id, p.body_id, p.role, p.began, p.ended) for p in session.query(MembershipRow))
        holders = sorted((t.kind, t.holder) for t in session.query(AccessTokenRow))
        cleared = [
            (a.target, a.detail) for a in session.query(AuditRow).filter(AuditRow.action == "member:address-cleared")
        ]
        before = [a.detail["email"] for a in session.query(AuditRow).filter(AuditRow.target == f"{JCB}/Ann Clerk")]
    # each row one person; the oldest of two sharing an address keeps it
    assert found == [
        (1, "Ann Clerk", "ann.other@example.org"),
        (2, "Bob Dunn", "office@example.org"),
        (3, "Cy Dunn", ""),
        (4, "Dee Gone", ""),
    ]
    assert cleared == [("Cy Dunn", {"email": "office@example.org", "kept_by": "Bob Dunn"})]
    assert before == ["ann@example.org"]  # the address Ann Clerk had before, in the audit still
    # a feed link held under its person's address, or their name where they have none
    assert holders == [("admin", "Bob Dunn"), ("feed", "Dee Gone"), ("feed", "ann.other@example.org")]
    # places dated from the audit (Wed 1 Apr, Fri 1 May 2026); Dee's, removed Mon 1 Jun, back and ended
    assert places == [
        (1, JCB, "clerk", dt.date(2026, 4, 1), None),
        (1, PAB, "clerk", dt.date(2026, 5, 1), None),
        (2, JCB, "member", dt.date(2026, 4, 1), None),
        (3, PAB, "member", None, None),  # no add in the audit: began before the record
        (4, JCB, "member", dt.date(2026, 4, 1), dt.date(2026, 6, 1)),
    ]
    report = {line.member: line for line in store.attendance_record(JCB, dt.date(2026, 6, 30))}
    assert (report["Dee Gone"].held, report["Dee Gone"].attended, report["Dee Gone"].ended) == (
        1,
        1,
        dt.date(2026, 6, 1),
    )
    # from now on, an address is one person's, and two people of one name stay two: the
    # JCB's clerk given her own address back, as a person of her own, the PAB's taken off it
    ctx = context(load_rules(), database)
    people.add_member(ctx, JCB, "Ann Clerk", "clerk", email="ann@example.org", actor="a", now=utc_now())
    people.remove_member(ctx, JCB, "ann.other@example.org", actor="a", now=utc_now())
    assert [m.email for m in people.members(ctx, JCB) if m.name == "Ann Clerk"] == ["ann@example.org"]
    assert [m.email for m in people.members(ctx, PAB) if m.name == "Ann Clerk"] == ["ann.other@example.org"]
    with pytest.raises(sa.exc.IntegrityError), store.engine.begin() as connection:
        connection.execute(sa.insert(MemberRow).values(name="Eve", email="office@example.org"))


def test_the_people_migration_goes_back_and_forth(database):
    """0008 down to 0007 (ended places dropped, feed links under names again) and up again."""
    from alembic import command

    ctx = context(load_rules(), database)
    people.add_member(ctx, JCB, "Ann Clerk", "clerk", email="ann@example.org", actor="a", now=london_noon(2026, 4, 1))
    people.add_member(ctx, JCB, "Bob Dunn", "member", actor="a", now=london_noon(2026, 4, 1))
    people.remove_member(ctx, JCB, "Bob Dunn", actor="a", now=london_noon(2026, 6, 1))
    access.create_token(ctx, TokenKind.FEED, "Ann Clerk", actor="a", now=london_noon(2026, 4, 1))
    ctx.store.engine.dispose()
    config = store_database.alembic_config(database)
    command.downgrade(config, "0007")
    engine = store_database.engine_for(database)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM membership").scalar() == 1  # Ann's; Bob's had ended
        assert connection.exec_driver_sql("SELECT holder FROM access_token").scalar() == "Ann Clerk"
    engine.dispose()
    command.upgrade(config, "head")
    store = open_store(database)
    assert [(m.name, m.email, m.began) for m in store.members(JCB)] == [
        ("Ann Clerk", "ann@example.org", dt.date(2026, 4, 1))
    ]
    assert store.bodies_of("ann@example.org") == [JCB]


def test_the_admin_pages_name_each_of_two_namesakes_by_address(database):
    ctx = context(load_rules(), database)
    for address in ("ann@example.org", "ann.other@example.org"):
        people.add_member(ctx, JCB, "Ann Clerk", "member", email=address, actor="a", now=TODAY)
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="setup", now=TODAY)
    client = signed_in(TestClient(application(ctx, ["testserver"], Clock(TODAY)), base_url="http://testserver"), token)
    page = client.get("/admin/body", params={"id": JCB})
    assert 'name=name value="ann@example.org"' in page.text and 'name=name value="ann.other@example.org"' in page.text
    by_name = client.post(
        "/admin/members", data={"body": JCB, "name": "Ann Clerk", "remove": "1", "csrf": csrf(page.text)}
    )
    assert by_name.status_code == 400 and "(ann@example.org, ann.other@example.org)" in text(by_name.text)
    gone = client.post(
        "/admin/members", data={"body": JCB, "name": "ann.other@example.org", "remove": "1", "csrf": csrf(page.text)}
    )
    assert gone.status_code == 200 and [m.email for m in people.members(ctx, JCB)] == ["ann@example.org"]
    # a feed link each, held under each one's address, shown under her name with it
    for address in ("ann@example.org", "ann.other@example.org"):
        made = client.post("/admin/feed-links", data={"name": address, "action": "create", "csrf": csrf(page.text)})
        assert made.status_code == 200 and "Feed link for Ann Clerk" in text(made.text)
    assert set(access.feed_token_holders(ctx)) == {"ann@example.org", "ann.other@example.org"}
    listed = text(client.get("/admin/feed-links").text)
    assert "Ann Clerk ann.other@example.org" in listed and "Ann Clerk ann@example.org" in listed
