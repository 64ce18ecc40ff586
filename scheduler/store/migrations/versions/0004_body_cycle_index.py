"""one (body, cycle) index per occurrence table instead of one on each column

Re-planning reads a body's cycle at a time; the composite index serves that, and a
bulk write of a whole country's plan maintains one index per table fewer. The index
on deadline.meeting_id served no query and goes too.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 17:45:00
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("meeting", "deadline", "item")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_body_id")
            batch_op.drop_index(f"ix_{table}_cycle")
            batch_op.create_index(f"ix_{table}_body_cycle", ["body_id", "cycle"], unique=False)
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.drop_index("ix_deadline_meeting_id")


def downgrade() -> None:
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.create_index("ix_deadline_meeting_id", ["meeting_id"], unique=False)
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_body_cycle")
            batch_op.create_index(f"ix_{table}_cycle", ["cycle"], unique=False)
            batch_op.create_index(f"ix_{table}_body_id", ["body_id"], unique=False)
