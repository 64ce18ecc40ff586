"""Reminders against a real SMTP server (aiosmtpd on 127.0.0.1) that counts every Message-ID.

Reminder instants were worked out by hand: the JCB's first 2026-27 meeting is Tue
21 Apr 2026, so its papers (5 clear working days: 20, 17, 16, 15, 14 Apr) are due
Mon 13 Apr 17:00 BST; 3 working days before that is Wed 8 Apr (10, 9, 8 Apr).
"""

from __future__ import annotations

import datetime as dt
import email
import io
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import icalendar
import pytest
import sqlalchemy
from psycopg.pq import TransactionStatus

from calendars.feed import render
from conftest import NOW, body, context, edit_meeting, free_port, keep, kill_while_sending
from govcal.cli import main
from govcal.clock import dispatch, utc_now
from govcal.mail import Smtp
from govcal.operations import Context, people
from govcal.operations.feeds import clerk_feed
from govcal.operations.reminders import mark_done, send_digests, send_due, set_digest
from govcal.outage import Outage
from govcal.settings import Settings
from rules.errors import RuleError
from rules.loader import load_rules
from scheduler.reminders import EMAIL, Recipient
from scheduler.store import Store, outbox
from scheduler.store.database import engine_for
from scheduler.store.outbox import LEASE
from scheduler.store.tables import DeadlineRow, ReminderRow
from scheduler.workdays import LONDON

PAPERS = "worcestershire-jcb/2026-27/meeting-01/papers"


@pytest.fixture
def kept(database):
    ctx = context(load_rules(), database)
    clerk = {"email": "ann@example.org", "actor": "admin", "now": utc_now()}
    people.add_member(ctx, "worcestershire-jcb", "Ann Clerk", "clerk", **clerk)
    keep(ctx, bodies=["worcestershire-jcb"])
    return ctx


def london(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def reminders(store, deadline_id: str) -> dict[str, ReminderRow]:
    with store.session() as session:
        rows = session.query(ReminderRow).filter(ReminderRow.deadline_id == deadline_id).all()
    return {row.offset_key: row for row in rows}


def test_each_deadline_has_its_reminders_at_the_hand_checked_instants(kept):
    ctx = kept
    store = ctx.store
    rows = reminders(store, PAPERS)
    assert {key: row.due_at for key, row in rows.items()} == {
        "working-3at0900": london(2026, 4, 8, 9, 0),  # Wed 8 Apr, 09:00 BST
        "working+0at0900": london(2026, 4, 13, 9, 0),  # the day itself
        "overdue": london(2026, 4, 14, 9, 0),  # the next working day
    }
    with store.session() as session:
        assert session.query(ReminderRow).count() == 3 * session.query(DeadlineRow).count()


def test_a_reminder_goes_once_with_its_key_as_message_id(kept, inbox):
    ctx = kept
    first = send_due(ctx, london(2026, 4, 8, 9, 0), inbox.smtp, "worker", wall=utc_now)
    assert (first.sent, first.late) == (1, 0)
    assert inbox.ids == [f"<{PAPERS}#working-3at0900@govcal>"]
    again = send_due(ctx, london(2026, 4, 8, 9, 5), inbox.smtp, "worker", wall=utc_now)
    assert again.sent == 0 and len(inbox.ids) == 1


def test_replanning_keeps_the_outbox_and_a_move_moves_pending_reminders(kept, inbox):
    ctx = kept
    store = ctx.store
    send_due(ctx, london(2026, 4, 8, 9, 0), inbox.smtp, "worker", wall=utc_now)
    keep(ctx, bodies=["worcestershire-jcb"])  # unchanged: nothing new
    with store.session() as session:
        assert session.query(ReminderRow).count() == 75
    # the meeting moves a week later, to Tue 28 Apr: clear days 27, 24, 23, 22, 21 Apr put the papers
    # on Mon 20 Apr; the sent reminder stays sent, the pending ones move
    edit_meeting(
        ctx,
        "move",
        actor="clerk",
        meeting_id="worcestershire-jcb/2026-27/meeting-01",
        day=dt.date(2026, 4, 28),
    )
    rows = reminders(store, PAPERS)
    assert rows["working-3at0900"].status == "sent"
    assert rows["working+0at0900"].due_at == london(2026, 4, 20, 9, 0)
    assert rows["overdue"].due_at == london(2026, 4, 21, 9, 0)


def test_marking_a_deadline_done_stops_its_later_reminders(kept, inbox):
    ctx = kept
    store = ctx.store
    with store.session() as session, session.begin():
        session.get(DeadlineRow, PAPERS).done_at = london(2026, 4, 9, 12, 0)
    result = send_due(ctx, london(2026, 4, 14, 10, 0), inbox.smtp, "worker", wall=utc_now)
    assert f"<{PAPERS}#overdue@govcal>" not in inbox.ids
    assert result.done >= 3


def test_reminders_due_during_downtime_go_once_marked_late_and_the_overdue_one_replaces_the_missed(kept, inbox):
    ctx = kept
    store = ctx.store
    # govcal was down from Tue 7 Apr to Fri 10 Apr 12:00: the Wed 8 Apr reminder is late, sent once
    result = send_due(ctx, london(2026, 4, 10, 12, 0), inbox.smtp, "worker", wall=utc_now)
    assert inbox.ids == [f"<{PAPERS}#working-3at0900@govcal>"] and result.late == 1
    assert reminders(store, PAPERS)["working-3at0900"].late is True
    # down again until Wed 15 Apr: the deadline (Mon 13 Apr 17:00) has passed, so the on-the-day
    # reminder is superseded and the overdue notice goes instead
    send_due(ctx, london(2026, 4, 15, 8, 0), inbox.smtp, "worker", wall=utc_now)
    rows = reminders(store, PAPERS)
    assert rows["working+0at0900"].status == "superseded"
    assert rows["overdue"].status == "sent" and rows["overdue"].late is True


def test_a_late_notice_says_why_it_is_late(kept, inbox):
    """Down: "govcal was not sending"; refused by the mail server: what the server said.
    Wed 8 Apr 09:00 is the first reminder of the papers due Mon 13 Apr 17:00."""
    ctx = kept
    send_due(ctx, london(2026, 4, 8, 11, 0), inbox.smtp, "worker", wall=utc_now)  # two hours late: govcal was down
    text = inbox.messages[-1].get_body(("plain",)).get_content()
    assert "it fell due Wed 08 Apr 09:00, when govcal was not sending reminders." in text
    assert inbox.messages[-1]["Auto-Submitted"] == "auto-generated"
    assert inbox.messages[-1]["X-Auto-Response-Suppress"] == "All"
    assert "govcal deadline" not in text and "When it is done, mark it so" in text  # no command
    inbox.refuse = True  # the on-the-day reminder (Mon 13 Apr 09:00) is refused on time, then taken later
    assert send_due(ctx, london(2026, 4, 13, 9, 0), inbox.smtp, "worker", wall=utc_now).retrying == 1
    inbox.refuse = False
    send_due(ctx, london(2026, 4, 13, 9, 30), inbox.smtp, "worker", wall=utc_now)
    text = inbox.messages[-1].get_body(("plain",)).get_content()
    assert "it fell due Mon 13 Apr 09:00; the mail server refused it then" in text and "try again later" in text
    assert "not sending reminders" not in text


def test_minutes_say_the_meeting_they_are_due_at_and_the_one_they_are_about(kept, inbox):
    """The JCB meets Tue 21 Apr 2026 and next Tue 19 May 2026 (planned by its rules): the
    minutes of 21 Apr are approved at, so due at, the 19 May meeting."""
    ctx = kept
    minutes = "worcestershire-jcb/2026-27/meeting-01/minutes-approved"
    rows = reminders(ctx.store, minutes)
    first = min(row.due_at for row in rows.values())
    send_due(ctx, first, inbox.smtp, "worker", wall=utc_now)
    [mail] = [m for m in inbox.messages if m["Message-ID"].startswith(f"<{minutes}#")]
    text = mail.get_body(("plain",)).get_content()
    assert "It is due at the meeting on Tuesday 19 May 2026 at 14:00, County Hall, Worcester," in text
    assert "and is about the meeting on Tuesday 21 April 2026." in text


def test_nothing_is_lost_while_the_smtp_server_refuses_or_is_down(kept, inbox):
    ctx = kept
    store = ctx.store
    inbox.refuse = True
    refused = send_due(ctx, london(2026, 4, 8, 9, 0), inbox.smtp, "worker", wall=utc_now)
    assert refused.retrying == 1 and inbox.ids == []
    row = reminders(store, PAPERS)["working-3at0900"]
    assert row.status == "pending" and row.attempts == 1 and "451" in row.last_error
    inbox.controller.stop()  # now down altogether
    down = send_due(ctx, london(2026, 4, 8, 9, 5), inbox.smtp, "worker", wall=utc_now)  # after the 2-minute back-off
    assert down.retrying == 1 and reminders(store, PAPERS)["working-3at0900"].attempts == 2
    inbox.restart()
    inbox.refuse = False
    back = send_due(ctx, london(2026, 4, 8, 10, 0), inbox.smtp, "worker", wall=utc_now)  # after the back-off
    assert back.sent == 1 and inbox.ids == [f"<{PAPERS}#working-3at0900@govcal>"]


def test_nine_oclock_reminders_keep_local_time_across_both_2026_clock_changes(kept, inbox):
    ctx = kept
    store = ctx.store
    # Spring: the April meeting moved to Thu 9 Apr puts its papers on Mon 30 Mar (clear days 8, 7,
    # (6, 3 Easter) 2, 1 Apr, 31 Mar), the day after clocks go forward; 3 working days before is Wed 25 Mar.
    edit_meeting(
        ctx,
        "move",
        actor="clerk",
        meeting_id="worcestershire-jcb/2026-27/meeting-01",
        day=dt.date(2026, 4, 9),
    )
    # Autumn: the October meeting moved to Tue 3 Nov puts its papers on Mon 26 Oct (clear days 2 Nov,
    # 30, 29, 28, 27 Oct), the day after clocks go back; 3 working days before is Wed 21 Oct.
    edit_meeting(
        ctx,
        "move",
        actor="clerk",
        meeting_id="worcestershire-jcb/2026-27/meeting-07",
        day=dt.date(2026, 11, 3),
        force=True,
    )
    spring = reminders(store, PAPERS)
    autumn = reminders(store, "worcestershire-jcb/2026-27/meeting-07/papers")
    utc = {
        "Wed 25 Mar, GMT": (spring["working-3at0900"], dt.datetime(2026, 3, 25, 9, 0, tzinfo=dt.UTC)),
        "Mon 30 Mar, BST": (spring["working+0at0900"], dt.datetime(2026, 3, 30, 8, 0, tzinfo=dt.UTC)),
        "Wed 21 Oct, BST": (autumn["working-3at0900"], dt.datetime(2026, 10, 21, 8, 0, tzinfo=dt.UTC)),
        "Mon 26 Oct, GMT": (autumn["working+0at0900"], dt.datetime(2026, 10, 26, 9, 0, tzinfo=dt.UTC)),
    }
    for label, (row, instant) in utc.items():
        assert row.due_at == instant, label
        assert row.due_at.astimezone(LONDON).hour == 9, label
        send_due(
            ctx, instant - dt.timedelta(minutes=1), inbox.smtp, "worker", wall=utc_now
        )  # others may go; not this one
        assert f"<{row.key}@govcal>" not in inbox.ids, f"{label}: sent a minute early"
        send_due(ctx, instant, inbox.smtp, "worker", wall=utc_now)
        assert f"<{row.key}@govcal>" in inbox.ids, f"{label}: not sent at 09:00 local"


def load(store, name: str, count: int, due: dt.datetime) -> None:
    """Replace the outbox with `count` overdue notices due at `due`, each of a deadline of its
    own (a deadline's notices due together would go as one message)."""
    with store.session() as session, session.begin():
        session.query(ReminderRow).delete()
        template = session.get(DeadlineRow, PAPERS)
        for n in range(count):
            deadline_id = f"{PAPERS}-{name}-{n:04d}"
            session.add(
                DeadlineRow(
                    id=deadline_id,
                    body_id=template.body_id,
                    cycle=template.cycle,
                    date=template.date,
                    due=template.due,
                    rule=template.rule,
                    name=template.name,
                    who=template.who,
                    meeting_id=template.meeting_id,
                    explanation=template.explanation,
                    updated_at=template.updated_at,
                )
            )
            session.add(
                ReminderRow(
                    offset_key="overdue",
                    deadline_id=deadline_id,
                    body_id="worcestershire-jcb",
                    kind="overdue",
                    due_at=due,
                    next_attempt_at=due,
                    status="pending",
                )
            )


WORKER = textwrap.dedent(
    """
    import datetime as dt, json, sys
    from govcal.clock import utc_now
    from govcal.mail import Smtp
    from govcal.operations import Context
    from govcal.operations.reminders import send_due
    from govcal.settings import Settings
    url, smtp, name, now = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    ctx = Context.load(Settings(database_url=url))
    ctx.store  # opened (and migrated) before the race starts
    print("ready", flush=True)
    sys.stdin.readline()
    result = send_due(ctx, dt.datetime.fromisoformat(now), Smtp.from_url(smtp), name, wall=utc_now)
    print(json.dumps(result.__dict__), flush=True)
    """
)


def test_two_thousand_due_at_once_are_sent_exactly_once_by_several_processes(kept, inbox, database):
    ctx = kept
    store = ctx.store
    due = dt.datetime(2026, 4, 14, 8, 0, tzinfo=dt.UTC)
    load(store, "load", 2000, due)  # only these 2,000 are due
    processes = 4 if database.startswith("postgresql") else 3
    smtp = f"smtp://127.0.0.1:{inbox.controller.port}"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, database, smtp, f"worker-{i}", due.isoformat()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(processes)
    ]
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready"
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()
    results = []
    for worker in workers:
        out, errors = worker.communicate(timeout=300)
        assert worker.returncode == 0, errors
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert len(inbox.ids) == 2000 and len(set(inbox.ids)) == 2000  # every one, none twice
    assert set(inbox.ids) == {f"<{PAPERS}-load-{n:04d}#overdue@govcal>" for n in range(2000)}
    assert sum(r["sent"] for r in results) == 2000
    assert sum(1 for r in results if r["sent"]) >= 2  # the work really was shared
    with store.session() as session:
        assert session.query(ReminderRow).filter(ReminderRow.status == "sent").count() == 2000


def test_reminder_commands_list_send_and_done(kept, inbox, database, capsys, monkeypatch):
    monkeypatch.setenv("GOVCAL_SMTP_URL", f"smtp://127.0.0.1:{inbox.controller.port}")
    db = ["--database", database]
    assert main(["reminders", "send", "--now", "2026-04-08 09:00", *db]) == 0  # Europe/London
    assert "sent 1 (0 late)" in capsys.readouterr().out
    assert main(["deadline", "done", PAPERS, *db]) == 0
    assert main(["reminders", "send", "--now", "2026-04-14 10:00", *db]) == 0
    capsys.readouterr()
    assert f"<{PAPERS}#overdue@govcal>" not in inbox.ids
    assert main(["reminders", "--json", *db]) == 0
    states = {
        row["key"].split("#")[1]: row["state"]
        for row in json.loads(capsys.readouterr().out)
        if row["deadline"] == PAPERS
    }
    assert states == {"working-3at0900": "sent", "working+0at0900": "cancelled", "overdue": "cancelled"}
    monkeypatch.delenv("GOVCAL_SMTP_URL")
    assert main(["reminders", "send", *db]) == 2
    assert "set GOVCAL_SMTP_URL" in capsys.readouterr().err


def test_a_refused_send_says_what_the_mail_server_said(kept, inbox, database, capsys, monkeypatch):
    """The server answers 550: the run's summary, its error line, the reminders list and the
    served clock's log each say why, in the server's words (not Python's tuple of bytes)."""
    monkeypatch.setenv("GOVCAL_SMTP_URL", f"smtp://127.0.0.1:{inbox.controller.port}")
    said = "550 5.7.1 Sender address rejected: not owned by user"
    inbox.refuse = said
    db = ["--database", database]
    assert main(["reminders", "send", "--now", "2026-04-08 09:00", *db]) == 3  # unavailable: tried again later
    out, err = capsys.readouterr()
    assert f"1 to retry ({said})," in out
    assert err.strip().splitlines()[-1] == (
        f"govcal: the mail server did not take 1 message(s): {said}; they are tried again with back-off"
    )
    assert main(["reminders", "--json", *db]) == 0
    [failed] = [row for row in json.loads(capsys.readouterr().out) if row["state"] == "failed"]
    assert failed["last_error"] == said  # as the reminders page shows it
    dispatch(kept, dt.datetime(2026, 4, 8, 12, 0, tzinfo=dt.UTC), inbox.smtp, "serve-test")  # the served clock
    assert f"reminders: 1 to retry with back-off: {said}" in capsys.readouterr().err


def test_govcal_serve_runs_the_reminder_clock(inbox, tmp_path):
    govcal = str(Path(sys.executable).parent / "govcal")
    database = f"sqlite:///{tmp_path / 'govcal.db'}"
    env = {**os.environ, "GOVCAL_SMTP_URL": f"smtp://127.0.0.1:{inbox.controller.port}"}
    # the 2025-26 cycle was planned on 1 Mar 2025 and govcal then sat unserved all year: every
    # papers deadline in it is overdue, its notices scheduled but unsent, so the clock has work at once
    ctx = context(load_rules(), database)
    before = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
    people.add_member(ctx, "worcestershire-jcb", "Ann Clerk", "clerk", email="ann@example.org", actor="a", now=before)
    keep(ctx, [2025], ["worcestershire-jcb"], now=before)
    server = subprocess.Popen(
        [govcal, "serve", "--port", str(free_port()), "--database", database],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while len(inbox.ids) < 12 and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=20)
    overdue = [i for i in inbox.ids if "2025-26" in i and i.endswith("#overdue@govcal>")]
    assert len(overdue) >= 12 and len(set(inbox.ids)) == len(inbox.ids)


def test_a_dispatcher_killed_at_random_points_loses_nothing_and_repeats_at_most_one_per_kill(kept, inbox, database):
    ctx = kept
    store = ctx.store
    due = dt.datetime(2026, 4, 14, 8, 0, tzinfo=dt.UTC)
    total = 600
    load(store, "crash", total, due)
    smtp = f"smtp://127.0.0.1:{inbox.controller.port}"
    kills = kill_while_sending(store, database, smtp, due, lambda: len(inbox.ids), kills=25, seed=20261124, most=20)
    assert kills >= 20
    delivered = set(inbox.ids)
    duplicates = len(inbox.ids) - len(delivered)
    assert delivered == {f"<{PAPERS}-crash-{n:04d}#overdue@govcal>" for n in range(total)}  # every one delivered
    assert duplicates <= kills  # only where a kill fell between send and mark
    print(f"\n{kills} kills, {duplicates} duplicate(s) ({len(inbox.ids)} messages for {total} reminders)")


def test_two_recipients_killed_at_random_points_each_get_every_message_at_most_one_repeat_per_kill(
    kept, inbox, database
):
    """Ann and Bob both clerk the JCB: each overdue notice goes to each in a message of their
    own (a Message-ID each: the key, then the recipient's digest); dispatchers killed at random
    lose none of the 2 x 200, and repeat at most one message per kill."""
    ctx = kept
    store = ctx.store
    people.add_member(ctx, "worcestershire-jcb", "Bob Clerk", "clerk", email="bob@example.org", actor="a", now=NOW)
    due = dt.datetime(2026, 4, 14, 8, 0, tzinfo=dt.UTC)
    total = 200
    load(store, "pair", total, due)
    smtp = f"smtp://127.0.0.1:{inbox.controller.port}"
    kills = kill_while_sending(store, database, smtp, due, lambda: len(inbox.ids), kills=10, seed=20261206, most=20)
    assert kills >= 8
    digests = [
        Recipient(name, EMAIL, address).digest
        for name, address in (("Ann", "ann@example.org"), ("Bob", "bob@example.org"))
    ]
    expected = {f"<{PAPERS}-pair-{n:04d}#overdue#{digest}@govcal>" for n in range(total) for digest in digests}
    assert set(inbox.ids) == expected  # every one delivered, to each
    assert len(inbox.ids) - len(expected) <= kills  # only where a kill fell between send and mark
    assert {m["To"] for m in inbox.messages} == {"ann@example.org", "bob@example.org"}


def test_feed_alarms_and_emails_agree_for_a_deadline_with_its_own_reminders(database, write_rules, inbox):
    """One source for both: the clerk's calendar alarms at the instants the e-mails go.

    The board meets on first Mondays: Mon 3 Aug 2026. Its papers, 5 clear working days
    before (31, 30, 29, 28, 27 Jul clear), are due Fri 24 Jul 17:00 BST. Reminders:
    5 working days before (23, 22, 21, 20, 17 Jul) at 10:30 -> Fri 17 Jul 09:30 UTC;
    1 working day before at 16:00 -> Thu 23 Jul 15:00 UTC; on the day at 12:00 -> Fri 24 Jul 11:00 UTC.
    """
    papers = {
        "id": "papers",
        "name": "Papers",
        "offset": "5 clear working days before",
        "ref": "D1",
        "clause": "x",
        "reminders": ["5 working days before at 10:30", "1 working day before at 16:00", "on the day at 12:00"],
    }
    ctx = context(write_rules(body(deadlines=[papers])), database)
    people.add_member(ctx, "board", "Ann Clerk", "clerk", email="ann@example.org", actor="admin", now=utc_now())
    keep(ctx)
    deadline = "board/2026-27/meeting-05/papers"
    expected = [
        dt.datetime(2026, 7, 17, 9, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 7, 23, 15, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 7, 24, 11, 0, tzinfo=dt.UTC),
    ]
    feed = clerk_feed(ctx, "Ann Clerk", utc_now())
    event = next(e for e in feed.events if e.uid == deadline)
    assert list(event.alarms) == expected
    rendered = icalendar.Calendar.from_ical(render(feed))  # and so the bytes a calendar app reads
    vevent = next(e for e in rendered.walk("VEVENT") if str(e["UID"]) == f"{deadline}@govcal")
    assert [alarm["TRIGGER"].dt for alarm in vevent.walk("VALARM")] == expected
    outbox = {row.offset_key: row.due_at for row in reminders(ctx.store, deadline).values() if row.kind != "overdue"}
    assert sorted(outbox.values()) == expected
    for moment, key in zip(expected, sorted(outbox, key=outbox.get), strict=True):
        send_due(ctx, moment - dt.timedelta(minutes=1), inbox.smtp, "worker", wall=utc_now)
        assert f"<{deadline}#{key}@govcal>" not in inbox.ids
        send_due(ctx, moment, inbox.smtp, "worker", wall=utc_now)
        assert f"<{deadline}#{key}@govcal>" in inbox.ids
    # and they word it alike: the meeting it is for, and how its reminders stop (govcal.wording)
    text = inbox.messages[-1].get_body(("plain",)).get_content()
    shared = [line for line in event.description.splitlines() if line.startswith(("It is for", "When it is done"))]
    assert len(shared) == 2 and all(line in text for line in shared)


def test_a_dry_run_says_what_would_go_and_sends_and_marks_nothing(kept, inbox, database, capsys, monkeypatch):
    monkeypatch.setenv("GOVCAL_SMTP_URL", f"smtp://127.0.0.1:{inbox.controller.port}")
    db = ["--database", database]
    before = [(r.key, r.status, r.claimed_until) for r, _ in kept.store.outbox_rows()]
    # Tue 14 Apr 10:00: the papers (due Mon 13 Apr 17:00) are overdue; the two reminders before
    # them were never sent, so the overdue notice goes and supersedes them
    assert main(["reminders", "send", "--dry-run", "--now", "2026-04-14 10:00", "--json", *db]) == 0
    would = [w for w in json.loads(capsys.readouterr().out) if w["deadline"] == PAPERS]
    assert [(w["outcome"], w["reminders"]) for w in would] == [("not sent: superseded", 2), ("send late", 1)]
    assert would[1]["to"] == ["ann@example.org"]
    assert would[1]["subject"] == (
        "Overdue: Agenda and papers to members, Worcestershire Joint Commissioning Board (was due Mon 13 Apr 17:00)"
    )
    assert inbox.ids == [] and [(r.key, r.status, r.claimed_until) for r, _ in kept.store.outbox_rows()] == before
    assert main(["reminders", "send", "--dry-run", "--now", "2026-04-14 10:00", *db]) == 0
    assert "nothing was sent or marked" in capsys.readouterr().out and inbox.ids == []
    assert main(["reminders", "send", "--now", "2026-04-14 10:00", *db]) == 0  # and the real send does just that
    sent = {m["Subject"] for m in inbox.messages}
    assert would[1]["subject"] in sent and inbox.ids.count(f"<{PAPERS}#overdue@govcal>") == 1


def test_the_reminder_tables_show_a_bodys_and_a_mail_servers_words_as_written(
    database, write_rules, tmp_path, inbox, capsys, monkeypatch
):
    """Square brackets in a body's name, a deadline's and the mail server's answer are theirs, not
    rich's markup: "[interim]" is no style, and "[/]" (a closing tag with nothing to close) no traceback.
    The board's first meeting is Mon 13 Apr 2026, its papers due Wed 1 Apr 17:00: overdue on Thu 2 Apr."""
    papers = {"id": "papers", "name": "Papers [/]", "offset": "5 clear working days before", "ref": "D1", "clause": "x"}
    ctx = context(write_rules(body(name="Board [interim]", deadlines=[papers])), database)
    people.add_member(ctx, "board", "Ann Clerk", "clerk", email="ann@example.org", actor="admin", now=utc_now())
    keep(ctx)
    db = ["--database", database]  # whose rules the commands read: the files, published
    assert main(["rules", "import", str(tmp_path / "rules"), "--from", "2026-03-01", *db]) == 0
    capsys.readouterr()
    assert main(["reminders", "send", "--dry-run", "--now", "2026-04-02 10:00", *db]) == 0
    assert "Overdue: Papers [/], Board [interim] (was due Wed 01 Apr 17:00)" in capsys.readouterr().out
    monkeypatch.setenv("GOVCAL_SMTP_URL", f"smtp://127.0.0.1:{inbox.controller.port}")
    inbox.refuse = said = "550 5.7.1 [/] not [interim] senders"
    assert main(["reminders", "send", "--now", "2026-04-02 10:00", *db]) == 3  # unavailable: tried again later
    capsys.readouterr()
    assert main(["reminders", *db]) == 0
    assert said in capsys.readouterr().out


@pytest.fixture
def clerk_of_two(database):
    """Ann clerks the JCB and the PAB (2026-27 kept) and asks for a digest of 7 working days."""
    ctx = context(load_rules(), database)
    for body_id in ("worcestershire-jcb", "worcestershire-pab"):
        people.add_member(ctx, body_id, "Ann Clerk", "clerk", email="ann@example.org", actor="admin", now=NOW)
    keep(ctx, bodies=["worcestershire-jcb", "worcestershire-pab"])
    set_digest(ctx, "Ann Clerk", 7, actor="Ann Clerk", now=NOW)
    return ctx


def digests(inbox) -> list:
    return [m for m in inbox.messages if m["Message-ID"].startswith("<digest-")]


def test_a_clerks_morning_digest_lists_every_body_once_a_working_day(clerk_of_two, inbox):
    """Hand-checked: 7 working days from Tue 5 May 2026 are 5, 6, 7, 8, 11, 12 and 13 May
    (Mon 4 May is the Early May bank holiday). Due in them: the JCB's papers for Tue 19 May
    (Mon 11 May 17:00) and the PAB's minutes of 8 Apr, approved at its Wed 13 May meeting.
    Overdue: the JCB's papers for Tue 21 Apr (Mon 13 Apr 17:00, 22 days before)."""
    ctx = clerk_of_two
    assert send_digests(ctx, london(2026, 5, 4, 8, 30), inbox.smtp, "a", wall=utc_now).sent == 0  # a bank holiday
    assert send_digests(ctx, london(2026, 5, 5, 7, 59), inbox.smtp, "a", wall=utc_now).sent == 0  # not yet 08:00
    assert send_digests(ctx, london(2026, 5, 5, 8, 0), inbox.smtp, "a", wall=utc_now).sent == 1
    assert (
        send_digests(ctx, london(2026, 5, 5, 8, 1), inbox.smtp, "b", wall=utc_now).sent == 0
    )  # another instance: once
    assert send_digests(ctx, london(2026, 5, 5, 15, 0), inbox.smtp, "a", wall=utc_now).sent == 0
    [mail] = digests(inbox)
    assert mail["To"] == "ann@example.org" and mail["Date"] and mail["Message-ID"].endswith("-2026-05-05@govcal>")
    assert mail["Subject"] == "Your deadlines, Tue 05 May: 2 due by Wed 13 May, 1 overdue"
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.splitlines()[:4] == [
        "Deadlines of the 2 bodies you clerk, due in the next 7 working days (to Wednesday 13 May):",
        "",
        "Mon 11 May 17:00  Agenda and papers to members, Worcestershire Joint Commissioning Board"
        " (for the meeting of Tue 19 May 14:00)",
        "Wed 13 May 10:00  Minutes submitted for approval, Worcestershire Partnership Advisory Body"
        " (due at the meeting of Wed 13 May 10:00, about the meeting of Wed 08 Apr 10:00)",
    ]
    assert "govcal member" not in text and "govcal deadline" not in text  # no command: clerks never open a terminal
    assert mail["Auto-Submitted"] == "auto-generated" and mail["X-Auto-Response-Suppress"] == "All"
    assert "Overdue, not yet marked done:\nMon 13 Apr 17:00  Agenda and papers to members" in text
    assert "Worcestershire Partnership Advisory Body" in mail.get_body(("html",)).get_content()
    # done deadlines drop out; the next working day has its own digest
    mark_done(ctx, PAPERS, actor="Ann Clerk", now=london(2026, 5, 5, 10, 0))
    assert send_digests(ctx, london(2026, 5, 6, 8, 0), inbox.smtp, "a", wall=utc_now).sent == 1
    assert digests(inbox)[-1]["Subject"] == "Your deadlines, Wed 06 May: 2 due by Thu 14 May"
    # nothing due: no message (but the day is done); stopped: nothing at all
    set_digest(ctx, "Ann Clerk", 1, actor="Ann Clerk", now=NOW)
    quiet = send_digests(ctx, london(2026, 5, 7, 8, 0), inbox.smtp, "a", wall=utc_now)
    assert (quiet.sent, quiet.empty) == (0, 1)
    set_digest(ctx, "Ann Clerk", None, actor="Ann Clerk", now=NOW)
    assert send_digests(ctx, london(2026, 5, 11, 8, 0), inbox.smtp, "a", wall=utc_now).sent == 0
    assert len(digests(inbox)) == 2


def test_a_digest_that_cannot_be_sent_is_tried_again_and_goes_once(clerk_of_two, inbox):
    ctx = clerk_of_two
    inbox.refuse = True
    assert send_digests(ctx, london(2026, 5, 5, 8, 0), inbox.smtp, "a", wall=utc_now).failed == 1
    inbox.refuse = False
    assert send_digests(ctx, london(2026, 5, 5, 8, 1), inbox.smtp, "a", wall=utc_now).sent == 1
    assert send_digests(ctx, london(2026, 5, 5, 8, 2), inbox.smtp, "a", wall=utc_now).sent == 0
    assert len(digests(inbox)) == 1


def test_asking_for_a_digest_from_the_cli_and_refusals(clerk_of_two, capsys, monkeypatch):
    ctx = clerk_of_two
    monkeypatch.setenv("GOVCAL_DATABASE_URL", ctx.settings.database_url)
    assert main(["member", "digest", "Ann Clerk", "--days", "5"]) == 0
    assert "a morning digest each working day at 08:00" in capsys.readouterr().out
    assert main(["member", "digest", "Nobody", "--days", "5"]) == 2
    assert "no one called 'Nobody'" in capsys.readouterr().err
    assert main(["member", "digest", "Ann Clerk", "--days", "30"]) == 2
    assert "days: '30' is not a number of working days (1 to 20)" in capsys.readouterr().err
    assert main(["member", "digest", "Ann Clerk", "--off"]) == 0
    assert ctx.store.subscribers(dt.date(2026, 5, 5), utc_now()) == []


def test_instances_racing_for_one_digest_send_it_once(clerk_of_two, inbox):
    """Six instances on one database, each its own engine, all ticking at 08:00 together."""
    barrier = threading.Barrier(6, timeout=30)

    def instance(n: int) -> int:
        url = clerk_of_two.settings.database_url
        ctx = Context(clerk_of_two.rules, clerk_of_two.settings, Store(engine_for(url)))  # migrated already
        ctx.store.subscribers(dt.date(2026, 5, 5), utc_now())  # connected before the race
        barrier.wait()
        return send_digests(ctx, london(2026, 5, 5, 8, 0), inbox.smtp, f"instance-{n}", wall=utc_now).sent

    with ThreadPoolExecutor(6) as pool:
        sent = list(pool.map(instance, range(6)))
    assert sorted(sent) == [0, 0, 0, 0, 0, 1] and len(digests(inbox)) == 1


def test_a_report_reminder_goes_to_its_owner_as_well_as_the_clerk(database, inbox):
    # 002 3.2.5: the groups report to the Executive Group "through their respective Outcome Lead"
    ctx = context(load_rules(), database)
    groups = "suffolk-outcome-partnership-groups"
    people.add_member(ctx, groups, "Ann Clerk", "clerk", email="ann@example.org", actor="admin", now=utc_now())
    people.add_member(ctx, groups, "Owen Lead", "outcome-lead", email="owen@example.org", actor="admin", now=utc_now())
    with pytest.raises(RuleError, match="'outcome-lead' is not a role on worcestershire-jcb"):
        people.add_member(ctx, "worcestershire-jcb", "Owen Lead", "outcome-lead", actor="admin", now=utc_now())
    keep(ctx, bodies=[groups])
    # the first quarter's report is due Mon 13 Apr 2026 (10 working days before the Executive Group's
    # Mon 27 Apr); 3 working days before: Fri 10, Thu 9, Wed 8 Apr, 09:00 BST
    # one reminder, a message to each (their own Message-ID: the key, then the recipient's digest)
    sent = send_due(ctx, london(2026, 4, 8, 9, 0), inbox.smtp, "worker", wall=utc_now)
    assert (sent.sent, sent.messages) == (1, 2)
    key = f"{groups}/2026-27/report-suffolk-executive-group-1#working-3at0900"
    to = {m["To"]: m["Message-ID"] for m in inbox.messages}
    each = ("ann@example.org", "owen@example.org")
    assert to == {a: f"<{key}#{Recipient('', EMAIL, a).digest}@govcal>" for a in each}


class SlowInbox:
    """An aiosmtpd handler that takes `delay` seconds over each message before its 250, as a
    slow relay does; with `hold` set it keeps the message's 250 back until the test releases it."""

    def __init__(self, inbox, delay: float = 0.0) -> None:
        self.inbox, self.delay = inbox, delay
        self.hold: threading.Event | None = None
        self.held_from = 1  # with `hold`: the first message held (1: every one)
        self.holding = threading.Event()  # a held message's octets have arrived
        self.received = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        import asyncio

        self.received += 1
        await asyncio.sleep(self.delay)
        if self.hold is not None and not self.hold.is_set() and self.received >= self.held_from:
            self.held = email.message_from_bytes(envelope.content)["Message-ID"]
            self.holding.set()
            while not self.hold.is_set():
                await asyncio.sleep(0.01)
        return await self.inbox.handle_DATA(server, session, envelope)


@pytest.fixture
def slow_inbox(inbox):
    """The test's inbox behind a slow handler, on a port of its own."""
    from aiosmtpd.controller import Controller

    handler = SlowInbox(inbox)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.smtp = Smtp.from_url(f"smtp://127.0.0.1:{port}")
    yield handler
    if handler.hold is not None:
        handler.hold.set()
    controller.stop()


def another_instance(ctx: Context) -> Context:
    """Another instance on the same database: its own engine and pool."""
    return Context(ctx.rules, ctx.settings, Store(engine_for(ctx.settings.database_url)))


def test_a_run_given_a_later_moment_leaves_a_slow_runs_claims_alone(kept, slow_inbox, inbox):
    """Issue 23's overlap: a run at 09:00:30 sending through a relay that takes a while a
    message, and 'reminders send --now 09:06' started while it works. The leases are held
    on the wall clock, so the second run cannot judge the first's lapsed by its own moment."""
    total = 40
    due = dt.datetime(2028, 3, 31, 9, 0, tzinfo=dt.UTC)
    load(kept.store, "slow", total, due)
    slow_inbox.delay = 0.1
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(send_due, kept, due + dt.timedelta(seconds=30), slow_inbox.smtp, "first", wall=utc_now)
        while len(inbox.ids) < 5 and not first.done():
            time.sleep(0.01)
        assert not first.done()  # the second run starts while the first is still sending
        second = send_due(
            another_instance(kept), due + dt.timedelta(minutes=6), slow_inbox.smtp, "second", wall=utc_now
        )
        first_result = first.result(timeout=120)
    assert second.sent == 0 and first_result.sent == total and first_result.lost == 0
    assert sorted(inbox.ids) == sorted({f"<{PAPERS}-slow-{n:04d}#overdue@govcal>" for n in range(total)})


def test_a_run_whose_claim_is_taken_stops_before_its_next_message_and_says_what_went_twice(kept, slow_inbox, inbox):
    """The fencing check: while the first run's second message waits for its 250, another run
    whose clock has the first's leases lapsed takes every claim, and sends and marks that very
    message. The first run's mark finds it marked (counted as repeated, not hidden); it
    begins nothing more, and the rest is the other run's."""
    total = 10
    due = dt.datetime(2028, 3, 31, 9, 0, tzinfo=dt.UTC)
    load(kept.store, "fence", total, due)
    slow_inbox.hold, slow_inbox.held_from = threading.Event(), 2
    other = another_instance(kept)
    with ThreadPoolExecutor(1) as pool:
        run = pool.submit(send_due, kept, due, slow_inbox.smtp, "first", wall=utc_now, connections=1)
        assert slow_inbox.holding.wait(30)  # its first message went at once; the second is held
        held = inbox.ids[:]  # the first message, delivered
        later = utc_now() + dt.timedelta(minutes=6)  # the other run's clock: the first run's leases lapsed
        taken = other.store.claim(due, later, "other#1")
        in_flight = next(r.id for r, _ in other.store.outbox_rows() if f"<{r.key}@govcal>" == slow_inbox.held)
        line = other.store.outbox_line()
        assert line.finish([in_flight], status="sent", sent_at=due) == 1  # the other run sent it too
        line.close()
        slow_inbox.hold.set()
        result = run.result(timeout=60)
    assert len(held) == 1 and len(taken) == total - 1
    assert result.messages == 2 and result.repeated == 1 and result.lost == 1  # stopped at its next message
    said = result.claims_said()  # what `reminders send` and the clock of `govcal serve` print
    assert [line.split(":")[0] for line in said] == ["stopped", "warning"] and "may have gone twice" in said[1]
    assert len(inbox.ids) == 2
    rows = {r.id: (r.status, r.claimed_by) for r, _ in other.store.outbox_rows()}
    left = {i: state for i, state in rows.items() if state[0] == "pending"}
    assert len(left) == total - 2 and {by for _, by in left.values()} == {"other#1"}  # the rest is the other run's
    second = send_due(other, due, slow_inbox.smtp, "other", wall=lambda: later + dt.timedelta(minutes=6))
    assert second.sent == total - 2 and sorted(inbox.ids) == sorted(set(inbox.ids)) and len(inbox.ids) == total


def test_a_digest_being_sent_is_not_sent_again_by_a_run_given_a_later_moment(clerk_of_two, slow_inbox, inbox):
    """A digest's claim is held on the wall clock too: a run at 08:15 while the 08:00 run is
    still sending finds it taken, where its own moment would have judged the claim stale."""
    slow_inbox.hold = threading.Event()
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(send_digests, clerk_of_two, london(2026, 5, 5, 8, 0), slow_inbox.smtp, "a", wall=utc_now)
        assert slow_inbox.holding.wait(30)
        second = send_digests(
            another_instance(clerk_of_two), london(2026, 5, 5, 8, 15), slow_inbox.smtp, "b", wall=utc_now
        )
        slow_inbox.hold.set()
        assert first.result(timeout=60).sent == 1
    assert second.sent == 0 and len(digests(inbox)) == 1


def test_a_senders_line_writes_several_reminders_at_once_and_gives_its_connection_back_as_it_took_it(kept):
    """A sender's line to the outbox keeps one connection for its run: on PostgreSQL in
    autocommit, its commits not waiting for the disk and its statements planned for the ids
    given. Given back, the next to take that connection from the pool finds the server's own
    settings and a transaction begun for it, as every other connection."""
    due = dt.datetime(2028, 3, 31, 9, 0, tzinfo=dt.UTC)
    load(kept.store, "line", 3, due)
    given_back = []
    sqlalchemy.event.listen(kept.store.engine, "checkin", lambda connection, _: given_back.append(connection))
    ids = kept.store.claim(due, utc_now(), "line#1")
    line = kept.store.outbox_line()
    assert line.renew(ids, "line#1", utc_now()) and not line.renew(ids, "other#1", utc_now())
    assert line.reached(ids[:2], "line#1", ["a"]) == 2
    assert line.finish(ids, status="sent", sent_at=due) == 3
    assert line.finish(ids, status="sent", sent_at=due) == 0  # the first mark wins
    assert not line.renew(ids, "line#1", utc_now())  # marked: the fencing check fails
    line.close()
    [connection] = given_back[-1:]
    rows = {r.id: r for r, _ in kept.store.outbox_rows()}
    assert [(rows[i].status, rows[i].delivered, rows[i].claimed_until) for i in ids] == [
        ("sent", ["a"], None),
        ("sent", ["a"], None),
        ("sent", None, None),
    ]
    if kept.store.engine.dialect.name == "postgresql":
        assert connection.autocommit is False
        settings = connection.execute(
            "SELECT current_setting('synchronous_commit'), current_setting('plan_cache_mode')"
        )
        assert settings.fetchone() == ("on", "auto") and connection.info.transaction_status == TransactionStatus.INTRANS
        connection.rollback()


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_a_senders_line_that_cannot_set_up_its_connection_says_why_and_never_pools_it_in_autocommit(kept, monkeypatch):
    """A server that refuses a line's settings (here one it does not know) is said as
    SQLAlchemy says a statement's error, not as the database being away, and the half set
    up connection is thrown away, never given back to the pool to commit every statement
    of the next session on its own."""
    monkeypatch.setitem(outbox.SETTINGS, "no_such_setting", "on")
    given_back = []
    sqlalchemy.event.listen(kept.store.engine, "checkin", lambda connection, _: given_back.append(connection))
    line = kept.store.outbox_line()
    with pytest.raises(sqlalchemy.exc.ProgrammingError, match="no_such_setting"):
        line.renew([1], "line#1", utc_now())
    line.close()
    assert given_back and all(c is None or c.closed for c in given_back)


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_the_reminder_clock_waits_out_a_database_outage_and_sends_once_it_is_back(kept, proxy, inbox):
    log = io.StringIO()
    ctx = Context(kept.rules, Settings(database_url=proxy.url, database_named=True), outage=Outage(log))
    ctx.store.version()  # opened while the database is there, as `govcal serve` opens it
    proxy.stop()
    for minute in (0, 1, 2):  # ticks while it is away: none raises, the first says so
        dispatch(ctx, london(2026, 4, 8, 9, minute), inbox.smtp, "clock")
    assert inbox.ids == [] and log.getvalue().count("database unavailable") == 1
    proxy.start()
    dispatch(ctx, london(2026, 4, 8, 9, 3), inbox.smtp, "clock")
    assert inbox.ids == [f"<{PAPERS}#working-3at0900@govcal>"]
    lines = log.getvalue().splitlines()
    assert len(lines) == 2 and "database back" in lines[1] and "Traceback" not in log.getvalue()


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_a_database_lost_mid_send_ends_the_tick_and_at_most_one_message_goes_twice(kept, proxy, slow_inbox, inbox):
    """The database goes while a run is sending (its marks are on the driver's connection):
    the tick ends with one line, not the driver's error, and once it is back the next tick
    sends the rest. Three messages are in flight when it goes: only the one past its 250 and
    not yet marked can go twice; the others are never ended."""
    total = 12
    due = dt.datetime(2028, 3, 31, 9, 0, tzinfo=dt.UTC)
    load(kept.store, "cut", total, due)
    log = io.StringIO()
    ctx = Context(kept.rules, Settings(database_url=proxy.url, database_named=True), outage=Outage(log))
    slow_inbox.hold, slow_inbox.held_from = threading.Event(), 4
    with ThreadPoolExecutor(1) as pool:
        tick = pool.submit(dispatch, ctx, due, slow_inbox.smtp, "clock")
        assert slow_inbox.holding.wait(30)  # three messages sent and marked; the fourth waits for its 250
        proxy.stop()
        slow_inbox.hold.set()
        tick.result(timeout=60)  # returns: the loss is said, not raised
    assert log.getvalue().count("database unavailable") == 1 and "Traceback" not in log.getvalue()
    proxy.start()
    later = utc_now() + LEASE + dt.timedelta(minutes=1)  # the cut run's claims have lapsed by now
    send_due(ctx, due + dt.timedelta(minutes=6), slow_inbox.smtp, "clock", wall=lambda: later)
    delivered = set(inbox.ids)
    assert delivered == {f"<{PAPERS}-cut-{n:04d}#overdue@govcal>" for n in range(total)}
    assert len(inbox.ids) - len(delivered) <= 1


def test_a_mail_server_that_does_not_take_the_reminders_is_exit_3_with_its_reason(
    kept, inbox, database, capsys, monkeypatch
):
    """Unavailable, not a mistake: `reminders send` says what the server answered and exits
    3 (try again later); the reminder is kept for the next run, which sends it."""
    monkeypatch.setenv("GOVCAL_SMTP_URL", f"smtp://127.0.0.1:{inbox.controller.port}")
    db = ["--database", database]
    inbox.refuse = True
    assert main(["reminders", "send", "--now", "2026-04-08 09:00", *db]) == 3
    said = capsys.readouterr().err
    assert "the mail server did not take 1 message(s): 451 try again later;" in said and inbox.ids == []
    inbox.refuse = False
    assert main(["reminders", "send", "--now", "2026-04-08 09:05", *db]) == 0  # after the 2-minute back-off
    assert inbox.ids == [f"<{PAPERS}#working-3at0900@govcal>"]


def test_a_database_that_cannot_be_reached_is_one_line_and_exit_3(tmp_path):
    """Nothing listens on port 1: the database is away, not named wrongly."""
    govcal = str(Path(sys.executable).parent / "govcal")
    done = subprocess.run(
        [govcal, "reminders", "--database", "postgresql://nobody@127.0.0.1:1/x"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 3 and done.stdout == "" and "Traceback" not in done.stderr
    assert done.stderr.startswith("govcal: cannot reach the database postgresql://nobody@127.0.0.1:1/x:")
    assert done.stderr.count("\n") == 1 and list(tmp_path.iterdir()) == []


def test_a_run_never_takes_its_own_claims_again_however_long_its_queue(kept):
    """A slow run's queue can outlast its lease: its next claim must not take the rows it
    still holds (they would be queued twice); another run may, once the lease has lapsed."""
    due = dt.datetime(2028, 3, 31, 9, 0, tzinfo=dt.UTC)
    load(kept.store, "own", 3, due)
    wall = utc_now()
    first = kept.store.claim(due, wall, "run-a#1")
    later = wall + dt.timedelta(minutes=6)  # its lease lapsed, the queue not yet sent
    assert len(first) == 3 and kept.store.claim(due, later, "run-a#1") == []
    assert sorted(kept.store.claim(due, later, "run-b#1")) == sorted(first)


def test_a_moment_given_in_summer_time_is_compared_as_the_instant_it_is(kept):
    """`reminders send --now "2026-06-01 09:06"` is 08:06 UTC: a reminder falling due at 09:30
    BST (08:30 UTC) is not due yet. SQLite keeps no zone, so a London time bound as its
    digits was compared an hour late (and claimed this one)."""
    bst = dt.timezone(dt.timedelta(hours=1))
    load(kept.store, "summer", 1, dt.datetime(2026, 6, 1, 9, 30, tzinfo=bst))
    wall = utc_now()
    assert kept.store.claim(london(2026, 6, 1, 9, 6), wall, "run#1") == []
    taken = kept.store.claim(london(2026, 6, 1, 9, 31), wall, "run#2")
    assert len(taken) == 1
    row = next(r for r, _ in kept.store.outbox_rows() if r.id == taken[0])
    assert row.due_at == london(2026, 6, 1, 9, 30) and row.due_at.tzinfo is LONDON


def test_a_digest_claimed_by_a_run_that_died_goes_once_its_claim_lapses(clerk_of_two, inbox):
    """A run killed between claiming Ann's digest and sending it left a claim; while it is
    live no other run sends the digest, and once it has lapsed (10 minutes) the next does."""
    ctx = clerk_of_two
    day = dt.date(2026, 5, 5)
    (ann,) = ctx.store.subscribers(day, utc_now())
    assert ctx.store.claim_digest(ann.member_id, day, "died#1", utc_now())
    assert send_digests(ctx, london(2026, 5, 5, 8, 5), inbox.smtp, "b", wall=utc_now).sent == 0
    lapsed = utc_now() + dt.timedelta(minutes=11)
    assert send_digests(ctx, london(2026, 5, 5, 8, 15), inbox.smtp, "c", wall=lambda: lapsed).sent == 1
    assert send_digests(ctx, london(2026, 5, 5, 8, 20), inbox.smtp, "d", wall=lambda: lapsed).sent == 0
    assert len(digests(inbox)) == 1
