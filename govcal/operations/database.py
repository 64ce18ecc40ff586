"""The database the year is kept in, as the faces speak of it: shown with its password
hidden, and brought to the newest schema."""

from __future__ import annotations

from govcal.operations.context import Context
from scheduler.store.database import checked_url, redacted, upgrade


def shown(url: str) -> str:
    """A database URL as it may be printed or logged: any password replaced by ***."""
    return redacted(url)


def where(ctx: Context) -> str:
    """The context's database as it may be printed or logged."""
    return redacted(ctx.settings.database_url)


def bring_up_to_date(url: str) -> str:
    """Create or migrate the database at `url` to the newest schema (a `RuleError` for a URL
    govcal cannot open, or a database it cannot reach); the URL as it may be shown."""
    checked = checked_url(url)
    upgrade(checked)
    return redacted(checked)
