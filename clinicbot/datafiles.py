"""Reading the project's YAML data files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def load_yaml(path: Path) -> Any:
    """Parse a YAML data file, naming the file in any error."""
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except yaml.YAMLError as exc:  # pragma: no cover - message only
        raise ValueError(f"{path}: invalid YAML: {exc}") from exc
