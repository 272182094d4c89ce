"""The app refuses to start outside development without STAFF_SECRET_KEY."""

from __future__ import annotations

import pytest

from clinicbot.review.settings import ConfigError, from_env


@pytest.mark.parametrize(
    "env",
    [{}, {"CLINICBOT_ENV": "production"}, {"STAFF_SECRET_KEY": "short"}, {"STAFF_SECRET_KEY": "   "}],
)
def test_refuses_without_a_real_key_outside_development(env):
    with pytest.raises(ConfigError):
        from_env(env)


def test_development_gets_a_throwaway_key():
    a, b = from_env({"CLINICBOT_ENV": "development"}), from_env({"CLINICBOT_ENV": "development"})
    assert a.development and len(a.secret_key) >= 32 and a.secret_key != b.secret_key


@pytest.mark.parametrize(
    ("base", "secure"), [("https://staff.clinic.example", True), ("", False), ("http://127.0.0.1:8000", False)]
)
def test_cookie_secure_behind_https(base, secure):
    settings = from_env({"STAFF_SECRET_KEY": "s" * 40, "STAFF_BASE_URL": base})
    assert settings.cookie_secure is secure and not settings.development


def test_server_refuses_to_start_without_the_key(monkeypatch, capsys):
    from clinicbot.review.__main__ import main

    monkeypatch.delenv("STAFF_SECRET_KEY", raising=False)
    monkeypatch.delenv("CLINICBOT_ENV", raising=False)
    assert main() == 2
    assert "STAFF_SECRET_KEY" in capsys.readouterr().err
