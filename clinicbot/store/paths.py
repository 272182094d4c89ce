"""Where the store keeps its files by default."""

from __future__ import annotations

from pathlib import Path


def project_root() -> Path:
    """The project root: the parent of the `clinicbot` package."""
    return Path(__file__).resolve().parent.parent.parent


def var_dir() -> Path:
    """The project's `var/` folder, created if needed."""
    path = project_root() / "var"
    path.mkdir(parents=True, exist_ok=True)
    return path
