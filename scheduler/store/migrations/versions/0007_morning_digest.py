"""member.digest_days and the digest table: a clerk's opt-in morning digest, once a day

A clerk of several bodies can ask for one message each working morning listing every
deadline due in the next N working days. `member.digest_days` holds N (none: no
digest); a `digest` row per (member, day) is claimed by one worker before sending,
so several instances never send a clerk two digests in a day.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest_days", sa.Integer(), nullable=True))
    op.create_table(
        "digest",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deadlines", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("member_id", "day"),
    )


def downgrade() -> None:
    op.drop_table("digest")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("digest_days")
