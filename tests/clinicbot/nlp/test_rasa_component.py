"""The Rasa components: the cut before NLU, and the red-flag screen that reads the whole message."""

from __future__ import annotations

from rasa.shared.nlu.training_data.message import Message

from clinicbot.nlp.rasa_component import ClinicalEntityExtractor, MessageGuard


def run(text, intent="describe_symptoms"):
    msg = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.9}})
    MessageGuard({"max_chars": 200}).process([msg])
    ClinicalEntityExtractor(ClinicalEntityExtractor.get_default_config()).process([msg])
    return msg


def test_a_red_flag_after_the_cut_still_makes_an_emergency():
    msg = run("my back hurts after squats. " * 20 + "also i wet myself this morning")
    assert len(msg.get("text")) <= 200
    ents = {(e["entity"], e.get("role")) for e in msg.get("entities")}
    assert ("bladder_bowel_dysfunction", "present") in ents and ("message_truncated", None) in ents
    assert msg.get("intent")["name"] == "emergency"


def test_emergency_intent_without_a_red_flag_is_taken_away():
    msg = run("no numbness between my legs and my bladder is fine", intent="emergency")
    assert msg.get("intent")["name"] == "describe_symptoms"


def test_control_characters_and_empty_text():
    assert run("a\x00b\x07").get("text") == "a b"
    assert run("   ").get("entities", []) == []


def featurize(text):
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer

    from clinicbot.nlp.rasa_component import ClinicalFeaturizer

    msg = Message(data={"text": text})
    MessageGuard({"max_chars": 200}).process([msg])
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([msg])
    featurizer = ClinicalFeaturizer(ClinicalFeaturizer.get_default_config())
    featurizer.process([msg])
    return featurizer, msg


def test_featurizer_adds_sequence_and_sentence_features_of_the_findings():
    featurizer, msg = featurize("no tingling in my legs but i cant feel my bum")
    sequence, sentence = msg.get_sparse_features("text")
    tokens = msg.get("text_tokens")
    assert sequence.features.shape == (len(tokens), len(featurizer.features))
    assert sentence.features.shape == (1, len(featurizer.features))
    fired = {featurizer.features.names[i] for i in sentence.features.tocoo().col}
    assert {"finding:leg_tingling:absent", "finding:saddle_numbness:present", "any_finding"} <= fired
    bum = [t.text for t in tokens].index("bum")
    on_bum = {featurizer.features.names[i] for i in sequence.features.tocsr()[bum].indices}
    assert "finding:saddle_numbness:present" in on_bum and "finding:leg_tingling:absent" not in on_bum


def test_featurizer_marks_a_message_without_findings():
    featurizer, msg = featurize("what are your opening hours")
    _, sentence = msg.get_sparse_features("text")
    assert {featurizer.features.names[i] for i in sentence.features.tocoo().col} == {"no_finding"}


def test_featurizer_leaves_an_empty_message_alone():
    _, msg = featurize("   ")
    assert msg.get_sparse_features("text") == (None, None)
