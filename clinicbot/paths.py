"""Where the project keeps its files: the one module that knows the folders outside the package."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the project: the parent of the `clinicbot` package
MODELS = ROOT / "models"
SECOND_OPINION_MODEL = MODELS / "second_opinion.json"
WIDGET_BUNDLE = ROOT / "widget" / "dist" / "clinicbot-widget.js"


def var_dir() -> Path:
    """The project's `var/` folder (databases, keys, logs), created if needed."""
    path = ROOT / "var"
    path.mkdir(parents=True, exist_ok=True)
    return path
