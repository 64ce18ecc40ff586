"""rule_version and term_version: bodies' rules and term calendars kept in the database

A body's rules are kept as versions (the rule file's text, the day it applies from, who
published it, when and why), and term calendars likewise, so every instance sharing a
database reads the same rules and a change has a day it applies from.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 21:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rule_version",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("body_id", sa.String(length=100), nullable=False),
        sa.Column("applies_from", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("published_by", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rule_version_body", "rule_version", ["body_id", "applies_from"])
    op.create_table(
        "term_version",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("published_by", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_term_version_name", "term_version", ["name"])


def downgrade() -> None:
    op.drop_index("ix_term_version_name", table_name="term_version")
    op.drop_table("term_version")
    op.drop_index("ix_rule_version_body", table_name="rule_version")
    op.drop_table("rule_version")
