"""The endpoints the stack hands to Rasa: the lock store from REDIS_URL and the LOCK_* settings."""

from __future__ import annotations

import pytest

from clinicbot import deploy

ATOMIC = "clinicbot.rasa_nlu.lock_store.AtomicRedisLockStore"


def test_without_redis_the_locks_are_in_memory():
    assert deploy.lock_store(None) == {"type": "in_memory"}
    assert deploy.endpoints({})["lock_store"] == {"type": "in_memory"}


@pytest.mark.parametrize(
    ("url", "env", "expected"),
    [
        (
            "redis://127.0.0.1:6379/0",
            {},
            {"url": "127.0.0.1", "port": 6379, "db": 0, "lock_ttl_seconds": 30.0, "lock_wait_seconds": 45.0},
        ),
        (
            "redis://:secret@redis.internal/3",
            {"LOCK_TTL_SECONDS": "10"},
            {"url": "redis.internal", "port": 6379, "password": "secret", "db": 3, "lock_ttl_seconds": 10.0, "lock_wait_seconds": 25.0},
        ),
        (
            "rediss://bot:secret@redis.internal:6380",
            {"LOCK_TTL_SECONDS": "12.5", "LOCK_WAIT_SECONDS": "0"},
            {
                "url": "redis.internal",
                "port": 6380,
                "username": "bot",
                "password": "secret",
                "use_ssl": True,
                "db": 0,
                "lock_ttl_seconds": 12.5,
                "lock_wait_seconds": 0.0,
            },
        ),
    ],
)
def test_redis_gives_the_atomic_lock_store(url, env, expected):
    assert deploy.lock_store(url, env) == {"type": ATOMIC, **expected}
    assert deploy.endpoints({"REDIS_URL": url, **env})["lock_store"] == {"type": ATOMIC, **expected}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LOCK_TTL_SECONDS": "half a minute"}, "LOCK_TTL_SECONDS must be a number"),
        ({"LOCK_TTL_SECONDS": "0"}, "LOCK_TTL_SECONDS must be a positive"),
        ({"LOCK_TTL_SECONDS": "nan"}, "LOCK_TTL_SECONDS must be a positive"),
        ({"LOCK_WAIT_SECONDS": "-1"}, "LOCK_WAIT_SECONDS must be a non-negative"),
    ],
)
def test_bad_lock_settings_are_clear_errors(env, message, monkeypatch, capsys):
    with pytest.raises(ValueError, match=message):
        deploy.lock_store("redis://127.0.0.1:6379/0", env)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert deploy.main(["endpoints"]) == 2
    assert message in capsys.readouterr().err


def test_a_redis_url_of_another_scheme_is_refused():
    with pytest.raises(ValueError, match="redis:// or rediss://"):
        deploy.lock_store("http://127.0.0.1:6379/0")
