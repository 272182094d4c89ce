"""Kinds of red-flag wording first missed in Hinglish and Devanagari, each in three registers
(English, Hinglish, Devanagari), with its denial or look-alike. Our own sentences, not the corpus's.
(text, red flag, status or None)"""

from __future__ import annotations

import pytest

# Bladder or bowel control lost, told as "no control" / "koi kabu nahi" (classes/control_loss.yml).
NO_CONTROL = [
    ("I have no control over my bladder since yesterday", "bladder_bowel_dysfunction", "present"),
    ("peshab pe koi control nahi hai kal se", "bladder_bowel_dysfunction", "present"),
    ("latrine par bilkul kabu nahi raha", "bladder_bowel_dysfunction", "present"),
    ("पेशाब पर कोई काबू नहीं है", "bladder_bowel_dysfunction", "present"),
    ("मल पर नियंत्रण नहीं रहता अब", "bladder_bowel_dysfunction", "present"),
    ("peshab pe control hai, koi leakage nahi", "bladder_bowel_dysfunction", None),
    ("agar peshab pe control na rahe to kya karein", "bladder_bowel_dysfunction", "hypothetical"),
]

# Incontinence told as "it came out by itself" (classes/leak.yml).
BY_ITSELF = [
    ("the poo just came out on its own while I was walking", "bladder_bowel_dysfunction", "present"),
    ("susu apne aap nikal gaya gym mein", "bladder_bowel_dysfunction", "present"),
    ("शौच अपने आप निकल गया", "bladder_bowel_dysfunction", "present"),
    ("पेशाब अपने आप टपकता रहता है", "bladder_bowel_dysfunction", "present"),
    ("the pain went away on its own and peeing is fine", "bladder_bowel_dysfunction", "absent"),
]

# Lost bowel or bladder sensation: "pata nahi chal raha" (classes/fullness_loss.yml, bowel.yml).
NOT_KNOWING = [
    ("I can't tell when I need to poo any more", "bladder_bowel_dysfunction", "present"),
    ("peshab ka pata hi nahi chal raha", "bladder_bowel_dysfunction", "present"),
    ("पॉटी का पता नहीं चल रहा", "bladder_bowel_dysfunction", "present"),
    ("नंबर 1 का सिग्नल ही नहीं आ रहा", "bladder_bowel_dysfunction", "present"),
    ("पेशाब में कोई दिक्कत नहीं", "bladder_bowel_dysfunction", None),
]

# Retention told as not having gone (classes/function_loss.yml: "nahi (gaya|ja paya)").
NOT_GONE = [
    ("haven't been able to go for a wee since last night", "bladder_bowel_dysfunction", "present"),
    ("kal shaam se bathroom nahi gaya", "bladder_bowel_dysfunction", "present"),
    ("कल शाम से बाथरूम नहीं गया", "bladder_bowel_dysfunction", "present"),
    ("aaj gym nahi gaya, bathroom normal hai", "bladder_bowel_dysfunction", "absent"),
]

# Both legs that will not lift or are dragged, "both" after the verb (power_loss.yml, both_apart.yml).
WONT_LIFT = [
    ("my legs won't lift off the floor, either of them", "bilateral_leg_weakness", "present"),
    ("I am dragging both legs when I walk", "bilateral_leg_weakness", "present"),
    ("pair uth hi nahi rahe dono", "bilateral_leg_weakness", "present"),
    ("dono pair ghasit ke chal raha hu", "bilateral_leg_weakness", "present"),
    ("पैर उठ ही नहीं रहे दोनों", "bilateral_leg_weakness", "present"),
    ("दोनों पैर घसीटकर चल रहा हूँ", "bilateral_leg_weakness", "present"),
    ("dard ek pair mein hai, dono mein nahi", "bilateral_leg_weakness", None),
]

# Spreading from one leg to both (both_apart.yml).
SPREADING = [
    ("this morning one leg was weak and now both", "bilateral_leg_weakness", "present"),
    ("it started as tingling in my left leg and now both have pins and needles", "bilateral_leg_symptoms", "present"),
    ("subah ek pair kamzor tha ab dono", "bilateral_leg_weakness", "present"),
    ("pehle ek pair sunn tha, ab dono mein jhunjhuni", "bilateral_leg_symptoms", "present"),
    ("सुबह एक पैर कमजोर था अब दोनों", "bilateral_leg_weakness", "present"),
    ("ab dono taraf dard hai aur right pair thoda kamzor lagta hai", "bilateral_leg_weakness", None),
    ("right leg is a bit weak, now both sides of my back hurt", "bilateral_leg_weakness", None),
]

# Climax reached with nothing coming, or "not being able to" orgasm (sexual_failure, sexual_context).
NO_CLIMAX = [
    ("since the squat injury, not being able to climax at all", "sexual_dysfunction", "present"),
    ("end tak pahunchta hu par kuch nikalta hi nahi", "sexual_dysfunction", "present"),
    ("आखिर तक पहुँच के भी कुछ निकलता नहीं", "sexual_dysfunction", "present"),
    ("dard pair ke end tak pahunchta hai, aaram nahi hota", "sexual_dysfunction", None),
]

# Wiping felt as through a glove (sensation_change, saddle_act).
GLOVE = [
    ("when I wipe it is like doing it through a thick oven glove", "saddle_numbness", "present"),
    ("jab wipe karta hu to lagta hai dastane pahankar chhu raha hu", "saddle_numbness", "present"),
    ("पोंछते समय लगता है दस्ताने पहनकर छू रहा हूँ", "saddle_numbness", "present"),
    ("I wear gloves at the gym and my back hurts", "saddle_numbness", None),
]


@pytest.mark.parametrize(
    "text,flag,status", NO_CONTROL + BY_ITSELF + NOT_KNOWING + NOT_GONE + WONT_LIFT + SPREADING + NO_CLIMAX + GLOVE
)
def test_kinds(extractor, text, flag, status):
    """Each sentence reads as the flag with that status (None: not read at all)."""
    got = {fid: f.status for fid, f in extractor.extract(text).statuses().items()}
    assert got.get(flag) == status, (text, got)
