"""Shared fixtures: small rule sets written to a temporary directory."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from rules.loader import RuleSet, load_rules

# A body with every required field; tests override what they exercise.
BASE: dict[str, Any] = {
    "id": "board",
    "name": "Test Board",
    "cycle_start": "april",
    "meetings": {
        "ref": "F8",
        "clause": "8.1",
        "frequency": "monthly",
        "pattern": "first Monday",
        "time": "14:00",
        "if_unavailable": "next same weekday",
    },
}


def body(**overrides: Any) -> dict[str, Any]:
    """BASE with top-level keys replaced and `meetings` keys merged."""
    result = copy.deepcopy(BASE)
    meetings = overrides.pop("meetings", None)
    result.update(overrides)
    if meetings is not None:
        result["meetings"] = {**result["meetings"], **meetings}
        result["meetings"] = {k: v for k, v in result["meetings"].items() if v is not None}
    return result


@pytest.fixture
def write_rules(tmp_path: Path) -> Callable[..., RuleSet]:
    """Write bodies (dicts) as rule files and load them together."""

    def write(*bodies: dict[str, Any]) -> RuleSet:
        folder = tmp_path / "rules"
        folder.mkdir(exist_ok=True)
        for each in bodies:
            (folder / f"{each['id']}.yaml").write_text(yaml.safe_dump(each, sort_keys=False))
        return load_rules([folder])

    return write
