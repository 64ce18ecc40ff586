"""reminder.channel and the address table: reminders by channel (e-mail, a webhook)

The outbox's idempotency key gains the channel: one row per (deadline, offset,
channel), so a reminder's e-mail and webhook copies are each sent exactly once. The
rows kept before are e-mail's (the column's default), their keys and Message-IDs as
they were; `delivered` keeps which recipients a copy reached on an attempt that failed
for others (a webhook is a POST per recipient). `address` holds a member's or a body's address on a channel other than
e-mail (a Slack or Teams webhook), with the payload format it takes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reminder") as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=20), server_default="email", nullable=False))
        batch_op.add_column(sa.Column("delivered", sa.JSON(), nullable=True))
        batch_op.drop_constraint("uq_reminder_deadline_offset", type_="unique")
        batch_op.create_unique_constraint(
            "uq_reminder_deadline_offset_channel", ["deadline_id", "offset_key", "channel"]
        )
    op.create_table(
        "address",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=2000), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("body_id", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "body_id", name="uq_address_channel_body"),
        sa.UniqueConstraint("channel", "member_id", name="uq_address_channel_member"),
    )


def downgrade() -> None:
    op.drop_table("address")
    op.execute("DELETE FROM reminder WHERE channel <> 'email'")
    with op.batch_alter_table("reminder") as batch_op:
        batch_op.drop_constraint("uq_reminder_deadline_offset_channel", type_="unique")
        batch_op.create_unique_constraint("uq_reminder_deadline_offset", ["deadline_id", "offset_key"])
        batch_op.drop_column("delivered")
        batch_op.drop_column("channel")
