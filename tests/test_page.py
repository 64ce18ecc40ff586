"""The year planner page in headless Chromium, served by a real `govcal serve`."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from browser_driver import HEADLESS
from conftest import body, context, edit_meeting, keep, serving
from govcal.api import create_app
from govcal.cli import main
from govcal.web import feed_server
from rules.loader import load_rules

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = HEADLESS  # the browser tests' flags: headless, and nothing reached but the test server


HIGHLAND = Path(__file__).parent / "data" / "highland.yaml"  # a body in Scotland, beside the seeds in England
SEEDS = Path(load_rules().bodies["leeds-cluster-partnership"].source_file).parent


@pytest.fixture
def server(tmp_path):
    database = ["--database", f"sqlite:///{tmp_path / 'govcal.db'}"]
    assert main(["rules", "import", str(SEEDS), str(HIGHLAND), *database]) == 0  # the seeds and one in Scotland, kept
    with serving(tmp_path) as (url, _):
        yield url


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_the_planner_page_shows_the_seed_bodies_meetings_in_chromium(server, tmp_path):
    page = f"{server}/planner?start=2026-04"
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run(
        [CHROMIUM, *FLAGS, *profile, "--dump-dom", page], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    assert "Year planner, April 2026 to March 2027" in dom
    for name in (
        "Worcestershire Programme Board",
        "Suffolk Children's Trust Strategic Board",
        "Leeds Cluster Partnership",
    ):
        assert name in dom.replace("&#x27;", "'")
    # hand-checked meetings, in local time: the Programme Board's first, the first Thursday of June
    # (before its reports), Thu 4 Jun 10:00 BST
    assert 'id="worcestershire-programme-board/2026-27/meeting-01"' in dom and "Thu 4 10:00" in dom
    assert "webcal://127.0.0.1" in dom and "Mon 25 Spring bank holiday" in dom
    # two nations' bank holidays, and the Leeds school holidays by name and date
    assert "Bank holidays (England and Wales)" in dom and "Bank holidays (Scotland)" in dom
    assert "Mon 30 St Andrew’s Day" in dom and "School holidays (Leeds City Council)" in dom
    assert "Summer holiday Wed 22 Jul to Fri 28 Aug" in dom and "dates not published" in dom
    # preferences beside the rules: the Strategic Board avoids school holidays; Suffolk's 2026-27 dates
    # are not published, so whether its meetings fall in them cannot be told, and it says so
    assert "Preference: cannot tell whether its meetings are in the school holidays: suffolk.yaml" in dom
    # Cambridgeshire meets in private (Thu 11 Jun 14:00), and the JCB (12.2): not on the public page at all...
    assert "Cambridgeshire" not in dom and "cambridgeshire" not in dom and "Thu 11 14:00" not in dom
    assert 'scope="row">Worcestershire Joint Commissioning Board' not in dom and "worcestershire-jcb/" not in dom
    # ...but on an admin's page link, with a word on how its members subscribe
    govcal = str(Path(sys.executable).parent / "govcal")
    token = subprocess.run(
        [govcal, "page", "token", "create", "alice", "--database", f"sqlite:///{tmp_path / 'govcal.db'}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    private = subprocess.run(
        [CHROMIUM, *FLAGS, *profile, "--dump-dom", f"{server}/planner/private/{token}?start=2026-04"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "Cambridgeshire Children" in private and "Thu 11 14:00" in private
    assert (
        'scope="row">Worcestershire Joint Commissioning Board' in private and "Tue 21 14:00" in private
    )  # third Tuesday
    assert "Private: members use their own feed link." in private
    screenshot = tmp_path / "planner.png"
    subprocess.run(
        [CHROMIUM, *FLAGS, *profile, "--window-size=1600,1100", f"--screenshot={screenshot}", page],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and screenshot.stat().st_size > 20_000
    # printable on one A4 landscape page (842 x 595 points)
    pdf = tmp_path / "planner.pdf"
    subprocess.run(
        [CHROMIUM, *FLAGS, *profile, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page],
        capture_output=True,
        timeout=120,
        check=True,
    )
    document = pdf.read_bytes()
    assert len(re.findall(rb"/Type\s*/Page[^s]", document)) == 1
    assert re.search(rb"/MediaBox\s*\[\s*0 0 84[12](\.\d+)? 59[45](\.\d+)?\s*\]", document)  # A4 landscape
    keep = os.environ.get("GOVCAL_SCREENSHOTS")  # e.g. for CI artefacts
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot, Path(keep) / "planner.png")


def test_a_bad_start_month_is_a_400(server):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{server}/planner?start=2026-13", timeout=10)
    assert refused.value.code == 400


def cells(html: str, heading: str) -> list[str]:
    """The month cells of the row headed `heading`, as text, a mark per line."""
    escaped = heading.replace("'", "&#39;")  # as Jinja2 writes it
    row = re.search(rf"<th scope=row>{re.escape(escaped)}.*?</tr>", html, re.S)
    assert row, heading
    marks = [re.sub(r"<br>|</(a|span)>", "\n", cell) for cell in re.findall(r"<td>(.*?)</td>", row.group(0), re.S)]
    return [re.sub(r"<[^>]+>", "", cell).replace("&#39;", "'").strip() for cell in marks]


def test_the_page_shows_each_nation_school_holidays_by_date_and_what_changed(database):
    """Hand-checked: Scotland keeps Good Friday but not Easter Monday, adds St Andrew's Day
    (Mon 30 Nov 2026), the World Cup holiday (Mon 15 Jun 2026) and 2 January (a Saturday in
    2027, so Mon 4 Jan); Leeds schools break Fri 3 Apr to Fri 17 Apr 2026."""
    ctx = context(load_rules([SEEDS, HIGHLAND]), database)
    keep(ctx)
    edit_meeting(ctx, "move", actor="clerk", meeting_id="highland/2026-27/meeting-02", day=dt.date(2026, 5, 12))
    edit_meeting(ctx, "add", actor="clerk", body_id="highland", day=dt.date(2026, 6, 17))
    client = TestClient(feed_server(create_app(ctx), ctx), base_url="http://127.0.0.1")
    html = client.get("/planner?start=2026-04").text
    scotland = cells(html, "Bank holidays (Scotland)")
    assert scotland[0] == "Fri 3 Good Friday" and "Easter Monday" in cells(html, "Bank holidays (England and Wales)")[0]
    assert "Mon 15 World Cup bank holiday" in scotland[2]
    assert scotland[7] == "Mon 30 St Andrew’s Day"
    assert scotland[9].splitlines() == ["Fri 1 New Year’s Day", "Mon 4 2nd January (substitute day)"]
    leeds = cells(html, "School holidays (Leeds City Council)")
    assert leeds[:5] == [
        "Easter holiday Fri 3 Apr to Fri 17 Apr",
        "Summer half-term Mon 25 May to Fri 29 May",
        "",  # June 2026: all term
        "Summer holiday Wed 22 Jul to Fri 28 Aug",
        "Summer holiday Wed 22 Jul to Fri 28 Aug",  # August: published in 2025-26, no longer "not published"
    ]
    # September 2026 on: the council's 2026-27 dates not found; the holidays estimated from its pattern,
    # marked so: last Monday of October 26 Oct; Christmas from Mon 21 Dec (24 Dec a Thursday) for two
    # weeks; third Monday of February 2027 15 Feb; Easter 2027 in April (first full weeks 5-16 Apr)
    estimated = "dates not published\n{} (estimated)".format
    assert leeds[5:] == [
        "dates not published",
        estimated("Autumn half-term Mon 26 Oct to Fri 30 Oct"),
        "dates not published",
        estimated("Christmas holiday Mon 21 Dec to Fri 1 Jan"),
        estimated("Christmas holiday Mon 21 Dec to Fri 1 Jan"),
        estimated("Spring half-term Mon 15 Feb to Fri 19 Feb"),
        "dates not published",
    ]
    assert "holiday weekdays" not in html
    highland = cells(html, "Highland Children's Partnership")
    assert highland[1] == "Tue 12 14:00 →" and highland[2].splitlines() == ["Mon 1 14:00", "Wed 17 14:00 +"]
    assert '<abbr class=flag title="moved from its usual date">→</abbr>' in html
    assert '<abbr class=flag title="added">+</abbr>' in html
    assert "<span class=flag>→</span> moved from its usual date" in html  # the legend
    assert '<a rel=prev href="?start=2025-04">← April 2025 to March 2026</a>' in html
    assert '<a rel=next href="?start=2027-04">April 2027 to March 2028 →</a>' in html
    assert "rel=prev" not in client.get("/planner?start=2000-04").text  # govcal plans from 2000


def test_a_page_of_english_bodies_shows_only_english_bank_holidays(database):
    ctx = context(load_rules([SEEDS]), database)
    html = TestClient(feed_server(create_app(ctx), ctx), base_url="http://127.0.0.1").get("/planner").text
    assert "Bank holidays (England and Wales)" in html and "Bank holidays (Scotland)" not in html


def test_a_search_narrows_the_page_and_pages_go_fifty_bodies_at_a_time(database, write_rules):
    boards = [body(id=f"board-{n:02d}", name=f"{'Leeds' if n % 2 else 'Suffolk'} board {n}") for n in range(1, 61)]
    ctx = context(write_rules(*boards), database)
    keep(ctx)
    client = TestClient(feed_server(create_app(ctx), ctx), base_url="http://127.0.0.1")
    first = client.get("/planner?start=2026-04").text
    assert (
        "Bodies 1 to 50 of 60" in first
        and first.count("<th scope=row>Leeds board") + first.count("<th scope=row>Suffolk board") == 50
    )
    assert '<a rel=next href="?start=2026-04&amp;page=2">next page</a>' in first
    second = client.get("/planner?start=2026-04&page=2").text
    assert "Bodies 51 to 60 of 60" in second and "Suffolk board 60" in second and "board 50<" not in second
    assert '<a rel=prev href="?start=2026-04">previous page</a>' in second
    leeds = client.get("/planner", params={"start": "2026-04", "q": "  LEEDS   board "}).text
    assert "Bodies 1 to 30 of 30 matching “LEEDS board”" in leeds and "Suffolk board" not in leeds
    assert 'value="LEEDS board"' in leeds  # the search box keeps what was asked (any case matches)
    assert '<a rel=next href="?start=2027-04&amp;q=LEEDS+board">' in leeds  # the next year keeps the search
    one = client.get("/planner", params={"q": "board-07"}).text
    assert "Bodies 1 to 1 of 1" in one and "Leeds board 7<" in one
    assert "No bodies" in client.get("/planner", params={"q": "nowhere"}).text
    assert client.get("/planner?page=3").status_code == 404  # two pages of sixty
    assert client.get("/planner?page=0").status_code == 422
    assert client.get("/planner", params={"q": "x" * 201}).status_code == 422
