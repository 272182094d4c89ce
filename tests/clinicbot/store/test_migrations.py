"""Migrations: head on an empty database matches the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from clinicbot.store.db import upgrade
from clinicbot.store.models import Base

TABLES = {
    "conversations",
    "messages",
    "triage_outcomes",
    "booking_requests",
    "escalations",
    "alerts",
    "staff_users",
    "status_changes",
    "audit_events",
    "inbound_messages",
    "alembic_version",
}


def _diff(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        return compare_metadata(ctx, Base.metadata)


def test_head_matches_models(engine):
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) == TABLES
    assert _diff(engine) == []


def test_upgrade_is_idempotent(engine):
    upgrade(engine)
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == ["0006"]


def test_compare_sees_a_missing_index(engine):
    """The comparison is not vacuous: a dropped index shows up."""
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_booking_requests_created_at"))
    assert [d[0] for d in _diff(engine)] == ["add_index"]
