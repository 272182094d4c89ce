"""retry_busy: a busy store is tried again, briefly; other errors and a lasting failure are raised."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from clinicbot.store.retry import retry_busy


def flaky(failures: int, exc: Exception):
    calls = []

    def work():
        calls.append(1)
        if len(calls) <= failures:
            raise exc
        return "done"

    return work, calls


LOCKED = OperationalError("INSERT ...", {}, Exception("database is locked"))


@pytest.mark.parametrize("failures, calls", [(0, 1), (1, 2), (3, 4)])
def test_busy_is_retried(failures, calls):
    work, made = flaky(failures, LOCKED)
    assert retry_busy(work, attempts=4, delay=0.001) == "done"
    assert len(made) == calls


def test_lasting_failure_is_raised_after_the_last_try():
    work, made = flaky(10, LOCKED)
    with pytest.raises(OperationalError):
        retry_busy(work, attempts=3, delay=0.001)
    assert len(made) == 3


def test_other_errors_are_not_retried():
    work, made = flaky(1, ValueError("bad"))
    with pytest.raises(ValueError):
        retry_busy(work, delay=0.001)
    assert len(made) == 1


def test_a_locked_sqlite_store_is_waited_out(tmp_path):
    """A real SQLite writer deadlock: our read-then-write transaction loses at once and succeeds on retry."""
    import threading

    from sqlalchemy import text

    from clinicbot.store.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}", connect_args={"timeout": 0.2})
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    holding, release = threading.Event(), threading.Event()

    def other_writer():
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
            holding.set()
            release.wait(5)

    tries = []

    def ours():
        tries.append(1)
        if len(tries) == 2:
            release.set()
            thread.join()
        with engine.begin() as conn:
            conn.execute(text("SELECT count(*) FROM t")).scalar()
            conn.execute(text("INSERT INTO t VALUES (2)"))

    thread = threading.Thread(target=other_writer)
    thread.start()
    holding.wait(5)
    retry_busy(ours, attempts=4, delay=0.01)
    assert len(tries) == 2
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 2
    engine.dispose()


def test_a_writer_waits_for_the_lock_instead_of_failing(tmp_path):
    """Read-then-write under another writer: plain BEGIN fails at once, the writer engine's BEGIN IMMEDIATE waits."""
    import threading

    from sqlalchemy import text

    from clinicbot.store.db import make_engine, writer

    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}", connect_args={"timeout": 5})
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))

    def read_then_write(eng, reading, go):
        with eng.begin() as conn:
            conn.execute(text("SELECT count(*) FROM t")).scalar()
            reading.set()
            go.wait(5)
            conn.execute(text("INSERT INTO t VALUES (1)"))

    def contend(eng):
        """Two read-then-write transactions that interleave; the errors they raised."""
        errors = []
        r1, r2, go = threading.Event(), threading.Event(), threading.Event()

        def run(reading):
            try:
                read_then_write(eng, reading, go)
            except Exception as exc:
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(r,)) for r in (r1, r2)]
        threads[0].start()
        r1.wait(2)
        threads[1].start()
        r2.wait(0.5)  # with BEGIN IMMEDIATE the second cannot even start reading yet
        go.set()
        for t in threads:
            t.join(10)
        return errors

    assert len(contend(engine)) == 1  # plain BEGIN: one of them fails with "database is locked"
    assert contend(writer(engine)) == []  # IMMEDIATE: the second waits, both commit
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 3
    engine.dispose()
