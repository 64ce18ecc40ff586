"""What every operation works on: one rule set, its term calendars, one store, the settings
(and, for the faces that serve, whether that store was last found away).

The rules are the database's (the versions kept there, the built-in seed bodies imported
on first use unless told not to), or rule files read for a preview that changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from govcal.operations import fields
from govcal.outage import Outage
from govcal.settings import DEFAULT_FILE, Settings
from govcal.terms import kept_calendar, term_calendars
from rules.errors import NotFound, RuleError
from rules.loader import RuleSet, Source, load_rules, load_versions, seeds_dir
from rules.model import Body
from scheduler.checker import Checker
from scheduler.planner import Planner
from scheduler.terms import TermCalendar
from scheduler.workdays import london_day

if TYPE_CHECKING:  # the store (and SQLAlchemy) is imported when first opened: planning to the screen starts without it
    from scheduler.store import Store
    from scheduler.store.tables import MeetingRow
    from scheduler.store.versions import RuleVersion

SEEDED_BY = "govcal (built-in seed bodies)"
FIRST_USE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # when the seeds are said kept, where no face said when


@dataclass
class Context:
    """The rules and the kept year the operations act on.

    `given` holds rules read from files (a preview: nothing is kept from them) or handed in
    whole; without them the rules are the database's, read when first asked for and read
    again when `refresh` finds a version published since (by this instance or another).
    While there is no database, the built-in seed bodies are read from their files (what the
    database will be given when it is made), so no database is created by looking.

    The store is opened on first use, so what needs no database (planning to the
    screen, the calculator, checking a file) never creates one. `outage` is shared by
    whatever serves from it (the server's routes, the reminder clock): one line in the
    log when the database goes, one when it comes back.
    """

    given: RuleSet | None = None
    settings: Settings = field(default_factory=Settings)
    _store: Store | None = None
    outage: Outage = field(default_factory=Outage)
    now: dt.datetime | None = None  # when the face started: each body as in force then, the seeds kept then
    _kept: tuple[object, RuleSet, Planner] | None = None  # the database's rules, as of a stamp
    _planner: Planner | None = None  # of `given`
    _unkept: tuple[RuleSet, Planner] | None = None  # the seeds from their files, while there is no database

    @classmethod
    def load(
        cls,
        settings: Settings,
        rule_paths: Iterable[Path] | None = None,
        store: Store | None = None,
        *,
        now: dt.datetime | None = None,
    ) -> Context:
        """The rule files given, read and checked together (a preview); without them, the
        database's rules."""
        paths = list(rule_paths or ())
        return cls(load_rules(paths) if paths else None, settings, store, now=now)

    @property
    def rules(self) -> RuleSet:
        if self.given is not None:
            return self.given
        if not self.has_store():  # no database yet: the seeds it would be given, and none is made by asking
            return self._seeds()[0]
        return self._from_database()[1]

    @property
    def planner(self) -> Planner:
        if self.given is not None:
            if self._planner is None:
                self._planner = Planner(self.given, term_calendars(self.given, self.settings.terms_dirs))
            return self._planner
        if not self.has_store():
            return self._seeds()[1]
        return self._from_database()[2]

    def _seeds(self) -> tuple[RuleSet, Planner]:
        """The built-in seed bodies read from their files (none, told not to take them)."""
        if self._unkept is None:
            rules = load_rules([seeds_dir()]) if not self.settings.no_seeds else RuleSet({}, {})
            self._unkept = (rules, Planner(rules, term_calendars(rules, self.settings.terms_dirs)))
        return self._unkept

    @property
    def checker(self) -> Checker:
        return Checker(self.planner)

    @property
    def from_database(self) -> bool:
        """Whether the rules are the database's (not files read for a preview)."""
        return self.given is None

    def _from_database(self, seeding: bool = True) -> tuple[object, RuleSet, Planner]:
        """The kept versions as a rule set (the seeds kept first, into an empty database, unless
        told not to or `seeding` is False: rules about to be imported stand instead)."""
        kept = self._kept
        if kept is None:
            store = self.open(seed=seeding)
            stamp = store.rules_stamp()
            if stamp[0] is None and seeding and not self.settings.no_seeds:
                own = [body for body in store.unversioned_bodies() if not (seeds_dir() / f"{body}.yaml").exists()]
                if own:  # a year kept from a council's own rule files, before rules were kept here
                    raise RuleError(
                        f"this database keeps the year of bodies planned from rule files ({', '.join(own[:5])}"
                        f"{', ...' if len(own) > 5 else ''}); rules are now kept in the database: import the files"
                        " once with `govcal rules import DIR --from DATE`"
                    )
                seed(self)
                stamp = store.rules_stamp()
            day = london_day(self.now) if self.now else dt.date.max
            rules = load_versions([source(v) for v in store.rule_versions()], day)
            kept = self._kept = (stamp, rules, self._planner_of(rules))
        return kept

    def _planner_of(self, rules: RuleSet, calendars: Mapping[str, TermCalendar] | None = None) -> Planner:
        """A planner of these rules with their term calendars (the kept ones first)."""
        calendars = self.kept_terms() if calendars is None else calendars
        return Planner(rules, term_calendars(rules, self.settings.terms_dirs, calendars))

    def kept_terms(self) -> Mapping[str, TermCalendar]:
        """The term calendars kept in the database, by name."""
        return {t.name: kept_calendar(t.name, t.format, t.text) for t in self.store.term_versions()}

    def with_rules(self, rules: RuleSet, calendars: Mapping[str, TermCalendar]) -> Context:
        """This context's database and settings with other rules (versions about to be kept)
        and the kept term calendars, read before (a change's transaction holds SQLite whole)."""
        other = Context(rules, self.settings, self.store, self.outage, now=self.now)
        other._planner = self._planner_of(rules, calendars)
        return other

    def rule_versions(self, body_id: str | None = None) -> list[RuleVersion]:
        """The kept versions of every body's rules (or one body's), oldest first; the seeds
        kept first into an empty database, as on any first use."""
        self._from_database()
        return self.store.rule_versions(body_id)

    def refresh(self) -> None:
        """Read the database's rules again if a version was published since they were read
        (through this instance or another sharing the database)."""
        if self._kept is not None and self.store.rules_stamp() != self._kept[0]:
            self._kept = None

    def has_store(self) -> bool:
        """Whether there is a kept year to read: a database named, or the default file
        present (asking never creates one)."""
        return self._store is not None or self.settings.database_named or Path(DEFAULT_FILE).exists()

    @property
    def store(self) -> Store:
        return self.open()

    def open(self, *, seed: bool = True) -> Store:
        """The store, opened (made, migrated) on first use and its rules read at once, before any
        change's transaction holds the database; `seed` False leaves an empty one without the seeds."""
        if self._store is None:
            from scheduler.store import open_store

            self._store = open_store(self.settings.database_url)
            if self.given is None:
                self._from_database(seed)
        return self._store

    def body(self, body_id: str) -> Body:
        """A body of the rules, or `NotFound` naming the known ones."""
        return self.planner.body(fields.text(body_id, "body", fields.BODY_ID))

    def meeting_row(self, meeting_id: str) -> MeetingRow:
        """A kept meeting, or `NotFound` saying how to get one."""
        row = self.store.meeting(fields.text(meeting_id, "meeting", fields.ID))
        if row is None:
            raise NotFound(f"no meeting '{meeting_id}' in the store; run `govcal plan --save` first or check the id")
        return row


def source(version: RuleVersion) -> Source:
    """A kept version as the loader reads it."""
    return Source(
        f"{version.body_id}, version {version.id}", version.text.encode("utf-8"), version.applies_from, version.label
    )


def seed(ctx: Context) -> None:
    """The built-in seed bodies kept into a database with no rules, as their first versions
    (applying from the first day govcal plans, so every cycle has them); nothing if another
    instance kept some first."""
    from scheduler.store.versions import NewRules

    files = sorted(seeds_dir().glob("*.yaml"))
    rules = load_rules(files)
    texts = {body.source_file: Path(body.source_file).read_text(encoding="utf-8") for body in rules}
    versions = [NewRules(body.id, texts[body.source_file], FIRST_USE.date()) for body in rules]
    ctx.store.publish(versions, actor=SEEDED_BY, reason="first use", now=ctx.now or FIRST_USE, only_if_empty=True)
