"""A statistical second opinion on the emergency red flags, that can only make the bot ask (issue 14).

The deterministic rules decide every red flag. This model, trained on paraphrases written apart
from the rules (``data/paraphrases.yml``), only *suspects* an emergency red flag the rules did not
hear at all; the bot then asks one plain question about it. It never removes or lowers a flag.

Training uses scikit-learn (character n-grams, TF-IDF, multinomial logistic regression) and writes
the weights as JSON (never a pickle): ``python -m clinicbot.nlp.second_opinion train [PATH]``, run
by ``make train``. Reading a message needs only numpy, so the CLI starts fast.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence

import numpy as np

from clinicbot.datafiles import load_yaml
from clinicbot.nlp.script import to_latin
from clinicbot.paths import ROOT, SECOND_OPINION_MODEL
from clinicbot.vocabulary import vocabulary

DATA = Path(__file__).parent / "data" / "paraphrases.yml"
# The project's own ordinary back-pain stories (the describe_symptoms intent, in English, Hinglish and
# Hindi), learnt as `none` too: without them a plain "deadlift ke baad se kamar mein dard hai" was
# suspected of a sexual-function change (no paraphrase told a plain Hinglish story).
STORIES = ROOT / "data" / "nlu" / "describe_symptoms.yml"
MODEL = SECOND_OPINION_MODEL
NONE = "none"
NGRAMS = (2, 5)
# Suspect a flag when its probability reaches this: on the corpus's dev half (bench/redflags.py) 0.45 asked
# about 7 of 13 emergencies the rules missed and on 7 of 181 (3.9%) non-emergency messages.
THRESHOLD = 0.45
# A message of one or two words tells no story to suspect anything in: "hi" has too few n-grams for the
# model's probabilities to mean anything (it suspected a bladder problem in "hi").
MIN_WORDS = 3


def normalise(text: str) -> str:
    """The text the model reads: Devanagari in its Hinglish spelling, lower case, single spaces."""
    return " ".join(to_latin(text)[0].lower().split())


def char_ngrams(text: str, low: int = NGRAMS[0], high: int = NGRAMS[1]) -> List[str]:
    """Character n-grams within word boundaries, exactly as scikit-learn's ``char_wb`` analyzer."""
    grams: List[str] = []
    for word in text.split():
        padded = f" {word} "
        for n in range(low, high + 1):
            for i in range(len(padded) - n + 1):
                grams.append(padded[i : i + n])
            if len(padded) < n:
                break
    return grams


@dataclass
class SecondOpinion:
    """The trained weights: n-gram index, idf, one row of coefficients per class."""

    classes: List[str]
    vocab: Dict[str, int]
    idf: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    threshold: float = THRESHOLD
    fingerprint: str = ""

    def probabilities(self, text: str) -> Dict[str, float]:
        """Probability of each class (the emergency flags and ``none``) for one message."""
        counts = Counter(g for g in char_ngrams(normalise(text)) if g in self.vocab)
        x = np.zeros(len(self.vocab))
        for gram, c in counts.items():
            x[self.vocab[gram]] = 1.0 + math.log(c)  # sublinear tf
        x *= self.idf
        norm = np.linalg.norm(x)
        if norm:
            x /= norm
        z = self.coef @ x + self.intercept
        p = np.exp(z - z.max())
        p /= p.sum()
        return {c: float(v) for c, v in zip(self.classes, p)}

    def suspects(self, text: str, heard: Iterable[str] = ()) -> List[str]:
        """Emergency red flags this model suspects and the rules did not hear (in any status)."""
        if len(text.split()) < MIN_WORDS:
            return []
        skip = set(heard)
        probs = self.probabilities(text)
        return [c for c in self.classes if c != NONE and c not in skip and probs[c] >= self.threshold]

    def to_json(self) -> Dict[str, object]:
        """The weights as JSON-able data."""
        return {
            "classes": self.classes,
            "vocab": self.vocab,
            "idf": self.idf.round(6).tolist(),
            "coef": self.coef.round(6).tolist(),
            "intercept": self.intercept.round(6).tolist(),
            "threshold": self.threshold,
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_json(cls, data: Dict[str, object]) -> SecondOpinion:
        """Weights read back from JSON; the classes must be emergency red flags and ``none``."""
        classes = list(data["classes"])  # type: ignore[call-overload]
        allowed = {f for f in vocabulary().red_flags if vocabulary().findings[f].level == "emergency"} | {NONE}
        if not set(classes) <= allowed:
            raise ValueError(f"second opinion: unknown classes {sorted(set(classes) - allowed)}")
        return cls(
            classes=classes,
            vocab={str(k): int(v) for k, v in dict(data["vocab"]).items()},  # type: ignore[call-overload]
            idf=np.asarray(data["idf"], dtype=float),
            coef=np.asarray(data["coef"], dtype=float),
            intercept=np.asarray(data["intercept"], dtype=float),
            threshold=float(data.get("threshold", THRESHOLD)),  # type: ignore[attr-defined, arg-type]
            fingerprint=str(data.get("fingerprint", "")),  # type: ignore[attr-defined]
        )


def load_examples(path: Path = DATA) -> List[Dict[str, str]]:
    """The paraphrases, validated: a text and a flag that is an emergency red flag or ``none``."""
    data = load_yaml(path)
    if not isinstance(data, dict) or not str(data.get("source", "")).strip():
        raise ValueError(f"{path}: needs a source and examples")
    vocab = vocabulary()
    allowed = {f for f in vocab.red_flags if vocab.findings[f].level == "emergency"} | {NONE}
    out = []
    for ex in data.get("examples") or []:
        if not isinstance(ex, dict) or not str(ex.get("text", "")).strip() or ex.get("flag") not in allowed:
            raise ValueError(f"{path}: bad example {ex!r}")
        out.append({"text": str(ex["text"]), "flag": str(ex["flag"])})
    return out


def plain_stories(path: Path = STORIES) -> List[Dict[str, str]]:
    """The ordinary back-pain stories of the NLU training data, as `none` examples (none if missing)."""
    if not path.exists():
        return []
    out = []
    for block in load_yaml(path).get("nlu") or []:
        for line in str(block.get("examples") or "").splitlines():
            text = line.strip()[2:].strip() if line.strip().startswith("- ") else ""
            if text:
                out.append({"text": text, "flag": NONE})
    return out


def training_examples() -> List[Dict[str, str]]:
    """Everything the model learns from: the paraphrases and the plain stories."""
    return load_examples() + plain_stories()


def data_fingerprint(path: Path = DATA) -> str:
    """A digest of the training data, this module and the script reader (a change retrains)."""
    digest = hashlib.sha256(path.read_bytes())
    if STORIES.exists():
        digest.update(STORIES.read_bytes())
    digest.update(Path(__file__).read_bytes())
    digest.update((Path(__file__).parent / "script.py").read_bytes())
    return digest.hexdigest()[:16]


def train(examples: Sequence[Dict[str, str]], c: float = 10.0, fingerprint: str = "") -> SecondOpinion:
    """Fits the model with scikit-learn; the analyzer is the one ``char_ngrams`` reproduces."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [normalise(e["text"]) for e in examples]
    labels = [e["flag"] for e in examples]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True, min_df=2, lowercase=False)
    x = vec.fit_transform(texts)
    clf = LogisticRegression(C=c, max_iter=2000, class_weight="balanced", random_state=0)
    clf.fit(x, labels)
    return SecondOpinion(
        classes=[str(k) for k in clf.classes_],
        vocab={str(k): int(v) for k, v in vec.vocabulary_.items()},
        idf=np.asarray(vec.idf_, dtype=float),
        coef=np.asarray(clf.coef_, dtype=float),
        intercept=np.asarray(clf.intercept_, dtype=float),
        fingerprint=fingerprint,
    )


@lru_cache(maxsize=1)
def default_second_opinion(path: Optional[Path] = None) -> SecondOpinion:
    """The trained model (``make train``); trained in memory when the file is missing or stale."""
    model_path = path or MODEL
    fingerprint = data_fingerprint()
    if model_path.exists():
        model = SecondOpinion.from_json(json.loads(model_path.read_text(encoding="utf-8")))
        if model.fingerprint == fingerprint:
            return model
    return train(training_examples(), fingerprint=fingerprint)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``train [PATH]``: trains on the paraphrases and writes the weights as JSON."""
    args = list(argv if argv is not None else sys.argv[1:])
    if not args or args[0] != "train" or len(args) > 2:
        print("usage: python -m clinicbot.nlp.second_opinion train [PATH]", file=sys.stderr)
        return 2
    out = Path(args[1]) if len(args) == 2 else MODEL
    model = train(training_examples(), fingerprint=data_fingerprint())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(model.to_json(), separators=(",", ":")), encoding="utf-8")
    print(f"second opinion: {len(model.vocab)} n-grams, {len(model.classes)} classes -> {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
