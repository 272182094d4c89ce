"""Engine, sessions and migrations of the store; nothing connects at import time."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable, Dict, Optional

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from clinicbot import settings
from clinicbot.paths import var_dir

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_PG_MIGRATION_LOCK = 0x636C696E  # pg_advisory_xact_lock key: one migrator at a time


def database_url() -> str:
    """`DATABASE_URL`, or the embedded default: a SQLite file under `var/`."""
    url = settings.get("DATABASE_URL")
    return url or f"sqlite:///{var_dir() / 'clinicbot.db'}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """Let SQLAlchemy drive transactions (so SAVEPOINTs work) and enforce foreign keys."""
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    """Emit BEGIN ourselves (pysqlite's own transaction handling breaks SAVEPOINT).

    With the execution option `sqlite_immediate` (see `writer`), BEGIN IMMEDIATE: the write lock is
    taken at the start and waited for, instead of a read-then-write transaction failing at once with
    "database is locked" when another process writes at the same moment.
    """
    immediate = conn.get_execution_options().get("sqlite_immediate")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def writer(engine: Engine) -> Engine:
    """The engine for transactions that write: on SQLite they begin IMMEDIATE (no effect elsewhere)."""
    return engine.execution_options(sqlite_immediate=True)


def make_engine(url: Optional[str] = None, **kwargs: Any) -> Engine:
    """A 2.0-style engine for `url` (default: `database_url()`)."""
    url = url or database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, future=True, **kwargs)


_ENGINES: Dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def get_engine() -> Engine:
    """The shared engine for the current `DATABASE_URL` (created on first use)."""
    url = database_url()
    with _ENGINES_LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = _ENGINES[url] = make_engine(url)
        return engine


def reset_engines() -> None:
    """Dispose and forget the shared engines (tests, forked workers)."""
    with _ENGINES_LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()


def session_factory(engine: Engine) -> Callable[[], Session]:
    """A session maker bound to `engine` (2.0 style; objects stay usable after commit)."""
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


def alembic_config(engine: Optional[Engine] = None) -> Any:
    """An Alembic config for the packaged migrations, no alembic.ini needed."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to `revision` (default head), in one transaction."""
    from alembic import command

    cfg = alembic_config(engine)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
