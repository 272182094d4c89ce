"""Section 2: intent macro-F1 by 5-fold cross-validation (`rasa test nlu --cross-validation`).

Under cross-validation Rasa 3.6 (rasa/nlu/test.py: ``cross_validate`` -> ``evaluate_intents``) pools the
test predictions of all folds and writes one report, ``<out>/intent_report.json``, plus the pooled
predictions as ``intent_errors.json`` and (with ``--successes``) ``intent_successes.json``. The figure is
that report's "macro avg" f1-score; its interval is a bootstrap over the pooled predictions.

The section then trains one NLU model on all the data and tests it on the blind intent set
(``tests/nlu/blind_intents.yml``, written from the intent definitions without reading the training data):
its macro-F1 over every blind example, and over the ones whose text is not also a training example.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any, Dict, List, Set, Tuple

import numpy as np

from bench.common import ROOT, VAR, Figure, SectionResult, Target, rel, run_logged, venv_bin
from bench.stats import bootstrap_interval, macro_f1, wilson

FOLDS = 5
NLU_DATA = "data"  # the directory, so the lookup tables in data/lookups.yml are used too
OUT = VAR / "nlu-cv"
LOG = VAR / "nlu-cv.log"
BLIND = ROOT / "tests" / "nlu" / "blind_intents.yml"
# One blind set per language, each by a writer who never saw the training data (issue 16 for Hinglish, Hindi).
BLINDS = {
    "en": BLIND,
    "hi-Latn": ROOT / "tests" / "nlu" / "blind_intents_hi_latn.yml",
    "hi": ROOT / "tests" / "nlu" / "blind_intents_hi.yml",
}
LANGUAGE_NAMES = {"en": "", "hi-Latn": " (Hinglish)", "hi": " (Hindi)"}
BLIND_OUT = VAR / "nlu-blind"
BLIND_MODEL = "nlu-blind"
SUMMARY_KEYS = {"accuracy", "macro avg", "weighted avg", "micro avg"}


def command() -> List[str]:
    """The cross-validation command."""
    return [
        str(venv_bin("rasa")),
        "test",
        "nlu",
        "--nlu",
        NLU_DATA,
        "--config",
        "config.yml",
        "--cross-validation",
        "--folds",
        str(FOLDS),
        "--out",
        rel(OUT),
        "--successes",
    ]


def blind_commands() -> List[List[str]]:
    """Train an NLU model on all the data, then test it on each language's blind set."""
    rasa = str(venv_bin("rasa"))
    model = BLIND_OUT / f"{BLIND_MODEL}.tar.gz"
    tests = [
        [rasa, "test", "nlu", "--nlu", rel(path), "--model", rel(model), "--out", rel(report_dir(lang))]
        + ["--successes"]
        for lang, path in BLINDS.items()
        if path.exists()
    ]
    return [
        [rasa, "train", "nlu", "--nlu", NLU_DATA, "--config", "config.yml", "--out", rel(BLIND_OUT)]
        + ["--fixed-model-name", BLIND_MODEL],
        *tests,
    ]


def report_dir(lang: str) -> Path:
    """Where a language's blind report goes (English keeps its old place)."""
    return BLIND_OUT / ("report" if lang == "en" else f"report-{lang}")


def normalise(text: str) -> str:
    """Lower case with single spaces: how two examples are compared for being the same text."""
    return " ".join(text.lower().split())


def training_texts(root: Path) -> Set[str]:
    """The normalised texts of every intent example in the NLU files under ``root`` (Rasa's own reader)."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    texts: Set[str] = set()
    for path in sorted(root.rglob("*.yml")):
        if RasaYAMLReader.is_yaml_nlu_file(path):
            data = RasaYAMLReader().read(path)
            texts |= {normalise(m.get("text") or "") for m in data.intent_examples}
    return texts


def read_json(path: Path) -> Any:
    """A JSON file's content ([] when the file is absent: Rasa skips empty prediction lists)."""
    return json.loads(path.read_text()) if path.exists() else []


def prediction_rows(out: Path) -> List[Dict[str, Any]]:
    """Every test example Rasa wrote to ``out``, right or wrong."""
    return read_json(out / "intent_successes.json") + read_json(out / "intent_errors.json")


def labels(rows: List[Dict[str, Any]]) -> Tuple[List[str], List[str]]:
    """Target and predicted intent of each row."""
    return [r["intent"] for r in rows], [r["intent_prediction"]["name"] or "None" for r in rows]


def pooled_predictions(out: Path) -> Tuple[List[str], List[str]]:
    """Target and predicted intent of every pooled test example."""
    return labels(prediction_rows(out))


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


def blind_figures(out: Path, seen: Set[str], lang: str = "en") -> List[Figure]:
    """Macro-F1 on a blind set, all of it and only the texts the training data does not hold."""
    rows = prediction_rows(out)
    figures: List[Figure] = []
    suffix = "" if lang == "en" else "_" + lang.replace("-", "_").lower()
    name = LANGUAGE_NAMES.get(lang, f" ({lang})")
    target = None if lang == "en" else Target(">=", 0.93, ">= 0.93 (issue 16)")
    for key, label, subset in (
        ("blind_intent_macro_f1", f"Intent macro-F1, blind set{name}", rows),
        (
            "blind_intent_macro_f1_unseen",
            f"Intent macro-F1, blind set{name}, unseen texts",
            [r for r in rows if normalise(r["text"]) not in seen],
        ),
    ):
        truth, pred = labels(subset)
        value, interval = f1_interval(truth, pred) if truth else (None, None)
        figures.append(
            Figure(key + suffix, label, value, "", None, len(subset), interval, target if key.endswith("f1") else None)
        )
    return figures


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
    shutil.rmtree(BLIND_OUT, ignore_errors=True)
    train, *tests = blind_commands()
    run_logged(train, VAR / "nlu-blind-train.log", cwd=ROOT, timeout=3600)
    for test in tests:
        run_logged(test, VAR / "nlu-blind-test.log", cwd=ROOT, timeout=3600)
    seen = training_texts(ROOT / NLU_DATA)
    blind = [f for lang, path in BLINDS.items() if path.exists() for f in blind_figures(report_dir(lang), seen, lang)]
    details["blind_report"] = rel(BLIND_OUT / "report" / "intent_report.json")
    return SectionResult(figures(report, truth, pred, seconds) + blind, details)
