"""The Rasa components: the cut before NLU, and the red-flag screen that reads the whole message."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from clinicbot.rasa_nlu.components import ClinicalEntityExtractor, MessageGuard


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

    from clinicbot.rasa_nlu.components import ClinicalFeaturizer

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


def classifier_parts(tmp_path):
    """A word-count featurizer and the presence classifier, created as Rasa's graph would create them."""
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer

    from clinicbot.rasa_nlu.components import PresenceSVMClassifier as Classifier

    storage = LocalModelStorage(tmp_path)

    def make(cls, name, **config):
        context = ExecutionContext(GraphSchema({}), node_name=name)
        return cls.create({**cls.get_default_config(), **config}, storage, Resource(name), context)

    return make(CountVectorsFeaturizer, "words"), make(Classifier, "intents", C=3.0), storage


def tokenized(*examples):
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
    from rasa.shared.nlu.training_data.training_data import TrainingData

    messages = [Message(data={"text": t, **({"intent": i} if i else {})}) for t, i in examples]
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(messages)
    return TrainingData(messages)


def test_presence_classifier_takes_its_settings_from_the_config(tmp_path):
    _, classifier, _ = classifier_parts(tmp_path)
    params = classifier.clf.get_params()
    assert params["method"] == "sigmoid" and params["cv"] == 5
    assert {k.split("__")[-1]: v for k, v in params.items() if "__" in k}["C"] == 3.0


def test_presence_classifier_reads_a_repeated_word_as_present_once(tmp_path):
    words, classifier, _ = classifier_parts(tmp_path)
    data = tokenized(("no no no", "deny"), ("yes", "affirm"))
    words.train(data)
    words.process_training_data(data)
    counts = data.training_examples[0].get_sparse_features("text")[1].features
    assert 3.0 in set(counts.data)  # the featurizer counts; the classifier must not
    row = classifier._create_X([data.training_examples[0]])
    assert row.shape[0] == 1 and set(row.data) == {1.0}


def test_presence_classifier_trains_ranks_and_loads_back(tmp_path):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.resource import Resource

    from clinicbot.rasa_nlu.components import PresenceSVMClassifier as Classifier

    words, classifier, storage = classifier_parts(tmp_path)
    data = tokenized(
        *[(t, "affirm") for t in ("yes", "yes please", "sure", "ok yes", "yeah sure")],
        *[(t, "deny") for t in ("no", "no thanks", "nope", "no no", "not really")],
    )
    words.train(data)
    words.process_training_data(data)
    classifier.train(data)
    new = tokenized(("yes sure", None), ("nope no", None)).training_examples
    words.process(new)
    classifier.process(new)
    assert [m.get("intent")["name"] for m in new] == ["affirm", "deny"]
    ranking = new[0].get("intent_ranking")
    assert [r["name"] for r in ranking] == ["affirm", "deny"] and ranking[0]["confidence"] > 0.5
    context = ExecutionContext(GraphSchema({}), node_name="intents")
    loaded = Classifier.load({**Classifier.get_default_config(), "C": 3.0}, storage, Resource("intents"), context)
    x = classifier._create_X(new)
    assert (loaded.clf.predict_proba(x) == classifier.clf.predict_proba(x)).all()


def test_presence_classifier_refuses_a_model_with_other_untrusted_types(tmp_path, monkeypatch):
    import pytest
    import skops.io as sio
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.resource import Resource

    from clinicbot.rasa_nlu.components import PresenceSVMClassifier as Classifier

    _, classifier, storage = classifier_parts(tmp_path)
    with storage.write_to(Resource("intents")) as model_dir:
        (model_dir / "intents.skops").write_bytes(b"")
    monkeypatch.setattr(sio, "get_untrusted_types", lambda file: ["os.system"])
    context = ExecutionContext(GraphSchema({}), node_name="intents")
    with pytest.raises(TypeError, match="os.system"):
        Classifier.load(Classifier.get_default_config(), storage, Resource("intents"), context)


def trained_parts(tmp_path, examples, clinical=False):
    """The featurizer and classifier trained on ``examples`` ((text, intent) pairs), with the clinical features."""
    from clinicbot.rasa_nlu.components import ClinicalFeaturizer

    words, classifier, storage = classifier_parts(tmp_path)
    data = tokenized(*examples)
    words.train(data)
    words.process_training_data(data)
    if clinical:
        ClinicalFeaturizer(ClinicalFeaturizer.get_default_config()).process_training_data(data)
    classifier.train(data)
    return words, classifier, storage


def test_presence_classifier_gives_no_intent_to_a_message_it_cannot_read(tmp_path):
    from clinicbot.rasa_nlu.components import ClinicalFeaturizer

    yes_no = [(t, "affirm") for t in ("yes", "sure", "ok", "yeah", "yep")]
    yes_no += [(t, "deny") for t in ("no", "nope", "nah", "not really", "no thanks")]
    words, classifier, _ = trained_parts(tmp_path, yes_no, clinical=True)
    # The clinical featurizer leaves an empty text without its columns, as the regex featurizer does.
    short, empty = tokenized(("yes sure", None), ("", None)).training_examples
    words.process([short, empty])
    ClinicalFeaturizer(ClinicalFeaturizer.get_default_config()).process([short, empty])
    classifier.process([short, empty])
    assert short.get("intent")["name"] == "affirm"
    assert empty.get("intent") == {"name": None, "confidence": 0.0} and empty.get("intent_ranking") == []


def test_presence_classifier_without_a_model_gives_no_intent(tmp_path):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.resource import Resource

    from clinicbot.rasa_nlu.components import PresenceSVMClassifier as Classifier

    words, _, storage = classifier_parts(tmp_path)
    context = ExecutionContext(GraphSchema({}), node_name="never-trained")
    loaded = Classifier.load(Classifier.get_default_config(), storage, Resource("never-trained"), context)
    msg = tokenized(("hello", None)).training_examples[0]
    loaded.process([msg])
    assert msg.get("intent") == {"name": None, "confidence": 0.0}


def test_presence_classifier_calibrates_an_intent_with_few_examples(tmp_path):
    few = [("yes", "affirm"), ("sure", "affirm"), ("no", "deny"), ("nope", "deny"), ("nah", "deny")]
    _, classifier, _ = trained_parts(tmp_path, few)
    assert classifier.clf.get_params()["cv"] == 2 and list(classifier.clf.classes_) == ["affirm", "deny"]


def test_presence_classifier_refuses_features_that_do_not_fit_its_model(tmp_path):
    """A stale model (trained before the featurizers changed) is a loud error, not a silent no-intent."""
    yes_no = [(t, "affirm") for t in ("yes", "sure", "ok", "yeah", "yep")]
    yes_no += [(t, "deny") for t in ("no", "nope", "nah", "not really", "no thanks")]
    words, classifier, _ = trained_parts(tmp_path, yes_no, clinical=True)
    (message,) = tokenized(("yes sure", None)).training_examples
    words.process([message])  # without the clinical featurizer's columns: fewer features than trained on
    with pytest.raises(ValueError, match="stale"):
        classifier.process([message])
