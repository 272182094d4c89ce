"""What an alert says: level, red flags, channel, time and a staff-app link. Never words, names or numbers."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timezone
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any, Dict, List

from clinicbot.alerts.config import AlertConfig, SmtpSettings
from clinicbot.store.outbox import DueAlert

SIGNATURE_HEADER = "X-Clinicbot-Signature"
SIGNATURE_PREFIX = "sha256="
EVENT = "clinicbot.escalation"


def _level_meaning(level: str) -> str:
    """What a level tells the visitor, from the vocabulary ("Needs a clinical assessment within 24-48 hours")."""
    from clinicbot.vocabulary import vocabulary

    return vocabulary().levels.get(level, level)


def _flag_label(fid: str) -> str:
    """A red flag's plain words from the vocabulary (the id itself if it is unknown)."""
    from clinicbot.vocabulary import vocabulary

    found = vocabulary().findings.get(fid)
    return found.label if found is not None else fid


def payload(alert: DueAlert, config: AlertConfig) -> Dict[str, Any]:
    """The JSON object an alert carries (webhook body; the e-mail says the same in words)."""
    return {
        "event": EVENT,
        "alert_id": alert.id,
        "escalation_id": alert.escalation_id,
        "level": alert.level,
        "red_flags": list(alert.red_flags),
        "channel": alert.channel,
        "escalated_at": alert.escalated_at.astimezone(timezone.utc).isoformat(),
        "rules_version": alert.rules_version,
        "url": config.escalation_url(alert.escalation_id),
    }


def webhook_body(alert: DueAlert, config: AlertConfig) -> bytes:
    """The webhook's body: compact JSON, UTF-8 (the bytes that are signed)."""
    return json.dumps(payload(alert, config), separators=(",", ":"), sort_keys=True).encode("utf-8")


def sign(body: bytes, secret: str) -> str:
    """The signature header's value: `sha256=` and the hex HMAC-SHA256 of the body under the secret."""
    return SIGNATURE_PREFIX + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, signature: str) -> bool:
    """Whether `signature` is the body's valid signature (constant-time; for receivers and tests)."""
    return hmac.compare_digest(sign(body, secret), signature or "")


def subject(alert: DueAlert) -> str:
    """The e-mail subject."""
    return f"[clinicbot] {alert.level.upper()} escalation #{alert.escalation_id}"


def email_text(alert: DueAlert, config: AlertConfig) -> str:
    """The e-mail body: plain text."""
    flags: List[str] = [f"  - {_flag_label(f)} ({f})" for f in alert.red_flags] or ["  - (none recorded)"]
    when = alert.escalated_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    action = f"The assistant told the visitor: {_level_meaning(alert.level)}."
    return "\n".join(
        [
            f"Red-flag escalation #{alert.escalation_id}: {alert.level}",
            "",
            action,
            "",
            "Red flags:",
            *flags,
            "",
            f"Channel: {alert.channel}",
            f"Time:    {when}",
            "",
            f"Follow up in the staff app: {config.escalation_url(alert.escalation_id)}",
            "",
            "This alert carries no personal data; the staff app shows the record.",
            "",
        ]
    )


def email(alert: DueAlert, config: AlertConfig, smtp: SmtpSettings) -> EmailMessage:
    """The alert e-mail, with a Message-ID fixed per alert (a resend after a crash has the same one)."""
    msg = EmailMessage()
    msg["Subject"] = subject(alert)
    msg["From"] = smtp.sender
    msg["To"] = ", ".join(smtp.recipients)
    msg["Date"] = format_datetime(alert.escalated_at.astimezone(timezone.utc))
    domain = smtp.sender.rpartition("@")[2] or "clinicbot.invalid"
    msg["Message-ID"] = f"<clinicbot-alert-{alert.id}@{domain}>"
    msg["X-Clinicbot-Escalation"] = str(alert.escalation_id)
    msg.set_content(email_text(alert, config))
    return msg
