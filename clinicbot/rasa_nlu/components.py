"""Rasa NLU components around the clinical extractor (the only place in clinicbot/nlp that imports Rasa).

``MessageGuard`` cleans and length-limits the text before the rest of the pipeline;
``ClinicalFeaturizer`` gives the intent classifier the extractor's findings (with their status) as sparse
features; ``PresenceSVMClassifier`` classifies the intent from which features a message has;
``ClinicalEntityExtractor`` adds every finding as an entity (role = assertion status) plus the
values, and makes the intent agree with the deterministic red-flag screen.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from functools import lru_cache
from typing import Any, Dict, List, Optional, Tuple, Type

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.calibration import CalibratedClassifierCV
from sklearn.svm import LinearSVC

from clinicbot.assessment import clean_text
from clinicbot.nlp.extractor import Extraction, Extractor, default_extractor
from clinicbot.nlp.features import FindingFeatures, data_fingerprint
from clinicbot.vocabulary import PRESENT, vocabulary

TRUNCATED_ENTITY = "message_truncated"
SUSPECTED_ENTITY = "suspected_red_flag"
# The cleaned message before the cut: the red-flag screen reads it all (up to FULL_TEXT_FACTOR times
# the limit), so a red flag late in a long message is never lost.
FULL_TEXT = "clinicbot_full_text"
FULL_TEXT_FACTOR = 10
logger = logging.getLogger(__name__)


@lru_cache(maxsize=256)
def _extract(extractor: Extractor, text: str, today: dt.date) -> Extraction:
    """One extraction per message text and day, shared by the featurizer and the entity extractor."""
    return extractor.extract(text, today)


def extract(extractor: Extractor, message: Message) -> Optional[Extraction]:
    """The extraction of the whole (cleaned) message, or None for an empty one."""
    text = message.get(FULL_TEXT) or message.get(TEXT) or ""
    if not text.strip():
        return None
    return _extract(extractor, text, dt.date.today())


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class MessageGuard(GraphComponent, EntityExtractorMixin):
    """Drops control characters and cuts over-long messages before NLU, noting the cut as an entity."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Defaults: the clinic's message limit."""
        return {"max_chars": None}

    def __init__(self, config: Dict[str, Any]) -> None:
        from clinicbot.content import clinic

        self.max_chars = int(config.get("max_chars") or clinic().max_message_chars)

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MessageGuard:
        """Creates the component."""
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data passes unchanged."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Cleans and cuts each message's text."""
        for message in messages:
            full, _ = clean_text(message.get(TEXT), self.max_chars * FULL_TEXT_FACTOR)
            text, cut = clean_text(message.get(TEXT), self.max_chars)
            message.set(FULL_TEXT, full)
            message.set(TEXT, text)
            if cut:
                entity = {
                    "entity": TRUNCATED_ENTITY,
                    "value": str(cut),
                    "start": len(text),
                    "end": len(text),
                    "confidence_entity": 1.0,
                }
                message.set(
                    ENTITIES, message.get(ENTITIES, []) + [self.add_extractor_name([entity])[0]], add_to_output=True
                )
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class ClinicalFeaturizer(SparseFeaturizer, GraphComponent):
    """Sparse features for each finding the extractor reads (id x status), each status, each value, any/none.

    Not trained: the feature space is fixed by the clinical vocabulary. Its fingerprint covers the
    extractor's rule files, so changing a rule re-featurizes the training data and retrains the intent classifier.
    """

    @classmethod
    def required_components(cls) -> List[Type]:
        """The tokens come first."""
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Defaults: those of every sparse featurizer."""
        return {**SparseFeaturizer.get_default_config()}

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        """Nothing to validate."""

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """Changes whenever the vocabulary, the extractor's rules or the feature layout change."""
        return data_fingerprint(names=FindingFeatures.of(vocabulary()).names)

    def __init__(self, config: Dict[str, Any], name: str = "ClinicalFeaturizer", extractor: Optional[Extractor] = None):
        super().__init__(name, config)
        self.extractor = extractor or default_extractor()
        self.features = FindingFeatures.of(vocabulary())

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ClinicalFeaturizer:
        """Creates the component."""
        return cls(config, execution_context.node_name)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurizes every training example's text."""
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds sequence and sentence features to each message's text."""
        for message in messages:
            tokens = message.get(TOKENS_NAMES[TEXT], [])
            extraction = extract(self.extractor, message) if tokens else None
            if extraction is None:
                continue
            dim = len(self.features)
            rows, cols = [], []
            for i, idx in enumerate(self.features.tokens(extraction, [(t.start, t.end) for t in tokens])):
                rows += [i] * len(idx)
                cols += sorted(idx)
            sequence = scipy.sparse.coo_matrix(([1.0] * len(rows), (rows, cols)), shape=(len(tokens), dim))
            sent = sorted(self.features.sentence(extraction))
            sentence = scipy.sparse.coo_matrix(([1.0] * len(sent), ([0] * len(sent), sent)), shape=(1, dim))
            self.add_features_to_message(sequence, sentence, TEXT, message)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class PresenceSVMClassifier(LogisticRegressionClassifier):
    """A linear SVM over which features a message has, with calibrated probabilities (scikit-learn).

    Rasa's ``LogisticRegressionClassifier`` does the training, the ranking and the skops persistence;
    only the model inside, its input and the types trusted on load differ. Every sentence feature is 1
    when present (a word said twice is no more of an intent), and the SVM's scores become probabilities
    by cross-validated calibration, so the FallbackClassifier's threshold keeps its meaning.
    """

    # What a calibrated model holds beyond the types skops trusts by default (all public estimators).
    TRUSTED_TYPES = frozenset(
        {"sklearn.calibration._CalibratedClassifier", "sklearn.calibration._SigmoidCalibration"}
    )

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Defaults: Rasa's (``solver`` is unused), plus the SVM's C and class weights and the calibration."""
        return {
            **LogisticRegressionClassifier.get_default_config(),
            "C": 0.1,
            "class_weight": None,
            "max_iter": 5000,
            "calibration": "sigmoid",
            "calibration_folds": 5,
        }

    def __init__(self, config: Dict[str, Any], name: str, model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        svm = LinearSVC(
            C=float(self.config["C"]),
            class_weight=self.config["class_weight"],
            max_iter=int(self.config["max_iter"]),
            tol=float(self.config["tol"]),
            random_state=self.config["random_state"],
        )
        self.clf = CalibratedClassifierCV(
            svm, method=self.config["calibration"], cv=int(self.config["calibration_folds"])
        )

    @staticmethod
    def _sentence_features(message: Message) -> Tuple[Any, Any]:
        """The message's sparse and dense sentence features (either may be None)."""
        return message.get_sparse_features(TEXT)[1], message.get_dense_features(TEXT)[1]

    def _create_X(self, messages: List[Message]) -> scipy.sparse.csr_matrix:
        """The sparse sentence features of each message as presence (1.0) or absence, then any dense ones."""
        rows = []
        for message in messages:
            sparse, dense = self._sentence_features(message)
            parts = [(scipy.sparse.csr_matrix(sparse.features) != 0).astype(float)] if sparse else []
            parts += [scipy.sparse.csr_matrix(dense.features)] if dense else []
            rows.append(scipy.sparse.hstack(parts) if parts else scipy.sparse.csr_matrix((1, 0)))
        return scipy.sparse.vstack(rows).tocsr()

    def _create_training_matrix(self, training_data: TrainingData) -> Tuple[scipy.sparse.csr_matrix, np.ndarray]:
        """Rasa's (X, y), with y as an array: the calibration counts each class's examples with ``y == c``."""
        X, y = super()._create_training_matrix(training_data)
        return X, np.asarray(y)

    def train(self, training_data: TrainingData) -> Resource:
        """Trains; the calibration uses at most as many folds as the smallest intent has examples."""
        counts = Counter(e.get(INTENT) for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT))
        if counts:
            self.clf.set_params(cv=max(2, min(int(self.config["calibration_folds"]), min(counts.values()))))
        return super().train(training_data)

    def process(self, messages: List[Message]) -> List[Message]:
        """Ranks the intents of each message; one it cannot read (empty, or no model) gets no intent.

        A message whose features do not fit the trained model is an error, not a message without an
        intent: the model is older than the featurizers' vocabulary (`make train` rebuilds it).
        """
        width = getattr(self.clf, "n_features_in_", None)
        readable = []
        for message in messages:
            got = sum(f.features.shape[1] for f in self._sentence_features(message) if f)
            if width is not None and got and got != width and str(message.get(TEXT) or "").strip():
                raise ValueError(
                    f"the intent model was trained on {width} features but this pipeline makes {got}: "
                    "the model is stale, retrain it (make train)"
                )
            if width is not None and got == width:
                readable.append(message)
            else:
                message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        if readable:
            super().process(readable)
        return messages

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> PresenceSVMClassifier:
        """Loads the trained model, trusting only the calibration types named above."""
        import skops.io as sio

        component = cls(config, execution_context.node_name, model_storage, resource)
        opened = False
        try:
            with model_storage.read_from(resource) as model_dir:
                opened = True
                path = model_dir / f"{resource.name}.skops"
                untrusted = set(sio.get_untrusted_types(file=path))
                if not untrusted <= cls.TRUSTED_TYPES:
                    raise TypeError(f"the intent model holds untrusted types: {sorted(untrusted - cls.TRUSTED_TYPES)}")
                component.clf = sio.load(path, trusted=sorted(untrusted))
        except ValueError:
            if opened:  # a model that is there but cannot be read is an error, not an untrained model
                raise
            logger.warning("No intent model was trained (no intent examples): messages get no intent.")
        return component


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class ClinicalEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Findings (entity = finding id, role = status) and values from the clinical extractor."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Defaults: the intents the red-flag screen enforces."""
        return {"emergency_intent": "emergency", "symptoms_intent": "describe_symptoms"}

    def __init__(self, config: Dict[str, Any], extractor: Optional[Extractor] = None) -> None:
        self.config = config
        self.extractor = extractor or default_extractor()
        vocab = vocabulary()
        self.emergency_flags = {f for f in vocab.red_flags if vocab.findings[f].level == "emergency"}

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ClinicalEntityExtractor:
        """Creates the component (the spaCy pipeline is built once per process)."""
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data passes unchanged: the extractor is rule-based."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds findings and values as entities; aligns the intent with the red-flag screen."""
        for message in messages:
            extraction = extract(self.extractor, message)
            if extraction is None:
                continue
            text = extraction.text
            entities = [
                {
                    "entity": f.id,
                    "role": f.status,
                    "value": f.span,
                    "start": f.start,
                    "end": f.end,
                    "confidence_entity": 1.0,
                }
                for f in extraction.findings
            ]
            entities += [
                {"entity": k, "value": v, "start": 0, "end": len(text), "confidence_entity": 1.0}
                for k, v in extraction.values.items()
            ]
            entities += [
                {"entity": SUSPECTED_ENTITY, "value": flag, "start": 0, "end": len(text), "confidence_entity": 1.0}
                for flag in self._suspected(extraction)
            ]
            message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(entities), add_to_output=True)
            emergency = any(f.status == PRESENT and f.id in self.emergency_flags for f in extraction.findings)
            self._align_intent(message, emergency)
        return messages

    @staticmethod
    def _suspected(extraction: Extraction) -> List[str]:
        """Red flags the second opinion suspects and the rules did not hear (the bot asks at once)."""
        from clinicbot.assessment import observations, suspected_flags
        from clinicbot.triage.engine import assess

        result = assess(observations(extraction), extraction.values)
        return suspected_flags(extraction.text, extraction, result)

    def _align_intent(self, message: Message, emergency: bool) -> None:
        intent = message.get(INTENT) or {}
        name = intent.get(INTENT_NAME_KEY)
        if emergency and name != self.config["emergency_intent"]:
            message.set(
                INTENT,
                {INTENT_NAME_KEY: self.config["emergency_intent"], PREDICTED_CONFIDENCE_KEY: 1.0},
                add_to_output=True,
            )
        elif not emergency and name == self.config["emergency_intent"]:
            message.set(
                INTENT,
                {
                    INTENT_NAME_KEY: self.config["symptoms_intent"],
                    PREDICTED_CONFIDENCE_KEY: intent.get(PREDICTED_CONFIDENCE_KEY, 1.0),
                },
                add_to_output=True,
            )
