"""The five seed documents drafted, one body at a time, beside the rule files shipped for them.

The shipped files were written by hand from the same documents, with the clerk's local choices
(meeting months, days, times, the clear reading of "five working days") added and marked. Each
way a draft differs from its shipped file is listed in tests/terms_of_reference/seeds.yaml with
what the document does or does not say that explains it; a new difference, or one that closes,
fails here until that list says so. Every draft must also plan 2026-27.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import planner_for
from rules.drafting.documents import read_document
from rules.drafting.draft import draft_rules
from rules.frequencies import parse_frequency
from rules.loader import fraction, load_rules
from rules.offsets import parse_offset

HERE = Path(__file__).resolve().parent
DOCUMENTS = HERE.parent / "docs" / "seeds"
SHIPPED = HERE.parent / "rules" / "seeds"
KNOWN: dict[str, list[dict[str, str]]] = yaml.safe_load((HERE / "terms_of_reference" / "seeds.yaml").read_text())
# Each shipped body: its document, and the name given to --body where the document holds several.
BODIES = {
    "cambridgeshire-executive-partnership": ("000", None),
    "leeds-area-partnership": ("001", None),
    "suffolk-strategic-board": ("002", "Strategic Board"),
    "suffolk-executive-group": ("002", "Executive Group"),
    "suffolk-wdag": ("002", "Workforce Development Advisory Group"),
    "suffolk-outcome-partnership-groups": ("002", "Partnership Outcome Groups"),
    "suffolk-community-cluster-steering-groups": ("002", "Community Cluster Steering Groups"),
    "worcestershire-jcb": ("003", "Joint Commissioning Board"),
    "worcestershire-pab": ("003", "Partnership Advisory Body"),
    "worcestershire-programme-board": ("003", "Programme Board"),
    "worcestershire-jcgs": ("003", "Joint Commissioning Groups"),
    "worcestershire-emrg": ("003", "Elected Members' Reference Group"),
    "leeds-cluster-partnership": ("004", None),
    "leeds-cluster-chairs": ("004", "cluster chairs"),
    "leeds-cluster-network": ("004", "broader network"),
}


def summary(rules: dict[str, Any]) -> dict[str, Any]:
    """What a rule file says of a year's dates, in words that compare however it is written."""
    meetings = rules["meetings"]
    frequency = parse_frequency(meetings["frequency"]) if meetings.get("frequency") else None
    return {
        "frequency": f"{frequency.kind} ({frequency.count})" if frequency else "follows another body",
        "months": ", ".join(meetings.get("months") or []) or "any",
        "deadlines": sorted(_offset(each["offset"]) for each in rules.get("deadlines") or [] if "offset" in each),
        "reports": len(rules.get("reports") or []),
        "extraordinary window": _offset((rules.get("extraordinary") or {}).get("window", "none")),
        "items": sorted(str(item.get("at") or "dated") for item in rules.get("items") or []),
        "quorum": _quorum(rules.get("quorum") or {}),
    }


def _quorum(quorum: dict[str, Any]) -> str:
    share = quorum.get("fraction")
    if share is not None:
        return f"{fraction(yaml.compose(str(share))):.3f} of members"
    return f"{quorum.get('min_present', 0)} members"


def _offset(phrase: str) -> str:
    if phrase == "none":
        return phrase
    offset = parse_offset(phrase)
    return f"{offset.n} {offset.count.value}"


def differences(body_id: str) -> tuple[list[str], Path]:
    number, name = BODIES[body_id]
    (document,) = DOCUMENTS.glob(f"{number}_*.txt")
    drafted = draft_rules(read_document(document), body_id, name)
    shipped, got = summary(yaml.safe_load((SHIPPED / f"{body_id}.yaml").read_text())), summary(drafted.rules)
    return [f"{key}: shipped {shipped[key]!r}, drafted {got[key]!r}" for key in shipped if shipped[key] != got[key]], (
        drafted.text
    )


@pytest.mark.skipif(not DOCUMENTS.is_dir(), reason="the seed documents (../shared/seeds) are not on this machine")
@pytest.mark.parametrize("body_id", list(BODIES))
def test_a_seed_body_drafted_differs_from_its_shipped_file_only_where_the_document_is_silent(body_id, tmp_path):
    found, text = differences(body_id)
    known = {each["difference"]: each["why"] for each in KNOWN.get(body_id) or []}
    assert all(why.strip() for why in known.values()), f"{body_id}: every listed difference says why"
    opened = [each for each in found if each not in known]
    closed = [each for each in known if each not in found]
    assert not opened, "\n".join([f"{body_id}: new differences from the shipped file:", *opened])
    assert not closed, "\n".join([f"{body_id}: closed, to take out of seeds.yaml:", *closed])
    path = tmp_path / f"{body_id}.yaml"
    path.write_text(text)
    rules = load_rules([path])
    plan = planner_for(rules).body_plan(body_id, 2026)
    assert plan.meetings and all(meeting.date.year in (2026, 2027) for meeting in plan.meetings)
