"""The visitor's language: read from each message, switched on request, and every reply in it."""

from __future__ import annotations

import pytest

from clinicbot.conversation import Kind
from clinicbot.conversation.language import follow
from clinicbot.conversation.wording import LANGUAGES, english_tree, wording

from .conftest import Visitor


@pytest.mark.parametrize(
    ("current", "text", "expected"),
    [
        (None, "kamar mein dard hai", "hi-Latn"),
        (None, "my back hurts since squats", "en"),
        (None, "hello", "en"),
        (None, "मेरी कमर में दर्द है", "hi"),
        ("en", "haan", "en"),  # one word is no switch
        ("hi-Latn", "ok", "hi-Latn"),
        ("en", "back pain hai since 2 days", "en"),  # mixed keeps the current language
        ("en", "deadlift ke baad se kamar mein bahut dard hai", "hi-Latn"),
        ("hi-Latn", "my back is still sore and I have pain in my leg", "en"),
        ("hi-Latn", "English please", "en"),
        ("en", "Hindi mein baat karo", "hi-Latn"),
        ("en", "हिंदी में बात करो", "hi"),
        ("hi", "my back hurts after squats", "en"),  # from Devanagari to Latin letters
        ("hi", "ok", "hi"),
    ],
)
def test_the_language_follows_the_visitor(current, text, expected):
    assert follow(current, text) == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_text_and_the_emergency_numbers(language):
    w = wording(language)
    assert "112" in w.advice.levels["emergency"] and "108" in w.advice.levels["emergency"]
    assert "112" in w.text("emergency_go") and "108" in w.text("emergency_go")
    assert set(w.questions) == set(english_tree()["questions"])


def test_a_hinglish_visitor_is_answered_in_hinglish_throughout(visitor: Visitor):
    first = visitor.say("deadlift ke baad se kamar mein bahut dard hai")
    assert visitor.consultation.language == "hi-Latn"
    assert first == wording("hi-Latn").question("saddle_numbness")
    reply = visitor.say("nahi")
    assert reply == wording("hi-Latn").question("bladder_bowel_dysfunction")


def test_an_emergency_in_devanagari_is_told_in_hindi_with_the_numbers(visitor: Visitor):
    reply = visitor.say("मेरी कमर में दर्द है और पेशाब नहीं हो रहा")
    assert visitor.level == "emergency"
    assert wording("hi").advice.levels["emergency"] in reply and "112" in reply and "108" in reply


def test_a_denial_in_devanagari_answers_the_question_in_hindi(visitor: Visitor):
    visitor.say("my lower back hurts after deadlifts yesterday")
    assert visitor.say("नहीं") == wording("hi").question("bladder_bowel_dysfunction")


def test_a_story_without_findings_still_starts_the_interview(visitor: Visitor):
    assert visitor.say("kamar mein dard hai gym ke baad") == wording("hi-Latn").question("saddle_numbness")


def test_asking_for_english_switches_and_asks_the_question_again(visitor: Visitor):
    visitor.say("kamar mein dard hai gym ke baad")
    reply = visitor.say("English please", Kind.STATEMENT)
    assert "I'll reply in English" in reply and "between your legs" in reply
    assert visitor.consultation.language == "en"


def test_a_booking_in_hinglish_reads_back_in_hinglish(visitor: Visitor):
    visitor.say("kamar mein dard hai, appointment book karna hai", Kind.BOOK)
    visitor.say("mera naam Ravi hai")
    visitor.say("98765 43210")
    visitor.say("Greater Noida wala")
    reply = visitor.say("kal subah 11 baje")
    assert wording("hi-Latn").weekdays[2] in reply  # Wednesday, 2 December 2026, in Hinglish
