"""The database the year is kept in, as the faces speak of it: shown with its password
hidden, and brought to the newest schema."""

from __future__ import annotations

from govcal.operations.context import Context


def where(ctx: Context) -> str:
    """The context's database as it may be printed or logged."""
    from scheduler.store.database import redacted

    return redacted(ctx.settings.database_url)


def bring_up_to_date(url: str) -> str:
    """Create or migrate the database at `url` to the newest schema (a `RuleError` for a URL
    govcal cannot open, `DatabaseUnavailable` for one it cannot reach); the URL as it may be
    shown, any password replaced by ***."""
    from scheduler.store.database import checked_url, redacted, upgrade

    checked = checked_url(url)
    upgrade(checked)
    return redacted(checked)
