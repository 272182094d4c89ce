"""The NLU data beside the training examples: the lookup tables and the blind intent test set."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List

from rasa.shared.core.domain import Domain
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

ROOT = Path(__file__).resolve().parents[1]
LOOKUPS = ROOT / "data" / "lookups.yml"
BLIND = ROOT / "tests" / "nlu" / "blind_intents.yml"
TRAINING = ROOT / "data" / "nlu.yml"


def lookups() -> Dict[str, List[str]]:
    data = RasaYAMLReader().read(LOOKUPS)
    return {table["name"]: table["elements"] for table in data.lookup_tables}


def normalise(text: str) -> str:
    return " ".join(text.lower().split())


def test_every_lookup_entry_is_lower_case_and_in_one_table_only():
    owner: Dict[str, str] = {}
    for name, elements in lookups().items():
        assert elements, name
        for element in elements:
            assert element == normalise(element), (name, element)
            assert owner.setdefault(element, name) == name, (element, owner[element], name)


def test_other_body_regions_leave_out_the_back_story():
    """Buttock, groin, leg and foot are part of a back problem's story (clinical.md), not out of scope."""
    tables = lookups()
    back_story = set(tables["back_region"]) | {"leg", "legs", "foot", "feet", "groin", "thigh", "calf", "hip"}
    assert not back_story & set(tables["other_body_region"])


def test_regexes_compile_and_match_keyboard_mashing_only():
    patterns = [re.compile(p["pattern"]) for p in RasaYAMLReader().read(LOOKUPS).regex_features]
    assert patterns
    for mash in ("aaaaa", "hjhjhj", "asdfgh", "qwerty"):
        assert any(p.search(mash) for p in patterns), mash
    for word in ("okay", "sciatica", "bye", "my back hurts", "no", "thnks", "okok", "byebye", "nono", "kk"):
        assert not any(p.search(word) for p in patterns), word


def test_blind_set_covers_every_intent_with_plain_text():
    domain = Domain.load(str(ROOT / "domain.yml"))
    blind = RasaYAMLReader().read(BLIND)
    counts: Dict[str, int] = {}
    for message in blind.intent_examples:
        counts[message.get("intent")] = counts.get(message.get("intent"), 0) + 1
        assert not message.get("entities"), message.get("text")
    assert set(counts) == set(domain.intents) - {"nlu_fallback", "restart", "session_start", "back"}
    assert min(counts.values()) >= 20


def test_blind_set_never_contradicts_the_training_labels():
    """A text may be in both (short chat phrases recur), but never with two different intents."""
    training = {normalise(m.get("text")): m.get("intent") for m in RasaYAMLReader().read(TRAINING).intent_examples}
    for message in RasaYAMLReader().read(BLIND).intent_examples:
        text = normalise(message.get("text"))
        assert training.get(text, message.get("intent")) == message.get("intent"), text
