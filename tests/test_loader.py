"""Rule files: a good one loads; each kind of mistake is one located line, and nothing loads."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from govcal.cli import main
from govcal.terms import term_calendars
from rules.errors import RuleError
from rules.loader import load_rules
from rules.offsets import Count

GOOD = """\
id: board
name: Test Board
cycle_start: april
meetings:
  ref: F8
  clause: "8.1"
  frequency: not less than monthly
  pattern: second Tuesday
  time: "14:00"
  if_unavailable: next same weekday
deadlines:
  - id: papers
    name: Papers
    offset: 5 clear working days before
    ref: D1
    clause: x
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_good_file_loads_with_its_rules(tmp_path):
    write(tmp_path, "board.yaml", GOOD)
    board = load_rules([tmp_path])["board"]
    assert board.meetings.frequency.phrase == "not less than monthly"
    assert (board.meetings.pattern.nth, board.meetings.pattern.weekday) == (2, 1)
    assert board.deadlines[0].offset.count is Count.CLEAR and board.deadlines[0].offset.n == -5
    assert str(board.meetings.cite) == "F8, clause 8.1"


def test_bodies_come_after_the_bodies_they_follow(tmp_path):
    write(tmp_path, "a.yaml", GOOD.replace("id: board", "id: after").replace(
        "  frequency: not less than monthly\n", "  following: {body: board, offset: within 5 working days after, ref: F5, clause: x}\n"
    ))  # fmt: skip
    write(tmp_path, "b.yaml", GOOD)
    assert list(load_rules([tmp_path]).bodies) == ["board", "after"]


# (name, file text, line, field, message fragment); lines counted by hand in the text
MISTAKES = [
    ("unknown top-level key", GOOD + "colour: blue\n", 17, "colour", "unknown key"),
    ("unknown key in meetings", GOOD.replace("  time:", "  venue: Hall\n  time:"), 9, "meetings.venue", "unknown key"),
    ("unknown key in a deadline", GOOD + "    when: soon\n", 17, "deadlines[0].when", "unknown key"),
    ("key twice", GOOD.replace("name: Test Board\n", "name: Test Board\nname: Again\n"), 3, "name", "appears twice"),
    ("missing id", GOOD.replace("id: board\n", ""), 1, "id", "is required"),
    ("missing cycle_start", GOOD.replace("cycle_start: april\n", ""), 1, "cycle_start", "is required"),
    ("missing meetings clause", GOOD.replace('  clause: "8.1"\n', ""), 5, "meetings.clause", "is required"),
    ("bad id", GOOD.replace("id: board", "id: Test Board"), 1, "id", "is not an id"),
    ("bad offset phrase", GOOD.replace("5 clear working days before", "a week or so before"), 14, "deadlines[0].offset", "is not an offset"),
    ("clear days without working", GOOD.replace("5 clear working days before", "5 clear days before"), 14, "deadlines[0].offset", "clear working days"),
    ("offset too large", GOOD.replace("5 clear working days before", "500 working days before"), 14, "deadlines[0].offset", "more than the 400"),
    ("bad frequency", GOOD.replace("not less than monthly", "now and then"), 7, "meetings.frequency", "is not a frequency"),
    ("pattern on a Saturday", GOOD.replace("second Tuesday", "second Saturday"), 8, "meetings.pattern", "working days"),
    ("pattern without ordinal", GOOD.replace("second Tuesday", "every Tuesday"), 8, "meetings.pattern", "is not a day pattern"),
    ("bad time", GOOD.replace('"14:00"', '"25:00"'), 9, "meetings.time", "is not a time of day"),
    ("bad duration", GOOD.replace("  time:", "  duration: forever\n  time:"), 9, "meetings.duration", "is not a duration"),
    ("bad boolean", GOOD.replace("  time:", "  public: perhaps\n  time:"), 9, "meetings.public", "is not true or false"),
    ("unknown nation", GOOD.replace("cycle_start", "nation: wales\ncycle_start"), 3, "nation", "is not a nation"),
    ("bad cycle_start", GOOD.replace("cycle_start: april", "cycle_start: spring"), 3, "cycle_start", "is not a month"),
    ("wrong number of months", GOOD.replace("  time:", "  months: [june]\n  time:"), 9, "meetings.months", "gives 1 months for 12"),
    ("bad month excepted", GOOD.replace("not less than monthly", "monthly except Agust"), 7, "meetings.frequency", "'agust' is not a month"),
    ("bad month named", GOOD.replace("not less than monthly", "in March, Jnue and September"), 7, "meetings.frequency",
     "'jnue' is not a month"),
    ("months twice over", GOOD.replace("not less than monthly", "in March and June").replace("  time:", "  months: [march, june]\n  time:"),
     9, "meetings.months", "names its months already"),
    ("bad move rule", GOOD.replace("next same weekday", "whenever"), 10, "meetings.if_unavailable", "is not one of"),
    ("from an unknown deadline", GOOD + "    from: agenda\n", 17, "deadlines[0].from", "'agenda' is not one of this body's deadlines"),
    ("deadlines in a circle", GOOD.replace("    offset: 5", "    from: minutes\n    offset: 5")
     + "  - {id: minutes, name: M, offset: within 5 working days after, from: papers, clause: x}\n", 14, "deadlines[0].from", "in a circle"),
    ("deadline id twice", GOOD + "  - {id: papers, name: Again, offset: on the day, clause: x}\n", 17, "deadlines[1].id", "used twice"),
    ("item with at and by", GOOD + "items:\n  - {id: r, name: R, at: last meeting, by: 31 March, clause: x}\n", 18, "items[0].by", "exactly one of"),
    ("item with neither", GOOD + "items:\n  - {id: r, name: R, clause: x}\n", 18, "items[0]", "exactly one of"),
    ("first_within without established", GOOD + "items:\n  - {id: r, name: R, at: last meeting, first_within: 6 months, clause: x}\n", 18,
     "items[0].first_within", "established"),
    ("papers on a by item", GOOD + "items:\n  - {id: r, name: R, by: 31 March, papers: 5 working days before, clause: x}\n", 18,
     "items[0].papers", "'papers' needs an item taken 'at' a meeting"),
    ("extraordinary notice unknown", GOOD + "extraordinary: {clause: '9.0', notice: agenda}\n", 17, "extraordinary.notice", "not one of this body's deadlines"),
    ("termly without terms", GOOD.replace("not less than monthly", "termly"), 7, "meetings.frequency", "needs a term calendar"),
    ("avoid school holidays without terms", GOOD.replace("  time:", "  avoid_school_holidays: true\n  time:"), 9,
     "meetings.avoid_school_holidays", "needs a term calendar"),
    ("empty quorum", GOOD + "quorum: {clause: '11'}\n", 17, "quorum", "says nothing"),
    ("bad fraction", GOOD + "quorum: {clause: '11', fraction: 150%}\n", 17, "quorum.fraction", "at most 1"),
    ("closure ends before it starts", GOOD + "closures:\n  - {from: 2026-12-31, to: 2026-12-27, reason: x}\n", 18, "closures[0].to", "before it starts"),
    ("relation offset on the wrong side", GOOD.replace("  frequency: not less than monthly\n",
     "  before_and_after: {body: board, before: within 5 working days after, after: within 5 working days after, clause: x}\n"), 7,
     "meetings.before_and_after.before", "must be before the meeting"),
    ("not valid YAML", GOOD.replace("  time:", "  time: [14:00\n  x:"), 10, None, "not valid YAML"),
    ("a list at the top", "- id: board\n- name: x\n", 1, None, "expected a mapping"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "field", "fragment"), [pytest.param(*m[1:], id=m[0]) for m in MISTAKES])
def test_each_mistake_is_one_located_line(tmp_path, text, line, field, fragment):
    path = write(tmp_path, "board.yaml", text)
    with pytest.raises(RuleError) as caught:
        load_rules([tmp_path])
    error = caught.value
    assert (error.file, error.line, error.field) == (str(path), line, field)
    assert fragment in error.message
    assert "\n" not in str(error) and str(error).startswith(f"{path}:{line}: ")


CROSS_FILE = [
    # (name, files, file with the error, line, fragment)
    ("unknown body followed", {"a.yaml": GOOD.replace("  frequency: not less than monthly\n",
     "  following: {body: nobody, offset: within 5 working days after, clause: x}\n")}, "a.yaml", 7, "unknown body 'nobody'"),
    ("unknown body reported to", {"a.yaml": GOOD + "reports:\n  - {to: nobody, per: quarter, offset: 5 working days before, clause: x}\n"},
     "a.yaml", 18, "unknown body 'nobody'"),
    ("a body following itself", {"a.yaml": GOOD.replace("  frequency: not less than monthly\n",
     "  following: {body: board, offset: within 5 working days after, clause: x}\n")}, "a.yaml", 7, "its own meetings"),
    ("two bodies in a circle", {
        "a.yaml": GOOD.replace("id: board", "id: one").replace("  frequency: not less than monthly\n",
                                "  following: {body: two, offset: within 5 working days after, clause: x}\n"),
        "b.yaml": GOOD.replace("id: board", "id: two").replace("  frequency: not less than monthly\n",
                                "  following: {body: one, offset: within 5 working days after, clause: x}\n"),
    }, "b.yaml", 7, "in a circle: one -> two -> one"),
    ("duplicate body id", {"a.yaml": GOOD, "b.yaml": GOOD}, "b.yaml", 1, "already defined in"),
]  # fmt: skip


@pytest.mark.parametrize(("files", "culprit", "line", "fragment"), [pytest.param(*c[1:], id=c[0]) for c in CROSS_FILE])
def test_mistakes_between_files_name_the_file_and_line(tmp_path, files, culprit, line, fragment):
    for name, text in files.items():
        write(tmp_path, name, text)
    with pytest.raises(RuleError) as caught:
        load_rules([tmp_path])
    assert (Path(caught.value.file).name, caught.value.line) == (culprit, line)
    assert fragment in caught.value.message


def test_missing_paths_and_empty_directories(tmp_path):
    with pytest.raises(RuleError, match="no such file or directory"):
        load_rules([tmp_path / "nowhere"])
    with pytest.raises(RuleError, match=r"no rule files \(\*.yaml\) found"):
        load_rules([tmp_path])
    write(tmp_path, "empty.yaml", "")
    with pytest.raises(RuleError, match="holds 0 YAML documents"):
        load_rules([tmp_path])


def test_an_unknown_term_calendar_is_reported_at_its_line(tmp_path):
    write(tmp_path, "board.yaml", GOOD.replace("cycle_start", "terms: nowhere\ncycle_start"))
    with pytest.raises(RuleError) as caught:
        term_calendars(load_rules([tmp_path]))
    assert (caught.value.line, caught.value.field) == (3, "terms")
    assert "no term calendar 'nowhere'" in caught.value.message


@pytest.mark.parametrize(
    "mistake",
    [
        m
        for m in MISTAKES
        if m[0] in ("unknown top-level key", "bad offset phrase", "deadlines in a circle", "not valid YAML")
    ],
)
@pytest.mark.parametrize("output", [[], ["--json"], ["--csv"], ["--save"]])
def test_the_cli_prints_one_line_exits_2_and_writes_nothing(tmp_path, capsys, monkeypatch, mistake, output):
    rules = tmp_path / "rules"
    path = write(rules, "board.yaml", mistake[1])
    monkeypatch.chdir(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert main(["plan", "2026", "--rules", str(rules), *output]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith(f"govcal: {path}:{mistake[2]}: ")
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before  # no govcal.db, nothing else
