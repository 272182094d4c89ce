"""The blind-set figures of the NLU section: all texts, and only those the training data lacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.nlu_cv import blind_figures, training_texts


def row(text: str, intent: str, predicted: str) -> dict:
    return {"text": text, "intent": intent, "intent_prediction": {"name": predicted, "confidence": 0.9}}


def test_training_texts_reads_nlu_files_only(tmp_path: Path):
    (tmp_path / "nlu.yml").write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - Hello  There\n')
    (tmp_path / "rules.yml").write_text('version: "3.1"\nrules:\n- rule: r\n  steps:\n  - intent: greet\n')
    assert training_texts(tmp_path) == {"hello there"}


def test_unseen_figure_leaves_out_texts_in_the_training_data(tmp_path: Path):
    successes = [row("hi", "greet", "greet"), row("bye now", "goodbye", "goodbye")]
    errors = [row("Hi", "greet", "goodbye")]
    (tmp_path / "intent_successes.json").write_text(json.dumps(successes))
    (tmp_path / "intent_errors.json").write_text(json.dumps(errors))
    every, unseen = blind_figures(tmp_path, seen={"hi"})
    assert (every.n, unseen.n) == (3, 1)
    assert unseen.value == pytest.approx(1.0)
    assert every.value is not None and every.value < 1.0


def test_each_language_has_its_own_figures_and_the_hindi_ones_a_target(tmp_path: Path):
    (tmp_path / "intent_successes.json").write_text(json.dumps([row("haan", "affirm", "affirm")]))
    (tmp_path / "intent_errors.json").write_text(json.dumps([]))
    every, unseen = blind_figures(tmp_path, seen=set(), lang="hi-Latn")
    assert every.key == "blind_intent_macro_f1_hi_latn" and "(Hinglish)" in every.label
    assert every.n == 1 and every.k is None
    assert every.target is not None and every.target.threshold == 0.93 and unseen.target is None
    english, _ = blind_figures(tmp_path, seen=set())
    assert english.key == "blind_intent_macro_f1" and english.target is None
