"""argon2 password hashing."""

from __future__ import annotations

from clinicbot.review.passwords import hash_password, needs_rehash, verify_password


def test_hash_and_verify():
    h = hash_password("correct horse battery")
    assert h.startswith("$argon2id$") and not needs_rehash(h)
    assert verify_password(h, "correct horse battery")
    assert not verify_password(h, "correct horse batterY")


def test_unknown_user_and_garbage_hash_never_match():
    assert not verify_password(None, "no such user: this never matches")
    assert not verify_password("not-a-hash", "x")
