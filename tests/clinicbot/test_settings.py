"""The environment is read in one place, and every variable it declares is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clinicbot import settings

ROOT = Path(__file__).resolve().parents[2]


def test_only_the_settings_module_reads_the_environment():
    readers = [
        str(p.relative_to(ROOT))
        for folder in ("clinicbot", "actions")
        for p in (ROOT / folder).rglob("*.py")
        if re.search(r"os\.environ|getenv\(", p.read_text()) and p.name != "settings.py"
    ]
    assert readers == []


def test_the_documented_variables_are_declared():
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]{3,})`", (ROOT / "docs" / "interfaces.md").read_text()))
    documented &= {n for n in documented if not n.startswith(("RASA_PORT", "CLUSTER", "REPLICAS", "ACTION_REPLICAS"))}
    assert documented - set(settings.VARIABLES) == set()


def test_every_declared_variable_is_documented():
    docs = "".join(p.read_text() for p in (ROOT / "docs").glob("*.md"))
    assert [n for n in settings.VARIABLES if n not in docs] == []


@pytest.mark.parametrize(("env", "expected"), [({}, "d"), ({"LOG_LEVEL": "  "}, "d"), ({"LOG_LEVEL": " INFO "}, "INFO")])
def test_get(env, expected):
    assert settings.get("LOG_LEVEL", "d", env) == expected


def test_an_undeclared_name_is_an_error():
    with pytest.raises(KeyError, match="not a declared setting"):
        settings.get("NOT_A_SETTING")
