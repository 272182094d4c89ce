"""`clinicbot triage`: the JSON-lines contract of interfaces.md."""

from __future__ import annotations

import io
import json

from clinicbot import cli

KEYS = {"text", "level", "red_flags", "likely_causes", "findings", "values", "explanation", "unanswered_screening"}


def _run(argv, stdin_text=None, monkeypatch=None):
    out = io.StringIO()
    if stdin_text is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin_text))
    monkeypatch.setattr("sys.stdout", out)
    assert cli.main(argv) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_message(monkeypatch):
    [obj] = _run(["triage", "I wet myself and my back hurts after squats"], monkeypatch=monkeypatch)
    assert KEYS <= set(obj)
    assert obj["level"] == "emergency"
    assert obj["red_flags"] == ["bladder_bowel_dysfunction"]
    assert obj["likely_causes"][0] == "cauda_equina_syndrome"
    assert {"id": "bladder_bowel_dysfunction", "status": "present"}.items() <= obj["findings"][0].items()


def test_stdin_lines_in_order_with_errors_carried(monkeypatch):
    lines = ["sore back both sides after deadlifts", "x" * 100000, "I'm 17, hurts when I arch back"]
    objs = _run(["triage"], "\n".join(lines) + "\n", monkeypatch)
    assert [o["text"] for o in objs] == lines
    assert "error" in objs[1] and "level" not in objs[1]
    assert objs[2]["values"]["age"] == 17
