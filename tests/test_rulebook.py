"""Bodies' rules kept in the database as versions: the seeds on first use, import, export,
publishing from a day, and every instance reading the same rules."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import NOW, fresh_database
from govcal.operations import Context, rulebook
from govcal.operations.planning import explain, keep_year
from govcal.schedule_files import plan_dict
from govcal.settings import Settings
from rules.errors import RuleError
from rules.loader import load_rules, seeds_dir


@pytest.fixture
def other_database(database, tmp_path) -> Iterator[str]:
    """A second fresh database on the same backend as `database`."""
    yield from fresh_database("sqlite" if database.startswith("sqlite") else "postgresql", tmp_path / "other.db")


def kept(url: str, *, no_seeds: bool = False) -> Context:
    """An instance's context on a database: the rules are the database's."""
    return Context(None, Settings(database_url=url, database_named=True, no_seeds=no_seeds), now=NOW)


def test_seed_bodies_round_trip_through_the_database_to_the_same_plan(database, other_database, tmp_path):
    shipped = load_rules()
    first = kept(database)
    assert list(first.rules.bodies) == list(shipped.bodies)  # kept on first use, in the same order
    assert len(first.store.rule_versions()) == 15
    assert plan_dict(first.planner.plan([2026])) == plan_dict(kept(database).planner.plan([2026]))
    from conftest import planner_for

    expected = plan_dict(planner_for(shipped).plan([2026, 2027]))
    assert plan_dict(first.planner.plan([2026, 2027])) == expected

    written = rulebook.export_rules(first, tmp_path / "exported")
    assert len(written) == 15
    for path in written:  # byte for byte the shipped files: a valid --rules directory
        assert path.read_bytes() == (seeds_dir() / path.name).read_bytes()
    assert plan_dict(planner_for(load_rules([tmp_path / "exported"])).plan([2026, 2027])) == expected

    second = kept(other_database, no_seeds=True)
    assert len(second.rules) == 0  # told not to: no seeds
    rulebook.import_rules(second, [tmp_path / "exported"], None, actor="test", now=NOW)
    assert list(second.rules.bodies) == list(shipped.bodies)
    assert plan_dict(second.planner.plan([2026, 2027])) == expected
    again = rulebook.export_rules(second, tmp_path / "again")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in written]
    # importing the same files again publishes nothing: no version changes anything
    assert rulebook.import_rules(second, [tmp_path / "again"], None, actor="test", now=NOW).versions == []
    assert len(second.store.rule_versions()) == 15


def test_the_first_rules_imported_into_an_empty_database_stand_instead_of_the_seeds(database, write_rules, tmp_path):
    from conftest import BASE

    write_rules(BASE)
    ctx = kept(database)
    rulebook.import_rules(ctx, [tmp_path / "rules"], None, actor="test", now=NOW)
    assert list(ctx.rules.bodies) == ["board"]


def test_a_year_kept_from_rule_files_before_rules_were_kept_is_not_given_the_seeds(database, write_rules, tmp_path):
    """A database upgraded from a govcal that read rule files has a kept year and no kept rules:
    a council's own bodies are not mixed with the fifteen demo bodies; it is told to import its
    files, and once it has, they stand. A year kept of the seed bodies alone gets them back."""
    from conftest import BASE
    from scheduler.store.tables import RuleVersionRow

    write_rules(BASE)
    ctx = kept(database)
    rulebook.import_rules(ctx, [tmp_path / "rules"], None, actor="test", now=NOW)
    keep_year(ctx, [2026], actor="test", now=NOW)
    with ctx.store.session() as session, session.begin():
        session.query(RuleVersionRow).delete()  # as a database made before rules were kept there
    upgraded = kept(database)
    with pytest.raises(RuleError, match=r"planned from rule files \(board\).*govcal rules import DIR"):
        upgraded.rules  # noqa: B018 - reading them is what refuses
    rulebook.import_rules(upgraded, [tmp_path / "rules"], None, actor="test", now=NOW)
    assert list(kept(database).rules.bodies) == ["board"]


def test_a_year_kept_of_the_seed_bodies_before_rules_were_kept_gets_them_as_versions(database):
    from scheduler.store.tables import RuleVersionRow

    ctx = kept(database)
    keep_year(ctx, [2026], ["worcestershire-jcb"], actor="test", now=NOW)
    with ctx.store.session() as session, session.begin():
        session.query(RuleVersionRow).delete()
    assert len(kept(database).rules.bodies) == len(list(seeds_dir().glob("*.yaml")))


def test_term_calendars_round_trip(database, tmp_path):
    leeds = Path(__file__).parent / "data" / "terms" / "leeds.ics"
    ctx = kept(database)
    assert rulebook.import_terms(ctx, [leeds], actor="test", now=NOW) == ["leeds"]
    [written] = rulebook.export_terms(ctx, tmp_path / "terms")
    assert written.name == "leeds.ics" and written.read_bytes() == leeds.read_bytes()
    # the kept calendar is the one the Leeds bodies are planned by
    assert ctx.planner.terms["leeds-cluster-partnership"].source == "term calendar 'leeds' (kept)"


JCB = "worcestershire-jcb"


def jcb_text(pattern: str) -> str:
    """The shipped JCB rule file (monthly, third Tuesday) with another meeting day."""
    text = (seeds_dir() / f"{JCB}.yaml").read_text(encoding="utf-8")
    assert "pattern: third Tuesday" in text
    return text.replace("pattern: third Tuesday", f"pattern: {pattern}")


def meeting_days(ctx: Context) -> dict[str, str]:
    return {row.id.rpartition("/")[2]: row.date.isoformat() for row in ctx.store.meetings([JCB])}


def test_a_version_from_a_future_day_moves_only_the_meetings_of_the_periods_after_it(database):
    ctx = kept(database)
    keep_year(ctx, [2026], [JCB], actor="test", now=NOW)
    before = meeting_days(ctx)
    # Third Tuesdays: Tue 21 Apr 2026 ... Tue 15 Dec 2026, Tue 19 Jan, Tue 16 Feb, Tue 16 Mar 2027
    assert (before["meeting-01"], before["meeting-10"], before["meeting-11"]) == (
        "2026-04-21",
        "2027-01-19",
        "2027-02-16",
    )
    published = rulebook.publish(
        ctx, [("jcb.yaml", jcb_text("second Wednesday"))], dt.date(2027, 1, 10), actor="alice", reason="room", now=NOW
    )
    after = meeting_days(ctx)
    # From Sun 10 Jan 2027: January's period began on the 1st, under the old version, so Tue 19 Jan
    # stays; February and March move to second Wednesdays: Mon 1 Feb 2027 -> Wed 3, Wed 10 Feb;
    # Mon 1 Mar 2027 -> Wed 3, Wed 10 Mar.
    assert {k: v for k, v in after.items() if before[k] != v} == {
        "meeting-11": "2027-02-10",
        "meeting-12": "2027-03-10",
    }
    [version] = published.versions
    label = f"version {version.id} of {JCB}, applying from Sun 10 Jan 2027"
    said = "\n".join(published.said())
    assert f"published {label}" in said and f"(was Tue 16 Feb 2027), by {label}" in said
    explained = explain(ctx, f"{JCB}/2026-27/meeting-11/papers", now=NOW, kept=True)
    assert f"rules: {label}" in explained.lines()
    january = explain(ctx, f"{JCB}/2026-27/meeting-10", now=NOW, kept=True)
    first = ctx.store.rule_versions(JCB)[0]
    assert f"rules: version {first.id} of {JCB}, applying from Sat 01 Jan 2000" in january.lines()
    assert explain(ctx, f"{JCB}/2026-27/meeting-10", now=NOW, kept=True).as_dict()["rules_version"] == first.label
    # the audit trail has who published it and why
    assert ctx.store.rule_versions(JCB)[-1].published_by == "alice"


def test_a_version_from_a_past_day_changes_only_meetings_not_yet_held(database):
    ctx = kept(database)
    keep_year(ctx, [2026], [JCB], actor="test", now=NOW)
    before = meeting_days(ctx)
    summer = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)  # Wed 1 Jul 2026: April to June held
    rulebook.publish(ctx, [("jcb.yaml", jcb_text("second Wednesday"))], dt.date(2026, 4, 1), actor="a", now=summer)
    after = meeting_days(ctx)
    # Tue 21 Apr, Tue 19 May, Tue 16 Jun 2026 were held: they stay. Wed 1 Jul 2026 -> second
    # Wednesday Wed 8 Jul (was Tue 21 Jul); Sat 1 Aug -> Wed 5, Wed 12 Aug (was Tue 18 Aug).
    assert [after[f"meeting-0{n}"] for n in (1, 2, 3)] == [before[f"meeting-0{n}"] for n in (1, 2, 3)]
    assert (after["meeting-04"], after["meeting-05"]) == ("2026-07-08", "2026-08-12")


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_two_servers_on_one_postgresql_both_show_a_version_published_through_one(database, tmp_path, capsys):
    import httpx

    from conftest import serving
    from govcal.cli import main
    from test_admin import signed_in
    from test_admin_rules import posted

    body = "leeds-area-partnership"  # every 2 months, third Wednesdays, from September; public
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        serving(tmp_path / "a", database=database) as (first, _),
        serving(tmp_path / "b", database=database) as (
            second,
            _,
        ),
    ):
        assert main(["admin", "token", "create", "alice", "--database", database]) == 0
        token = capsys.readouterr().out.split()[-1]
        with httpx.Client(base_url=first, timeout=60) as a, httpx.Client(base_url=second, timeout=60) as b:
            signed_in(a, token)
            signed_in(b, token)
            assert 'value="third Wednesday"' in b.get(f"/admin/rules?body={body}").text
            page = a.get(f"/admin/rules?body={body}").text
            form = posted(page) | {"meetings.pattern": "second Wednesday", "applies_from": "2027-01-01"}
            preview = a.post("/admin/rules/preview", data=form)
            assert preview.status_code == 200, preview.text
            assert a.post("/admin/rules/publish", data=posted(preview.text)).status_code == 200
            # the other instance reads the new version (its next admin request asks the database)
            other = b.get(f"/admin/rules?body={body}").text
            assert 'value="second Wednesday"' in other and "Fri 01 Jan 2027" in other
            # and its feed follows within its one-second check: Fri 1 Jan 2027 -> Wed 6, Wed 13 Jan;
            # Mon 1 Mar 2027 -> Wed 3, Wed 10 Mar (were Wed 20 Jan and Wed 17 Mar, third Wednesdays)
            deadline = time.monotonic() + 30
            while "DTSTART;TZID=Europe/London:20270113T100000" not in (feed := b.get(f"/feeds/bodies/{body}.ics").text):
                assert time.monotonic() < deadline, feed
                time.sleep(0.5)
            assert "DTSTART;TZID=Europe/London:20270310T100000" in feed
            assert "DTSTART;TZID=Europe/London:20270120T100000" not in feed


def test_the_commands_import_export_and_preview(tmp_path, capsys, monkeypatch):
    from govcal.cli import main

    monkeypatch.setattr("govcal.clock.utc_now", lambda: NOW)
    monkeypatch.setattr("govcal.cli.plans.utc_now", lambda: NOW)
    monkeypatch.setattr("govcal.cli.rulebook.utc_now", lambda: NOW)
    database = ["--database", f"sqlite:///{tmp_path / 'govcal.db'}"]
    assert main(["rules", "export", str(tmp_path / "out"), *database]) == 0  # the seeds, kept on first use
    assert len(list((tmp_path / "out").glob("*.yaml"))) == 15
    changed = tmp_path / "changed"
    changed.mkdir()
    (changed / f"{JCB}.yaml").write_text(jcb_text("second Wednesday"))
    capsys.readouterr()
    # a preview from files leaves the database alone: Mon 1 Feb 2027 -> Wed 3, Wed 10 Feb
    assert main(["plan", "2026", "--rules", str(changed), "--json", *database]) == 0
    assert f"{JCB}/2026-27/meeting-11" in capsys.readouterr().out
    assert len(kept(database[1]).store.rule_versions(JCB)) == 1
    # a bad file is one line, exit 2, and nothing kept
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "jcb.yaml").write_text(jcb_text("every other Tuesday"))
    assert main(["rules", "import", str(tmp_path / "bad"), *database]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "meetings.pattern" in err and "Traceback" not in err
    assert len(kept(database[1]).store.rule_versions(JCB)) == 1
    # plan --save --rules publishes the files, from the day given, then keeps the year
    assert main(["plan", "2026", "--save", "--rules", str(changed), "--from", "2027-01-10", *database]) == 0
    err = capsys.readouterr().err
    assert f"published version 16 of {JCB}, applying from Sun 10 Jan 2027" in err
    days = meeting_days(kept(database[1]))
    assert (days["meeting-10"], days["meeting-11"]) == ("2027-01-19", "2027-02-10")  # Tue 19 Jan stays
    assert main(["explain", f"{JCB}/2026-27/meeting-11", *database]) == 0
    assert f"rules: version 16 of {JCB}, applying from Sun 10 Jan 2027" in capsys.readouterr().out
    assert main(["rules", "export", str(tmp_path / "after"), *database]) == 0
    assert (tmp_path / "after" / f"{JCB}.yaml").read_text() == jcb_text("second Wednesday")
    # an empty database told not to take the seeds has none
    empty = ["--database", f"sqlite:///{tmp_path / 'empty.db'}", "--no-seeds"]
    assert main(["rules", "export", str(tmp_path / "none"), *empty]) == 0
    assert list((tmp_path / "none").glob("*.yaml")) == []
    assert main(["terms", "import", str(Path(__file__).parent / "data" / "terms" / "leeds.ics"), *database]) == 0
    assert main(["terms", "export", str(tmp_path / "terms"), *database]) == 0
    assert [p.name for p in (tmp_path / "terms").iterdir()] == ["leeds.ics"]


def test_a_bodys_first_version_governs_the_days_before_it_too(database, tmp_path):
    from conftest import planner_for

    ctx = kept(database, no_seeds=True)
    december = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)  # Sun 6 Dec 2026, inside the 2026-27 cycle
    rulebook.import_rules(ctx, [seeds_dir() / f"{JCB}.yaml"], None, actor="test", now=december)
    plan = ctx.planner.body_plan(JCB, 2026)
    assert len({d.id for d in plan.deadlines}) == len(plan.deadlines)  # one version: each date once
    shipped = planner_for(load_rules([seeds_dir() / f"{JCB}.yaml"])).body_plan(JCB, 2026)
    assert plan_dict([plan]) == plan_dict([shipped])
    assert len(ctx.store.meetings([JCB])) == 12  # the cycle planned and kept as it was published


def test_each_period_is_judged_by_the_version_in_force_at_its_start(database):
    from govcal.operations.planning import check_kept

    ctx = kept(database)
    keep_year(ctx, [2026], [JCB], actor="test", now=NOW)
    quarterly = jcb_text("third Tuesday").replace("frequency: not less than monthly", "frequency: quarterly")
    assert "frequency: quarterly" in quarterly
    rulebook.publish(ctx, [("jcb.yaml", quarterly)], dt.date(2027, 1, 1), actor="test", now=NOW)
    days = sorted(meeting_days(ctx).values())
    # Monthly, third Tuesdays, from Tue 21 Apr to Tue 15 Dec 2026; then the quarter Jan-Mar 2027 once,
    # its first month's third Tuesday: Fri 1 Jan 2027 -> Tue 5, 12, 19 Jan. February's and March's
    # meetings (Tue 16 Feb, Tue 16 Mar) are cancelled, kept as such.
    active = sorted(row.date.isoformat() for row in ctx.store.meetings([JCB]) if row.status != "cancelled")
    assert active[-2:] == ["2026-12-15", "2027-01-19"] and len(active) == 10 and len(days) == 12
    findings = check_kept(ctx, JCB, 2026)
    failed = [str(f) for f in findings if f.ok is False]
    assert failed == []  # not "no meeting in February 2027": that month is the quarterly version's
    judged = [f.message for f in findings if f.rule in ("not less than monthly", "quarterly")]
    assert "meeting in December 2026 on Tue 15 Dec 2026" in judged
    assert any(m.startswith("meeting in quarter 4") for m in judged)
    assert not any("January 2027" in m or "February 2027" in m for m in judged)
