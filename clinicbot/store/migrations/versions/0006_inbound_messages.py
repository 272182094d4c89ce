"""Inbound message ids seen per sender, so a resent or retried message is processed once.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The table, unique per channel, sender and id."""
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("sender_hash", sa.String(64), nullable=False),
        sa.Column("message_id", sa.String(128), nullable=False),
        sa.Column("replies", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("channel", "sender_hash", "message_id"),
    )
    op.create_index(op.f("ix_inbound_messages_created_at"), "inbound_messages", ["created_at"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index(op.f("ix_inbound_messages_created_at"), table_name="inbound_messages")
    op.drop_table("inbound_messages")
