"""Outcomes keep what the visitor was told (the explanation lines, the values) and how the interview went.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ("triage_outcomes", "escalations")


def upgrade() -> None:
    """Three nullable JSON columns on each table (older records have none)."""
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("explanation", sa.JSON(), nullable=True))
            batch.add_column(sa.Column("clinical_values", sa.JSON(), nullable=True))
            batch.add_column(sa.Column("interview", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Drop them again."""
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("interview")
            batch.drop_column("clinical_values")
            batch.drop_column("explanation")
