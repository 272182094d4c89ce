"""Section 3: full training time of the project's model (`rasa train --force`)."""

from __future__ import annotations

import time
from typing import List

from bench.common import ROOT, VAR, Figure, SectionResult, Target, rel, run_logged, venv_bin

MODEL_DIR = VAR / "models"
MODEL_NAME = "bench-train"
LOG = VAR / "train.log"


def command() -> List[str]:
    """The training command (forced, so no cached component is reused)."""
    return [
        str(venv_bin("rasa")),
        "train",
        "--force",
        "--fixed-model-name",
        MODEL_NAME,
        "--out",
        rel(MODEL_DIR),
    ]


def run() -> SectionResult:
    """Time one forced training, then delete the model it produced."""
    model = MODEL_DIR / f"{MODEL_NAME}.tar.gz"
    model.unlink(missing_ok=True)
    start = time.perf_counter()
    try:
        run_logged(command(), LOG, cwd=ROOT, timeout=3600)
        seconds = time.perf_counter() - start
        size_mb = model.stat().st_size / 2**20 if model.exists() else None
    finally:
        model.unlink(missing_ok=True)
    figure = Figure(
        "training_seconds",
        "Training time (rasa train --force)",
        seconds,
        "s",
        None,
        1,
        target=Target("<=", 180.0, "<= 180 s"),
    )
    return SectionResult([figure], {"model_size_mb": size_mb, "log": rel(LOG)})
