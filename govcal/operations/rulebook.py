"""Bodies' rules and term calendars kept as versions: publish, import, export, read.

A body's rules are the rule file's text, kept as a version that applies from a day, with
who published it and why. Publishing checks the new versions with every kept one (as a
directory of rule files is checked: whole, or not at all), keeps them and re-plans the
kept cycles they reach, in one transaction, so what a preview shows is what publishing
does. Files are how rules come in and go out: `import_rules` and `export_rules` (a valid
`--rules` directory), and the same for term calendars.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from govcal.operations import fields
from govcal.operations.context import Context, source
from govcal.operations.planning import Replanned, replan
from govcal.terms import kept_calendar, term_format
from rules.errors import RuleError
from rules.loader import RuleSet, Source, load_versions, read_source, rule_files
from scheduler.checker import Finding
from scheduler.occurrences import BodyPlan, cycle_bounds, cycle_containing
from scheduler.workdays import london_day

if TYPE_CHECKING:
    from scheduler.store.versions import NewRules, RuleVersion, TermVersion

REASON_LENGTH = 2000


@dataclass(frozen=True)
class Published:
    """Versions kept (or, previewed, that would be), and the re-plan they made."""

    versions: list[RuleVersion]
    replanned: Replanned
    preview: bool
    findings: list[Finding] = field(default_factory=list)  # the published bodies' re-planned cycles, checked

    def plans_of(self, body_id: str) -> list[BodyPlan]:
        """A body's cycles as the re-plan left them."""
        return [plan for plan in self.replanned.plans if plan.body.id == body_id]

    def said(self) -> list[str]:
        """What was published and what it moved, a line each, naming the version that moved it."""
        lines = [f"{'would publish' if self.preview else 'published'} {v.label}" for v in self.versions]
        return lines + [f"  {changed.said()}" for changed in self.replanned.listed()]


def publish(
    ctx: Context,
    texts: Sequence[tuple[str, str]],
    applies_from: dt.date,
    *,
    actor: str,
    reason: str = "",
    now: dt.datetime,
    preview: bool = False,
) -> Published:
    """Keep each (name, rule file text) as a new version of its body's rules applying from
    `applies_from`, checked with every kept version, and re-plan the kept cycles of those
    bodies that end on or after that day (the past stays as it was held). With `preview`,
    what it would do, nothing kept."""
    from scheduler.store.versions import NewRules, RuleVersion

    reason = fields.text(reason, "reason", REASON_LENGTH)
    if not fields.FIRST_CYCLE < applies_from.year < fields.LAST_CYCLE:
        raise RuleError(
            f"{applies_from} is outside the years govcal plans ({fields.FIRST_CYCLE + 1} to {fields.LAST_CYCLE - 1})",
            field="applies from",
        )
    kept_versions = ctx.open(seed=False).rule_versions()  # into an empty database, these rules instead of the seeds
    read = [read_source(Source(name, text.encode("utf-8"), applies_from)) for name, text in texts]
    new = [NewRules(body.id, text, applies_from) for (body, _), (_, text) in zip(read, texts, strict=True)]
    if len({each.body_id for each in new}) != len(new):
        raise RuleError("two of the files are the same body; publish one version of a body at a time")
    new = [each for each in new if not _unchanged(kept_versions, each)]
    placeholders = [RuleVersion(0, n.body_id, applies_from, n.text, actor, reason, now) for n in new]
    _rule_set(ctx, [*kept_versions, *placeholders], now)  # checked whole before anything is kept
    calendars = ctx.kept_terms()
    with ctx.store.replanning() as kept:
        versions = kept.publish_rules(new, actor=actor, reason=reason, now=now)
        published = ctx.with_rules(_rule_set(ctx, [*kept_versions, *versions], now), calendars)
        bodies = {v.body_id for v in versions}
        from_day = max(applies_from, london_day(now))
        current = {(b, cycle_containing(published.rules[b].cycle_start, from_day)) for b in bodies}
        targets = sorted(set(_cycles_from(published.rules, kept.cycles(bodies), applies_from)) | current)
        replanned = replan(published, kept, targets, now=now)
        meetings = [m for plan in replanned.plans if plan.body.id in bodies for m in plan.meetings]
        findings = [f for f in published.checker.check(meetings) if f.body in bodies]
        if preview:
            kept.discard()
        else:
            kept.audit_changes(replanned.changes, actor, now)
    if not preview:
        ctx.refresh()
    return Published(versions, replanned, preview, findings)


def _unchanged(kept: Sequence[RuleVersion], new: NewRules) -> bool:
    """Whether the body's rules in force on the new version's day are its text already:
    publishing it again would change nothing (so `plan --save --rules` can run twice)."""
    before = [v for v in kept if v.body_id == new.body_id and v.applies_from <= new.applies_from]
    return bool(before) and max(before, key=lambda v: (v.applies_from, v.id)).text == new.text


def _rule_set(ctx: Context, versions: Iterable[RuleVersion], now: dt.datetime) -> RuleSet:
    return load_versions([source(v) for v in versions], london_day(now))


def _cycles_from(rules: RuleSet, kept: Iterable[tuple[str, str]], day: dt.date) -> list[tuple[str, int]]:
    """The kept cycles (body id, cycle year) that end on or after `day`."""
    found = []
    for body_id, label in kept:
        if body_id not in rules.bodies:
            continue
        year = int(label[:4])
        if cycle_bounds(rules[body_id].cycle_start, year)[1] >= day:
            found.append((body_id, year))
    return sorted(found)


def import_rules(
    ctx: Context,
    paths: Sequence[Path],
    applies_from: dt.date | None,
    *,
    actor: str,
    reason: str = "",
    now: dt.datetime,
) -> Published:
    """Rule files (or directories of them) published as new versions, applying from
    `applies_from` (default: today); the term calendar files they name by path kept too."""
    files = rule_files(paths)
    texts = []
    for path in files:
        try:
            texts.append((str(path), path.read_bytes().decode("utf-8")))
        except (OSError, UnicodeDecodeError) as error:
            raise RuleError(f"cannot read: {error}", file=str(path)) from None
    calendars = []
    for name, text in texts:
        body, _ = read_source(Source(name, text.encode("utf-8"), dt.date.min))
        if body.terms and Path(body.terms).suffix:
            calendars.append(Path(name).parent / body.terms)
    if calendars:
        import_terms(ctx, calendars, actor=actor, now=now)
    return publish(ctx, texts, applies_from or london_day(now), actor=actor, reason=reason, now=now)


def in_force(ctx: Context, body_id: str | None = None) -> list[RuleVersion]:
    """The newest version of each body's rules (or of one body's), by body id."""
    newest: dict[str, RuleVersion] = {}
    for version in ctx.rule_versions(body_id):
        if version.body_id not in newest or version.applies_from >= newest[version.body_id].applies_from:
            newest[version.body_id] = version
    return [newest[each] for each in sorted(newest)]


def history(ctx: Context, body_id: str) -> list[RuleVersion]:
    """Every version of a body's rules, oldest first."""
    return ctx.rule_versions(fields.text(body_id, "body", fields.BODY_ID))


def export_rules(ctx: Context, folder: Path) -> list[Path]:
    """Each body's newest rules written as `<id>.yaml` in `folder` (made if needed): a
    directory `--rules` and `rules import` read."""
    return _write(folder, [(f"{v.body_id}.yaml", v.text) for v in in_force(ctx)])


def import_terms(ctx: Context, paths: Sequence[Path], *, actor: str, now: dt.datetime) -> list[str]:
    """Term calendar files (NAME.yaml or NAME.ics, or directories of them) kept as new
    versions under their names; each read and checked first. The names kept."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".ics"))
        elif path.is_file():
            files.append(path)
        else:
            raise RuleError("no such file or directory", file=str(path))
    if not files:
        raise RuleError("no term calendar files (*.yaml, *.ics) found", file=", ".join(map(str, paths)))
    calendars = []
    for path in files:
        try:
            text = path.read_bytes().decode("utf-8")  # as written: an .ics keeps its CRLF
        except (OSError, UnicodeDecodeError) as error:
            raise RuleError(f"cannot read: {error}", file=str(path)) from None
        kind = term_format(path)
        try:
            kept_calendar(path.stem, kind, text)
        except RuleError as error:
            raise error.located(file=str(path)) from None
        calendars.append((path.stem, kind, text))
    ctx.store.publish([], calendars, actor=actor, reason="imported", now=now)
    ctx.refresh()
    return [name for name, _, _ in calendars]


def export_terms(ctx: Context, folder: Path) -> list[Path]:
    """Each kept term calendar written as NAME.yaml or NAME.ics in `folder`."""
    versions: list[TermVersion] = ctx.store.term_versions()
    return _write(folder, [(f"{t.name}.{t.format}", t.text) for t in versions])


def _write(folder: Path, files: Sequence[tuple[str, str]]) -> list[Path]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, text in files:
            (folder / name).write_bytes(text.encode("utf-8"))
            written.append(folder / name)
    except OSError as error:
        raise RuleError(f"cannot write: {error.strerror or error}", file=str(folder)) from None
    return written


def current_cycle(ctx: Context, body_id: str, now: dt.datetime) -> int:
    """The cycle year of a body that holds today."""
    return cycle_containing(ctx.body(body_id).cycle_start, london_day(now))
