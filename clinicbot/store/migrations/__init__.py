"""Alembic migrations of the store (run with `clinicbot.store.db.upgrade`)."""
