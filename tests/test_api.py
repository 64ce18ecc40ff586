"""The admin API on both backends: authentication, edits, refusals with reasons, no 5xx."""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from pathlib import Path

import pytest
import schemathesis
import yaml
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import response_schema_conformance

from conftest import NOW, body, context
from govcal.api import create_app
from govcal.clock import utc_now
from govcal.operations import Context, access
from govcal.settings import Settings
from scheduler.store.tables import AccessTokenRow, DeadlineRow, TokenKind

PAPERS = {"id": "papers", "name": "Papers", "offset": "5 clear working days before", "ref": "D1", "clause": "x"}
EXTRAORDINARY = {"ref": "E1, E2, E3", "clause": "9.0", "window": "within 14 days", "notice": "papers"}
BOARD = body(meetings={"frequency": "not less than monthly"}, deadlines=[PAPERS], extraordinary=EXTRAORDINARY)
AUGUST = "board/2026-27/meeting-05"  # Mon 3 Aug 2026


@pytest.fixture
def clock() -> list[dt.datetime]:
    """The API's clock, as a test moves it on: Mon 2 Mar 2026 to begin, the 2026-27 cycle all to come."""
    return [NOW]


@pytest.fixture
def api(database, write_rules, clock):
    ctx = context(write_rules(BOARD), database)
    store = ctx.store
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="clerk", now=utc_now())
    client = TestClient(create_app(ctx, clock=lambda: clock[0]))
    client.headers["Authorization"] = f"Bearer {token}"
    return client, token, store


def test_no_token_is_401_and_a_wrong_or_revoked_one_403(api):
    client, token, store = api
    assert TestClient(client.app).get("/api/bodies").status_code == 401
    assert client.get("/api/bodies", headers={"Authorization": "Bearer not-a-token"}).status_code == 403
    assert client.get("/api/bodies").status_code == 200
    assert store.revoke_tokens(TokenKind.ADMIN, "alice", utc_now()) == 1
    refused = client.get("/api/bodies")
    assert refused.status_code == 403 and refused.json()["detail"] == "this token is not a live admin token"


def test_tokens_are_stored_only_as_digests(api):
    _, token, store = api
    with store.session() as session:
        digests = [row.digest for row in session.query(AccessTokenRow)]
    assert digests == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in digests


def test_plan_is_idempotent_over_the_api(api):
    client, _, _ = api
    first = client.post("/api/plan", json={"year": 2026})
    assert first.status_code == 200 and first.json()["added"] == 24
    again = client.post("/api/plan", json={"year": 2026}).json()
    assert (again["added"], again["moved"], again["cancelled"]) == (0, [], [])


def test_an_edit_that_breaks_a_rule_is_409_until_forced(api):
    client, _, store = api
    client.post("/api/plan", json={"year": 2026})
    move = {"action": "move", "id": AUGUST, "date": "2026-08-31"}
    refused = client.post("/api/meeting-edits", json=move)
    assert refused.status_code == 409
    assert refused.json()["breaks"] == [
        "FAIL: meeting on Mon 31 Aug 2026 is not a working day (Summer bank holiday):"
        " rule 'meetings on working days' (F8, clause 8.1)"
    ]
    assert store.meeting(AUGUST).sequence == 0
    forced = client.post("/api/meeting-edits", json={**move, "force": True})
    assert forced.status_code == 200 and forced.json()["committed"] is True
    assert store.meeting(AUGUST).date.isoformat() == "2026-08-31"
    check = client.get("/api/check", params={"body": "board", "year": 2026}).json()
    assert check["complies"] is False


@pytest.mark.parametrize(
    ("method", "path", "payload", "status", "reason"),
    [
        (
            "post",
            "/api/meeting-edits",
            {"action": "move", "id": "board/2026-27/meeting-99", "date": "2026-08-04"},
            404,
            "no meeting",
        ),
        (
            "post",
            "/api/meeting-edits",
            {"action": "move", "id": AUGUST, "date": "2027-08-04"},
            400,
            "outside the meeting's cycle year",
        ),
        ("post", "/api/meeting-edits", {"action": "move", "id": AUGUST, "time": "25:00"}, 422, "pattern"),
        ("post", "/api/meeting-edits", {"action": "add", "body": "nobody", "date": "2026-08-04"}, 404, "unknown body"),
        ("post", "/api/meeting-edits", {"action": "add", "body": "board"}, 400, "needs a date"),
        ("post", "/api/plan", {"year": 1999}, 422, "greater than or equal to 2000"),
        ("post", "/api/plan", {"year": 2026, "bodies": ["nobody"]}, 404, "unknown body"),
        (
            "post",
            "/api/extraordinary",
            {"body": "board", "received": "2026-03-03T10:15:00", "requested_by": "Ali"},
            400,
            "written agreement",
        ),
    ],
)
def test_bad_requests_get_a_4xx_with_a_reason_and_change_nothing(api, method, path, payload, status, reason):
    client, _, store = api
    client.post("/api/plan", json={"year": 2026})
    before = store.counts()
    response = getattr(client, method)(path, json=payload)
    assert response.status_code == status
    assert reason in str(response.json()["detail"])
    assert store.counts() == before


def test_extraordinary_proposals(api):
    client, _, _ = api
    request = {"body": "board", "received": "2026-12-18T10:00:00", "chair": True}
    result = client.post("/api/extraordinary", json=request).json()
    # papers out Fri 18 Dec; 5 clear working days 21, 22, 23, 24, (25, 28 holidays) 29 Dec
    # -> Wed 30 Dec 2026, inside the window to Fri 1 Jan 2027
    assert result["earliest_meeting_with_notice"] == "2026-12-30"
    assert result["window_end"] == "2027-01-01" and result["feasible"] is True


def test_the_openapi_schema_is_served(api):
    client, _, _ = api
    schema = client.get("/openapi.json").json()
    assert {"/api/plan", "/api/meeting-edits", "/api/extraordinary", "/api/check"} <= set(schema["paths"])


# -- schemathesis: generated requests never get a 5xx ------------------------------------

_folder = Path(tempfile.mkdtemp(prefix="govcal-api-"))
(_folder / "board.yaml").write_text(yaml.safe_dump(BOARD))
_ctx = Context.load(Settings(database_url=f"sqlite:///{_folder / 'govcal.db'}"), [_folder])
_TOKEN = access.create_token(_ctx, TokenKind.ADMIN, "schemathesis", actor="test", now=utc_now())
_app = create_app(_ctx)
TestClient(_app, headers={"Authorization": f"Bearer {_TOKEN}"}).post("/api/plan", json={"year": 2026})
schema = schemathesis.openapi.from_asgi("/openapi.json", _app)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_requests_never_get_a_server_error_and_answer_as_the_schema_says(case):
    response = case.call(headers={"Authorization": f"Bearer {_TOKEN}"})
    assert response.status_code < 500, f"{case.method} {case.path}: {response.status_code} {response.text[:300]}"
    if response.status_code < 300:  # each route's response type (issue 25): the schema is the contract
        case.validate_response(response, checks=[response_schema_conformance])


def test_every_route_says_what_it_answers(api):
    """The OpenAPI schema gives each route's answer a type with properties, not `{}`."""
    client, _, _ = api
    schema = client.get("/openapi.json").json()
    untyped = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
            if "$ref" not in answer and "$ref" not in answer.get("items", {}):
                untyped.append(f"{method.upper()} {path}")
    assert untyped == []


def test_confirming_an_extraordinary_meeting_over_the_api(api):
    client, _, store = api
    request = {"body": "board", "received": "2026-03-03T10:15:00", "chair": True}
    # Tue 10 Mar would need papers by Mon 2 Mar, before the request arrived: 409
    refused = client.post("/api/extraordinary", json={**request, "confirm": "2026-03-10"})
    assert refused.status_code == 409 and "leaves papers due 2026-03-02" in refused.json()["confirmed"]["notice"]
    done = client.post("/api/extraordinary", json={**request, "confirm": "2026-03-11"})
    assert done.status_code == 200 and done.json()["confirmed"]["id"] == "board/2025-26/extraordinary-01"
    assert store.meeting("board/2025-26/extraordinary-01").status == "extraordinary"
    assert client.post("/api/extraordinary", json={**request, "confirm": "2026-03-14"}).status_code == 400  # a Saturday


def test_members_attendance_and_quorum_over_the_api(api, clock):
    client, _, _ = api
    client.post("/api/plan", json={"year": 2026})
    clock[0] = dt.datetime(2026, 4, 30, 9, 0, tzinfo=dt.UTC)  # April's meeting (Mon 6 Apr 2026) held
    for name, role in (("Ali", "chair"), ("Brown", "member"), ("Chen", "member"), ("Deputy", "substitute")):
        assert client.post("/api/members", json={"body": "board", "name": name, "role": role}).status_code == 200
    first = "board/2026-27/meeting-01"
    answer = client.post(
        "/api/attendance",
        json={"meeting": first, "present": [{"name": "Ali"}, {"name": "Deputy", "for_member": "Brown"}]},
    )
    assert answer.status_code == 200 and answer.json()["quorate"] is None  # the test board sets no quorum
    refused = client.post("/api/attendance", json={"meeting": first, "present": [{"name": "Stranger"}]})
    assert refused.status_code == 400 and "'Stranger' is not on board" in refused.json()["detail"]
    report = client.get("/api/attendance", params={"body": "board", "until": "2026-04-30"}).json()
    # Brown sent a named substitute (not an absence); the substitute holds no seat of their own
    assert {line["member"]: line["absent"] for line in report["record"]} == {"Ali": 0, "Brown": 0, "Chen": 1}


def test_marking_a_deadline_done_over_the_api(api):
    client, _, store = api
    client.post("/api/plan", json={"year": 2026})
    papers = "board/2026-27/meeting-01/papers"
    assert client.post("/api/deadlines/done", json={"id": papers}).status_code == 200
    with store.session() as session:
        assert session.get(DeadlineRow, papers).done_at is not None
    missing = client.post("/api/deadlines/done", json={"id": "board/2026-27/meeting-99/papers"})
    assert missing.status_code == 404 and "no deadline" in missing.json()["detail"]


def test_listing_and_removing_members_over_the_api(api):
    client, _, _ = api
    client.post("/api/members", json={"body": "board", "name": "Ali", "role": "chair", "email": "ali@example.org"})
    client.post("/api/members", json={"body": "board", "name": "Ali", "role": "member"})
    client.post("/api/members", json={"body": "board", "name": "Brown", "role": "member"})
    listed = client.get("/api/members", params={"body": "board"}).json()
    assert [(m["name"], m["roles"], m["email"]) for m in listed] == [
        ("Ali", ["chair", "member"], "ali@example.org"),
        ("Brown", ["member"], ""),
    ]
    one_role = client.delete("/api/members", params={"body": "board", "name": "Ali", "role": "chair"})
    assert one_role.status_code == 200 and one_role.json()["roles"] == ["member"]  # what is left
    assert client.delete("/api/members", params={"body": "board", "name": "Brown"}).status_code == 200
    assert [(m["name"], m["roles"]) for m in client.get("/api/members", params={"body": "board"}).json()] == [
        ("Ali", ["member"])
    ]
    missing = client.delete("/api/members", params={"body": "board", "name": "Brown"})
    assert missing.status_code == 404 and "'Brown' is not on" in missing.json()["detail"]


def test_a_clerks_digest_over_the_api(api):
    client, _, store = api
    client.post("/api/members", json={"body": "board", "name": "Ann", "role": "clerk", "email": "ann@example.org"})
    assert client.post("/api/members/digest", json={"name": "Ann", "days": 5}).json() == {"name": "Ann", "days": 5}
    assert [s.name for s in store.subscribers(dt.date(2026, 5, 5), utc_now())] == ["Ann"]
    assert client.post("/api/members/digest", json={"name": "Ann", "days": 0}).status_code == 422
    assert client.post("/api/members/digest", json={"name": "Bob", "days": 5}).status_code == 404
    assert client.post("/api/members/digest", json={"name": "Ann", "days": None}).status_code == 200
    assert store.subscribers(dt.date(2026, 5, 5), utc_now()) == []


def test_a_held_meeting_is_changed_over_the_api_only_forced_with_a_reason(database, write_rules):
    """By Wed 2 Dec 2026 August's meeting (Mon 3 Aug) was held: moving it to Mon 10 Aug is 409
    with the day it was held, forced without a reason 409 too; forced with one, moved, its
    papers (clear days 31, 30, 29, 28, 27 Jul -> Fri 24 Jul: long due) left as they were."""
    ctx = context(write_rules(BOARD), database)
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="clerk", now=NOW)
    clock = [NOW]
    client = TestClient(create_app(ctx, clock=lambda: clock[0]), headers={"Authorization": f"Bearer {token}"})
    assert client.post("/api/plan", json={"year": 2026}).status_code == 200
    papers = ctx.store.deadline(f"{AUGUST}/papers").due
    assert papers.date() == dt.date(2026, 7, 24)
    clock[0] = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)
    move = {"action": "move", "id": AUGUST, "date": "2026-08-10"}
    for sent in (move, move | {"force": True}, move | {"reason": "it met a week late"}):
        refused = client.post("/api/meeting-edits", json=sent)
        assert refused.status_code == 409, sent
        assert "was held on Mon 03 Aug 2026" in refused.json()["detail"] and "force" in refused.json()["detail"]
    cancel = {"action": "cancel", "id": AUGUST, "reason": "never met"}
    assert client.post("/api/meeting-edits", json=cancel).status_code == 409
    forced = client.post("/api/meeting-edits", json=move | {"force": True, "reason": "it met a week late"})
    assert forced.status_code == 200 and forced.json()["committed"] is True
    assert ctx.store.meeting(AUGUST).date == dt.date(2026, 8, 10)
    assert ctx.store.deadline(f"{AUGUST}/papers").due == papers


def test_check_over_the_api_and_check_json_give_one_answer(api, tmp_path, capsys):
    """The kept 2026-27 with August's meeting moved into September, checked by `/api/check`,
    and the same schedule as a file checked by `govcal check --json`: the same answer, each
    finding as data (body, cycle, rule, ref, clause, ok, warning, message)."""
    import json

    from govcal.cli import main

    client, _, _ = api
    assert client.post("/api/plan", json={"year": 2026}).status_code == 200
    move = {"action": "move", "id": AUGUST, "date": "2026-09-07", "force": True}
    assert client.post("/api/meeting-edits", json=move).json()["committed"] is True
    over_http = client.get("/api/check", params={"body": "board", "year": 2026}).json()

    rules = str(tmp_path / "rules")  # where write_rules put the board's file
    assert main(["plan", "2026", "--rules", rules, "--json"]) == 0
    schedule = json.loads(capsys.readouterr().out)
    for meeting in schedule["meetings"]:
        if meeting["id"] == AUGUST:
            meeting["date"] = "2026-09-07"
    (tmp_path / "edited.json").write_text(json.dumps(schedule))
    assert main(["check", str(tmp_path / "edited.json"), "--rules", rules, "--json"]) == 1
    from_file = json.loads(capsys.readouterr().out)

    assert over_http == from_file
    failed = [f for f in over_http["findings"] if f["ok"] is False]
    assert [(f["body"], f["cycle"], f["rule"], f["warning"]) for f in failed] == [
        ("board", "2026-27", "not less than monthly", False)
    ]
    assert set(failed[0]) == {"body", "cycle", "rule", "ref", "clause", "ok", "warning", "message"}
    assert "August 2026" in failed[0]["message"]


def test_each_kind_of_error_has_its_status_over_the_api_and_the_cli(api, database, tmp_path, capsys):
    """rules.errors maps each kind once: attendance at a cancelled meeting clashes with what is
    kept (409; exit 1), a meeting that does not exist is not found (404; exit 2), a stranger
    in the list is bad input (400; exit 2), no token is 401 and a dead one 403."""
    from govcal.cli import main

    client, _, _ = api
    client.post("/api/plan", json={"year": 2026})
    assert client.post("/api/members", json={"body": "board", "name": "Ali", "role": "chair"}).status_code == 200
    unsaid = {"action": "cancel", "id": AUGUST, "force": True}  # a cancellation says why: members are told
    refused = client.post("/api/meeting-edits", json=unsaid)
    assert refused.status_code == 400 and "say why the meeting is cancelled" in refused.json()["detail"]
    cancel = {"action": "cancel", "id": AUGUST, "force": True, "reason": "no business"}
    assert client.post("/api/meeting-edits", json=cancel).json()["committed"] is True
    asked = {
        AUGUST: (409, 1, "was cancelled: no one attended it"),
        "board/2026-27/meeting-99": (404, 2, "no meeting 'board/2026-27/meeting-99'"),
    }
    assert main(["rules", "import", str(tmp_path / "rules"), "--database", database]) == 0  # the board's file, kept
    rules: list[str] = []
    for meeting, (status, exit_status, said) in asked.items():
        answer = client.post("/api/attendance", json={"meeting": meeting, "present": [{"name": "Ali"}]})
        assert (answer.status_code, said in answer.json()["detail"]) == (status, True)
        assert main(["attendance", "record", meeting, "Ali", "--database", database, *rules]) == exit_status
        assert said in capsys.readouterr().err
    stranger = client.post("/api/attendance", json={"meeting": "board/2026-27/meeting-01", "present": [{"name": "X"}]})
    assert stranger.status_code == 400
    assert TestClient(client.app).get("/api/bodies").status_code == 401
    assert client.get("/api/bodies", headers={"Authorization": "Bearer dead"}).status_code == 403


def test_apologies_a_substitute_and_the_forecast_over_the_api(database, write_rules):
    """A board whose quorum is two present: Ali's apologies leave Brown alone (one of two),
    Deputy named for Ali makes two again."""
    quorate = body(meetings={"frequency": "not less than monthly"}, quorum={"clause": "q", "min_present": 2})
    ctx = context(write_rules(quorate), database)
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="clerk", now=utc_now())
    client = TestClient(create_app(ctx), headers={"Authorization": f"Bearer {token}"})
    client.post("/api/plan", json={"year": 2027})
    for name, role in (("Ali", "chair"), ("Brown", "member"), ("Deputy", "substitute")):
        assert client.post("/api/members", json={"body": "board", "name": name, "role": role}).status_code == 200
    meeting = "board/2027-28/meeting-01"  # next year's: still to come whenever the test runs
    assert client.get("/api/attendance/forecast", params={"meeting": meeting}).json()["quorate"] is True
    sent = client.post("/api/attendance/apologies", json={"meeting": meeting, "people": ["Ali"]}).json()
    assert (sent["meeting"], sent["quorate"], sent["apologies"], sent["expected"]) == (
        meeting,
        False,
        ["Ali"],
        ["Brown"],
    )
    assert sent["missing"] == ["1 present; at least 2 needed (clause q)"]
    named = client.post(
        "/api/attendance/substitute", json={"meeting": meeting, "substitute": "Deputy", "for_member": "Ali"}
    ).json()
    assert named["quorate"] is True and named["expected"] == ["Brown", "Deputy (for Ali)"]
    withdrawn = client.post("/api/attendance/apologies", json={"meeting": meeting, "people": ["Ali"], "withdraw": True})
    assert withdrawn.json()["apologies"] == []
    stranger = client.post("/api/attendance/apologies", json={"meeting": meeting, "people": ["Brown", "Stranger"]})
    assert stranger.status_code == 400 and "'Stranger' is not on board" in stranger.json()["detail"]
    said = client.get("/api/attendance/forecast", params={"meeting": meeting}).json()
    assert said["apologies"] == []  # all or none: Brown's were not kept either
