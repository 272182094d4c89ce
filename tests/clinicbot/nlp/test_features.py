"""Intent features from the extractor: which names fire for a message, on which tokens. Table-driven."""

from __future__ import annotations

import re

import pytest

from clinicbot.nlp.features import (
    ANY_FINDING,
    NO_FINDING,
    FindingFeatures,
    data_fingerprint,
    finding_feature,
    status_feature,
    value_feature,
)
from clinicbot.nlp.values import ValueReader
from clinicbot.vocabulary import vocabulary

VOCAB = vocabulary()
FEATURES = FindingFeatures.of(VOCAB)


def names(indices):
    return {FEATURES.names[i] for i in indices}


@pytest.mark.parametrize(
    "text,fired,silent",
    [
        (
            "numb between my legs",
            {finding_feature("saddle_numbness", "present"), status_feature("present"), ANY_FINDING},
            {NO_FINDING, status_feature("absent")},
        ),
        (
            "no numbness between my legs",
            {finding_feature("saddle_numbness", "absent"), status_feature("absent"), ANY_FINDING},
            {finding_feature("saddle_numbness", "present"), NO_FINDING},
        ),
        (
            "my dad had numbness between his legs",
            {finding_feature("saddle_numbness", "family"), status_feature("family")},
            {finding_feature("saddle_numbness", "present")},
        ),
        ("what time do you open", {NO_FINDING}, {ANY_FINDING, status_feature("present")}),
        ("i am 24 and hurt it deadlifting 3 days ago", {value_feature("age"), value_feature("trigger_exercise")}, set()),
    ],
)
def test_sentence_features(extractor, text, fired, silent):
    got = names(FEATURES.sentence(extractor.extract(text)))
    assert fired <= got
    assert not silent & got


def test_token_features_sit_on_the_words_of_the_finding(extractor):
    text = "fine otherwise but numb between my legs"
    spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    per_token = [names(t) for t in FEATURES.tokens(extractor.extract(text), spans)]
    words = text.split()
    marked = {w for w, feats in zip(words, per_token) if finding_feature("saddle_numbness", "present") in feats}
    assert {"numb", "legs"} <= marked
    assert not {"fine", "otherwise", "but"} & marked


def test_the_space_is_fixed_and_has_no_duplicates():
    assert len(FEATURES.names) == len(set(FEATURES.names)) == len(FEATURES)
    assert FindingFeatures(reversed(list(VOCAB.findings)), VOCAB.statuses, reversed(list(VOCAB.values))).names == FEATURES.names


def test_value_keys_cover_what_the_reader_returns():
    got = ValueReader().read("i'm 30, left side only, since 2 weeks, after deadlifts")
    assert set(got) == set(VOCAB.values)


def test_fingerprint_follows_the_rule_files(tmp_path):
    a, b = tmp_path / "a.yml", tmp_path / "b.yml"
    a.write_text("x: 1\n")
    b.write_text("y: 2\n")
    before = data_fingerprint([a, b])
    assert data_fingerprint([a, b]) == before
    b.write_text("y: 3\n")
    assert data_fingerprint([a, b]) != before
    assert len(data_fingerprint()) == 64
