"""Rasa's SQL tracker store: retention (stale conversations deleted) and renaming conversations (the id cut-over).

Plain SQL on Rasa's `events` table (sender_id, type_name, timestamp, data); Rasa itself is not imported.
"""

from __future__ import annotations

import json
import time
from typing import Any, Dict, Optional, Sequence, Set, Tuple

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection

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


def _without_prefixes(prefixes: Sequence[str]) -> Tuple[str, Dict[str, Any]]:
    """A WHERE condition (and its parameters) for sender ids starting with none of `prefixes` (case-sensitive)."""
    conds = [f"substr(sender_id, 1, {len(p)}) <> :prefix{i}" for i, p in enumerate(prefixes)]
    return " AND ".join(conds) or "1 = 1", {f"prefix{i}": p for i, p in enumerate(prefixes)}


def unprefixed_senders(conn: Connection, prefixes: Sequence[str]) -> Dict[str, Set[str]]:
    """Each stored sender id that starts with none of `prefixes`, with the input channels of its user messages."""
    if not inspect(conn).has_table(EVENTS):
        return {}
    cond, params = _without_prefixes(prefixes)
    found: Dict[str, Set[str]] = {
        row[0]: set() for row in conn.execute(text(f"SELECT DISTINCT sender_id FROM {EVENTS} WHERE {cond}"), params)
    }
    user_rows = conn.execute(text(f"SELECT sender_id, data FROM {EVENTS} WHERE type_name = 'user' AND {cond}"), params)
    for sender, data in user_rows:
        try:
            channel = json.loads(data or "{}").get("input_channel")
        except (ValueError, AttributeError):
            channel = None
        if isinstance(channel, str) and channel:
            found.setdefault(sender, set()).add(channel)
    return found


def sender_exists(conn: Connection, sender_id: str) -> bool:
    """Whether the tracker store holds any event of `sender_id`."""
    row = conn.execute(text(f"SELECT 1 FROM {EVENTS} WHERE sender_id = :s LIMIT 1"), {"s": sender_id}).first()
    return row is not None


def rename_sender(conn: Connection, old: str, new: str) -> int:
    """Moves every event of conversation `old` to conversation `new`; returns how many events moved."""
    result = conn.execute(
        text(f"UPDATE {EVENTS} SET sender_id = :new WHERE sender_id = :old"), {"new": new, "old": old}
    )
    return int(result.rowcount or 0)
