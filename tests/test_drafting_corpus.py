"""Terms of reference of seven other kinds of UK body, each in Word, PDF, a council web page
and text, drafted and compared with what a careful clerk extracts from them.

The documents and their answer keys (tests/terms_of_reference/) were written apart from the
drafter, by a colleague reading them as a clerk would: each key says the values, the clause
each is in, what the document does not say, and the sentences that must not become rules.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import planner_for
from rules.drafting.documents import read_document
from rules.drafting.draft import Draft, draft_rules
from rules.errors import RuleError
from rules.frequencies import Shape, kind_of, parse_frequency
from rules.loader import load_rules
from rules.model import MONTHS, Frequency
from rules.offsets import parse_offset
from rules.phrases import parse_item_at

CORPUS = Path(__file__).resolve().parent / "terms_of_reference"
KEYS = sorted((CORPUS / "expected").glob("*.yaml"))
GAPS: dict[str, list[str]] = yaml.safe_load((CORPUS / "gaps.yaml").read_text()) or {}
FORMATS = ("docx", "pdf", "html", "txt")
# What a clerk calls an item, by the ids the drafter gives them.
ITEM_KINDS = {"annual-report-received": "other", "business": "other", "dated": "dated"}
# What the keys call a thing the document leaves open, by the draft's decision fields.
DECIDED = {
    "day": "meetings.pattern",
    "time": "meetings.time",
    "duration": "meetings.duration",
    "location": "meetings.location",
    "frequency": "meetings.frequency",
    "window": "extraordinary.window",
    "quorum": "quorum",
    "cycle_start": "cycle_start",
}


def cases() -> list[Any]:
    return [
        pytest.param(key, kind, id=f"{key.stem}.{kind}")
        for key in KEYS
        for kind in FORMATS
        if (CORPUS / "documents" / f"{key.stem}.{kind}").exists()
    ]


def same_offset(a: str, b: str) -> bool:
    """The same day count, however it is worded."""
    return (parse_offset(a).count, parse_offset(a).n) == (parse_offset(b).count, parse_offset(b).n)


def differences(key: dict[str, Any], draft: Draft) -> list[str]:
    """How a draft differs from the answer key, one line per difference (none: it agrees)."""
    rules = draft.rules
    wrong: list[str] = []

    def check(what: str, expected: Any, got: Any) -> None:
        if expected != got:
            wrong.append(f"{what}: expected {expected!r}, drafted {got!r}")

    body = key["body"]
    check("name", body["name"].lower(), draft.name.lower())
    check("nation", body["nation"], rules["nation"])
    if body.get("cycle_start"):
        check("cycle_start", body["cycle_start"], rules["cycle_start"])
    meetings, drafted = key["meetings"], rules["meetings"]
    if meetings.get("frequency"):
        expected = _plans(parse_frequency(meetings["frequency"]), meetings.get("months", []))
        if meetings.get("except_months"):
            expected = ("in months", sorted(set(range(1, 13)) - {_month(m) for m in meetings["except_months"]}))
        check("frequency", expected, _plans(parse_frequency(drafted["frequency"]), drafted.get("months", [])))
        check("frequency clause", str(meetings["clause"]), drafted["clause"].split(", ")[0])
    if meetings.get("months"):  # as `months`, or named by the frequency ("in March, June, ...")
        named = (
            [MONTHS[m - 1] for m in parse_frequency(drafted["frequency"]).months] if drafted.get("frequency") else []
        )
        check("months", sorted(meetings["months"]), sorted(drafted.get("months") or named))
    for field in ("time", "duration", "public"):
        if meetings.get(field) is not None:
            check(field, meetings[field], drafted.get(field))
    if meetings.get("pattern"):
        check("pattern", meetings["pattern"].lower(), drafted["pattern"].lower())
    if meetings.get("weekday"):
        check("weekday", meetings["weekday"].lower(), drafted["pattern"].split()[-1].lower())
    if meetings.get("location") and meetings["location"].lower() not in drafted.get("location", "").lower():
        wrong.append(f"location: expected {meetings['location']!r}, drafted {drafted.get('location')!r}")
    wrong += _deadlines(key.get("deadlines") or [], rules.get("deadlines") or [])
    wrong += _extraordinary(key.get("extraordinary"), rules.get("extraordinary"))
    wrong += _items(key.get("items") or [], rules.get("items") or [])
    wrong += _quorum(key.get("quorum"), rules.get("quorum"))
    decided = {d.field for d in draft.decisions}
    for thing in key.get("not_in_document") or []:
        field = DECIDED.get(thing)
        if field and field not in decided and not (thing == "window" and "extraordinary" not in rules):
            wrong.append(f"not in the document, yet not marked to decide: {thing}")
    quoted = " ".join(str(rule.get("quote", "")) for rule in _rules_of(rules))
    for distractor in key.get("distractors") or []:
        if distractor["quote"].rstrip(".") in quoted:
            wrong.append(f"a distractor became a rule ({distractor['why']}): {distractor['quote']}")
    return wrong


def _plans(frequency: Frequency, months: list[str]) -> tuple[Any, ...]:
    """What a frequency plans, however it is worded: the months it meets in where it names them
    (the key's "4 times a year" with `months` and a draft's "in March, June, September and
    December" plan alike), else its kind and count."""
    cut = kind_of(frequency).cut(frequency, tuple(_month(m) for m in months))
    return ("in months", sorted(cut.months)) if cut.shape is Shape.MONTHS else (frequency.kind, frequency.count)


def _month(name: str) -> int:
    from rules.phrases import parse_month

    return parse_month(name)


def _rules_of(rules: dict[str, Any]) -> list[dict[str, Any]]:
    found = [rules["meetings"], *(rules.get("deadlines") or []), *(rules.get("items") or [])]
    return found + [rules[key] for key in ("extraordinary", "quorum") if rules.get(key)]


def _deadlines(expected: list[dict[str, Any]], drafted: list[dict[str, Any]]) -> list[str]:
    wrong = []
    by_id = {d["id"]: d for d in drafted}
    for each in expected:
        kind = each["kind"]
        candidates = [d for d in drafted if d["id"] == kind] if kind != "other" else [
            d for d in drafted if same_offset(d["offset"], each["offset"]) and d["clause"] == str(each["clause"])
        ]  # fmt: skip
        if not candidates:
            wrong.append(f"deadline {kind} ({each['said']}, {each['clause']}) not drafted")
        elif not same_offset(candidates[0]["offset"], each["offset"]):
            wrong.append(f"deadline {kind}: expected {each['offset']!r}, drafted {candidates[0]['offset']!r}")
    kinds = {each["kind"] for each in expected}
    for drafted_id, rule in by_id.items():
        if drafted_id not in kinds and "other" not in kinds and rule.get("clause") != "local practice":
            wrong.append(f"deadline {drafted_id} drafted ({rule['offset']}, {rule['clause']}), not in the key")
    return wrong


def _extraordinary(expected: dict[str, Any] | None, drafted: dict[str, Any] | None) -> list[str]:
    if expected is None:
        return [f"special meetings drafted from {drafted['clause']}, the key has none"] if drafted else []
    if drafted is None:
        return [f"special meetings ({expected['clause']}) not drafted"]
    wrong = []
    if expected.get("chair_may_call") is not None and expected["chair_may_call"] != drafted["chair_may_call"]:
        wrong.append(f"chair_may_call: expected {expected['chair_may_call']}, drafted {drafted['chair_may_call']}")
    if expected.get("requesters") is not None and (expected["requesters"] > 1) != drafted["seconder_required"]:
        wrong.append(f"requesters {expected['requesters']}: drafted seconder_required {drafted['seconder_required']}")
    if expected.get("window") and not same_offset(expected["window"], drafted["window"]):
        wrong.append(f"window: expected {expected['window']!r}, drafted {drafted['window']!r}")
    return wrong


def _items(expected: list[dict[str, Any]], drafted: list[dict[str, Any]]) -> list[str]:
    wrong = []
    kinds = [
        ITEM_KINDS.get(item["id"].rsplit("-", 1)[0] if item["id"][-1].isdigit() else item["id"], item["id"])
        for item in drafted
    ]
    for each in expected:
        matches = [item for item, kind in zip(drafted, kinds, strict=True) if kind == each["kind"]]
        if not matches:
            wrong.append(f"item {each['kind']} ({each['clause']}) not drafted")
            continue
        # of two items of one kind (two dated ones), the one drafted from the key's clause
        item = next((m for m in matches if str(m.get("clause", "")).split(", ")[0] == str(each["clause"])), matches[0])
        if each.get("by"):
            if item.get("by", "").lower() != each["by"].lower():
                wrong.append(
                    f"item {each['kind']}: expected by {each['by']!r}, drafted {item.get('by') or item.get('at')!r}"
                )
        elif each.get("at") and ("at" not in item or parse_item_at(item["at"]) != parse_item_at(each["at"])):
            wrong.append(
                f"item {each['kind']}: expected at {each['at']!r}, drafted {item.get('at') or item.get('by')!r}"
            )
    expected_kinds = {each["kind"] for each in expected}
    for item, kind in zip(drafted, kinds, strict=True):
        if kind not in expected_kinds:
            wrong.append(f"item {item['id']} drafted ({item['name']}, {item['clause']}), not in the key")
    return wrong


def _quorum(expected: dict[str, Any] | None, drafted: dict[str, Any] | None) -> list[str]:
    if expected is None:
        return [f"quorum drafted from {drafted['clause']}, the key has none"] if drafted else []
    if drafted is None:
        return [f"quorum ({expected['clause']}) not drafted"]
    wrong = []
    if expected.get("min_present") and expected["min_present"] != drafted.get("min_present"):
        wrong.append(f"quorum: expected {expected['min_present']} present, drafted {drafted}")
    if expected.get("fraction") and not math.isclose(expected["fraction"], drafted.get("fraction", 0), abs_tol=0.01):
        wrong.append(f"quorum: expected {expected['fraction']} of members, drafted {drafted}")
    # Offices ("chair or vice-chair") are the rule's `requires`; someone from a named organisation
    # ("a County Council elected member") is one of its `organisations`, named within the clerk's words.
    offices = [r.lower() for r in expected.get("requires") or [] if "chair" in r.lower()]
    others = [r for r in expected.get("requires") or [] if "chair" not in r.lower()]
    organisations = drafted.get("organisations") or []
    found = [r for r in others if any(o.lower() in r.lower() for o in organisations)]
    if offices != (drafted.get("requires") or []) or len(organisations) != len(others) or found != others:
        wrong.append(f"quorum: expected {expected['requires']} to be there, drafted {drafted}")
    return wrong


def drafted(key: Path, kind: str) -> Draft:
    """A corpus document drafted as a clerk would ask: with --body where the key names the part."""
    part = (yaml.safe_load(key.read_text())["body"] or {}).get("part")
    return draft_rules(read_document(CORPUS / "documents" / f"{key.stem}.{kind}"), None, part)


@pytest.mark.parametrize(("key", "kind"), cases())
def test_a_drafted_terms_of_reference_agrees_with_the_clerk(key: Path, kind: str, tmp_path: Path) -> None:
    expected = yaml.safe_load(key.read_text())
    draft = drafted(key, kind)
    wrong = differences(expected, draft)
    known = GAPS.get(f"{key.stem}.{kind}", [])
    opened = [each for each in wrong if each not in known]
    closed = [each for each in known if each not in wrong]
    assert not opened, "\n".join([f"{key.stem}.{kind}: the draft now differs from the clerk's key:", *opened])
    assert not closed, "\n".join([f"{key.stem}.{kind}: closed gaps, to take out of gaps.yaml:", *closed])
    path = tmp_path / "drafted.yaml"
    path.write_text(draft.text)
    rules = load_rules([path])
    (body,) = rules
    plan = planner_for(rules).body_plan(body.id, 2026)
    assert plan.meetings  # the draft plans 2026-27 as it stands


def test_the_corpus_is_there():
    """The corpus holds its seven bodies in four formats (a test that silently found no files would pass)."""
    assert len(KEYS) >= 7 and len(cases()) == 4 * len(KEYS)


@pytest.mark.parametrize(
    ("name", "message"), [("scanned.pdf", "no text layer"), ("corrupt.docx", "is not a Word document")]
)
def test_documents_that_cannot_be_read_are_refused(name: str, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        read_document(CORPUS / "documents" / name)
