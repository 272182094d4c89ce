"""Devanagari read as Hinglish: Hindi in Devanagari becomes the Latin spelling people text in.

"मेरी कमर में दर्द है और पेशाब नहीं हो रहा" reads "meri kamar men dard hai aur peshab nahin ho raha",
so one set of Hinglish rules serves both scripts. The letters are transliterated by
indic-transliteration (ITRANS); what is ours is Hindi's dropped inherent vowel (schwa deletion:
कमर is "kamar", not "kamara"; झुनझुनी is "jhunjhuni") and the plain-Latin spelling of ITRANS's
marks. Offsets map each Latin word back to the Devanagari it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import List, Tuple

VIRAMA = "\u094d"
NUKTA = "\u093c"
_WORD = re.compile(r"[\u0900-\u097f]+")
# Consonants (with their nukta forms) and the vowel signs that follow a consonant.
_CONSONANT = re.compile(r"[\u0915-\u0939\u0958-\u095f]")
_MATRA = re.compile(r"[\u093e-\u094c\u0962\u0963]")
_MODIFIER = re.compile(r"[\u0900-\u0903]")
# Vowel signs ITRANS does not know, as the nearest ones it does.
_FOLD = str.maketrans({"\u0949": "\u094b", "\u0911": "\u0913", "\u0945": "\u0947", "\u090d": "\u090f"})
_LONG_A_FIRST = re.compile(r"^A")
_LABIAL_NASAL = re.compile(r"M(?=[pbm])")
# ITRANS marks -> the Latin letters people type, longest first.
_LATIN = [
    ("RRi", "ri"),
    ("kSh", "ksh"),
    ("j~n", "gy"),
    (".Dh", "dh"),
    (".D", "d"),
    (".N", "n"),
    ("~N", "n"),
    ("~n", "n"),
    ("Ch", "chh"),
    ("Sh", "sh"),
    ("||", "."),
    ("|", "."),
    ("A", "a"),
    ("I", "i"),
    ("U", "u"),
    ("M", "n"),
    ("N", "n"),
    ("T", "t"),
    ("D", "d"),
    ("H", "h"),
    ("K", "kh"),
    ("G", "g"),
    ("Y", "y"),
    ("q", "k"),
    (".a", ""),
    ("v", "w"),
]


def has_devanagari(text: str) -> bool:
    """Whether ``text`` holds any Devanagari."""
    return _WORD.search(text) is not None


@dataclass(frozen=True)
class Unit:
    """One akshara: a consonant (with its vowel sign, inherent a or virama) or an independent vowel."""

    text: str
    consonant: bool
    inherent: bool  # a consonant that carries the inherent "a"
    half: bool  # a consonant with a virama: no vowel of its own


def units(word: str) -> List[Unit]:
    """The aksharas of a Devanagari word."""
    out: List[Unit] = []
    i = 0
    while i < len(word):
        ch = word[i]
        j = i + 1
        if _CONSONANT.match(ch):
            if j < len(word) and word[j] == NUKTA:
                j += 1
            half = j < len(word) and word[j] == VIRAMA
            matra = j < len(word) and bool(_MATRA.match(word[j]))
            if half or matra:
                j += 1
            while j < len(word) and _MODIFIER.match(word[j]):
                j += 1
            out.append(Unit(word[i:j], True, not half and not matra, half))
        else:
            while j < len(word) and _MODIFIER.match(word[j]):
                j += 1
            out.append(Unit(word[i:j], False, False, False))
        i = j
    return out


def drop_schwas(word: str) -> str:
    """The word with a virama where Hindi drops the inherent vowel (word-final, and in V C a C V, left to right)."""
    us = units(word)
    voiced = [u.inherent or (not u.half and (not u.consonant or u.text[-1:] != VIRAMA)) for u in us]
    drop = [False] * len(us)
    last = len(us) - 1
    if len(us) > 1 and us[last].inherent and not _MODIFIER.search(us[last].text):
        drop[last] = True
    for k in range(1, last):
        if not us[k].inherent or _MODIFIER.search(us[k].text):
            continue
        prev_vowel = voiced[k - 1] and not drop[k - 1]
        nxt = us[k + 1]
        next_cv = nxt.consonant and not nxt.half and not drop[k + 1]
        if prev_vowel and next_cv:
            drop[k] = True
    return "".join(u.text + (VIRAMA if d else "") for u, d in zip(us, drop))


@lru_cache(maxsize=4096)
def word_to_latin(word: str) -> str:
    """One Devanagari word in Hinglish spelling."""
    from indic_transliteration import sanscript

    itrans = sanscript.transliterate(drop_schwas(word.translate(_FOLD)), sanscript.DEVANAGARI, sanscript.ITRANS)
    # A word-initial long a is typed "aa" (aa raha, aap, aaj, aati); an anusvara before p, b or m is
    # an m (nambar, sambandh, lamba).
    itrans = _LONG_A_FIRST.sub("aa", itrans)
    itrans = _LABIAL_NASAL.sub("m", itrans)
    for mark, latin in _LATIN:
        itrans = itrans.replace(mark, latin)
    return itrans.lower()


def to_latin(text: str) -> Tuple[str, List[Tuple[int, int, int, int]]]:
    """``text`` with its Devanagari in Hinglish spelling, and the pieces that changed.

    Each piece is (latin start, latin end, original start, original end).
    """
    out: List[str] = []
    pieces: List[Tuple[int, int, int, int]] = []
    pos = 0
    length = 0
    for m in _WORD.finditer(text):
        out.append(text[pos : m.start()])
        length += m.start() - pos
        latin = word_to_latin(m.group())
        pieces.append((length, length + len(latin), m.start(), m.end()))
        out.append(latin)
        length += len(latin)
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), pieces


def original_offsets(start: int, end: int, pieces: List[Tuple[int, int, int, int]]) -> Tuple[int, int]:
    """Offsets in the original text of the Latin text's [start, end)."""
    return _map(start, pieces, True), _map(end, pieces, False)


def _map(offset: int, pieces: List[Tuple[int, int, int, int]], is_start: bool) -> int:
    shift = 0
    for lat_s, lat_e, orig_s, orig_e in pieces:
        if offset < lat_s or (offset == lat_s and not is_start):
            break
        if offset < lat_e or (offset == lat_e and not is_start):
            return orig_s if is_start else orig_e
        shift = orig_e - lat_e
    return offset + shift
