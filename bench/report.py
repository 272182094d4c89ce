"""The fixed-width table on stdout and the JSON file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

from bench.common import Figure, SectionResult

COLUMNS = (("Figure", 40), ("Value", 12), ("k/n", 9), ("95% interval", 17), ("Target", 12), ("Met", 4))


@dataclass
class Outcome:
    """How one section went: its result, or the error that stopped it, and its wall time."""

    name: str
    title: str
    seconds: float
    result: SectionResult | None = None
    error: str | None = None
    traceback: str | None = None

    def to_json(self) -> Dict[str, Any]:
        """The section as a JSON object."""
        res = self.result or SectionResult()
        return {
            "title": self.title,
            "status": "error" if self.error else "ok",
            "seconds": round(self.seconds, 2),
            "error": self.error,
            "traceback": self.traceback,
            "notes": res.notes,
            "details": res.details,
            "figures": [f.key for f in res.figures],
        }


def number(value: float, unit: str) -> str:
    """A value in its unit, short."""
    if unit == "%":
        return f"{value * 100:.1f}%"
    if unit == "x":
        return f"{value:.2f}x"
    if unit in ("ms", "s"):
        return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:.3f}"


def interval_text(interval: Tuple[float, float] | None, unit: str) -> str:
    """``lo - hi`` in the figure's unit, or '-'."""
    if not interval:
        return "-"
    return f"{number(interval[0], unit)} - {number(interval[1], unit)}"


def row(cells: Sequence[str]) -> str:
    """One fixed-width line."""
    return "  ".join(cell[:width].ljust(width) for cell, (_, width) in zip(cells, COLUMNS, strict=True)).rstrip()


def figure_row(f: Figure) -> str:
    """The table line of one figure."""
    met = f.target.met(f.value) if f.target else None
    count = f"{f.k}/{f.n}" if f.k is not None else (f"n={f.n}" if f.n else "")
    return row(
        [
            f.label,
            "n/a" if f.value is None else number(f.value, f.unit),
            count,
            interval_text(f.interval, f.unit),
            f.target.text if f.target else "-",
            {True: "yes", False: "NO", None: "-"}[met],
        ]
    )


def section_lines(o: Outcome) -> List[str]:
    """A section's header line, its figures and notes."""
    status = f"ERROR: {o.error}" if o.error else "ok"
    lines = [f"[{o.title}]  {o.seconds:.1f} s  {status}"]
    if o.result:
        lines += [figure_row(f) for f in o.result.figures]
        lines += [f"  note: {n}" for n in o.result.notes]
    return lines


def confusion_lines(table: Dict[str, Dict[str, int]]) -> List[str]:
    """The per-level confusion counts (rows expected, columns given)."""
    columns = list(next(iter(table.values())).keys()) if table else []
    lines = [
        "Triage level confusion (rows: expected, columns: given)",
        "expected".ljust(12) + "".join(c.rjust(11) for c in columns),
    ]
    lines += [exp.ljust(12) + "".join(str(n).rjust(11) for n in got.values()) for exp, got in table.items()]
    return lines


def render(outcomes: Sequence[Outcome], header: str) -> str:
    """The whole report as text."""
    width = sum(w for _, w in COLUMNS) + 2 * (len(COLUMNS) - 1)
    lines = [header, "=" * width, row([name for name, _ in COLUMNS]), "-" * width]
    for o in outcomes:
        lines += section_lines(o) + [""]
    for o in outcomes:
        if o.result and "confusion" in o.result.details:
            lines += confusion_lines(o.result.details["confusion"]) + [""]
    return "\n".join(lines).rstrip() + "\n"


def write_json(path: Path, outcomes: Sequence[Outcome], meta: Dict[str, Any]) -> None:
    """Every figure (value, k, n, interval, target, met) and every section's status and details."""
    figures = {f.key: dict(f.to_json(), section=o.name) for o in outcomes if o.result for f in o.result.figures}
    data = dict(meta, figures=figures, sections={o.name: o.to_json() for o in outcomes})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
