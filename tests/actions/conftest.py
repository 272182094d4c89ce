"""Action fixtures: every test stores into its own SQLite file, never var/, with no alert configured."""

from __future__ import annotations

import pytest

from clinicbot.conversation import store_records

ALERT_ENV = (
    "SMTP_HOST",
    "ALERT_EMAIL_FROM",
    "ALERT_EMAIL_TO",
    "ALERT_WEBHOOK_URL",
    "ALERT_WEBHOOK_SECRET",
    "ALERT_URGENT",
)


@pytest.fixture(autouse=True)
def store_db(monkeypatch, tmp_path):
    """DATABASE_URL of a fresh SQLite file, a fixed sender-hash key; the store's caches rebuilt around the test."""
    url = f"sqlite:///{tmp_path / 'actions.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("CLINICBOT_HASH_KEY", "actions-test-key")
    for name in ALERT_ENV:
        monkeypatch.delenv(name, raising=False)
    store_records.sessions.cache_clear()
    store_records.alert_config.cache_clear()
    yield url
    store_records.sessions.cache_clear()
    store_records.alert_config.cache_clear()
