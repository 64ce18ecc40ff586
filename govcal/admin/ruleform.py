"""A body's rule file as a form: every field of the rule language, filled from a rule file's
text, and a posted form read back into rule-file text with the loader's message beside the
field it is about.

Reusable by any page that edits or drafts a body's rules (`form_from_text`, `text_from_form`,
and the `admin/ruleform.html` fragment that renders a `RuleForm`). The one-value fields are
inputs; the sections that hold lists or mappings (deadlines, items, reports, closures, ...)
are YAML, each in its own box, so nothing the rule language says is out of reach.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from rules.errors import RuleError
from rules.loader import Source, read_source
from rules.model import MONTHS, NATIONS


@dataclass(frozen=True)
class Field:
    """One field of the form: its name (the rule file's key path), its label, and its kind."""

    name: str  # "name", "meetings.pattern", "deadlines"
    label: str
    kind: str = "text"  # text, choice, yaml, list (comma-separated)
    choices: tuple[str, ...] = ()
    hint: str = ""

    @property
    def element(self) -> str:
        """Its element's id on the page ("f-meetings-pattern"), which other pages link to."""
        return "f-" + self.name.replace(".", "-")


FIELDS = (
    Field("id", "Id", hint="lowercase letters, digits and hyphens: worcestershire-jcb"),
    Field("name", "Name"),
    Field("short_name", "Short name", hint="what members call it, in calendars: Worcestershire JCB (optional)"),
    Field("document", "Source document"),
    Field("nation", "Nation", "choice", tuple(NATIONS)),
    Field("cycle_start", "Cycle year starts in", "choice", tuple(m.lower() for m in MONTHS)),
    Field("established", "Established", hint="a date, 2009-04-01 (optional)"),
    Field("terms", "Term calendar", hint="leeds, suffolk, or a kept calendar's name (optional)"),
    Field("avoid", "Avoid", "list", hint="school holidays, closures (optional)"),
    Field("meetings.frequency", "How often it meets", hint="monthly, quarterly, termly, at least 4 a year ..."),
    Field("meetings.pattern", "Meeting day", hint="second Tuesday, last Wednesday ..."),
    Field("meetings.months", "Months", "list", hint="for N a year: March, June, September, December (optional)"),
    Field("meetings.position", "Position in its period", hint="first (default), or middle, last"),
    Field("meetings.time", "Time", hint="14:00"),
    Field("meetings.duration", "Duration", hint="2 hours"),
    Field("meetings.location", "Location"),
    Field("meetings.public", "Meets in public", "choice", ("true", "false")),
    Field("meetings.avoid_school_holidays", "Avoids school holidays", "choice", ("false", "true")),
    Field("meetings.if_unavailable", "If the day is not a working day", hint="error (default), next same weekday ..."),
    Field("meetings.tolerance", "Tolerance", hint="14 days"),
    Field("meetings.ref", "Rule reference", hint="F8"),
    Field("meetings.clause", "Clause", hint="8.1"),
    Field("meetings.quote", "Quote"),
    Field("meetings.local", "Local practice"),
    Field("meetings.before_and_after", "Meets before and after another body", "yaml"),
    Field("meetings.following", "Meets following another body", "yaml"),
    Field("closures", "Closures", "yaml"),
    Field("roles", "Roles", "yaml"),
    Field("deadlines", "Deadlines", "yaml"),
    Field("items", "Annual items", "yaml"),
    Field("reports", "Reports", "yaml"),
    Field("extraordinary", "Extraordinary meetings", "yaml"),
    Field("quorum", "Quorum", "yaml"),
    Field("attendance", "Attendance", "yaml"),
    Field("notices", "Notices", "yaml"),
)
BY_NAME = {each.name: each for each in FIELDS}
LENGTH = 100_000  # characters in one field (a body's deadlines as YAML are a few thousand)


@dataclass
class RuleForm:
    """The form's values (text, as typed), the loader's message beside each field it is
    about, the rule file's text they make, and whether it loads."""

    values: dict[str, str]
    messages: dict[str, str] = field(default_factory=dict)
    text: str = ""

    @property
    def fields(self) -> tuple[Field, ...]:
        return FIELDS

    @property
    def ok(self) -> bool:
        return not self.messages and bool(self.text)


def form_from_text(text: str) -> RuleForm:
    """A rule file's text as the form's values (every scalar read as written: 14:00 stays text)."""
    try:
        data = yaml.load(text, Loader=yaml.BaseLoader) if text.strip() else {}
    except yaml.YAMLError as error:
        return RuleForm({}, {"yaml": f"not valid YAML: {error}"}, text)
    data = data if isinstance(data, dict) else {}
    values: dict[str, str] = {}
    for each in FIELDS:
        value = _at(data, each.name)
        if value is None:
            continue
        if each.kind == "yaml":
            values[each.name] = _dump(value)
        elif each.kind == "list":
            values[each.name] = ", ".join(value) if isinstance(value, list) else str(value)
        else:
            values[each.name] = str(value) if not isinstance(value, (dict, list)) else _dump(value)
    return RuleForm(values, {}, text)


def text_from_form(posted: Mapping[str, str]) -> RuleForm:
    """A posted form as a rule file's text, checked by the loader: the message of the first
    mistake beside the field it is about (`yaml` for one no field holds)."""
    values = {each.name: str(posted.get(each.name, "")).strip() for each in FIELDS}
    values = {name: value for name, value in values.items() if value}
    messages = {name: said for name, value in values.items() if (said := refused(value, LENGTH))}
    if messages:
        return RuleForm(values, messages, "")
    data: dict[str, Any] = {}
    for each in FIELDS:
        value = values.get(each.name)
        if value is None:
            continue
        if each.kind == "yaml":
            try:
                parsed = yaml.load(value, Loader=yaml.BaseLoader)
            except yaml.YAMLError as error:
                messages[each.name] = f"not valid YAML: {getattr(error, 'problem', None) or error}"
                continue
            _put(data, each.name, parsed)
        elif each.kind == "list":
            _put(data, each.name, [part.strip() for part in value.split(",") if part.strip()])
        else:
            _put(data, each.name, value)
    if messages:
        return RuleForm(values, messages, "")
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    try:
        read_source(Source("the form", text.encode("utf-8"), dt.date.min))
    except RuleError as error:
        messages[_field_of(error.field)] = error.message
    return RuleForm(values, messages, text)


def refused(value: str, limit: int) -> str:
    """What is wrong with a posted value of the form (or a rule file's text posted back), or
    '' if nothing: too long, or a character no rule file holds (a control character other
    than a line break or tab, a lone surrogate)."""
    if len(value) > limit:
        return f"at most {limit} characters, not {len(value)}"
    bad = next((c for c in value if unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\r\t"), None)
    if bad is None:
        return ""
    kind = "a lone surrogate" if unicodedata.category(bad) == "Cs" else "a control character"
    return f"{kind} (U+{ord(bad):04X}) is not allowed"


def _at(data: Mapping[str, Any], name: str) -> Any:
    head, _, rest = name.partition(".")
    value = data.get(head)
    if rest:
        return value.get(rest) if isinstance(value, dict) else None
    return value


def _put(data: dict[str, Any], name: str, value: Any) -> None:
    head, _, rest = name.partition(".")
    if rest:
        data.setdefault(head, {})[rest] = value
    else:
        data[head] = value


def _dump(value: Any) -> str:
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=100).strip()


def _field_of(located: str | None) -> str:
    """The form field a loader's error is about: its key path, or the section holding it."""
    if not located:
        return "yaml"
    path = located.split("[")[0]
    while path:
        if path in BY_NAME:
            return path
        path = path.rpartition(".")[0]
    return "yaml"
