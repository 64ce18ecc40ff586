"""Term calendar files: built in by id ("leeds"), or a path relative to the rule file.

A body's rule file names its term calendar (`terms: leeds`); this module finds and
reads the file, once per file, and hands the planner the loaded calendars. A name
that is neither built in nor a file is reported at the rule file's `terms` line.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from rules.errors import RuleError
from rules.loader import RuleSet
from scheduler.terms import TermCalendar, read_term_calendar


@cache
def builtin_terms_dir() -> Path:
    """The term calendars shipped with govcal (Leeds, Suffolk)."""
    return Path(str(resources.files("govcal") / "data" / "terms"))


@lru_cache(maxsize=32)
def read_term_file(path: Path) -> TermCalendar:
    """A term calendar file, read once per process."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleError(f"cannot read term calendar: {error}", file=str(path)) from None
    return read_term_calendar(text, str(path))


@lru_cache(maxsize=1024)
def term_calendar(reference: str, relative_to: str = "") -> TermCalendar:
    """A calendar by built-in id ("leeds") or by path relative to the rule file naming it."""
    builtin = builtin_terms_dir() / f"{reference}.yaml"
    if builtin.exists():
        return read_term_file(builtin)
    path = Path(relative_to).parent / reference if relative_to else Path(reference)
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in builtin_terms_dir().glob("*.yaml")))
        raise RuleError(f"no term calendar '{reference}': not built in ({known}) and no file {path}")
    return read_term_file(path)


def term_calendars(rules: RuleSet) -> Mapping[str, TermCalendar]:
    """The term calendar of each body that names one, by body id; a bad one located at
    the rule file's `terms` line."""
    found = {}
    for body in rules:
        if body.terms:
            try:
                found[body.id] = term_calendar(body.terms, body.source_file)
            except RuleError as error:
                file, line = rules.locate(body.id, "terms")
                raise error.located(file=file, line=line, field="terms") from None
    return found
