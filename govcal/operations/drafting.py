"""Drafting a new body's rule file from its terms of reference, and keeping the draft.

The reading and the clause-finding are `rules.drafting`'s; here a document is read from
where the user put it and the draft is written where they asked, never over a file that
is already there.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rules.drafting.documents import read_document
from rules.drafting.draft import Draft, draft_rules
from rules.errors import RuleError
from rules.loader import ID


def draft(document: Path, body_id: str | None = None, body_name: str | None = None) -> Draft:
    """The rule file drafted from a body's terms of reference (Word, PDF, web page or text); of
    the body named, where the document holds several bodies' terms."""
    if body_id is not None and not ID.match(body_id):
        raise RuleError(f"'{body_id}' is not an id: use lowercase letters, digits and hyphens", field="--id")
    return draft_rules(read_document(document), body_id, body_name)


UPLOAD = 20 * 1024 * 1024  # a terms of reference, however long, with its pictures
SUFFIXES = (".docx", ".pdf", ".html", ".htm", ".txt", ".text", ".md")


def draft_upload(file_name: str, content: bytes, body_id: str | None = None, body_name: str | None = None) -> Draft:
    """The rule file drafted from a document sent from a browser: kept on disk only while it is
    read (the readers take a file), under its own name, since a text file is told by its suffix."""
    name = Path(file_name or "").name
    if not name or Path(name).suffix.lower() not in SUFFIXES:
        raise RuleError(
            "choose a terms of reference to read: a Word file (.docx), a PDF, a web page (.html) or text (.txt)",
            field="document",
        )
    if len(content) > UPLOAD:
        raise RuleError(f"is {len(content) // 1024 // 1024} MB; a document up to 20 MB can be read", file=name)
    if not content:
        raise RuleError("is empty", file=name)
    with tempfile.TemporaryDirectory(prefix="govcal-draft-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            return draft(path, body_id, body_name)
        except RuleError as error:  # said of the file as the user named it, not of where it was read
            message = error.message.replace(str(path), name).replace(folder, "")
            where = name if error.file == str(path) else error.file
            raise RuleError(message, file=where, field=error.field) from None


def keep(drafted: Draft, path: Path) -> None:
    """Write a draft to a new file, whole or not at all (a file already there is left as it is)."""
    if path.exists():
        raise _exists(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    except OSError as error:
        raise RuleError(f"cannot write here: {error.strerror or error}", file=str(path)) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(drafted.text)
        os.link(temporary, path)  # fails, rather than replaces, if the file appeared meanwhile
    except FileExistsError:
        raise _exists(path) from None
    except OSError as error:
        raise RuleError(f"cannot write: {error.strerror or error}", file=str(path)) from None
    finally:
        Path(temporary).unlink(missing_ok=True)


def _exists(path: Path) -> RuleError:
    return RuleError("already exists: choose another file name, or move the old one away", file=str(path))
