"""What govcal reads from its environment, read once at start-up.

Every face (CLI, server, reminder clock) takes its database, mail server and public
address from one `Settings`, built from the environment by `Settings.from_environ`
and overridden by command-line options; nothing below reads the environment.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from scheduler.store.database import DEFAULT_URL

DATABASE_VARIABLE = "GOVCAL_DATABASE_URL"
SMTP_VARIABLE = "GOVCAL_SMTP_URL"


@dataclass(frozen=True)
class Settings:
    """The database (`sqlite:///govcal.db` unless named), the SMTP server reminders go
    through (none: reminders are not sent) and the public address for links in feeds."""

    database_url: str = DEFAULT_URL
    database_named: bool = False  # named by an option or the environment, not the default
    smtp_url: str | None = field(default=None, repr=False)  # may hold a password
    public_url: str | None = None

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        database = environ.get(DATABASE_VARIABLE)
        return cls(
            database_url=database or DEFAULT_URL,
            database_named=bool(database),
            smtp_url=environ.get(SMTP_VARIABLE) or None,
        )

    def with_options(self, *, database: str | None = None, public_url: str | None = None) -> Settings:
        """These settings with what the command line names in place of the environment's."""
        return dataclasses.replace(
            self,
            database_url=database or self.database_url,
            database_named=self.database_named or bool(database),
            public_url=public_url or self.public_url,
        )
