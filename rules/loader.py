"""Rule files into `rules.model` bodies, or one located error and nothing loaded.

YAML is read as a node tree (`yaml.compose`) so every value keeps its line; each
mapping is read through `Fields`, which takes each key once and refuses the ones
nobody took. Cross-file checks (unknown bodies, cycles, duplicate ids) run after
every file has been read, so a directory is accepted or rejected whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from graphlib import CycleError, TopologicalSorter
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, overload

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from rules.errors import RuleError
from rules.frequencies import Shape, kind_of, parse_frequency
from rules.model import (
    DEFAULT_NATION,
    MONTHS,
    NATIONS,
    ROLES,
    Attendance,
    Avoid,
    Body,
    Citation,
    Closure,
    DeadlineRule,
    ExtraordinaryRule,
    Frequency,
    ItemRule,
    Meetings,
    Move,
    Notice,
    Per,
    Position,
    Quorum,
    Relation,
    ReportRule,
)
from rules.offsets import Count, Offset, parse_offset
from rules.phrases import (
    parse_choice,
    parse_day_of_year,
    parse_duration,
    parse_item_at,
    parse_month,
    parse_pattern,
    parse_reminder,
    parse_time,
)

T = TypeVar("T")
D = TypeVar("D")
Reader = Callable[[Node], T]
_MISSING: Any = object()
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"  # a body's or a rule's id; the admin API checks it too
ID = re.compile(ID_PATTERN)

SEEDS = "seeds"
DEFAULT_WHO = ("clerk",)  # who a deadline is for, unless its rule says
REPORT_WITHIN = parse_offset("6 weeks")  # a report reflects a meeting held at most this long before it is due
# The default reminders of every deadline: 3 working days before and on the day, at 09:00.
DEFAULT_REMINDERS = (parse_reminder("3 working days before at 09:00"), parse_reminder("on the day at 09:00"))


def seeds_dir() -> Path:
    """The built-in seed bodies' rule files, shipped as package data."""
    return Path(str(resources.files("rules") / SEEDS))


# -- reading values from nodes --------------------------------------------------


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def text(node: Node) -> str:
    """A non-empty scalar, as text."""
    if not isinstance(node, ScalarNode) or not str(node.value).strip():
        raise RuleError("expected some text")
    return str(node.value).strip()


def identifier(node: Node) -> str:
    """A lowercase id with hyphens: "worcestershire-jcb"."""
    value = text(node)
    if not ID.match(value):
        raise RuleError(f"'{value}' is not an id: use lowercase letters, digits and hyphens")
    return value


def boolean(node: Node) -> bool:
    """true/false (yes/no)."""
    value = text(node).lower()
    if value in ("true", "yes"):
        return True
    if value in ("false", "no"):
        return False
    raise RuleError(f"'{value}' is not true or false")


def integer(node: Node) -> int:
    """A whole number, zero or more."""
    value = text(node)
    if not value.isdigit():
        raise RuleError(f"'{value}' is not a whole number")
    return int(value)


def fraction(node: Node) -> float:
    """A share of the membership: 0.5, "50%", "one third", "half"."""
    value = text(node).lower()
    named = {"half": 0.5, "one half": 0.5, "one third": 1 / 3, "a third": 1 / 3, "two thirds": 2 / 3}
    try:
        number = named.get(value) or (float(value[:-1]) / 100 if value.endswith("%") else float(value))
    except ValueError:
        raise RuleError(f"'{value}' is not a fraction; write it like 0.5, '50%' or 'one third'") from None
    if not 0 < number <= 1:
        raise RuleError(f"'{value}' must be more than 0 and at most 1 (100%)")
    return number


def date(node: Node) -> dt.date:
    """An ISO date, 2026-04-15."""
    value = text(node)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RuleError(f"'{value}' is not a date; write it like 2026-04-15") from None


def phrase(parse: Callable[[str], T]) -> Reader[T]:
    """A reader that parses a scalar with one of the vocabulary's parsers."""
    return lambda node: parse(text(node))


def listing(item: Reader[T]) -> Reader[tuple[T, ...]]:
    """A YAML sequence of items (a single scalar is a list of one)."""

    def read(node: Node) -> tuple[T, ...]:
        if isinstance(node, ScalarNode):
            return (item(node),)
        if not isinstance(node, SequenceNode):
            raise RuleError("expected a list")
        values = []
        for child in node.value:
            try:
                values.append(item(child))
            except RuleError as error:
                raise error.located(line=_line(child)) from None
        return tuple(values)

    return read


class Fields:
    """One YAML mapping being read: each key taken once, unknown keys refused."""

    def __init__(self, node: Node, file: str, where: str = "") -> None:
        if not isinstance(node, MappingNode):
            raise RuleError("expected a mapping of keys to values", file=file, line=_line(node), field=where or None)
        self.file, self.where, self.node = file, where, node
        self.items: dict[str, tuple[Node, Node]] = {}
        for key, value in node.value:
            name = str(key.value)
            if name in self.items:
                raise RuleError("appears twice", file=file, line=_line(key), field=self._name(name))
            self.items[name] = (key, value)
        self.taken: set[str] = set()

    def _name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    @property
    def line(self) -> int:
        return _line(self.node)

    def line_of(self, key: str) -> int:
        """The line a key's value is on (or the mapping's own line if absent)."""
        return _line(self.items[key][1]) if key in self.items else self.line

    def has(self, key: str) -> bool:
        return key in self.items

    @overload
    def take(self, key: str, read: Reader[T]) -> T: ...

    @overload
    def take(self, key: str, read: Reader[T], default: D) -> T | D: ...

    def take(self, key: str, read: Reader[T], default: Any = _MISSING) -> Any:
        """The value of `key` read by `read`; `default` when absent, an error when required."""
        self.taken.add(key)
        if key not in self.items:
            if default is _MISSING:
                raise RuleError("is required", file=self.file, line=self.line, field=self._name(key))
            return default
        node = self.items[key][1]
        try:
            return read(node)
        except RuleError as error:
            raise error.located(file=self.file, line=_line(node), field=self._name(key)) from None

    def nested(self, key: str) -> Fields | None:
        """The mapping under `key`, to read field by field, or None when absent."""
        self.taken.add(key)
        if key not in self.items:
            return None
        return Fields(self.items[key][1], self.file, self._name(key))

    def each(self, key: str) -> list[Fields]:
        """The mappings of a list under `key`."""
        self.taken.add(key)
        if key not in self.items:
            return []
        node = self.items[key][1]
        if not isinstance(node, SequenceNode):
            raise RuleError("expected a list", file=self.file, line=_line(node), field=self._name(key))
        return [Fields(child, self.file, f"{self._name(key)}[{i}]") for i, child in enumerate(node.value)]

    def fail(self, message: str, key: str | None = None) -> RuleError:
        """An error located at `key` (or at the mapping)."""
        return RuleError(
            message,
            file=self.file,
            line=self.line_of(key) if key else self.line,
            field=self._name(key) if key else (self.where or None),
        )

    def done(self) -> None:
        """Refuse any key that no reader took."""
        for name, (key, _) in self.items.items():
            if name not in self.taken:
                expected = ", ".join(sorted(self.taken))
                raise RuleError(
                    f"unknown key; expected one of {expected}", file=self.file, line=_line(key), field=self._name(name)
                )


# -- reading a body ---------------------------------------------------------------


def _cite(fields: Fields) -> Citation:
    return Citation(
        ref=fields.take("ref", text, ""),
        clause=fields.take("clause", text),
        quote=fields.take("quote", text, ""),
        local=fields.take("local", text, ""),
    )


@overload
def _offset(fields: Fields, key: str, *, sign: int | None = None) -> Offset: ...


@overload
def _offset(fields: Fields, key: str, *, sign: int | None = None, default: D) -> Offset | D: ...


def _offset(fields: Fields, key: str, *, sign: int | None = None, default: Any = _MISSING) -> Any:
    value = fields.take(key, phrase(parse_offset), default)
    if (
        sign is not None
        and value is not default
        and value.n * sign <= 0
        and value.count in (Count.WORKING, Count.CLEAR, Count.DAYS, Count.MONTHS)
    ):
        side = "before" if sign < 0 else "after"
        raise fields.fail(f"'{value}' must be {side} the meeting", key)
    return value


def _closure(fields: Fields) -> Closure:
    reason = fields.take("reason", text)
    if fields.has("date"):
        day = fields.take("date", date)
        fields.done()
        return Closure(reason, start=day, end=day)
    if fields.take("every_year", boolean, False):
        start = fields.take("from", phrase(parse_day_of_year))
        end = fields.take("to", phrase(parse_day_of_year))
        fields.done()
        return Closure(reason, yearly=(start, end))
    start_day = fields.take("from", date)
    end_day = fields.take("to", date)
    fields.done()
    if end_day < start_day:
        raise fields.fail(f"ends ({end_day}) before it starts ({start_day})", "to")
    return Closure(reason, start=start_day, end=end_day)


def _relation(fields: Fields, kind: str, lines: dict[str, int]) -> list[Relation]:
    body = fields.take("body", identifier)
    lines[f"relation:{body}"] = fields.line_of("body")
    window = fields.take("window", phrase(parse_offset), parse_offset("30 days"))
    if window.count is not Count.DAYS:
        raise fields.fail(f"'{window}': give the window in days or weeks, e.g. '30 days'", "window")
    cite = _cite(fields)
    if kind == "before_and_after":
        before = _offset(fields, "before", sign=-1)
        after = _offset(fields, "after", sign=+1)
        fields.done()
        return [Relation(body, before, "before", window, cite), Relation(body, after, "after", window, cite)]
    offset = _offset(fields, "offset", sign=+1)
    fields.done()
    return [Relation(body, offset, "following", window, cite)]


def _meetings(fields: Fields, has_terms: bool, lines: dict[str, int]) -> Meetings:
    cite = _cite(fields)
    frequency: Frequency | None = fields.take("frequency", phrase(parse_frequency), None)
    relations: list[Relation] = []
    for kind in ("before_and_after", "following"):
        nested = fields.nested(kind)
        if nested is not None:
            relations += _relation(nested, kind, lines)
    if frequency is None and not relations:
        raise fields.fail("needs a frequency, or before_and_after / following another body", "frequency")
    pattern = fields.take("pattern", phrase(parse_pattern), None)
    if frequency is not None and pattern is None and not relations:
        raise fields.fail("a body with a frequency needs a pattern such as 'second Tuesday'", "pattern")
    months = fields.take("months", listing(phrase(parse_month)), ())
    repeated = sorted({month for month in months if months.count(month) > 1})
    if repeated:
        raise fields.fail(f"names {MONTHS[repeated[0] - 1]} twice; give each month once", "months")
    if months and frequency is not None:
        if frequency.months:
            raise fields.fail(f"'{frequency.phrase}' names its months already; leave out 'months'", "months")
        spec = kind_of(frequency)
        periods = spec.cut(frequency, ()).periods
        if periods is not None and len(months) != periods * spec.per_period:
            raise fields.fail(
                f"gives {len(months)} months for {periods * spec.per_period} periods a year ('{frequency.phrase}')",
                "months",
            )
    termly = frequency is not None and kind_of(frequency).cut(frequency, ()).shape is Shape.TERMS
    avoid = fields.take("avoid_school_holidays", boolean, False)
    if (avoid or termly) and not has_terms:
        key = "avoid_school_holidays" if avoid else "frequency"
        raise fields.fail("needs a term calendar: add 'terms: <id or file>' to the body", key)
    meetings = Meetings(
        cite=cite,
        frequency=frequency,
        pattern=pattern,
        months=months,
        position=fields.take("position", phrase(lambda t: parse_choice(t, Position)), Position.FIRST),
        time=fields.take("time", phrase(parse_time), dt.time(10, 0)),
        duration=fields.take("duration", phrase(parse_duration), dt.timedelta(hours=2)),
        location=fields.take("location", text, ""),
        public=fields.take("public", boolean, True),
        avoid_school_holidays=avoid,
        if_unavailable=fields.take("if_unavailable", phrase(lambda t: parse_choice(t, Move)), Move.ERROR),
        relations=tuple(relations),
        tolerance=dt.timedelta(days=fields.take("tolerance", phrase(parse_offset), parse_offset("14 days")).n),
    )
    fields.done()
    return meetings


def _deadline(fields: Fields) -> DeadlineRule:
    rule = DeadlineRule(
        id=fields.take("id", identifier),
        name=fields.take("name", text),
        offset=fields.take("offset", phrase(parse_offset)),
        time=fields.take("time", phrase(parse_time), dt.time(17, 0)),
        anchor=fields.take("from", identifier, "meeting"),
        who=_who(fields, fields.take("who", listing(text), DEFAULT_WHO)),
        only_for=fields.take("only_for", identifier, None),
        cite=_cite(fields),
        reminders=fields.take("reminders", listing(phrase(parse_reminder)), DEFAULT_REMINDERS),
        overdue=fields.take("overdue", boolean, True),
    )
    fields.done()
    return rule


def _item(fields: Fields, established: dt.date | None) -> ItemRule:
    item_id = fields.take("id", identifier)
    name = fields.take("name", text)
    cite = _cite(fields)
    whens = [key for key in ("at", "by", "once") if fields.has(key)]
    if len(whens) != 1:
        raise fields.fail("needs exactly one of 'at', 'by' or 'once'", whens[1] if len(whens) > 1 else None)
    at, at_month = fields.take("at", phrase(parse_item_at), (None, None))
    first_within = fields.take("first_within", phrase(parse_offset), None)
    if first_within is not None and established is None:
        raise fields.fail("needs the body's 'established' date", "first_within")
    item = ItemRule(
        id=item_id,
        name=name,
        cite=cite,
        at=at,
        at_month=at_month,
        by=fields.take("by", phrase(parse_day_of_year), None),
        once=fields.take("once", date, None),
        first_within=first_within,
        papers=_offset(fields, "papers", sign=-1, default=None),
        who=_who(fields, DEFAULT_WHO),
    )
    if item.papers is not None and item.at is None:
        raise fields.fail("'papers' needs an item taken 'at' a meeting", "papers")
    fields.done()
    return item


def _report(fields: Fields) -> ReportRule:
    per = fields.take("per", text)
    if per not in tuple(Per):
        raise fields.fail(f"'{per}': expected 'quarter' or 'year'", "per")
    rule = ReportRule(
        to=fields.take("to", identifier),
        per=Per(per),
        offset=_offset(fields, "offset", sign=-1),
        time=fields.take("time", phrase(parse_time), dt.time(17, 0)),
        cite=_cite(fields),
        within=dt.timedelta(days=fields.take("within", phrase(parse_offset), REPORT_WITHIN).n),
        who=_who(fields, DEFAULT_WHO),
    )
    fields.done()
    return rule


def _who(fields: Fields, who: tuple[str, ...]) -> tuple[str, ...]:
    """Who a deadline or report is for, with its `owner` (a role on the body) added."""
    owner = fields.take("owner", identifier, None)
    return who if owner is None or owner in who else (*who, owner)


def _extraordinary(fields: Fields, deadlines: Sequence[DeadlineRule]) -> ExtraordinaryRule:
    rule = ExtraordinaryRule(
        cite=_cite(fields),
        chair_may_call=fields.take("chair_may_call", boolean, True),
        seconder_required=fields.take("seconder_required", boolean, True),
        window=_offset(fields, "window", sign=+1, default=parse_offset("within 14 days")),
        notice=fields.take("notice", identifier),
        takes_ordinary_business=fields.take("takes_ordinary_business", boolean, False),
    )
    if rule.notice not in {deadline.id for deadline in deadlines}:
        raise fields.fail(f"'{rule.notice}' is not one of this body's deadlines", "notice")
    fields.done()
    return rule


def _quorum(fields: Fields) -> Quorum:
    quorum = Quorum(
        cite=_cite(fields),
        min_present=fields.take("min_present", integer, 0),
        fraction=fields.take("fraction", fraction, 0.0),
        requires=fields.take("requires", listing(text), ()),
        others=fields.take("others", integer, 0),
        min_organisations=fields.take("min_organisations", integer, 0),
        organisations=fields.take("organisations", listing(text), ()),
        substitutes_count=fields.take("substitutes_count", boolean, True),
        in_person=fields.take("in_person", listing(text), ()),
        warn_before=fields.take("warn_before", integer, 5),
    )
    if not (quorum.min_present or quorum.fraction or quorum.requires or quorum.organisations):
        raise fields.fail("says nothing: give min_present, fraction, requires or organisations")
    fields.done()
    return quorum


def _unique(rules: Iterable[Any], fields: list[Fields], what: str) -> None:
    seen: set[str] = set()
    for rule, where in zip(rules, fields, strict=True):
        if rule.id in seen:
            raise where.fail(f"{what} id '{rule.id}' is used twice", "id")
        seen.add(rule.id)


def _check_chains(deadlines: Sequence[DeadlineRule], fields: list[Fields]) -> None:
    """Every `from` names another deadline, and no chain comes back on itself."""
    by_id = {deadline.id: deadline for deadline in deadlines}
    for deadline, where in zip(deadlines, fields, strict=True):
        seen = [deadline.id]
        anchor = deadline.anchor
        while anchor != "meeting":
            if anchor not in by_id:
                raise where.fail(f"'{anchor}' is not one of this body's deadlines (or 'meeting')", "from")
            if anchor in seen:
                raise where.fail(f"deadlines depend on each other in a circle: {' -> '.join([*seen, anchor])}", "from")
            seen.append(anchor)
            anchor = by_id[anchor].anchor


def read_body(node: Node, file: str) -> tuple[Body, dict[str, int]]:
    """One body from its document node, with the lines of the fields other files refer to."""
    fields = Fields(node, file)
    body_id = fields.take("id", identifier)
    established = fields.take("established", date, None)
    terms = fields.take("terms", text, None)
    meetings_fields = fields.nested("meetings")
    if meetings_fields is None:
        raise fields.fail("is required", "meetings")
    lines: dict[str, int] = {}
    meetings = _meetings(meetings_fields, terms is not None, lines)
    deadline_fields = fields.each("deadlines")
    deadlines = tuple(_deadline(each) for each in deadline_fields)
    _unique(deadlines, deadline_fields, "deadline")
    _check_chains(deadlines, deadline_fields)
    item_fields = fields.each("items")
    items = tuple(_item(each, established) for each in item_fields)
    _unique(items, item_fields, "item")
    notice_fields = fields.each("notices")
    notices = tuple(
        Notice(
            each.take("id", identifier), each.take("name", text), each.take("period", phrase(parse_offset)), _cite(each)
        )
        for each in notice_fields
    )
    for each in notice_fields:
        each.done()
    extraordinary = fields.nested("extraordinary")
    quorum = fields.nested("quorum")
    attendance = fields.nested("attendance")
    report_fields = fields.each("reports")
    roles = fields.nested("roles")
    body = Body(
        id=body_id,
        name=fields.take("name", text),
        short_name=fields.take("short_name", text, ""),
        document=fields.take("document", text, ""),
        nation=fields.take("nation", phrase(_nation), DEFAULT_NATION),
        cycle_start=fields.take("cycle_start", phrase(parse_month)),
        meetings=meetings,
        deadlines=deadlines,
        items=items,
        reports=tuple(_report(each) for each in report_fields),
        extraordinary=_extraordinary(extraordinary, deadlines) if extraordinary else None,
        quorum=_quorum(quorum) if quorum else None,
        attendance=_attendance(attendance) if attendance else None,
        notices=notices,
        closures=tuple(_closure(each) for each in fields.each("closures")),
        terms=terms,
        established=established,
        avoid=fields.take("avoid", listing(phrase(lambda t: parse_choice(t, Avoid))), ()),
        roles=_roles(roles) if roles else (),
        source_file=file,
    )
    fields.done()
    _check_owners(body, [*deadline_fields, *item_fields, *report_fields])
    if Avoid.SCHOOL_HOLIDAYS in body.avoid and terms is None:
        raise fields.fail("avoiding school holidays needs a term calendar: add 'terms: <id or file>'", "avoid")
    if Avoid.CLOSURES in body.avoid and not body.closures:
        raise fields.fail("avoiding closures needs the body's 'closures'", "avoid")
    lines.update(id=fields.line_of("id"), terms=fields.line_of("terms"))
    for report, each in zip(body.reports, report_fields, strict=True):
        lines[f"report:{report.to}"] = each.line_of("to")
    return body, lines


def _roles(fields: Fields) -> tuple[tuple[str, str], ...]:
    """The body's own roles (an Outcome Lead), each id with the name people use."""
    roles = []
    for role_id in list(fields.items):
        if not ID.match(role_id) or role_id in ROLES:
            raise fields.fail("a role id: lowercase letters, digits and hyphens, not a built-in role", role_id)
        roles.append((role_id, fields.take(role_id, text)))
    fields.done()
    return tuple(roles)


def _check_owners(body: Body, fields: list[Fields]) -> None:
    """Every owner a deadline, item or report names is a role on the body."""
    known = set(body.role_ids)
    rules: list[DeadlineRule | ItemRule | ReportRule] = [*body.deadlines, *body.items, *body.reports]
    for rule, each in zip(rules, fields, strict=True):
        for who in rule.who:
            if ID.match(who) and who not in known and who != "members":
                raise each.fail(f"'{who}' is not a role on {body.id}; declare it under 'roles'", "owner")


def _attendance(fields: Fields) -> Attendance:
    attendance = Attendance(_cite(fields), fields.take("follow_up_after", integer))
    fields.done()
    return attendance


def _nation(value: str) -> str:
    if value not in NATIONS:
        raise RuleError(f"'{value}' is not a nation; expected one of {', '.join(NATIONS)}")
    return value


# -- files and directories ----------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """One kept version of a body's rules: the body as it reads, and the day it applies from."""

    body: Body
    applies_from: dt.date
    label: str


@dataclass(frozen=True)
class RuleSet:
    """Bodies loaded together, in an order where each comes after those it depends on."""

    bodies: Mapping[str, Body]
    lines: Mapping[str, Mapping[str, int]]
    versions: Mapping[str, tuple[Version, ...]] = field(default_factory=dict)  # kept rules: each body's, by day

    def in_force(self, body_id: str, day: dt.date) -> Version | None:
        """The version of a body's rules in force on `day` (its first, before any applies);
        None for rules read from files, which have one version."""
        kept = self.versions.get(body_id)
        if not kept:
            return None
        return next((version for version in reversed(kept) if version.applies_from <= day), kept[0])

    def changes_between(self, body_id: str, first: dt.date, last: dt.date) -> bool:
        """Whether a version of the body's rules other than the first in force applies in these days."""
        return any(first < version.applies_from <= last for version in self.versions.get(body_id, ()))

    def __iter__(self) -> Iterator[Body]:
        return iter(self.bodies.values())

    def __len__(self) -> int:
        return len(self.bodies)

    def __getitem__(self, body_id: str) -> Body:
        return self.bodies[body_id]

    @cached_property
    def search_texts(self) -> tuple[tuple[Body, str], ...]:
        """Each body with what a search looks in (its id and name, in lower case), made once
        for the rules rather than for every page asked of 20,000 bodies."""
        return tuple((body, f"{body.id} {body.name}".lower()) for body in self)

    @cached_property
    def dependants(self) -> Mapping[str, tuple[str, ...]]:
        """Each body's dependants: the bodies planned from its meetings or reporting to it."""
        found: dict[str, list[str]] = {body_id: [] for body_id in self.bodies}
        for body in self:
            for other in body.depends_on:
                found[other].append(body.id)
        return {body_id: tuple(each) for body_id, each in found.items()}

    def downstream(self, body_ids: Iterable[str]) -> set[str]:
        """These bodies and all that depend on them, however indirectly."""
        return _reachable(body_ids, lambda body_id: self.dependants[body_id])

    def upstream(self, body_ids: Iterable[str]) -> set[str]:
        """These bodies and all they depend on, however indirectly."""
        return _reachable(body_ids, lambda body_id: self.bodies[body_id].depends_on)

    def locate(self, body_id: str, key: str) -> tuple[str, int]:
        """The file and line of a body's field, for errors found after loading."""
        body = self.bodies[body_id]
        return body.source_file, self.lines[body_id].get(key) or self.lines[body_id]["id"]


def _reachable(start: Iterable[str], step: Callable[[str], Iterable[str]]) -> set[str]:
    found = set(start)
    todo = list(found)
    while todo:
        for each in step(todo.pop()):
            if each not in found:
                found.add(each)
                todo.append(each)
    return found


# libyaml's loader where PyYAML was built with it (its wheels are): about ten times
# faster than the pure-Python one, with the same nodes and line marks.
COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose(path: Path) -> tuple[Node, str]:
    """A rule file's one YAML document, and the SHA-256 of its bytes."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RuleError(f"cannot read: {error}", file=str(path)) from None
    return compose(data, str(path))


def compose(data: bytes, name: str) -> tuple[Node, str]:
    """A rule file's text (read from `name`: a file, or a version kept in the database) as
    its one YAML document, and the SHA-256 of its bytes."""
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RuleError(f"cannot read: {error}", file=name) from None
    try:
        nodes = list(yaml.compose_all(source, Loader=COMPOSER))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise RuleError(f"not valid YAML: {problem}", file=name, line=mark.line + 1 if mark else None) from None
    if len(nodes) != 1:
        raise RuleError(f"holds {len(nodes)} YAML documents; a rule file describes one body", file=name)
    return nodes[0], hashlib.sha256(data).hexdigest()


def rule_files(paths: Iterable[Path]) -> list[Path]:
    """The .yaml/.yml files named, and those inside named directories, sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
        elif path.exists():
            files.append(path)
        else:
            raise RuleError("no such file or directory", file=str(path))
    if not files:
        raise RuleError("no rule files (*.yaml) found", file=", ".join(str(p) for p in paths))
    return files


def load_rules(paths: Iterable[Path] | None = None) -> RuleSet:
    """Load rule files (default: the built-in seed bodies) and check them together."""
    files = rule_files([Path(p) for p in paths] if paths is not None else [seeds_dir()])
    bodies: dict[str, Body] = {}
    lines: dict[str, dict[str, int]] = {}
    for path in files:
        node, digest = _compose(path)
        body, body_lines = read_body(node, str(path))
        _add(bodies, lines, replace(body, digest=digest), body_lines)
    rules = RuleSet(bodies, lines)
    return RuleSet(_dependency_order(rules), lines)


def _add(bodies: dict[str, Body], lines: dict[str, dict[str, int]], body: Body, body_lines: dict[str, int]) -> None:
    """A body read, refused if another file already gave its id."""
    if body.id in bodies:
        raise RuleError(
            f"body '{body.id}' is already defined in {bodies[body.id].source_file}",
            file=body.source_file,
            line=body_lines["id"],
            field="id",
        )
    bodies[body.id] = body
    lines[body.id] = body_lines


@dataclass(frozen=True)
class Source:
    """A rule file's text as kept: the version of a body's rules that applies from a day."""

    name: str  # where errors point: "worcestershire-jcb, version 3"
    data: bytes
    applies_from: dt.date
    label: str = ""  # how `explain` names it: "version 3, applying from Fri 1 Jan 2027"


def read_source(source: Source) -> tuple[Body, dict[str, int]]:
    """One kept version of a body's rules, read and checked as a rule file is."""
    node, digest = compose(source.data, source.name)
    body, body_lines = read_body(node, source.name)
    return replace(body, digest=digest), body_lines


def load_versions(sources: Iterable[Source], today: dt.date) -> RuleSet:
    """Kept versions of bodies' rules as one rule set: each body as in force `today` (its
    first version, if none is yet), with every version and the day it applies from, so the
    planner places each period by the version in force at its start. Checked as a directory
    of rule files is, and the bodies each version names must be in the set."""
    by_body: dict[str, list[tuple[Source, Body, dict[str, int]]]] = {}
    for source in sources:
        body, body_lines = read_source(source)
        by_body.setdefault(body.id, []).append((source, body, body_lines))
    bodies: dict[str, Body] = {}
    lines: dict[str, dict[str, int]] = {}
    versions: dict[str, tuple[Version, ...]] = {}
    for body_id, kept in by_body.items():
        kept.sort(key=lambda each: each[0].applies_from)
        in_force = [each for each in kept if each[0].applies_from <= today] or kept[:1]
        _, body, body_lines = in_force[-1]
        _add(bodies, lines, body, body_lines)
        versions[body_id] = tuple(Version(each, source.applies_from, source.label) for source, each, _ in kept)
    for each in versions.values():
        for version in each:
            for other in version.body.depends_on:
                if other not in bodies:
                    raise RuleError(
                        f"unknown body '{other}'; known bodies: {', '.join(sorted(bodies))}",
                        file=version.body.source_file,
                        field="body",
                    )
    rules = RuleSet(bodies, lines)
    return RuleSet(_dependency_order(rules), lines, versions)


def _dependency_order(rules: RuleSet) -> dict[str, Body]:
    """Bodies ordered so each follows the bodies it refers to; unknown names and cycles refused."""
    for body in rules:
        for other in body.depends_on:
            if other not in rules.bodies:
                key = f"relation:{other}" if f"relation:{other}" in rules.lines[body.id] else f"report:{other}"
                file, line = rules.locate(body.id, key)
                known = ", ".join(sorted(rules.bodies))
                raise RuleError(f"unknown body '{other}'; known bodies: {known}", file=file, line=line, field="body")
            if other == body.id:
                file, line = rules.locate(body.id, f"relation:{other}")
                raise RuleError("a body cannot be planned from its own meetings", file=file, line=line, field="body")
    try:
        order = _in_file_order({body.id: body.depends_on for body in rules})
    except CycleError as error:
        # graphlib lists the cycle with each body before the ones that depend on it; read it
        # the other way, "a -> b" as "a depends on b", and blame the file of the last step.
        cycle = list(reversed(error.args[1]))
        source, target = cycle[-2], cycle[-1]
        key = f"relation:{target}" if f"relation:{target}" in rules.lines[source] else f"report:{target}"
        file, line = rules.locate(source, key)
        raise RuleError(
            f"bodies depend on each other in a circle: {' -> '.join(cycle)}", file=file, line=line, field="body"
        ) from None
    return {body_id: rules[body_id] for body_id in order}


def _in_file_order(graph: Mapping[str, Sequence[str]]) -> list[str]:
    """Each body after those it depends on, and otherwise in the order its file was read
    (graphlib's `CycleError` where there is no such order)."""
    position = {body_id: n for n, body_id in enumerate(graph)}
    sorter = TopologicalSorter(graph)
    sorter.prepare()
    ready = [(position[body_id], body_id) for body_id in sorter.get_ready()]
    heapq.heapify(ready)
    ordered: list[str] = []
    while ready:
        _, body_id = heapq.heappop(ready)
        ordered.append(body_id)
        sorter.done(body_id)
        for each in sorter.get_ready():
            heapq.heappush(ready, (position[each], each))
    return ordered
