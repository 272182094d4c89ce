"""Intent features from the clinical extractor: which findings (with their status) and values a message holds.

Plain Python: the Rasa featurizer in ``clinicbot.rasa_nlu.components`` turns these names into sparse features for the intent classifier.
A message that names a back-pain finding, even a denied one ("no numbness"), is very likely about the
visitor's back; bag-of-words features miss that when the words are misspelt or the phrasing is new.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Dict, Iterable, List, Sequence, Set, Tuple

from clinicbot.nlp.extractor import Extraction
from clinicbot.vocabulary import DATA as VOCABULARY_FILE
from clinicbot.vocabulary import Vocabulary

RULE_FILES = sorted((Path(__file__).parent / "data").rglob("*.yml")) + [VOCABULARY_FILE]

ANY_FINDING = "any_finding"
NO_FINDING = "no_finding"


def finding_feature(fid: str, status: str) -> str:
    """The feature of one finding with one assertion status."""
    return f"finding:{fid}:{status}"


def status_feature(status: str) -> str:
    """The feature of any finding with this status."""
    return f"status:{status}"


def value_feature(key: str) -> str:
    """The feature of a value (age, duration, side, exercise) being stated."""
    return f"value:{key}"


class FindingFeatures:
    """A fixed, ordered feature space over the vocabulary's findings, statuses and value keys."""

    def __init__(self, finding_ids: Iterable[str], statuses: Sequence[str], value_keys: Iterable[str]) -> None:
        names = [finding_feature(f, s) for f in sorted(finding_ids) for s in statuses]
        names += [status_feature(s) for s in statuses]
        names += [value_feature(k) for k in sorted(value_keys)]
        names += [ANY_FINDING, NO_FINDING]
        self.names: List[str] = names
        self.index: Dict[str, int] = {n: i for i, n in enumerate(names)}

    @classmethod
    def of(cls, vocab: Vocabulary) -> FindingFeatures:
        """The feature space of the project's vocabulary."""
        return cls(vocab.findings, vocab.statuses, vocab.values)

    def __len__(self) -> int:
        return len(self.names)

    def sentence(self, extraction: Extraction) -> Set[int]:
        """Feature indices for the whole message."""
        names = {value_feature(k) for k in extraction.values}
        for f in extraction.findings:
            names |= {finding_feature(f.id, f.status), status_feature(f.status)}
        names.add(ANY_FINDING if extraction.findings else NO_FINDING)
        return {self.index[n] for n in names if n in self.index}

    def tokens(self, extraction: Extraction, spans: Sequence[Tuple[int, int]]) -> List[Set[int]]:
        """Feature indices for each token (given by character span): the findings said in its words."""
        out: List[Set[int]] = [set() for _ in spans]
        for f in extraction.findings:
            names = (finding_feature(f.id, f.status), status_feature(f.status))
            idx = {self.index[n] for n in names if n in self.index}
            for i, (start, end) in enumerate(spans):
                if start < f.end and end > f.start:
                    out[i] |= idx
        return out


def data_fingerprint(files: Sequence[Path] = tuple(RULE_FILES), names: Sequence[str] = ()) -> str:
    """A digest of the vocabulary and the extractor's rule files (and of a feature layout's ``names``):
    the features change when these do."""
    digest = hashlib.sha256("\n".join(names).encode())
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
