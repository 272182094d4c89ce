"""A staff account's sessions can be ended: a generation number that a password reset moves on.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """One integer column, 0 for every existing account (their sessions stay valid)."""
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    """Drop it again."""
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("session_generation")
