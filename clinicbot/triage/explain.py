"""Plain-language reasons for a triage result, from the templates in content/advice.yml."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional

from clinicbot.content import ExplainTexts, advice
from clinicbot.vocabulary import vocabulary


@dataclass(frozen=True)
class ExplainWords:
    """The words an explanation is made of, in one language: templates and the plain words of the ids."""

    templates: ExplainTexts
    levels: Mapping[str, str]
    labels: Mapping[str, str]
    causes: Mapping[str, str]


def english() -> ExplainWords:
    """The English words, from advice.yml and the vocabulary."""
    vocab = vocabulary()
    labels = {k: f.label for k, f in vocab.findings.items()}
    return ExplainWords(advice().explain, vocab.levels, labels, vocab.causes)


def _quote(said: List[str]) -> str:
    return ", ".join(f'"{s}"' for s in said)


def explain(
    result: Any, obs: Mapping[str, Any], values: Dict[str, Any], why: str, words: Optional[ExplainWords] = None
) -> List[str]:
    """Sentences that say why ``result`` came out as it did (in English unless ``words`` says otherwise)."""
    from clinicbot.triage.rules import load_rules

    w = words or english()
    texts = w.templates
    rules = load_rules()
    out = [texts.level.format(level_text=w.levels[result.level])]
    for flag in result.red_flags:
        label = w.labels[flag]
        said = result.reasons.get(flag, "")
        out.append(
            texts.red_flag.format(said=said, label=label) if said else texts.red_flag_no_words.format(label=label)
        )
        if flag == "age_first_episode" and "previous_gym_back_pain" not in obs:
            out.append(texts.assumed_first_episode.format(age=values.get("age")))
    for i, cause in enumerate(result.likely_causes[:3]):
        said = [obs[f].span or w.labels[f] for f in cause.supporting if f in obs]
        against = [obs[f].span or w.labels[f] for f in cause.conflicting if f in obs]
        because = texts.because.format(said=_quote(said)) if said else ""
        template = texts.cause_first if i == 0 else texts.cause_other
        sentence = template.format(cause=w.causes[cause.id], because=because)
        if against:
            sentence += texts.against.format(said=_quote(against))
        out.append(sentence)
    days = values.get("duration_days")
    if why == "duration":
        out.append(texts.duration.format(days=days, limit=rules.thresholds.long_duration_days.value))
    elif why == "not_improving":
        out.append(texts.not_improving.format(days=days, limit=rules.thresholds.strain_recovery_days.value))
    return out
