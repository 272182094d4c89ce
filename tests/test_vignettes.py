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


FILES = sorted((ROOT / "tests" / "vignettes").glob("*.yml"))


def load_suite() -> list:
    """Every vignette file under tests/vignettes (our own wording; holdout.yml was written apart from the rules)."""
    out: list = []
    for path in FILES:
        out += [{**v, "file": path.name} for v in yaml.safe_load(path.read_text())]
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


@pytest.mark.parametrize("name", [p.name for p in FILES])
def test_levels_in_each_file(results, name):
    """Each file holds its own bar: a good file cannot carry a weaker one."""
    mine = [(v, r) for v, r in results if v["file"] == name]
    n = len(mine)
    exact = sum(r["level"] == v["level"] for v, r in mine) / n
    under = sum(ORDER.index(r["level"]) > ORDER.index(v["level"]) for v, r in mine) / n
    assert exact >= 0.90, exact
    assert under <= 0.02, under


def _denied(fid: str, statuses: dict) -> bool:
    """``fid`` read as denied: itself, or for a derived flag one of the findings whose denial answers it."""
    from clinicbot.triage.rules import load_rules

    derived = load_rules().derived_any.get(fid)
    by = [fid, *(derived.answered_absent_by if derived else [])]
    return any(statuses.get(f) == "absent" for f in by)


def test_absent_annotations_are_never_present(results):
    """A finding a vignette marks `absent:` is never read as the visitor's own symptom now."""
    wrong = [
        (v["id"], f["id"])
        for v, r in results
        for f in r["findings"]
        if f["id"] in v.get("absent", []) and f["status"] == "present"
    ]
    assert not wrong


# Each file's share of `absent:` annotations read as denied, measured at commit time (2026-12-02) and held:
# the bar may rise, never fall. A miss here means the bot asks a question the visitor already answered.
ABSENT_BARS = {"blind.yml": 0.83, "holdout.yml": 0.90, "vignettes.yml": 0.90}  # measured 51/61, 76/84, 100/110


@pytest.mark.parametrize("name", sorted(ABSENT_BARS))
def test_absent_annotations_are_read_as_denied(results, name):
    pairs = [
        (fid, {f["id"]: f["status"] for f in r["findings"]})
        for v, r in results
        if v["file"] == name
        for fid in v.get("absent", [])
    ]
    share = sum(_denied(fid, statuses) for fid, statuses in pairs) / len(pairs)
    assert share >= ABSENT_BARS[name], share


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
