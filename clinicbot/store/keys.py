"""Keyed hash of sender ids (HMAC-SHA256), so the store never holds raw chat ids."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path
from typing import Optional

from clinicbot import settings
from clinicbot.paths import var_dir

KEY_ENV = "CLINICBOT_HASH_KEY"
KEY_FILE_NAME = "sender-hash.key"


def _read_or_create_key_file(path: Path) -> bytes:
    """Read the key file, creating it (mode 0600, random key) on first use."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32) + "\n")
    for _ in range(50):  # another process may have created it a moment ago and still be writing
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key.encode("ascii")
        time.sleep(0.02)
    raise RuntimeError(f"empty sender hash key file: {path}")


def hash_key(key_file: Optional[Path] = None) -> bytes:
    """The HMAC key: `CLINICBOT_HASH_KEY`, else the one kept in `var/sender-hash.key`."""
    env_key = settings.get(KEY_ENV)
    if env_key:
        return env_key.encode("utf-8")
    return _read_or_create_key_file(key_file or var_dir() / KEY_FILE_NAME)


def sender_hash(sender_id: str, key: Optional[bytes] = None) -> str:
    """HMAC-SHA256 hex digest of a sender id under `key` (default: `hash_key()`)."""
    return hmac.new(key if key is not None else hash_key(), sender_id.encode("utf-8"), hashlib.sha256).hexdigest()
