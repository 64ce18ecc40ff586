"""A rule file drafted from a terms of reference: what the document says, cited, and what a
person must choose, marked.

Each value in the draft comes from one finding and carries its clause and quote. Where the
rule language needs a value the document does not give (a meeting day, a time, how a
special meeting's notice is measured), the draft gives a default and says so in the rule's
`local` field ("not in the document: choose"), so the draft plans at once and the clerk
sees what to decide. The draft is checked by the rule loader before it is returned.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from rules.drafting.clauses import Clause, clauses
from rules.drafting.documents import Block, Document
from rules.drafting.findings import (
    BODY_NOUNS,
    DEADLINES,
    Body,
    Found,
    PassedOver,
    find,
)
from rules.errors import RuleError
from rules.loader import COMPOSER, ID, read_body
from rules.model import MONTHS, NATION_NAMES

CHOOSE = "not in the document: choose"
DEFAULTS = {
    "frequency": "quarterly",
    "pattern": "second Tuesday",
    "time": "10:00",
    "duration": "2 hours",
    "cycle_start": "april",
    "papers": "5 clear working days before",
    "window": "within 14 days",
    "item_at": "last meeting",
}


@dataclass(frozen=True, slots=True)
class Decision:
    """A value the draft had to give that the document does not: the field, the default, why."""

    field: str
    default: str
    why: str = CHOOSE


@dataclass(slots=True)
class Draft:
    """A drafted rule file, with where each value came from and what is left to decide."""

    body_id: str
    name: str
    document: Document
    clauses: list[Clause]
    rules: dict[str, Any]
    used: list[Found]
    decisions: list[Decision] = field(default_factory=list)
    passed_over: list[PassedOver] = field(default_factory=list)
    not_expressed: list[Found] = field(default_factory=list)
    others: tuple[str, ...] = ()  # the other bodies whose terms of reference the document also holds

    @property
    def text(self) -> str:
        """The rule file: a header saying what to decide, then the rules, each cited."""
        return render(self)

    def filled(self) -> dict[int, list[str]]:
        """The rule file's fields each clause filled, by the clause's block: what a reviewer
        follows from the document's words to the value they gave."""
        by_block: dict[int, list[str]] = {}
        for each in self.used:
            fields = by_block.setdefault(each.source.index, [])
            if rule_field(each.field) not in fields:
                fields.append(rule_field(each.field))
        return by_block


# A finding's field ("pattern", "deadline:papers", "quorum:fraction") as the rule file's key path.
_RULE_FIELDS = {
    "frequency": "meetings.frequency", "months": "meetings.months", "pattern": "meetings.pattern",
    "weekday": "meetings.pattern", "time": "meetings.time", "duration": "meetings.duration",
    "location": "meetings.location", "public": "meetings.public", "deadline": "deadlines",
    "deadline-time": "deadlines", "extraordinary": "extraordinary", "item": "items", "item-at": "items",
    "item-by": "items", "quorum": "quorum", "cycle_start": "cycle_start", "nation": "nation",
}  # fmt: skip


def rule_field(found: str) -> str:
    """The rule file's field a finding fills: "deadline:papers" -> "deadlines"."""
    return _RULE_FIELDS.get(found.split(":", 1)[0], found)


def draft_rules(document: Document, body_id: str | None = None, body_name: str | None = None) -> Draft:
    """Draft the rule file of the body a document is the terms of reference of, or of the one
    named by `body_name` where a document holds several bodies' terms."""
    found_clauses = clauses(document.blocks)
    parts = sections(document.blocks)
    owners = parts
    name, aliases, name_source = _name(document.blocks, found_clauses, document.name)
    if body_name:
        host = name
        name, aliases, name_source = _chosen(body_name, document, parts)
        owners = [owner or host for owner in parts]  # what comes before any part is its host's
    body = Body(name, aliases)
    findings = find(found_clauses, body, {clause.index: owners[clause.index] for clause in found_clauses})
    builder = _Builder(findings.found)
    if name_source is None:
        builder.decide("name", name, "the document's title names no body: choose")
    rules: dict[str, Any] = {"id": body_id or _slug(name), "name": name, "document": document.name}
    rules["nation"] = builder.value(
        "nation", "england-and-wales", "nation", f"{CHOOSE} (one of {', '.join(NATION_NAMES)})"
    )
    meetings = builder.meetings()
    rules["cycle_start"] = builder.value(
        "cycle_start",
        "september" if "termly" in str(meetings.get("frequency")) else DEFAULTS["cycle_start"],
        "cycle_start",
        "the document names no municipal, financial or academic year: choose when the body's year begins",
    )
    if "termly" in str(meetings.get("frequency")):
        rules["terms"] = "leeds"
        builder.decide(
            "terms",
            "leeds",
            "a termly body needs its authority's school terms: name your term calendar (built in: leeds, suffolk)",
        )
    if "months" in meetings:  # in the order of the body's year, as the rule language takes them
        start = MONTHS.index(rules["cycle_start"])
        meetings["months"] = sorted(meetings["months"], key=lambda month: (MONTHS.index(month) - start) % 12)
    rules["meetings"] = meetings
    deadlines = builder.deadlines()
    extraordinary = builder.extraordinary(deadlines)
    if deadlines:
        rules["deadlines"] = deadlines
    if extraordinary:
        rules["extraordinary"] = extraordinary
    items = builder.items()
    if items:
        rules["items"] = items
    quorum = builder.quorum()
    if quorum:
        rules["quorum"] = quorum
    else:
        builder.decisions.append(Decision("quorum", "none", "not in the document: add it if the body has one"))
    drafted = Draft(
        body_id=rules["id"],
        name=name,
        document=document,
        clauses=found_clauses,
        rules=rules,
        used=builder.used,
        decisions=builder.decisions,
        passed_over=findings.passed_over,
        others=tuple(other for other in dict.fromkeys(parts) if other and not body.is_ours(other)),
        not_expressed=[each for each in findings.found if each.field.startswith(("unsupported:", "vague:"))],
    )
    node = yaml.compose(drafted.text, Loader=COMPOSER)
    if node is not None:  # the draft must load: a RuleError here is the drafter's own mistake
        read_body(node, document.name)
    return drafted


# -- the body's name -----------------------------------------------------------------------------

_NAME = re.compile(rf"(?:[A-Z][\w'’&-]*,?\s+(?:(?:and|of|for|the|&|on)\s+)*){{0,8}}(?:{BODY_NOUNS})s?\b")
_TITLE_NOISE = re.compile(
    r"\b(?:draft|final|approved|revised|updated|standard|terms of reference|constitution|version\s+[\d.]+)\b", re.I
)


def _name(blocks: Sequence[Block], found: list[Clause], file_name: str) -> tuple[str, tuple[str, ...], Block | None]:
    """The body's name from the document's title lines, the short names it defines ("the Board",
    "(HWB)"), and the block it was read from (None: from the file name). The first body named
    that is not a council is the body; a fuller form of its name further down is taken, and a
    host named in the lines just after it goes before it ("Little Hinton Parish Council
    Planning Committee")."""
    titles = [
        (n, name)
        for n, block in enumerate(blocks[:12])
        if len(block.text) <= 90 and not _SENTENCE.search(block.text)  # a title, not "3.1 The Committee shall meet"
        for name in _bodies_in(block.text)
    ]
    meeting = [(n, name) for n, name in titles if not name.endswith("Council")]
    direct = [(n, name) for n, name in meeting if _titles_itself(blocks[n].text, name)]  # "X Terms of Reference"
    meeting = direct + meeting
    name, source = "", None
    if titles:
        at, name = (meeting or titles)[0]
        source = blocks[at]
        fuller = [other for _, other in titles if other != name and other.endswith(name)]
        hosts = [
            other
            for n, other in titles
            if at < n <= at + 3 and other not in name and not other.endswith(name)  # not its own short name again
        ]
        hosts += [other for n, other in titles if at - 3 <= n < at and other.endswith("Council")]  # a letterhead
        defined = _defined(found, name)
        if defined:
            name = defined
        elif fuller:
            name = fuller[0]
        elif hosts and hosts[0].split()[0] != name.split()[0]:
            name = _joined(hosts[0], name)  # "Planning Committee" of "Little Hinton Parish Council"
    if not name:  # no title names it: the name the text defines ('The ... Committee ("the Committee")')
        name = _defined(found, "") or ""
    if not name:
        stem = re.sub(r"[-_]+", " ", file_name.rsplit(".", 1)[0]).strip()
        name = stem.title() or "New body"
    aliases: list[str] = []
    text = " ".join(clause.text for clause in found[:40])
    for match in re.finditer(r"\(\s*(?:the\s+|hereafter\s+)?[\"“‘']([^\"”’']{2,40})[\"”’']\s*\)", text):
        aliases.append(re.sub(r"^(?:the|The)\s+", "", match[1]))
    for match in re.finditer(r"\(([A-Z][A-Za-z&]{1,7}[A-Z])\)", text):
        aliases.append(match[1])
    return name, tuple(alias for alias in dict.fromkeys(aliases) if _names_us(alias, name)), source


def _chosen(wanted: str, document: Document, owners: Sequence[str]) -> tuple[str, tuple[str, ...], Block | None]:
    """The body a user named in a document of several bodies: the part that is its terms of
    reference ("Programme Board" -> "Appendix 2 – Programme Board – Terms of Reference"), or a
    body the text names; the name as given is kept as a short name for it ("JCB")."""
    asked = Body(" ".join(wanted.split()))
    text = " ".join(block.text for block in document.blocks)
    starts: dict[str, int] = {}  # each part, in document order, by its first block
    for at, owner in enumerate(owners):
        if owner:
            starts.setdefault(owner, at)
    for owner, at in starts.items():
        acronym = asked.name.isupper() and _names_us(asked.name, owner)
        if asked.is_ours(owner) or Body(owner).is_ours(asked.name) or acronym:
            return owner, (asked.name, *_acronyms(text, owner)), document.blocks[at]
    loose = r"\s+".join(re.escape(word.rstrip("'’").rstrip("s")) + r"[’']?s?[’']?" for word in asked.name.split())
    if re.search(rf"\b{loose}(?!\w)", text, re.I):
        return asked.name, (asked.name, *_acronyms(text, asked.name)), None
    parts = ", ".join(starts) or "none"
    raise RuleError(
        f"names no body '{wanted}' (the bodies whose terms it holds: {parts})", file=document.name, field="--body"
    )


def _acronyms(text: str, name: str) -> tuple[str, ...]:
    """The initials a document's text calls a body by ("JCB" for the Joint Commissioning Board)."""
    initials = "".join(word[0] for word in name.split() if word[0].isupper())
    return (initials,) if len(initials) >= 2 and re.search(rf"\b{initials}\b", text) else ()


_SECTION = re.compile(r"^\s*(?:(?:appendix|annex|schedule|part)\s+[A-Z0-9]{1,3}\b|\d{1,2}(?:\.0)?\.?(?=\s))", re.I)
_TERMS = re.compile(r"\b(?:terms of reference|constitution)\b(?:\s+(?:of|for))?(?:\s+the)?", re.I)


def sections(blocks: Sequence[Block]) -> list[str]:
    """Whose terms of reference each block is in, where a document holds several bodies' (a
    partnership's constitution with its boards' terms in appendices): a part begins at a
    heading that is a body's name and nothing more ("Appendix 2 – Programme Board – Terms of
    Reference", "3.0 Joint Commissioning Board", a name over "Terms of Reference") and runs to
    the next; '' before the first. A line on every page (a running header) begins none."""
    owners: list[str] = []
    owner = ""
    seen = Counter(block.text.strip() for block in blocks)  # a line on every page is a running header
    begun = False  # the title lines name the body and its host: parts begin after them
    for at, block in enumerate(blocks):
        text = block.text.strip()
        begun = begun or len(text) > 90
        if begun and len(text) <= 90 and seen[text] < 3:
            numbered = _SECTION.match(text)
            titled = any(_TERMS.search(other.text) for other in blocks[at : at + 3] if len(other.text) <= 60)
            if block.heading or numbered or titled:
                named = _only_a_name(_TERMS.sub(" ", text[numbered.end() :] if numbered else text))
                if named and not named.endswith("Council"):
                    owner = named
        owners.append(owner)
    return owners


def _only_a_name(line: str) -> str | None:
    """The body a heading names, where the heading is its name and nothing more ("Programme
    Board", not "Relationship with the Safeguarding Children Board")."""
    cleaned = " ".join(_TITLE_NOISE.sub(" ", re.sub(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+", "", line)).split())
    cleaned = cleaned.strip(" ,.-–—:|/")
    cleaned = re.sub(r"^(?:[-–—:|/]\s*)+|^(?:the)\s+", "", cleaned, flags=re.I)
    named = _bodies_in(cleaned)
    if len(named) == 1 and named[0].lower() == cleaned.lower() and " the " not in named[0]:
        return named[0]
    return None


def _defined(found: list[Clause], name: str) -> str | None:
    """The body's full name where the document defines it ("has established the Marchshire
    Pension Fund Local Pension Board ("the Board")"), if it ends with the title's name."""
    text = " ".join(clause.text for clause in found[:40])
    for match in re.finditer(rf"(?P<full>{_NAME.pattern})\s*\(\s*(?:the\s+)?[\"“‘']", text):
        full = re.sub(r"^(?:The|THE|the)\s+", "", match["full"])
        hosting = not name and full.endswith("Council")  # with no title: a council defined first hosts the body
        if (
            full.lower() != name.lower()
            and full.lower().endswith(name.lower())
            and len(full.split()) >= 2
            and not hosting
        ):
            return full
    return None


_SENTENCE = re.compile(r"\b(?:shall|will|must|may|is|are)\b.*[.;:]\s*$|^\s*\d{1,2}(?:\.\d{1,2})+\s")


def _names_us(alias: str, name: str) -> bool:
    """Whether a short name the document defines is this body's: "the Board" for a Board,
    "HWB" for a Health and Wellbeing Board, not "the Council" that hosts it."""
    words = name.replace("-", " ").split()
    if alias.split()[-1].lower().rstrip("s") in {w.lower().rstrip("s") for w in words}:
        return True
    initials = "".join(w[0] for w in words if w[0].isupper())
    letters = iter(initials)
    return alias.isupper() and all(letter in letters for letter in alias)


def _bodies_in(line: str) -> list[str]:
    """The bodies a title line names ("PART 3: AUDIT AND GOVERNANCE COMMITTEE" -> the committee)."""
    found: list[str] = []
    if re.match(r"\s*(approved|agreed|adopted|endorsed|owner|document owner|prepared|author|replaces)\b", line, re.I):
        return found  # "Approved by<TAB>Pensions Committee": a record of who approved it names another body
    for part in re.split(r"\s+[-–—|/]\s+|:\s+|\s{2,}|\t", line):  # "Bwrdd ... / Regional Partnership Board"
        if re.match(
            r"\s*(approved|agreed|adopted|endorsed|owner|document owner|prepared|author|replaces)\b", part, re.I
        ):
            continue  # a document's record of who approved it names another body
        cleaned = " ".join(_TITLE_NOISE.sub(" ", part).split()).strip(" ,.-–:")
        if cleaned.isupper():
            cleaned = re.sub(r"\b(And|Of|For|The|On)\b", lambda m: m[0].lower(), cleaned.title().replace("'S ", "'s "))
        match = _NAME.search(cleaned)
        if match and len(match[0].split()) >= 2 and len(cleaned) <= 90:
            found.append(re.sub(r"^(?:The|THE)\s+", "", match[0].strip()))
    return found


def _titles_itself(line: str, name: str) -> bool:
    """Whether a line is the body's own title: its name, then "(standard) terms of reference"."""
    words = re.escape(name.lower())
    return (
        re.search(rf"{words}\s+(?:standard\s+|draft\s+)?(?:terms of reference|constitution)", line.lower()) is not None
    )


def _joined(host: str, name: str) -> str:
    """A body's name after its host's, the words they share said once: "Northmoor Safeguarding
    Children Partnership" and "Safeguarding Children Partnership Executive"."""
    host_words, words = host.split(), name.split()
    for size in range(min(len(host_words), len(words)), 0, -1):
        if host_words[-size:] == words[:size]:
            return " ".join(host_words + words[size:])
    return f"{host} {name}"


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", re.sub(r"['’]", "", name.lower()).replace("&", "and")).strip("-")
    slug = re.sub(r"-(?:the|of|and|for)-", "-", slug)
    return slug[:60].strip("-") if ID.match(slug[:60].strip("-")) else "new-body"


# -- assembling the rules ----------------------------------------------------------------------------


# Items of which a document may have several, each its own business (not the same said twice).
_EACH_ITS_OWN = ("dated", "business", "annual-report-received")


class _Builder:
    """Takes findings into the rule file's sections, recording which were used and what was chosen."""

    def __init__(self, found: list[Found]) -> None:
        self.found = found
        self.used: list[Found] = []
        self.decisions: list[Decision] = []

    def first(self, name: str) -> Found | None:
        return next((each for each in self.found if each.field == name), None)

    def take(self, name: str) -> Found | None:
        found = self.first(name)
        if found is not None:
            self.used.append(found)
        return found

    def decide(self, name: str, default: str, why: str = CHOOSE) -> None:
        self.decisions.append(Decision(name, default, why))

    def value(self, name: str, default: Any, label: str, why: str = CHOOSE) -> Any:
        found = self.take(name)
        if found is not None:
            return found.value
        self.decide(label, str(default), why)
        return default

    def meetings(self) -> dict[str, Any]:
        sources: list[Found] = []
        local: list[str] = []
        section: dict[str, Any] = {}
        candidates = [f for f in self.found if f.field == "frequency"]
        frequency = min(candidates, key=lambda f: f.rank) if candidates else None
        if frequency is not None:
            self.used.append(frequency)
            sources.append(frequency)
            section["frequency"] = frequency.value
            months = next((f for f in self.found if f.field == "months" and f.source == frequency.source), None)
            self.found = [
                f for f in self.found if f.field not in ("frequency", "months") or f.source == frequency.source
            ]
            if months is not None:
                self.used.append(months)
                section["months"] = months.value
            if frequency.reading:
                local.append(frequency.reading)
        else:
            said = self.first("unsupported:frequency") or self.first("vague:frequency")
            why = (
                f"the document says '{said.value}': choose how often to plan"
                if said
                else "how often the body meets is " + CHOOSE
            )
            section["frequency"] = DEFAULTS["frequency"]
            local.append(f"frequency {DEFAULTS['frequency']}: {why}")
            self.decide("meetings.frequency", DEFAULTS["frequency"], why)
        pattern = self.take("pattern")
        weekday = self.take("weekday") if pattern is None else None
        if pattern is not None:
            section["pattern"] = pattern.value
            sources.append(pattern)
        elif weekday is not None:
            sources.append(weekday)
            section["pattern"] = f"first {weekday.value}"
            local.append(f"the first {weekday.value}: the document gives the weekday, not which in the month: choose")
            self.decide(
                "meetings.pattern", section["pattern"], "the document gives the weekday, not which in the month: choose"
            )
        else:
            section["pattern"] = DEFAULTS["pattern"]
            local.append(f"{DEFAULTS['pattern']}: the meeting day is {CHOOSE}")
            self.decide("meetings.pattern", DEFAULTS["pattern"])
        given: dict[str, str] = {}  # what the document gave, not the defaults
        for key in ("time", "duration"):
            found = self.take(key)
            if found is None and key == "duration":
                found = self._until_the_end(given.get("time"))
            if found is not None:
                given[key] = found.value
                section[key] = found.value
                sources.append(found)
            else:
                section[key] = DEFAULTS[key]
                local.append(f"{key} {DEFAULTS[key]}: {CHOOSE}")
                self.decide(f"meetings.{key}", DEFAULTS[key])
        location = self.take("location")
        if location is not None:
            section["location"] = location.value
            sources.append(location)
        else:
            self.decide("meetings.location", "none", "the venue is " + CHOOSE)
        public = self.take("public")
        if public is not None:
            section["public"] = public.value
            sources.append(public)
        else:
            section["public"] = True
            local.append(f"public: whether the public may attend is {CHOOSE}")
            self.decide("meetings.public", "true", "whether the public may attend is " + CHOOSE)
        section["if_unavailable"] = "next working day"
        local.append("if the day is not a working day, the next working day: " + CHOOSE)
        return {**_cite(sources, local), **section}

    def _until_the_end(self, start: str | None) -> Found | None:
        """A meeting's length from the time it starts to the time it must end by ("at 7pm",
        "No meeting shall continue beyond 9.30pm": 2 hours 30 minutes)."""
        end = self.first("end")
        if start is None or end is None or end.value <= start:
            return None
        self.used.append(end)
        minutes = (int(end.value[:2]) * 60 + int(end.value[3:])) - (int(start[:2]) * 60 + int(start[3:]))
        hours, rest = divmod(minutes, 60)
        words = " ".join(
            part
            for part in (f"{hours} hour{'s' if hours != 1 else ''}" if hours else "", f"{rest} minutes" if rest else "")
            if part
        )
        return Found("duration", words, end.source, "from its start to the time it must end by")

    def deadlines(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for kind, name in DEADLINES.items():
            each = self.take(f"deadline:{kind}")
            if each is None:
                continue
            rule: dict[str, Any] = {"id": kind, "name": name, "offset": each.value}
            if kind == "minutes-comments":
                anchor = next((d["id"] for d in found if d["id"] in ("minutes", "minutes-to-chair")), None)
                if anchor is None:
                    continue
                rule["from"] = anchor
            deadline_time = self.take(f"deadline-time:{kind}")
            if deadline_time is not None:
                rule["time"] = deadline_time.value
            found.append({**rule, **_cite([each], [each.reading] if each.reading else [])})
        return found

    def extraordinary(self, deadlines: list[dict[str, Any]]) -> dict[str, Any] | None:
        mentioned = [f for f in self.found if f.field == "extraordinary"]
        if not mentioned:
            return None
        details = [f for f in self.found if f.field.startswith("extraordinary:")]
        self.used += details or mentioned[:1]
        local: list[str] = []
        section: dict[str, Any] = {}
        chair = next((f for f in details if f.field.endswith(":chair_may_call")), None)
        section["chair_may_call"] = chair is not None
        if chair is None:
            local.append("whether the Chair may call one alone is " + CHOOSE)
        requesters = next((f for f in details if f.field.endswith(":requesters")), None)
        section["seconder_required"] = requesters is not None and requesters.value > 1
        if requesters is None:
            local.append("whether a member's request needs another's support is " + CHOOSE)
        elif requesters.value > 2:
            local.append(
                f"the document asks for {requesters.value} members to request one; "
                "govcal records a request with its supporters"
            )
        if requesters is not None and requesters.reading:
            local.append(requesters.reading)
        window = next((f for f in details if f.field.endswith(":window")), None)
        section["window"] = window.value if window is not None else DEFAULTS["window"]
        if window is None:
            local.append(f"the window ({DEFAULTS['window']}) is {CHOOSE}")
            self.decide("extraordinary.window", DEFAULTS["window"])
        notice = next((f for f in details if f.field.endswith(":notice")), None)
        papers = next((d for d in deadlines if d["id"] == "papers"), None)
        if papers is None:
            papers = {
                "id": "papers",
                "name": DEADLINES["papers"],
                "offset": notice.value if notice is not None else DEFAULTS["papers"],
                "clause": "local practice",
                "local": "the papers' deadline, by which a special meeting's notice is measured: " + CHOOSE,
            }
            deadlines.insert(0, papers)
            self.decide("deadlines.papers", papers["offset"], "the notice of meetings is " + CHOOSE)
        elif notice is not None and notice.value != papers["offset"]:
            local.append(
                f"special meetings' notice, {notice.value} in the document, "
                f"is measured as the papers' ({papers['offset']})"
            )
        section["notice"] = "papers"
        sources = [f for f in [*details, *mentioned] if f.source in {d.source for d in details}] or mentioned[:1]
        return {**_cite(sources, local), **section}

    def items(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        seen: dict[str, int] = {}
        for each in [f for f in self.found if f.field.startswith("item:")]:
            kind = each.field.split(":", 1)[1]
            seen[kind] = seen.get(kind, 0) + 1
            if seen[kind] > 1 and kind not in _EACH_ITS_OWN:
                continue  # the same obligation said again
            self.used.append(each)
            item_id = kind if seen[kind] == 1 else f"{kind}-{seen[kind]}"
            rule: dict[str, Any] = {"id": item_id, "name": each.value}
            local: list[str] = []
            by, at = self._when(kind, each)
            if by is not None:
                rule["by"] = by.value
            elif at is not None:
                rule["at"] = at.value
            else:
                rule["at"] = DEFAULTS["item_at"]
                local.append(
                    f"the {DEFAULTS['item_at']}: the document says 'annually' but not at which meeting: choose"
                )
                self.decide(f"items.{item_id}", DEFAULTS["item_at"], "which meeting takes it is " + CHOOSE)
            found.append({**rule, **_cite([each, *(f for f in (by, at) if f and f.source != each.source)], local)})
        return found

    def _when(self, kind: str, item: Found) -> tuple[Found | None, Found | None]:
        """When an item falls: by its own sentence, or else by the next that says when the same
        obligation falls ("The Chair and Vice-Chair alternate each year ... The new Chair and
        Vice-Chair take office at the first meeting in June")."""
        whens = [f for f in self.found if f.field in (f"item-by:{kind}", f"item-at:{kind}")]
        if kind not in _EACH_ITS_OWN:
            whens.sort(key=lambda f: f.source != item.source)
        else:
            whens = [f for f in whens if f.source == item.source]
        when = whens[0] if whens else None
        if when is None:
            return None, None
        return (when, None) if when.field.startswith("item-by") else (None, when)

    def quorum(self) -> dict[str, Any] | None:
        parts = [f for f in self.found if f.field.startswith("quorum:")]
        if not parts:
            return None
        first = parts[0].source
        # the clause that gives the quorum, and the organisations it must include wherever they are said
        parts = [f for f in parts if f.source == first or f.field == "quorum:organisation"]
        self.used += parts
        section: dict[str, Any] = {}
        local: list[str] = []
        for each in parts:
            key = each.field.split(":", 1)[1]
            if key == "requires":
                section["requires"] = [each.value]
            elif key == "organisation":
                section.setdefault("organisations", []).append(each.value)
            elif key == "also":
                local.append(
                    f"the document also asks for '{each.value}': "
                    "govcal counts numbers, offices and organisations, not this: check it at the meeting"
                )
            else:
                section[key] = each.value
        if "organisations" in section:
            section["organisations"] = list(dict.fromkeys(section["organisations"]))
        if not {"min_present", "fraction", "requires", "organisations"} & set(section):
            return None
        return {**_cite(parts[:1], local), **section}


def _cite(sources: Iterable[Found], local: list[str]) -> dict[str, Any]:
    """The citation fields of a rule: its clauses, the sentences quoted, and its local choices."""
    sources = list(sources)
    clauses_cited = list(dict.fromkeys(each.source.clause for each in sources if each.source.clause))
    quotes = list(dict.fromkeys(each.source.quote.rstrip(".;") for each in sources))
    cited: dict[str, Any] = {"clause": ", ".join(clauses_cited) or "local practice"}
    if quotes:
        cited["quote"] = "; ".join(quotes)
    if local:
        cited["local"] = "; ".join(local)
    return cited


# -- writing it out -------------------------------------------------------------------------------


def render(draft: Draft) -> str:
    """The rule file as YAML, with a header listing what a person must decide and what was passed over."""
    lines = [
        f"# Drafted by govcal from {draft.document.name} ({draft.document.kind}). Every value cites the clause",
        "# and quotes the words it came from; a value marked `local` is a choice the document leaves to you.",
    ]
    if draft.others:
        lines.append("#")
        lines.append(f"# The document also holds the terms of reference of: {', '.join(draft.others)}.")
        lines.append("# Their parts were read as theirs; draft each with --body NAME.")
    if draft.decisions:
        lines.append("#")
        lines.append("# To decide (not in the document):")
        lines += [
            f"#   - {d.field}: {d.default if d.default != 'none' else 'nothing yet'} ({d.why})" for d in draft.decisions
        ]
    if draft.not_expressed:
        lines.append("#")
        lines.append("# Said in the document but not planned:")
        lines += [f"#   - {_said(each)} ({each.source.clause})" for each in draft.not_expressed]
    if draft.passed_over:
        lines.append("#")
        lines.append("# Passed over (not this body's scheduling rules):")
        lines += [f"#   - {p.source.clause}: {_short(p.source.quote)} ({p.why})" for p in draft.passed_over]
    lines.append("")
    lines += _yaml(draft.rules, 0)
    return "\n".join(lines) + "\n"


def _said(found: Found) -> str:
    kind, _, _ = found.field.partition(":")
    what = "vaguely" if kind == "vague" else "in words govcal cannot plan"
    return f"{found.field.split(':', 1)[1]} {what}: '{found.value}'" + (f"; {found.reading}" if found.reading else "")


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _yaml(value: dict[str, Any], indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for key, each in value.items():
        if isinstance(each, dict):
            lines.append(f"{pad}{key}:")
            lines += _yaml(each, indent + 2)
        elif isinstance(each, list) and each and isinstance(each[0], dict):
            lines.append(f"{pad}{key}:")
            for entry in each:
                inner = _yaml(entry, indent + 4)
                lines.append(f"{pad}  - {inner[0].lstrip()}")
                lines += inner[1:]
        elif isinstance(each, list):
            lines.append(f"{pad}{key}: [{', '.join(_scalar(v) for v in each)}]")
        else:
            lines.append(f"{pad}{key}: {_scalar(each)}")
    return lines


_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.'’()/&-]*")
_YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS and not text.endswith((" ", ",")):
        return text
    return json.dumps(text, ensure_ascii=False)
