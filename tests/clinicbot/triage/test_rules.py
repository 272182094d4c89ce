"""The triage rule file is validated on load."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from clinicbot.triage.rules import RuleSet, load_rules


def test_every_rule_has_a_source():
    rules = load_rules()
    assert rules.version and rules.source
    assert all(c.source for c in rules.causes.values())


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d["causes"]["muscle_strain"]["supports"].update({"no_such_finding": 1.0}),
        lambda d: d["soon_causes"].append("no_such_cause"),
        lambda d: d.update({"unexpected_key": 1}),
        lambda d: d["causes"]["spondylolysis"]["triggers"].update({"zumba": 1.0}),
    ],
)
def test_bad_rules_refused(mutate):
    data = load_rules().dict(by_alias=True)
    mutate(data)
    with pytest.raises(ValidationError):
        RuleSet.parse_obj(data)
