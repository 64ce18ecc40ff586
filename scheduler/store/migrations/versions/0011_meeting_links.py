"""meeting_link: a meeting's agenda, papers, minutes and video, each a kind and a URL

The clerk gives a meeting its links (several of a kind where there are: a papers pack in
parts); members' feeds, the reminder e-mails, the meeting notice and the public page show
them. Nothing existing changes.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 23:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meeting_link",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_id", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "kind", "url", name="uq_meeting_link"),
    )
    op.create_index("ix_meeting_link_meeting_id", "meeting_link", ["meeting_id"])


def downgrade() -> None:
    op.drop_index("ix_meeting_link_meeting_id", table_name="meeting_link")
    op.drop_table("meeting_link")
