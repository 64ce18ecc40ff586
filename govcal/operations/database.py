"""The database the year is kept in, as the faces speak of it: shown with its password
hidden, brought to the newest schema when asked, backed up and restored."""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import IO

from govcal.operations.context import Context
from rules.errors import RuleError


def where(ctx: Context) -> str:
    """The context's database as it may be printed or logged."""
    from scheduler.store.database import redacted

    return redacted(ctx.settings.database_url)


def bring_up_to_date(url: str) -> str:
    """Check the database at `url` against the revision it claims (repairing an old shape
    govcal knows), create or migrate it to the newest schema, and say what was done in one
    line (any password replaced by ***). A `RuleError` for a URL govcal cannot open or a
    schema it does not know, `DatabaseUnavailable` for one it cannot reach."""
    from scheduler.store.database import checked_url, redacted
    from scheduler.store.schema import upgrade

    checked = checked_url(url)
    done = upgrade(checked)
    shown = redacted(checked)
    if done.found is None:
        return f"created {shown} at schema revision {done.now}"
    repaired = f"; repaired {done.repaired}" if done.repaired else ""
    if done.found != done.now:
        return f"upgraded {shown} from schema revision {done.found} to {done.now}{repaired}"
    if done.repaired:
        return f"{shown} is at schema revision {done.now}, the newest{repaired}"
    return f"{shown} is at the newest schema, revision {done.now}, and its tables match it"


def backup(url: str, path: Path) -> str:
    """Write the whole kept year at `url` to `path` (JSON lines, the schema revision stamped;
    gzip-compressed if it ends in .gz), first to a file beside it renamed into place, so a
    failed backup never replaces a good one; what was written, in one line."""
    from scheduler.store.backup import backup as write
    from scheduler.store.database import checked_url, redacted

    checked = checked_url(url)
    partial = path.with_name(path.name + ".partial")
    try:
        with _opened(partial, "wt", compressed=path.name.endswith(".gz")) as out:
            copied = write(checked, out.write)
        os.replace(partial, path)
    except OSError as error:
        raise RuleError(f"cannot write the backup {path}: {error.strerror or error}") from None
    finally:
        partial.unlink(missing_ok=True)
    return f"backed up {redacted(checked)} to {path}: {copied.summary()}, schema revision {copied.revision}"


def restore(url: str, path: Path, replace: bool) -> str:
    """Load a backup into the database at `url` (created if new; one holding a kept year only
    if `replace`) and bring it to the newest schema; what was restored, in one line."""
    from scheduler.store.backup import restore as load
    from scheduler.store.database import checked_url, redacted

    checked = checked_url(url)
    try:
        with _opened(path, "rt", compressed=path.name.endswith(".gz")) as lines:
            copied = load(checked, iter(lines), str(path), replace)
    except FileNotFoundError:
        raise RuleError(f"no backup file {path}") from None
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise RuleError(f"{path}: cannot read it as a govcal backup ({error})") from None
    upgraded = f", upgraded to {copied.now}" if copied.now != copied.revision else ""
    return (
        f"restored {path} into {redacted(checked)}: {copied.summary()},"
        f" written at schema revision {copied.revision}{upgraded}"
    )


def _opened(path: Path, mode: str, *, compressed: bool) -> IO[str]:
    """A backup file as text, through gzip where its name says so."""
    if compressed:
        return gzip.open(path, mode, encoding="utf-8")  # type: ignore[return-value]
    return open(path, mode, encoding="utf-8")  # noqa: SIM115 - the caller's with closes it
