"""Alert messages: what they carry, that they carry nothing personal, and the webhook signature."""

from __future__ import annotations

import hashlib
import hmac
import json
import re

from clinicbot.alerts.config import load
from clinicbot.alerts.messages import SIGNATURE_HEADER, email, payload, sign, verify, webhook_body

from .helpers import assert_private, due, escalate

ENV = {
    "SMTP_HOST": "127.0.0.1",
    "ALERT_EMAIL_FROM": "clinicbot@clinic.example",
    "ALERT_EMAIL_TO": "desk@clinic.example",
    "ALERT_WEBHOOK_URL": "http://127.0.0.1:9/hook",
    "ALERT_WEBHOOK_SECRET": "top-secret",
    "STAFF_BASE_URL": "https://staff.clinic.example",
}


def test_payload_carries_level_flags_channel_time_and_link(db):
    eid = escalate(db)
    config = load(ENV)
    alert = due(db)[0]
    obj = json.loads(webhook_body(alert, config))
    assert obj == payload(alert, config)
    assert obj["level"] == "emergency" and obj["channel"] == "rest" and obj["escalation_id"] == eid
    assert obj["red_flags"] == ["saddle_numbness", "bladder_bowel_dysfunction"]
    assert obj["escalated_at"].startswith("2025-03-03T09:00:00")
    assert obj["url"] == f"https://staff.clinic.example/escalations/{eid}"
    assert set(obj) == {
        "event",
        "alert_id",
        "escalation_id",
        "level",
        "red_flags",
        "channel",
        "escalated_at",
        "rules_version",
        "url",
    }


def test_email_says_the_same_in_words(db):
    eid = escalate(db)
    config = load(ENV)
    msg = email(due(db, ["email"])[0], config, config.smtp)
    text = msg.get_content()
    assert msg["Subject"] == f"[clinicbot] EMERGENCY escalation #{eid}"
    assert msg["To"] == "desk@clinic.example" and msg["From"] == "clinicbot@clinic.example"
    assert "emergency department" in text and "saddle" in text and "Channel: rest" in text
    assert f"https://staff.clinic.example/escalations/{eid}" in text
    assert "2025-03-03 09:00:00 UTC" in text
    assert re.fullmatch(r"<clinicbot-alert-\d+@clinic\.example>", msg["Message-ID"])


def test_no_alert_body_holds_the_visitors_name_number_or_words(db):
    escalate(db, "visitor-1")
    escalate(db, "visitor-2", level="urgent")
    config = load({**ENV, "ALERT_URGENT": "1"})
    alerts = due(db)
    assert len(alerts) == 4
    for alert in alerts:
        assert_private(webhook_body(alert, config))
        assert_private(email(alert, config, config.smtp).as_bytes())


def test_the_check_itself_finds_a_leak():
    try:
        assert_private(b'{"note": "Ravi Kumar called"}')
    except AssertionError:
        return
    raise AssertionError("assert_private missed a name")


def test_signature_is_hmac_sha256_of_the_body():
    body = b'{"level":"emergency"}'
    sig = sign(body, "k")
    assert sig == "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert re.fullmatch(r"sha256=[0-9a-f]{64}", sig)
    assert verify(body, "k", sig)
    assert not verify(body + b" ", "k", sig)
    assert not verify(body, "other", sig)
    assert not verify(body, "k", "")
    assert SIGNATURE_HEADER == "X-Clinicbot-Signature"



def test_the_email_says_what_the_visitor_was_told_in_the_levels_own_words(db):
    from dataclasses import replace

    from clinicbot.alerts.messages import email_text
    from clinicbot.vocabulary import vocabulary

    escalate(db)
    config = load(ENV)
    alert = due(db, ["email"])[0]
    for level in ("emergency", "urgent"):
        assert vocabulary().levels[level] in email_text(replace(alert, level=level), config)
    assert "within a day" not in email_text(replace(alert, level="urgent"), config)
