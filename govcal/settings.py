"""What govcal reads from its environment, read once at start-up.

Every face (CLI, server, reminder clock) takes its database, mail server and public
address from one `Settings`, built from the environment by `Settings.from_environ`
and overridden by command-line options; nothing below reads the environment.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from rules.errors import RuleError

DATABASE_VARIABLE = "GOVCAL_DATABASE_URL"
SMTP_VARIABLE = "GOVCAL_SMTP_URL"
PUBLIC_URL_VARIABLE = "GOVCAL_PUBLIC_URL"
MAIL_FROM_VARIABLE = "GOVCAL_MAIL_FROM"  # e.g. "Democratic Services <democratic.services@example.gov.uk>"
HOSTS_VARIABLE = "GOVCAL_ALLOWED_HOSTS"  # comma-separated
NO_SEEDS_VARIABLE = "GOVCAL_NO_SEEDS"  # set (1, yes, true): an empty database is not given the seed bodies
TERMS_VARIABLE = "GOVCAL_TERMS"  # directories of term calendars, separated like PATH (":" on Linux)
COUNCIL_VARIABLE = "GOVCAL_COUNCIL_NAME"
YEAR_START_VARIABLE = "GOVCAL_YEAR_START"  # the council's year's first month: 1-12 or its name (default May)
DEFAULT_FILE = "govcal.db"  # in the current directory, created on first use
DEFAULT_URL = f"sqlite:///{DEFAULT_FILE}"


@dataclass(frozen=True)
class Settings:
    """The database (`sqlite:///govcal.db` unless named), the SMTP server reminders go
    through (none: reminders are not sent), the public address for links in feeds and
    pages, the host names the server answers to (besides the public address's), and the
    directories searched for term calendars before the built-in ones; and whether an empty
    database is given the built-in seed bodies on first use."""

    database_url: str = DEFAULT_URL
    database_named: bool = False  # named by an option or the environment, not the default
    smtp_url: str | None = field(default=None, repr=False)  # may hold a password
    public_url: str | None = None
    allowed_hosts: tuple[str, ...] = ()
    mail_from: str | None = None  # the From of reminders (else the SMTP URL's ?from=, else govcal@localhost)
    terms_dirs: tuple[Path, ...] = ()
    no_seeds: bool = False
    council_name: str | None = None
    year_start: int = 5

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        database = environ.get(DATABASE_VARIABLE)
        hosts = environ.get(HOSTS_VARIABLE, "")
        return cls(
            database_url=database or DEFAULT_URL,
            database_named=bool(database),
            smtp_url=environ.get(SMTP_VARIABLE) or None,
            public_url=environ.get(PUBLIC_URL_VARIABLE) or None,
            mail_from=environ.get(MAIL_FROM_VARIABLE) or None,
            allowed_hosts=tuple(host.strip() for host in hosts.split(",") if host.strip()),
            terms_dirs=tuple(Path(p) for p in environ.get(TERMS_VARIABLE, "").split(os.pathsep) if p),
            no_seeds=environ.get(NO_SEEDS_VARIABLE, "").strip().lower() in ("1", "yes", "true"),
            council_name=" ".join(environ.get(COUNCIL_VARIABLE, "").split()) or None,
            year_start=year_start(environ.get(YEAR_START_VARIABLE, "")),
        )

    def with_options(
        self,
        *,
        database: str | None = None,
        public_url: str | None = None,
        allowed_hosts: Sequence[str] = (),
        terms: Sequence[Path] = (),
        no_seeds: bool = False,
    ) -> Settings:
        """These settings with what the command line names in place of the environment's."""
        return dataclasses.replace(
            self,
            database_url=database or self.database_url,
            database_named=self.database_named or bool(database),
            public_url=public_url or self.public_url,
            allowed_hosts=tuple(allowed_hosts) or self.allowed_hosts,
            terms_dirs=tuple(terms) or self.terms_dirs,
            no_seeds=self.no_seeds or no_seeds,
        )

    def hosts(self, bind: str) -> tuple[str, ...]:
        """The Host headers the server answers: its public address's host, the named ones,
        and the address it listens on with localhost (so a local browser reaches it)."""
        public = urlsplit(self.public_url).hostname if self.public_url else None
        local = ("127.0.0.1", "localhost") if bind in ("0.0.0.0", "::") else (bind, "127.0.0.1", "localhost")
        return tuple(dict.fromkeys(h for h in (public, *self.allowed_hosts, *local) if h))


def year_start(typed: str) -> int:
    """The month the council's year starts in, from GOVCAL_YEAR_START: 1-12 or an English month's
    name ("May", "april", "Sept"); May, the municipal year's, when it is not set."""
    word = typed.strip()
    if not word:
        return 5
    if word.isascii() and word.isdigit() and 1 <= int(word) <= 12:  # '²'.isdigit() is True too
        return int(word)
    from rules.phrases import parse_month  # here: every command reads the settings, few a month's name

    try:
        return parse_month(word)
    except RuleError:
        raise RuleError(
            f"{YEAR_START_VARIABLE}={typed!r} is not a month: give its number (1 to 12) or its name, e.g. 5 or May"
        ) from None
