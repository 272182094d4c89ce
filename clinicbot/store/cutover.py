"""The cut-over to one id space per channel (issue 20): stored conversations get their channel's id.

Before it, REST and Telegram conversations were kept under the bare id the caller or Telegram gave
("e2e-1a2b", "4242"); now they are `rest:<sender>` and `telegram:<chat id>` (channels/ids.py; WhatsApp
and widget ids did not change). `migrate_ids` renames each stored id that has no channel prefix, in
Rasa's SQL tracker store, to its channel's id, judged by the input channel of its user messages, and
re-keys the clinic store's conversations (a keyed hash of the sender id) to match. An id with user
messages from both REST and Telegram (REST callers used to be able to write into a Telegram chat)
goes to Telegram, the patient's own channel. An id whose new id is already taken is left as it is
(a conflict), as is one with no REST or Telegram message. Running it again changes nothing more.

Run it with the Rasa server stopped, before the new version first starts (otherwise a returning
patient may already have a conversation under the new id: a conflict, reported and left alone).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set, Tuple

from sqlalchemy import create_engine, select, update
from sqlalchemy.orm import Session

from clinicbot.channels import ids
from clinicbot.store.keys import hash_key, sender_hash
from clinicbot.store.models import Conversation
from clinicbot.store.trackers import rename_sender, sender_exists, unprefixed_senders

MIGRATED = (ids.TELEGRAM, ids.REST)  # in this order of precedence: Telegram is a patient's own channel
_CHAT_ID = re.compile(r"-?[1-9][0-9]*")


def new_id(channel: str, old: str) -> Optional[str]:
    """The id a conversation stored as `old` has now in `channel`, or None when that channel cannot have it."""
    if channel == ids.TELEGRAM:
        return ids.telegram_id(int(old)) if _CHAT_ID.fullmatch(old) else None
    return ids.conversation_id(channel, old)


@dataclass
class Move:
    """What happens to one stored conversation id."""

    old: str
    channel: Optional[str]  # the channel it goes to; None: left as it is
    new: Optional[str]
    mixed: bool = False  # user messages from more than one channel
    conflict: bool = False  # the new id is already taken in the tracker store


def plan_move(old: str, channels: Set[str]) -> Move:
    """Where a stored id goes, given the input channels of its user messages."""
    for channel in MIGRATED:
        made = new_id(channel, old) if channel in channels else None
        if made:
            return Move(old, channel, made, mixed=len(channels) > 1)
    return Move(old, None, None, mixed=len(channels) > 1)


@dataclass
class Report:
    """The counts `migrate_ids` prints; never an id (they are phone numbers and chat ids)."""

    dry_run: bool
    renamed: Counter = field(default_factory=Counter)
    mixed: int = 0
    conflicts: int = 0
    skipped: int = 0
    rekeyed: Counter = field(default_factory=Counter)
    store_conflicts: int = 0

    def to_json(self) -> Dict[str, Any]:
        """The report as a JSON object."""
        return {
            "dry_run": self.dry_run,
            "tracker": {
                "renamed": dict(sorted(self.renamed.items())),
                "mixed_channels": self.mixed,
                "conflicts": self.conflicts,
                "skipped": self.skipped,
            },
            "store": {"rekeyed": dict(sorted(self.rekeyed.items())), "conflicts": self.store_conflicts},
        }


def _plan(tracker_url: str) -> List[Move]:
    """The moves of every stored id without a channel prefix (reads only)."""
    engine = create_engine(tracker_url, future=True)
    try:
        with engine.connect() as conn:
            found = unprefixed_senders(conn, list(ids.PREFIXES.values()))
            moves = []
            for old, channels in sorted(found.items()):
                move = plan_move(old, channels)
                if move.new is not None and sender_exists(conn, move.new):
                    move.conflict = True
                moves.append(move)
            return moves
    finally:
        engine.dispose()


def _store_rekeys(session: Session, moves: List[Move], key: bytes) -> Tuple[List[Tuple[int, str, str]], int]:
    """(conversation row id, channel, new hash) of the clinic store's rows to re-key, and how many would collide."""
    out: List[Tuple[int, str, str]] = []
    collisions = 0
    for move in moves:
        if move.channel is None or move.conflict:
            continue
        old_hash = sender_hash(move.old, key)
        for channel in MIGRATED:
            target = new_id(channel, move.old)
            if target is None:
                continue
            row = session.execute(
                select(Conversation.id).where(Conversation.channel == channel, Conversation.sender_hash == old_hash)
            ).first()
            if row is None:
                continue
            new_hash = sender_hash(target, key)
            taken = session.execute(
                select(Conversation.id).where(Conversation.channel == channel, Conversation.sender_hash == new_hash)
            ).first()
            if taken is not None:
                collisions += 1
            else:
                out.append((int(row[0]), channel, new_hash))
    return out, collisions


def migrate_ids(tracker_url: str, store: Session, dry_run: bool = False) -> Report:
    """Renames the stored ids without a channel prefix to their channel's id and re-keys the clinic store to match.

    The clinic store is changed first (its own transaction on `store`), then the tracker store (one
    transaction), so a run that fails half-way is finished by running it again.
    """
    report = Report(dry_run=dry_run)
    moves = _plan(tracker_url)
    for move in moves:
        report.mixed += move.mixed
        if move.channel is None:
            report.skipped += 1
        elif move.conflict:
            report.conflicts += 1
        else:
            report.renamed[move.channel] += 1
    key = hash_key()
    with store.begin():
        rekeys, report.store_conflicts = _store_rekeys(store, moves, key)
        for row_id, channel, new_hash in rekeys:
            report.rekeyed[channel] += 1
            if not dry_run:
                store.execute(update(Conversation).where(Conversation.id == row_id).values(sender_hash=new_hash))
    if dry_run:
        return report
    engine = create_engine(tracker_url, future=True)
    try:
        with engine.begin() as conn:
            for move in moves:
                if move.channel is not None and move.new is not None and not move.conflict:
                    rename_sender(conn, move.old, move.new)
    finally:
        engine.dispose()
    return report
