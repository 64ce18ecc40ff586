"""Drafting a rule file from a terms of reference: the words councils use, read as a clerk
reads them; the seed documents drafted; and the command a clerk runs.

The corpus of other bodies' terms of reference, in four formats, is tested in
test_drafting_corpus.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from govcal.cli import main
from rules.drafting.clauses import clauses, sentences
from rules.drafting.documents import Block, Document, read_document
from rules.drafting.draft import draft_rules
from rules.drafting.findings import Body, find
from rules.drafting.prose import offsets_in
from rules.frequencies import parse_frequency
from rules.loader import load_rules
from scheduler.planner import Planner

DOCS = Path(__file__).resolve().parent.parent / "docs" / "seeds"
BOARD = Body("Barset Health and Wellbeing Board", ("Board", "HWB"))


def findings_of(*texts: str, body: Body = BOARD) -> dict[str, list[object]]:
    """What the finders take from these paragraphs: field -> values, in order."""
    found: dict[str, list[object]] = {}
    for each in find(clauses([Block(text) for text in texts]), body).found:
        found.setdefault(each.field, []).append(each.value)
    return found


# -- the words -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Papers will be sent at least five clear working days before the meeting.", ["5 clear working days before"]),
        ("The agenda will be published five clear days before each meeting.", ["5 clear working days before"]),
        (
            "Reports must reach the clerk no later than eight working days prior to the meeting.",
            ["8 working days before"],
        ),
        ("Papers will be circulated one week before the meeting.", ["7 days before"]),
        ("Papers go out seven calendar days in advance of the meeting.", ["7 days before"]),
        ("Minutes will be sent to members within 10 working days of the meeting.", ["within 10 working days after"]),
        ("Minutes will be distributed within one week of the meeting.", ["within 7 days after"]),
        (
            "Draft minutes will be circulated within 5 working days of each meeting with 5 working days for comments.",
            ["within 5 working days after", "within 5 working days after"],
        ),
        (
            "At least three clear working days' notice of a special meeting will be given.",
            ["3 clear working days before"],
        ),
        ("Items for the agenda must reach the Chair 10 business days before the meeting.", ["10 working days before"]),
        ("The Forum meets once each school term.", []),
    ],
)
def test_day_counts_as_documents_write_them(sentence, expected):
    assert [found.offset.phrase for found in offsets_in(sentence)] == expected


def test_clear_days_are_read_as_clear_working_days_and_say_so():
    (found,) = offsets_in("The agenda will be published five clear days before each meeting.")
    assert "Local Government Act 1972" in found.reading


@pytest.mark.parametrize(
    ("sentence", "frequency", "months"),
    [
        ("The Board will meet not less than monthly.", "not less than monthly", None),
        ("The Board shall meet at least four times a year.", "at least 4 times a year", None),
        ("The Board will hold a minimum of four meetings in each municipal year.", "a minimum of 4 times a year", None),
        ("The Board meets quarterly.", "quarterly", None),
        ("Meetings will take place bi-monthly.", "every 2 months", None),
        ("The Board will meet every two months, or more frequently if required.", "at least every 2 months", None),
        ("The Board will meet twice a year.", "twice a year", None),
        ("The Board meets six times per year.", "6 times a year", None),
        ("The Board will meet once each school term.", "termly", None),
        ("The Board shall meet at least termly or as deemed necessary.", "at least termly", None),
        ("The Board meets annually.", "annually", None),
        ("The Board meets monthly except August.", "monthly except August", None),
        ("The Board meets monthly, except in August and December.", "monthly except August and December", None),
        ("The Board will meet in March, June, September and December.", "in March, June, September and December", None),
        ("The Board will meet every six weeks.", "9 times a year", None),
    ],
)
def test_how_often_in_the_ways_documents_say_it(sentence, frequency, months):
    found = findings_of(sentence)
    assert found["frequency"] == [frequency]
    parse_frequency(frequency)  # the rule language reads what was drafted
    assert found.get("months") == ([months] if months else None)


@pytest.mark.parametrize(
    ("sentence", "why"),
    [
        ("The Local Safeguarding Adults Board meets monthly.", "Local Safeguarding Adults Board"),
        ("Cabinet meets monthly.", "Cabinet"),
        ("The Health Protection Sub-Group meets every six weeks.", "sub-group"),
        ("Meetings of the Joint Strategic Needs Assessment Steering Group are held quarterly.", "Steering Group"),
    ],
)
def test_other_bodies_meetings_are_passed_over_and_said_to_be(sentence, why):
    result = find(clauses([Block(sentence)]), BOARD)
    assert not [f for f in result.found if f.field == "frequency"]
    assert any(why.lower() in p.why.lower() for p in result.passed_over), result.passed_over


@pytest.mark.parametrize(
    "sentence",
    [
        "The Board will receive the Better Care Fund quarterly financial report.",
        "Members must declare any interest at each meeting, and register it within 28 days.",
        "Councillors are elected every four years.",
        "The Council sets its budget annually by 11 March.",
        "Partners contribute annually to the pooled budget.",
    ],
)
def test_distractors_set_no_rule(sentence):
    found = findings_of(sentence)
    assert not {key for key in found if key.split(":")[0] in ("frequency", "deadline", "item")}, found


def test_deadlines_are_named_for_what_is_due():
    found = findings_of(
        "Items for the agenda must be sent to the clerk at least 15 working days before the meeting.",
        "Report authors will submit their reports to Democratic Services ten working days before each meeting.",
        "The agenda and papers will be despatched to members five clear working days before each meeting.",
        "Questions from the public must be received by the clerk by noon three clear working days before the meeting.",
        "Draft minutes will be sent to the Chair within 5 working days of the meeting.",
        "The minutes will be confirmed as a correct record at the next meeting.",
    )
    assert found["deadline:agenda-items"] == ["15 working days before"]
    assert found["deadline:reports"] == ["10 working days before"]
    assert found["deadline:papers"] == ["5 clear working days before"]
    assert found["deadline:public-questions"] == ["3 clear working days before"]
    assert found["deadline-time:public-questions"] == ["12:00"]
    assert found["deadline:minutes-to-chair"] == ["within 5 working days after"]
    assert found["deadline:minutes-approved"] == ["at the next meeting"]


def test_the_day_time_length_place_and_openness_of_meetings():
    found = findings_of(
        "Meetings are held on the first Wednesday of the month at 7.30pm in the Village Hall, Church Lane.",
        "Meetings will usually last no more than two hours.",
        "Meetings will be open to the public unless exempt information is to be discussed.",
    )
    assert found["pattern"] == ["first Wednesday"]
    assert found["time"] == ["19:30"]
    assert found["location"] == ["Village Hall, Church Lane"]
    assert found["duration"] == ["2 hours"]
    assert found["public"] == [True]
    assert findings_of("Meetings will not be held in public unless all members agree.")["public"] == [False]


def test_special_meetings_who_asks_the_window_and_the_notice():
    found = findings_of(
        "The Chair may call a special meeting at any time.",
        "A special meeting must be held within 10 working days of a written request from any two members.",
        "At least three clear working days' notice of a special meeting will be given.",
    )
    assert found["extraordinary:chair_may_call"] == [True]
    assert found["extraordinary:requesters"] == [2]
    assert found["extraordinary:window"] == ["within 10 working days after"]
    assert found["extraordinary:notice"] == ["3 clear working days before"]


def test_yearly_items_and_when_they_fall():
    found = findings_of(
        "These terms of reference will be reviewed annually at the first meeting of the municipal year.",
        "The Board will publish an annual report to the Council by 30 June each year.",
        "The Chair and Vice-Chair will be elected annually at the autumn term meeting.",
        "The Board will approve the Joint Local Health and Wellbeing Strategy by 31 July.",
        "The terms of reference will be reviewed every two years.",
    )
    assert found["item:terms-of-reference-review"] == ["Terms of reference reviewed"]
    assert found["item-at:terms-of-reference-review"] == ["first meeting"]
    assert found["item:annual-report"] == ["Annual report to the Council"]
    assert found["item-by:annual-report"] == ["30 June"]
    assert found["item:chair-election"] == ["Chair and Vice-Chair elected"]
    assert found["item:dated"] == ["Approve the Joint Local Health and Wellbeing Strategy"]
    assert found["item-by:dated"] == ["31 July"]
    assert found["unsupported:item"] == ["terms-of-reference-review: every two years"]


@pytest.mark.parametrize(
    ("paragraph", "at"),
    [
        # the election said with the time, in the present tense, the host's meeting only a time reference
        (
            "The Board chooses its Chairman and Vice-Chairman at its first meeting after the Annual Meeting"
            " of the County Council.",
            "first meeting",
        ),
        # the office passing by turns, and when, in the next sentence
        (
            "The office of Chair passes between the partners each year."
            " The incoming Chair takes office at the first meeting in April.",
            "first meeting in april",
        ),
        (
            "The chair rotates annually among the three partners."
            " The partner chairing for the year is agreed at the October meeting.",
            "first meeting in october",
        ),
    ],
)
def test_a_chair_chosen_each_year_in_the_ways_documents_say_it(paragraph, at):
    rules = yaml.safe_load(
        draft_rules(Document("t.txt", "text", (Block("Barset Health and Wellbeing Board"), Block(paragraph)))).text
    )
    (item,) = [item for item in rules.get("items", []) if item["id"] == "chair-election"]
    assert item["at"] == at, item


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The quorum shall be three members.", {"quorum:min_present": [3]}),
        ("A meeting will be considered quorate if at least three members are present.", {"quorum:min_present": [3]}),
        ("The partnership will be quorate if there are 50% or more members present.", {"quorum:fraction": [0.5]}),
        (
            "The quorum is one third of the membership, including the Chair or Vice-Chair.",
            {"quorum:fraction": [0.3333], "quorum:requires": ["chair or vice-chair"]},
        ),
        ("The quorum of the Forum is two-fifths of its members.", {"quorum:fraction": [0.4]}),
        (
            "The quorum is five members, which must include at least one elected member of the Borough Council"
            " and one representative of the Police Service.",
            {"quorum:min_present": [5], "quorum:organisation": ["Borough Council", "Police Service"]},
        ),
        (
            "The Board is quorate with a third of its members, of whom one must be a Fire Authority member.",
            {"quorum:fraction": [0.3333], "quorum:organisation": ["Fire Authority"]},
        ),
        (
            "The quorum is one half of the voting members but not fewer than four.",
            {"quorum:fraction": [0.5], "quorum:min_present": [4]},
        ),
        (
            "No business shall be transacted unless at least four members are present, including the Chair or"
            " Vice-Chair.",
            {"quorum:min_present": [4], "quorum:requires": ["chair or vice-chair"]},
        ),
    ],
)
def test_quorum(sentence, expected):
    found = findings_of(sentence)
    assert {key: value for key, value in found.items() if key in expected} == expected


# -- clauses --------------------------------------------------------------------------------


def test_clauses_are_cited_as_the_document_numbers_them():
    found = clauses(
        [
            Block("6. MEETINGS", heading=True),
            Block("6.1 The Board shall meet quarterly."),
            Block("(a) Papers go out a week before."),
            Block("Working arrangements"),
            Block("The Board will meet twice a year."),
            Block("The Board meets monthly.", label="7.2"),
        ]
    )
    assert [(c.label, c.heading) for c in found] == [
        ("6.1", "Meetings"),
        ("6.1 (a)", "Meetings"),
        ("Working arrangements", "Working arrangements"),
        ("7.2", "Working arrangements"),
    ]


def test_sentences_do_not_end_at_abbreviations():
    text = "Papers, e.g. reports, go out by 5 p.m. on Friday. Cllr. Smith chairs; the vice-chair deputises."
    assert sentences(text) == [
        "Papers, e.g. reports, go out by 5 p.m. on Friday.",
        "Cllr. Smith chairs; the vice-chair deputises.",
    ]


# -- the seed documents ------------------------------------------------------------------------


def drafted(name: str, body_id: str | None = None) -> dict:
    return yaml.safe_load(draft_rules(read_document(DOCS / name), body_id).text)


def test_cambridgeshire_drafted_as_its_seed_file_says():
    """000: "will meet twice a year", "at least five working days in advance", "not open to the
    press and public", quorate "if at least three members are present", reviewed annually."""
    rules = drafted("000_925ab0e8be07d5c5.txt")
    seed = load_rules().bodies["cambridgeshire-executive-partnership"]
    assert rules["name"] == "Executive Partnership"
    assert rules["meetings"]["frequency"] == seed.meetings.frequency.phrase == "twice a year"
    assert rules["meetings"]["duration"] == "2 hours"
    assert rules["meetings"]["public"] is False and seed.meetings.public is False
    papers = next(d for d in rules["deadlines"] if d["id"] == "papers")
    assert papers["offset"] == "5 working days before" and papers["clause"] == "Working arrangements"
    assert rules["quorum"]["min_present"] == 3 == seed.quorum.min_present
    assert any(item["id"] == "terms-of-reference-review" for item in rules["items"])


def test_leeds_clusters_drafted_as_their_seed_file_says():
    """004: 6.1 at least termly, 6.8 reports eight working days before, 6.9 papers five working days,
    6.10 quorate at 50%, 6.11 minutes within 5 working days with 5 working days for comments."""
    rules = drafted("004_d94787d6fb76dd11.txt", "leeds-cluster-partnership")
    assert rules["name"] == "Cluster Partnerships" and rules["id"] == "leeds-cluster-partnership"
    assert rules["meetings"]["frequency"] == "at least termly" and rules["meetings"]["clause"] == "6.1"
    offsets = {d["id"]: (d["offset"], d["clause"]) for d in rules["deadlines"]}
    assert offsets == {
        "reports": ("8 working days before", "6.8"),
        "papers": ("5 working days before", "6.9"),
        "minutes": ("within 5 working days after", "6.11"),
        "minutes-comments": ("within 5 working days after", "6.11"),
    }
    assert next(d for d in rules["deadlines"] if d["id"] == "minutes-comments")["from"] == "minutes"
    assert rules["quorum"]["fraction"] == 0.5


def test_every_seed_document_drafts_a_file_that_plans_2026_27(tmp_path):
    for document in sorted(DOCS.glob("*.txt")):
        path = tmp_path / f"{document.stem}.yaml"
        path.write_text(draft_rules(read_document(document)).text)
        rules = load_rules([path])
        (body,) = rules
        plan = Planner(rules, {}).body_plan(body.id, 2026) if body.terms is None else None
        if plan is not None:
            assert plan.meetings, document.name
            assert all(m.date.year in (2026, 2027) for m in plan.meetings)


# -- the command ---------------------------------------------------------------------------------


def run(capsys, *argv: object) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_rules_draft_writes_a_file_that_govcal_plans(capsys, tmp_path):
    target = tmp_path / "cluster.yaml"
    status, out, err = run(
        capsys, "rules", "draft", DOCS / "004_d94787d6fb76dd11.txt", "--id", "my-cluster", "-o", target
    )
    assert status == 0 and out == ""
    assert "Drafted Cluster Partnerships (my-cluster)" in err and "to decide" in err
    text = target.read_text()
    assert "# To decide (not in the document):" in text and "not in the document: choose" in text
    status, out, err = run(capsys, "plan", "2026", "--rules", target, "--json")
    assert status in (0, 1), err
    plan = yaml.safe_load(out)
    assert plan  # a year planned from the draft


def test_rules_draft_prints_to_standard_output_without_o(capsys):
    status, out, _ = run(capsys, "rules", "draft", DOCS / "000_925ab0e8be07d5c5.txt")
    assert status == 0 and yaml.safe_load(out)["meetings"]["frequency"] == "twice a year"


def test_rules_draft_never_writes_over_a_file(capsys, tmp_path):
    target = tmp_path / "kept.yaml"
    target.write_text("# a clerk's own rules\n")
    status, out, err = run(capsys, "rules", "draft", DOCS / "000_925ab0e8be07d5c5.txt", "-o", target)
    assert status == 2 and err.count("\n") == 1 and "already exists" in err and str(target) in err
    assert target.read_text() == "# a clerk's own rules\n"


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        (None, ".docx", "cannot read"),
        (b"PK\x03\x04 this zip ends here", ".docx", "is not a Word document"),
        (b"%PDF-1.7\n% nothing after", ".pdf", "is not a PDF that can be read"),
        (b"\x00\x01\x02binary", ".bin", "is not a document govcal reads"),
        (b"   \n\n  ", ".txt", "holds no text"),
        (b"{\\rtf1 old}", ".rtf", "save it as Word (.docx), PDF or text"),
    ],
)
def test_a_document_it_cannot_read_is_one_line_and_nothing_written(capsys, tmp_path, content, suffix, message):
    source = tmp_path / f"terms{suffix}"
    if content is not None:
        source.write_bytes(content)
    target = tmp_path / "out.yaml"
    status, out, err = run(capsys, "rules", "draft", source, "-o", target)
    assert status == 2 and out == "" and not target.exists()
    assert err.count("\n") == 1 and message in err and str(source) in err, err
    assert "Traceback" not in err


def test_a_bad_id_is_refused(capsys):
    status, _, err = run(capsys, "rules", "draft", DOCS / "000_925ab0e8be07d5c5.txt", "--id", "Not An Id")
    assert status == 2 and "is not an id" in err


# -- documents that hold several bodies' terms ---------------------------------------------------


def drafted_body(name: str, body: str) -> tuple[dict, list[str]]:
    draft = draft_rules(read_document(DOCS / name), None, body)
    return yaml.safe_load(draft.text), [f"{p.source.clause}: {p.why}" for p in draft.passed_over]


def test_one_body_of_several_is_drafted_from_its_own_part():
    """003: the Programme Board's terms are Appendix 2 ("The Programme Board will meet quarterly");
    the JCB's 8.1 ("not less than monthly") and 9.0 (extraordinary meetings) are its part's, not
    the Board's, and are said to be."""
    rules, passed = drafted_body("003_bc3c57a8d9e7b769.txt", "Programme Board")
    assert rules["name"] == "Programme Board"
    assert rules["meetings"]["frequency"] == "quarterly" and rules["meetings"]["clause"] == "Frequency"
    assert "extraordinary" not in rules and "deadlines" not in rules
    assert "8.1: in the terms of the Joint Commissioning Board, not this body's" in passed
    # the other parts are other bodies' terms; the partnership's own opening clauses are no body's part
    others = draft_rules(read_document(DOCS / "003_bc3c57a8d9e7b769.txt"), None, "Programme Board").others
    assert others == ("Joint Commissioning Board", "Partnership Advisory Body")


def test_a_body_named_by_its_initials_takes_the_clauses_that_name_it():
    """003, for the PAB (Appendix A: "The meeting will be held monthly"): 12.1 "The minutes of the
    JCB and Advisory Body meetings ... submitted for approval at the next meeting" and 12.2 "will
    not be held in public" are in the JCB's part but name it; 8.1 does not."""
    rules, passed = drafted_body("003_bc3c57a8d9e7b769.txt", "PAB")
    assert rules["name"] == "Partnership Advisory Body" and rules["meetings"]["frequency"] == "monthly"
    assert rules["meetings"]["public"] is False
    assert [(d["id"], d["offset"], d["clause"]) for d in rules["deadlines"]] == [
        ("minutes-approved", "at the next meeting", "12.1")
    ]
    assert any(line.startswith("8.1:") for line in passed)


def test_a_group_described_in_its_hosts_clauses_is_read_only_where_named():
    """003 13.8: "The Elected Member's Reference Group is a joint County Council and District
    Council forum ... The Group meets quarterly": quarterly, from its own clause, and none of the
    JCB's deadlines. 004 6.3: "an annual meeting for a broader network": once a year."""
    rules, _ = drafted_body("003_bc3c57a8d9e7b769.txt", "Elected Members' Reference Group")
    assert rules["meetings"]["frequency"] == "quarterly" and rules["meetings"]["clause"] == "13.8"
    assert "deadlines" not in rules and "extraordinary" not in rules
    network, _ = drafted_body("004_d94787d6fb76dd11.txt", "broader network")
    assert network["meetings"]["frequency"] == "annually" and "deadlines" not in network


def test_without_body_the_draft_says_which_other_bodies_it_holds(capsys):
    draft = draft_rules(read_document(DOCS / "003_bc3c57a8d9e7b769.txt"))
    assert draft.others == ("Joint Commissioning Board", "Partnership Advisory Body", "Programme Board")
    assert "# The document also holds the terms of reference of: Joint Commissioning Board" in draft.text
    status, _, err = run(capsys, "rules", "draft", DOCS / "002_6eac85afb23a71d6.txt", "--body", "Parish Council")
    assert status == 2 and err.count("\n") == 1
    assert "names no body 'Parish Council' (the bodies whose terms it holds: Children’s Trust Strategic Board" in err


def test_a_listed_duty_is_the_bodys_own_though_it_names_others():
    """000 Role: "The Executive Partnership will: ... Report annual progress of the Area
    Partnerships to the Health and Wellbeing Board" is the Partnership's duty, not the Area
    Partnerships' meeting."""
    rules = drafted("000_925ab0e8be07d5c5.txt")
    report = next(item for item in rules["items"] if item["id"] == "annual-report")
    assert report["quote"].startswith("Report annual progress of the Area Partnerships")


def test_a_count_after_a_numbered_list_is_not_a_clause_number():
    """002 WDAG: "Meeting frequency / 4 times a year following the CTPB meeting structure" after a
    list numbered 1-6: 4 meetings a year, not clause 4 saying "times a year"."""
    rules, _ = drafted_body("002_6eac85afb23a71d6.txt", "WDAG")
    assert rules["meetings"]["frequency"] == "4 times a year"


def test_values_councils_write_in_other_ways():
    """Wordings met in the corpus, said here in other words: a length with a half, a venue after
    a month, a special meeting's rules in the sentence after it, reports that must 'reach' an
    officer, dated business in the present tense, another's annual report considered by a date."""
    found = findings_of(
        "Meetings will not normally last longer than three and a half hours.",
        "The Board meets monthly except in December, at 6pm in the Committee Room, Town Hall, Eastbury.",
        "The Chair may call a special meeting. The Chair must do so on the request of any three members,"
        " and the meeting will then be held within 15 working days of the request.",
        "Reports must reach the Governance Manager twelve working days before the meeting.",
        "The Board reviews the draft Better Care Fund plan before it is submitted to NHS England by 31 March.",
        "The Board will consider the Director of Public Health's annual report, and publish its response by"
        " 30 November.",
    )
    assert found["duration"] == ["3 hours 30 minutes"]
    assert found["location"] == ["Committee Room, Town Hall, Eastbury"]
    assert found["extraordinary:window"] == ["within 15 working days after"]
    assert found["extraordinary:requesters"] == [3]
    assert found["deadline:reports"] == ["12 working days before"]
    assert found["item:dated"] == [
        "Review the draft Better Care Fund plan",
        "Consider the Director of Public Health's annual report",
    ]
    assert found["item-by:dated"] == ["31 March", "30 November"]


def test_a_frequency_row_needs_no_word_for_meeting():
    """A table's 'Frequency | At least five times a year, aligned to the accounts timetable'."""
    found = find(
        clauses(
            [
                Block("Frequency", heading=True),
                Block("At least five times a year, aligned to the accounts timetable", cell=True),
            ]
        ),
        BOARD,
    ).found
    assert [each.value for each in found if each.field == "frequency"] == ["at least 5 times a year"]


def test_a_table_rows_short_text_is_its_value_not_a_heading():
    """'Frequency of meetings | Quarterly' in a Word table, a web page or tab-separated text."""
    found = find(
        clauses(
            [
                Block("Meeting arrangements", heading=True),
                Block("Frequency of meetings", heading=True),
                Block("Quarterly", cell=True),
                Block("Public access", heading=True),
                Block("Not open to the public", cell=True),
            ]
        ),
        BOARD,
    ).found
    values = {each.field: (each.value, each.source.clause) for each in found}
    assert values["frequency"] == ("quarterly", "Meeting arrangements: Frequency of meetings")


def test_business_at_a_named_meeting_and_a_budget_the_body_itself_prepares():
    """A finance committee's list of duties: business at its April meeting each year is an item
    there; preparing the budget 'by 31 January' is its own dated business (a budget sentence
    is otherwise no rule); the Council's precept set in January is the Council's."""
    found = findings_of(
        "The Board will:",
        "(a) at its October meeting, to review the partnership's risk register and its insurance cover;",
        "(b) to prepare the draft budget for the next financial year and to recommend it to the Council by"
        " 15 February;",
        "The County Council sets the precept each January.",
    )
    assert found["item:business"] == ["Review the partnership's risk register and its insurance cover"]
    assert found["item-at:business"] == ["first meeting in october"]
    assert found["item:dated"] == ["Prepare the draft budget for the next financial year"]
    assert found["item-by:dated"] == ["15 February"]


def test_the_name_the_document_defines_is_the_bodys_full_name():
    """A title gives the short name; the text defines the full one with its short form."""
    document = Document(
        "t.txt",
        "text",
        (
            Block("Adoption Panel"),
            Block("Terms of Reference"),
            Block("Approved by\tCorporate Parenting Committee, 2 June 2025"),
            Block(
                '1. Eastmoor Borough Council has set up the Eastmoor Regional Adoption Panel ("the Panel") under'
                " the Adoption Agencies Regulations 2005. The Panel meets monthly."
            ),
        ),
    )
    assert draft_rules(document).name == "Eastmoor Regional Adoption Panel"


def test_more_of_how_councils_write():
    """A meeting's length from its start to the time it must end by; further meetings at the
    Chair's discretion as special meetings; a council asked by members 'to call one'; updates
    to a named team as reports; a quorum of constituencies; a venue that rotates is no venue."""
    found = findings_of(
        "The Board meets at 6pm. No meeting shall continue beyond 8.45pm unless the Board agrees.",
        "Further meetings may be held at the discretion of the Chair.",
        "Partners send their performance updates to the Health Improvement Team at least six working days"
        " before each meeting.",
        "The quorum is four, including at least one employer representative and one scheme member representative.",
        "Meetings rotate between the partners' offices in Eastbury, Westbury and Northbury.",
    )
    assert found["time"] == ["18:00"] and found["end"] == ["20:45"]
    assert found["extraordinary:chair_may_call"] == [True]
    assert found["deadline:reports"] == ["6 working days before"]
    assert found["quorum:organisation"] == ["employer", "scheme member"]
    assert "location" not in found
    document = Document(
        "t.txt",
        "text",
        (
            Block("Barset Health and Wellbeing Board"),
            Block("The Board meets monthly at 6pm. No meeting shall continue beyond 8.45pm."),
        ),
    )
    assert draft_rules(document).rules["meetings"]["duration"] == "2 hours 45 minutes"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The Board will meet at least 3 times annually.", {"frequency": ["at least 3 times a year"]}),
        (
            "The Board will normally meet on a monthly basis, with no meeting in August.",
            {"frequency": ["monthly except August"]},
        ),
        ("Meetings are held six-weekly.", {"frequency": ["9 times a year"]}),
        ("Meetings are not open to members of the public.", {"public": [False]}),
        ("The Board will meet between 10am and 12 noon.", {"time": ["10:00"], "end": ["12:00"]}),
        ("Meetings run from 2pm to 4.30pm.", {"time": ["14:00"], "end": ["16:30"]}),
        (
            "Draft minutes will be circulated within ten working days.",
            {"deadline:minutes": ["within 10 working days after"]},
        ),
        (
            "The Board will meet quarterly, with additional meetings arranged as required.",
            {"frequency": ["quarterly"], "extraordinary": [True]},
        ),
        ("The Board will meet on the second Wednesday of alternate months.", {"frequency": ["every 2 months"]}),
        (
            "Agendas will be published at least 5 clear working days before each meeting.",
            {"deadline:papers": ["5 clear working days before"]},
        ),
        (
            "The draft minutes will be sent to the Chair within 5 working days and to all members within 10 working"
            " days of the meeting.",
            {
                "deadline:minutes-to-chair": ["within 5 working days after"],
                "deadline:minutes": ["within 10 working days after"],
            },
        ),
        (
            "The quorum shall be three members, one of whom must be the Chair or Vice-Chair.",
            {"quorum:min_present": [3], "quorum:requires": ["chair or vice-chair"], "quorum:also": None},
        ),
        (
            "The Independent Reviewing Officer's annual report will be considered by the Board each autumn.",
            {"item:annual-report-received": ["Received: Independent Reviewing Officer's annual report"]},
        ),
        (
            "The Board will present an annual report to full Council each July.",
            {"item:annual-report": ["Annual report to full Council"]},
        ),
        (
            "Two members, one of whom must be the Chair or the Deputy Chair, form a quorum.",
            {"quorum:min_present": [2], "quorum:requires": ["chair or vice-chair"]},
        ),
        ("approve the internal audit plan by 31 March each year;", {"item:dated": ["Approve the internal audit plan"]}),
        (
            "The Board elects its Chair at its first meeting of the municipal year in May.",
            {"item-at:chair-election": ["first meeting"]},
        ),
        (
            "The Board will meet not less than four times in any twelve-month period.",
            {"frequency": ["not less than 4 times a year"]},
        ),
        ("The Board will meet every quarter.", {"frequency": ["quarterly"]}),
        ("The Board will meet four times during the year.", {"frequency": ["4 times a year"]}),
        (
            "The Board will meet twice per term.",
            {"frequency": None, "unsupported:frequency": ["more than once a term"]},
        ),
        (
            "Ordinary meetings will take place on the first Thursday of March, June, September and December.",
            {"frequency": ["in March, June, September and December"], "pattern": ["first Thursday"]},
        ),
        (
            "The quorum will be a third of the membership, with at least one representative from each partner.",
            {"quorum:fraction": [0.3333], "quorum:also": ["with at least one representative from each partner"]},
        ),
        # a yearly item's sentence says nothing of how often the body meets
        (
            "The terms of reference will be reviewed annually, at the Board's first meeting in the municipal year.",
            {"frequency": None},
        ),
    ],
)
def test_wordings_councils_use(sentence, expected):
    found = findings_of(sentence)
    assert {key: found.get(key) for key in expected} == expected


def test_a_parish_committee_as_its_clerk_types_it():
    """A council's letterhead over the committee's title, hard up against the next line; a list
    of duties with dates; the press and public kept out."""
    document = read_document_text(
        "Oakley Parish Council\n"
        "Staffing Committee – Terms of Reference\n"
        "Adopted at the Annual Meeting of the Parish Council, 19 May 2025\n\n"
        "3 Meetings\n"
        "3.1 The Committee shall meet at least three times a year.\n"
        "3.5 Meetings will be closed to the press and public owing to the confidential nature of the business.\n\n"
        "4 Responsibilities\n"
        "The Committee shall:\n"
        "(a) undertake the annual appraisal of the Clerk, to be completed by 30 April each year;\n"
        "(c) recommend the staffing budget to the Finance Committee by 30 November.\n"
    )
    drafted = draft_rules(document)
    assert drafted.name == "Oakley Parish Council Staffing Committee"
    assert drafted.rules["meetings"]["public"] is False
    assert [(i["name"], i["by"]) for i in drafted.rules["items"]] == [
        ("Undertake the annual appraisal of the Clerk", "30 April"),
        ("Recommend the staffing budget to the Finance Committee", "30 November"),
    ]


def read_document_text(text: str) -> Document:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "terms.txt"
        path.write_text(text)
        return read_document(path)


def test_a_bilingual_title_line_lends_no_second_name():
    """'Cwm Taf Regional Partnership Board – Terms of Reference' over 'Bwrdd Partneriaeth
    Rhanbarthol / Regional Partnership Board': the short name again is no host."""
    document = Document(
        "rpb.html",
        "web page",
        (
            Block("Cwm Taf Regional Partnership Board – Terms of Reference", heading=True),
            Block("Bwrdd Partneriaeth Rhanbarthol / Regional Partnership Board"),
            Block("The Regional Partnership Board (RPB) will meet at least quarterly, as the Act requires of it."),
        ),
    )
    assert draft_rules(document).name == "Cwm Taf Regional Partnership Board"
