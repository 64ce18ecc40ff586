"""attendance.state: present, apologies, absent, or substitute for someone

A person's mark at a meeting gains its state, so apologies (sent before the meeting, from
a member's link or by the clerk) and absences are kept beside who came. The rows kept
before are who came: a member present, or a named substitute (`for_member_id` set).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 23:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attendance") as batch_op:
        batch_op.add_column(sa.Column("state", sa.String(length=12), server_default="present", nullable=False))
    op.execute("UPDATE attendance SET state = 'substitute' WHERE for_member_id IS NOT NULL")


def downgrade() -> None:
    op.execute("DELETE FROM attendance WHERE state IN ('apologies', 'absent')")
    with op.batch_alter_table("attendance") as batch_op:
        batch_op.drop_column("state")
