"""people with an identity: an address is one person's; places on bodies are dated and kept

Until now a member was found by name: adding "Ann Clerk" to a second body with another
address gave the first body's Ann Clerk that address, and taking someone off a body
deleted their place, so they left the attendance report. Each `member` row (one a name,
with the one address it last had) becomes one person; the addresses it had before stay
in the audit, as they always were. From here on two people may share a name, never an
address: where two rows share one today, the oldest keeps it and the others' is cleared,
each clearing written to the audit with the address it took away.

A place now has the day it began and the day it ended (kept when it ends). Both are
read back from the audit's `member:add` and `member:remove` rows: a place still held
gets the day it was last added, and a place ended before today comes back, ended on
the day it was removed, so the attendance it explains stays in the report.

A private feed token is held under its person's address (their name where they have
none), so a link stays theirs whatever name another person takes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 21:00:00
"""

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

LONDON = ZoneInfo("Europe/London")
# 0001 left (member_id, body_id, role) unique and unnamed: SQLite's batch mode needs a name
# for it, PostgreSQL named it by its own convention.
SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}

member = sa.table("member", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("email", sa.String))
membership = sa.table(
    "membership",
    sa.column("id", sa.Integer),
    sa.column("member_id", sa.Integer),
    sa.column("body_id", sa.String),
    sa.column("role", sa.String),
    sa.column("organisation", sa.String),
    sa.column("began", sa.Date),
    sa.column("ended", sa.Date),
)
audit = sa.table(
    "audit",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("target", sa.String),
    sa.column("detail", sa.JSON),
)
body = sa.table("body", sa.column("id", sa.String))
access_token = sa.table("access_token", sa.column("kind", sa.String), sa.column("holder", sa.String))

Place = tuple[str, str, str]  # body, name, role


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    _one_address_one_person()
    with op.batch_alter_table("member") as batch_op:
        batch_op.create_index(
            "uq_member_email",
            ["email"],
            unique=True,
            sqlite_where=sa.text("email != ''"),
            postgresql_where=sa.text("email != ''"),
        )
    with op.batch_alter_table("membership", naming_convention=SQLITE_NAMES) as batch_op:
        batch_op.add_column(sa.Column("began", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("ended", sa.Date(), nullable=True))
        batch_op.drop_constraint(
            "uq_membership_member_id" if _sqlite() else "membership_member_id_body_id_role_key", type_="unique"
        )
        batch_op.create_index(
            "uq_membership_open",
            ["member_id", "body_id", "role"],
            unique=True,
            sqlite_where=sa.text("ended IS NULL"),
            postgresql_where=sa.text("ended IS NULL"),
        )
    _dates_from_the_audit()
    _feed_tokens_held_by(member.c.name, member.c.email)


def _feed_tokens_held_by(before: sa.ColumnElement[str], after: sa.ColumnElement[str]) -> None:
    """Feed tokens held under each person's `before` (name or address) moved to their `after`."""
    holder = sa.select(after).where(before == access_token.c.holder, member.c.email != "").scalar_subquery()
    held = sa.exists().where(before == access_token.c.holder, member.c.email != "")
    op.execute(sa.update(access_token).where(access_token.c.kind == "feed", held).values(holder=holder))


def _one_address_one_person() -> None:
    """Where rows share an address, the oldest keeps it; each other's is cleared, and the
    audit says whose it was and who kept it."""
    bind = op.get_bind()
    holder: dict[str, str] = {}
    now = dt.datetime.now(dt.UTC)
    for member_id, name, email in bind.execute(sa.select(member).where(member.c.email != "").order_by(member.c.id)):
        if email not in holder:
            holder[email] = name
            continue
        bind.execute(sa.update(member).where(member.c.id == member_id).values(email=""))
        bind.execute(
            sa.insert(audit).values(
                at=now,
                actor="migration 0008",
                action="member:address-cleared",
                target=name,
                detail={"email": email, "kept_by": holder[email]},
            )
        )


def _london_day(at: dt.datetime) -> dt.date:
    """The London day of a stored moment (SQLite gives it back naive, in UTC)."""
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(LONDON).date()


def _replayed() -> tuple[dict[Place, dt.date], list[tuple[Place, dt.date, dt.date]]]:
    """The places the audit's adds and removals leave open (with the day each began) and
    those they ended (with both days)."""
    opened: dict[Place, dt.date] = {}
    ended: list[tuple[Place, dt.date, dt.date]] = []
    changes = sa.select(audit.c.at, audit.c.action, audit.c.target, audit.c.detail).where(
        audit.c.action.in_(["member:add", "member:remove"])
    )
    for at, action, target, detail in op.get_bind().execute(changes.order_by(audit.c.id)):
        body_id, _, name = target.partition("/")
        role = (detail or {}).get("role")
        day = _london_day(at)
        if action == "member:add" and role:
            opened.setdefault((body_id, name, role), day)
            continue
        for place in [p for p in opened if p[:2] == (body_id, name) and role in (None, p[2])]:
            ended.append((place, opened.pop(place), day))
    return opened, ended


def _dates_from_the_audit() -> None:
    """Each place still held began the day the audit last added it; each ended comes back."""
    bind = op.get_bind()
    opened, ended = _replayed()
    held = sa.select(membership.c.id, membership.c.body_id, member.c.name, membership.c.role).join(
        member, member.c.id == membership.c.member_id
    )
    for place_id, body_id, name, role in bind.execute(held).all():
        if (body_id, name, role) in opened:
            bind.execute(
                sa.update(membership).where(membership.c.id == place_id).values(began=opened[body_id, name, role])
            )
    bodies = set(bind.scalars(sa.select(body.c.id)))
    people: dict[str, int] = {}
    for member_id, name in bind.execute(sa.select(member.c.id, member.c.name).order_by(member.c.id)):
        people.setdefault(name, member_id)  # the code kept a name to one row: the first, were there two
    for (body_id, name, role), began, until in ended:
        if body_id in bodies and name in people:
            bind.execute(
                sa.insert(membership).values(
                    member_id=people[name], body_id=body_id, role=role, organisation="", began=began, ended=until
                )
            )


def downgrade() -> None:
    _feed_tokens_held_by(member.c.email, member.c.name)
    op.execute("DELETE FROM membership WHERE ended IS NOT NULL")
    with op.batch_alter_table("membership", naming_convention=SQLITE_NAMES) as batch_op:
        batch_op.drop_index("uq_membership_open")
        batch_op.create_unique_constraint(
            "uq_membership_member_id" if _sqlite() else "membership_member_id_body_id_role_key",
            ["member_id", "body_id", "role"],
        )
        batch_op.drop_column("ended")
        batch_op.drop_column("began")
    with op.batch_alter_table("member") as batch_op:
        batch_op.drop_index("uq_member_email")
