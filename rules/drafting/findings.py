"""The scheduling values in a terms of reference, each found in one sentence and traced to it.

Every finder reads one sentence (with the clause it is in) and returns what it found in
the rule language's words, or nothing. A sentence is read as this body's rule only when its
subject is this body: "The Local Safeguarding Adults Board meets monthly", in a Health and
Wellbeing Board's terms, is passed over and said to be another body's; so are sentences
about budgets, declarations of interest and elections to office, which set no date of a
meeting. Nothing is filled in here that the sentence does not say.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from rules.drafting.clauses import Clause
from rules.drafting.prose import (
    FRACTIONS,
    MONTH,
    MONTH_LIST,
    NUM,
    FoundOffset,
    day_of_year_in,
    months_in,
    number,
    offsets_in,
    plain,
    times_in,
)
from rules.errors import RuleError
from rules.frequencies import parse_frequency
from rules.model import MONTHS
from rules.offsets import Count
from rules.phrases import parse_duration


@dataclass(frozen=True, slots=True)
class Source:
    """Where a value came from: the clause as cited, the sentence quoted, the block it is in."""

    clause: str
    quote: str
    index: int


@dataclass(frozen=True, slots=True)
class Found:
    """One value for one field ("frequency", "deadline:papers", "item:annual-report"), with
    its source and, where the words allow more than one reading, the reading taken."""

    field: str
    value: Any
    source: Source
    reading: str = ""
    rank: int = 0  # among findings for one field, lower is surer: "the Board will meet" before "chairs' meetings"


@dataclass(frozen=True, slots=True)
class PassedOver:
    """A sentence that looks like a scheduling rule and is not this body's, and why."""

    source: Source
    why: str


@dataclass(slots=True)
class Findings:
    """Everything found in a document, in document order."""

    found: list[Found] = field(default_factory=list)
    passed_over: list[PassedOver] = field(default_factory=list)


# -- whose sentence is it ----------------------------------------------------------------

BODY_NOUNS = (
    r"Board|Committee|Sub-Committee|Subcommittee|Partnership|Forum|Group|Cabinet|Panel|Commission|Assembly|Network|"
    r"Executive|Council|Trust|Conference|Alliance|Body"
)
_NAMED_BODY = re.compile(
    rf"\b(?:[A-Z][\w'’&-]*\s+(?:(?:and|of|for|the|&|on)\s+)*){{0,7}}(?:{BODY_NOUNS})s?\b|\bCabinet\b|\bfull Council\b"
)
_ROLE_WORDS = {"chair", "vice-chair", "vice", "chairman", "chairperson", "members", "member", "the", "this", "its"}
# Bodies written in lower case that are never the body itself when it has a name of its own.
_UNNAMED_OTHERS = re.compile(
    r"^\W*(?:the\s+)?(?:full\s+(?:governing\s+)?(?:board|council|body)|governing\s+(?:board|body))\b", re.I
)
_SUBGROUPS = re.compile(r"\b(sub-?groups?|sub-?committees?|task and finish|working groups?|workstreams?|networks?)\b")


@dataclass(frozen=True, slots=True)
class Body:
    """The body a document is about: its name, the noun it calls itself ("Board"), and the
    short names it defines ("the Board", "HWB")."""

    name: str
    aliases: tuple[str, ...] = ()

    @property
    def noun(self) -> str:
        return self.name.split()[-1].lower() if self.name else ""

    def is_ours(self, named: str) -> bool:
        """Whether a body named in a sentence is this one."""
        bare = re.sub(r"^(?:the|this|our)\s+", "", named, flags=re.I)
        words = [w.lower().strip("'’") for w in bare.split()]
        if not words:
            return True
        ours = {_stem(w) for w in self.name.split()}
        if " ".join(words) in {a.lower() for a in self.aliases}:
            return True
        if words[-1].rstrip("s") != self.noun.rstrip("s"):  # "the Integration Joint Board" is not its Committee
            return False
        return all(_stem(w) in ours or w in _ROLE_WORDS or w in ("and", "of", "for", "&", "on") for w in words[:-1])


def _stem(word: str) -> str:
    """A word of a name as written either way: "Member's", "Members'" and "Members" alike."""
    return re.sub(r"(?:['’]s|s['’]|s)$", "", word.lower().strip("'’"))


# A duty in a list under "The Board will:" begins with its verb; the bodies named in it are not its subject.
_IMPERATIVE = re.compile(
    r"^\W*(?:to\s+)?(?:report|receive|review|approve|agree|consider|host|publish|produce|prepare|monitor|oversee|"
    r"submit|present|elect|appoint|ensure|undertake|provide|scrutini[sz]e|commission|lead|develop|share|support|"
    r"identify|determine|hold|set|publish)\b(?!\s+(?:of|on|from|by|to)\b)",
    re.I,
)


def other_body(sentence: str, cue_at: int, body: Body) -> str | None:
    """The other body a sentence is about, judged by its subject ("The Cabinet meets"), the bodies
    named before its verb, or whose meetings it names ("meetings of the Steering Group"), or None."""
    meetings_of = re.search(r"\bmeetings?\s+of\s+(?:the\s+)?", sentence, re.I)
    # not "at its first meeting after the Annual Meeting of the Council": a time, after the verb
    if meetings_of and meetings_of.start() <= cue_at:
        named_after = _NAMED_BODY.match(sentence, meetings_of.end())
        if named_after and not any(body.is_ours(part) for part in _each_named(named_after[0], body)):
            return named_after[0]
    if _IMPERATIVE.match(sentence):  # "Report annual progress of the Area Partnerships to ...": a duty of ours
        return None
    subject = _other_subject(sentence, body)
    if subject:
        return subject
    before = sentence[:cue_at]
    if _SUBGROUPS.search(before.lower()) and not _SUBGROUPS.search(body.name.lower()):
        return _SUBGROUPS.search(before.lower())[0]  # type: ignore[index]
    matches = list(_NAMED_BODY.finditer(before))
    named = [match[0] for match in matches]
    for alias in body.aliases:  # "the Board" on its own, not the Board at the end of another body's name
        for found in re.finditer(rf"\b{re.escape(alias)}\b", before):
            if not any(match.start() <= found.start() < match.end() for match in matches):
                named.append(alias)
    mine = [each for each in named if body.is_ours(each)]
    theirs = [each for each in named if not body.is_ours(each)]
    if theirs and not mine:
        return theirs[0]
    return None


def _other_subject(sentence: str, body: Body) -> str | None:
    """Another body a sentence begins with as its subject: "The Pensions Committee agrees the
    Board's budget", "The full governing board reviews ..."; not "Meetings of the Group", nor
    "The County Council's officers" (who serve this body)."""
    unnamed = _UNNAMED_OTHERS.match(sentence)
    if unnamed and not body.is_ours(unnamed[0].strip()):
        return unnamed[0].strip()
    start = sentence.lstrip(" •*-–")
    subject = _NAMED_BODY.match(start)
    if subject is None:
        return None
    whose = re.sub(
        r"^(?:the\s+)?(?:meetings?|members?|minutes|papers|agendas?|chair)\s+of\s+", "", subject[0], flags=re.I
    )
    serving = re.match(
        r"['’]s\b|\s+(?:officers?|staff|team|services|clerk|secretariat|members?)\b", start[subject.end() :], re.I
    )
    return None if _each_is_ours(whose, body) or serving else subject[0]


def _each_is_ours(named: str, body: Body) -> bool:
    return any(body.is_ours(part) for part in _each_named(named, body)) or any(
        re.search(rf"\b{re.escape(alias)}\b", named) for alias in body.aliases
    )


def _each_named(named: str, body: Body) -> list[str]:
    """The bodies in "the JCB and Advisory Body": the whole, each part, and this body's short
    names where they stand for a part."""
    parts = [named, *re.split(r"\s+(?:and|&)\s+", named)]
    return [body.name if part in body.aliases else part for part in parts]


def names(sentence: str, body: Body) -> bool:
    """Whether a sentence names this body, by its name or a short name it goes by: "the Board"
    alone, in another body's terms, is that body."""
    for match in _NAMED_BODY.finditer(sentence):
        for part in _each_named(re.sub(r"^(?:the|this|its|our)\s+", "", match[0], flags=re.I), body):
            if len(part.split()) >= 2 and body.is_ours(part):
                return True
    return any(  # "JCB" as written; "cluster chairs" however cased
        re.search(rf"\b{re.escape(alias)}\b", sentence, 0 if alias.isupper() else re.I) for alias in body.aliases
    )


# -- topics that set no meeting's dates ------------------------------------------------------

_NOT_SCHEDULING = (
    (
        re.compile(r"\b(declar\w*|register)\b[^.]*\binterests?\b|\binterests?\b[^.]*\bdeclar"),
        "declarations of interest",
    ),
    (re.compile(r"\bbudgets?\b|\bprecept\b|\bcouncil tax\b|\bcontributions?\b|\bfunding\b"), "a budget"),
    (
        re.compile(r"\b(councillors|members|parent governors?|representatives)\b[^.]*\belect(ed|ion)\b[^.]*\byears?\b"),
        "elections to office",
    ),
    (re.compile(r"\bwithdraw\w*\b|\bresign\w*\b|\bterm of office\b"), "membership"),
)


def _not_scheduling(text: str) -> str | None:
    for pattern, topic in _NOT_SCHEDULING:
        if pattern.search(text):
            return topic
    return None


# -- the finders -----------------------------------------------------------------------------

_MEETS = re.compile(
    r"\b(meet|meets|meeting|meetings|convene|convenes|convened|sits|sit|held|hold|holds|take place|takes place|gather)\b"
)
_SPECIAL = re.compile(
    r"\b(extraordinary|special|additional|further|emergency|urgent|ad[- ]hoc)\s+(?:general\s+)?meetings?\b|\brequisition"
)
_MIN = (
    r"(?P<min>at least|not less than|no less than|a minimum of|minimum of|no fewer than|not fewer than|as a minimum)\s+"
)
_FREQUENCIES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        (
            "except",
            rf"(?:{_MIN})?(?:monthly|every month|each month|once a month)(?:\s+basis)?\s*,?\s*\(?\s*(?:except|apart from|other than|excluding|"
            rf"with the exception of|but not(?: in)?|save for|save in|with no meetings?(?: held)?)\s+(?:in\s+|for\s+|during\s+)?(?:the\s+)?(?:months? of\s+)?"
            rf"(?P<months>{MONTH_LIST})",
        ),
        (
            "termly",
            rf"(?:{_MIN})?(?:(?:once\s+|one meeting\s+)?(?:a|per|each|every|in each|in every|during each)\s+(?:school\s+|academic\s+)?term\b|\btermly\b)",
        ),
        (
            "named",
            rf"\b(?:in|during|of)\s+(?:the\s+months\s+of\s+)?(?P<months>{MONTH_LIST})",
        ),  # "the first Thursday of March, June, ..."
        (
            "times",
            rf"(?:{_MIN})?(?P<n>{NUM})\s+(?:times|(?:ordinary\s+|formal\s+|scheduled\s+|full\s+|public\s+)?meetings|occasions)\s+"
            rf"(?:(?:(?:a|per|each|every|(?:in|during)\s+(?:a|each|every|any|the))\s+)(?:calendar\s+|municipal\s+|financial\s+|academic\s+|school\s+|council\s+|civic\s+)?(?:year|annum|(?:twelve|12)[- ]month\s+period)|annually\b|yearly\b)",
        ),
        (
            "every",
            rf"(?:{_MIN})?(?:once\s+)?every\s+(?P<n>{NUM}|other|second|third|fourth|sixth)\s+(?P<unit>weeks?|months?)",
        ),
        ("every", rf"(?:{_MIN})?\b(?P<n>{NUM})[- ](?P<unit>week|month)ly\b"),  # "six-weekly", "two-monthly"
        (
            "word",
            rf"(?:{_MIN})?(?:on\s+an?\s+)?(?P<word>bi-?monthly|monthly|quarterly|annually|yearly|bi-?annually|half-yearly|six-monthly|"
            rf"twice\s+(?:a|per|each|every|in\s+(?:a|each|every|the))\s+(?:municipal\s+|financial\s+|calendar\s+|council\s+|academic\s+|school\s+)?year|twice\s+yearly|twice-yearly|once\s+(?:a|per|each|every|in\s+each|in\s+every)\s+(?P<per>month|quarter|year)|"
            rf"weekly|fortnightly|every\s+(?:week|fortnight)|every\s+month|each\s+month|(?:an|one)\s+annual\s+meeting|alternate\s+months|every\s+quarter|each\s+quarter)\b",
        ),
    )
)
_WORDS = {
    "monthly": "monthly", "every month": "monthly", "each month": "monthly", "bimonthly": "every 2 months",
    "bi-monthly": "every 2 months", "quarterly": "quarterly", "annually": "annually", "yearly": "annually",
    "biannually": "twice a year", "bi-annually": "twice a year", "half-yearly": "twice a year",
    "six-monthly": "twice a year", "twice yearly": "twice a year", "twice-yearly": "twice a year",
    "every quarter": "quarterly", "each quarter": "quarterly",
    "an annual meeting": "annually", "one annual meeting": "annually", "alternate months": "every 2 months",
}  # fmt: skip
_VAGUE = re.compile(
    r"\b(as (?:and when )?(?:required|necessary|needed)|when (?:required|necessary|needed)|from time to time|as the (?:chair|business) (?:requires|determines))\b"
)


def frequency(clause: Clause, sentence: str, body: Body) -> Iterator[Found | PassedOver]:
    """How often the body meets, and the months where the document names them."""
    text = plain(sentence)
    cue = _MEETS.search(text)
    heading = plain(clause.heading)
    if cue is None and re.search(r"\bmeet|frequency", heading) and len(text) <= 120:
        text = f"{heading}: {text}"  # a table's row: "Frequency of meetings | Every two months"
        cue = _MEETS.search(text) or re.search(r"frequency", text)  # "Frequency | At least five times a year"
    special = _SPECIAL.search(text)
    if cue is None or (special and special.start() <= cue.start()):
        return
    if special:  # "The Board will meet quarterly, with additional meetings arranged as required"
        text = text[: special.start()]
    if _item_kind(text) and not re.search(r"\b(?:meet|meets|convene|convenes)\b", text):
        return  # "reviewed annually, at the Board's first meeting": a yearly item, not how often it meets
    source = Source(clause.label, sentence, clause.index)
    best: tuple[int, str, list[int], str] | None = None  # (rank, phrase, months, reading)
    for rank, (kind, pattern) in enumerate(_FREQUENCIES):
        match = pattern.search(text)
        if match is not None and (best is None or rank < best[0]):
            read = _frequency(kind, match, text)
            if read is not None:
                best = (rank, *read)
    if best is None:
        vague = _VAGUE.search(text)
        if vague and re.search(r"\bmeet|\bmeetings?\b", text):
            yield Found("vague:frequency", vague[0], source)
        return
    other = other_body(sentence, _offset_in(sentence, text, cue.start()), body)
    if other:
        yield PassedOver(source, f"about {other}, not this body's meetings")
        return
    _, phrase, months, reading = best
    rank = _meeting_rank(text, clause)
    if phrase.startswith("unsupported:"):
        yield Found("unsupported:frequency", phrase.removeprefix("unsupported:"), source, reading, rank)
        return
    if not _reads(phrase):
        return
    yield Found("frequency", phrase, source, reading, rank)
    if months:
        yield Found("months", [MONTHS[m - 1] for m in months], source, rank=rank)


def _meeting_rank(text: str, clause: Clause) -> int:
    """How surely a sentence sets the body's own meetings: 0 "the Board will meet", 1 "meetings
    will be held", 2 a mention of someone's meetings ("cluster chairs meetings each term");
    one under a heading about meetings counts as surer than one that is not."""
    if re.search(r"\b(meet|meets|convene|convenes|sit|sits)\b", text):
        rank = 0
    elif re.search(r"\bmeetings?\b[^.;]{0,40}\b(held|take place|be convened|happen|occur)\b|\b(?:hold|holds)\b", text):
        rank = 1
    else:
        rank = 2
    return rank * 2 + (0 if re.search(r"meeting|frequency", plain(clause.heading)) else 1)


def _offset_in(sentence: str, text: str, at: int) -> int:
    """A position in plain text, as a position in the sentence (they differ only in spacing)."""
    return min(len(sentence), at + (len(sentence) - len(text)))


def _listed(months: list[int]) -> str:
    """Months as the rule language lists them: "August", "March, June, September and December"."""
    names = [MONTHS[m - 1].title() for m in months]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _frequency(kind: str, match: re.Match[str], text: str) -> tuple[str, list[int], str] | None:
    """A frequency phrase the rule language reads, the named months, and the reading taken."""
    said = match.groupdict().get("min") or ""
    minimum = (
        f"{said} "
        if said in ("at least", "not less than", "no less than", "a minimum of")
        else "at least "
        if said
        else ""
    )
    if not minimum and re.search(r"\bor more (often|frequently)\b", text):
        minimum = "at least "
    if kind == "except":
        return f"{minimum}monthly except {_listed(months_in(match['months']))}", [], ""
    if kind == "termly":
        if re.search(rf"\b(?:twice|(?:{NUM})\s+times)\s+(?:a|per|each|every|in each)\s+(?:school\s+)?term", text):
            return "unsupported:more than once a term", [], "govcal plans termly bodies once a term"
        return f"{minimum}termly", [], ""
    if kind == "times":
        n = number(match["n"])
        return (f"{minimum}{n} times a year", [], "") if 1 <= n <= 52 else None
    if kind == "every":
        raw = match["n"]
        n = {"other": 2, "second": 2, "third": 3, "fourth": 4, "sixth": 6}.get(raw) or number(raw)
        if match["unit"].startswith("month"):
            return (f"{minimum}every {n} months", [], "") if n in (1, 2, 3, 4, 6, 12) else None
        if n < 4:
            return f"unsupported:every {n} weeks", [], "govcal plans at most monthly meetings"
        per_year = -(-52 // n)
        return (
            f"{per_year} times a year",
            [],
            f"every {n} weeks read as {per_year} meetings a year (52 weeks / {n}, rounded up)",
        )
    if kind == "named":
        months = months_in(match["months"])
        return (f"in {_listed(months)}", [], "") if len(months) >= 2 else None
    word = " ".join(match["word"].split())
    if match["per"]:
        return f"{minimum}{ {'month': 'monthly', 'quarter': 'quarterly', 'year': 'annually'}[match['per']] }", [], ""
    if word.startswith("twice"):
        return ("at least 2 times a year" if minimum else "twice a year"), [], ""
    if word in ("weekly", "fortnightly", "every week", "every fortnight"):
        return f"unsupported:{word}", [], "govcal plans at most monthly meetings"
    phrase = _WORDS.get(word)
    if phrase is None:
        return None
    reading = "'bi-annually' read as twice a year" if word in ("biannually", "bi-annually") else ""
    if phrase == "twice a year" and minimum:
        return "at least 2 times a year", [], reading
    if phrase.startswith("every"):
        return phrase, [], ""
    return f"{minimum}{phrase}", [], reading


_WEEKDAYS = r"(?P<day>monday|tuesday|wednesday|thursday|friday)"
_NTH = r"(?P<nth>first|second|third|fourth|last|1st|2nd|3rd|4th)"
_NTHS = {"1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth"}
_DURATION = re.compile(
    rf"(?:last|lasting|last for|be limited to|not exceed|no longer than|of up to|for up to|for)\s+(?:no more than\s+|not more than\s+|up to\s+|a maximum of\s+|about\s+|approximately\s+|around\s+|no longer than\s+|at most\s+|longer than\s+)?"
    rf"(?P<n>(?:{NUM}|an?)\s+and\s+a\s+half|{NUM}|an?|1\.5)\s*(?P<unit>hours?|hrs?|minutes?|mins?)\b|(?P<n2>{NUM})[- ]hours?\s+meetings?"
)
_VENUE_NOUNS = r"Hall|House|Centre|Center|Offices?|Room|Chamber|Chambers|Building|Library|School|Pavilion|Institute|Hub|Headquarters|HQ|Guildhall|Suite|Academy|College|Church|Court"
_VENUE = re.compile(
    r"(?:held|take place|takes place|meet|meets|located|venue(?: will be| is)?:?|hosted)\s+(?:at|in)\s+"
    r"(?P<place>(?:the\s+)?[A-Z][\w'’&.-]*(?:\s+(?:[A-Z][\w'’&.-]*|of|and|the|upon|on|under|le|&))*(?:,\s*[A-Z][\w'’&.-]*(?:\s+[A-Z][\w'’&.-]*)*)*)"
)
_AT_PLACE = re.compile(
    r"\b(?:at|in)\s+(?P<place>(?:the\s+)?[A-Z][\w'’&.-]*(?:\s+(?:[A-Z][\w'’&.-]*|of|and|the|upon|on|under|le|&))*"
    r"(?:,\s*[A-Z][\w'’&.-]*(?:\s+[A-Z][\w'’&.-]*)*)*)"
)
_ONLINE = re.compile(
    r"\b(online|virtually|remotely|by video ?conference|via (?:microsoft )?teams|via zoom|on (?:microsoft )?teams)\b"
)
_PRIVATE = re.compile(
    r"(?:no right|not entitled|not permitted|not allowed) to attend|not\s+(?:be\s+)?open\s+to\s+(?:members\s+of\s+)?the\s+(?:press\s+and\s+)?public|not\s+(?:be\s+)?held\s+in\s+public|\bin\s+private\b|closed\s+to\s+the\s+(?:press\s+and\s+)?public|\bprivate\s+meetings?\b|not\s+(?:be\s+)?public"
)
_PUBLIC = re.compile(
    r"open\s+to\s+(?:members\s+of\s+)?(?:the\s+)?(?:press\s+and\s+)?public|held\s+in\s+public|\bin\s+public\b|\bpublic\s+meetings?\b|members\s+of\s+the\s+public\s+(?:may|are welcome to|can|are entitled to)\s+attend"
)


def arrangements(clause: Clause, sentence: str, body: Body) -> Iterator[Found]:
    """The day, time, length, place and openness of the body's ordinary meetings, where stated."""
    text = plain(sentence)
    heading = plain(clause.heading)
    about_meetings = _MEETS.search(text) is not None or re.search(r"\bmeeting|venue|time", heading) is not None
    if not about_meetings or _SPECIAL.search(text) or offsets_in(sentence):
        return
    cue = _MEETS.search(text)
    if cue is not None and other_body(sentence, _offset_in(sentence, text, cue.start()), body):
        return
    source = Source(clause.label, sentence, clause.index)
    match = re.search(rf"\b{_NTH}\s+{_WEEKDAYS}\b", text)
    if match:
        yield Found("pattern", f"{_NTHS.get(match['nth'], match['nth'])} {match['day'].title()}", source)
    else:
        match = re.search(rf"\b(?:on\s+(?:a\s+)?|usually\s+)?{_WEEKDAYS}s?\b", text)
        if match and re.search(rf"\bon\s+(?:a\s+)?{match['day']}|{match['day']}s\b", text):
            yield Found("weekday", match["day"].title(), source)
    started = False  # the first time a meeting starts at, then any it must end by
    for time, _, at in times_in(sentence):
        before = sentence[:at].lower()
        if re.search(
            r"\b(?:continue|go on|run|sit|last)\s+(?:beyond|after|past|later than)\s*$|\b(?:end|finish|close|conclude)\s+(?:by|at)\s*$"
            r"|\bbetween\s+\S+\s+and\s*(?:12\s*)?$|\bfrom\s+\S+\s+(?:to|until|till|-|–)\s*(?:12\s*)?$",  # "between 10am and 12 noon"
            before,
        ):
            yield Found("end", f"{time:%H:%M}", source)  # "No meeting shall continue beyond 9.30pm"
        elif not started and not re.search(
            r"\b(by|before|until|no later than|not later than|end by|finish(?:ing)? by|close|beyond|after|past)\s*$",
            before,
        ):
            yield Found("time", f"{time:%H:%M}", source)
            started = True
    match = _DURATION.search(text)
    if match:
        amount = match["n"] or match["n2"]
        unit = "hours" if (match["unit"] or "hour").startswith("h") else "minutes"
        whole, half, _ = amount.partition(" and a half")
        half = half or text[match.end() :].startswith(" and a half") or whole == "1.5"  # "an hour and a half"
        count = 1 if whole in ("a", "an", "1.5") else number(whole)
        words = f"{count} {unit}" if count != 1 else f"1 {unit.rstrip('s')}"
        if half and unit == "hours":
            words += " 30 minutes"
        try:
            parse_duration(words)
        except RuleError:
            pass
        else:
            yield Found("duration", words, source)
    places = [*_VENUE.finditer(sentence), *_AT_PLACE.finditer(sentence)]  # "in August ... in the Village Hall"
    if re.search(r"\b(?:alternat\w*|rotat\w*|in turn|each partner hosts?)\b", text):
        places = []  # no one place: the clerk sets each meeting's
    match = next((each for each in places if re.search(rf"\b({_VENUE_NOUNS})\b", each["place"])), None)
    if match:
        yield Found("location", re.sub(r"^the\s+", "", match["place"].rstrip(".,;")), source)
    online = _ONLINE.search(text)
    if online and not match and re.search(r"\bmeetings?\b|\bmeet\b", text) and not re.search(r"\bor\b", text):
        yield Found("location", f"Online ({online[0]})" if online[0] != "online" else "Online", source)
    judged = re.split(r"\b(?:unless|except|save where|save that|other than)\b", text)[0]
    if _PRIVATE.search(judged):
        yield Found("public", False, source)
    elif _PUBLIC.search(judged):
        yield Found("public", True, source)


# -- deadlines -------------------------------------------------------------------------------

DEADLINES = {
    "agenda-items": "Items for the agenda to the clerk",
    "reports": "Reports to the clerk",
    "public-questions": "Questions from the public to the clerk",
    "substitutes": "Named substitutes notified to the clerk",
    "papers": "Agenda and papers to members",
    "minutes-to-chair": "Draft minutes to the Chair",
    "minutes": "Draft minutes to members",
    "minutes-comments": "Comments on the draft minutes",
    "minutes-approved": "Minutes approved",
}
_TO_CLERK = r"(?:clerk|secretariat|secretary|democratic services|committee services|governance|business manager|board manager|partnership manager|support officer|lead officer|coordinator|co-ordinator|officer|administrator|manager|team|chair)"
_MINUTES = re.compile(
    r"\bminutes\b|\baction (?:points|notes|log)\b|\bnotes? of (?:the|each) meeting\b|\brecord of (?:the|each) meeting\b"
)
_APPROVED = re.compile(r"\b(approv\w*|confirm\w*|agree\w*|sign\w*|ratif\w*|adopt\w*|accept\w*|checked)\b")


def deadlines(clause: Clause, sentence: str, body: Body) -> Iterator[Found | PassedOver]:
    """Deadlines around each ordinary meeting: papers, items, reports, questions, minutes."""
    text = plain(sentence)
    if _SPECIAL.search(text):
        return
    source = Source(clause.label, sentence, clause.index)
    other = other_body(sentence, 0, body)
    if other:
        yield PassedOver(source, f"about {other}'s meetings, not this body's")
        return
    found = offsets_in(sentence)
    next_meeting = re.search(r"\b(next|following|subsequent)\s+(?:\w+\s+){0,2}meeting", text)
    minutes = _MINUTES.search(text) or _MINUTES.search(
        plain(clause.heading)
    )  # "Minutes | ... approved at the next meeting"
    if minutes and next_meeting and _APPROVED.search(text[max(0, next_meeting.start() - 60) :]):
        yield Found("deadline:minutes-approved", "at the next meeting", source)
    if not found:
        if re.search(r"\bsubstitut", text) and re.search(
            r"\b(in advance of|before|prior to) the (?:start of the )?meeting", text
        ):
            yield Found("deadline:substitutes", "before the meeting", source)
        return
    topic = _not_scheduling(text)
    if topic:
        yield PassedOver(source, f"about {topic}, which sets no date of a meeting")
        return
    if not re.search(r"\bmeetings?\b|\bagenda\b|\bminutes\b", text + " " + plain(clause.heading)):
        return
    deadline_time = next(
        (
            f"{time:%H:%M}"
            for time, _, at in times_in(sentence)
            if re.search(r"\b(by|before|no later than|not later than)\s*$", sentence[:at].lower())
        ),
        None,
    )
    minutes_at = None
    for each in found:
        kind = _deadline_kind(text, each, minutes_at) or _deadline_kind(
            f"{plain(clause.heading)}: {text}", each, minutes_at
        )
        if kind is None:
            continue
        if kind in ("minutes", "minutes-to-chair"):
            minutes_at = kind
        yield Found(f"deadline:{kind}", each.offset.phrase, source, each.reading)
        if deadline_time and each.offset.n < 0:
            yield Found(f"deadline-time:{kind}", deadline_time, source)


def _deadline_kind(text: str, found: FoundOffset, minutes_before: str | None) -> str | None:
    """What a day count in a sentence is the deadline for, by the words around it."""
    before = found.offset.n < 0 or found.offset.count is Count.MEETING_START
    head, tail = text[: found.start], text[found.start :]
    if not before:
        if minutes_before and re.match(r"[^.;]{0,40}\bfor\s+(?:any\s+)?comments?\b", tail):
            return "minutes-comments"
        if re.search(r"\bcomments?\b", head[-60:]) and minutes_before:
            return "minutes-comments"
        last = not tail[len(found.said) :].strip(" .;")  # "Draft minutes will be circulated within ten working days."
        if _MINUTES.search(text) and (re.search(r"\bmeeting\b", text) or last):
            # whom these go to, said nearest before the count: "to the Chair within 5 ... and to all members within 10"
            near = list(re.finditer(r"\bchair\b|\bmembers\b", head))
            if near:
                return "minutes-to-chair" if near[-1][0] == "chair" else "minutes"
            return (
                "minutes-to-chair"
                if re.search(r"\bto the chair|chair(?:'s)? (?:for|approval)|\bchair to (?:check|approve|agree)", text)
                else "minutes"
            )
        return None
    if re.search(r"\bquestions?\b|\bpetitions?\b|\bdeputations?\b", text):
        return "public-questions"
    if re.search(
        r"\bitems?\s+(?:for|to be (?:included|placed|considered)|for inclusion)|\bagenda items?\b|\binclusion of an item|\binclude an item|\bitems of business\b|\bitems? (?:on|onto) the agenda",
        text,
    ):
        return "agenda-items"
    if re.search(r"\bsubstitut", text):
        return "substitutes"
    sends = r"\b(sends?|sent|circulat\w*|despatch\w*|dispatch\w*|publish\w*|distribut\w*|made available|issu\w*|given|give|served|posted|uploaded)\b"
    if (
        re.search(r"\b(reports?|papers?|documents?|submissions?|updates?|data|returns?)\b", text)
        and re.search(rf"\b(?:to|by|with|reach\w*)\s+(?:the\s+)?(?:[\w-]+\s+){{0,3}}{_TO_CLERK}\b", text)
        and re.search(r"\b(submit\w*|receiv\w*|provid\w*|sen[dt]|deliver\w*|lodg\w*|reach)\b", text)
        and not re.search(r"\bto (?:all )?(?:the )?members\b", text)
    ):
        return "reports"
    if re.search(
        rf"\b{_TO_CLERK}\s+(?:should|will|shall|must|is to|needs to)\s+(?:\w+\s+)?receive\s+(?:all\s+)?(?:the\s+)?(reports?|papers?)",
        text,
    ):
        return "reports"
    if re.search(
        r"\b(agendas?|papers|summons|notice of (?:the |each |all |every |a )?meetings?|documents|reports)\b", text
    ) and re.search(sends, text):
        return "papers"
    if re.search(r"\bapolog", text):
        return None
    return None


# -- special meetings ---------------------------------------------------------------------------


def extraordinary(clause: Clause, sentence: str, body: Body) -> Iterator[Found]:
    """Who may call a special meeting, how many must ask, the window, and its notice."""
    text = plain(sentence)
    special = _SPECIAL.search(text) or re.search(r"\b(call|convene|summon|requisition)\w*\s+(?:an?\s+)?meeting", text)
    if not special and _SPECIAL.search(
        plain(clause.text)
    ):  # "The Chair may call a special meeting. The Chair must do so on ..."
        special = re.search(r"\bdo so\b|\bsuch (?:a )?meetings?\b|\bthe meeting will then\b|\bcall (?:one|it)\b", text)
    under_heading = re.search(r"extraordinary|special", plain(clause.heading))
    if not (special or (under_heading and re.search(r"\bmeeting|\brequest", text))):
        return
    source = Source(clause.label, sentence, clause.index)
    yield Found("extraordinary", True, source)
    if re.search(
        r"\bchair(?:man|person)?\b[^.;]{0,50}\b(?:may|can|shall|will|is able to|has the power to|is entitled to)\b[^.;]{0,25}\b(?:call|convene|summon|arrange|request)",
        text,
    ) or re.search(r"\b(?:at the (?:request|discretion) of|by) the chair(?:man|person)?\b", text):
        yield Found("extraordinary:chair_may_call", True, source)
    requesters = _requesters(text)
    if requesters is not None:
        yield Found("extraordinary:requesters", requesters[0], source, requesters[1])
    for each in offsets_in(sentence):
        if each.offset.n > 0 and each.offset.count in (Count.DAYS, Count.WORKING):
            yield Found("extraordinary:window", each.offset.phrase, source, each.reading)
        elif each.offset.n < 0:
            yield Found("extraordinary:notice", each.offset.phrase, source, each.reading)


def _requesters(text: str) -> tuple[int, str] | None:
    """How many members must ask for a special meeting, and how the words were read."""
    match = re.search(
        rf"\b(?:request|requisition|petition|application|asked|requested)\w*\s+(?:in writing\s+)?(?:of|from|by|signed by)\s+(?:at least\s+|not less than\s+|no fewer than\s+|any\s+)?(?P<n>{NUM})\s+(?:or more\s+)?(?:voting\s+)?(?:members|partners|councillors|of (?:its|the) members)"
        rf"|\b(?:any|at least|not less than|no fewer than)\s+(?P<m>{NUM})\s+(?:or more\s+)?(?:of\s+(?:the|its)\s+)?(?:\w+\s+)?(?:voting\s+)?(?:members|partners|councillors)\b",
        text,
    )
    if match:
        return number(match["n"] or match["m"]), ""
    match = re.search(
        r"\b(?P<f>one third|a third|a quarter|one quarter|half|\d{1,2}\s*%)\s+of\s+(?:the\s+)?(?:voting\s+)?(?:members|membership)",
        text,
    )
    if match:
        return 2, f"'{match['f']} of the members' read as needing more than one member to ask"
    if re.search(r"\bany (?:one )?member\b", text):
        if re.search(r"\bsupported by\b|\bseconded\b|\bwritten agreement of (?:any )?(?:one )?other member", text):
            return 2, ""
        return 1, ""
    return None


# -- annual items ---------------------------------------------------------------------------

# Business taken at a named month's meeting each year: "at its April meeting", "at the January meeting".
_MONTH_MEETING = re.compile(rf"\bat\s+(?:its|the)\s+(?P<m>{MONTH})\s+meeting\b", re.I)
_ANNUAL = re.compile(
    r"\bannual(?:ly)?\b|\b(?:each|every|once a|per)\s+(?:\w+\s+)?year\b|\byearly\b|\bevery (?:twelve|12) months\b"
    rf"|\b(?:each|every)\s+{MONTH}\b"  # "each January"
)
_LONGER = re.compile(rf"\bevery\s+(?P<n>{NUM})\s+years\b|\bbiennial\w*|\btriennial\w*")
_WHEN_FIRST = re.compile(
    r"\bfirst meeting (?:after|following) (?:1 |the 1st of )?(?:april|may|september|the annual meeting|the start)\b|\b(?:at|during)\s+(?:the|its|each)\s+(?:first|annual|inaugural|initial)\s+meeting\b|\bfirst meeting (?:of|in) (?:the|each|every) (?:\w+ )?year\b|\bannual (?:general )?meeting\b|\bstart of (?:the|each) (?:\w+ )?year\b"
)
_WHEN_LAST = re.compile(
    r"\b(?:at|during)\s+(?:the|its)\s+(?:last|final)\s+meeting\b|\bend of (?:the|each) (?:\w+ )?year\b"
)


def items(clause: Clause, sentence: str, body: Body) -> Iterator[Found | PassedOver]:
    """Yearly and dated obligations: reviews, the annual report, elections of the Chair, dated work."""
    text = plain(sentence)
    source = Source(clause.label, sentence, clause.index)
    kind = _item_kind(text)
    by = day_of_year_in(sentence)
    if kind in ("annual-report", "annual-report-received") and by and re.search(r"\w['’]s annual report\b", text):
        kind = None  # "consider the auditor's annual report ... by 30 September": dated business, not our report
    at_month = _MONTH_MEETING.search(sentence)  # "at its April meeting, to review ..."
    if kind is None and by is None and not (at_month and _ours_to_do(sentence, body)):
        return
    longer = _LONGER.search(text)
    if kind is not None and longer and not _ANNUAL.search(text):
        yield Found("unsupported:item", f"{kind}: {longer[0]}", source, "govcal plans yearly items only")
        return
    office = kind == "chair-election" and _item_when(sentence, kind) is not None  # "take office at the June meeting"
    if kind is not None and not (_ANNUAL.search(text) or _WHEN_FIRST.search(text) or by or office):
        if kind == "terms-of-reference-review" and (_VAGUE.search(text) or re.search(r"\bperiodically\b", text)):
            yield Found("vague:item", kind, source)
        return
    topic = _not_scheduling(text)
    if topic and kind is None and not (topic == "a budget" and (by or at_month) and _ours_to_do(sentence, body)):
        yield PassedOver(source, f"about {topic}, which sets no date of a meeting")
        return
    verb = re.search(r"\b(will|shall|must|should|is to|are to|may|to be|elects|appoints|chooses)\b", sentence)
    listed = _listed_duty(sentence)  # "(d) at its April meeting, to review the Council's ...": its own duty
    other = None if listed else other_body(sentence, verb.start() if verb else len(sentence), body)
    agent = re.search(
        r"\b(?:is|are|will be|shall be)\s+(?:\w+\s+)?(?:appointed|elected|chosen|confirmed|set|approved)\s+by\s+(?:the\s+)?",
        sentence,
    )
    if other is None and agent:
        named = _NAMED_BODY.match(sentence, agent.end())
        other = named[0] if named and not body.is_ours(named[0]) else None
    if other and kind != "annual-report-received":
        yield PassedOver(source, f"about {other}, not this body")
        return
    if kind is None and not _ours_to_do(sentence, body):
        yield PassedOver(source, "a date for someone else's business, not this body's")
        return
    kind = kind or ("dated" if by else "business")
    name = _item_name(kind, sentence, text, by, body)
    if name is None:
        return
    yield Found(f"item:{kind}", name, source)
    when = _item_when(sentence, kind)
    if by is not None:
        yield Found(f"item-by:{kind}", f"{by[0][1]} {MONTHS[by[0][0] - 1].title()}", source)
    elif when is not None:
        yield Found(f"item-at:{kind}", when, source)


def _listed_duty(sentence: str) -> bool:
    """A duty in the body's list under "The Committee will:" ("to approve ...", "(d) at its April
    meeting, to review ...", "Approve the accounts ..."): it begins in lower case or with its verb."""
    start = sentence.lstrip(" •*-–(")
    return start[:1].islower() or _IMPERATIVE.match(start) is not None


def _ours_to_do(sentence: str, body: Body) -> bool:
    """Whether dated business is this body's: it is the subject ("The Board will approve ... by
    31 July"), the agent ("is agreed by the Executive"), or the sentence is a duty in its list
    ("approve the Statement of Accounts by 31 July"); not "the Fund's annual report, which must
    be published by 1 December"."""
    start = sentence.lstrip(" •*-–(")
    if _listed_duty(sentence):
        return True
    subject = _NAMED_BODY.match(start)
    if subject:
        return _each_is_ours(subject[0], body)
    names = "|".join(re.escape(each) for each in (*body.aliases, body.noun) if each)
    if names and re.search(rf"\b(?:{names})\s+(?:will|shall|must|should|is to|are to)\b", sentence, re.I):
        return True  # "Action plan and reporting The PCSP will agree ...", a table's label run into its text
    agent = re.search(r"\bby\s+(?:the\s+)?(?P<who>[A-Z][\w'’&-]*(?:\s+[A-Z][\w'’&-]*)*)", sentence)
    if agent and (body.is_ours(agent["who"]) or agent["who"] in body.aliases):
        return True
    return any(re.match(rf"(?:the\s+)?{re.escape(alias)}\b", start, re.I) for alias in body.aliases) or bool(
        re.match(rf"(?:the|this|our)\s+{re.escape(body.noun)}\b", start, re.I)
    )


def _item_kind(text: str) -> str | None:
    if re.search(r"\b(terms of reference|constitution|these terms|this document)\b", text) and re.search(
        r"\breview", text
    ):
        return "terms-of-reference-review"
    if re.search(r"\bmembership\b", text) and re.search(r"\breview", text):
        return "membership-review"
    if (
        re.search(r"\b(chair(?:man|person|ing)?|vice[- ]chair)\b", text)
        and re.search(
            r"\b(elect\w*|appoint\w*|confirm\w*|chosen|choos\w*|nominat\w*|rotat\w*|alternat\w*|agreed|takes? office)\b",
            text,
        )
        and not re.search(r"\bfor (?:the|that) meeting\b|\bin the absence\b", text)
    ):
        return "chair-election"
    if re.search(
        r"\b(?:receive|consider|note|scrutini[sz]e)\w*\b[^.;]{0,60}\bannual\b[^.;]{0,40}\breport\b"
        r"|\bannual\b[^.;]{0,40}\breport\b[^.;]{0,60}\b(?:received|considered|noted|scrutini[sz]ed)\b"
        r"|\w['’]s annual report\b",  # another's report, this body receives it
        text,
    ):
        return "annual-report-received"
    if re.search(
        r"\bannual (?:progress |activity |performance )?report\b|\breport\w* annual(?:ly| progress)\b"
        r"|\breport\w*\b[^.;]{0,40}\b(?:once a year|annually|each year|every year)\b",
        text,
    ):
        return "annual-report"
    if re.search(r"\b(work programme|forward plan|work plan|business plan|workplan)\b", text) and re.search(
        r"\b(agree\w*|approv\w*|set|review\w*|adopt\w*)\b", text
    ):
        return "work-programme"
    return None


_NAMES = {
    "terms-of-reference-review": "Terms of reference reviewed",
    "membership-review": "Membership reviewed",
    "chair-election": "Chair and Vice-Chair elected",
    "work-programme": "Work programme agreed",
}


def _item_name(kind: str, sentence: str, text: str, by: tuple[tuple[int, int], str] | None, body: Body) -> str | None:
    if kind == "chair-election" and not re.search(r"vice[- ]chair", text):
        return "Chair elected"
    if kind in _NAMES:
        return _NAMES[kind]
    if kind == "annual-report":
        to = re.search(
            r"\b(?:to|for)\s+(?:the\s+)?(?P<full>full\s+)?(?P<to>(?:[A-Z][\w'’&-]*)(?:\s+(?:[A-Z][\w'’&-]*|and|of|the|&))*)",
            sentence[sentence.lower().find("report") :],
        )
        if to and re.search(rf"({BODY_NOUNS})$", to["to"]):
            return f"Annual report to {'full ' if to['full'] else 'the '}{to['to']}"
        return "Annual report"
    if kind == "annual-report-received":
        match = re.search(r"\b(?:receive|consider|note|scrutini[sz]e)\w*\s+(?P<what>[^.;]*?\breport\b)", sentence, re.I)
        match = match or re.search(
            r"^(?:the\s+)?(?P<what>[^.;]*?\breport\b)", sentence, re.I
        )  # "X's annual report will be considered"
        return f"Received: {match['what']}" if match else "Annual report received"
    if kind not in ("dated", "business"):
        return None
    before = sentence[: sentence.find(by[1])] if by else sentence
    duty = r"\W*(?:at\s+(?:its|the)\s+\w+\s+meeting,?\s*)?(?:to\s+)?(?P<what>.+?)\s*$"  # "(d) at its April meeting, to review"
    listed = re.match(duty, before) if _listed_duty(sentence) else None
    match = (
        listed
        or re.search(
            rf"\b(?:the\s+)?(?:{re.escape(body.noun)}|{BODY_NOUNS})\s+(?:will|shall|must|should|is to|are to)?\s*(?P<what>[a-z].+?)\s*$",
            before,
            re.I,
        )
        or re.search(r"\b(?:will|shall|must|should|is to|are to|to)\s+(?P<what>.+?)\s*$", before)
    )
    if match is None:
        return None
    # the duty itself: "reviews the unaudited annual accounts", not what follows it
    what = re.split(
        r",|\s+(?:before|so that|which|after|once)\s+|\s+and\s+(?=to\s|[a-z]+\s+(?:the|its|a|an|any|all)\b)",
        match["what"],
    )[0].strip(" ,;.")
    first, _, rest = what.partition(" ")
    if re.fullmatch(r"[a-z]+[^s]s", first) and rest:  # "reviews" -> "Review", as the other items read
        what = f"{first[:-1]} {rest}"
    return what[:1].upper() + what[1:] if 3 <= len(what) <= 90 else None


def _item_when(sentence: str, kind: str) -> str | None:
    """The meeting a yearly item falls at, as the sentence says it (its capitals tell May from may)."""
    text = plain(sentence)
    if re.search(r"\bfirst meeting (?:of|in) (?:the|each|every) (?:\w+ )?year\b", text):
        return (
            "first meeting"  # "at its first meeting of the Council year in May": the year's first, whenever it begins
        )
    month = re.search(
        rf"\b(?:in|for|at (?:the|its)|during|each|every)\s+(?P<m>{MONTH})\b(?:\s+meeting)?", sentence, re.I
    )
    named = months_in(month["m"]) if month else []  # "in may" may be the verb
    if named and (kind != "chair-election" or "meeting" in text):
        return f"first meeting in {MONTHS[named[0] - 1]}"
    if _WHEN_FIRST.search(text):
        return "first meeting"
    if _WHEN_LAST.search(text):
        return "last meeting"
    term = re.search(r"\b(autumn|spring|summer) term\b", text)
    if term:
        return {"autumn": "first meeting", "spring": "first meeting in january", "summer": "last meeting"}[term[1]]
    return None


# -- quorum -------------------------------------------------------------------------------------


def quorum(clause: Clause, sentence: str, body: Body) -> Iterator[Found]:
    """The quorum: a number present, a share of the membership, the offices that must be there."""
    text = plain(sentence)
    if re.search(r"\bquorum\b", plain(clause.heading)) and not re.search(r"\bquor", text) and len(text) <= 160:
        text = f"the quorum is {text}"  # a table's row: "Quorum | Three governors, at least one of whom ..."
        sentence = f"The quorum is {sentence[:1].lower()}{sentence[1:]}"
    said = re.search(r"\bquor(?:um|ate)\b|\bno business (?:shall|will|may|can) be (?:transacted|conducted)\b", text)
    if not said or re.search(r"\binquorate\b", text) and "if" in text:
        return
    source = Source(clause.label, sentence, clause.index)
    main = re.split(
        r"\bincluding\b|\bof whom\b|\bprovided that\b|\b(?:which|and) must include\b|\bto include\b|\bwith at least\b",
        text,
    )[0]
    fraction = re.search(
        r"\b(?P<f>"
        + "|".join(FRACTIONS)
        + r"|\d/\d)\s+(?:\(\w+\)\s+)?of\s+(?:the\s+|its\s+|their\s+)?(?:total\s+)?(?:voting\s+)?(?:members|membership|board|committee|forum|partnership|group)"
        r"|(?P<p>\d{1,3}\s*(?:%|per ?cent))\s+(?:or more\s+)?(?:of\s+)?(?:the\s+)?(?:its\s+)?(?:total\s+)?(?:voting\s+)?(?:members|membership)",
        main.replace("-", " "),  # "two-fifths"
    )
    if fraction:
        words = fraction["f"] or fraction["p"]
        value = FRACTIONS.get(words) or (
            int(words.split("/")[0]) / int(words.split("/")[1])
            if "/" in words
            else float(re.sub(r"[^\d.]", "", words)) / 100
        )
        yield Found("quorum:fraction", round(value, 4), source)
        floor = re.search(
            rf"\b(?:but\s+)?(?:not fewer than|no fewer than|not less than|and at least|with a minimum of)\s+(?P<n>{NUM})\b",
            main,
        )
        if floor:  # "one quarter of its voting members, but not fewer than three"
            yield Found("quorum:min_present", number(floor["n"]), source)
    else:
        count = re.search(
            rf"\b(?:at least|a minimum of|minimum of|not less than|no fewer than)?\s*(?P<n>{NUM})\s+(?:\(\d+\)\s+)?(?:voting\s+|full\s+|core\s+|elected\s+|named\s+|board\s+|committee\s+)?(?:members|councillors|partners|people|persons|representatives|governors|trustees|directors)\b"
            rf"|\bquorum\s+(?:shall be|is|will be)\s+(?P<q>{NUM})\b",
            main,
        )
        if count:
            yield Found("quorum:min_present", number(count["n"] or count["q"]), source)
    rest = text[len(main) :]
    chairs = re.search(r"\b(?:the\s+)?chair(?:man|person)?\s+or\s+(?:the\s+)?(?:vice|deputy)[- ]chair", rest)
    if chairs:
        yield Found("quorum:requires", "chair or vice-chair", source)
    elif re.search(r"\bthe chair(?:man|person)?\b", rest):
        yield Found("quorum:requires", "chair", source)
    besides_chairs = re.sub(
        r"\b(?:the\s+)?chair(?:man|person)?\s+or\s+(?:the\s+)?(?:vice|deputy)[- ]chair\b|\bincluding\b|\bto include\b|\b(?:one\s+)?of whom\b|\bwith\b"
        r"|\bmust be\b|\bat least one\b",
        "",
        rest,
    )
    organisations = [
        re.sub(r"^the\s+|(?:\s+(?:of|and|for))+$", "", match["org"] or match["org2"] or match["org3"] or match["org4"])
        for match in _ORGANISATION.finditer(sentence)
    ]
    organisations = [each for each in organisations if not body.is_ours(each) and each.lower() not in _ROLE_WORDS]
    for each in organisations:
        yield Found("quorum:organisation", each, source)
    if not organisations and rest.strip() and (chairs is None or besides_chairs.strip(" ,.and")):
        yield Found("quorum:also", sentence[len(main) :].strip(" ,."), source)


# "one representative of the Integrated Care Board", "a County Council elected member", "one a Health Board member":
# an organisation, capitalised as its name is, from which someone must be present.
_ORG_NAME = (
    r"(?:the\s+)?(?:[A-Z][\w'’&-]*|\([A-Z][\w'’&\s-]*\))(?:\s+(?:[A-Z][\w'’&-]*|\([A-Z][\w'’&\s-]*\)|of|and|for))*"
)
_ORGANISATION = re.compile(
    rf"\b(?:one|a|an|1)\s+(?:\w+\s+)?(?:member|representative|councillor|officer|delegate)s?\s+(?:from|of)\s+(?P<org>{_ORG_NAME})"
    rf"|\b(?:one|a|an|1)\s+(?:(?:a|an)\s+)?(?P<org2>{_ORG_NAME})\s+(?:elected\s+|voting\s+)?(?:member|representative|councillor)s?\b"
    rf"|\b(?:one|1)\s+(?:from|of)\s+(?P<org3>{_ORG_NAME})"
    r"|\b(?:one|an?|1)\s+(?P<org4>(?!other\b|voting\b|elected\b)[a-z][\w-]*(?:\s+[a-z][\w-]*)?)\s+representatives?\b"
)


# -- the year, the nation ---------------------------------------------------------------------

_YEARS = (
    (re.compile(r"\b(municipal|civic|council) year\b|\bannual meeting (?:of the (?:\w+ )?council )?in may\b"), "may"),
    (re.compile(r"\b(academic|school) year\b"), "september"),
    (re.compile(r"\bfinancial year\b"), "april"),
)


def year_and_nation(clause: Clause, sentence: str, body: Body) -> Iterator[Found]:
    """The year the body's cycle runs on, where a sentence about its business names it, and its nation."""
    text = plain(sentence)
    source = Source(clause.label, sentence, clause.index)
    if re.search(r"\bmeet|\bmeeting|\belect|\bchair|\breview|\bannual", text) and not _not_scheduling(text):
        for pattern, month in _YEARS:
            if pattern.search(text):
                yield Found("cycle_start", month, source)
                break
    if re.search(r"\bscotland\b|\bscottish\b", text):
        yield Found("nation", "scotland", source)
    elif re.search(r"\bnorthern ireland\b", text):
        yield Found("nation", "northern-ireland", source)
    elif re.search(r"\bwales\b|\bwelsh\b|\bcymru\b|\bengland\b|\benglish\b", text):
        yield Found("nation", "england-and-wales", source)


FINDERS = (frequency, arrangements, deadlines, extraordinary, items, quorum, year_and_nation)


def find(document_clauses: list[Clause], body: Body, owners: Mapping[int, str] | None = None) -> Findings:
    """Every value every finder finds, sentence by sentence, in document order. In a part that
    is another body's terms of reference (`owners`, by clause index), a clause counts only
    where it names this body; a sentence that would have given a value is passed over, said why."""
    findings = Findings()
    for clause in document_clauses:
        owner = (owners or {}).get(clause.index, "")
        elsewhere = bool(owner) and not body.is_ours(owner) and not names(clause.text, body)
        for sentence in clause.sentences:
            if elsewhere:
                if any(isinstance(each, Found) for finder in FINDERS for each in finder(clause, sentence, body)):
                    source = Source(clause.label, sentence, clause.index)
                    findings.passed_over.append(PassedOver(source, f"in the terms of the {owner}, not this body's"))
                continue
            for finder in FINDERS:
                for each in finder(clause, sentence, body):
                    if isinstance(each, PassedOver):
                        if all(said.source != each.source for said in findings.passed_over):  # once a sentence
                            findings.passed_over.append(each)
                    else:
                        findings.found.append(each)
    return findings


def _reads(phrase: str) -> bool:
    """Whether the rule language reads a frequency phrase: a finder gives none it would refuse."""
    try:
        parse_frequency(phrase)
    except RuleError:
        return False
    return True
