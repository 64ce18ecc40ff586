"""The feed server: ETag and 304, public and private feeds, tokens kept out of logs."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import httpx
import icalendar
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from conftest import context, edit_meeting, keep, serving
from govcal.access_log import AccessLog, request_line
from govcal.api import create_app
from govcal.clock import utc_now
from govcal.file_writer import CHUNK, FileWriter
from govcal.operations import access, people
from govcal.web import export, feed_server
from rules.errors import RuleError
from rules.loader import load_rules
from scheduler.store.tables import TokenKind


@pytest.fixture
def served(database):
    rules = load_rules()
    ctx = context(rules, database)
    keep(ctx)
    people.add_member(ctx, "cambridgeshire-executive-partnership", "Cllr Ali", "member", actor="t", now=utc_now())
    people.add_member(ctx, "leeds-cluster-partnership", "Cllr Ali", "clerk", actor="t", now=utc_now())
    return TestClient(feed_server(create_app(ctx), ctx), base_url="http://127.0.0.1"), ctx


def test_public_feeds_have_validators_and_answer_304(served):
    client, ctx = served
    first = client.get("/feeds/all.ics")
    assert first.status_code == 200 and first.headers["content-type"] == "text/calendar; charset=utf-8"
    assert first.headers["cache-control"].startswith("public")
    etag = first.headers["etag"]
    assert etag.startswith('"') and "last-modified" in first.headers
    again = client.get("/feeds/all.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    # a change re-renders: new ETag, and the old one no longer matches
    edit_meeting(
        ctx,
        "move",
        actor="clerk",
        meeting_id="leeds-area-partnership/2026-27/meeting-01",
        day=dt.date(2026, 9, 17),
    )
    changed = client.get("/feeds/all.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert b"DTSTART;TZID=Europe/London:20260917T100000" in changed.content


def test_private_bodies_have_no_public_feed(served):
    client, *_ = served
    assert client.get("/feeds/bodies/leeds-area-partnership.ics").status_code == 200
    assert client.get("/feeds/bodies/cambridgeshire-executive-partnership.ics").status_code == 404
    assert client.get("/feeds/bodies/worcestershire-jcb.ics").status_code == 404  # 12.2: not held in public
    assert client.get("/feeds/bodies/nobody.ics").status_code == 404
    assert b"cambridgeshire" not in client.get("/feeds/all.ics").content


def test_a_private_feed_is_private_and_a_revoked_token_is_just_not_found(served):
    client, ctx = served
    token = access.create_token(ctx, TokenKind.FEED, "Cllr Ali", actor="clerk", now=utc_now())
    mine = client.get(f"/feeds/private/{token}.ics")
    assert mine.status_code == 200
    assert mine.headers["referrer-policy"] == "no-referrer" and mine.headers["cache-control"] == "private, no-store"
    assert b"cambridgeshire-executive-partnership/2026-27/meeting-01@govcal" in mine.content  # a private body
    assert b"leeds-cluster-partnership/2026-27/meeting-01/reports@govcal" in mine.content  # the clerk's deadlines
    assert b"BEGIN:VALARM" in mine.content
    unknown = client.get("/feeds/private/never-issued.ics")
    access.revoke_tokens(ctx, TokenKind.FEED, "Cllr Ali", actor="clerk", now=utc_now())
    revoked = client.get(f"/feeds/private/{token}.ics")
    assert (unknown.status_code, revoked.status_code) == (404, 404)
    assert unknown.content == revoked.content and unknown.headers.keys() == revoked.headers.keys()


def test_every_feed_answers_head_as_get_without_the_body(served):
    """HEAD (a calendar app or a link checker asking whether the feed is there) is answered
    on the public and the private feeds alike: 200, the headers of GET, no body."""
    client, ctx = served
    token = access.create_token(ctx, TokenKind.FEED, "Cllr Ali", actor="clerk", now=utc_now())
    for url in ("/feeds/all.ics", "/feeds/bodies/leeds-area-partnership.ics", f"/feeds/private/{token}.ics"):
        got, head = client.get(url), client.head(url)
        assert (got.status_code, head.status_code, head.content) == (200, 200, b""), url
        assert dict(head.headers) == dict(got.headers), url
        assert int(head.headers["content-length"]) == len(got.content) > 0, url
        revalidated = client.head(url, headers={"If-None-Match": got.headers["etag"]})
        assert (revalidated.status_code, revalidated.content) == (304, b""), url
    assert client.head(f"/feeds/private/{token}.ics").headers["cache-control"] == "private, no-store"
    assert client.head("/feeds/private/never-issued.ics").status_code == 404


def test_export_writes_the_public_feeds(served, tmp_path):
    _, ctx = served
    written = export(ctx, tmp_path / "site", dt.datetime(2026, 11, 24, tzinfo=dt.UTC))
    names = sorted(p.relative_to(tmp_path / "site").as_posix() for p in written)
    assert len(names) == 13 and "feeds/all.ics" in names  # 12 public bodies and the all-bodies feed
    assert "feeds/bodies/cambridgeshire-executive-partnership.ics" not in names
    assert "feeds/bodies/worcestershire-jcb.ics" not in names
    area = (tmp_path / "site" / "feeds" / "bodies" / "leeds-area-partnership.ics").read_bytes()
    assert len(icalendar.Calendar.from_ical(area).walk("VEVENT")) == 6  # 2026-27, every 2 months


def test_the_file_writer_makes_every_file_in_a_second_process_and_names_one_it_cannot(tmp_path):
    chunk = bytes(range(256)) * (CHUNK // 256 + 7)  # one file bigger than a pipe's chunk
    wanted = {tmp_path / f"f{n:03d}.ics": (b"BEGIN:VCALENDAR\r\n%d\r\n" % n) * n for n in range(300)}
    wanted[tmp_path / "big.ics"] = chunk
    wanted[tmp_path / "empty.ics"] = b""
    with FileWriter() as files:
        child = files._process.pid
        assert child != os.getpid()
        for path, data in wanted.items():
            files.write(path, data)
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == wanted
    (tmp_path / "a-file").write_text("not a folder")
    files = FileWriter()
    files.write(tmp_path / "before.ics", b"x")
    files.write(tmp_path / "a-file" / "inside.ics", b"y")  # its folder is a file: cannot be made
    files.write(tmp_path / "after.ics", b"z")
    with pytest.raises(OSError, match=r"cannot write .*a-file/inside\.ics: Not a directory"):
        files.close()
    assert (tmp_path / "before.ics").read_bytes() == b"x" and not (tmp_path / "after.ics").exists()
    assert files._process.returncode == 1  # reaped, nothing left running


def test_export_to_a_folder_that_cannot_be_written_says_which_file(served, tmp_path):
    _, ctx = served
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "feeds").write_text("a file where the feeds' folder goes")
    with pytest.raises(RuleError, match=r"site/feeds.*\(exporting to .*site\)"):
        export(ctx, tmp_path / "site", dt.datetime(2026, 11, 24, tzinfo=dt.UTC))
    (tmp_path / "site" / "feeds").unlink()
    (tmp_path / "site" / "feeds" / "bodies" / "leeds-area-partnership.ics").mkdir(
        parents=True
    )  # a folder in a feed's place
    with pytest.raises(RuleError, match=r"cannot write .*leeds-area-partnership\.ics: Is a directory"):
        export(ctx, tmp_path / "site", dt.datetime(2026, 11, 24, tzinfo=dt.UTC))


def test_an_exported_site_answers_the_paths_the_server_does(served, tmp_path):
    """Feeds and page at /feeds/... and /planner/, every address on the page inside the site,
    and the same events as the server's feeds."""
    client, ctx = served
    site = tmp_path / "site"
    base = "https://govcal.example.org"
    written = export(ctx, site, dt.datetime(2026, 11, 24, tzinfo=dt.UTC), base)
    names = {p.relative_to(site).as_posix() for p in written}
    assert {"planner/index.html", "planner/2025-04.html", "planner/2026-04.html", "planner/2027-04.html"} <= names
    assert "static/planner.css" in names
    page = (site / "planner" / "index.html").read_text()
    assert page == (site / "planner" / "2026-04.html").read_text()  # 24 Nov 2026 is in the April 2026 year
    assert "Year planner, April 2026 to March 2027" in page and "Cambridgeshire" not in page
    for address in set(re.findall(r'(?:href|src)="([^"#]+)"', page)):
        if address.startswith(("https://", "webcal://")):
            path = address.split("://", 1)[1].removeprefix("govcal.example.org/")
            assert (site / path).is_file(), address
        else:
            assert (site / "planner" / address).is_file(), address  # the years before and after
    for path in ("feeds/all.ics", "feeds/bodies/leeds-area-partnership.ics"):
        exported = icalendar.Calendar.from_ical((site / path).read_bytes()).walk("VEVENT")
        answered = icalendar.Calendar.from_ical(client.get(f"/{path}").content).walk("VEVENT")
        assert [(str(e["UID"]), e.decoded("DTSTART")) for e in exported] == [
            (str(e["UID"]), e.decoded("DTSTART")) for e in answered
        ]
        assert len(exported) >= 6
    assert "2028-04.html" not in (site / "planner" / "2027-04.html").read_text()  # not exported: not linked


def feed_token(tmp_path: Path) -> str:
    """A live feed token for a member of a private body, made by the CLI in tmp_path's database."""
    database = f"sqlite:///{tmp_path / 'govcal.db'}"
    govcal = str(Path(sys.executable).parent / "govcal")
    subprocess.run(
        [govcal, "member", "add", "worcestershire-jcb", "Cllr Ali", "--database", database],
        check=True,
        capture_output=True,
    )
    return subprocess.run(
        [govcal, "feed", "token", "create", "Cllr Ali", "--database", database],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def test_govcal_serve_keeps_tokens_out_of_its_log(tmp_path):
    token = feed_token(tmp_path)
    with serving(tmp_path) as (url, _), urllib.request.urlopen(f"{url}/feeds/private/{token}.ics") as response:
        assert response.status == 200 and b"worcestershire-jcb" in response.read()
    text = (tmp_path / "serve.log").read_text()
    assert "/feeds/private/[redacted]" in text
    assert token not in text


def test_the_access_log_writes_a_line_per_request_in_batches_with_tokens_redacted(served):
    client, ctx = served
    token = access.create_token(ctx, TokenKind.FEED, "Cllr Ali", actor="clerk", now=utc_now())
    log = io.StringIO()
    app = AccessLog(client.app, log, every=3600, batch=4)  # only a full batch or the stop writes here
    with TestClient(app, base_url="http://127.0.0.1") as logged:
        assert logged.get(f"/feeds/private/{token}.ics").status_code == 200
        etag = logged.get("/feeds/all.ics").headers["etag"]
        assert logged.get("/feeds/all.ics", headers={"If-None-Match": etag}).status_code == 304
        assert log.getvalue() == ""  # waiting for its batch...
        assert logged.get("/planner/private/not-a-token?start=2026-04").status_code == 404
        assert log.getvalue().count("\n") == 4  # ...written when it is full
        logged.get("/feeds/all.ics")
    lines = log.getvalue().splitlines()  # the last written as the server stopped
    assert len(lines) == 5 and token not in log.getvalue()
    assert re.fullmatch(r'\S+Z testclient "GET /feeds/private/\[redacted\]\.ics HTTP/1\.1" 200 \d{3,}', lines[0])
    assert lines[2].endswith('"GET /feeds/all.ics HTTP/1.1" 304 0')
    assert '"GET /planner/private/[redacted]?start=2026-04 HTTP/1.1" 404' in lines[3]


def test_a_logged_line_is_written_within_a_second_of_its_request_without_more_requests(served):
    client, _ = served
    log = io.StringIO()
    with TestClient(AccessLog(client.app, log, every=0.05, batch=1000), base_url="http://127.0.0.1") as logged:
        logged.get("/feeds/all.ics")
        deadline = time.monotonic() + 10
        while not log.getvalue() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert re.fullmatch(r'\S+Z testclient "GET /feeds/all\.ics HTTP/1\.1" 200 \d+\n', log.getvalue())


def raw_get(url: str, target: bytes) -> bytes:
    """The status line of a GET of `target` sent byte for byte over a socket (no client
    normalises or encodes it)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer.split(b"\r\n", 1)[0]


ACCESS_LINE = re.compile(r'\S+Z 127\.0\.0\.1 "GET [!-~]+ HTTP/1\.1" \d{3} \d+')


def test_a_client_can_neither_forge_a_log_line_nor_have_its_token_logged(tmp_path):
    token = feed_token(tmp_path)
    forged = b"/feeds/all.ics%0d%0a2026-01-01T00:00:00Z%2010.0.0.1%20%22GET%20/admin%20HTTP/1.1%22%20200%200"
    spellings = [
        f"/feeds/private/{token}.ics",
        f"/feeds/bodies/../private/{token}.ics",
        f"/feeds/bodies/%2E%2E/private/{token}.ics",
        f"/feeds%2Fprivate%2F{token}.ics",
        f"//feeds//private//{token}.ics",
        f"/feeds/private/%{ord(token[0]):02X}{token[1:]}.ics",
        f"/planner?next=/feeds/private/{token}.ics",
        f"/admin/login?next=%2Ffeeds%2Fprivate%2F{token}.ics&x=1",
    ]
    targets = [forged, b"/a%00%01%1b%7f%c2%85%e2%80%a8b", b'/a"b\\c', *(each.encode() for each in spellings)]
    with serving(tmp_path) as (url, _):
        answers = [raw_get(url, target) for target in targets]
        assert raw_get(url, f"/feeds%2Fprivate%2F{token}.ics".encode()).endswith(b" 200 OK")  # served: a live token
    text = (tmp_path / "serve.log").read_text(encoding="latin-1")
    assert all(answer.startswith(b"HTTP/1.1 ") for answer in answers)
    requests = [line for line in text.splitlines() if "GET " in line and "GET /feeds/all.ics HTTP" not in line]
    assert len(requests) == len(targets) + 1  # one line a request (serving's own aside), and no other
    assert all(ACCESS_LINE.fullmatch(line) for line in requests)
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\xff]", text)
    assert token not in text and token[1:] not in text
    assert text.count("[redacted].ics") == len(spellings) + 1


TOKEN = "kq3Zp9-Xy_4rT7vB2nWm8LcD5fHs1GjA0uEoYiRtQeP"  # a feed token's shape: token_urlsafe(32)


def spelt(text: str) -> st.SearchStrategy[str]:
    """`text` with each character as it is, percent-encoded, or percent-encoded twice."""
    forms = [st.sampled_from([c, f"%{ord(c):02X}", f"%{ord(c):02x}", f"%25{ord(c):02X}"]) for c in text]
    return st.tuples(*forms).map("".join)


SLASH = st.sampled_from(["/", "//", "%2F", "%2f", "/./", "/%2e/", "%252F"])
ROUTE = st.builds(
    lambda *parts: "".join(parts),
    SLASH,
    st.sampled_from(["feeds", "planner", "feeds/bodies/..", "planner/x/%2E%2E"]),
    SLASH,
    spelt("private"),
    SLASH,
    st.sampled_from(["", "./", "x/../", "%2e%2e/private/"]),
    spelt(TOKEN),
    st.sampled_from(["", ".ics", "%2Eics"]),
)


@given(
    st.binary(),
    ROUTE,
    st.sampled_from(["{}", "/x?next={}", "/admin/login?a=b&next={}"]),
    st.binary(),
    st.text(),
    st.text(),
)
def test_a_logged_request_is_one_printable_line_without_a_private_token(before, route, place, after, method, version):
    target = before + b"/" + place.format(route).encode() + b"&" + after
    line = request_line(method, target, version)
    assert all("!" <= c <= "~" for c in line.replace(" ", "")) and line.count(" ") == 2 and '"' not in line
    decoded = line
    for _ in range(3):
        decoded = urllib.parse.unquote(decoded)
    assert TOKEN not in line and TOKEN not in decoded


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_a_database_outage_serves_what_was_rendered_and_503_elsewhere_with_a_line_each_way(database, proxy, tmp_path):
    rules = load_rules()
    other = next(b.id for b in rules if b.meetings.public and b.id != "leeds-area-partnership")
    rendered = ["/feeds/all.ics", "/feeds/bodies/leeds-area-partnership.ics", "/planner"]
    with serving(tmp_path, database=proxy.url) as (url, _), httpx.Client(base_url=url) as client:
        direct = context(rules, database)  # the test's own way in, past the proxy
        people.add_member(direct, "worcestershire-jcb", "Cllr Ali", "member", actor="t", now=utc_now())
        private = (
            f"/feeds/private/{access.create_token(direct, TokenKind.FEED, 'Cllr Ali', actor='t', now=utc_now())}.ics"
        )
        admin = {
            "Authorization": f"Bearer {access.create_token(direct, TokenKind.ADMIN, 'Ann', actor='t', now=utc_now())}"
        }
        before = {path: client.get(path) for path in rendered}
        assert [answer.status_code for answer in before.values()] == [200, 200, 200]
        assert client.get(private).status_code == 200 and client.get("/api/bodies", headers=admin).status_code == 200

        proxy.stop()
        for _ in range(5):
            for path in rendered:
                answer = client.get(path)
                assert answer.status_code == 200 and answer.content == before[path].content
                assert answer.headers.get("etag") == before[path].headers.get("etag")
            for path in rendered[:2]:
                etag = before[path].headers["etag"]
                assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
            refused = [
                client.get(private),
                client.get("/api/bodies", headers=admin),
                client.get("/admin/", headers={"Cookie": "govcal_session=anything"}),
                client.get("/planner?start=2027-04"),  # a page not rendered before
                client.get(f"/feeds/bodies/{other}.ics"),  # a feed not rendered before
            ]
            assert [answer.status_code for answer in refused] == [503] * 5
            assert all(answer.headers["retry-after"].isdigit() for answer in refused)
            assert "database is unavailable" in refused[0].text

        proxy.start()
        assert client.get(private).status_code == 200 and client.get("/api/bodies", headers=admin).status_code == 200
        log = tmp_path / "serve.log"
        deadline = time.monotonic() + 30  # the feeds ask the store whether anything changed once a second
        while "database back" not in log.read_text() and time.monotonic() < deadline:
            answer = client.get("/feeds/all.ics")
            assert answer.status_code == 200 and answer.headers["etag"] == before["/feeds/all.ics"].headers["etag"]
            time.sleep(0.2)
        assert client.get(f"/feeds/bodies/{other}.ics").status_code == 200
    text = log.read_text()
    assert text.count("database unavailable") == 1 and text.count("database back") == 1, text
    assert "Traceback" not in text


class Kept:
    """The kept year's version as the render cache asks it, moved on or taken away by the test."""

    def __init__(self) -> None:
        self.version, self.away = 1, False

    def __call__(self) -> int:
        if self.away:
            from rules.errors import DatabaseUnavailable

            raise DatabaseUnavailable("connection refused")
        return self.version


def test_the_render_cache_keeps_nothing_built_across_a_change_and_serves_the_last_generation_in_an_outage():
    from govcal.outage import Outage
    from govcal.web import RenderCache

    kept, log = Kept(), io.StringIO()
    cache = RenderCache(kept, Outage(log), check_every=60)
    built: list[str] = []

    def page(text: str):
        def build() -> str:
            built.append(text)
            return text

        return build

    def edited_meanwhile() -> str:  # an edit commits while this page is being built
        kept.version += 1
        cache._check()  # as another request's check would see it
        return "before the edit"

    assert cache.get("a", edited_meanwhile) == "before the edit"
    assert cache.get("a", page("after the edit")) == "after the edit"  # the stale one was not kept
    cache.get("b", page("b, version 2"))
    kept.version += 1
    cache._check()  # a change: what was built is set aside
    kept.away = True
    built.clear()
    assert cache.get("b", page("b, needs the store")) == "b, version 2"  # the last generation's
    assert cache.get("b", page("b, needs the store")) == "b, version 2"
    assert built == [] and log.getvalue().count("database unavailable") == 1  # no build, no wait, one line
