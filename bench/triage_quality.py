"""Section 1: triage quality over the vignette suite, through the `clinicbot triage` CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Sequence

import yaml

from bench.common import ROOT, Figure, SectionResult, Target, tool_env, venv_bin
from bench.stats import wilson

VIGNETTES = ROOT / "tests" / "vignettes"
LEVELS = ("emergency", "urgent", "soon", "self_care")
NO_LEVEL = "error"


@dataclass(frozen=True)
class Case:
    """One vignette and what the CLI answered for it."""

    spec: Dict[str, Any]
    out: Dict[str, Any]

    @property
    def expected(self) -> str:
        """The expected level."""
        return str(self.spec["level"])

    @property
    def got(self) -> str:
        """The level given, or ``error`` when the CLI gave none."""
        level = self.out.get("level")
        return level if level in LEVELS else NO_LEVEL


def rank(level: str) -> int:
    """Urgency rank: 0 is most urgent; no level ranks below self_care (counts as under-triage)."""
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)


def load_vignettes() -> List[Dict[str, Any]]:
    """The vignette suite (every file under tests/vignettes) as a list of dicts."""
    out: List[Dict[str, Any]] = []
    for path in sorted(VIGNETTES.glob("*.yml")):
        data = yaml.safe_load(path.read_text())
        if not isinstance(data, list):
            raise ValueError(f"{path} is not a YAML list")
        out += data
    return out


def cli_command() -> List[str]:
    """The `clinicbot triage` command: the venv's console script, else the module."""
    script = venv_bin("clinicbot")
    return [str(script), "triage"] if script.exists() else [sys.executable, "-m", "clinicbot.cli", "triage"]


def run_cli(texts: Sequence[str]) -> List[Dict[str, Any]]:
    """Triage ``texts`` in one CLI process, one message a line; one JSON object per text back."""
    stdin = "".join(" ".join(t.split()) + "\n" for t in texts)
    proc = subprocess.run(
        cli_command(),
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=tool_env(),
        timeout=900,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode != 0 or len(lines) != len(texts):
        raise RuntimeError(
            f"clinicbot triage exited {proc.returncode} with {len(lines)}/{len(texts)} lines:\n{proc.stderr[-2000:]}"
        )
    return [json.loads(line) for line in lines]


def present_findings(out: Dict[str, Any]) -> set:
    """Ids of findings the CLI reported with status present."""
    return {f.get("id") for f in out.get("findings", []) if f.get("status") == "present"}


def negation_error(case: Case) -> bool:
    """An `absent` finding reported present, or the `not_level` given."""
    absent = set(case.spec.get("absent") or [])
    return bool(absent & present_findings(case.out)) or case.got == case.spec.get("not_level")


def has_cause(case: Case) -> bool:
    """Vignettes scored on cause: those with `cause`, except emergencies."""
    return bool(case.spec.get("cause")) and case.expected != "emergency"


def top_k(k: int) -> Callable[[Case], bool]:
    """Predicate: the expected cause is among the first ``k`` likely causes."""
    return lambda c: c.spec["cause"] in (c.out.get("likely_causes") or [])[:k]


def proportion(
    key: str, label: str, cases: Sequence[Case], hit: Callable[[Case], bool], target: Target | None = None
) -> Figure:
    """A k/n figure with its Wilson 95% interval."""
    k = sum(1 for c in cases if hit(c))
    n = len(cases)
    return Figure(key, label, k / n if n else None, "%", k, n, wilson(k, n), target)


def confusion(cases: Sequence[Case]) -> Dict[str, Dict[str, int]]:
    """Counts of given level per expected level."""
    columns = LEVELS + ((NO_LEVEL,) if any(c.got == NO_LEVEL for c in cases) else ())
    table = {exp: {got: 0 for got in columns} for exp in LEVELS}
    for c in cases:
        table[c.expected][c.got] += 1
    return table


def figures(cases: Sequence[Case]) -> List[Figure]:
    """All triage-quality figures."""
    emergencies = [c for c in cases if c.expected == "emergency"]
    caused = [c for c in cases if has_cause(c)]
    flagged = [c for c in cases if c.spec.get("red_flags")]
    negated = [c for c in cases if c.spec.get("absent") or c.spec.get("not_level")]
    return [
        proportion(
            "emergency_recall",
            "Emergency recall",
            emergencies,
            lambda c: c.got == "emergency",
            Target(">=", 1.0, "100%"),
        ),
        proportion(
            "under_triage",
            "Under-triage rate",
            cases,
            lambda c: rank(c.got) > rank(c.expected),
            Target("<=", 0.02, "<= 2%"),
        ),
        proportion(
            "exact_level", "Exact-level accuracy", cases, lambda c: c.got == c.expected, Target(">=", 0.90, ">= 90%")
        ),
        proportion("cause_top1", "Cause top-1 accuracy", caused, top_k(1), Target(">=", 0.85, ">= 85%")),
        proportion("cause_top3", "Cause top-3 accuracy", caused, top_k(3), Target(">=", 0.97, ">= 97%")),
        proportion(
            "red_flag_recall",
            "Red-flag recall (per case)",
            flagged,
            lambda c: set(c.spec["red_flags"]) <= set(c.out.get("red_flags") or []),
            Target(">=", 0.95, ">= 95%"),
        ),
        proportion("negation_errors", "Negation errors", negated, negation_error),
    ]


def failures(cases: Sequence[Case]) -> Dict[str, List[str]]:
    """Ids of vignettes that missed, per kind of miss, for the JSON."""
    return {
        "under_triaged": [c.spec["id"] for c in cases if rank(c.got) > rank(c.expected)],
        "wrong_level": [c.spec["id"] for c in cases if c.got != c.expected],
        "cause_not_top1": [c.spec["id"] for c in cases if has_cause(c) and not top_k(1)(c)],
        "red_flag_missed": [
            c.spec["id"] for c in cases if not set(c.spec.get("red_flags") or []) <= set(c.out.get("red_flags") or [])
        ],
        "negation_error": [c.spec["id"] for c in cases if negation_error(c)],
        "cli_error": [c.spec["id"] for c in cases if c.got == NO_LEVEL],
    }


def run() -> SectionResult:
    """Triage every vignette through the CLI and score the answers."""
    specs = load_vignettes()
    outs = run_cli([str(s["text"]) for s in specs])
    cases = [Case(s, o) for s, o in zip(specs, outs, strict=True)]
    details = {"vignettes": len(cases), "confusion": confusion(cases), "failures": failures(cases)}
    return SectionResult(figures(cases), details)
