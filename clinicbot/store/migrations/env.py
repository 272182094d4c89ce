"""Alembic environment: uses the connection or engine handed over by `clinicbot.store.db`."""

from __future__ import annotations

from typing import Any

from alembic import context

from clinicbot.store.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(**kwargs: Any) -> None:
    """Configure the migration context the same way online and offline."""
    context.configure(target_metadata=target_metadata, compare_type=True, render_as_batch=True, **kwargs)


def run_offline() -> None:
    """Emit SQL for `DATABASE_URL` without connecting."""
    from clinicbot.store.db import database_url

    _configure(url=database_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Migrate on the given connection, or on a connection of the given (or default) engine."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = config.attributes.get("engine")
    if engine is None:
        from clinicbot.store.db import make_engine

        engine = make_engine()
    with engine.connect() as conn:
        _configure(connection=conn)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
