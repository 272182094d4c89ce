"""The second opinion: its own reading equals scikit-learn's, it only suspects what the rules did not hear."""

from __future__ import annotations

import json

import numpy as np
import pytest

from clinicbot.assessment import triage_text
from clinicbot.nlp.second_opinion import (
    NGRAMS,
    NONE,
    SecondOpinion,
    char_ngrams,
    load_examples,
    main,
    normalise,
    train,
)


@pytest.fixture(scope="module")
def model() -> SecondOpinion:
    return train(load_examples())


@pytest.mark.parametrize("text", ["my back hurts", "a", "ab  cd", "peshab nahi ho raha!!", "x y z", ""])
def test_ngrams_are_scikit_learns_char_wb(text):
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS, lowercase=False).build_analyzer()
    assert sorted(char_ngrams(text)) == sorted(analyzer(text))


def test_probabilities_are_scikit_learns(model):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    examples = load_examples()
    texts = [normalise(e["text"]) for e in examples]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True, min_df=2, lowercase=False)
    clf = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced", random_state=0)
    clf.fit(vec.fit_transform(texts), [e["flag"] for e in examples])
    for text in ["cant feel the paper when i wipe", "दोनों पैर सुन्न हैं", "my back is sore after rows"]:
        ours = model.probabilities(text)
        theirs = clf.predict_proba(vec.transform([normalise(text)]))[0]
        assert np.allclose([ours[c] for c in clf.classes_], theirs, atol=1e-6)


def test_json_round_trip_and_refusal(model):
    back = SecondOpinion.from_json(json.loads(json.dumps(model.to_json())))
    text = "both legs have gone numb"
    assert back.probabilities(text) == pytest.approx(model.probabilities(text), abs=1e-5)
    bad = model.to_json()
    bad["classes"] = ["fever"] + list(bad["classes"])[1:]  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="unknown classes"):
        SecondOpinion.from_json(bad)


def test_suspects_only_what_was_not_heard(model):
    text = "down there feels weird when i wipe"
    flags = model.suspects(text)
    assert flags and set(flags) <= set(model.classes) - {NONE}
    assert model.suspects(text, heard=flags) == []


def test_nothing_is_suspected_once_the_rules_found_an_emergency(model):
    out = triage_text("i cant feel anything when i wipe and cant pee", second_opinion=model)
    assert out.result.level == "emergency" and out.suspected == []


def test_a_suspicion_never_changes_the_level(model):
    """The model is forced to suspect everything: the level stays what the rules decided."""
    eager = SecondOpinion(**{**model.__dict__, "threshold": 0.0})
    out = triage_text("sore lower back after rows, better today", second_opinion=eager)
    assert out.suspected and out.result.level == triage_text("sore lower back after rows, better today").result.level
    assert out.to_json()["suspected_red_flags"] == out.suspected


def test_train_command_writes_json(tmp_path, capsys):
    path = tmp_path / "so.json"
    assert main(["train", str(path)]) == 0
    assert SecondOpinion.from_json(json.loads(path.read_text())).classes
    assert main(["nonsense"]) == 2


@pytest.mark.parametrize("text", ["hi", "hello there", "ok"])
def test_a_message_of_one_or_two_words_is_suspected_of_nothing(model, text):
    eager = SecondOpinion(**{**model.__dict__, "threshold": 0.0})
    assert eager.suspects(text) == []


@pytest.mark.parametrize(
    "text",
    ["squat ke baad kamar dard ho raha hai 2 din se", "my lower back aches after rows", "जिम के बाद से कमर में दर्द है"],
)
def test_a_plain_back_pain_story_is_suspected_of_nothing(text):
    """The plain stories of the NLU data are learnt as `none` (before, Hinglish ones were suspected)."""
    from clinicbot.nlp.second_opinion import default_second_opinion

    assert default_second_opinion().suspects(text) == []


def test_the_plain_stories_are_part_of_the_training_data():
    from clinicbot.nlp.second_opinion import plain_stories, training_examples

    stories = plain_stories()
    assert len(stories) > 1000 and all(s["flag"] == "none" for s in stories)
    assert len(training_examples()) == 1000 + len(stories)
