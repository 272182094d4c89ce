"""Section 2: intent macro-F1 by 5-fold cross-validation (`rasa test nlu --cross-validation`).

Under cross-validation Rasa 3.6 (rasa/nlu/test.py: ``cross_validate`` -> ``evaluate_intents``) pools the
test predictions of all folds and writes one report, ``<out>/intent_report.json``, plus the pooled
predictions as ``intent_errors.json`` and (with ``--successes``) ``intent_successes.json``. The figure is
that report's "macro avg" f1-score; its interval is a bootstrap over the pooled predictions.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any, Dict, List, Tuple

import numpy as np

from bench.common import ROOT, VAR, Figure, SectionResult, Target, rel, run_logged, venv_bin
from bench.stats import bootstrap_interval, macro_f1, wilson

FOLDS = 5
OUT = VAR / "nlu-cv"
LOG = VAR / "nlu-cv.log"
SUMMARY_KEYS = {"accuracy", "macro avg", "weighted avg", "micro avg"}


def command() -> List[str]:
    """The cross-validation command."""
    return [
        str(venv_bin("rasa")),
        "test",
        "nlu",
        "--nlu",
        "data/nlu.yml",
        "--config",
        "config.yml",
        "--cross-validation",
        "--folds",
        str(FOLDS),
        "--out",
        rel(OUT),
        "--successes",
    ]


def read_json(path: Path) -> Any:
    """A JSON file's content ([] when the file is absent: Rasa skips empty prediction lists)."""
    return json.loads(path.read_text()) if path.exists() else []


def pooled_predictions(out: Path) -> Tuple[List[str], List[str]]:
    """Target and predicted intent of every pooled test example."""
    rows = read_json(out / "intent_successes.json") + read_json(out / "intent_errors.json")
    return [r["intent"] for r in rows], [r["intent_prediction"]["name"] or "None" for r in rows]


def f1_interval(truth: List[str], pred: List[str]) -> Tuple[float, Tuple[float, float] | None]:
    """Macro-F1 over all labels seen (as sklearn's report) and its bootstrap interval."""
    names = sorted(set(truth) | set(pred))
    codes = {name: i for i, name in enumerate(names)}
    t = np.array([codes[x] for x in truth])
    p = np.array([codes[x] for x in pred])
    labels = np.arange(len(names))

    def stat(idx: np.ndarray) -> float:
        return macro_f1(t[idx], p[idx], np.unique(np.concatenate([t[idx], p[idx]])))

    return macro_f1(t, p, labels), bootstrap_interval(stat, [len(t)], rounds=500)


def intent_rows(report: Dict[str, Any]) -> Dict[str, Dict[str, Any]]:
    """The per-label rows of the report (summary rows left out)."""
    return {k: v for k, v in report.items() if k not in SUMMARY_KEYS and isinstance(v, dict)}


def figures(report: Dict[str, Any], truth: List[str], pred: List[str], seconds: float) -> List[Figure]:
    """Macro-F1 as Rasa reports it, over the true intents only, accuracy and the wall time."""
    rows = intent_rows(report)
    true_rows = [v for v in rows.values() if v.get("support", 0) > 0]
    n = int(report["macro avg"]["support"])
    mine, interval = f1_interval(truth, pred) if truth else (None, None)
    rasa_f1 = float(report["macro avg"]["f1-score"])
    if mine is not None and abs(mine - rasa_f1) > 1e-6:
        interval = None  # the pooled predictions do not reproduce the report: do not pretend
    correct = sum(1 for a, b in zip(truth, pred, strict=True) if a == b)
    return [
        Figure(
            "intent_macro_f1",
            "Intent macro-F1 (5-fold CV)",
            rasa_f1,
            "",
            None,
            n,
            interval,
            Target(">=", 0.95, ">= 0.95"),
        ),
        Figure(
            "intent_macro_f1_true_labels",
            "Intent macro-F1, true intents only",
            float(np.mean([v["f1-score"] for v in true_rows])),
            "",
            None,
            n,
        ),
        Figure(
            "intent_accuracy",
            "Intent accuracy (5-fold CV)",
            correct / len(truth) if truth else None,
            "%",
            correct,
            len(truth),
            wilson(correct, len(truth)),
        ),
        Figure("nlu_cv_seconds", "NLU cross-validation wall time", seconds, "s", None, 1),
    ]


def run() -> SectionResult:
    """Run the cross-validation and read its pooled intent report."""
    shutil.rmtree(OUT, ignore_errors=True)
    start = time.perf_counter()
    run_logged(command(), LOG, cwd=ROOT, timeout=5400)
    seconds = time.perf_counter() - start
    report = json.loads((OUT / "intent_report.json").read_text())
    truth, pred = pooled_predictions(OUT)
    rows = intent_rows(report)
    details = {
        "report": rel(OUT / "intent_report.json"),
        "labels_without_support": sorted(k for k, v in rows.items() if not v.get("support")),
        "per_intent_f1": {k: round(float(v["f1-score"]), 4) for k, v in rows.items()},
    }
    return SectionResult(figures(report, truth, pred, seconds), details)
