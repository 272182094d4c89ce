"""The visitor's language (en, hi-Latn, hi) from each message: the script, common function words,
or an explicit request ("English please", "Hindi mein baat karo"); data/language.yml."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Dict, List, Optional

from pydantic import BaseModel, StrictStr, validator

from clinicbot.conversation.wording import ENGLISH, HINDI, HINGLISH, LANGUAGES
from clinicbot.conversation.words import tokens
from clinicbot.datafiles import load_yaml

DATA = Path(__file__).parent / "data" / "language.yml"


class LanguageRules(BaseModel, extra="forbid"):
    """language.yml."""

    source: str
    function_words: Dict[str, List[StrictStr]]
    switch: Dict[str, List[StrictStr]]
    switch_at_least: int
    other_at_most: int
    devanagari_share: float

    @validator("function_words", "switch")
    def _languages(cls, table: Dict[str, List[str]]) -> Dict[str, List[str]]:
        unknown = set(table) - set(LANGUAGES)
        if unknown:
            raise ValueError(f"language.yml: unknown languages {sorted(unknown)}")
        return table


@cache
def rules() -> LanguageRules:
    """The validated rules (cached)."""
    return LanguageRules.parse_obj(load_yaml(DATA))


def _devanagari_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum("\u0900" <= ch <= "\u097f" for ch in letters) / len(letters)


def requested(text: str) -> Optional[str]:
    """The language the visitor asks for in so many words, if any."""
    said = " " + " ".join(tokens(text)) + " "
    for language in (HINDI, HINGLISH, ENGLISH):
        if any(f" {' '.join(tokens(p))} " in said for p in rules().switch.get(language, [])):
            return language
    return None


def counts(text: str) -> Dict[str, int]:
    """How many function words of English and of Hinglish the message has."""
    words = tokens(text)
    return {lang: sum(w in set(fw) for w in words) for lang, fw in rules().function_words.items()}


def follow(current: Optional[str], text: str) -> str:
    """The language to answer this message in, given the conversation's language so far."""
    r = rules()
    asked = requested(text)
    if asked:
        return asked
    share = _devanagari_share(text)
    if share >= r.devanagari_share:
        return HINDI
    n = counts(text)
    en, hi = n.get(ENGLISH, 0), n.get(HINGLISH, 0)
    if current is None:
        return HINGLISH if hi >= 2 and hi > en else ENGLISH
    if current == HINDI and share == 0 and max(en, hi) >= 2 and en != hi:
        return ENGLISH if en > hi else HINGLISH  # from Devanagari to Latin letters: a clear switch
    if current != HINGLISH and hi >= r.switch_at_least and en <= r.other_at_most:
        return HINGLISH
    if current != ENGLISH and en >= r.switch_at_least and hi <= r.other_at_most:
        return ENGLISH
    return current
