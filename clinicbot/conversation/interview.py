"""The interview's questions, declared once in clinicbot/data/interview.yml and validated on load."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Dict, List, Literal, Optional

from pydantic import BaseModel, root_validator, validator

from clinicbot.datafiles import load_yaml
from clinicbot.vocabulary import vocabulary

DATA = Path(__file__).resolve().parent.parent / "data" / "interview.yml"  # shared with the triage rules


class Choice(BaseModel, extra="forbid"):
    """A button of a closed question: it answers yes or no, or sends its own words (`reply`)."""

    id: str
    title: str
    answer: Literal["", "yes", "no"] = ""
    reply: str = ""

    @root_validator(skip_on_failure=True)
    def _one_way(cls, values: dict) -> dict:
        if bool(values["answer"]) == bool(values["reply"]):
            raise ValueError(f"choice {values['id']}: give exactly one of answer or reply")
        return values


class Question(BaseModel, extra="forbid"):
    """One question: a finding asked yes/no, a value, any of some findings, or one leg or both."""

    id: str
    kind: Literal["flag", "value", "any_of", "sides"]
    text: str
    finding: str = ""
    value: str = ""
    findings: List[str] = []
    concrete: str = ""  # the one concrete re-ask after an unsure answer (emergency signs)
    ranking: bool = False  # a ranking question: may stay unknown
    ask_when_present: str = ""  # asked only when this finding (or derived flag) is present
    reads: Literal["", "number", "side"] = ""  # a bare answer to a value question: "34", "left"
    choices: List[Choice] = []  # the buttons of a closed question that is not plain yes/no

    @root_validator(skip_on_failure=True)
    def _known_ids(cls, values: dict) -> dict:
        vocab = vocabulary()
        where = f"interview.yml question {values['id']}"
        kind = values["kind"]
        if kind in ("flag", "sides"):
            vocab.check_finding(values["finding"], where)
        if kind == "value" and values["value"] not in vocab.values:
            raise ValueError(f"{where}: unknown value {values['value']!r}")
        for fid in values["findings"]:
            vocab.check_finding(fid, where)
        if values["ask_when_present"]:
            vocab.check_finding(values["ask_when_present"], where)
        return values

    @property
    def safety(self) -> bool:
        """A red-flag question: asked until answered, doubt counts towards present."""
        f = vocabulary().findings.get(self.finding)
        return self.kind == "flag" and not self.ranking and f is not None and f.kind == "red_flag"

    @property
    def flag_level(self) -> Optional[str]:
        """The level of the red flag this question asks about (None for other questions)."""
        return vocabulary().findings[self.finding].level if self.safety else None


class Interview(BaseModel, extra="forbid"):
    """interview.yml."""

    source: str
    questions: List[Question]
    suspect_questions: Dict[str, str]
    both_legs: Dict[str, str]
    both_sides_of_the_back: Dict[str, str]

    @validator("questions")
    def _unique(cls, qs: List[Question]) -> List[Question]:
        ids = [q.id for q in qs]
        if len(set(ids)) != len(ids):
            raise ValueError("interview.yml: question ids must be unique")
        return qs

    @validator("suspect_questions", "both_legs")
    def _findings(cls, table: Dict[str, str]) -> Dict[str, str]:
        vocab = vocabulary()
        for k, v in table.items():
            vocab.check_finding(k, "interview.yml")
            if v not in vocab.findings and not isinstance(v, str):
                raise ValueError(f"interview.yml: {k}: {v!r}")
        return table

    def question(self, qid: str) -> Question:
        """The question with this id."""
        return next(q for q in self.questions if q.id == qid)

    def asking(self, finding: str) -> Optional[Question]:
        """The yes/no question that asks about ``finding``, if any."""
        return next((q for q in self.questions if q.kind == "flag" and q.finding == finding), None)


@cache
def interview() -> Interview:
    """The validated interview table (cached)."""
    table = Interview.parse_obj(load_yaml(DATA))
    for target in table.both_legs.values():
        vocabulary().check_finding(target, "interview.yml both_legs")
    back = table.both_sides_of_the_back
    vocabulary().check_finding(back["finding"], "interview.yml both_sides_of_the_back")
    if back["value"] not in vocabulary().values:
        raise ValueError(f"interview.yml both_sides_of_the_back: unknown value {back['value']!r}")
    return table
