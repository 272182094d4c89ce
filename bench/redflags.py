"""Section 1b: the red-flag corpus in real patients' register (issue 14), through `clinicbot triage`.

The corpus (`tests/redflags/corpus/*.yml`) was written by separate writers from public patient
material (`tests/redflags/WRITERS.md`). Each message falls in the `dev` or the `blind` half by a hash
of its id; rules are changed looking at `dev` only, and both halves are reported.
"""

from __future__ import annotations

import hashlib
import subprocess
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Sequence

import yaml

from bench.common import ROOT, Figure, SectionResult, Target, tool_env
from bench.stats import percentile, percentile_interval, wilson
from bench.triage_quality import LEVELS, cli_command, rank, run_cli

CORPUS = ROOT / "tests" / "redflags" / "corpus"
EMERGENCY_FLAGS = (
    "saddle_numbness",
    "bladder_bowel_dysfunction",
    "bilateral_leg_weakness",
    "bilateral_leg_symptoms",
    "sexual_dysfunction",
)
SOFT_TRAPS = ("hypothetical", "past", "relative", "watch_for")
TRAPS = ("negated",) + SOFT_TRAPS
# Language groups of the targets.
GROUPS = {"English": ("en", "en-IN"), "Hinglish and Hindi": ("hi-Latn", "hi")}
GROUP_TARGETS = {
    "English": {"emergency": 0.95, "asked": 1.0, "under": 0.03},
    "Hinglish and Hindi": {"emergency": 0.90, "asked": 0.97, "under": 0.05},
}


def split_of(item_id: str) -> str:
    """`blind` or `dev`, fixed by the id (the first byte of its SHA-256 is odd: blind)."""
    return "blind" if hashlib.sha256(item_id.encode()).digest()[0] % 2 else "dev"


def load_corpus() -> List[Dict[str, Any]]:
    """Every message of the corpus, with its `split`."""
    items: List[Dict[str, Any]] = []
    for path in sorted(CORPUS.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, list):
            raise ValueError(f"{path} is not a YAML list")
        for item in data:
            items.append({**item, "split": split_of(str(item["id"]))})
    return items


@dataclass(frozen=True)
class Answer:
    """One corpus message and what `clinicbot triage` said of it."""

    spec: Dict[str, Any]
    out: Dict[str, Any]

    @property
    def got(self) -> str:
        """The level given (`error` when none)."""
        level = self.out.get("level")
        return level if level in LEVELS else "error"

    @property
    def emergency(self) -> bool:
        """Expected to be an emergency."""
        return self.spec["level"] == "emergency"

    @property
    def suspected(self) -> List[str]:
        """Red flags the second opinion suspects."""
        return list(self.out.get("suspected_red_flags") or [])

    @property
    def asked(self) -> bool:
        """Given `emergency`, or an emergency red flag suspected (the bot asks about it at once)."""
        return self.got == "emergency" or any(f in EMERGENCY_FLAGS for f in self.suspected)

    @property
    def under(self) -> bool:
        """Given a less urgent level than expected."""
        return rank(self.got) > rank(self.spec["level"])

    def flag_found(self, flag: str) -> bool:
        """The expected red flag was reported (for an emergency flag, reported or suspected)."""
        reported = set(self.out.get("red_flags") or [])
        return flag in reported or (flag in EMERGENCY_FLAGS and flag in self.suspected)

    @property
    def denied_escalated(self) -> bool:
        """A red flag the message denies was escalated to an emergency."""
        denied = set(self.spec.get("absent") or []) & set(EMERGENCY_FLAGS)
        return self.got == "emergency" and bool(denied & set(self.out.get("red_flags") or []))


def share(
    key: str, label: str, cases: Sequence[Answer], hit: Callable[[Answer], bool], target: Target | None = None
) -> Figure:
    """k/n with its Wilson interval."""
    k = sum(1 for c in cases if hit(c))
    n = len(cases)
    return Figure(key, label, k / n if n else None, "%", k, n, wilson(k, n), target)


def group_figures(prefix: str, label: str, cases: Sequence[Answer], group: str) -> List[Figure]:
    """The issue's headline figures for one language group in one half."""
    t = GROUP_TARGETS[group]
    em = [c for c in cases if c.emergency]
    return [
        share(
            f"{prefix}_emergency",
            f"{label}: emergencies given emergency",
            em,
            lambda c: c.got == "emergency",
            Target(">=", t["emergency"], f">= {t['emergency']:.0%}"),
        ),
        share(
            f"{prefix}_asked",
            f"{label}: emergency or asked at once",
            em,
            lambda c: c.asked,
            Target(">=", t["asked"], f">= {t['asked']:.0%}"),
        ),
        share(
            f"{prefix}_under",
            f"{label}: under-triage",
            cases,
            lambda c: c.under,
            Target("<=", t["under"], f"<= {t['under']:.0%}"),
        ),
    ]


def half_figures(half: str, cases: Sequence[Answer]) -> List[Figure]:
    """Headline figures of one half (dev, blind or all)."""
    out: List[Figure] = []
    for group, langs in GROUPS.items():
        in_group = [c for c in cases if c.spec.get("lang") in langs]
        short = "en" if group == "English" else "hi"
        out += group_figures(f"{half}_{short}", f"{half} {group}", in_group, group)
    out += [
        share(
            f"{half}_denied_escalated",
            f"{half}: denied red flag escalated",
            [c for c in cases if c.spec.get("absent")],
            lambda c: c.denied_escalated,
            Target("<=", 0.0, "0"),
        ),
        share(
            f"{half}_soft_false_alarms",
            f"{half}: soft false alarms (hyp/past/rel/watch)",
            [c for c in cases if c.spec.get("kind") in SOFT_TRAPS],
            lambda c: c.got == "emergency",
            Target("<=", 0.25, "<= 25%"),
        ),
        share(
            f"{half}_second_opinion_asks",
            f"{half}: second opinion asks, non-emergencies",
            [c for c in cases if not c.emergency],
            lambda c: bool(c.suspected),
            Target("<=", 0.10, "<= 10%"),
        ),
    ]
    return out


def breakdown(
    cases: Iterable[Answer], key: Callable[[Answer], Iterable[str]], hit: Callable[[Answer, str], bool]
) -> Dict[str, Dict[str, Any]]:
    """k/n and Wilson interval per value of ``key``."""
    counts: Dict[str, List[int]] = {}
    for c in cases:
        for k in key(c):
            kn = counts.setdefault(k, [0, 0])
            kn[0] += int(hit(c, k))
            kn[1] += 1
    return {
        k: {
            "k": kn[0],
            "n": kn[1],
            "rate": round(kn[0] / kn[1], 4),
            "interval": [round(x, 4) for x in wilson(*kn) or ()],
        }
        for k, kn in sorted(counts.items())
    }


def details(cases: Sequence[Answer]) -> Dict[str, Any]:
    """Recall per language, per red flag and per kind, per half; the ids missed (dev half only)."""
    out: Dict[str, Any] = {}
    for half in ("dev", "blind", "all"):
        part = [c for c in cases if half == "all" or c.spec["split"] == half]
        em = [c for c in part if c.emergency]
        out[half] = {
            "emergency_recall_by_language": breakdown(
                em, lambda c: [c.spec["lang"]], lambda c, _: c.got == "emergency"
            ),
            "emergency_or_asked_by_language": breakdown(em, lambda c: [c.spec["lang"]], lambda c, _: c.asked),
            "emergency_recall_by_kind": breakdown(em, lambda c: [c.spec["kind"]], lambda c, _: c.got == "emergency"),
            "red_flag_recall": breakdown(part, lambda c: c.spec.get("red_flags") or [], lambda c, f: c.flag_found(f)),
            "trap_emergency_by_kind": breakdown(
                [c for c in part if c.spec.get("kind") in TRAPS],
                lambda c: [c.spec["kind"]],
                lambda c, _: c.got == "emergency",
            ),
            "under_triage_by_language": breakdown(part, lambda c: [c.spec["lang"]], lambda c, _: c.under),
        }
    dev = [c for c in cases if c.spec["split"] == "dev"]
    out["dev_misses"] = {
        "emergency_not_given": [c.spec["id"] for c in dev if c.emergency and c.got != "emergency"],
        "under_triaged": [c.spec["id"] for c in dev if c.under],
        "trap_escalated": [c.spec["id"] for c in dev if c.spec.get("kind") in TRAPS and c.got == "emergency"],
    }
    return out


def first_answer_seconds(runs: int = 5) -> List[float]:
    """Wall time from starting `clinicbot triage TEXT` to its answer, ``runs`` times."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(
            cli_command() + ["my lower back hurts after deadlifts"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=tool_env(),
            timeout=120,
            check=False,
        )
        if proc.returncode != 0 or not proc.stdout.strip():
            raise RuntimeError(f"clinicbot triage failed: {proc.stderr[-500:]}")
        times.append(time.perf_counter() - start)
    return times


def second_opinion_ms(texts: Sequence[str]) -> List[float]:
    """Milliseconds the second opinion adds to each message (in this process, model loaded first)."""
    from clinicbot.nlp.second_opinion import default_second_opinion

    model = default_second_opinion()
    out = []
    for t in texts:
        start = time.perf_counter()
        model.suspects(t)
        out.append((time.perf_counter() - start) * 1000)
    return out


def run() -> SectionResult:
    """Triage the whole corpus through the CLI; figures per half and language group; start and cost."""
    specs = load_corpus()
    outs = run_cli([str(s["text"]) for s in specs])
    cases = [Answer(s, o) for s, o in zip(specs, outs, strict=True)]
    figs: List[Figure] = []
    for half in ("blind", "dev"):
        figs += half_figures(half, [c for c in cases if c.spec["split"] == half])
    starts = first_answer_seconds()
    ms = second_opinion_ms([str(s["text"]) for s in specs])
    figs += [
        Figure(
            "cli_first_answer_s",
            "clinicbot triage: first answer (median of 5)",
            percentile(starts, 50),
            "s",
            n=len(starts),
            interval=(min(starts), max(starts)),
            target=Target("<=", 3.0, "<= 3 s"),
        ),
        Figure(
            "second_opinion_p95_ms",
            "second opinion per message, p95",
            percentile(ms, 95),
            "ms",
            n=len(ms),
            interval=percentile_interval(ms, 95),
            target=Target("<=", 10.0, "<= 10 ms"),
        ),
    ]
    notes = [
        f"corpus: {len(cases)} messages, {sum(c.emergency for c in cases)} emergencies, "
        f"{sum(c.spec.get('kind') in TRAPS for c in cases)} traps; "
        f"blind {sum(c.spec['split'] == 'blind' for c in cases)}, dev {sum(c.spec['split'] == 'dev' for c in cases)}"
    ]
    return SectionResult(figs, details(cases), notes)
