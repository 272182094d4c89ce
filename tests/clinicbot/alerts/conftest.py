"""Alert fixtures: the store's databases (SQLite and PostgreSQL) and local SMTP and webhook receivers."""

from __future__ import annotations

import pytest

from tests.clinicbot.store.conftest import _hash_key, db, engine  # noqa: F401 (fixtures)

from .receivers import SmtpReceiver, WebhookReceiver


@pytest.fixture
def smtp():
    """An SMTP receiver, not started yet (tests start it, to have it down first if they like)."""
    receiver = SmtpReceiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def webhook():
    """A webhook receiver, started; set `planned` to answer errors first."""
    receiver = WebhookReceiver()
    receiver.start()
    yield receiver
    receiver.stop()
