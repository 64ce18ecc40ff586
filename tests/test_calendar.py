"""The calendar of meetings (`govcal calendar`, the admin's download, the public planner's print
page): every body's meetings of the council's year read back from the PDF's text by pdftotext,
month by month, against the plan the operations layer gives; private bodies only when asked;
the bank holidays of 2027-28, checked by hand against GOV.UK's list; bad input refused."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import context as make_context
from conftest import edit_meeting, keep
from govcal.cli import main
from govcal.cli.server import application
from govcal.operations import access, planning
from govcal.operations.calendar import calendar_of_meetings
from govcal.printed import calendar_html
from govcal.settings import Settings
from rules.errors import RuleError
from rules.loader import load_rules
from scheduler.store.tables import TokenKind
from test_admin import Clock, signed_in

SEEDS = load_rules()
PUBLIC = [body.id for body in SEEDS if body.meetings.public]
PRIVATE = [body.id for body in SEEDS if not body.meetings.public]
FIRST, LAST = dt.date(2027, 5, 1), dt.date(2028, 4, 30)  # the municipal year 2027-28: May to April
WHEN = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)
MONTH_HEADINGS = ["May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr"]
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# England and Wales, May 2027 to April 2028, by hand from a calendar and GOV.UK's list: Christmas
# Day falls on a Saturday and Boxing Day on a Sunday, so both are given the Monday and Tuesday after;
# 1 January 2028 is a Saturday (the Monday after); Easter Sunday 2028 is 16 April.
BANK_HOLIDAYS_2027_28 = [
    "Mon 3 May 2027, Early May bank holiday",
    "Mon 31 May 2027, Spring bank holiday",
    "Mon 30 August 2027, Summer bank holiday",
    "Mon 27 December 2027, Christmas Day (substitute day)",
    "Tue 28 December 2027, Boxing Day (substitute day)",
    "Mon 3 January 2028, New Year’s Day (substitute day)",
    "Fri 14 April 2028, Good Friday",
    "Mon 17 April 2028, Easter Monday",
]


@pytest.fixture(autouse=True)
def _environment(monkeypatch):
    """The calendar's settings as the test gives them, whatever the machine's environment says."""
    for name in ("GOVCAL_DATABASE_URL", "GOVCAL_COUNCIL_NAME", "GOVCAL_YEAR_START"):
        monkeypatch.delenv(name, raising=False)


def govcal(capsys, *argv: object) -> tuple[int, str]:
    """The command's exit status and what it said on stderr."""
    try:
        status = main([str(a) for a in argv])
    except SystemExit as stopped:  # argparse's own mistakes
        status = int(stopped.code or 0)
    return status, capsys.readouterr().err


def pdf_text(path: Path) -> str:
    """The PDF's words, as pdftotext reads them, spaces squeezed."""
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


def words(path: Path) -> list[tuple[float, float, str]]:
    """Each word of the PDF's first page with where it starts (x, y), as pdftotext -bbox gives them."""
    out = subprocess.run(["pdftotext", "-bbox", "-l", "1", str(path), "-"], check=True, capture_output=True).stdout
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', out.decode()
    )
    return [(float(x), float(y), text) for x, y, text in found]


def days_by_month(path: Path, first_row_word: str) -> set[dt.date]:
    """The days the PDF's first body row shows ("Tue 12"), each read in the month column it stands
    under: the row from the word that starts its heading down to the key below the table."""
    placed = words(path)
    heading_row = next(y for _, y, text in placed if text == "Body")  # the table's first heading
    headings = [(x, text) for x, y, text in placed if text in MONTH_HEADINGS and abs(y - heading_row) < 1]
    assert [text for _, text in headings] == MONTH_HEADINGS
    top = next(y for _, y, text in placed if text == first_row_word and y > heading_row)
    bottom = next(y for _, y, text in placed if text == "Key:")
    found = set()
    for (x, y, text), (_, _, number) in zip(placed, placed[1:], strict=False):
        if text in WEEKDAYS and number.isdigit() and top - 1 <= y < bottom:
            column = max(i for i, (left, _) in enumerate(headings) if left <= x + 1)
            month = FIRST.month + column
            day = dt.date(FIRST.year + (month - 1) // 12, (month - 1) % 12 + 1, int(number))
            assert f"{day:%a}" == text, f"{text} {number} is not a {day:%A}"
            found.add(day)
    return found


def planned_meetings(ctx, body_id: str) -> set[dt.date]:
    """The body's meetings from May 2027 to April 2028 in the plan the operations layer gives."""
    plans = planning.plan(ctx, [2026, 2027, 2028], [body_id], now=WHEN)
    return {m.date for plan in plans for m in plan.meetings if FIRST <= m.date <= LAST}


@pytest.fixture
def seeded(tmp_path):
    """A fresh SQLite database with the seed bodies, nothing of 2027-28 kept: the year as the rules give it."""
    url = f"sqlite:///{tmp_path / 'govcal.db'}"
    ctx = make_context(SEEDS, url)
    return url, ctx


@pytest.mark.parametrize("body_id", [*PUBLIC, *PRIVATE])
def test_the_pdf_holds_each_bodys_meetings_of_the_year_each_in_its_month(capsys, tmp_path, seeded, body_id):
    url, ctx = seeded
    pdf = tmp_path / "calendar.pdf"
    private = ["--private"] if body_id in PRIVATE else []
    status, err = govcal(capsys, "calendar", "2027", "--pdf", pdf, "--body", body_id, *private, "--database", url)
    assert status == 0, err
    expected = planned_meetings(ctx, body_id)
    assert expected, "every seed body meets in 2027-28"
    assert days_by_month(pdf, SEEDS[body_id].name.split()[0]) == expected


def test_public_bodies_only_unless_private_is_asked_for(capsys, tmp_path, seeded):
    url, _ = seeded
    public, everything = tmp_path / "public.pdf", tmp_path / "all.pdf"
    assert govcal(capsys, "calendar", "2027", "--pdf", public, "--database", url)[0] == 0
    assert govcal(capsys, "calendar", "2027", "--pdf", everything, "--private", "--database", url)[0] == 0
    shown, all_shown = pdf_text(public), pdf_text(everything)
    assert all(SEEDS[b].name in shown for b in PUBLIC)
    assert not any(SEEDS[b].name in shown for b in PRIVATE)
    assert all(f"{SEEDS[b].name} (private)" in all_shown for b in PRIVATE)
    assert "Bodies that meet in public" in shown and "Includes bodies that meet in private" in all_shown


def test_with_no_database_the_calendar_is_the_seed_bodies_year_by_the_rules_and_none_is_made(
    capsys, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    assert govcal(capsys, "calendar", "2027", "--html", "calendar.html")[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calendar.html"]  # no govcal.db made by looking
    html = unescape((tmp_path / "calendar.html").read_text())
    board = planned_meetings(
        make_context(SEEDS, f"sqlite:///{tmp_path / 'other.db'}"), "worcestershire-programme-board"
    )
    row = html.split("Worcestershire Programme Board")[1].split("</tr>")[0]
    assert re.findall(r"(\w{3}) (\d+)</span>", row) == [(f"{d:%a}", str(d.day)) for d in sorted(board)]


def test_the_bank_holidays_of_2027_28_are_marked_in_their_months_and_listed(capsys, tmp_path, seeded):
    url, _ = seeded
    pdf = tmp_path / "calendar.pdf"
    assert govcal(capsys, "calendar", "2027", "--pdf", pdf, "--database", url)[0] == 0
    text = pdf_text(pdf)
    listed = text.split("Bank holidays:")[1].split(".")[0].strip().split("; ")
    assert listed == BANK_HOLIDAYS_2027_28
    holidays = {dt.datetime.strptime(" ".join(h.split(",")[0].split()[1:]), "%d %B %Y").date() for h in listed}
    assert days_by_month(pdf, "Bank") >= holidays  # the bank holidays' row heads the table, each day in its month
    assert "Calendar of meetings 2027-28" in text and "May 2027 to April 2028" in text and "Produced" in text


def test_the_council_names_itself_and_its_year_may_start_in_another_month(capsys, tmp_path, seeded, monkeypatch):
    url, _ = seeded
    monkeypatch.setenv("GOVCAL_COUNCIL_NAME", "Worcestershire  County Council")
    monkeypatch.setenv("GOVCAL_YEAR_START", "september")
    page = tmp_path / "calendar.html"
    assert govcal(capsys, "calendar", "2027", "--html", page, "--database", url)[0] == 0
    html = page.read_text()
    assert "<p class=council>Worcestershire County Council</p>" in html
    assert "Calendar of meetings 2027-28" in html and "September 2027 to August 2028" in html
    assert "<style>" in html and "stylesheet" not in html  # a file that stands alone
    monkeypatch.setenv("GOVCAL_YEAR_START", "1")
    assert govcal(capsys, "calendar", "2027", "--html", page, "--database", url)[0] == 0
    assert "Calendar of meetings 2027<" in page.read_text() and "January 2027 to December 2027" in page.read_text()


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["2027"], "give --pdf FILE or --html FILE (or both)"),
        (["2027", "--pdf", "same", "--html", "same"], "--pdf and --html both name same"),
        (["27-28", "--pdf", "c.pdf"], "argument YEAR: '27-28' is not a cycle year govcal plans (2000 to 2059)"),
        (["1999", "--pdf", "c.pdf"], "argument YEAR: '1999'"),
        (["2027", "--pdf", "c.pdf", "--body", "nope"], "--body: unknown body 'nope'; known bodies: "),
        (["2027", "--pdf", "c.pdf", "--body", PRIVATE[0]], f"--body: '{PRIVATE[0]}' meets in private"),
        (["2027", "--pdf", "missing/c.pdf"], "cannot write missing/c.pdf: No such file or directory"),
    ],
)
def test_bad_input_is_a_line_naming_the_option_and_nothing_is_written(capsys, tmp_path, monkeypatch, argv, said):
    monkeypatch.chdir(tmp_path)
    status, err = govcal(capsys, "calendar", *argv)
    assert status == 2 and said in err and err.count("\n") == 1, err
    assert "Traceback" not in err and sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("typed", ["Mai", "13", "0", "spring", "²"])
def test_a_year_start_that_is_no_month_is_refused_quoting_it(capsys, monkeypatch, typed):
    monkeypatch.setenv("GOVCAL_YEAR_START", typed)
    with pytest.raises(RuleError, match=f"GOVCAL_YEAR_START='{typed}' is not a month"):
        Settings.from_environ({"GOVCAL_YEAR_START": typed})
    status, err = govcal(capsys, "bodies")
    assert (
        status == 2
        and err
        == f"govcal: GOVCAL_YEAR_START='{typed}' is not a month: give its number (1 to 12) or its name, e.g. 5 or May\n"
    )


@pytest.mark.parametrize(("typed", "month"), [("", 5), ("4", 4), ("April", 4), ("sept", 9), (" 12 ", 12)])
def test_the_year_start_is_a_number_or_a_months_name(typed, month):
    assert Settings.from_environ({"GOVCAL_YEAR_START": typed}).year_start == month


def test_the_year_as_kept_cancelled_struck_through_and_extraordinary_marked(database):
    ctx = make_context(SEEDS, database)
    board = "worcestershire-programme-board"
    keep(ctx, years=[2027], bodies=[board], now=WHEN)
    september = next(m for m in planning.plan(ctx, [2027], [board], now=WHEN)[0].meetings if m.date.month == 9)
    assert september.date == dt.date(2027, 9, 2)  # the first Thursday
    cancelled = edit_meeting(
        ctx, "cancel", actor="clerk", meeting_id=september.id, reason="no business", force=True, now=WHEN
    )
    extra = edit_meeting(
        ctx, "extraordinary", actor="clerk", body_id=board, day=dt.date(2027, 10, 19), force=True, now=WHEN
    )
    assert cancelled.committed and extra.committed
    calendar = calendar_of_meetings(ctx, 2027, [board], private=False, now=WHEN)
    (row,) = calendar.rows
    assert [(s.text, s.status) for s in row.months[4]] == [("Thu 2", "cancelled")]
    assert ("Tue 19", "extraordinary") in [(s.text, s.status) for s in row.months[5]]
    html = calendar_html(calendar)
    assert '<span class="day cancelled"><s>Thu 2</s><b class=mark>×</b></span>' in html
    assert "Tue 19<b class=mark>E</b>" in html


@pytest.fixture
def site(database):
    ctx = make_context(SEEDS, database)
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="setup", now=WHEN)
    client = TestClient(application(ctx, ["testserver"], Clock(WHEN)), base_url="http://testserver")
    return client, token


def test_the_admin_downloads_the_calendar_as_a_pdf_from_the_grid(site, tmp_path):
    client, token = site
    assert client.get("/admin/calendar.pdf?year=2027", follow_redirects=False).status_code == 303  # sign in first
    signed_in(client, token)
    grid = client.get("/admin/").text
    assert '<form class="calendar-download noprint" method=get action="/admin/calendar.pdf">' in grid
    assert '<option value="2026" selected>2026-27</option>' in grid  # the council's year of 1 March 2027
    for private, names in (("", PUBLIC), ("1", [*PUBLIC, *PRIVATE])):
        answer = client.get(f"/admin/calendar.pdf?year=2027&private={private}")
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
        assert answer.headers["content-disposition"] == 'attachment; filename="calendar-of-meetings-2027-28.pdf"'
        (tmp_path / "download.pdf").write_bytes(answer.content)
        text = pdf_text(tmp_path / "download.pdf")
        assert sorted(b for b in SEEDS.bodies if SEEDS[b].name in text) == sorted(names)
    refused = client.get("/admin/calendar.pdf?year=1999")
    assert refused.status_code == 400 and "not a cycle year govcal plans" in refused.text


def test_the_public_planner_prints_the_public_bodies_calendar(site):
    client, _ = site
    page = client.get("/planner/calendar?year=2027")
    assert page.status_code == 200 and "default-src 'none'" in page.headers["content-security-policy"]
    assert '<link rel="stylesheet" href="http://testserver/static/calendar.css">' in page.text
    assert "<style>" not in page.text  # the page's policy allows its own style sheet only
    shown = unescape(page.text)
    assert all(SEEDS[b].name in shown for b in PUBLIC) and not any(SEEDS[b].name in shown for b in PRIVATE)
    assert 'href="http://testserver/planner/calendar?year=2028">2028-29' in page.text
    assert client.get("/static/calendar.css").status_code == 200
    assert "/planner/calendar" in client.get("/planner").text  # the planner links to it
    refused = client.get("/planner/calendar?year=soon")
    assert refused.status_code == 400 and "year" in refused.text
