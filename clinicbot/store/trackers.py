"""Retention for Rasa's SQL tracker store: conversations whose last event is older than the limit are deleted.

Plain SQL on Rasa's `events` table (sender_id, timestamp); Rasa itself is not imported.
"""

from __future__ import annotations

import time
from typing import Optional

from sqlalchemy import create_engine, inspect, text

EVENTS = "events"


def purge_trackers(url: str, older_than_days: int, now: Optional[float] = None) -> int:
    """Deletes every conversation whose latest event is older than ``older_than_days``; returns how many."""
    cutoff = (now if now is not None else time.time()) - older_than_days * 86400
    engine = create_engine(url, future=True)
    try:
        if not inspect(engine).has_table(EVENTS):
            return 0
        with engine.begin() as conn:
            stale = [
                row[0]
                for row in conn.execute(
                    text(f"SELECT sender_id FROM {EVENTS} GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"),
                    {"cutoff": cutoff},
                )
            ]
            for sender in stale:
                conn.execute(text(f"DELETE FROM {EVENTS} WHERE sender_id = :s"), {"s": sender})
        return len(stale)
    finally:
        engine.dispose()
