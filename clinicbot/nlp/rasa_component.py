"""Rasa NLU components around the clinical extractor (the only place in clinicbot/nlp that imports Rasa).

``MessageGuard`` cleans and length-limits the text before the rest of the pipeline;
``ClinicalEntityExtractor`` adds every finding as an entity (role = assertion status) plus the
values, and makes the intent agree with the deterministic red-flag screen.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from clinicbot import rasa_speedups
from clinicbot.assessment import clean_text
from clinicbot.nlp.extractor import Extractor, default_extractor
from clinicbot.vocabulary import PRESENT, vocabulary

TRUNCATED_ENTITY = "message_truncated"
# The cleaned message before the cut: the red-flag screen reads it all (up to FULL_TEXT_FACTOR times
# the limit), so a red flag late in a long message is never lost.
FULL_TEXT = "clinicbot_full_text"
FULL_TEXT_FACTOR = 10
rasa_speedups.install()


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
            text = message.get(FULL_TEXT) or message.get(TEXT) or ""
            if not text.strip():
                continue
            extraction = self.extractor.extract(text)
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
            message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(entities), add_to_output=True)
            emergency = any(f.status == PRESENT and f.id in self.emergency_flags for f in extraction.findings)
            self._align_intent(message, emergency)
        return messages

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
