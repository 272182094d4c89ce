"""Alert settings from the environment (interfaces.md); an alert whose variables are unset is not enabled."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Mapping, Optional, Tuple

from clinicbot import settings

DEFAULT_STAFF_BASE_URL = "http://127.0.0.1:8000"
TRUE = ("1", "true", "yes", "on")


def _flag(value: Optional[str]) -> bool:
    """An environment flag: 1/true/yes/on (any case) is true."""
    return (value or "").strip().lower() in TRUE


def _number(env: Mapping[str, str], name: str, default: float, minimum: float = 0.0) -> float:
    """A non-negative number from the environment, or the default when unset or not a number."""
    try:
        value = float(env.get(name, "").strip() or default)
    except ValueError:
        return default
    return max(value, minimum)


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send alert e-mails."""

    host: str
    port: int
    username: str
    password: str = field(repr=False)
    starttls: bool
    sender: str
    recipients: Tuple[str, ...]


@dataclass(frozen=True)
class WebhookSettings:
    """Where to POST alerts and the secret they are signed with."""

    url: str
    secret: str = field(repr=False)


@dataclass(frozen=True)
class RetrySettings:
    """The worker's pacing: polling, exponential backoff with jitter, and when to give up."""

    poll_seconds: float = 2.0
    base_seconds: float = 10.0
    max_seconds: float = 900.0
    max_attempts: int = 20
    timeout_seconds: float = 10.0

    @property
    def lease_seconds(self) -> float:
        """How long a claimed alert stays hidden from other workers (longer than one attempt can take).

        An SMTP exchange is several reads, each with its own timeout, so one attempt may take a few timeouts.
        """
        return 10 * self.timeout_seconds + 30.0


@dataclass(frozen=True)
class AlertConfig:
    """Which alerts are enabled and how they are sent."""

    staff_base_url: str = DEFAULT_STAFF_BASE_URL
    smtp: Optional[SmtpSettings] = None
    webhook: Optional[WebhookSettings] = None
    urgent: bool = False
    retry: RetrySettings = field(default_factory=RetrySettings)
    problems: Tuple[str, ...] = ()

    @property
    def kinds(self) -> List[str]:
        """The enabled alert kinds."""
        return [k for k, on in (("email", self.smtp), ("webhook", self.webhook)) if on is not None]

    def kinds_for(self, level: str) -> List[str]:
        """The alerts an escalation at `level` gets: emergencies always, urgent ones with ALERT_URGENT."""
        if level == "emergency" or (level == "urgent" and self.urgent):
            return self.kinds
        return []

    def escalation_url(self, escalation_id: int) -> str:
        """The staff app's page of an escalation."""
        return f"{self.staff_base_url.rstrip('/')}/escalations/{escalation_id}"


def _smtp(env: Mapping[str, str], problems: List[str]) -> Optional[SmtpSettings]:
    """SMTP settings, when SMTP_HOST, ALERT_EMAIL_FROM and ALERT_EMAIL_TO are all set."""
    host = env.get("SMTP_HOST", "").strip()
    sender = env.get("ALERT_EMAIL_FROM", "").strip()
    recipients = tuple(a.strip() for a in env.get("ALERT_EMAIL_TO", "").split(",") if a.strip())
    if not (host and sender and recipients):
        if host or sender or recipients:
            problems.append("e-mail alerts off: SMTP_HOST, ALERT_EMAIL_FROM and ALERT_EMAIL_TO are all needed")
        return None
    port_text = env.get("SMTP_PORT", "").strip()
    starttls = _flag(env.get("SMTP_STARTTLS"))
    try:
        port = int(port_text) if port_text else (587 if starttls else 25)
    except ValueError:
        problems.append("e-mail alerts off: SMTP_PORT is not a number")
        return None
    return SmtpSettings(
        host=host,
        port=port,
        username=env.get("SMTP_USERNAME", "").strip(),
        password=env.get("SMTP_PASSWORD", ""),
        starttls=starttls,
        sender=sender,
        recipients=recipients,
    )


def _webhook(env: Mapping[str, str], problems: List[str]) -> Optional[WebhookSettings]:
    """Webhook settings, when ALERT_WEBHOOK_URL and ALERT_WEBHOOK_SECRET are both set (never unsigned)."""
    url = env.get("ALERT_WEBHOOK_URL", "").strip()
    secret = env.get("ALERT_WEBHOOK_SECRET", "")
    if not (url and secret):
        if url or secret:
            problems.append("webhook alerts off: ALERT_WEBHOOK_URL and ALERT_WEBHOOK_SECRET are both needed")
        return None
    if not url.startswith(("http://", "https://")):
        problems.append("webhook alerts off: ALERT_WEBHOOK_URL must be an http(s) URL")
        return None
    return WebhookSettings(url=url, secret=secret)


def load(env: Optional[Mapping[str, str]] = None) -> AlertConfig:
    """The alert configuration from `env` (default: the process environment)."""
    env = settings.environment() if env is None else env
    problems: List[str] = []
    retry = RetrySettings(
        poll_seconds=_number(env, "ALERT_POLL_SECONDS", 2.0, 0.05),
        base_seconds=_number(env, "ALERT_RETRY_BASE_SECONDS", 10.0, 0.01),
        max_seconds=_number(env, "ALERT_RETRY_MAX_SECONDS", 900.0, 0.01),
        max_attempts=int(_number(env, "ALERT_MAX_ATTEMPTS", 20, 1)),
        timeout_seconds=_number(env, "ALERT_TIMEOUT_SECONDS", 10.0, 0.1),
    )
    return AlertConfig(
        staff_base_url=env.get("STAFF_BASE_URL", "").strip() or DEFAULT_STAFF_BASE_URL,
        smtp=_smtp(env, problems),
        webhook=_webhook(env, problems),
        urgent=_flag(env.get("ALERT_URGENT")),
        retry=retry,
        problems=tuple(problems),
    )
