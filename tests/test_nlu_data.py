"""The NLU data beside the training examples: the lookup tables and the blind intent test set."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Set

import pytest
import yaml
from rasa.nlu.utils.pattern_utils import extract_patterns
from rasa.shared.core.domain import Domain
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

ROOT = Path(__file__).resolve().parents[1]
LOOKUPS = ROOT / "data" / "lookups.yml"
BLIND = ROOT / "tests" / "nlu" / "blind_intents.yml"
BLINDS = [BLIND, ROOT / "tests" / "nlu" / "blind_intents_hi_latn.yml", ROOT / "tests" / "nlu" / "blind_intents_hi.yml"]
TRAINING = sorted((ROOT / "data" / "nlu").glob("*.yml"))  # one file per intent


def lookups() -> Dict[str, List[str]]:
    data = RasaYAMLReader().read(LOOKUPS)
    return {table["name"]: table["elements"] for table in data.lookup_tables}


def normalise(text: str) -> str:
    return " ".join(text.lower().split())


def test_every_lookup_entry_is_lower_case_and_in_one_table_only():
    owner: Dict[str, str] = {}
    for name, elements in lookups().items():
        assert elements, name
        for element in elements:
            assert element == normalise(element), (name, element)
            assert owner.setdefault(element, name) == name, (element, owner[element], name)


def test_other_body_regions_leave_out_the_back_story():
    """Buttock, groin, leg and foot are part of a back problem's story (clinical.md), not out of scope."""
    tables = lookups()
    back_story = set(tables["back_region"]) | {"leg", "legs", "foot", "feet", "groin", "thigh", "calf", "hip"}
    assert not back_story & set(tables["other_body_region"])


# Each table and the least it holds: the chat-word lists are meant to be comprehensive.
TABLE_SIZES = {
    "greeting_word": 60,
    "farewell_word": 60,
    "affirm_word": 60,
    "deny_word": 40,
    "thanks_word": 40,
    "other_body_region": 60,
    "back_region": 40,
    "other_condition": 60,
    "non_clinic_booking": 40,
    "clinic_visit_word": 40,
    "cancel_word": 40,
    "smalltalk_word": 40,
    "bot_word": 30,
    "fitness_general_word": 40,
}

# The back's story (clinical.md) and the red-flag screen's words: no out-of-scope table may hold an entry
# with one of these words, or the feature would pull a back symptom or a screening answer away.
BACK_STORY = set(
    "back spine spinal lumbar disc disk sciatica buttock buttocks bum butt glute glutes hip hips groin saddle "
    "genitals thigh thighs leg legs calf calves foot feet toe toes kamar peeth kulha jangh pindli pair".split()
)
RED_FLAG_AND_SCREENING = set(
    "cough coughing khansi sneeze sneezing chheenk fever bukhar temperature chills urine pee peeing urinate "
    "bladder bowel bowels stool stools poop constipation diarrhea diarrhoea incontinence numb numbness "
    "tingling weak weakness weight cancer tumour tumor chemo steroid steroids anabolic immune hiv transplant "
    "diabetes sugar fracture accident pregnant pregnancy period periods dengue typhoid malaria covid "
    "arthritis osteoporosis".split()
)
LIFTING = set(
    "squat squats deadlift deadlifts lift lifts lifting bench press row rows weights 1rm pr cardio running "
    "run yoga stretch stretching post".split()
)
# (table, words none of its entries may contain)
FORBIDDEN_WORDS = [
    ("other_body_region", BACK_STORY | {"bladder", "bowel"}),
    ("other_condition", BACK_STORY | RED_FLAG_AND_SCREENING),
    ("fitness_general_word", BACK_STORY | RED_FLAG_AND_SCREENING | LIFTING),
    ("non_clinic_booking", BACK_STORY | {"massage", "yoga", "physio", "physiotherapy", "mri", "xray", "scan"}),
    ("smalltalk_word", BACK_STORY | RED_FLAG_AND_SCREENING),
    ("bot_word", BACK_STORY | {"doctor", "dr"}),
]
# (table, entries it must not hold: words common in another sense that the visitor's story uses)
FORBIDDEN_ENTRIES = [
    ("greeting_word", {"morning", "evening", "afternoon", "hai", "ha", "how are you"}),
    ("affirm_word", {"right", "ji", "jee", "ho", "ha", "hai", "hain", "na", "done", "acha", "achha", "sare", "yeh"}),
    ("deny_word", {"na", "wrong", "venam", "cancel", "stop"}),
    ("cancel_word", {"no", "nope", "nahi", "na", "never"}),
    ("other_condition", {"cold", "gas", "sir"}),
    ("other_body_region", {"sir", "kamar", "hand"}),
    ("non_clinic_booking", {"train", "trains", "auto", "gym", "room", "table", "lunch", "dinner", "book"}),
    ("clinic_visit_word", {"book", "booking", "milna", "walk in"}),
    ("smalltalk_word", {"funny", "single", "friend", "dost", "film", "cooking", "age", "dog", "cat", "date", "cricket", "game"}),
    ("bot_word", {"program", "computer", "software", "doctor", "machine"}),
    ("fitness_general_word", {"gym", "sets", "reps", "cut", "split", "abs"}),
]


def words(entry: str) -> Set[str]:
    return set(re.split(r"[\s-]+", entry))


def test_lookup_tables_are_all_there_and_comprehensive():
    tables = lookups()
    assert set(tables) == set(TABLE_SIZES)
    for name, least in TABLE_SIZES.items():
        assert len(tables[name]) >= least, (name, len(tables[name]))


def test_every_lookup_entry_starts_and_ends_with_a_word_character():
    """The featurizer wraps each entry in word boundaries, which never match beside punctuation."""
    for name, elements in lookups().items():
        for element in elements:
            assert re.fullmatch(r"\w(.*\w)?", element), (name, element)


@pytest.mark.parametrize("table, forbidden", FORBIDDEN_WORDS, ids=[t for t, _ in FORBIDDEN_WORDS])
def test_out_of_scope_tables_leave_out_the_back_story_and_the_red_flag_screen(table: str, forbidden: Set[str]):
    clashes = {element for element in lookups()[table] if words(element) & forbidden}
    assert not clashes, (table, sorted(clashes))


@pytest.mark.parametrize("table, forbidden", FORBIDDEN_ENTRIES, ids=[t for t, _ in FORBIDDEN_ENTRIES])
def test_tables_leave_out_words_common_in_another_sense(table: str, forbidden: Set[str]):
    assert not forbidden & set(lookups()[table]), (table, sorted(forbidden & set(lookups()[table])))


def matched_tables(text: str) -> Set[str]:
    """The lookup tables and regexes that fire on a text, matched the way the RegexFeaturizer does."""
    patterns = extract_patterns(RasaYAMLReader().read(LOOKUPS))
    return {p["name"] for p in patterns if re.search(p["pattern"], text, flags=re.IGNORECASE)}


# (text, tables that must fire, tables that must not)
MATCHES = [
    ("gud mrng", {"greeting_word"}, set()),
    ("Good Evening", {"greeting_word"}, set()),
    ("my back is stiff in the morning", {"back_region"}, {"greeting_word"}),
    ("pain in my right leg", set(), {"affirm_word", "other_body_region"}),
    ("numbness in my toes", set(), {"other_body_region", "other_condition"}),
    ("nahi ji", {"deny_word"}, {"affirm_word"}),
    ("dard ho raha hai na", set(), {"deny_word", "greeting_word", "affirm_word"}),
    ("haan na", {"affirm_word"}, {"deny_word"}),
    ("byeee tc", {"farewell_word"}, set()),
    ("thnq", {"thanks_word"}, set()),
    ("can i train with back pain", {"back_region"}, {"non_clinic_booking", "fitness_general_word"}),
    ("pain when i cough or sneeze", set(), {"other_condition"}),
    ("waist pain since a week", {"back_region"}, {"other_body_region"}),
    ("tennis elbow", {"other_condition", "other_body_region"}, {"back_region"}),
    ("sardi zukam", {"other_condition"}, set()),
    ("book a cab to the airport", {"non_clinic_booking"}, {"clinic_visit_word"}),
    ("i need an appointment with the doctor", {"clinic_visit_word"}, {"non_clinic_booking"}),
    ("cancel karo", {"cancel_word"}, {"deny_word"}),
    ("are you a bot or a real person", {"bot_word"}, set()),
    ("i sit at the computer all day", set(), {"bot_word"}),
    ("are you married", {"smalltalk_word"}, set()),
    ("a funny feeling in my leg", set(), {"smalltalk_word"}),
    ("how much protein should i take", {"fitness_general_word"}, set()),
    ("my back hurts after heavy sets", {"back_region"}, {"fitness_general_word"}),
    ("it hurts on the right hand side", set(), {"other_body_region"}),
    ("rowing machine makes my back worse", {"back_region"}, {"bot_word"}),
    ("back went after a cricket game", {"back_region"}, {"smalltalk_word"}),
    ("can i do abs with a sore lower back", {"back_region"}, {"fitness_general_word"}),
]


@pytest.mark.parametrize("text, fire, silent", MATCHES, ids=[t for t, _, _ in MATCHES])
def test_lookups_fire_on_their_words_only(text: str, fire: Set[str], silent: Set[str]):
    matched = matched_tables(text)
    assert fire <= matched, (text, matched)
    assert not silent & matched, (text, matched)


def regexes(name: str) -> List[re.Pattern]:
    return [re.compile(p["pattern"]) for p in RasaYAMLReader().read(LOOKUPS).regex_features if p["name"] == name]


def test_regexes_compile_and_match_keyboard_mashing_only():
    patterns = regexes("keyboard_mash")
    assert patterns
    for mash in ("aaaaa", "hjhjhj", "asdfgh", "qwerty", "kkkkkkkk"):
        assert any(p.search(mash) for p in patterns), mash
    for word in ("okay", "sciatica", "bye", "my back hurts", "no", "thnks", "okok", "byebye", "nono", "kk"):
        assert not any(p.search(word) for p in patterns), word
    for word in ("okokok", "nonono", "yesyesyes", "byebyebye"):  # agreement and denial (INTENTS.md)
        assert not any(p.search(word) for p in patterns), word


LAUGHS = ["hahaha", "haha", "ahahah", "hehehe", "lol", "lool", "lmao", "lmfao", "rofl", "xd", "ok lol", "\U0001f602"]


def test_laughter_regex_matches_laughter_only():
    patterns = regexes("laughter")
    assert patterns
    for laugh in LAUGHS:
        assert any(p.search(laugh.lower()) for p in patterns), laugh
    for word in ("ha", "haa", "aha", "hello", "hey", "haan", "hai", "he", "hola", "lo", "lollipop", "xray", "l5 s1"):
        assert not any(p.search(word) for p in patterns), word


@pytest.mark.parametrize("path", BLINDS, ids=lambda p: p.name)
def test_blind_set_covers_every_intent_with_plain_text(path):
    domain = Domain.load(str(ROOT / "domain.yml"))
    blind = RasaYAMLReader().read(path)
    counts: Dict[str, int] = {}
    for message in blind.intent_examples:
        counts[message.get("intent")] = counts.get(message.get("intent"), 0) + 1
        assert not message.get("entities"), message.get("text")
    assert set(counts) == set(domain.intents) - {"nlu_fallback", "restart", "session_start", "back"}
    assert min(counts.values()) >= 20


@pytest.mark.parametrize("path", BLINDS, ids=lambda p: p.name)
def test_blind_set_never_contradicts_the_training_labels(path):
    """A text may be in both (short chat phrases recur), but never with two different intents."""
    training = {
        normalise(m.get("text")): m.get("intent")
        for path in TRAINING
        for m in RasaYAMLReader().read(path).intent_examples
    }
    for message in RasaYAMLReader().read(path).intent_examples:
        text = normalise(message.get("text"))
        assert training.get(text, message.get("intent")) == message.get("intent"), text


QUESTIONS = [
    ("can i squat with back pain", True),
    ("should i rest or keep training", True),
    ("kya main gym ja sakta hu", True),
    ("deadlift kar sakte hai", True),
    ("how long before i can run", True),
    ("pain when i squat", False),
    ("i cant squat because of my back", False),
    ("squat karte waqt dard hota hai", False),
    ("my back hurts when i bend", False),
    ("when i cough", False),
    ("candles and incense", False),
]


@pytest.mark.parametrize("text, asks", QUESTIONS, ids=[t for t, _ in QUESTIONS])
def test_question_form_regex_marks_questions_not_statements(text: str, asks: bool):
    assert any(p.search(text) for p in regexes("question_form")) is asks


def test_each_intent_has_its_own_file_named_after_it():
    for path in TRAINING:
        intents = {m.get("intent") for m in RasaYAMLReader().read(path).intent_examples}
        assert intents == {path.stem}, path.name
    assert {p.stem for p in TRAINING} == set(yaml.safe_load((ROOT / "domain.yml").read_text())["intents"])
