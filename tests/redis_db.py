"""Redis for tests: 127.0.0.1:6379, database 9 (CLINICBOT_TEST_REDIS_URL), keys under a prefix of each test's own.

Without Redis the tests that need it are skipped with the reason; with CI=true that is a failure.
"""

from __future__ import annotations

import os
import uuid
from typing import Iterator, NamedTuple, Optional

import pytest
import redis

REDIS_URL = os.environ.get("CLINICBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")

_problem: Optional[str] = None
_probed = False


def unavailable() -> Optional[str]:
    """Why Redis cannot be used (None when it can); probed once per run."""
    global _problem, _probed
    if not _probed:
        _probed = True
        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            _problem = f"Redis at {REDIS_URL} unreachable: {type(exc).__name__}: {exc}"
    return _problem


class RedisForTest(NamedTuple):
    """The test database's URL, a sync client on it and the key prefix this test owns."""

    url: str
    client: redis.Redis
    prefix: str


@pytest.fixture()
def redis_db() -> Iterator[RedisForTest]:
    """Redis with a fresh key prefix; the prefix's keys are deleted afterwards."""
    problem = unavailable()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    client = redis.Redis.from_url(REDIS_URL)
    prefix = f"test-{uuid.uuid4().hex[:12]}:"
    try:
        yield RedisForTest(REDIS_URL, client, prefix)
    finally:
        keys = list(client.scan_iter(match=f"{prefix}*", count=500))
        if keys:
            client.delete(*keys)
        client.close()
