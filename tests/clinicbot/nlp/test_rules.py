"""The rule files are validated on load: unknown keys, ids and groups are refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from clinicbot.nlp import rules


def test_packaged_rules_load():
    assert rules.load_targets().findings
    assert rules.load_context().rules
    assert rules.load_normalisation().split
    assert rules.load_values().age.patterns


def test_unknown_key_refused():
    with pytest.raises(ValidationError):
        rules.TargetSpec.parse_obj({"priority": 1, "patterns": ["x"], "typo": 1})


def test_unknown_finding_refused():
    data = rules.load_targets().dict()
    data["findings"]["not_a_finding"] = {"priority": 1, "patterns": ["x"]}
    with pytest.raises(ValidationError):
        rules.Targets.parse_obj(data)


def test_unknown_lexicon_group_refused():
    data = rules.load_targets().dict()
    data["findings"]["fever"]["patterns"] = ["{no_such_group}"]
    with pytest.raises(ValidationError):
        rules.Targets.parse_obj(data)
