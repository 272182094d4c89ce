"""The compiled action-response check accepts and refuses exactly what Rasa's own check does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from clinicbot.rasa_nlu import speedups as rasa_speedups

GOOD = [{"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "hi"}]}, {"events": []}, {}]
BAD = [{"events": "nope"}, {"responses": "text"}, {"events": [{"name": "no event key"}]}]


@pytest.mark.parametrize("result", GOOD)
def test_accepts_what_rasa_accepts(result):
    rasa_speedups.install()
    assert RemoteAction._validate_action_result(None, result)  # type: ignore[arg-type]


@pytest.mark.parametrize("result", BAD)
def test_refuses_what_rasa_refuses(result):
    from jsonschema import validate

    with pytest.raises(ValidationError):
        validate(result, RemoteAction.action_response_format_spec())
    rasa_speedups.install()
    with pytest.raises(ValidationError):
        RemoteAction._validate_action_result(None, result)  # type: ignore[arg-type]
