"""The tracker store's database goes away in the middle of a booking (issue 17): nothing is lost,
nothing is answered out of context, and an emergency during the outage still gets its advice.

Starts its own stack (other ports) whose tracker store is a PostgreSQL database of this test's own;
the outage is that database dropping every connection and refusing new ones (the server itself, and
other databases on it, are left alone), then coming back.
"""

from __future__ import annotations

import json
import os
import uuid

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from tests.e2e.own_stack import OwnStack
from tests.e2e.scripts import to_outcome

PG_URL = os.environ.get("CLINICBOT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
# Two above the shared stack's ports, so this stack collides with neither it nor test_booking_restart's.
RASA_PORT, ACTIONS_PORT = int(os.environ.get("RASA_PORT", 5005)) + 2, int(os.environ.get("ACTIONS_PORT", 5055)) + 2
URL = f"http://127.0.0.1:{RASA_PORT}/webhooks/rest/webhook"
pytestmark = pytest.mark.e2e


@pytest.fixture()
def database():
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL unreachable at {PG_URL}")
        pytest.skip("PostgreSQL unreachable")
    name = f"clinicbot_e2e_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def outage(down: bool) -> None:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"false" if down else "true"}'))
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"), {"d": name})

    try:
        yield name, outage
    finally:
        outage(False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture()
def stack(tmp_path, database):
    name, _ = database
    env = dict(os.environ)
    env.update(
        RASA_PORT=str(RASA_PORT),
        ACTIONS_PORT=str(ACTIONS_PORT),
        STAFF_PORT=str(int(os.environ.get("STAFF_PORT", "8000")) + 2),
        DATABASE_URL=f"sqlite:///{tmp_path / 'clinicbot.db'}",
        TRACKER_STORE_URL=PG_URL.rsplit("/", 1)[0] + f"/{name}",
        CLINICBOT_HASH_KEY="e2e-test-key",
    )
    s = OwnStack(env)
    s.start()
    try:
        yield s
    finally:
        s.stop()


def say(sender: str, message: str) -> str:
    r = requests.post(URL, json={"sender": sender, "message": message}, timeout=60)
    assert r.status_code == 200
    return "\n".join(m.get("text") or "" for m in r.json())


def user_messages(database_name: str, sender: str) -> list:
    engine = create_engine(PG_URL.rsplit("/", 1)[0] + f"/{database_name}")
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"),
                {"s": f"rest:{sender}"},
            )
            return [json.loads(r[0]).get("text") for r in rows]
    finally:
        engine.dispose()


def test_a_booking_goes_on_in_context_after_the_database_was_down(stack, database):
    name, outage = database
    sender = f"e2e-outage-{uuid.uuid4().hex[:8]}"
    to_outcome(say, sender)
    assert "name" in say(sender, "yes please")
    assert "mobile" in say(sender, "Ravi Kumar")

    outage(True)
    reply = say(sender, "98765 43210")
    assert "technical problem" in reply and "send it again" in reply and "112" in reply
    assert "lower back pain" not in reply  # never answered out of context
    emergency = say(f"e2e-outage-{uuid.uuid4().hex[:8]}", "my back hurts and I can't pee since this morning")
    assert "emergency department" in emergency and "112" in emergency and "technical problem" in emergency

    outage(False)
    reply = say(sender, "98765 43210")  # sent again, as asked
    assert "location" in reply  # the form goes on where it was
    assert user_messages(name, sender).count("98765 43210") == 1  # stored once
    outage(False)  # a restart as clients see it: every connection dropped, the database back at once
    assert "day and time" in say(sender, "greater noida")
