"""Red-flag word classes that combine: the mechanism on its own, then the shipped classes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from clinicbot.nlp.classes import DATA, Combinations, Mention, combine, expand, load_classes, load_combinations


@pytest.mark.parametrize(
    "phrase,patterns",
    [
        ("numb", ["numb"]),
        ("(can not|cannot) feel", ["can not feel", "cannot feel"]),
        ("(a b|c) x (d|e f)", ["a b x d", "a b x e f", "c x d", "c x e f"]),
        ("pins  and needles", ["pins and needles"]),
        ("x (a b|c)?", ["x a b", "x c", "x"]),  # an optional group
    ],
)
def test_expand(phrase, patterns):
    assert expand(phrase) == patterns


def combos(**kw) -> Combinations:
    base = {"source": "test", "within": 6, "barriers": ["not"], "findings": {"saddle_numbness": [{"all": ["r", "c"]}]}}
    base.update(kw)
    return Combinations.parse_obj(base)


NO_BARRIER = lambda i: False  # noqa: E731


@pytest.mark.parametrize(
    "mentions,expected",
    [
        ([Mention("r", 0, 2), Mention("c", 3, 4)], [(0, 4)]),  # region then change
        ([Mention("c", 0, 1), Mention("r", 2, 4)], [(0, 4)]),  # either order
        ([Mention("r", 0, 1), Mention("c", 8, 9)], []),  # beyond `within`
        ([Mention("r", 0, 1)], []),  # one class is not enough
        ([Mention("r", 0, 2), Mention("c", 1, 3)], []),  # one word cannot say both
        ([Mention("r", 0, 1), Mention("c", 6, 7)], []),  # across sentences (0-5, 5-10)
    ],
)
def test_combine(mentions, expected):
    found = combine(mentions, combos(), [(0, 5), (5, 10)], NO_BARRIER)
    assert [(c.start, c.end) for c in found] == expected


def test_a_barrier_between_the_mentions_stops_it():
    mentions = [Mention("c", 0, 1), Mention("r", 3, 4)]
    assert combine(mentions, combos(), [(0, 10)], lambda i: i == 2) == []
    assert combine(mentions, combos(), [(0, 10)], lambda i: i == 0) != []  # inside a mention: no barrier


def test_not_near_and_suppress():
    c = combos(findings={"saddle_numbness": [{"all": ["r", "c"], "not_near": "leg", "distance": 2}]})
    assert combine([Mention("r", 0, 1), Mention("c", 2, 3), Mention("leg", 4, 5)], c, [(0, 9)], NO_BARRIER) == []
    assert combine([Mention("r", 0, 1), Mention("c", 2, 3), Mention("leg", 7, 8)], c, [(0, 9)], NO_BARRIER) != []
    s = combos(suppress={"r": ["other"]})
    assert combine([Mention("other", 0, 3), Mention("r", 1, 2), Mention("c", 3, 4)], s, [(0, 9)], NO_BARRIER) == []


def test_combinations_name_known_classes_only(tmp_path: Path):
    data = yaml.safe_load((DATA / "combinations.yml").read_text())
    data["findings"]["saddle_numbness"].append({"all": ["no_such_class"]})
    bad = tmp_path / "combinations.yml"
    bad.write_text(yaml.safe_dump(data))
    with pytest.raises(ValueError, match="unknown classes"):
        load_combinations.__wrapped__(bad)  # type: ignore[attr-defined]


def test_every_class_has_a_source_and_meaning_and_every_class_is_used():
    classes = load_classes()
    combos_ = load_combinations()
    used = {c for rules in combos_.findings.values() for r in rules for c in r.all}
    used |= {r.not_near for rules in combos_.findings.values() for r in rules if r.not_near}
    used |= set(combos_.suppress) | {c for cs in combos_.suppress.values() for c in cs}
    used |= {"own_story", "other_body", "denied_back", "affirmed_back", "condition"}  # read by the extractor itself  # read by the extractor itself
    for rule in combos_.sentence_rules:
        used |= rule.classes()
    assert set(classes) == used
    assert all(wc.source.strip() and wc.meaning.strip() for wc in classes.values())


# The shipped classes, one kind of wording each, in our own words; each with its denial or its
# look-alike. (text, red flag, status or None)
WORDINGS = [
    # a region with a change of sensation, the region by euphemism or slang
    ("my taint has felt dead since the squats", "saddle_numbness", "present"),
    ("the private part area feels like it is not mine", "saddle_numbness", "present"),
    ("neeche wali jagah sunn ho gayi hai", "saddle_numbness", "present"),
    ("no change in feeling down there at all", "saddle_numbness", "absent"),
    ("the bottom of my foot is numb", "saddle_numbness", None),
    ("i cant feel much pain in my groin anymore", "saddle_numbness", None),
    # what is felt when wiping or washing
    ("when i wipe it is like wiping someone elses skin", "saddle_numbness", "present"),
    ("my legs go numb when i sit on the toilet too long", "saddle_numbness", None),
    # retention as a story
    ("drank two litres and still have not passed urine since 7am", "bladder_bowel_dysfunction", "present"),
    ("peshab ki ek boond nahi aayi subah se", "bladder_bowel_dysfunction", "present"),
    ("peshab mein koi dikkat nahi hai", "bladder_bowel_dysfunction", None),
    # incontinence as an accident, lost sense of fullness, straining
    ("woke up and the sheets were soaked, i never felt it", "bladder_bowel_dysfunction", "present"),
    ("i get no warning any more before i need a wee", "bladder_bowel_dysfunction", "present"),
    ("i have to push hard to get my wee started", "bladder_bowel_dysfunction", "present"),
    ("strained my lower back two weeks ago on rows", "bladder_bowel_dysfunction", None),
    # the bladder or bowels "going" or "giving out"
    ("my bladder just went in the middle of the set", "bladder_bowel_dysfunction", "present"),
    ("what if my bowels give out?", "bladder_bowel_dysfunction", "hypothetical"),
    ("went to the loo, bladder fine", "bladder_bowel_dysfunction", "absent"),
    ("i peed normally and went to the gym", "bladder_bowel_dysfunction", None),
    # a warning retold, then answered in the next sentence
    ("GP said if my bum goes numb, go to A&E. Neither has happened", "saddle_numbness", "absent"),
    ("they said if I can't pee go to A&E. That happened last night", "bladder_bowel_dysfunction", "present"),
    ("can a strain cause numbness in the groin? I don't have any", "saddle_numbness", "absent"),
    # both legs by what they cannot do
    ("both knees buckle when i take the stairs", "bilateral_leg_weakness", "present"),
    ("dono taangon mein jaan nahi hai", "bilateral_leg_weakness", "present"),
    ("nothing in my legs, bladder fine", "bilateral_leg_weakness", None),
    # both legs, nerve symptoms
    ("burning down the back of both thighs since yesterday", "bilateral_leg_symptoms", "present"),
    ("only my right leg tingles, the left one is fine", "bilateral_leg_symptoms", None),
    # sexual function
    ("since the injury nothing happens in the bedroom, i cant get hard", "sexual_dysfunction", "present"),
    ("sex is fine, just the back hurts", "sexual_dysfunction", None),
    # another person: a carer's report now vs a relative's history
    ("my husband cant pass urine since this morning", "bladder_bowel_dysfunction", "present"),
    ("my dad had bladder problems years ago; i hurt my back on squats", "bladder_bowel_dysfunction", "family"),
    # a warning repeated
    ("i was told to watch out for numbness between my legs, none so far", "saddle_numbness", "hypothetical"),
    ("agar peshab ruk jaye to kya karu", "bladder_bowel_dysfunction", "hypothetical"),
    # Devanagari read as Hinglish
    ("मेरी कमर में दर्द है और पेशाब नहीं हो रहा", "bladder_bowel_dysfunction", "present"),
    ("दोनों पैरों में झुनझुनी है", "bilateral_leg_symptoms", "present"),
]


def test_devanagari_spans_point_at_the_original_words(extractor):
    text = "मेरी कमर में दर्द है और पेशाब नहीं हो रहा"
    f = extractor.extract(text).statuses()["bladder_bowel_dysfunction"]
    assert text[f.start : f.end] == f.span and "पेशाब" in f.span


PAST = [
    # a past episode: a time before it, or its end after it; "now" between keeps it present
    ("in 2019 both my legs went weak and i needed surgery", "bilateral_leg_weakness", "historical"),
    ("both my legs went weak for a while, physio sorted it", "bilateral_leg_weakness", "historical"),
    ("years ago i had sciatica, now both my legs have gone weak", "bilateral_leg_weakness", "present"),
    ("college ke time peshab ruk gaya tha, theek ho gaya", "bladder_bowel_dysfunction", "historical"),
    ("aaj subah se ek baar bhi peshab nahi hua", "bladder_bowel_dysfunction", "present"),
]


def test_past_episode_needs_its_marker_on_the_right_side():
    from clinicbot.nlp.classes import SentenceRule
    from clinicbot.nlp.classes import sentence_rule_applies as applies

    rule = SentenceRule(status="historical", before=["past"], after=["over"], near_after=["past"], stop="now")
    sent = [(0, 20)]
    assert applies(5, 7, [Mention("past", 0, 2)], sent, rule)
    assert applies(5, 7, [Mention("past", 9, 10)], sent, rule)  # just after it ("both legs last spring")
    assert not applies(5, 7, [Mention("past", 14, 15)], sent, rule)  # far after it: another clause
    assert applies(5, 7, [Mention("over", 14, 15)], sent, rule)
    assert not applies(5, 7, [Mention("past", 0, 2), Mention("now", 3, 4)], sent, rule)
    assert not applies(5, 7, [Mention("past", 0, 2)], [(0, 3), (3, 20)], rule)  # another sentence


def test_regular_expressions_keep_their_parentheses():
    assert expand("re:^(?:19|20)[0-9][0-9]$ (in|mein)") == [
        "re:^(?:19|20)[0-9][0-9]$ in",
        "re:^(?:19|20)[0-9][0-9]$ mein",
    ]


WARNINGS = [
    # a list of warning signs repeated, brought by a card or ended by "go to A&E": hypothetical
    (
        "the card lists the signs: trouble peeing, a numb saddle, both legs going weak",
        "bladder_bowel_dysfunction",
        "hypothetical",
    ),
    ("numbness when wiping is an emergency, the leaflet says", "saddle_numbness", "hypothetical"),
    ("since this morning i cant pee at all, go to a&e?", "bladder_bowel_dysfunction", "present"),
    ("my symptoms: cant pee since morning, numb bum", "bladder_bowel_dysfunction", "present"),
]


@pytest.mark.parametrize("text,flag,status", WORDINGS + PAST + WARNINGS)
def test_wordings(extractor, text, flag, status):
    """Each table's sentence reads as the flag with that status (None: not read at all)."""
    got = {fid: f.status for fid, f in extractor.extract(text).statuses().items()}
    assert got.get(flag) == status, (text, got)
