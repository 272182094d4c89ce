"""The red-flag corpus and its bench section: well-formed items, stable halves, the scoring rules."""

from __future__ import annotations

import pytest

from bench.redflags import EMERGENCY_FLAGS, TRAPS, Answer, load_corpus, split_of
from clinicbot.vocabulary import vocabulary

KINDS = {"euphemism", "story", "carer", "question", "buried", "plain", "urgent", "benign", *TRAPS}
LANGS = {"en", "en-IN", "hi-Latn", "hi"}


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def test_items_are_well_formed(corpus):
    vocab = vocabulary()
    assert len(corpus) >= 600
    assert len({i["id"] for i in corpus}) == len(corpus)
    for item in corpus:
        assert item["lang"] in LANGS and item["kind"] in KINDS and item["level"] in vocab.levels, item["id"]
        assert set(item.get("red_flags") or []) <= set(vocab.red_flags), item["id"]
        assert set(item.get("absent") or []) <= set(vocab.red_flags), item["id"]
        emergency = bool(set(item.get("red_flags") or []) & set(EMERGENCY_FLAGS))
        assert (item["level"] == "emergency") == emergency, item["id"]


def test_the_issue_counts(corpus):
    assert sum(i["level"] == "emergency" for i in corpus) >= 250
    assert sum(i["kind"] in TRAPS for i in corpus) >= 150
    assert {i["lang"] for i in corpus if i["level"] == "emergency"} == LANGS


def test_halves_are_fixed_by_id_and_both_large(corpus):
    assert split_of("en-001") == split_of("en-001")
    blind = sum(i["split"] == "blind" for i in corpus)
    assert 0.4 < blind / len(corpus) < 0.6


@pytest.mark.parametrize(
    "level,suspected,asked",
    [("emergency", [], True), ("urgent", ["saddle_numbness"], True), ("urgent", [], False), ("self_care", ["fever"], False)],
)
def test_asked_means_emergency_or_an_emergency_flag_suspected(level, suspected, asked):
    a = Answer({"level": "emergency", "split": "dev"}, {"level": level, "suspected_red_flags": suspected})
    assert a.asked is asked


def test_denied_escalated_and_under_triage():
    spec = {"level": "soon", "absent": ["saddle_numbness"], "split": "dev"}
    assert Answer(spec, {"level": "emergency", "red_flags": ["saddle_numbness"]}).denied_escalated
    assert not Answer(spec, {"level": "emergency", "red_flags": ["bladder_bowel_dysfunction"]}).denied_escalated
    assert Answer(spec, {"level": "self_care"}).under and not Answer(spec, {"level": "urgent"}).under
