"""Pieces the channel connectors share: reading settings, answering bad requests, safe delivery."""

from __future__ import annotations

import json
import logging
import os
from typing import Any, Dict, Mapping, Optional

logger = logging.getLogger(__name__)
ENV_NAME = "CLINICBOT_ENV"
DEVELOPMENT_NAMES = ("development", "dev", "test")


def env(name: str, environ: Optional[Mapping[str, str]] = None) -> str:
    """A setting from the environment, or an empty string."""
    return (environ if environ is not None else os.environ).get(name, "").strip()


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
