"""Delivering one alert: SMTP (stdlib smtplib) or a signed JSON POST. Errors name no personal data."""

from __future__ import annotations

import smtplib
import ssl
from typing import Any, Optional

from clinicbot.alerts.config import AlertConfig, SmtpSettings, WebhookSettings
from clinicbot.alerts.messages import SIGNATURE_HEADER, email, sign, webhook_body
from clinicbot.store.outbox import DueAlert


class DeliveryError(Exception):
    """An attempt failed; the message is safe to log and store (no personal data, no secrets)."""


def describe(exc: BaseException) -> str:
    """A short, data-free description of a delivery failure: the error type and any SMTP or HTTP code."""
    if isinstance(exc, DeliveryError):
        return str(exc)
    code = getattr(exc, "smtp_code", None)
    return f"{type(exc).__name__}" + (f" {code}" if code is not None else "")


def send_email(alert: DueAlert, config: AlertConfig, smtp: SmtpSettings, timeout: float) -> None:
    """Send the alert e-mail; raise on any failure."""
    msg = email(alert, config, smtp)
    client: smtplib.SMTP
    if smtp.port == 465:  # implicit TLS
        client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=timeout, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
    with client:
        if smtp.starttls and smtp.port != 465:
            client.starttls(context=ssl.create_default_context())
        if smtp.username:
            client.login(smtp.username, smtp.password)
        refused = client.send_message(msg, from_addr=smtp.sender, to_addrs=list(smtp.recipients))
        if refused and len(refused) == len(smtp.recipients):
            raise DeliveryError(f"SMTP refused all {len(refused)} recipients")


def post_webhook(
    alert: DueAlert, config: AlertConfig, hook: WebhookSettings, timeout: float, session: Optional[Any] = None
) -> None:
    """POST the signed alert; any status other than 2xx is a failure."""
    import requests

    body = webhook_body(alert, config)
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(body, hook.secret),
        "X-Clinicbot-Alert-Id": str(alert.id),
        "User-Agent": "clinicbot-alerts",
    }
    poster = session or requests
    try:
        resp = poster.post(hook.url, data=body, headers=headers, timeout=timeout, allow_redirects=False)
    except requests.RequestException as exc:
        raise DeliveryError(type(exc).__name__) from None
    if not 200 <= resp.status_code < 300:
        raise DeliveryError(f"HTTP {resp.status_code}")


def deliver(alert: DueAlert, config: AlertConfig, session: Optional[Any] = None) -> None:
    """Send one alert by its kind; raise DeliveryError (or the transport's error) when it failed."""
    timeout = config.retry.timeout_seconds
    if alert.kind == "email" and config.smtp is not None:
        send_email(alert, config, config.smtp, timeout)
    elif alert.kind == "webhook" and config.webhook is not None:
        post_webhook(alert, config, config.webhook, timeout, session)
    else:
        raise DeliveryError(f"{alert.kind} alerts are not configured")
