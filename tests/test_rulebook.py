"""Bodies' rules kept in the database as versions: the seeds on first use, import, export,
publishing from a day, and every instance reading the same rules."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import NOW, PG_URL, _postgres, _unavailable
from govcal.operations import Context, rulebook
from govcal.schedule_files import plan_dict
from govcal.settings import Settings
from rules.loader import load_rules, seeds_dir


@pytest.fixture
def other_database(database, tmp_path) -> Iterator[str]:
    """A second fresh database on the same backend as `database`."""
    if database.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'other.db'}"
        return
    schema = f"govcal_test_{uuid.uuid4().hex[:12]}"
    reason = _postgres(PG_URL, f"CREATE SCHEMA {schema}")
    if reason:
        _unavailable(reason)
    separator = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
    _postgres(PG_URL, f"DROP SCHEMA {schema} CASCADE")


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


def test_term_calendars_round_trip(database, tmp_path):
    leeds = Path(__file__).parent / "data" / "terms" / "leeds.ics"
    ctx = kept(database)
    assert rulebook.import_terms(ctx, [leeds], actor="test", now=NOW) == ["leeds"]
    [written] = rulebook.export_terms(ctx, tmp_path / "terms")
    assert written.name == "leeds.ics" and written.read_bytes() == leeds.read_bytes()
    # the kept calendar is the one the Leeds bodies are planned by
    assert ctx.planner.terms["leeds-cluster-partnership"].source == "term calendar 'leeds' (kept)"
