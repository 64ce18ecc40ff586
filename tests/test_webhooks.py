"""Reminders to incoming webhooks (Slack, Microsoft Teams Workflows) against a real HTTP
server on 127.0.0.1 (http.server in a thread) that keeps every POST it answers 2xx.

Dates as in test_reminders, counted by hand: the JCB's first 2026-27 meeting is Tue 21 Apr
2026, its papers (5 clear working days: 20, 17, 16, 15, 14 Apr) due Mon 13 Apr 17:00 BST;
3 working days before (10, 9, 8 Apr) is Wed 8 Apr, when the first reminder goes at 09:00.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from conftest import NOW, context, free_port, keep, kill_while_sending
from govcal.cli import main
from govcal.clock import utc_now
from govcal.operations import channels, people
from govcal.operations.reminders import dry_run, outbox, send_due
from rules.errors import NotFound, RuleError
from rules.loader import load_rules
from scheduler.reminders import Recipient
from scheduler.store.tables import DeadlineRow, ReminderRow
from scheduler.workdays import LONDON

BODY = "worcestershire-jcb"
PAPERS = f"{BODY}/2026-27/meeting-01/papers"
FIRST = f"{PAPERS}#working-3at0900"  # its first reminder's key by e-mail; by webhook it ends "#webhook"


def london(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


class Hooks:
    """A webhook receiver: every POST's path, Idempotency-Key and JSON, kept when answered
    2xx; `answers` are the statuses to give next (then 200), `stop`/`start` take it down and up."""

    def __init__(self) -> None:
        self.port = free_port()
        self.taken: list[tuple[str, str, Any]] = []
        self.refused: list[int] = []
        self.answers: list[int] = []
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    @property
    def keys(self) -> list[str]:
        return [key for _, key, _ in self.taken]

    def start(self) -> None:
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
                data = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with hooks.lock:
                    status = hooks.answers.pop(0) if hooks.answers else 200
                    if status < 300:
                        hooks.taken.append((self.path, self.headers["Idempotency-Key"], data))
                    else:
                        hooks.refused.append(status)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def hooks():
    receiver = Hooks()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture
def kept(database):
    """The JCB kept for 2026-27 with Ann Clerk, its clerk, by e-mail (as test_reminders has it)."""
    ctx = context(load_rules(), database)
    people.add_member(ctx, BODY, "Ann Clerk", "clerk", email="ann@example.org", actor="admin", now=NOW)
    keep(ctx, bodies=[BODY])
    return ctx


def rows(ctx, deadline_id: str) -> dict[tuple[str, str], ReminderRow]:
    with ctx.store.session() as session:
        found = session.query(ReminderRow).filter(ReminderRow.deadline_id == deadline_id).all()
    return {(row.offset_key, row.channel): row for row in found}


def test_an_email_and_two_webhook_formats_each_get_a_reminder_once(kept, inbox, hooks):
    """The body's Teams channel, Ann's own Slack and Ann's e-mail: one reminder, each once."""
    ctx = kept
    opened = channels.set_webhook(ctx, hooks.url("teams"), "teams", body=BODY, actor="admin", now=NOW)
    assert opened.opened == 75  # every pending reminder of the year gained a webhook copy
    channels.set_webhook(ctx, hooks.url("slack"), "slack", member="Ann Clerk", actor="admin", now=NOW)
    assert channels.webhooks(ctx, BODY) == [
        {"person": "", "format": "teams"},
        {"person": "Ann Clerk", "format": "slack"},
    ]
    would = [w.as_dict() for w in dry_run(ctx, london(2026, 4, 8, 9, 0), utc_now()) if w.deadline == PAPERS]
    assert [(w["channel"], w["to"]) for w in would] == [
        ("email", ["ann@example.org"]),
        ("webhook", ["Ann Clerk (slack)", "the body (teams)"]),  # never the URLs: they are secrets
    ]
    first = send_due(ctx, london(2026, 4, 8, 9, 0), inbox.smtp, "worker", wall=utc_now)
    # one reminder, two copies (e-mail, webhook), the webhook's a message to each of its two recipients
    assert (first.sent, first.messages) == (2, 3)
    assert inbox.ids == [f"<{FIRST}@govcal>"]
    assert sorted(path for path, _, _ in hooks.taken) == ["/slack", "/teams"]
    each = {Recipient("", "webhook", hooks.url(name)).digest for name in ("slack", "teams")}
    assert sorted(hooks.keys) == sorted(f"{FIRST}#webhook#{digest}" for digest in each)  # a key per recipient
    said = {path: data for path, _, data in hooks.taken}
    subject = "Due Mon 13 Apr 17:00: Agenda and papers to members, Worcestershire Joint Commissioning Board"
    paragraphs = [  # as the e-mail says it: Mon 13 Apr 17:00, for the meeting of Tue 21 Apr 14:00
        "Agenda and papers to members for the Worcestershire Joint Commissioning Board is due Monday 13 April 2026"
        " at 17:00.",
        "It is for the meeting on Tuesday 21 April 2026 at 14:00, County Hall, Worcester.",
        "When it is done, mark it so on govcal's reminders page and the reminders stop.",
        "Why this date: Agenda and papers to members: 5 clear working days before (local practice);"
        " meeting on Tue 21 Apr 2026",
    ]
    assert said["/slack"] == {"text": "\n\n".join([f"*{subject}*", *paragraphs])}  # Slack's format
    assert said["/teams"] == {  # a Teams Workflows message carrying an Adaptive Card
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.2",
                    "body": [
                        {"type": "TextBlock", "text": subject, "weight": "Bolder", "size": "Medium", "wrap": True},
                        *({"type": "TextBlock", "text": paragraph, "wrap": True} for paragraph in paragraphs),
                    ],
                },
            }
        ],
    }
    again = send_due(ctx, london(2026, 4, 8, 9, 5), inbox.smtp, "worker", wall=utc_now)
    assert again.sent == 0 and len(inbox.ids) == 1 and len(hooks.taken) == 2
    kept_rows = rows(ctx, PAPERS)
    assert kept_rows["working-3at0900", "email"].status == kept_rows["working-3at0900", "webhook"].status == "sent"
    assert {r["channel"] for r in outbox(ctx) if r["key"] == f"{FIRST}#webhook"} == {"webhook"}


def test_a_webhook_given_before_planning_has_its_copies_from_the_first_plan(database, inbox, hooks):
    ctx = context(load_rules(), database)
    people.add_member(ctx, BODY, "Ann Clerk", "clerk", email="ann@example.org", actor="admin", now=NOW)
    assert channels.set_webhook(ctx, hooks.url("t"), "teams", body=BODY, actor="admin", now=NOW).opened == 0
    keep(ctx, bodies=[BODY])
    with ctx.store.session() as session:
        deadlines = session.query(DeadlineRow).count()
        by_channel = {
            c: session.query(ReminderRow).filter(ReminderRow.channel == c).count() for c in ("email", "webhook")
        }
    assert by_channel == {"email": 3 * deadlines, "webhook": 3 * deadlines}  # two reminders and an overdue notice each
    # taken away: nothing more goes there, and the copies kept say why when their time comes
    channels.set_webhook(ctx, None, body=BODY, actor="admin", now=NOW)
    assert channels.webhooks(ctx, BODY) == []
    sent = send_due(ctx, london(2026, 4, 8, 9, 0), inbox.smtp, "worker", wall=utc_now)
    assert (sent.sent, sent.no_recipient) == (1, {}) and hooks.taken == []  # e-mail went; no warning of the extra
    assert rows(ctx, PAPERS)["working-3at0900", "webhook"].status == "no recipient"


def test_a_webhook_server_that_fails_then_recovers_gets_the_reminder_once(kept, inbox, hooks):
    ctx = kept
    channels.set_webhook(ctx, hooks.url("teams"), "teams", body=BODY, actor="admin", now=NOW)
    hooks.answers = [503]
    failed = send_due(ctx, london(2026, 4, 8, 9, 0), inbox.smtp, "worker", wall=utc_now)
    assert (failed.sent, failed.retrying) == (1, 1) and hooks.refused == [503] and hooks.taken == []  # the e-mail went
    row = rows(ctx, PAPERS)["working-3at0900", "webhook"]
    assert (row.status, row.attempts) == ("pending", 1) and "503" in row.last_error
    assert "/teams" not in row.last_error  # the URL's path is its secret: never in an error
    hooks.stop()  # now down altogether
    down = send_due(ctx, london(2026, 4, 8, 9, 5), inbox.smtp, "worker", wall=utc_now)  # after the 2-minute back-off
    assert down.retrying == 1 and "could not be reached" in down.failure
    assert rows(ctx, PAPERS)["working-3at0900", "webhook"].attempts == 2
    hooks.start()
    back = send_due(ctx, london(2026, 4, 8, 10, 0), inbox.smtp, "worker", wall=utc_now)  # after the 4-minute back-off
    assert back.sent == 1 and hooks.keys == [f"{FIRST}#webhook"]
    send_due(ctx, london(2026, 4, 8, 11, 0), inbox.smtp, "worker", wall=utc_now)
    assert hooks.keys == [f"{FIRST}#webhook"] and inbox.ids == [f"<{FIRST}@govcal>"]  # each once


def test_a_webhook_answering_4xx_is_refused_for_good_and_reported_and_429_is_retried(kept, inbox, hooks, capsys):
    ctx = kept
    channels.set_webhook(ctx, hooks.url("gone"), "slack", body=BODY, actor="admin", now=NOW)
    hooks.answers = [429]  # too many requests: not now, so tried again
    busy = send_due(ctx, london(2026, 4, 8, 9, 0), inbox.smtp, "worker", wall=utc_now)
    assert busy.retrying == 1 and not busy.refused
    hooks.answers = [404]  # the workflow was deleted: sending again cannot help
    gone = send_due(ctx, london(2026, 4, 8, 9, 5), inbox.smtp, "worker", wall=utc_now)
    assert gone.refused == {BODY: 1} and "404" in gone.refusal
    assert gone.refused_said()[0].startswith(f"warning: 1 reminders of {BODY} were refused")
    row = rows(ctx, PAPERS)["working-3at0900", "webhook"]
    assert row.status == "refused" and "404" in row.last_error
    later = send_due(ctx, london(2026, 4, 8, 12, 0), inbox.smtp, "worker", wall=utc_now)
    assert later.sent == later.retrying == 0 and hooks.refused == [429, 404] and hooks.taken == []
    assert [r["state"] for r in outbox(ctx, "refused")] == ["refused"]
    assert rows(ctx, PAPERS)["working-3at0900", "email"].status == "sent"  # the e-mail copy went, once


def test_a_webhook_address_and_format_are_checked(kept, hooks):
    ctx = kept
    given = {"body": BODY, "actor": "admin", "now": NOW}
    for url, form, said in [
        ("http://hooks.example.org/x", "slack", "is not a webhook URL"),  # http only to this machine
        ("ftp://127.0.0.1/x", "slack", "is not a webhook URL"),
        ("https://hooks.example.org/x", None, "say the format"),
        (hooks.url("x"), "discord", "is not a webhook format"),
        ("https://hooks.example.org/\nx", "slack", "control character"),
    ]:
        with pytest.raises(RuleError, match=said):
            channels.set_webhook(ctx, url, form, **given)
    with pytest.raises(RuleError, match="one of them"):
        channels.set_webhook(ctx, hooks.url("x"), "slack", body=BODY, member="Ann Clerk", actor="a", now=NOW)
    with pytest.raises(NotFound):
        channels.set_webhook(ctx, hooks.url("x"), "slack", member="No One", actor="a", now=NOW)
    assert channels.webhooks(ctx, BODY) == []  # nothing changed
    # the format from Slack's and Teams Workflows' own hosts
    slack = channels.set_webhook(ctx, "https://hooks.slack.com/services/T0/B0/x", None, **given)
    teams_url = "https://prod-12.uksouth.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=s"
    teams = channels.set_webhook(ctx, teams_url, None, **given)
    assert (slack.format, teams.format) == ("slack", "teams")


def test_webhook_commands_and_the_api(database, inbox, hooks, capsys, monkeypatch):
    """Given before the year is kept (the cycle is planned at the tests' moment, Mon 2 Mar
    2026), so the reminders are still to come when the command runs on today's clock."""
    db = ["--database", database]
    assert main(["member", "add", BODY, "Ann Clerk", "--role", "clerk", "--email", "ann@example.org", *db]) == 0
    assert main(["webhook", "set", hooks.url("t"), "--body", BODY, "--format", "teams", *db]) == 0
    assert f"{BODY}: reminders go to its teams webhook too" in capsys.readouterr().out
    assert main(["webhook", "set", "https://hooks.example.org/x", "--member", "Ann Clerk", *db]) == 2
    assert "say the format" in capsys.readouterr().err
    assert main(["webhook", "list", BODY, "--json", *db]) == 0
    assert json.loads(capsys.readouterr().out) == [{"person": "", "format": "teams"}]
    ctx = context(load_rules(), database)
    keep(ctx, bodies=[BODY])
    monkeypatch.setenv("GOVCAL_SMTP_URL", f"smtp://127.0.0.1:{inbox.controller.port}")
    assert main(["reminders", "send", "--now", "2026-04-08 09:00", *db]) == 0  # Europe/London
    assert "sent 2 (0 late) in 2 messages" in capsys.readouterr().out
    assert hooks.keys == [f"{FIRST}#webhook"] and inbox.ids == [f"<{FIRST}@govcal>"]
    assert main(["webhook", "remove", "--body", BODY, *db]) == 0
    assert "no webhook" in capsys.readouterr().out

    from fastapi.testclient import TestClient

    from govcal.api import create_app
    from govcal.operations import access
    from scheduler.store.tables import TokenKind

    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="test", now=utc_now())
    client = TestClient(create_app(ctx), headers={"Authorization": f"Bearer {token}"})
    answer = client.post("/api/webhooks", json={"member": "Ann Clerk", "url": hooks.url("s"), "format": "slack"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["format"] == "slack"
    assert client.get("/api/webhooks", params={"body": BODY}).json() == [{"person": "Ann Clerk", "format": "slack"}]
    refused = client.post("/api/webhooks", json={"body": BODY, "url": "http://example.org/x", "format": "slack"})
    assert refused.status_code == 400 and "is not a webhook URL" in refused.text


def test_the_webhook_list_shows_a_members_name_as_written(database, capsys):
    """A name's "[/]" is no closing tag (rich's MarkupError, were it read as markup): it is shown."""
    db = ["--database", database]
    assert main(["member", "add", BODY, "Sam [/] Smith", *db]) == 0
    assert main(["webhook", "set", "https://hooks.slack.com/services/T0/B0/x", "--member", "Sam [/] Smith", *db]) == 0
    capsys.readouterr()
    assert main(["webhook", "list", BODY, *db]) == 0
    assert "Sam [/] Smith" in capsys.readouterr().out


def test_a_webhook_dispatcher_killed_at_random_points_loses_nothing_and_repeats_at_most_one_per_kill(
    kept, inbox, hooks, database
):
    """The e-mail kill test (test_reminders), with every reminder a webhook copy: a worker
    SIGKILLed mid-send, again and again, leaves no reminder unsent and at most one sent twice per kill."""
    ctx = kept
    channels.set_webhook(ctx, hooks.url("teams"), "teams", body=BODY, actor="admin", now=NOW)
    due = dt.datetime(2026, 4, 14, 8, 0, tzinfo=dt.UTC)
    total = 300
    with ctx.store.session() as session, session.begin():
        session.query(ReminderRow).delete()
        template = session.get(DeadlineRow, PAPERS)
        for n in range(total):
            deadline_id = f"{PAPERS}-crash-{n:04d}"
            columns = {c: getattr(template, c) for c in ("body_id", "cycle", "date", "due", "rule", "name", "who")}
            session.add(DeadlineRow(id=deadline_id, updated_at=template.updated_at, **columns))
            session.add(
                ReminderRow(
                    offset_key="overdue",
                    channel="webhook",
                    deadline_id=deadline_id,
                    body_id=BODY,
                    kind="overdue",
                    due_at=due,
                    next_attempt_at=due,
                    status="pending",
                )
            )
    smtp = f"smtp://127.0.0.1:{inbox.controller.port}"
    kills = kill_while_sending(
        ctx.store, database, smtp, due, lambda: len(hooks.taken), kills=15, seed=20261206, most=15
    )
    assert kills >= 10
    delivered = set(hooks.keys)
    duplicates = len(hooks.keys) - len(delivered)
    assert delivered == {f"{PAPERS}-crash-{n:04d}#overdue#webhook" for n in range(total)}  # every one delivered
    assert duplicates <= kills  # only where a kill fell between the POST and the mark
    assert inbox.ids == []  # only webhook copies were due
    print(f"\n{kills} kills, {duplicates} duplicate(s) ({len(hooks.keys)} posts for {total} reminders)")


def test_upgrading_to_channels_keeps_the_outbox_as_emails_and_keys_each_copy_by_channel(database):
    """0009 gives every kept reminder the e-mail channel, its key (the Message-ID) unchanged;
    from then on (deadline, offset, channel) is unique: a webhook copy may be added, a second e-mail may not."""
    import sqlalchemy
    from alembic import command

    from govcal.operations.database import bring_up_to_date
    from scheduler.store import database as store_database
    from scheduler.store import open_store

    config = store_database.alembic_config(database)
    command.upgrade(config, "0007")
    columns = "deadline_id, offset_key, body_id, kind, due_at, status, attempts, next_attempt_at, late, last_error"
    values = (
        "'b/2026-27/meeting-01/papers', 'working-3at0900', 'b', 'reminder', '2026-03-27 09:00:00+00', 'pending', 0,"
    )
    values += " '2026-03-27 09:00:00+00', false, ''"
    engine = store_database.engine_for(database)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"INSERT INTO reminder ({columns}) VALUES ({values})")
    bring_up_to_date(database)  # govcal db upgrade: an older database is never migrated unasked
    store = open_store(database)
    with store.session() as session:
        (row,) = session.query(ReminderRow).all()
    assert (row.channel, row.key) == ("email", "b/2026-27/meeting-01/papers#working-3at0900")
    with engine.begin() as connection:
        connection.exec_driver_sql(f"INSERT INTO reminder ({columns}, channel) VALUES ({values}, 'webhook')")
    with pytest.raises(sqlalchemy.exc.IntegrityError), engine.begin() as connection:
        connection.exec_driver_sql(f"INSERT INTO reminder ({columns}, channel) VALUES ({values}, 'email')")
    command.downgrade(config, "0007")  # back: the webhook copy goes, the e-mail stays
    with engine.begin() as connection:
        assert connection.exec_driver_sql("SELECT offset_key FROM reminder").scalars().all() == ["working-3at0900"]
    engine.dispose()
    store.engine.dispose()


def test_a_copy_to_two_webhooks_one_failing_is_retried_only_to_the_one_it_did_not_reach(kept, inbox, hooks):
    """The body's Teams and Ann's Slack, each a message of its own: the first posted takes the
    reminder, the other answers 503; the retry goes to that one alone, so each has it once."""
    ctx = kept
    channels.set_webhook(ctx, hooks.url("teams"), "teams", body=BODY, actor="admin", now=NOW)
    channels.set_webhook(ctx, hooks.url("slack"), "slack", member="Ann Clerk", actor="admin", now=NOW)
    hooks.answers = [200, 503]
    half = send_due(ctx, london(2026, 4, 8, 9, 0), inbox.smtp, "worker", wall=utc_now)
    assert half.retrying == 1 and len(hooks.taken) == 1
    row = rows(ctx, PAPERS)["working-3at0900", "webhook"]
    assert row.status == "pending" and len(row.delivered) == 1 and "slack" not in str(row.delivered)  # a digest
    send_due(ctx, london(2026, 4, 8, 9, 5), inbox.smtp, "worker", wall=utc_now)  # after the 2-minute back-off
    assert sorted(path for path, _, _ in hooks.taken) == ["/slack", "/teams"]  # each once
    assert rows(ctx, PAPERS)["working-3at0900", "webhook"].status == "sent"


def test_slack_text_is_escaped_and_a_teams_card_links_to_the_planner():
    """Slack reads &, < and > as its markup: they go escaped; a Teams card opens the planner from a button."""
    from govcal.channels.webhook import SLACK, TEAMS, payload
    from govcal.mail import Reminder

    said = Reminder(
        key="k",
        overdue=False,
        late_since=None,
        body_name="Health & Wellbeing <Board>",
        deadline_id="hwb/2026-27/meeting-01/papers",
        deadline_name="Papers",
        due=london(2026, 4, 13, 17, 0),  # Mon 13 Apr 2026
        link="https://calendar.example.gov.uk/planner#hwb/2026-27/meeting-01",
    )
    text = payload(said, SLACK)["text"]
    assert text.startswith("*Due Mon 13 Apr 17:00: Papers, Health &amp; Wellbeing &lt;Board&gt;*") and "<" not in text
    card = payload(said, TEAMS)["attachments"][0]["content"]
    assert card["body"][0]["text"] == "Due Mon 13 Apr 17:00: Papers, Health & Wellbeing <Board>"  # a TextBlock is text
    assert card["actions"] == [{"type": "Action.OpenUrl", "title": "The year planner", "url": said.link}]
