"""Safe to put on the internet: nothing private without a credential, bounded memory,
offline docs, security headers, and one clear line for every mistake.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import context, keep, serving
from govcal.api import create_app
from govcal.cli import main
from govcal.operations import access, people
from govcal.outage import Outage
from govcal.web import RenderCache, feed_server
from rules.loader import load_rules
from scheduler.store.tables import TokenKind
from test_page import CHROMIUM, FLAGS

PRIVATE = "cambridgeshire-executive-partnership"  # meets in private (its rule file says public: false)
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def estate(database):
    """The seed bodies kept, one of them private, a member of it with a feed, an admin."""
    ctx = context(load_rules(), database)
    keep(ctx)
    people.add_member(ctx, PRIVATE, "Cllr Ali", "member", actor="admin", now=NOW)
    client = TestClient(feed_server(create_app(ctx), ctx), base_url="http://127.0.0.1")
    return ctx, client


def unauthenticated_answers(client: TestClient, ctx) -> dict[str, bytes]:
    """Every GET the server answers without a credential: each route, its path parameters
    filled with the private body's id (and tokens nobody holds), the page for every cycle."""
    app = client.app.inner.app  # KnownHosts -> PublicFeeds -> FastAPI
    paths = {"/", "/feeds/all.ics", "/static/planner.css", "/redoc", "/docs"}
    paths |= {f"/feeds/bodies/{body.id}.ics" for body in ctx.rules}
    paths |= {f"/planner?start={year}-{month:02d}" for year in (2025, 2026, 2027) for month in (1, 4, 9)}
    for route in app.routes:
        methods = getattr(route, "methods", None) or {"GET"}
        if "GET" not in methods:
            continue
        path = re.sub(r"\{[^}]+\}", PRIVATE, route.path)
        paths.add(f"{path}?body={PRIVATE}&year=2026&until=2027-03-31" if path.startswith("/api/") else path)
    return {path: client.get(path).content for path in sorted(paths)}


def test_no_unauthenticated_answer_holds_a_private_body_and_a_credential_shows_it(estate):
    ctx, client = estate
    private = ctx.rules[PRIVATE]
    secrets = (PRIVATE.encode(), private.name.encode(), private.name.replace("'", "&#39;").encode())
    answers = unauthenticated_answers(client, ctx)
    assert len(answers) > 25
    for path, body in answers.items():
        assert not any(secret in body for secret in secrets), path
    # and its dates: the public page carries exactly the public bodies' meetings of the year
    page = client.get("/planner?start=2026-04").text
    public = [m for m in ctx.store.meetings() if ctx.rules[m.body_id].meetings.public]
    in_year = [m for m in public if dt.date(2026, 4, 1) <= m.date <= dt.date(2027, 3, 31)]
    assert page.count('class="meeting ') == len(in_year)
    # with a credential the private body appears: the admin's page link, the member's feed, the API
    link = access.create_token(ctx, TokenKind.PAGE, "alice", actor="clerk", now=NOW)
    assert private.name.replace("'", "&#39;") in client.get(f"/planner/private/{link}?start=2026-04").text
    feed = access.create_token(ctx, TokenKind.FEED, "Cllr Ali", actor="clerk", now=NOW)
    assert f"{PRIVATE}/2026-27/meeting-01@govcal".encode() in client.get(f"/feeds/private/{feed}.ics").content
    admin = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="clerk", now=NOW)
    api = client.get("/api/bodies", headers={"Authorization": f"Bearer {admin}"}).json()
    assert PRIVATE in {body["id"] for body in api}


def test_the_page_sends_its_security_headers(estate):
    ctx, client = estate
    page = client.get("/planner")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "script-src" not in policy and "unsafe-inline" not in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert (
        "<style" not in page.text
        and "<script" not in page.text
        and 'href="http://127.0.0.1/static/planner.css"' in page.text
    )
    link = access.create_token(ctx, TokenKind.PAGE, "alice", actor="clerk", now=NOW)
    private = client.get(f"/planner/private/{link}")
    assert private.headers["referrer-policy"] == "no-referrer"
    assert private.headers["cache-control"] == "private, no-store"
    assert private.headers["content-security-policy"] == policy
    assert client.get("/planner/private/nobody-holds-this").status_code == 404
    home = client.get("/", follow_redirects=False)
    assert home.status_code in (302, 307) and home.headers["location"] == "/planner"


def test_only_the_hosts_it_is_told_of_are_answered(estate):
    _, client = estate
    assert client.get("/feeds/all.ics").status_code == 200
    for host in ("evil.example", "127.0.0.1.evil.example", "localhost:8000@evil"):
        assert client.get("/planner", headers={"Host": host}).status_code == 400
        assert client.get("/feeds/all.ics", headers={"Host": host}).status_code == 400


def test_the_subscribe_link_says_https_only_when_it_is(estate):
    ctx, client = estate
    assert ">link</a>" in client.get("/planner").text and "https link" not in client.get("/planner").text
    secure = TestClient(feed_server(create_app(ctx), ctx, "https://govcal.example.org"), base_url="http://127.0.0.1")
    page = secure.get("/planner").text
    assert 'href="https://govcal.example.org/feeds/bodies/' in page and ">https link</a>" in page


def test_the_render_caches_are_bounded_in_entries_and_bytes():
    cache = RenderCache(lambda: 1, Outage(), max_entries=3, max_bytes=1000)
    for n in range(10):
        cache.get(f"page-{n}", lambda n=n: "x" * 100)
    assert list(cache._built) == ["page-7", "page-8", "page-9"] and cache.bytes == 300
    for n in range(10):
        cache.get(f"big-{n}", lambda: "x" * 600)
    assert list(cache._built) == ["big-9"] and cache.bytes == 600
    assert cache.get("big-9", lambda: "rebuilt") == "x" * 600  # a hit is not rebuilt


def test_the_openapi_schema_declares_the_bearer_scheme_and_the_refusals(estate):
    _, client = estate
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "an admin token (`govcal admin token create NAME`)",
    }
    edit = schema["paths"]["/api/meeting-edits"]["post"]
    assert {"400", "401", "403", "404", "409"} <= set(edit["responses"])
    assert edit["security"] == [{"HTTPBearer": []}]
    docs = client.get("/docs").text
    assert "cdn" not in docs and "https://" not in docs and "/static-offline-docs/swagger-ui-bundle.js" in docs


# -- a real server: memory under hostile requests, the docs offline ----------------------------


@pytest.fixture
def server(tmp_path):
    with serving(tmp_path, "--no-access-log") as (url, process):
        yield int(url.rsplit(":", 1)[1]), process


def rss_kib(pid: int) -> int:
    """A process's resident memory, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status)[1])


def hammer(port: int, requests: list[tuple[str, str]]) -> list[int]:
    """Send (host, path) GETs over one kept-alive connection; the statuses."""
    statuses = []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for host, path in requests:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        response.read()
        statuses.append(response.status)
        if response.getheader("connection", "").lower() == "close":
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.close()
    return statuses


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads memory from /proc (Linux)")
def test_ten_thousand_hostile_requests_grow_the_server_by_less_than_10_mib(server):
    port, process = server
    months = [f"{year}-{month:02d}" for year in range(2000, 2060) for month in range(1, 13)]
    warm = [("127.0.0.1", f"/planner?start={month}") for month in months[:100]] * 2
    assert set(hammer(port, warm)) == {200}
    before = rss_kib(process.pid)
    hostile = []
    for n in range(10_000):
        if n % 2:  # a new Host header each time: refused before anything is built
            hostile.append((f"h{n}.example", f"/planner?start={months[n % len(months)]}&x={n}"))
        elif n % 50 == 0:  # a new page each time: renders, and the page cache drops the oldest
            hostile.append((f"127.0.0.1:{port}", f"/planner?start={months[100 + n // 50]}"))
        else:  # a new query string each time, which no cache key holds
            path = f"/planner?start=2026-04&n={n}" if n % 4 == 0 else f"/feeds/all.ics?n={n}"
            hostile.append((f"127.0.0.1:{port}", path))
    statuses = hammer(port, hostile)
    grown = (rss_kib(process.pid) - before) / 1024
    print(f"\n10,000 hostile requests: RSS grew {grown:.1f} MiB ({statuses.count(400)} refused as unknown hosts)")
    assert statuses.count(400) == 5_000 and set(statuses) == {200, 400}
    assert grown < 10


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_the_api_docs_render_with_the_network_cut(server, tmp_path):
    port, _ = server
    cut = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"  # no name but this machine resolves
    dom = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", cut, "--virtual-time-budget=15000"]
        + ["--dump-dom", f"http://127.0.0.1:{port}/docs"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    # Swagger UI ran (from govcal's own files) and read the schema: the operations are listed
    assert "govcal admin API" in dom and "/api/meeting-edits" in dom and "Authorize" in dom


# -- mistakes: one line, exit 2, nothing written -------------------------------------------------


def run_cli(tmp_path: Path, *argv: str) -> tuple[int, str, str]:
    govcal = str(Path(sys.executable).parent / "govcal")
    done = subprocess.run([govcal, *argv], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["reminders", "--database", "govcal.db"], "'govcal.db' is not a database URL; write sqlite:///govcal.db"),
        (["reminders", "--database", "sqlite:///no/such/dir/x.db"], "no folder no/such/dir for the SQLite database"),
        (["reminders", "--database", "foo://bar"], "'foo://' is not a database govcal can keep the year in"),
        (["check", "picture.png"], "not UTF-8 text"),
        (["plan", "2026", "--years", "0"], "'0': give 1 or more"),
        (["plan", "2026", "--years", "-2"], "'-2': give 1 or more"),
        (["plan", "1800"], "'1800' is not a cycle year govcal plans (2000 to 2059)"),
        (["plan", "2058", "--years", "3"], "run past 2059"),
        (["member", "add", "worcestershire-jcb", "Bob", "--email", "bob at example"], "is not an e-mail address"),
        (
            [
                "extraordinary",
                "worcestershire-jcb",
                "--received",
                "2026-12-18 10:00",
                "--chair",
                "--confirm",
                "2027-02-01",
            ],
            "Mon 01 Feb 2027 is outside the window for this request (Fri 18 Dec to Fri 01 Jan 2027)",
        ),
        (["meeting", "move"], "the following arguments are required: id"),
        (["nonsense"], "invalid choice: 'nonsense'"),
    ],
    ids=lambda value: value[0] if isinstance(value, list) else None,
)
def test_each_mistake_is_one_line_exit_2_and_writes_nothing(tmp_path, argv, said):
    (tmp_path / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    before = sorted(p.name for p in tmp_path.iterdir())
    status, out, err = run_cli(tmp_path, *argv)
    assert status == 2, (out, err)
    assert said in err and err.count("\n") == 1 and "Traceback" not in err and out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no govcal.db, nothing else


def test_people_mistakes_name_who_and_change_nothing(database, capsys):
    db = ["--database", database]
    assert main(["member", "add", "worcestershire-jcb", "Cllr Ali", "--role", "chair", *db]) == 0
    assert main(["member", "add", "worcestershire-jcb", "Cllr Ali", "--role", "member", *db]) == 0
    assert "Cllr Ali: chair and member of worcestershire-jcb" in capsys.readouterr().out  # says all held
    asked = ["extraordinary", "worcestershire-jcb", "--received", "2026-12-18 10:00", *db]
    assert main([*asked, "--requested-by", "Mr Nobody", "--seconded-by", "Cllr Ali"]) == 2
    err = capsys.readouterr().err
    assert "'Mr Nobody', who asked for the meeting, is not a member of" in err and err.count("\n") == 1
    ctx = context(load_rules(), database)
    held = "worcestershire-jcb/2025-26/meeting-12"  # Tue 17 Mar 2026, before today
    assert main(["plan", "2025", "--body", "worcestershire-jcb", "--save", *db]) == 0
    capsys.readouterr()
    before = ctx.store.counts()
    assert main(["attendance", "record", held, "Cllr Ali", "Cllr Ali", *db]) == 2
    err = capsys.readouterr().err
    assert "'Cllr Ali' is listed twice" in err and err.count("\n") == 1
    assert ctx.store.counts() == before


@pytest.mark.parametrize(
    ("payload", "status", "said"),
    [
        ({"action": "move"}, 400, "say which meeting to move (its id)"),
        ({"action": "add", "body": "worcestershire-jcb"}, 400, "a new meeting needs a date"),
        ({"action": "move", "id": "worcestershire-jcb/2026-27/meeting-99", "date": "2026-08-04"}, 404, "no meeting"),
    ],
)
def test_api_mistakes_are_4xx_with_a_reason(estate, payload, status, said):
    ctx, client = estate
    admin = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="clerk", now=NOW)
    before = ctx.store.counts()
    answer = client.post("/api/meeting-edits", json=payload, headers={"Authorization": f"Bearer {admin}"})
    assert answer.status_code == status and said in answer.json()["detail"]
    assert ctx.store.counts() == before


def test_an_api_request_for_an_extraordinary_meeting_without_who_asked_says_so_in_its_own_words(estate):
    ctx, client = estate
    admin = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="clerk", now=NOW)
    answer = client.post(
        "/api/extraordinary",
        json={"body": "worcestershire-jcb", "received": "2026-12-18T10:00:00"},
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert answer.status_code == 400 and "--" not in answer.json()["detail"]
    assert answer.json()["detail"] == "say which member asked for the meeting, or that the Chair calls it"


# -- a fuzz pass over the parsers a user types into -----------------------------------------------

ANYTHING = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60)
DATEISH = st.one_of(
    ANYTHING,
    st.from_regex(r"\A[0-9]{1,5}[-/. ][0-9]{1,3}[-/. ][0-9]{1,5}( [0-9]{1,2}:[0-9]{1,2})?\Z", fullmatch=True),
)
PHRASE = st.one_of(
    ANYTHING,
    st.builds(
        lambda n, unit, side, day: f"{n} {unit} {side} {day}",
        st.integers(-5, 900),
        st.sampled_from(["working days", "clear working days", "days", "weeks", "months", "clear days", "fortnights"]),
        st.sampled_from(["before", "after", "within", "prior to", ""]),
        DATEISH,
    ),
)


def no_traceback(argv: list[str], capsys) -> None:
    """A command given anything ends with 0, 1 or 2 and at most one line on stderr: never a traceback."""
    try:
        status = main(argv)
    except SystemExit as stop:  # argparse refusing the arguments
        status = stop.code
    _, err = capsys.readouterr()
    assert status in (0, 1, 2), (argv, status, err)
    assert "Traceback" not in err and err.count("\n") <= 1, (argv, err)


@given(phrase=PHRASE, closed=DATEISH)
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzz_the_date_calculator(phrase, closed, capsys):
    no_traceback(["date", phrase, "--closed", closed, "--json"], capsys)
    no_traceback(["date", phrase], capsys)


@given(received=DATEISH, confirm=DATEISH, notice=PHRASE)
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzz_the_extraordinary_calculator(received, confirm, notice, capsys):
    no_traceback(["extraordinary", "--received", received, "--chair", "--notice", notice], capsys)


SCHEDULES = st.one_of(
    ANYTHING,
    st.binary(max_size=80).map(lambda data: data.decode("latin-1")),
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12), DATEISH),
        lambda children: st.one_of(
            st.lists(children, max_size=3),
            st.dictionaries(
                st.sampled_from(["meetings", "bodies", "body", "date", "time", "status", "id", "year", "tags"]),
                children,
                max_size=4,
            ),
        ),
        max_leaves=12,
    ).map(json.dumps),
)


@given(text=SCHEDULES)
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzz_schedule_files(text, tmp_path_factory, capsys):
    path = tmp_path_factory.mktemp("schedules") / "schedule.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogateescape")
    no_traceback(["check", str(path)], capsys)


def test_the_server_refuses_nothing_it_should_answer_locally(server):
    """The hosts a local user types work: 127.0.0.1 and localhost, with and without the port."""
    port, _ = server
    for host in ("127.0.0.1", f"127.0.0.1:{port}", "localhost", f"localhost:{port}"):
        assert hammer(port, [(host, "/feeds/all.ics")]) == [200]


def test_a_reader_that_stops_early_is_no_error(tmp_path):
    govcal = str(Path(sys.executable).parent / "govcal")
    for argv in (["plan", "2026"], ["plan", "2026", "--json"], ["bodies"]):
        done = subprocess.run(
            ["bash", "-c", 'set -o pipefail; "$@" | head -1 > /dev/null', "govcal", govcal, *argv],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert (done.returncode, done.stderr) == (0, ""), argv


def test_a_host_let_through_once_is_remembered_and_no_other(estate):
    _, client = estate
    known = client.app  # KnownHosts, in front of everything
    for _ in range(3):
        assert client.get("/feeds/all.ics").status_code == 200
        assert client.get("/feeds/all.ics", headers={"Host": "evil.example"}).status_code == 400
    assert known.passed == {b"127.0.0.1"}  # only what Starlette's check allowed, however often asked
    for n in range(200):
        assert client.get("/feeds/all.ics", headers={"Host": f"h{n}.evil.example"}).status_code == 400
    assert len(known.passed) <= known.REMEMBERED
