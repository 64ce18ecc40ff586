"""A body's rules in the admin pages: the form (every field, the loader's message beside the
field it is about), the year re-planned from it before anything is kept, then published from
a day; a new body from the same form, empty."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from govcal.admin.ruleform import FIELDS, form_from_text, text_from_form
from govcal.cli.server import application
from govcal.operations import Context, access
from govcal.operations.planning import keep_year
from govcal.settings import Settings
from rules.loader import Source, load_rules, read_source, seeds_dir
from scheduler.store.tables import TokenKind
from test_admin import Clock, signed_in, text

TODAY = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)  # Wed 2 Dec 2026
JCB = "worcestershire-jcb"


@pytest.mark.parametrize("path", sorted(seeds_dir().glob("*.yaml")), ids=lambda p: p.stem)
def test_every_seed_body_goes_through_the_form_and_plans_the_same(path):
    form = form_from_text(path.read_text(encoding="utf-8"))
    back = text_from_form(form.values)
    assert back.ok, back.messages
    shipped = load_rules()
    body, _ = read_source(Source("the form", back.text.encode(), dt.date.min))
    assert body.meetings == shipped[body.id].meetings and body.deadlines == shipped[body.id].deadlines
    assert body.items == shipped[body.id].items and body.reports == shipped[body.id].reports


def test_the_loaders_message_is_beside_the_field_it_is_about():
    values = form_from_text((seeds_dir() / f"{JCB}.yaml").read_text()).values
    bad = text_from_form(values | {"meetings.pattern": "every other Tuesday"})
    assert list(bad.messages) == ["meetings.pattern"] and "every other Tuesday" in bad.messages["meetings.pattern"]
    deadline = text_from_form(values | {"deadlines": "- {id: papers, name: Papers, offset: soonish, clause: x}"})
    assert list(deadline.messages) == ["deadlines"] and "soonish" in deadline.messages["deadlines"]
    broken = text_from_form(values | {"quorum": "min_present: [2"})
    assert list(broken.messages) == ["quorum"] and "not valid YAML" in broken.messages["quorum"]
    assert {f.name for f in FIELDS} >= {"meetings.before_and_after", "notices", "attendance", "roles", "closures"}


@pytest.fixture
def site(database):
    ctx = Context(None, Settings(database_url=database, database_named=True), now=TODAY)
    keep_year(ctx, [2026], [JCB], actor="setup", now=TODAY)
    token = access.create_token(ctx, TokenKind.ADMIN, "alice", actor="setup", now=TODAY)
    client = TestClient(application(ctx, ["testserver"], Clock(TODAY)), base_url="http://testserver")
    return signed_in(client, token), ctx


def posted(page: str) -> dict[str, str]:
    """A page's first POST form's fields, as a browser would send them."""
    form = re.search(r"<form method=post action=\"/admin/rules/[a-z]+\".*?</form>", page, re.S).group(0)
    values = {m[0]: unescape(m[1]) for m in re.findall(r'<input [^>]*?name="?([\w.]+)"? value="([^"]*)"', form)}
    values |= {
        m[0]: unescape(m[1]) for m in re.findall(r'<textarea [^>]*name="([\w.]+)"[^>]*>(.*?)</textarea>', form, re.S)
    }
    for name, options in re.findall(r'<select [^>]*name="([\w.]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r"<option selected>([^<]*)", options)
        values[name] = chosen.group(1) if chosen else ""
    return values


def meeting_days(ctx: Context) -> dict[str, str]:
    return {row.id.rpartition("/")[2]: row.date.isoformat() for row in ctx.store.meetings([JCB])}


def test_change_a_pattern_see_the_year_then_publish_from_a_day(site):
    client, ctx = site
    before = meeting_days(ctx)
    page = client.get(f"/admin/rules?body={JCB}")
    assert page.status_code == 200 and 'value="third Tuesday"' in page.text
    form = posted(page.text) | {"meetings.pattern": "every other Tuesday", "applies_from": "2027-01-10"}
    refused = client.post("/admin/rules/preview", data=form)
    assert refused.status_code == 400 and "every other Tuesday" in text(refused.text)
    form["meetings.pattern"] = "second Wednesday"
    preview = client.post("/admin/rules/preview", data=form | {"reason": "the room"})
    assert preview.status_code == 200, text(preview.text)
    shown = text(preview.text)
    # Mon 1 Feb 2027: second Wednesday Wed 10 Feb (was the third Tuesday, Tue 16 Feb); January keeps Tue 19 Jan
    assert "Feb 2027" in shown and "Wed 10" in shown and "Tue 19" in shown
    assert "(was Tue 16 Feb 2027)" in shown and "Publish, applying from Sun 10 Jan 2027" in shown
    assert meeting_days(ctx) == before  # a preview keeps nothing
    published = client.post("/admin/rules/publish", data=posted(preview.text))
    assert published.status_code == 200 and "Published version" in text(published.text)
    after = meeting_days(ctx)
    assert {k: v for k, v in after.items() if before[k] != v} == {
        "meeting-11": "2027-02-10",
        "meeting-12": "2027-03-10",
    }
    newest = ctx.store.rule_versions(JCB)[-1]
    assert (newest.published_by, newest.reason, newest.applies_from) == ("alice", "the room", dt.date(2027, 1, 10))
    again = client.get(f"/admin/rules?body={JCB}")
    assert 'value="second Wednesday"' in again.text and "the room" in again.text


def test_a_new_body_is_the_same_form_empty(site):
    client, ctx = site
    page = client.get("/admin/rules")
    assert page.status_code == 200 and "A new body" in page.text
    form = posted(page.text) | {
        "id": "new-board",
        "name": "New Board",
        "cycle_start": "april",
        "nation": "england-and-wales",
        "meetings.frequency": "quarterly",
        "meetings.pattern": "first Thursday",
        "meetings.clause": "4.1",
        "applies_from": "2026-12-02",
    }
    preview = client.post("/admin/rules/preview", data=form)
    assert preview.status_code == 200, text(preview.text)
    # Thu 7 Jan 2027 (1 Jan is a Friday, so the first Thursday is the 7th) is in the 2026-27 cycle's last quarter
    assert "Thu 07" in text(preview.text)
    client.post("/admin/rules/publish", data=posted(preview.text))
    assert "new-board" in ctx.rules.bodies
    assert [row.date.isoformat() for row in ctx.store.meetings(["new-board"])][-1] == "2027-01-07"
