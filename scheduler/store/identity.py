"""Who a name or an address given by a user is: one person, or a refusal saying why.

Two people may share a name, never an address: a person is named by their address
(anything with an @ in it), or by a name no one else has. Shared by the stores that take
a person from a command (places, digests, feed tokens).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from rules.errors import NotFound, RuleError
from scheduler.store.tables import MemberRow


def one_of(candidates: Sequence[MemberRow], given: str, where: str, hint: str = "") -> MemberRow:
    """The one person `given` names among `candidates`: by address (anything with an @), or
    by name where no other has it; a `NotFound` for no one, a `RuleError` listing the
    addresses of each person it could be."""
    by_address = "@" in given
    found = [c for c in candidates if (c.email if by_address else c.name) == given]
    if not found:
        raise NotFound(f"no one {'with the address' if by_address else 'called'} '{given}' {where}{hint}")
    if len(found) > 1:
        addresses = ", ".join(c.email or "(no address)" for c in found)
        raise RuleError(
            f"{len(found)} people are called '{given}' {where}: give the address of the one you mean ({addresses})"
        )
    return found[0]


def person_row(session: Session, given: str) -> MemberRow:
    """The person `given` names, by address, or by a name no one else has (see `one_of`)."""
    column = MemberRow.email if "@" in given else MemberRow.name
    found = list(session.scalars(select(MemberRow).where(column == given)))
    return one_of(found, given, "on record", "; add them to a body with `govcal member add`")
