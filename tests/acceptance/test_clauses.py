"""Every clause in the seeds README is encoded in a rule file and exercised by a test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rules.loader import load_rules

HERE = Path(__file__).parent
README = (HERE.parent.parent / "docs" / "seeds" / "README.md").read_text(encoding="utf-8")  # the seeds catalogue
CLAUSES = re.findall(r"^\| ([FEDA]\d+) \|", README, flags=re.MULTILINE)
TESTS = (HERE / "test_seed_plans.py").read_text(encoding="utf-8")


def cited() -> set[str]:
    return {
        ref.strip() for body in load_rules() for cite in body.citations() for ref in cite.ref.split(",") if ref.strip()
    }


def test_the_readme_lists_all_46_clauses():
    assert len(CLAUSES) == 46 and len(set(CLAUSES)) == 46


@pytest.mark.parametrize("clause", CLAUSES)
def test_clause_is_cited_by_a_rule_file(clause):
    assert clause in cited()


@pytest.mark.parametrize("clause", CLAUSES)
def test_clause_is_exercised_by_a_seed_test(clause):
    assert exercised(clause, TESTS)


def exercised(clause: str, source: str) -> bool:
    """A parametrised case id="F8" or "D7-comments", or a test named test_A5_... or test_E1_E2_E3_..."""
    return bool(re.search(rf'id="{clause}(?:-[\w-]+)?"|def test_(?:\w+_)?{clause}_', source))


def test_the_coverage_check_can_fail():
    assert not exercised("A99", TESTS)
    assert not exercised("A1", 'id="A11"')  # A1 is not A11
