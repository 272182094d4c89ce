"""Plain-language reasons for a triage result, from the templates in content/advice.yml."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping

from clinicbot.content import advice
from clinicbot.vocabulary import vocabulary


def _quote(said: List[str]) -> str:
    return ", ".join(f'"{s}"' for s in said)


def explain(result: Any, obs: Mapping[str, Any], values: Dict[str, Any], why: str) -> List[str]:
    """Sentences that say why ``result`` came out as it did."""
    from clinicbot.triage.rules import load_rules

    vocab = vocabulary()
    texts = advice().explain
    rules = load_rules()
    out = [texts.level.format(level_text=vocab.levels[result.level])]
    for flag in result.red_flags:
        label = vocab.findings[flag].label
        said = result.reasons.get(flag, "")
        out.append(
            texts.red_flag.format(said=said, label=label) if said else texts.red_flag_no_words.format(label=label)
        )
        if flag == "age_first_episode" and "previous_gym_back_pain" not in obs:
            out.append(texts.assumed_first_episode.format(age=values.get("age")))
    for i, cause in enumerate(result.likely_causes[:3]):
        said = [obs[f].span or vocab.findings[f].label for f in cause.supporting if f in obs]
        against = [obs[f].span or vocab.findings[f].label for f in cause.conflicting if f in obs]
        because = texts.because.format(said=_quote(said)) if said else ""
        template = texts.cause_first if i == 0 else texts.cause_other
        sentence = template.format(cause=vocab.causes[cause.id], because=because)
        if against:
            sentence += texts.against.format(said=_quote(against))
        out.append(sentence)
    days = values.get("duration_days")
    if why == "duration":
        out.append(texts.duration.format(days=days, limit=rules.thresholds.long_duration_days.value))
    elif why == "not_improving":
        out.append(texts.not_improving.format(days=days, limit=rules.thresholds.strain_recovery_days.value))
    return out
