"""Reading the project's YAML data files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# libyaml's safe loader when PyYAML was built with it (several times faster), else the pure one.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> Any:
    """Parse a YAML data file, naming the file in any error."""
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=SafeLoader)
    except yaml.YAMLError as exc:  # pragma: no cover - message only
        raise ValueError(f"{path}: invalid YAML: {exc}") from exc
