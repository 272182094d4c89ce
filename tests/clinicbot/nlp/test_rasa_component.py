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
