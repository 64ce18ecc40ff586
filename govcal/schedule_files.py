"""Schedules as files: a plan written as JSON or CSV, and a schedule read back.

`govcal plan --json` writes a schedule that `govcal check` reads: edit it by hand
(move a meeting's `date` or `time`, set `status: cancelled`, add a meeting) and
check it again. The `date` and `time` fields are authoritative; `start` and `end`
are written for readers and ignored when read back. A deadline is read as its `date`
says, at the time of day its `due` gives (else its rule's): move a report by changing
its `date` alone. A deadline left out is derived from the meetings.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import Node

from rules.dates import LONDON, parse_instant
from rules.errors import RuleError
from rules.loader import Fields, RuleSet, date, identifier, listing, phrase, text
from rules.phrases import parse_time
from scheduler.checker import Given
from scheduler.occurrences import BodyPlan, Deadline, Explanation, Item, Meeting, Status, meeting_on


def _explanation(why: Explanation) -> dict[str, Any]:
    return {
        "rule": why.rule,
        "source": str(why.cite),
        "anchor": why.anchor,
        "adjusted": list(why.steps),
        "skipped": [{"date": day.date.isoformat(), "reason": day.reason} for day in why.skipped],
        "short": why.short(),
    }


def meeting_dict(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "body": meeting.body,
        "date": meeting.date.isoformat(),
        "time": f"{meeting.start:%H:%M}",
        "start": meeting.start.isoformat(),
        "end": meeting.end.isoformat(),
        "title": meeting.title,
        "location": meeting.location,
        "public": meeting.public,
        "status": meeting.status,
        "tags": list(meeting.tags),
        "explanation": _explanation(meeting.explanation),
    }


def deadline_dict(deadline: Deadline) -> dict[str, Any]:
    return {
        "id": deadline.id,
        "body": deadline.body,
        "meeting": deadline.meeting,
        "rule": deadline.rule,
        "name": deadline.name,
        "date": deadline.date.isoformat(),
        "due": deadline.due.isoformat(),
        "who": list(deadline.who),
        "explanation": _explanation(deadline.explanation),
    }


def item_dict(item: Item) -> dict[str, Any]:
    return {
        "id": item.id,
        "body": item.body,
        "meeting": item.meeting,
        "rule": item.rule,
        "name": item.name,
        "date": item.date.isoformat(),
        "explanation": _explanation(item.explanation),
    }


def plan_dict(plans: Iterable[BodyPlan]) -> dict[str, Any]:
    """A plan as one JSON-ready object; `govcal check` reads it back."""
    plans = list(plans)
    return {
        "bodies": [
            {
                "id": plan.body.id,
                "name": plan.body.name,
                "year": plan.year,
                "cycle": plan.label,
                "first": plan.first.isoformat(),
                "last": plan.last.isoformat(),
                "problems": [problem.as_dict() for problem in plan.problems],
                "notes": plan.notes,
            }
            for plan in plans
        ],
        "meetings": [meeting_dict(m) for plan in plans for m in plan.meetings],
        "deadlines": [deadline_dict(d) for plan in plans for d in plan.deadlines],
        "items": [item_dict(i) for plan in plans for i in plan.items],
    }


CSV_COLUMNS = ("body", "kind", "id", "date", "time", "name", "meeting", "status", "explanation")


def plan_csv(plans: Iterable[BodyPlan]) -> str:
    """Every occurrence as a CSV row, in date order per body."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for plan in plans:
        for o in plan.occurrences():
            row: tuple[object, ...]
            if isinstance(o, Meeting):
                row = (o.body, "meeting", o.id, o.date, f"{o.start:%H:%M}", o.title, "", o.status)
            elif isinstance(o, Deadline):
                row = (o.body, "deadline", o.id, o.date, f"{o.due:%H:%M}", o.name, o.meeting or "", "")
            else:
                row = (o.body, "item", o.id, o.date, "", o.name, o.meeting or "", "")
            writer.writerow((*row, o.explanation.short()))
    return out.getvalue()


@dataclass(frozen=True)
class Schedule:
    """Meetings read from a file, the cycle years it names per body, and the deadlines it
    dates (by id)."""

    meetings: list[Meeting]
    years: dict[str, set[int]]
    deadlines: dict[str, Given]


def read_schedule(path: Path, rules: RuleSet) -> Schedule:
    """A schedule file (YAML or JSON, as `plan --json` writes it), checked line by line."""
    file = str(path)
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RuleError(f"cannot read: {error.strerror}", file=file) from None
    except UnicodeDecodeError:
        raise RuleError("not UTF-8 text: a schedule is the YAML or JSON `plan --json` writes", file=file) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise RuleError(
            f"not valid YAML or JSON: {getattr(error, 'problem', error)}",
            file=file,
            line=mark.line + 1 if mark else None,
        ) from None
    if node is None:
        raise RuleError("the schedule is empty", file=file)
    top = Fields(node, file)
    years: dict[str, set[int]] = {}
    for each in top.each("bodies"):
        body_id = each.take("id", _known(rules))
        years.setdefault(body_id, set()).add(each.take("year", phrase(_year)))
        for key in ("name", "cycle", "first", "last", "problems", "notes"):
            each.taken.add(key)
        each.done()
    meeting_fields = top.each("meetings")
    meetings = [_meeting(each, rules, n) for n, each in enumerate(meeting_fields, start=1)]
    if not meetings and not years:
        raise top.fail("no meetings: a schedule lists its meetings under 'meetings'", "meetings")
    deadlines: dict[str, Given] = {}
    for each in top.each("deadlines"):
        deadline_id, given = _deadline(each)
        if deadline_id in deadlines:
            raise each.fail(f"deadline id '{deadline_id}' appears twice", "id")
        deadlines[deadline_id] = given
    top.taken.add("items")  # derived from the meetings; recomputed, not read
    top.done()
    seen: set[str] = set()
    for meeting, each in zip(meetings, meeting_fields, strict=True):
        if meeting.id in seen:
            raise each.fail(f"meeting id '{meeting.id}' appears twice", "id")
        seen.add(meeting.id)
    return Schedule(meetings, years, deadlines)


def _year(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or not 2000 <= int(value) <= 2059:  # '²'.isdigit(), but not int
        raise RuleError(f"'{value}' is not a cycle year (2000-2059)")
    return int(value)


def _known(rules: RuleSet) -> Callable[[Node], str]:
    def read(node: Node) -> str:
        body_id = identifier(node)
        if body_id not in rules.bodies:
            raise RuleError(f"unknown body '{body_id}'; known bodies: {', '.join(rules.bodies)}")
        return body_id

    return read


def _time_of_day(value: str) -> dt.time:
    """The time of day of a `due` as `plan --json` writes it (2026-07-09T17:00:00+01:00), in London."""
    return parse_instant(value).astimezone(LONDON).time()


def _deadline(fields: Fields) -> tuple[str, Given]:
    """A deadline's id, and its day and time as the schedule gives them."""
    deadline_id = fields.take("id", text)
    given = Given(fields.take("date", date), fields.take("due", phrase(_time_of_day), None))
    for key in ("body", "meeting", "rule", "name", "who", "explanation"):
        fields.taken.add(key)  # written for readers; the date and due above decide
    fields.done()
    return deadline_id, given


def _status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise RuleError(f"'{value}' is not a status; expected one of {', '.join(Status)}") from None


def _meeting(fields: Fields, rules: RuleSet, n: int) -> Meeting:
    body = rules[fields.take("body", _known(rules))]
    day = fields.take("date", date)
    time = fields.take("time", phrase(parse_time), body.meetings.time)
    for key in ("start", "end", "title", "location", "public", "explanation"):
        fields.taken.add(key)  # written for readers; the date and time above decide
    meeting = meeting_on(
        body,
        fields.take("id", text, f"{body.id}/added-{n:02d}"),
        day,
        Explanation("as given in the schedule", body.meetings.cite, anchor=f"{fields.file}:{fields.line}"),
        time=time,
        status=fields.take("status", phrase(_status), Status.PLANNED),
        tags=fields.take("tags", listing(identifier), ()),
    )
    fields.done()
    return meeting
