"""The `govcal` command line: outputs, round trips and exit statuses."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import NOW, body
from govcal.cli import main
from govcal.cli.server import addresses


@pytest.fixture
def rules_dir(write_rules, tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no ./govcal.db from elsewhere is consulted (explain) or written
    monkeypatch.delenv("GOVCAL_DATABASE_URL", raising=False)
    write_rules(
        body(
            deadlines=[
                {
                    "id": "papers",
                    "name": "Agenda and papers",
                    "offset": "5 clear working days before",
                    "ref": "D1",
                    "clause": "x",
                }
            ],
            items=[
                {
                    "id": "annual-report",
                    "name": "Annual report",
                    "at": "first meeting in july",
                    "ref": "A11",
                    "clause": "14.1",
                }
            ],
        )
    )
    return tmp_path / "rules"


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_plan_json_is_a_schedule_that_check_accepts(capsys, rules_dir, tmp_path):
    status, out, err = run(capsys, "plan", "2026", "--rules", rules_dir, "--json")
    assert status == 0 and err == ""
    plan = json.loads(out)
    assert [m["date"] for m in plan["meetings"]][:2] == ["2026-04-13", "2026-05-11"]
    papers = plan["deadlines"][0]
    # meeting Mon 13 Apr 2026; clear days 10, 9, 8, 7, 2 Apr (3 and 6 Apr Easter): due Wed 1 Apr
    assert (papers["date"], papers["due"]) == ("2026-04-01", "2026-04-01T17:00:00+01:00")
    assert plan["items"][0]["date"] == "2026-07-06"
    schedule = tmp_path / "schedule.json"
    schedule.write_text(out)
    assert run(capsys, "check", schedule, "--rules", rules_dir)[0] == 0


def test_check_reports_an_edited_schedule(capsys, rules_dir, tmp_path):
    out = run(capsys, "plan", "2026", "--rules", rules_dir, "--json")[1]
    plan = json.loads(out)
    for meeting in plan["meetings"]:
        if meeting["date"] == "2026-08-03":
            meeting["status"] = "cancelled"
        if meeting["date"] == "2026-07-06":
            meeting["date"] = "2026-06-29"  # moved out of July
    schedule = tmp_path / "edited.yaml"
    schedule.write_text(yaml.safe_dump(plan))
    status, out, err = run(capsys, "check", schedule, "--rules", rules_dir)
    assert status == 1
    assert "no meeting in August 2026: rule 'monthly' (F8, clause 8.1)" in out
    assert "no meeting in July 2026" in out
    assert "Annual report is for July but there is no meeting in July" in out
    status, out, _ = run(capsys, "check", schedule, "--rules", rules_dir, "--json")
    result = json.loads(out)
    assert status == 1 and result["complies"] is False
    assert {f["clause"] for f in result["findings"] if f["ok"] is False} == {"8.1", "14.1"}


def test_check_reads_the_report_dates_the_file_gives(capsys, tmp_path, monkeypatch):
    """Issue 27, point 1: a report moved by hand is judged on its new date, not re-derived."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GOVCAL_DATABASE_URL", raising=False)
    plan = json.loads(run(capsys, "plan", "2026", "--json")[1])
    deadlines = {d["id"]: d for d in plan["deadlines"]}
    board_q2 = deadlines["worcestershire-programme-board/2026-27/report-worcestershire-jcb-2"]
    jcgs_q3 = deadlines["worcestershire-jcgs/2026-27/report-worcestershire-jcb-3"]
    # As planned: 8 working days before the JCB's Tue 21 Jul and Tue 20 Oct 2026 meetings
    assert (board_q2["date"], jcgs_q3["date"]) == ("2026-07-09", "2026-10-08")
    board_q2["date"] = "2026-05-01"  # only `date` changed; `due` still says 9 Jul
    jcgs_q3["date"] = "2026-10-30"
    schedule = tmp_path / "edited.json"
    schedule.write_text(json.dumps(plan))
    status, out, _ = run(capsys, "check", schedule, "--json")
    failed = {(f["body"], f["message"]) for f in json.loads(out)["findings"] if f["ok"] is False}
    assert status == 1
    assert failed == {
        # Fri 1 May 2026 less 6 weeks is Fri 20 Mar; the Board last met Thu 5 Mar 2026 (first Thursday)
        (
            "worcestershire-programme-board",
            "Quarterly report to Worcestershire Joint Commissioning Board due Fri 01 May 2026"
            " follows no meeting of the body in the 6 weeks (local practice) before it",
        ),
        # Fri 30 Oct 2026 is ten days after the JCB's third-Tuesday meeting, Tue 20 Oct 2026
        (
            "worcestershire-jcgs",
            "Quarterly report to Worcestershire Joint Commissioning Board due Fri 30 Oct 2026"
            " is not before the meeting it goes to, Tue 20 Oct 2026",
        ),
    }
    # Due at 14:30 on the JCB's meeting day, Tue 20 Oct 2026: after its 14:00 start
    jcgs_q3.update(date="2026-10-20", due="2026-10-20T14:30:00+01:00")
    # A report left out is derived again: the Board's Q2 due Thu 9 Jul, after its Thu 4 Jun meeting
    del plan["deadlines"][plan["deadlines"].index(board_q2)]
    schedule.write_text(json.dumps(plan))
    status, out, _ = run(capsys, "check", schedule, "--json")
    failed = {(f["body"], f["message"]) for f in json.loads(out)["findings"] if f["ok"] is False}
    assert (status, failed) == (
        1,
        {
            (
                "worcestershire-jcgs",
                "Quarterly report to Worcestershire Joint Commissioning Board due Tue 20 Oct 2026"
                " is not before the meeting it goes to, Tue 20 Oct 2026",
            )
        },
    )
    jcgs_q3["due"] = "2026-10-20T13:30:00+01:00"  # 13:30, before the meeting's 14:00 start: complies
    schedule.write_text(json.dumps(plan))
    assert run(capsys, "check", schedule)[0] == 0


def test_check_rejects_a_bad_schedule_with_its_line(capsys, rules_dir, tmp_path):
    schedule = tmp_path / "bad.yaml"
    schedule.write_text("meetings:\n  - body: board\n    date: 2026-04-13\n  - body: board\n    date: 2026-13-01\n")
    status, out, err = run(capsys, "check", schedule, "--rules", rules_dir)
    assert (status, out) == (2, "")
    assert (
        err.strip() == f"govcal: {schedule}:5: meetings[1].date: '2026-13-01' is not a date; write it like 2026-04-15"
    )
    schedule.write_text("meetings:\n  - body: nobody\n    date: 2026-04-13\n")
    status, _, err = run(capsys, "check", schedule, "--rules", rules_dir)
    assert status == 2 and f"{schedule}:2: meetings[0].body: unknown body 'nobody'" in err
    schedule.write_text(
        "meetings:\n  - body: board\n    date: 2026-04-13\ndeadlines:\n"
        "  - id: board/2026-27/meeting-01/papers\n    date: 2026-04-01\n    due: soon\n"
    )
    status, _, err = run(capsys, "check", schedule, "--rules", rules_dir)
    assert status == 2 and f"{schedule}:7: deadlines[0].due: 'soon' is not a date" in err


def test_plan_csv_has_a_row_per_date(capsys, rules_dir):
    status, out, _ = run(capsys, "plan", "2026", "--rules", rules_dir, "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert status == 0
    assert sum(r["kind"] == "meeting" for r in rows) == 12
    assert sum(r["kind"] == "deadline" for r in rows) == 12
    assert rows[0]["date"] == "2026-04-01" and rows[0]["kind"] == "deadline"


def test_plan_table_names_the_body_and_the_moves(capsys, rules_dir):
    status, out, _ = run(capsys, "plan", "2026", "--rules", rules_dir)
    assert status == 0
    assert "Test Board (board), cycle 2026-27" in out
    assert "Easter Monday" in out


def test_plan_table_shows_a_bodys_own_words_as_written(capsys, write_rules, tmp_path, monkeypatch):
    """Square brackets and colons in a body's name and a deadline's are its words, not rich's
    markup or emoji codes: "[interim]" is not taken for a style, ":tick:" stays, and "[/]"
    (a closing tag with nothing to close) is no traceback."""
    monkeypatch.chdir(tmp_path)
    papers = {"id": "papers", "name": "Papers [/] :tick:", "offset": "5 clear working days before", "ref": "D1"}
    write_rules(body(name="Board [interim] :tick:", deadlines=[papers | {"clause": "x"}]))
    status, out, err = run(capsys, "plan", "2026", "--rules", tmp_path / "rules")
    assert status == 0, err
    assert "Board [interim] :tick: (board), cycle 2026-27" in out
    assert "Papers [/] :tick:" in out


# A body's words with square brackets, as a clerk may write them: "[interim]" has a style tag's
# shape, "[/]" a closing tag's with nothing to close (rich's MarkupError, were it read as markup).
BRACKETED = body(
    name="Board [interim]",
    meetings={"clause": "8.1 [/]"},
    deadlines=[
        {"id": "papers", "name": "Papers [/]", "offset": "5 clear working days before", "ref": "D1", "clause": "x"}
    ],
)


def test_bodies_explain_and_check_show_a_bodys_own_words_as_written(capsys, write_rules, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rules = tmp_path / "rules"
    write_rules(BRACKETED)
    status, out, err = run(capsys, "bodies", "--rules", rules)
    assert status == 0, err
    assert "Board [interim]" in out
    status, out, err = run(capsys, "explain", "board/2026-27/meeting-01/papers", "--rules", rules)
    assert status == 0, err
    assert "rule: Papers [/]: 5 clear working days before" in out
    schedule = tmp_path / "schedule.json"
    schedule.write_text(run(capsys, "plan", "2026", "--rules", rules, "--json")[1])
    status, out, err = run(capsys, "check", schedule, "--rules", rules, "--verbose")
    assert status == 0, err
    assert "ok: meeting in April 2026 on Mon 13 Apr 2026: rule 'monthly' (F8, clause 8.1 [/])" in out


def test_plan_unknown_body_is_bad_input(capsys, rules_dir):
    status, out, err = run(capsys, "plan", "--rules", rules_dir, "--body", "nobody")
    assert (status, out) == (2, "")
    assert err.startswith("govcal: unknown body 'nobody'")


def test_explain_shows_rule_anchor_and_skipped_days(capsys, rules_dir):
    status, out, _ = run(capsys, "explain", "board/2026-27/meeting-01/papers", "--rules", rules_dir)
    assert status == 0
    assert "deadline on Wednesday 1 April 2026" in out
    assert "anchor: meeting on Mon 13 Apr 2026" in out
    assert "skipped: Fri 03 Apr 2026 (Good Friday)" in out
    assert "skipped: Mon 06 Apr 2026 (Easter Monday)" in out
    status, out, _ = run(capsys, "explain", "board/2026-27/meeting-01", "--rules", rules_dir, "--json")
    assert json.loads(out)["adjusted"][-1] == (
        "Mon 06 Apr 2026 is not a working day (Easter Monday); moved to the next same weekday, Mon 13 Apr 2026"
    )


def test_explain_unknown_id_is_bad_input(capsys, rules_dir):
    status, out, err = run(capsys, "explain", "board/2026-27/meeting-99", "--rules", rules_dir)
    assert (status, out) == (2, "")
    assert "no date with id 'board/2026-27/meeting-99'" in err
    assert run(capsys, "explain", "nonsense", "--rules", rules_dir)[0] == 2


@pytest.mark.parametrize(
    ("phrase", "options", "date", "datetime"),
    [
        # DESIGN: clear days 20, 21, 22, 26, 27 May; 25 May is the Spring bank holiday
        ("5 clear working days before 2026-05-28", [], "2026-05-19", "2026-05-19T17:00:00+01:00"),
        # 21 Dec + 7 = Mon 28 Dec, the Boxing Day substitute; back over 27, 26, 25 to Thu 24 Dec
        ("within 7 days after 2026-12-21", [], "2026-12-24", "2026-12-24T17:00:00+00:00"),
        # DST: 10:00 on Mon 30 Mar 2026, the day after clocks go forward, is BST
        ("within 1 working day after 2026-03-27", ["--time", "10:00"], "2026-03-30", "2026-03-30T10:00:00+01:00"),
        # after the autumn change (25 Oct 2026) it is GMT again: Mon 26 Oct
        ("within 1 working day after 2026-10-23", [], "2026-10-26", "2026-10-26T17:00:00+00:00"),
        # Scotland: 8 working days before Tue 5 Jan 2027: 4 Jan (2 Jan substitute) and 1 Jan out,
        # 31, 30, 29 Dec, (28, 25 out) 24, 23, 22, 21, 18 Dec
        ("8 working days before 2027-01-05", ["--nation", "scotland"], "2026-12-18", "2026-12-18T17:00:00+00:00"),
        # the same offset in England: 4 Jan is a working day; 4, 31, 30, 29, 24, 23, 22, 21 Dec
        ("8 working days before 2027-01-05", [], "2026-12-21", "2026-12-21T17:00:00+00:00"),
        # a closure on 24 Dec moves the deadline to Wed 23 Dec
        ("within 7 days after 2026-12-21", ["--closed", "2026-12-24"], "2026-12-23", "2026-12-23T17:00:00+00:00"),
    ],
)
def test_date_json(capsys, phrase, options, date, datetime):
    status, out, err = run(capsys, "date", phrase, "--json", *options)
    assert status == 0, err
    result = json.loads(out)
    assert (result["date"], result["datetime"]) == (date, datetime)


def test_date_lists_skipped_days_with_reasons(capsys):
    result = json.loads(run(capsys, "date", "5 clear working days before 2026-05-28", "--json")[1])
    assert result["skipped"] == [
        {"date": "2026-05-23", "reason": "Saturday"},
        {"date": "2026-05-24", "reason": "Sunday"},
        {"date": "2026-05-25", "reason": "Spring bank holiday"},
    ]


def test_date_says_the_day_and_each_day_passed_over(capsys):
    """Thu 28 May 2026, 5 clear working days before: Tue 19 May, past the weekend and the
    Spring bank holiday (Mon 25 May), at 17:00 BST."""
    assert run(capsys, "date", "5 clear working days before 2026-05-28")[:2] == (
        0,
        "Tuesday 19 May 2026 at 17:00 BST: 5 clear working days before Thu 28 May 2026 (england-and-wales)\n"
        "  skipped Sat 23 May 2026 (Saturday)\n"
        "  skipped Sun 24 May 2026 (Sunday)\n"
        "  skipped Mon 25 May 2026 (Spring bank holiday)\n",
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["date", "5 working days before 2026-12-25"], "Fri 25 Dec 2026 is not a working day (Christmas Day)"),
        (["date", "5 working days before 2026-08-03", "--nation", "scotland"], "(Summer bank holiday) in scotland"),
        (["date", "5 working days before 2026-07-13", "--nation", "northern-ireland"], "Battle of the Boyne"),
        (["date", "5 working days before 2026-05-30"], "Sat 30 May 2026 is not a working day (Saturday)"),
        (["date", "5 clear days before 2026-05-28"], "say 'clear working days'"),
        (["date", "5 working days before"], "expected an offset phrase and a date"),
        (["date", "before the meeting 2026-05-28"], "needs a planned meeting"),
        (["date", "fortnight before 2026-05-28"], "is not an offset govcal understands"),
    ],
)
def test_date_refuses_bad_input_with_a_reason(capsys, argv, message):
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert message in err and err.count("\n") == 1


def test_the_installed_command_runs(tmp_path):
    """The console script itself, in a real process: exit status and JSON."""
    govcal = shutil.which("govcal", path=str(Path(sys.executable).parent))
    assert govcal, "govcal console script is not installed beside this Python"
    done = subprocess.run(
        [govcal, "date", "5 working days before 2026-04-15", "--json"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert json.loads(done.stdout)["date"] == "2026-04-08"  # Wed 15 -> Wed 8 Apr 2026
    done = subprocess.run(
        [govcal, "date", "5 working days before 2026-04-06"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr and "Easter Monday" in done.stderr


def _in_a_terminal(argv: list[str], cwd: Path) -> str:
    """Run a command with stdout and stderr on a pseudo-terminal; everything it wrote."""
    main_fd, terminal = pty.openpty()
    process = subprocess.Popen(argv, stdout=terminal, stderr=terminal, stdin=subprocess.DEVNULL, cwd=cwd)
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=60)
    os.close(main_fd)
    return output.decode(errors="replace")


@pytest.mark.parametrize("command", [["plan", "2026"], ["plan", "2026", "--save"], ["export", "feeds"]])
def test_long_work_shows_progress_on_a_terminal_only(tmp_path, command):
    govcal = shutil.which("govcal", path=str(Path(sys.executable).parent))
    assert govcal
    env_db = ["--database", f"sqlite:///{tmp_path}/govcal.db"]
    if command[0] == "export":
        subprocess.run([govcal, "plan", "2026", "--save", *env_db], cwd=tmp_path, capture_output=True, check=True)
    label = {"plan": "planning bodies", "export": "exporting feeds"}[command[0]]
    on_terminal = _in_a_terminal([govcal, *command, *env_db], tmp_path)
    assert label in on_terminal and re.search(r"(?<!\d)(\d+)/\1(?!\d)", on_terminal)  # a bar that reached its end
    if "--save" in command:
        assert "saving plans" in on_terminal
    piped = subprocess.run([govcal, *command, *env_db], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert label not in piped.stderr and "saving plans" not in piped.stderr
    if command == ["plan", "2026"]:  # and a script asking for JSON on a terminal gets JSON alone
        as_json = _in_a_terminal([govcal, *command, *env_db, "--json"], tmp_path)
        assert label not in as_json and json.loads(as_json.replace("\r\n", "\n"))


# -- everyday commands: what a clerk needs to see -------------------------------------


@pytest.fixture
def saved(capsys, rules_dir, tmp_path, monkeypatch):
    """The test board's 2026-27 cycle kept in a SQLite file, on 2 Mar 2026; the options to reach it."""
    monkeypatch.setattr("govcal.cli.meetings.utc_now", lambda: NOW)
    monkeypatch.setattr("govcal.cli.plans.utc_now", lambda: NOW)
    options = ["--database", f"sqlite:///{tmp_path / 'govcal.db'}"]
    assert run(capsys, "plan", "2026", "--save", "--rules", rules_dir, *options)[0] == 0  # published, then planned
    return options


def test_version(capsys):
    assert main(["--version"]) == 0  # answered before any command's parser is built
    assert re.fullmatch(r"govcal \d+\.\d+\.\d+\S*\n", capsys.readouterr().out)
    with pytest.raises(SystemExit) as done:  # and where argparse answers it, among other options
        main(["--version", "plan"])
    assert done.value.code == 0 and re.fullmatch(r"govcal \d+\.\d+\.\d+\S*\n", capsys.readouterr().out)


def test_bodies_json_and_table_give_whole_ids(capsys, rules_dir):
    status, out, _ = run(capsys, "bodies", "--rules", rules_dir, "--json")
    assert status == 0
    [board] = json.loads(out)
    assert board | {"file": ""} == {
        "id": "board",
        "name": "Test Board",
        "meets": "monthly",
        "cycle_starts": "April",
        "nation": "england-and-wales",
        "public": True,
        "file": "",
    }
    out = run(capsys, "bodies")[1]  # the seed bodies: long ids, never cut to fit
    assert "suffolk-community-cluster-steering-groups" in out and "cambridgeshire-executive-partnership " in out
    assert "(private)" in out


def test_plan_table_shows_the_ids_other_commands_take(capsys, rules_dir):
    out = run(capsys, "plan", "2026", "--rules", rules_dir)[1]
    assert "ids: board/2026-27/ and the id shown" in out
    row = next(line for line in out.splitlines() if "meeting-01/papers" in line)
    assert "Wed 01 Apr 2026" in row and "17:00" in row
    assert run(capsys, "explain", "board/2026-27/meeting-01/papers", "--rules", rules_dir)[0] == 0


def test_plan_save_prints_what_it_changed_and_the_tables_only_on_request(capsys, saved):
    status, out, err = run(capsys, "plan", "2026", "--save", *saved)
    assert status == 0 and out == ""
    assert "0 added, 0 moved, 0 updated, 0 cancelled" in err
    out = run(capsys, "plan", "2026", "--save", "--show", *saved)[1]
    assert "Test Board (board), cycle 2026-27" in out


def test_moving_a_meeting_says_its_new_date_and_what_moved_with_it(capsys, saved):
    status, out, _ = run(capsys, "meeting", "move", "board/2026-27/meeting-01", "20/04/2026", *saved)
    assert status == 0
    # Mon 20 Apr: 5 clear working days are 17, 16, 15, 14, 13 Apr, so papers are due Fri 10 Apr; they were
    # due Wed 1 Apr for Mon 13 Apr (10, 9, 8, 7 and, past Easter Monday and Good Friday, 2 Apr)
    assert out.splitlines() == [
        "board/2026-27/meeting-01 is now moved, Mon 20 Apr 2026 14:00; with it:",
        "  moved: Agenda and papers: Fri 10 Apr 2026 17:00 (was Wed 01 Apr 2026)",
    ]
    out = run(capsys, "meeting", "fix", "board/2026-27/meeting-02", *saved)[1]
    assert out == "board/2026-27/meeting-02 is now fixed, Mon 11 May 2026 14:00; nothing else changed\n"


@pytest.fixture
def bracketed(capsys, write_rules, tmp_path, monkeypatch) -> list[str]:
    """BRACKETED's 2026-27 cycle kept as `saved` keeps the test board's; the options to reach it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("govcal.cli.meetings.utc_now", lambda: NOW)
    monkeypatch.setattr("govcal.cli.plans.utc_now", lambda: NOW)
    write_rules(BRACKETED)
    options = ["--database", f"sqlite:///{tmp_path / 'govcal.db'}"]
    assert run(capsys, "plan", "2026", "--save", "--rules", tmp_path / "rules", *options)[0] == 0
    return options


def test_a_meeting_edit_shows_a_bodys_own_words_as_written(capsys, bracketed):
    # August's meeting moved into September leaves August without one: refused, citing the clause
    status, out, err = run(capsys, "meeting", "move", "board/2026-27/meeting-05", "08/09/2026", *bracketed)
    assert status == 1, err
    assert out.splitlines() == [
        "breaks FAIL: no meeting in August 2026: rule 'monthly' (F8, clause 8.1 [/])",
        "not changed: the change would break the rules above; --force accepts it knowingly",
    ]
    status, out, err = run(capsys, "meeting", "move", "board/2026-27/meeting-01", "20/04/2026", *bracketed)
    assert status == 0, err
    assert out.splitlines() == [
        "board/2026-27/meeting-01 is now moved, Mon 20 Apr 2026 14:00; with it:",
        "  moved: Papers [/]: Fri 10 Apr 2026 17:00 (was Wed 01 Apr 2026)",
    ]


def test_member_add_list_and_remove(capsys, saved):
    run(capsys, "member", "add", "board", "Ann Clerk", "--role", "clerk", "--email", "Ann@Example.org", *saved)
    run(capsys, "member", "add", "board", "Ann Clerk", "--role", "member", *saved)
    run(capsys, "member", "add", "board", "Bob Dunn", "--organisation", "Leeds City Council", *saved)
    status, out, _ = run(capsys, "member", "list", "board", "--json", *saved)
    assert status == 0 and json.loads(out) == [
        {"name": "Ann Clerk", "roles": ["clerk", "member"], "organisation": "", "email": "Ann@example.org"},
        {"name": "Bob Dunn", "roles": ["member"], "organisation": "Leeds City Council", "email": ""},
    ]
    assert run(capsys, "member", "remove", "board", "Ann Clerk", "--role", "member", *saved)[1] == (
        "Ann Clerk: clerk of board\n"
    )
    assert run(capsys, "member", "remove", "board", "Bob Dunn", *saved)[1] == "Bob Dunn: no longer on board\n"
    status, out, err = run(capsys, "member", "remove", "board", "Bob Dunn", *saved)
    assert (status, out) == (2, "") and "'Bob Dunn' is not on Test Board" in err
    status, _, err = run(capsys, "member", "remove", "board", "Ann Clerk", "--role", "chair", *saved)
    assert status == 2 and "'Ann Clerk' is not on Test Board as chair" in err
    out = run(capsys, "member", "list", "board", *saved)[1]
    assert "Test Board: 1 on record" in out and "Bob Dunn" not in out


def test_member_list_shows_peoples_own_words_as_written(capsys, bracketed):
    run(capsys, "member", "add", "board", "Sam [/] Smith", "--organisation", "[red]Council", *bracketed)
    status, out, err = run(capsys, "member", "list", "board", *bracketed)
    assert status == 0, err
    assert "Board [interim]: 1 on record" in out
    assert re.search(r"Sam \[/\] Smith +│ member +│ \[red\]Council", out)


@pytest.mark.parametrize(
    ("public_url", "webcal", "https"),
    [
        (None, "webcal://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("https://calendar.example.gov.uk/", "webcal://calendar.example.gov.uk", "https://calendar.example.gov.uk"),
    ],
)
def test_feed_token_create_says_where_to_subscribe(capsys, saved, public_url, webcal, https):
    where = ["--public-url", public_url] if public_url else []
    run(capsys, "member", "add", "board", "Ann Clerk", *saved)
    status, out, err = run(capsys, "feed", "token", "create", "Ann Clerk", *saved[2:], *where)
    token = out.strip()
    assert status == 0 and len(token) >= 32
    assert f"subscribe in a calendar app: {webcal}/feeds/private/{token}.ics\n" in err
    assert f"Subscribe from web): {https}/feeds/private/{token}.ics\n" in err


def test_serve_says_where_its_page_feeds_and_docs_are():
    assert addresses("http://127.0.0.1:8000") == [
        "planner: http://127.0.0.1:8000/planner",
        "feeds: http://127.0.0.1:8000/feeds/all.ics, each public body's at http://127.0.0.1:8000/feeds/bodies/<id>.ics"
        " (subscribe: webcal://127.0.0.1:8000/feeds/all.ics)",
        "admin pages: http://127.0.0.1:8000/admin (sign in with an admin token: govcal admin token create NAME)",
        "admin API: http://127.0.0.1:8000/api/..., its docs at http://127.0.0.1:8000/docs (the same tokens)",
    ]


def _imported(argv: list[str], cwd: Path) -> set[str]:
    """The modules a fresh process has imported once `govcal ARGV` has run."""
    script = (
        "import sys\nfrom govcal.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.strip().splitlines()[-1].split())


@pytest.mark.parametrize(
    "argv",
    [
        ["--version"],
        ["date", "5 clear working days before 2026-05-28"],
        ["plan", "2026", "--body", "worcestershire-jcb"],
        ["check", "--help"],
    ],
    ids=lambda argv: argv[0],
)
def test_commands_that_keep_no_year_start_without_the_store_or_the_server(argv, tmp_path):
    """A clerk using `date` as a calculator waits for no database library, web framework,
    every country's holidays (the UK's are kept as data) or iCalendar library to load (issue
    33): what is imported is checked, not how long it took."""
    heavy = {"sqlalchemy", "alembic", "fastapi", "starlette", "jinja2", "holidays", "icalendar"}
    assert sorted({m.split(".")[0] for m in _imported(argv, tmp_path)} & heavy) == []


def test_a_command_imports_its_own_group_only_and_version_nothing(tmp_path):
    """`govcal date` builds the parser of its own group, not every command's, and writes
    plain lines without loading rich; `--version` imports no more of govcal than the command's
    entry point (issue 33)."""
    ours = ("govcal", "rules", "scheduler", "calendars")
    version = {m for m in _imported(["--version"], tmp_path) if m.split(".")[0] in ours}
    assert version == {"govcal", "govcal.cli"}
    date = _imported(["date", "5 clear working days before 2026-05-28"], tmp_path)
    assert {m for m in date if m.startswith("govcal.cli.")} == {"govcal.cli.common", "govcal.cli.plans"}
    assert not {m for m in date if m.split(".")[0] == "rich"}


def test_every_command_is_mapped_to_the_module_that_registers_it():
    """The table that lets a command import only its own module names each command of each
    module, so none is missing from `govcal --help` or built with the wrong group."""
    import argparse
    import importlib

    from govcal import cli

    registered = {}
    for group in set(cli.COMMANDS.values()):
        commands = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(f"govcal.cli.{group}").register(commands)
        registered |= dict.fromkeys(commands.choices, group)
    assert registered == cli.COMMANDS


def test_help_lists_every_command_and_a_mistyped_one_is_told_them_all(capsys):
    from govcal.cli import COMMANDS

    with pytest.raises(SystemExit) as done:
        main(["--help"])
    out = capsys.readouterr().out
    assert done.value.code == 0 and all(f"    {name} " in out or f"    {name}\n" in out for name in COMMANDS)
    with pytest.raises(SystemExit) as done:
        main(["pln", "2026"])
    err = capsys.readouterr().err
    assert done.value.code == 2 and "invalid choice: 'pln'" in err and all(repr(name) in err for name in COMMANDS)
    with pytest.raises(SystemExit) as done:
        main(["plan", "--help"])
    assert done.value.code == 0 and "usage: govcal plan" in capsys.readouterr().out


def test_version_is_the_installed_distributions(capsys):
    """`--version` reads `govcal.__version__`, which pyproject.toml gives the distribution."""
    from importlib.metadata import version

    main(["--version"])
    assert capsys.readouterr().out == f"govcal {version('govcal')}\n"


def _govcal(tmp_path: Path, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed command in a fresh process, run in `tmp_path` (where its default database
    would be made), with these environment variables (and no database named)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GOVCAL_")} | env
    govcal = str(Path(sys.executable).parent / "govcal")
    return subprocess.run([govcal, *argv], cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("command", [["reminders", "send"], ["serve", "--port", "0"]], ids=lambda c: c[0])
@pytest.mark.parametrize(
    ("env", "said"),
    [
        (
            {"GOVCAL_SMTP_URL": "smtp//host"},
            "govcal: GOVCAL_SMTP_URL 'smtp//host' is not an SMTP URL: write smtp://host:port"
            " or smtps://user:pass@host:465 (?starttls=1 and ?from=ADDRESS may follow)",
        ),
        (
            {"GOVCAL_SMTP_URL": "smtps//ann:s3cret@mail.example.org"},  # what was typed, its password starred
            "govcal: GOVCAL_SMTP_URL 'smtps//ann:***@mail.example.org' is not an SMTP URL:",
        ),
        (
            {"GOVCAL_SMTP_URL": "smtp://127.0.0.1:25", "GOVCAL_MAIL_FROM": "not an address"},  # it sent "From: not"
            "govcal: GOVCAL_MAIL_FROM 'not an address' is not an e-mail address to send from:",
        ),
        (
            {"GOVCAL_SMTP_URL": "smtp://127.0.0.1:25?from=clerk"},
            "govcal: GOVCAL_SMTP_URL 'clerk' is not an e-mail address to send from:",
        ),
    ],
    ids=["url", "password", "from", "url-from"],
)
def test_mail_settings_are_refused_at_start_quoting_what_was_typed(tmp_path, command, env, said):
    """Checked before anything is done: one line, exit status 2, nothing made (no govcal.db)."""
    done = _govcal(tmp_path, *command, **env)
    assert (done.returncode, done.stdout) == (2, ""), done.stderr
    assert done.stderr.startswith(said) and len(done.stderr.splitlines()) == 1, done.stderr
    assert "s3cret" not in done.stderr and not (tmp_path / "govcal.db").exists()


def test_serve_on_a_port_in_use_says_so_before_it_makes_or_prints_anything(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = _govcal(tmp_path, "serve", "--port", str(port))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"govcal: 127.0.0.1:{port} is in use (another govcal serve?): stop what listens there or give --port\n"
    )
    assert not (tmp_path / "govcal.db").exists()  # not made, not planned
