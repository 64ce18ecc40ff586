"""Term calendar files: by name from the term directories or built in, or by path.

A body's rule file names its term calendar. A plain name (`terms: leeds`) is looked
for as `leeds.yaml` or `leeds.ics` in the directories the deployment gives
(`--terms PATH`, or `GOVCAL_TERMS`), in order, then among the calendars shipped with
govcal, so a council's newly published dates replace the built-in ones without
touching the package. A name with a suffix (`terms: ../terms/leeds.ics`) is a file,
relative to the rule file. This module finds and reads the files, once per file, and
hands the planner the loaded calendars; a name it cannot find is reported at the rule
file's `terms` line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from rules.errors import RuleError
from rules.loader import RuleSet
from scheduler.terms import TermCalendar, read_term_calendar, read_term_ics

SUFFIXES = (".yaml", ".ics")


@cache
def builtin_terms_dir() -> Path:
    """The term calendars shipped with govcal (Leeds, Suffolk)."""
    return Path(str(resources.files("govcal") / "data" / "terms"))


@lru_cache(maxsize=32)
def read_term_file(path: Path) -> TermCalendar:
    """A term calendar file, YAML or iCalendar by its suffix, read once per process."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleError(f"cannot read term calendar: {error}", file=str(path)) from None
    if path.suffix.lower() == ".ics":
        return read_term_ics(text, str(path))
    return read_term_calendar(text, str(path))


@lru_cache(maxsize=1024)
def term_calendar(reference: str, relative_to: str = "", directories: tuple[Path, ...] = ()) -> TermCalendar:
    """A calendar by name (searched in `directories`, then built in) or by a path with its
    suffix, relative to the rule file naming it."""
    if Path(reference).suffix.lower() in (*SUFFIXES, ".yml"):
        path = Path(relative_to).parent / reference if relative_to else Path(reference)
        if not path.is_file():
            raise RuleError(f"no term calendar file {path}")
        return read_term_file(path)
    searched = (*directories, builtin_terms_dir())
    for directory in searched:
        for suffix in SUFFIXES:
            if (path := directory / f"{reference}{suffix}").is_file():
                return read_term_file(path)
    known = sorted({p.stem for d in searched for s in SUFFIXES for p in d.glob(f"*{s}")})
    raise RuleError(
        f"no term calendar '{reference}' (.yaml or .ics) in {', '.join(map(str, searched))}; known: {', '.join(known)}"
    )


def kept_calendar(name: str, kind: str, text: str) -> TermCalendar:
    """A term calendar kept in the database (its YAML or .ics text), read once per text."""
    return _kept_calendar(name, kind, text)


@lru_cache(maxsize=256)
def _kept_calendar(name: str, kind: str, text: str) -> TermCalendar:
    source = f"term calendar '{name}' (kept)"
    return read_term_ics(text, source) if kind == "ics" else read_term_calendar(text, source)


def term_format(path: Path) -> str:
    """A term calendar file's format by its suffix: ics, else yaml."""
    return "ics" if path.suffix.lower() == ".ics" else "yaml"


def term_calendars(
    rules: RuleSet, directories: Sequence[Path] = (), kept: Mapping[str, TermCalendar] | None = None
) -> Mapping[str, TermCalendar]:
    """The term calendar of each body that names one, by body id: a `kept` one of that name
    (a path's by its file's stem) first, else a file; a bad one located at the rule file's
    `terms` line (or, for a calendar's own mistake, in its file)."""
    found = {}
    kept = kept or {}
    for body in rules:
        if body.terms:
            name = Path(body.terms).stem if Path(body.terms).suffix else body.terms
            if name in kept:
                found[body.id] = kept[name]
                continue
            try:
                found[body.id] = term_calendar(body.terms, body.source_file, tuple(directories))
            except RuleError as error:
                if error.file:
                    raise
                file, line = rules.locate(body.id, "terms")
                raise error.located(file=file, line=line, field="terms") from None
    return found
