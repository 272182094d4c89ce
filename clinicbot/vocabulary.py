"""The clinical vocabulary (ids of levels, findings, causes), loaded once from data and validated."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Dict, List, Literal, Union

from pydantic import BaseModel, validator

from clinicbot.datafiles import load_yaml

DATA = Path(__file__).parent / "data" / "vocabulary.yml"

PRESENT, ABSENT, HYPOTHETICAL, HISTORICAL, FAMILY = (
    "present",
    "absent",
    "hypothetical",
    "historical",
    "family",
)


class Finding(BaseModel, extra="forbid"):
    """One finding id: a red flag (with its level) or a clinical feature."""

    kind: Literal["red_flag", "feature"]
    label: str
    level: str = ""


class Vocabulary(BaseModel, extra="forbid"):
    """Ids the whole project speaks in."""

    source: str
    levels: Dict[str, str]
    statuses: List[str]
    findings: Dict[str, Finding]
    causes: Dict[str, str]
    values: Dict[str, Union[str, List[str]]]

    @validator("findings")
    def _red_flags_have_levels(cls, findings: Dict[str, Finding], values: dict) -> Dict[str, Finding]:
        levels = values.get("levels", {})
        for fid, f in findings.items():
            if f.kind == "red_flag" and f.level not in levels:
                raise ValueError(f"red flag {fid} has unknown level {f.level!r}")
        return findings

    @property
    def level_order(self) -> List[str]:
        """Levels, most urgent first."""
        return list(self.levels)

    @property
    def red_flags(self) -> List[str]:
        """Red-flag ids in the vocabulary's order."""
        return [k for k, f in self.findings.items() if f.kind == "red_flag"]

    def more_urgent(self, a: str, b: str) -> str:
        """The more urgent of two levels."""
        order = self.level_order
        return a if order.index(a) <= order.index(b) else b

    def check_finding(self, fid: str, where: str) -> None:
        """Raise if ``fid`` is not a finding id."""
        if fid not in self.findings:
            raise ValueError(f"{where}: unknown finding id {fid!r}")

    def check_cause(self, cid: str, where: str) -> None:
        """Raise if ``cid`` is not a cause id."""
        if cid not in self.causes:
            raise ValueError(f"{where}: unknown cause id {cid!r}")


@cache
def vocabulary() -> Vocabulary:
    """The validated vocabulary (cached)."""
    return Vocabulary.parse_obj(load_yaml(DATA))
