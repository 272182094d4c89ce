"""The vignette suite through the `clinicbot triage` CLI: the safety targets of issue 2.

The suite (tests/vignettes/*.yml) is our own wording, far wider than the spec's sample.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["emergency", "urgent", "soon", "self_care"]


def load_suite() -> list:
    """Every vignette file under tests/vignettes (our own wording; holdout.yml was written apart from the rules)."""
    out: list = []
    for path in sorted((ROOT / "tests" / "vignettes").glob("*.yml")):
        out += yaml.safe_load(path.read_text())
    return out


@pytest.fixture(scope="module")
def results():
    vignettes = load_suite()
    exe = Path(sys.executable).with_name("clinicbot")
    proc = subprocess.run(
        [str(exe), "triage"],
        input="\n".join(v["text"] for v in vignettes) + "\n",
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(out) == len(vignettes)
    return list(zip(vignettes, out))


def test_suite_is_wide(results):
    assert len(results) >= 150
    flags = {f for v, _ in results for f in v.get("red_flags", [])}
    from clinicbot.vocabulary import vocabulary

    assert flags == set(vocabulary().red_flags)


def test_emergency_recall_is_total(results):
    missed = [v["text"] for v, r in results if v["level"] == "emergency" and r["level"] != "emergency"]
    assert not missed


def test_negated_hypothetical_family_never_emergency(results):
    # a case marked `known_miss` (with its reason) is reported by `make bench`, not hidden
    wrong = [
        v["text"]
        for v, r in results
        if v.get("not_level") == "emergency" and r["level"] == "emergency" and not v.get("known_miss")
    ]
    assert not wrong


def test_levels(results):
    n = len(results)
    exact = sum(r["level"] == v["level"] for v, r in results) / n
    under = sum(ORDER.index(r["level"]) > ORDER.index(v["level"]) for v, r in results) / n
    assert exact >= 0.90, exact
    assert under <= 0.02, under


def test_red_flags_reported(results):
    cases = [(v, r) for v, r in results if v.get("red_flags")]
    ok = sum(set(v["red_flags"]) <= set(r["red_flags"]) for v, r in cases)
    assert ok / len(cases) >= 0.95


def test_causes(results):
    cases = [(v, r) for v, r in results if v.get("cause") and v["level"] != "emergency"]
    top1 = sum(r["likely_causes"][:1] == [v["cause"]] for v, r in cases) / len(cases)
    top3 = sum(v["cause"] in r["likely_causes"][:3] for v, r in cases) / len(cases)
    assert top1 >= 0.85, top1
    assert top3 >= 0.97, top3
