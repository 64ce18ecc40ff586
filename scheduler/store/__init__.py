"""The kept year, and the only code that speaks SQL: SQLAlchemy 2 models, Alembic migrations.

SQLite file by default (`govcal.db`), PostgreSQL by URL for several instances sharing
one database. One `Store` reads and writes it all, each public method one transaction,
its parts in modules of their own: `plans` (saving plans, keeping edits, reading the
year, with the re-plan diff in `replan`), `outbox` (reminders, exactly once, by
channel), `people` (members and attendance), `channels` (addresses on channels other
than e-mail), `tokens` (admin and feed tokens), `digests` (clerks' morning digests,
once a day), `versions` (bodies' rules and term calendars, as versions), `papers`
(meetings' links), `audit`.
"""

from __future__ import annotations

from scheduler.store.channels import ChannelStore
from scheduler.store.database import checked_url, engine_for
from scheduler.store.digests import DigestStore
from scheduler.store.outbox import OutboxStore
from scheduler.store.papers import PapersStore
from scheduler.store.people import PeopleStore
from scheduler.store.plans import PlanStore
from scheduler.store.schema import ensure_current
from scheduler.store.tokens import TokenStore
from scheduler.store.versions import VersionStore


class Store(PlanStore, OutboxStore, PeopleStore, TokenStore, DigestStore, ChannelStore, VersionStore, PapersStore):
    """Reads and writes the kept year."""


def open_store(url: str) -> Store:
    """A store on a database at the newest schema (created if new); one at an older revision
    is a `RuleError` saying to run `govcal db upgrade`, never migrated unasked, and a URL
    that names no database govcal can use a `RuleError` saying what would be right."""
    url = checked_url(url)
    engine = engine_for(url)
    try:
        ensure_current(url, engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)
