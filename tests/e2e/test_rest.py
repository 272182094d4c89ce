"""End to end over the REST channel of the running stack (scripts/with-stack starts it)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import requests
import yaml

from clinicbot.conversation.wording import LANGUAGES, wording

URL = os.environ.get("RASA_REST_URL", f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}/webhooks/rest/webhook")
ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


def say(sender: str, text: str) -> str:
    r = requests.post(URL, json={"sender": sender, "message": text}, timeout=30)
    assert r.status_code == 200
    return "\n".join(m.get("text", "") for m in r.json())


def new_sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:10]}"


def test_emergency_first_message():
    reply = say(new_sender(), "since squats yesterday i cant pee and my back is killing me")
    assert "emergency department" in reply and "112" in reply and "108" in reply


def test_interview_asks_safety_questions_then_gives_outcome():
    s = new_sender()
    reply = say(s, "hi")
    reply = say(s, "my lower back is sore on both sides after a heavy deadlift session yesterday")
    assert "between your legs" in reply
    for _ in range(12):
        if "not a diagnosis" in reply:
            break
        reply = say(s, "45" if "How old" in reply else ("both sides" if "Where is the pain" in reply else "no"))
    assert "not a diagnosis" in reply
    assert "muscle strain" in reply


def test_emergency_mid_interview_interrupts():
    s = new_sender()
    reply = say(s, "my back hurts after deadlifts")
    assert "between your legs" in reply
    reply = say(s, "yes, it's numb down there")
    assert "emergency department" in reply and "112" in reply


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\U0001f622\U0001f622",
        "मेरी कमर में दर्द है",
        "<script>alert(1)</script>",
        "'; DROP TABLE users; --",
        "a\x00b\x07c",
        "back pain " * 700,
    ],
)
def test_bad_input_gets_a_reply_and_the_conversation_goes_on(text):
    s = new_sender()
    r = requests.post(URL, json={"sender": s, "message": text}, timeout=60)
    assert r.status_code == 200
    assert "between your legs" in say(s, "my back hurts after squats")


def test_vignette_emergencies_through_rest():
    vignettes = [
        v for path in sorted((ROOT / "tests" / "vignettes").glob("*.yml")) for v in yaml.safe_load(path.read_text())
    ]
    missed = []
    for v in vignettes:
        reply = say(new_sender(), v["text"])
        is_emergency = any(wording(lang).advice.levels["emergency"] in reply for lang in LANGUAGES)
        # a `known_miss` over-triage (its reason in the file) is reported by `make bench`, not hidden
        if (v["level"] == "emergency") != is_emergency and not (is_emergency and v.get("known_miss")):
            missed.append((v["id"], v["level"], reply[:80]))
    assert not missed


def test_faq_mid_interview_is_answered_and_the_question_comes_back():
    s = new_sender()
    reply = say(s, "my back hurts after deadlifts")
    assert "between your legs" in reply
    reply = say(s, "can i still go to the gym?")
    assert "Walking, swimming" in reply
    assert "between your legs" in reply


def test_unclear_answer_keeps_the_safety_question():
    s = new_sender()
    say(s, "my back hurts after deadlifts")
    reply = say(s, "asdfgh qwerty")
    assert "between your legs" in reply


def test_free_text_answers_are_not_asked_again():
    s = new_sender()
    reply = say(s, "sore back after squats, no numbness between my legs, bladder fine, legs strong")
    assert "between your legs" not in reply
    assert "fever" in reply
