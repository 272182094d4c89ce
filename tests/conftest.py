"""Shared fixtures: the extractor is built once per test session (it takes a few seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def extractor():
    """The packaged clinical extractor."""
    from clinicbot.nlp.extractor import default_extractor

    return default_extractor()
