"""Frequency kinds: the one place each way of saying how often a body meets is defined.

A kind is one entry of `KINDS`, saying

- the wordings a rule file may use for it (`wordings`: whole phrases, `{n}` a number and
  `{months}` a list of months such as "August and December"), read into a `Frequency`;
- how it cuts a cycle year into periods (`cut`: even stretches, named calendar months,
  or the school terms of the body's term calendar);
- how many meetings each period takes (`per_period`);
- how a schedule complies (`test`, with `period_words`, the words a finding names a
  period by, and `only_in_periods`: whether a meeting outside every period fails).

Everything here is pure and calendar-free. The scheduler core carries out each shape of
cut once (`scheduler.periods.cut_periods`) and each test once (`scheduler.checker`), for
every kind that names it; so a new kind built from them is one entry here, or one
`register` call, and needs no other file. Only a new shape of cut or a new test is code
in the scheduler core.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from functools import cached_property

from rules.errors import RuleError
from rules.model import MONTHS, Frequency
from rules.offsets import NUMBER_WORDS
from rules.phrases import parse_month


class Shape(Enum):
    """How a cut divides a cycle year."""

    EVEN = "even stretches"  # `count` stretches of whole months (of equal days where months do not divide)
    MONTHS = "named months"  # one period per calendar month in `months`, each the whole month
    TERMS = "school terms"  # one per term of the body's term calendar


@dataclass(frozen=True, slots=True)
class Cut:
    """A cycle year's periods, as a kind asks for them."""

    shape: Shape
    count: int = 0
    months: tuple[int, ...] = ()

    @property
    def periods(self) -> int | None:
        """How many periods a cycle year holds (None: as many as the term calendar has)."""
        return {Shape.EVEN: self.count, Shape.MONTHS: len(self.months), Shape.TERMS: None}[self.shape]


class Compliance(Enum):
    """How a schedule complies with a kind; `scheduler.checker` carries out each."""

    EACH_PERIOD = "at least `per_period` meetings in every period"
    AT_LEAST = "at least `count` meetings in the cycle year"
    EXACTLY = "exactly `count` meetings in the cycle year"
    NO_GAP = "no gap between meetings over `count` months and the body's tolerance"


Reader = Callable[[int, tuple[int, ...], str], Frequency]


@dataclass(frozen=True)
class Kind:
    """One kind of frequency: its wordings, its periods, and what complying means.

    `read` turns a matched wording's number (`count` where it has none) and months into a
    `Frequency`, refusing what the kind cannot mean; `cut` gives the periods from the
    frequency and the rule's own `months:` (which month of each period, when given).
    `examples`, `planned` and `complies` are the kind's row in docs/rule-language.md.
    """

    name: str
    wordings: tuple[str, ...]
    cut: Callable[[Frequency, tuple[int, ...]], Cut]
    test: Compliance
    planned: str
    complies: str
    examples: tuple[str, ...] = ()  # wordings as people write them, for the docs (each reads as this kind)
    read: Reader | None = None
    count: int = 1  # the count of a wording that gives no number ("quarterly": 4 periods)
    per_period: int = 1  # meetings each period takes: the planner cuts a period into as many stretches
    period_words: str = "{label}"  # "quarter {index} ({label})": a period as findings name it
    only_in_periods: bool = False  # an ordinary meeting in no period fails ("monthly except August")

    @cached_property
    def patterns(self) -> tuple[re.Pattern[str], ...]:
        """The wordings as regular expressions of a whole phrase."""
        return tuple(
            re.compile("^" + wording.replace("{n}", _NUM).replace("{months}", _MONTH_LIST) + "$")
            for wording in self.wordings
        )

    def frequency(self, n: int | None, months: tuple[int, ...], words: str) -> Frequency:
        """The frequency a matched wording means (the kind's `read`, else the plain one); `n`
        is the wording's number, None where it has none (the kind's `count` then)."""
        count = self.count if n is None else n
        if self.read is not None:
            return self.read(count, months, words)
        return Frequency(self.name, count, words, months)


_NUM = r"(?P<n>\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"
_MONTH = r"[a-z]{3,9}\.?"
_MONTH_LIST = rf"(?P<months>{_MONTH}(?:(?:,\s*and|,|\s+and|\s*&)\s+{_MONTH})*)"
_MINIMUM = re.compile(r"^(?:at least|not less than|no less than|a minimum of) ")


def months_of(listed: str, text: str) -> tuple[int, ...]:
    """The months a list names ("March, June and December"), each once, as written."""
    months: list[int] = []
    for word in re.split(r",\s*and\s+|,\s*|\s+and\s+|\s*&\s*", listed):
        month = parse_month(word.rstrip("."))
        if month in months:
            raise RuleError(f"'{text}' names {MONTHS[month - 1]} twice; give each month once")
        months.append(month)
    return tuple(months)


def _every_n_months(n: int, months: tuple[int, ...], words: str) -> Frequency:
    if n not in (1, 2, 3, 4, 6, 12):
        raise RuleError(f"'{words}': every N months needs N to divide the year (1, 2, 3, 4, 6 or 12)")
    return Frequency("every N months", n, words)


def _times_a_year(n: int, months: tuple[int, ...], words: str) -> Frequency:
    if not 1 <= n <= 52:
        raise RuleError(f"'{words}': between 1 and 52 meetings a year, please")
    if n == 2 and not words.startswith("at least"):
        return Frequency("twice a year", 2, words)
    return Frequency("N times a year", n, words)


def _monthly_except(n: int, months: tuple[int, ...], words: str) -> Frequency:
    if len(months) >= 12:
        raise RuleError(f"'{words}' leaves out every month; name the months it leaves out")
    return Frequency("monthly except MONTHS", 12 - len(months), words, months)


def _in_months(n: int, months: tuple[int, ...], words: str) -> Frequency:
    return Frequency("in MONTHS", len(months), words, months)


def _even(count: int) -> Callable[[Frequency, tuple[int, ...]], Cut]:
    return lambda frequency, months: Cut(Shape.EVEN, count)


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind to the registry (a name once: a second kind of one name is a mistake)."""
    if kind.name in KINDS:
        raise ValueError(f"a frequency kind named '{kind.name}' is already registered")
    KINDS[kind.name] = kind
    return kind


def kind_of(frequency: Frequency) -> Kind:
    """The kind a frequency was read as."""
    return KINDS[frequency.kind]


register(
    Kind(
        "twice a year",
        ("twice a year", "twice yearly", "twice-yearly"),
        _even(2),
        Compliance.EXACTLY,
        "2 periods of 6 months",
        "exactly 2 in the cycle year",
        examples=("twice a year", "twice yearly"),
        count=2,
    )
)
register(
    Kind(
        "every N months",
        ("every {n} months", "bimonthly", "bi-monthly", "every other month"),
        lambda frequency, months: Cut(Shape.EVEN, 12 // frequency.count),
        Compliance.NO_GAP,
        "12/N periods",
        "no gap over N months + `tolerance`",
        examples=("every 2 months", "bimonthly", "every N months"),
        read=_every_n_months,
        count=2,
    )
)
register(
    Kind(
        "monthly",
        ("monthly", "every month"),
        _even(12),
        Compliance.EACH_PERIOD,
        "each calendar month",
        "≥ 1 in every calendar month",
        examples=("monthly", "not less than monthly", "at least monthly"),
    )
)
register(
    Kind(
        "monthly except MONTHS",
        ("(?:monthly|every month) except (?:in )?{months}",),
        lambda frequency, months: Cut(Shape.MONTHS, months=tuple(m for m in range(1, 13) if m not in frequency.months)),
        Compliance.EACH_PERIOD,
        "each calendar month but those named",
        "≥ 1 in every other month; none but an extraordinary meeting in a month named",
        examples=("monthly except August", "monthly except August and December"),
        read=_monthly_except,
        only_in_periods=True,
    )
)
register(
    Kind(
        "in MONTHS",
        ("in {months}",),
        lambda frequency, months: Cut(Shape.MONTHS, months=frequency.months),
        Compliance.EACH_PERIOD,
        "each month named (any number a year)",
        "≥ 1 in every month named",
        examples=("in March, June, September and December", "in June"),
        read=_in_months,
    )
)
register(
    Kind(
        "quarterly",
        ("quarterly", "on a quarterly basis"),
        _even(4),
        Compliance.EACH_PERIOD,
        "each quarter of the cycle year",
        "≥ 1 in every quarter",
        examples=("quarterly", "on a quarterly basis", "at least quarterly"),
        count=4,
        period_words="quarter {index} ({label})",
    )
)
register(
    Kind(
        "termly",
        (
            "termly",
            "(?:once )?(?:in )?(?:each|every|a|per) (?:school )?term",
        ),
        lambda frequency, months: Cut(Shape.TERMS),
        Compliance.EACH_PERIOD,
        "each school term (needs `terms`)",
        "≥ 1 inside every term",
        examples=("termly", "at least termly", "each term", "once each school term", "once a term"),
    )
)
register(
    Kind(
        "N times a year",
        ("{n} times (?:a|per|each) (?:year|cycle)",),
        lambda frequency, months: Cut(Shape.MONTHS, months=months) if months else Cut(Shape.EVEN, frequency.count),
        Compliance.AT_LEAST,
        "N even periods; with `months`, one in each month named",
        "≥ N in the cycle year",
        examples=("at least N times a year", "N times a year"),
        read=_times_a_year,
    )
)
register(
    Kind(
        "annually",
        ("annually", "once a year", "yearly"),
        _even(1),
        Compliance.AT_LEAST,
        "one",
        "≥ 1 in the cycle year",
        examples=("annually", "once a year"),
    )
)

FREQUENCY_EXAMPLES = (
    "'not less than monthly', 'every 2 months', 'quarterly', 'at least termly', 'at least 6 times a year', "
    "'monthly except August', 'in March, June, September and December'"
)


def table() -> str:
    """The kinds as docs/rule-language.md lists them: phrase, what is planned, when a schedule complies."""
    rows = ["| phrase | planned | complies when |", "| --- | --- | --- |"]
    for kind in KINDS.values():
        phrases = ", ".join(f"`{example}`" for example in kind.examples)
        rows.append(f"| {phrases} | {kind.planned} | {kind.complies} |")
    return "\n".join(rows)


def parse_frequency(text: str) -> Frequency:
    """Read a frequency in any kind's wording: "not less than monthly", "every 2 months",
    "monthly except August", "in March, June, September and December"."""
    words = " ".join(str(text).lower().split())
    bare = _MINIMUM.sub("", words)
    for kind in KINDS.values():
        for pattern in kind.patterns:
            match = pattern.match(bare)
            if match is None:
                continue
            found = match.groupdict()
            n = found.get("n")
            number = (int(n) if n.isdigit() else NUMBER_WORDS[n]) if n else None
            months = months_of(found["months"], text) if found.get("months") else ()
            # Read in lower case, kept as written ("monthly except August"): findings quote it.
            return replace(kind.frequency(number, months, words), phrase=" ".join(str(text).split()))
    raise RuleError(f"'{text}' is not a frequency govcal understands; write it like {FREQUENCY_EXAMPLES}")
