"""What every operation works on: one rule set, its term calendars, one store, the settings
(and, for the faces that serve, whether that store was last found away)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from govcal.operations import fields
from govcal.outage import Outage
from govcal.settings import DEFAULT_FILE, Settings
from govcal.terms import term_calendars
from rules.errors import NotFound
from rules.loader import RuleSet, load_rules
from rules.model import Body
from scheduler.checker import Checker
from scheduler.planner import Planner

if TYPE_CHECKING:  # the store (and SQLAlchemy) is imported when first opened: planning to the screen starts without it
    from scheduler.store import Store
    from scheduler.store.tables import MeetingRow


@dataclass
class Context:
    """The rules and the kept year the operations act on.

    The store is opened on first use, so what needs no database (planning to the
    screen, the calculator, checking a file) never creates one. `outage` is shared by
    whatever serves from it (the server's routes, the reminder clock): one line in the
    log when the database goes, one when it comes back.
    """

    rules: RuleSet
    settings: Settings = field(default_factory=Settings)
    _store: Store | None = None
    outage: Outage = field(default_factory=Outage)

    @classmethod
    def load(cls, settings: Settings, rule_paths: Iterable[Path] | None = None, store: Store | None = None) -> Context:
        """The rule files given (default: the built-in seed bodies), read and checked together."""
        return cls(load_rules(rule_paths), settings, store)

    @cached_property
    def planner(self) -> Planner:
        return Planner(self.rules, term_calendars(self.rules, self.settings.terms_dirs))

    @property
    def checker(self) -> Checker:
        return Checker(self.planner)

    def has_store(self) -> bool:
        """Whether there is a kept year to read: a database named, or the default file
        present (asking never creates one)."""
        return self._store is not None or self.settings.database_named or Path(DEFAULT_FILE).exists()

    @property
    def store(self) -> Store:
        if self._store is None:
            from scheduler.store import open_store

            self._store = open_store(self.settings.database_url)
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
