"""Bad input on every face is a 4xx (or exit 2) with the reason, and changes nothing.

The values the checks in `govcal.operations.fields` exist for (NUL and other control
characters, lone surrogates, NaN and infinite numbers, '²', text longer than its column,
an unknown action) against every route that takes them, on SQLite and PostgreSQL; then
random JSON and form values against every API and admin route, none answering 5xx.
"""

from __future__ import annotations

import datetime as dt
import json
from html import unescape
from typing import Any
from urllib.parse import quote_plus

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import body, context, keep
from govcal.admin import SIGNING_IN, admin_pages
from govcal.api import create_app
from govcal.cli import main
from govcal.cli.server import application
from govcal.operations import Context, access, people
from rules.loader import load_rules
from scheduler.store.tables import TokenKind
from test_admin import Clock, csrf, signed_in
from test_safety import run_cli

PAPERS_RULE = {"id": "papers", "name": "Papers", "offset": "5 clear working days before", "ref": "D1", "clause": "x"}
EXTRAORDINARY = {"ref": "E1, E2, E3", "clause": "9.0", "window": "within 14 days", "notice": "papers"}
BOARD = body(meetings={"frequency": "monthly"}, deadlines=[PAPERS_RULE], extraordinary=EXTRAORDINARY)
HELD = "board/2026-27/meeting-01"  # Mon 6 Apr 2026: held by the admin pages' clock
MEETING = "board/2026-27/meeting-10"  # Mon 4 Jan 2027: still to come
PAPERS = f"{HELD}/papers"
TODAY = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)
NUL = "control character (U+0000) is not allowed"


@pytest.fixture
def faces(database, write_rules):
    """A board's year kept, two members, and the API and the admin pages over it, signed in."""
    ctx = context(write_rules(BOARD), database)
    keep(ctx, years=[2026])
    for name in ("Ann", "Bob"):
        people.add_member(ctx, "board", name, "member", email=f"{name.lower()}@example.org", actor="t", now=TODAY)
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="setup", now=TODAY)
    api = TestClient(create_app(ctx), raise_server_exceptions=False, headers={"Authorization": f"Bearer {token}"})
    site = TestClient(
        application(ctx, ["testserver"], Clock(TODAY)), base_url="http://testserver", raise_server_exceptions=False
    )
    return ctx, api, signed_in(site, token)


def kept(ctx: Context, body_id: str = "board") -> tuple[Any, ...]:
    """Everything a change could touch: rows per table (the audit trail among them), the members, the feed links."""
    return ctx.store.counts(), people.members(ctx, body_id), sorted(access.feed_token_holders(ctx))


# -- the values named in issue 23, route by route ---------------------------------------------

API_CASES = [
    ("post", "/api/plan", '{"year": NaN}', 422, "finite number"),
    ("post", "/api/plan", '{"year": 1e400}', 422, "finite number"),
    ("post", "/api/plan", '{"year": -Infinity}', 422, "finite number"),
    ("post", "/api/meeting-edits", '{"action": "move", "id": "\\ud800"}', 422, "valid string"),
    ("post", "/api/meeting-edits", {"action": "move", "id": f"{MEETING}\x00"}, 400, f"meeting: a {NUL}"),
    ("post", "/api/members", {"body": "board", "name": "Cy\x00"}, 400, f"name: a {NUL}"),
    ("post", "/api/members", {"body": "board", "name": "Cy", "organisation": "NHS\x00"}, 400, "organisation: a"),
    ("post", "/api/members", {"body": "board", "name": "Cy", "email": "cy\x00@example.org"}, 400, f"email: a {NUL}"),
    ("post", "/api/members", {"body": "board", "name": "x" * 201}, 422, "at most 200 characters"),
    ("delete", "/api/members", {"body": "board", "name": "Ann\x00"}, 400, f"name: a {NUL}"),
    ("post", "/api/deadlines/done", {"id": f"{PAPERS}\x00"}, 400, f"deadline: a {NUL}"),
    ("post", "/api/deadlines/undo", {"id": f"{PAPERS}\x00"}, 400, f"deadline: a {NUL}"),
    ("post", "/api/members/digest", {"name": "Ann\x00", "days": 5}, 400, f"name: a {NUL}"),
    ("post", "/api/members/digest", '{"name": "Ann", "days": NaN}', 422, "finite number"),
    ("post", "/api/attendance", {"meeting": f"{HELD}\x00", "present": []}, 400, f"meeting: a {NUL}"),
    ("post", "/api/attendance", {"meeting": HELD, "present": [{"name": "Ann\x00"}]}, 400, f"present: a {NUL}"),
    (
        "post",
        "/api/attendance",
        {"meeting": HELD, "present": [{"name": "Ann", "for_member": "Bob\x1b"}]},
        400,
        "for_member: a control character (U+001B) is not allowed",
    ),
    (
        "post",
        "/api/extraordinary",
        {"body": "board", "received": "2026-03-03T10:15:00", "requested_by": "Ann\x00", "seconded_by": "Bob"},
        400,
        f"requested_by: a {NUL}",
    ),
]


def test_bad_values_to_the_api_are_a_4xx_with_the_reason_and_change_nothing(faces):
    ctx, api, _ = faces
    before = kept(ctx)
    for method, path, sent, status, reason in API_CASES:
        if method == "delete":
            answer = api.delete(path, params=sent)
        elif isinstance(sent, str):  # JSON Python's encoder will not write: NaN, 1e400, a lone surrogate
            answer = api.post(path, content=sent, headers={"Content-Type": "application/json"})
        else:
            answer = api.post(path, json=sent)
        case = f"{method} {path} {sent!r:.80}"
        assert answer.status_code == status, f"{case}: {answer.status_code} {answer.text[:300]}"
        assert reason in str(answer.json()["detail"]), f"{case}: {answer.text[:300]}"
        assert kept(ctx) == before, case


ADMIN_CASES = [
    ("get", "/admin/preview", {"action": "x"}, "action: 'x' is not one of move, add"),
    ("post", "/admin/edit", {"action": "x"}, "action: 'x' is not one of move, add"),
    ("get", "/admin/preview", {"action": "move", "id": f"{MEETING}\x00"}, f"meeting: a {NUL}"),
    (
        "post",
        "/admin/edit",
        {"action": "move", "id": MEETING, "date": "2027-01-05", "reason": "x" * 501},
        "reason: at most 500 characters, not 501",
    ),
    ("get", "/admin/replan", {"year": "²"}, "year: '²' is not a cycle year govcal plans (2000 to 2059)"),
    ("post", "/admin/replan", {"year": "²"}, "year: '²' is not a cycle year govcal plans (2000 to 2059)"),
    ("post", "/admin/members", {"body": "board", "name": "x" * 100_000}, "name: at most 200 characters, not 100000"),
    ("post", "/admin/members", {"body": "board", "name": "Cy\x00"}, f"name: a {NUL}"),
    ("post", "/admin/members", {"body": "board", "name": "Cy", "organisation": "o" * 201}, "organisation: at most 200"),
    ("post", "/admin/members", {"body": "board", "name": "Ann\x00", "remove": "1"}, f"name: a {NUL}"),
    ("post", "/admin/feed-links", {"name": "Ann\x00", "action": "create"}, f"name: a {NUL}"),
    ("post", "/admin/deadlines", {"id": f"{PAPERS}\x00", "done": "1"}, f"deadline: a {NUL}"),
    ("post", "/admin/attendance", {"meeting": HELD, "present": "Ann\x00"}, f"present: a {NUL}"),
    (
        "post",
        "/admin/extraordinary",
        {
            "body": "board",
            "received": "2026-03-03T10:15",
            "requested_by": "Ann\x07",
            "seconded_by": "Bob",
            "confirm": "2026-03-11",
        },
        "requested_by: a control character (U+0007) is not allowed",
    ),
    ("get", "/admin/reminders", {"state": "sent\x00"}, f"state: a {NUL}"),
]


def test_bad_values_to_the_admin_pages_are_a_400_page_with_the_reason_and_change_nothing(faces):
    ctx, _, site = faces
    token = csrf(site.get("/admin/").text)
    before = kept(ctx)
    for method, path, sent, reason in ADMIN_CASES:
        answer = site.get(path, params=sent) if method == "get" else site.post(path, data=sent | {"csrf": token})
        case = f"{method} {path} {sent!r:.80}"
        assert answer.status_code == 400, f"{case}: {answer.status_code}"
        assert reason in unescape(answer.text), f"{case}: {answer.text[-600:]}"
        assert kept(ctx) == before, case


def test_the_cli_gives_the_same_answers_in_one_line_with_exit_2(database, tmp_path, capsys):
    ctx = context(load_rules(), database)
    assert main(["member", "add", "worcestershire-jcb", "Ann", "--database", database]) == 0
    capsys.readouterr()
    before = kept(ctx, "worcestershire-jcb")
    # a NUL cannot be an argument of a process (execve ends it there): the CLI's own entry point, called
    assert main(["member", "add", "worcestershire-jcb", "a\x00b", "--database", database]) == 2
    assert capsys.readouterr().err == f"govcal: name: a {NUL}\n"
    for argv, said in (
        (
            ["member", "add", "worcestershire-jcb", "a\x01b"],
            "govcal: name: a control character (U+0001) is not allowed",
        ),
        (
            ["member", "remove", "worcestershire-jcb", "a\udcffb"],
            "govcal: name: a lone surrogate (U+DCFF) is not allowed",
        ),
        (
            ["deadline", "done", "worcestershire-jcb/x\x1b"],
            "govcal: deadline: a control character (U+001B) is not allowed",
        ),
        (["member", "digest", "Ann\x7f", "--days", "5"], "govcal: name: a control character (U+007F) is not allowed"),
        (["plan", "²"], "'²' is not a cycle year govcal plans (2000 to 2059)"),
    ):
        status, out, err = run_cli(tmp_path, *argv, *(["--database", database] if argv[0] != "plan" else []))
        assert status == 2 and said in err and err.count("\n") == 1 and out == "", (argv, out, err)
    assert kept(ctx, "worcestershire-jcb") == before
    capsys.readouterr()
    assert main(["plan", "2026", "--body", "worcestershire-jcb", "--json"]) == 0
    (tmp_path / "plan.json").write_text(capsys.readouterr().out.replace('"year": 2026', '"year": "²"'))
    assert main(["check", str(tmp_path / "plan.json")]) == 2  # a schedule file's year, read below the operations
    assert "'²' is not a cycle year" in capsys.readouterr().err


# -- fuzzed: random JSON and form values on every route, never a 5xx ------------------------

RAW = ["NaN", "-Infinity", "1e400", "-1e400", "1" + "0" * 5000, '"\\ud800"', '"\\udfff x"', '"a\\u0000b"']
TEXTS = st.text(st.characters(exclude_categories=()), max_size=40) | st.sampled_from(
    ["", " ", "\x00", "a\x00b", "\ud800", "²", "٢٠٢٦", "x" * 2_000, "\n", "\u202e", "'; drop table member; --"]
)
LONG = st.just("x" * 100_000)  # in a body only: a URL that long is refused before it is sent
FORM_VALUES = TEXTS | st.lists(TEXTS, max_size=3)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**20, max_value=10**400)
    | st.floats()
    | TEXTS
    | LONG
    | st.sampled_from([f"__raw{n}__" for n in range(len(RAW))]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["name", "for_member"]), inner),
    max_leaves=6,
)
GOOD: dict[str, list[Any]] = {  # values that pass, so a request gets past one field to the next
    "year": [2026, "2026"],
    "bodies": [["board"]],
    "action": ["move", "add", "cancel", "fix", "create", "rotate", "revoke"],
    "id": [MEETING, PAPERS, HELD],
    "meeting": [HELD, MEETING],
    "body": ["board"],
    "date": ["2027-01-05", "2026-12-31"],
    "time": ["10:00"],
    "received": ["2026-03-03T10:15:00"],
    "requested_by": ["Ann"],
    "seconded_by": ["Bob"],
    "confirm": ["2026-03-11"],
    "name": ["Ann", "Bob"],
    "role": ["member", "clerk"],
    "email": ["ann@example.org"],
    "days": [5, None],
    "present": [[{"name": "Ann"}, {"name": "Cy", "for_member": "Bob"}], "Ann"],
    "done": ["1", "0"],
    "state": ["pending", "sent"],
    "page": ["1"],
    "start": ["2026-04"],
    "url": ["https://hooks.slack.com/services/T0/B0/x", "http://127.0.0.1:9/hook"],
    "format": ["teams", "slack"],
    "member": ["Ann"],
}
API_ROUTES = {  # each route that takes a body or changes something, and its fields
    ("POST", "/api/plan"): ("year", "bodies"),
    ("POST", "/api/meeting-edits"): ("action", "id", "body", "date", "time", "force"),
    ("POST", "/api/extraordinary"): (
        "body",
        "received",
        "requested_by",
        "seconded_by",
        "chair",
        "confirm",
        "force",
    ),
    ("POST", "/api/deadlines/done"): ("id",),
    ("POST", "/api/deadlines/undo"): ("id",),
    ("POST", "/api/members"): ("body", "name", "role", "organisation", "email"),
    ("DELETE", "/api/members"): ("body", "name", "role"),
    ("POST", "/api/members/digest"): ("name", "days"),
    ("POST", "/api/webhooks"): ("body", "member", "url", "format"),
    ("POST", "/api/attendance"): ("meeting", "present"),
    ("POST", "/api/meeting-papers"): ("id", "add", "remove"),
    ("POST", "/api/meeting-summons"): ("id",),
    ("POST", "/api/attendance/apologies"): ("meeting", "people", "withdraw"),
    ("POST", "/api/attendance/substitute"): ("meeting", "substitute", "for_member"),
}
ADMIN_ROUTES = {  # every admin page and form but signing out, and the fields it reads
    ("POST", "/login"): ("token", "next"),
    ("GET", "/"): ("start", "q", "page"),
    ("GET", "/meeting"): ("id", "done"),
    ("GET", "/preview"): ("action", "id", "body", "date", "time", "date-day", "date-month", "date-year"),
    ("POST", "/edit"): ("action", "id", "body", "date", "time", "reason"),
    ("GET", "/body"): ("id",),
    ("GET", "/add-meeting"): ("body", "date-day", "date-month", "date-year", "time"),
    ("POST", "/members"): ("body", "name", "role", "organisation", "email", "remove"),
    ("POST", "/webhooks"): ("body", "member", "url", "format", "remove"),
    ("GET", "/extraordinary"): ("body", "received", "requested_by", "seconded_by", "chair", "confirm"),
    ("POST", "/extraordinary"): ("body", "received", "requested_by", "seconded_by", "chair", "confirm", "reason"),
    ("GET", "/replan"): ("year",),
    ("POST", "/replan"): ("year",),
    ("POST", "/feed-links"): ("name", "action"),
    ("GET", "/reminders"): ("state", "body", "page"),
    ("POST", "/digests"): ("body", "name", "days"),
    ("POST", "/deadlines"): ("id", "done"),
    ("POST", "/attendance"): ("meeting", "present", "substitute", "for"),
    ("POST", "/papers"): ("meeting", "kind", "url", "remove"),
    ("POST", "/summons"): ("meeting",),
    ("GET", "/calendar.pdf"): ("year", "private"),
    ("POST", "/attendance/apologies"): ("meeting", "person", "withdraw"),
    ("POST", "/attendance/substitute"): ("meeting", "substitute", "for"),
    ("GET", "/rules"): ("body",),
    ("POST", "/rules/preview"): (
        "body_id",
        "applies_from",
        "applies-day",
        "applies-month",
        "applies-year",
        "reason",
        "id",
        "name",
        "meetings.pattern",
        "deadlines",
    ),
    ("POST", "/rules/publish"): ("text", "applies_from", "reason"),
    ("POST", "/draft"): ("document", "body_name", "body_id"),
    ("GET", "/act"): ("d", "a", "p", "e", "s"),  # an e-mail's action link: read from the query
    ("POST", "/act"): ("csrf",),
    ("GET", "/apologies"): ("d", "a", "p", "e", "s"),  # a member's apologies link, likewise
    ("POST", "/apologies"): ("csrf",),
}
# no field a change reads
UNFUZZED = {("GET", "/login"), ("GET", ""), ("GET", "/feed-links"), ("POST", "/logout"), ("GET", "/draft")}


def routes(app: Any) -> set[tuple[str, str]]:
    return {(method, route.path) for route in app.routes if isinstance(route, APIRoute) for method in route.methods}


@st.composite
def spoiled(draw: st.DrawFn, names: tuple[str, ...], bad: st.SearchStrategy[Any], form: bool) -> dict[str, Any]:
    """A request's fields: one or two of them random (or left out), the others values that
    pass, so what is random gets past the fields before it to the operation."""
    chosen = draw(st.sets(st.sampled_from(names), min_size=1, max_size=2))
    sent: dict[str, Any] = {}
    for name in names:
        good = [value for value in GOOD.get(name, []) if isinstance(value, str) or not form]
        if name in chosen:
            if draw(st.integers(0, 5)):  # now and then, left out
                sent[name] = draw(bad)
        elif good:
            sent[name] = draw(st.sampled_from(good))
    return sent


@st.composite
def api_requests(draw: st.DrawFn) -> tuple[str, str, Any]:
    method, path = draw(st.sampled_from(sorted(API_ROUTES)))
    names = API_ROUTES[(method, path)]
    if method == "DELETE":
        return method, path, draw(spoiled(names, FORM_VALUES, form=True))
    return method, path, draw(spoiled(names, TEXTS | JSON_VALUES, form=False) | JSON_VALUES)


def encoded(fields: dict[str, Any]) -> str:
    """Form or query fields as a browser would send them, a lone surrogate as the bytes
    UTF-8 would give it (invalid UTF-8 the server has to cope with)."""
    pairs = [(name, each) for name, value in fields.items() for each in (value if isinstance(value, list) else [value])]
    return "&".join(f"{name}={quote_plus(str(each).encode('utf-8', 'surrogatepass'))}" for name, each in pairs)


def as_json(sent: Any) -> bytes:
    """JSON with what `json.dumps` will not write: NaN, 1e400, a huge integer, a lone surrogate."""
    text = json.dumps(sent, allow_nan=True)
    for n, raw in enumerate(RAW):
        text = text.replace(f'"__raw{n}__"', raw)
    return text.encode("utf-8", "surrogatepass")


FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), database=None)


def test_fuzzed_json_never_gets_a_server_error(faces):
    _, api, _ = faces
    assert {(m, p) for m, p in routes(api.app) if p.startswith("/api/") and m != "GET"} == set(API_ROUTES)

    @FUZZ
    @given(api_requests())
    def send(request: tuple[str, str, Any]) -> None:
        method, path, sent = request
        if method == "DELETE":
            answer = api.delete(f"{path}?{encoded(sent)}")
        else:
            answer = api.post(path, content=as_json(sent), headers={"Content-Type": "application/json"})
        assert answer.status_code < 500, f"{method} {path} {sent!r:.300}: {answer.status_code} {answer.text[:300]}"
        assert answer.status_code < 400 or answer.json(), answer.text  # a refusal says why

    send()


def test_fuzzed_forms_never_get_a_server_error(faces):
    ctx, _, site = faces
    assert routes(admin_pages(ctx)) == set(ADMIN_ROUTES) | UNFUZZED
    token = csrf(site.get("/admin/").text)
    site.get("/admin/login")

    @FUZZ
    @given(st.sampled_from(sorted(ADMIN_ROUTES)).flatmap(lambda route: st.tuples(st.just(route), form_fields(route))))
    def send(request: tuple[tuple[str, str], dict[str, Any]]) -> None:
        (method, path), sent = request
        if method == "GET":
            answer = site.get(f"/admin{path}?{encoded(sent)}", follow_redirects=False)
        else:
            sent |= {"csrf": site.cookies.get(SIGNING_IN, path="/admin/login") if path == "/login" else token}
            answer = site.post(
                f"/admin{path}",
                content=encoded(sent),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                follow_redirects=False,
            )
        assert answer.status_code < 500, f"{method} {path} {sent!r:.300}: {answer.status_code} {answer.text[-600:]}"
        assert answer.status_code < 400 or answer.text.startswith("<!doctype html>"), answer.text  # a page, saying why

    send()


def form_fields(route: tuple[str, str]) -> st.SearchStrategy[dict[str, Any]]:
    return spoiled(ADMIN_ROUTES[route], FORM_VALUES | LONG if route[0] == "POST" else FORM_VALUES, form=True)
