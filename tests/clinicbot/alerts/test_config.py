"""Alert settings from the environment: what is enabled, for which levels, and the retry pacing."""

from __future__ import annotations

import pytest

from clinicbot.alerts.config import DEFAULT_STAFF_BASE_URL, load

SMTP = {"SMTP_HOST": "mail.example.org", "ALERT_EMAIL_FROM": "bot@example.org", "ALERT_EMAIL_TO": "a@x.org, b@x.org"}
HOOK = {"ALERT_WEBHOOK_URL": "https://hooks.example.org/x", "ALERT_WEBHOOK_SECRET": "s3cret"}


@pytest.mark.parametrize(
    "env, kinds, problems",
    [
        ({}, [], 0),
        (SMTP, ["email"], 0),
        (HOOK, ["webhook"], 0),
        ({**SMTP, **HOOK}, ["email", "webhook"], 0),
        ({"SMTP_HOST": "mail.example.org"}, [], 1),  # half-configured: off, and said why
        ({**SMTP, "ALERT_EMAIL_TO": " , "}, [], 1),
        ({"ALERT_WEBHOOK_URL": "https://hooks.example.org/x"}, [], 1),  # never unsigned
        ({**HOOK, "ALERT_WEBHOOK_URL": "ftp://x"}, [], 1),
        ({**SMTP, "SMTP_PORT": "twenty-five"}, [], 1),
    ],
)
def test_enabled_kinds(env, kinds, problems):
    config = load(env)
    assert config.kinds == kinds
    assert len(config.problems) == problems


@pytest.mark.parametrize(
    "urgent, level, expected",
    [
        (None, "emergency", ["email", "webhook"]),
        (None, "urgent", []),
        ("1", "urgent", ["email", "webhook"]),
        ("true", "urgent", ["email", "webhook"]),
        ("0", "urgent", []),
        ("1", "soon", []),
    ],
)
def test_urgent_alerts_only_when_asked(urgent, level, expected):
    env = {**SMTP, **HOOK, **({"ALERT_URGENT": urgent} if urgent else {})}
    assert load(env).kinds_for(level) == expected


def test_smtp_settings_and_defaults():
    config = load({**SMTP, "SMTP_STARTTLS": "yes", "SMTP_USERNAME": "u", "SMTP_PASSWORD": "pw-9f3k"})
    smtp = config.smtp
    assert smtp is not None
    assert (smtp.host, smtp.port, smtp.starttls, smtp.username) == ("mail.example.org", 587, True, "u")
    assert smtp.recipients == ("a@x.org", "b@x.org")
    assert smtp.password == "pw-9f3k" and "pw-9f3k" not in repr(config)
    assert load(SMTP).smtp.port == 25
    assert load({**SMTP, "SMTP_PORT": "2525"}).smtp.port == 2525


def test_secret_not_in_repr():
    assert "s3cret" not in repr(load(HOOK))


def test_staff_links():
    assert load({}).escalation_url(7) == f"{DEFAULT_STAFF_BASE_URL}/escalations/7"
    assert (
        load({"STAFF_BASE_URL": "https://staff.clinic.in/"}).escalation_url(7)
        == "https://staff.clinic.in/escalations/7"
    )


def test_retry_settings():
    retry = load({"ALERT_RETRY_BASE_SECONDS": "0.5", "ALERT_MAX_ATTEMPTS": "3", "ALERT_POLL_SECONDS": "bad"}).retry
    assert (retry.base_seconds, retry.max_attempts, retry.poll_seconds) == (0.5, 3, 2.0)
    assert retry.lease_seconds > 3 * retry.timeout_seconds
