"""Pieces the channel connectors share: reading settings, answering bad requests, safe delivery."""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Dict, List, Mapping, Optional

from clinicbot import settings

logger = logging.getLogger(__name__)
ENV_NAME = "CLINICBOT_ENV"
DEVELOPMENT_NAMES = ("development", "dev", "test")


def env(name: str, environ: Optional[Mapping[str, str]] = None) -> str:
    """A setting from the environment, or an empty string."""
    return settings.get(name, env=environ)


def development(environ: Optional[Mapping[str, str]] = None) -> bool:
    """Whether CLINICBOT_ENV names a development environment (make run and scripts/with-stack set it)."""
    return env(ENV_NAME, environ).lower() in DEVELOPMENT_NAMES


def parse_json(body: bytes) -> Optional[Dict[str, Any]]:
    """A JSON object from a request body, or None when it is not one."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


async def deliver(channel: str, coro: Any) -> bool:
    """Awaits a send; a failure is logged without personal data and never reaches the webhook's answer."""
    try:
        await coro
        return True
    except Exception as exc:
        logger.error("%s: a reply could not be delivered (%s)", channel, type(exc).__name__)
        return False


_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")
ORIGINS_ENV = "WIDGET_ALLOWED_ORIGINS"


def parse_origins(value: str) -> List[str]:
    """The allowed origins from a comma-separated list (`scheme://host[:port]`, no path, no wildcard)."""
    origins = []
    for item in value.split(","):
        origin = item.strip().rstrip("/")
        if not origin:
            continue
        if not _ORIGIN.fullmatch(origin):
            raise ValueError(f"{ORIGINS_ENV}: {origin!r} is not an origin like https://clinic.example")
        origins.append(origin)
    return origins
