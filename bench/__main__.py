"""`python -m bench [SECTION ...]`: run the benchmark sections, print the table, write var/bench.json.

Exits 0 whatever the figures are; a section that crashes is reported as an error and the rest still run.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import traceback
from datetime import datetime, timezone
from importlib import metadata
from typing import Any, Callable, Dict, List, Sequence, Tuple

from bench import (
    alerts,
    latency,
    locks,
    memory,
    nlu_cv,
    redflags,
    staff,
    store,
    training,
    triage_quality,
    visitor,
    widget,
)
from bench.common import RESULT_JSON, SectionResult, clear_cache, rel
from bench.report import Outcome, render, write_json

SECTIONS: Tuple[Tuple[str, str, Callable[[], SectionResult]], ...] = (
    ("triage", "1. Triage quality (vignettes via CLI)", triage_quality.run),
    ("redflags", "1b. Red flags in patients' words (corpus via CLI)", redflags.run),
    ("nlu", "2. Intent classification (5-fold CV)", nlu_cv.run),
    ("train", "3. Training time", training.run),
    ("latency", "4. REST latency vs stock bot", latency.run),
    ("memory", "5. Server peak memory", memory.run),
    ("store", "6. Booking store (SQLite, PostgreSQL)", store.run),
    ("staff", "7. Staff review app: list with filters, 10k bookings", staff.run),
    ("alerts", "8. Emergency reply with alerts on vs off", alerts.run),
    ("widget", "9. Website widget first reply (Chromium)", widget.run),
    ("visitor", "10. What the visitor sees (whole conversations, core)", visitor.run),
    ("locks", "11. Lock store on Redis: a killed replica's hold, the lock's cost", locks.run),
)


def run_section(name: str, title: str, fn: Callable[[], SectionResult]) -> Outcome:
    """Run one section, timed; an exception becomes the section's error instead of stopping the bench."""
    print(f"bench: running {title} ...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    try:
        result = fn()
    except Exception as exc:  # a benchmark section must not stop the others
        seconds = time.perf_counter() - start
        message = f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:200]
        print(f"bench: {title} failed: {message}", file=sys.stderr, flush=True)
        return Outcome(name, title, seconds, error=message, traceback=traceback.format_exc())
    return Outcome(name, title, time.perf_counter() - start, result=result)


def version(package: str) -> str | None:
    """An installed package's version, or None."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def meta() -> Dict[str, Any]:
    """What the figures were measured on."""
    return {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "project": "clinicbot",
        "rasa": version("rasa"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
    }


def header(info: Dict[str, Any]) -> str:
    """The first line of the table."""
    return (
        f"clinicbot benchmark  {info['generated_at']}  rasa {info['rasa']}, python {info['python']}, "
        f"{info['cpus']} CPUs"
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line arguments: optionally, the sections to run."""
    names = [name for name, _, _ in SECTIONS]
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "sections", nargs="*", metavar="SECTION", help=f"sections to run (default all): {', '.join(names)}"
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.sections) - set(names))
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the selected sections in order, print the table and write the JSON."""
    wanted = parse_args(argv).sections
    clear_cache()
    try:
        outcomes: List[Outcome] = [run_section(*s) for s in SECTIONS if not wanted or s[0] in wanted]
    finally:
        clear_cache()
    info = meta()
    print(render(outcomes, header(info)), flush=True)
    write_json(RESULT_JSON, outcomes, info)
    print(f"wrote {rel(RESULT_JSON)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
