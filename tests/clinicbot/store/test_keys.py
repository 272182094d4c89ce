"""Keyed hash of sender ids."""

from __future__ import annotations

import stat

import pytest

from clinicbot.store.keys import hash_key, sender_hash


@pytest.mark.parametrize(
    "a, b, same",
    [
        ((b"k1", "123"), (b"k1", "123"), True),
        ((b"k1", "123"), (b"k2", "123"), False),
        ((b"k1", "123"), (b"k1", "124"), False),
    ],
)
def test_hash_stable_per_key(a, b, same):
    ha, hb = sender_hash(a[1], a[0]), sender_hash(b[1], b[0])
    assert len(ha) == 64 and a[1] not in ha
    assert (ha == hb) is same


def test_env_key(monkeypatch):
    monkeypatch.setenv("CLINICBOT_HASH_KEY", "secret")
    assert hash_key() == b"secret"
    assert sender_hash("42") == sender_hash("42", b"secret")


def test_key_file_created_once_mode_0600(monkeypatch, tmp_path):
    monkeypatch.delenv("CLINICBOT_HASH_KEY", raising=False)
    path = tmp_path / "sender-hash.key"
    first = hash_key(path)
    assert len(first) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert hash_key(path) == first
    other = tmp_path / "other.key"
    assert hash_key(other) != first
