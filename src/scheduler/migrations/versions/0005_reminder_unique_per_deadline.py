"""reminder: one unique (deadline_id, key) index instead of a unique key and a deadline index

A reminder's key is "{deadline_id}#{offset}", so the pair is unique exactly when the
key is; the one index also finds a deadline's reminders on re-plan. A bulk write of a
whole country's outbox maintains one string index fewer (about 5% of the write).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 18:45:00
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# 0003 left the key's unique constraint unnamed: SQLite's batch mode needs a name for it,
# PostgreSQL named it by its own convention.
SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _key_constraint() -> str:
    return "uq_reminder_key" if op.get_bind().dialect.name == "sqlite" else "reminder_key_key"


def upgrade() -> None:
    with op.batch_alter_table("reminder", naming_convention=SQLITE_NAMES) as batch_op:
        batch_op.drop_constraint(_key_constraint(), type_="unique")
        batch_op.drop_index("ix_reminder_deadline_id")
        batch_op.create_unique_constraint("uq_reminder_deadline_key", ["deadline_id", "key"])


def downgrade() -> None:
    with op.batch_alter_table("reminder", naming_convention=SQLITE_NAMES) as batch_op:
        batch_op.drop_constraint("uq_reminder_deadline_key", type_="unique")
        batch_op.create_index("ix_reminder_deadline_id", ["deadline_id"], unique=False)
        batch_op.create_unique_constraint(_key_constraint(), ["key"])
