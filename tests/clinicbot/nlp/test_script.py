"""Devanagari read in its Hinglish spelling: schwa deletion, ITRANS marks, offsets back."""

from __future__ import annotations

import pytest

from clinicbot.nlp.script import drop_schwas, has_devanagari, original_offsets, to_latin, word_to_latin


@pytest.mark.parametrize(
    "word,latin",
    [
        ("कमर", "kamar"),  # word-final inherent a dropped
        ("दर्द", "dard"),
        ("पेशाब", "peshab"),
        ("सुन्न", "sunn"),
        ("झुनझुनी", "jhunjhuni"),  # medial a dropped (V C a C V)
        ("झनझनाहट", "jhanjhanahat"),
        ("कमज़ोरी", "kamzori"),  # nukta kept as z
        ("करना", "karna"),
        ("समझ", "samajh"),  # the a before a final consonant stays
        ("बिस्तर", "bistar"),
        ("नहीं", "nahin"),  # anusvara as n
        ("लड़खड़ा", "ladkhada"),  # the flapped d typed as d
        ("जवाब", "jawab"),  # v typed as w
        ("ऑफिस", "ophis"),  # candra o folded
        ("२२", "22"),  # Devanagari digits
    ],
)
def test_word_to_latin(word, latin):
    assert word_to_latin(word) == latin


def test_one_syllable_keeps_its_vowel():
    assert word_to_latin("न") == "na"
    assert drop_schwas("न") == "न"


def test_mixed_text_and_offsets():
    text = "back pain after deadlift और पेशाब नहीं हो रहा since morning"
    latin, pieces = to_latin(text)
    assert latin == "back pain after deadlift aur peshab nahin ho raha since morning"
    start = latin.index("peshab")
    s, e = original_offsets(start, latin.index("raha") + 4, pieces)
    assert text[s:e] == "पेशाब नहीं हो रहा"
    s, e = original_offsets(latin.index("since"), latin.index("since") + 5, pieces)
    assert text[s:e] == "since"


@pytest.mark.parametrize("text,expected", [("kamar dard", False), ("कमर", True), ("", False), ("back ठीक", True)])
def test_has_devanagari(text, expected):
    assert has_devanagari(text) is expected


@pytest.mark.parametrize(
    "word,latin",
    [
        ("आ", "aa"),  # a word-initial long a is typed aa
        ("आप", "aap"),
        ("आती", "aati"),
        ("अब", "ab"),  # the short a stays
        ("नंबर", "nambar"),  # anusvara before a labial is m
        ("संबंध", "sambandh"),
    ],
)
def test_hinglish_typing_conventions(word, latin):
    assert word_to_latin(word) == latin
