"""Retrying a short, idempotent store transaction when the database is busy (SQLite's lock) or briefly gone."""

from __future__ import annotations

import logging
import time
from typing import Callable, TypeVar

from sqlalchemy.exc import OperationalError

logger = logging.getLogger(__name__)
T = TypeVar("T")


def retry_busy(work: Callable[[], T], attempts: int = 4, delay: float = 0.025) -> T:
    """Run `work` (a whole transaction, safe to repeat); on OperationalError try again after 1, 2, 4... x `delay`.

    SQLite answers a writer that would deadlock with "database is locked" at once instead of waiting;
    the other writer's transaction is short, so a moment later the same transaction goes through.
    """
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except OperationalError as exc:
            if attempt == attempts:
                raise
            logger.info("store busy (%s); try %d of %d", type(exc.orig).__name__, attempt + 1, attempts)
            time.sleep(delay * 2 ** (attempt - 1))
    raise AssertionError("unreachable")  # pragma: no cover
