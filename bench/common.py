"""Shared types and helpers: figures, section results, paths and subprocesses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
RESULT_JSON = ROOT / "var" / "bench.json"
CACHE = VAR / "cache"


@dataclass(frozen=True)
class Target:
    """A goal for a figure: ``value op threshold`` (op is ``>=`` or ``<=``)."""

    op: str
    threshold: float
    text: str

    def met(self, value: float | None) -> bool | None:
        """Whether ``value`` reaches the target; None when there is no value."""
        if value is None:
            return None
        return value >= self.threshold if self.op == ">=" else value <= self.threshold


@dataclass
class Figure:
    """One measured figure, with its count, sample size and 95% interval where they apply."""

    key: str
    label: str
    value: float | None
    unit: str = ""
    k: int | None = None
    n: int | None = None
    interval: Tuple[float, float] | None = None
    target: Target | None = None

    def to_json(self) -> Dict[str, Any]:
        """The figure as a JSON object (target and whether it is met included)."""
        obj = asdict(self)
        obj["interval"] = list(self.interval) if self.interval else None
        obj["met"] = self.target.met(self.value) if self.target else None
        return obj


@dataclass
class SectionResult:
    """What one section produced: its figures and free-form details for the JSON."""

    figures: List[Figure] = field(default_factory=list)
    details: Dict[str, Any] = field(default_factory=dict)
    notes: List[str] = field(default_factory=list)


def venv_bin(name: str) -> Path:
    """A console script next to the running interpreter (the venv's ``bin/``), unresolved."""
    return Path(sys.executable).parent / name


def tool_env() -> Dict[str, str]:
    """Environment for project subprocesses: the project importable, quiet TensorFlow, no telemetry, and a
    Rasa graph cache of the bench's own (so the developers' .rasa/cache is neither used nor grown)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env["RASA_CACHE_DIRECTORY"] = str(CACHE)
    return env


def clear_cache() -> None:
    """Delete the bench's Rasa graph cache (forced and cross-validation trainings never reuse it)."""
    shutil.rmtree(CACHE, ignore_errors=True)


def run_logged(cmd: Sequence[str], log: Path, cwd: Path = ROOT, timeout: float = 3600.0) -> None:
    """Run ``cmd`` with its output in ``log``; raise with the log's tail if it fails."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        proc = subprocess.run(
            list(cmd),
            cwd=cwd,
            env=tool_env(),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])}... exited {proc.returncode}; log {log}:\n{tail(log)}")


def tail(path: Path, lines: int = 15) -> str:
    """The last ``lines`` lines of a text file ('' if it cannot be read)."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def rel(path: Path) -> str:
    """``path`` relative to the project root when it is inside it."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)
