"""Quorum per seed body's rule, absences to follow up (A7), the attendance record (A11)."""

from __future__ import annotations

from govcal.cli import main
from rules.loader import load_rules
from rules.model import Attendance, Citation, Quorum
from scheduler.attendance import Forecast, Member, Presence, State, forecast, quorum, record, to_follow_up


def members(*spec: str, organisation: str = "") -> list[Member]:
    """'Name:role,role@Org' strings into members."""
    result = []
    for item in spec:
        person, _, org = item.partition("@")
        name, _, roles = person.partition(":")
        result.append(Member(name, frozenset((roles or "member").split(",")), org or organisation))
    return result


def present(*names: str) -> list[Presence]:
    """'Name' or 'Sub=Member' (a named substitute) strings into presences."""
    return [Presence(*n.split("=")) if "=" in n else Presence(n) for n in names]


def test_cambridgeshire_needs_three_present():
    rule = Quorum(Citation("", "Decision making"), min_present=3)
    board = members("A", "B", "C", "D", "E", "F")
    failed = quorum(rule, board, present("A", "B"))
    assert not failed.quorate and failed.reasons == ["2 present; at least 3 needed (clause Decision making)"]
    assert quorum(rule, board, present("A", "B", "Sub=C")).quorate  # a named substitute counts


def test_leeds_area_needs_a_third_including_chair_and_vice_chair_or_substitutes():
    rule = Quorum(Citation("", "4.5"), fraction=1 / 3, requires=("chair", "vice-chair"))
    area = members("Chair:chair", "Vice:vice-chair", "C", "D", "E", "F", "G", "H", "I")  # 9: a third is 3
    assert quorum(rule, area, present("Chair", "Vice", "C")).quorate
    assert quorum(rule, area, present("Deputy=Chair", "Vice", "C")).quorate
    failed = quorum(rule, area, present("Chair", "C", "D"))
    assert failed.reasons == ["no vice-chair (or substitute) present (clause 4.5)"]
    failed = quorum(rule, area, present("Chair", "Vice"))
    assert failed.reasons == ["2 of 9 members present; at least 3 needed (clause 4.5)"]


def test_suffolk_board_needs_half_the_membership():
    rule = Quorum(Citation("", "10.1"), fraction=0.5)
    board = members(*"ABCDEFGHIJ")
    assert quorum(rule, board, present(*"ABCDE")).quorate
    assert quorum(rule, board, present(*"ABCD")).reasons == ["4 of 10 members present; at least 5 needed (clause 10.1)"]
    odd = members(*"ABCDEFGHI")  # 9 members: half is 4.5, so 5 are needed
    assert not quorum(rule, odd, present(*"ABCD")).quorate


def test_worcestershire_jcb_chair_vice_one_other_and_both_pct_and_council():
    rule = Quorum(Citation("", "11"), requires=("chair", "vice-chair"), others=1, organisations=("PCT", "Council"))
    jcb = members(
        "Chair:chair@County Council", "Vice:vice-chair@Worcestershire PCT", "C@County Council", "D@Worcestershire PCT"
    )
    assert quorum(rule, jcb, present("Chair", "Vice", "C")).quorate
    failed = quorum(rule, jcb, present("Chair", "Vice"))
    assert failed.reasons == ["0 others present besides chair, vice-chair; 1 needed (clause 11)"]
    council_only = members("Chair:chair@County Council", "Vice:vice-chair@County Council", "C@County Council")
    assert quorum(rule, council_only, present("Chair", "Vice", "C")).reasons == [
        "no member from PCT present (clause 11)"
    ]


def test_worcestershire_jcb_needs_the_chair_or_vice_chair_in_person_to_chair_it():
    # 003 11.1: "As the meeting must be chaired by the Chair or Vice Chair, at least one of them
    # must attend every meeting": substitutes for both count for the quorum, but no one can chair.
    rule = load_rules()["worcestershire-jcb"].quorum
    assert rule.in_person == ("chair or vice-chair",)
    jcb = members(
        "Chair:chair@County Council", "Vice:vice-chair@Worcestershire PCT", "C@County Council", "D@Worcestershire PCT"
    )
    both_sent_substitutes = quorum(rule, jcb, present("S1=Chair", "S2=Vice", "C"))
    assert both_sent_substitutes.reasons == [
        "no chair or vice-chair present in person: a substitute cannot chair (clause 11, 11.1)"
    ]
    assert quorum(rule, jcb, present("S1=Chair", "Vice", "C")).quorate  # the Vice Chair chairs


def test_worcestershire_pab_chair_or_vice_and_five_others_from_two_agencies():
    rule = Quorum(Citation("", "App. A"), requires=("chair or vice-chair",), others=5, min_organisations=2)
    pab = members(
        "Chair:chair@Council",
        "Vice:vice-chair@Council",
        "C@Council",
        "D@Council",
        "E@Police",
        "F@PCT",
        "G@Council",
        "H@Council",
    )
    assert quorum(rule, pab, present("Vice", "C", "D", "E", "F", "G")).quorate
    assert quorum(rule, pab, present("Vice", "C", "D", "E", "F")).reasons == [
        "4 others present besides chair or vice-chair; 5 needed (clause App. A)"
    ]
    assert quorum(rule, pab, present("Chair", "Vice", "C", "D", "G", "H")).reasons == [
        "members from 1 organisations present; 2 needed (clause App. A)"
    ]


def test_clerks_do_not_count_towards_quorum():
    rule = Quorum(Citation("", "6.10"), fraction=0.5)
    cluster = members("A", "B", "C", "D", "Clerk:clerk")
    assert quorum(rule, cluster, present("A", "Clerk")).reasons == [
        "1 of 4 members present; at least 2 needed (clause 6.10)"
    ]


def test_absences_in_the_year_are_followed_up_and_a_deputy_is_not_an_absence():
    board = members("Ali", "Brown", "Chen")
    meetings = {
        "m1": present("Ali", "Brown", "Chen"),
        "m2": present("Brown", "Deputy=Chen"),  # Ali absent; Chen sent a deputy
        "m3": present("Brown", "Deputy=Chen"),  # Ali absent again
        "m4": present("Ali", "Brown"),  # Chen absent
    }
    lines = record(board, meetings)
    assert [(line.member, line.held, line.attended, line.substituted, line.absent) for line in lines] == [
        ("Ali", 4, 2, 0, 2),
        ("Brown", 4, 4, 0, 0),
        ("Chen", 4, 1, 2, 1),
    ]
    board_rule = Attendance(Citation("A7", "7.3"), follow_up_after=2)
    executive_rule = Attendance(Citation("A7", "7.4"), follow_up_after=3)
    assert to_follow_up(board_rule, lines) == ["Ali: absent from 2 of 4 meetings; follow up after 2 (A7, clause 7.3)"]
    assert to_follow_up(executive_rule, lines) == []


# -- kept in the store, through the CLI, on both backends ---------------------------------

JCB_MEETING = "worcestershire-jcb/2026-27/meeting-01"  # Tue 21 Apr 2026


def test_quorum_at_a_kept_jcb_meeting(database, capsys):
    db = ["--database", database]
    assert main(["plan", "2026", "--body", "worcestershire-jcb", "--save", *db]) == 0
    people = [
        ("Cllr Ali", "chair", "Worcestershire County Council"),
        ("Dr Brown", "vice-chair", "Worcestershire PCT"),
        ("Ms Chen", "member", "Worcestershire County Council"),
        ("Mr Dunn", "substitute", "Worcestershire PCT"),
    ]
    for name, role, org in people:
        assert main(["member", "add", "worcestershire-jcb", name, "--role", role, "--organisation", org, *db]) == 0
    capsys.readouterr()
    # the chair and a named substitute for the vice chair, but no third member: not quorate (clause 11)
    assert main(["attendance", "record", JCB_MEETING, "Cllr Ali", "Mr Dunn=Dr Brown", *db]) == 1
    out = capsys.readouterr().out
    assert "not quorate" in out and "0 others present besides chair, vice-chair; 1 needed" in out
    assert main(["attendance", "record", JCB_MEETING, "Cllr Ali", "Mr Dunn=Dr Brown", "Ms Chen", *db]) == 0
    assert "quorate (3 counted)" in capsys.readouterr().out
    assert main(["attendance", "quorum", JCB_MEETING, *db]) == 0


def test_attendance_of_someone_not_on_the_body_is_refused(database, capsys):
    db = ["--database", database]
    main(["plan", "2026", "--body", "worcestershire-jcb", "--save", *db])
    main(["member", "add", "worcestershire-jcb", "Cllr Ali", "--role", "chair", *db])
    assert main(["attendance", "record", JCB_MEETING, "Cllr Ali", "Stranger", *db]) == 2
    assert "'Stranger' is not on worcestershire-jcb" in capsys.readouterr().err
    capsys.readouterr()
    assert main(["attendance", "quorum", JCB_MEETING, *db]) == 0  # nothing was recorded: no verdict yet
    assert "attendance not recorded yet" in capsys.readouterr().out


def test_suffolk_board_absences_followed_up_after_two(database, capsys):
    db = ["--database", database]
    main(["plan", "2026", "--body", "suffolk-strategic-board", "--save", *db])
    for name in ("Ali", "Brown", "Chen", "Deputy"):
        main(
            [
                "member",
                "add",
                "suffolk-strategic-board",
                name,
                "--role",
                "substitute" if name == "Deputy" else "member",
                *db,
            ]
        )
    meetings = [f"suffolk-strategic-board/2026-27/meeting-0{n}" for n in (1, 2, 3)]  # 12 May, 11 Aug, 10 Nov 2026
    main(["attendance", "record", meetings[0], "Ali", "Brown", "Chen", *db])
    main(["attendance", "record", meetings[1], "Brown", "Deputy=Chen", *db])  # Ali absent, Chen's deputy came
    main(["attendance", "record", meetings[2], "Brown", "Chen", *db])  # Ali absent again
    capsys.readouterr()
    assert (
        main(["attendance", "report", "suffolk-strategic-board", "--cycle", "2026-27", "--until", "2026-11-30", *db])
        == 0
    )
    out = capsys.readouterr().out
    assert "follow up: Ali: absent from 2 of 3 meetings; follow up after 2 (A7, clause 7.3)" in out
    assert out.count("follow up:") == 1  # Chen sent a deputy once: one absence, under the threshold


def test_the_attendance_report_shows_peoples_own_words_as_written(database, capsys):
    """Square brackets in a name are its own, not rich's markup: "[red]" is no style, and "[/]"
    (a closing tag with nothing to close) is no traceback."""
    db, board = ["--database", database], "suffolk-strategic-board"
    main(["plan", "2026", "--body", board, "--save", *db])
    for name in ("Sam [/] Smith", "[red]Brown"):
        main(["member", "add", board, name, *db])
    for meeting in (f"{board}/2026-27/meeting-01", f"{board}/2026-27/meeting-02"):  # Tue 12 May, Tue 11 Aug 2026
        main(["attendance", "record", meeting, "[red]Brown", *db])  # Sam Smith absent from both
    capsys.readouterr()
    assert main(["attendance", "report", board, "--cycle", "2026-27", "--until", "2026-09-30", *db]) == 0
    out = capsys.readouterr().out
    assert "follow up: Sam [/] Smith: absent from 2 of 2 meetings; follow up after 2 (A7, clause 7.3)" in out
    assert any(line.startswith("│ [red]Brown ") for line in out.splitlines())


def test_a_forecast_counts_the_members_but_those_sending_apologies_and_the_substitutes_named():
    """The JCB's clause 11: the Chair and the Vice Chair or their substitutes, one of them in
    person, one other member, someone from the PCT and from the Council."""
    rule = load_rules().bodies["worcestershire-jcb"].quorum
    assert rule is not None and rule.warn_before == 5  # the default: the seed says nothing
    jcb = members("Chair:chair@County Council", "Vice:vice-chair@Worcestershire PCT", "C@Worcestershire PCT")
    assert forecast(rule, jcb, []) == Forecast(True, ("Chair", "Vice", "C"), (), ())
    sorry = [Presence("Vice", state=State.APOLOGIES)]
    assert forecast(rule, jcb, sorry) == Forecast(
        False, ("Chair", "C"), ("Vice",), ("no vice-chair (or substitute) present (clause 11, 11.1)",)
    )
    named = forecast(rule, jcb, [*sorry, Presence("Sub", "Vice", state=State.SUBSTITUTE)])
    assert named.quorate and named.expected == ("Chair", "C", "Sub (for Vice)")
    both = [Presence("Chair", state=State.APOLOGIES), *sorry, Presence("Sub", "Vice"), Presence("Dep", "Chair")]
    assert forecast(rule, jcb, both).missing == (
        "no chair or vice-chair present in person: a substitute cannot chair (clause 11, 11.1)",
    )
