"""reminder: unique per (deadline_id, offset_key) instead of a unique "deadline#offset" key

The key repeated its deadline's id; now the offset is kept on its own and the key
("{deadline_id}#{offset_key}", still the Message-ID) is computed. One short unique
index replaces the long unique key and the deadline index: a whole country's bulk
write of its outbox maintains one string index fewer and stores smaller rows.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 18:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# 0003 left the key's unique constraint unnamed: SQLite's batch mode needs a name for it,
# PostgreSQL named it by its own convention.
SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _key_constraint() -> str:
    return "uq_reminder_key" if _sqlite() else "reminder_key_key"


def upgrade() -> None:
    with op.batch_alter_table("reminder") as batch_op:
        batch_op.add_column(sa.Column("offset_key", sa.String(length=100), nullable=True))
    after_hash = "substr(key, instr(key, '#') + 1)" if _sqlite() else "substring(key from position('#' in key) + 1)"
    op.execute(f"UPDATE reminder SET offset_key = {after_hash}")
    with op.batch_alter_table("reminder", naming_convention=SQLITE_NAMES) as batch_op:
        batch_op.alter_column("offset_key", existing_type=sa.String(length=100), nullable=False)
        batch_op.drop_constraint(_key_constraint(), type_="unique")
        batch_op.drop_index("ix_reminder_deadline_id")
        batch_op.drop_column("key")
        batch_op.create_unique_constraint("uq_reminder_deadline_offset", ["deadline_id", "offset_key"])


def downgrade() -> None:
    with op.batch_alter_table("reminder") as batch_op:
        batch_op.add_column(sa.Column("key", sa.String(length=400), nullable=True))
    op.execute("UPDATE reminder SET key = deadline_id || '#' || offset_key")
    with op.batch_alter_table("reminder", naming_convention=SQLITE_NAMES) as batch_op:
        batch_op.alter_column("key", existing_type=sa.String(length=400), nullable=False)
        batch_op.drop_constraint("uq_reminder_deadline_offset", type_="unique")
        batch_op.drop_column("offset_key")
        batch_op.create_index("ix_reminder_deadline_id", ["deadline_id"], unique=False)
        batch_op.create_unique_constraint(_key_constraint(), ["key"])
