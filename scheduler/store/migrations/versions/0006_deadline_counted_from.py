"""deadline.counted_from: the meeting a deadline's date is counted from

Minutes due "at the next meeting" hang on the next meeting, not the one they are
for. Kept, so that when an admin moves or cancels a meeting, what used to hang on
it follows too, past or not. Rows kept before this revision have none until their
cycle is next re-planned (the value is filled in without a new SEQUENCE).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.add_column(sa.Column("counted_from", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.drop_column("counted_from")
