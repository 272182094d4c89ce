"""An emergency escalation can keep a number the visitor left for the clinic to call back on.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """One nullable column (E.164, as bookings keep phones)."""
    with op.batch_alter_table("escalations") as batch:
        batch.add_column(sa.Column("contact_phone", sa.String(20), nullable=True))


def downgrade() -> None:
    """Drop it again."""
    with op.batch_alter_table("escalations") as batch:
        batch.drop_column("contact_phone")
