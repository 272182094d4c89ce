"""Fixtures for the tests under tests/clinicbot: `redis_db` (Redis database 9, a key prefix per test)."""

from tests.redis_db import redis_db  # noqa: F401  (the fixture)
