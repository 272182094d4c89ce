"""Highlighting the words findings were read from, and the labels the pages show."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from clinicbot.conversation.wording import wording
from clinicbot.datafiles import load_yaml
from clinicbot.review.present import (
    LABELS,
    Labels,
    Segment,
    asked_in,
    channel_label,
    explanation,
    finding_status_label,
    highlight,
    legal_basis_label,
    level_label,
    level_name,
    review_status_label,
    transcript_lines,
    value_label,
    value_text,
)

F = [
    {"id": "saddle_numbness", "status": "absent", "span": "numbness in my groin"},
    {"id": "leg_radiation", "status": "present", "span": "goes down my leg"},
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "No numbness in my groin but it goes down my leg",
            [
                Segment("No "),
                Segment("numbness in my groin", "saddle_numbness", "absent"),
                Segment(" but it "),
                Segment("goes down my leg", "leg_radiation", "present"),
            ],
        ),
        ("IT GOES  DOWN MY LEG", [Segment("IT "), Segment("GOES  DOWN MY LEG", "leg_radiation", "present")]),
        ("it goes down my legs", [Segment("it goes down my legs")]),  # not a whole-word match
        ("", [Segment("")]),
        (
            "<b>goes down my leg</b>",
            [Segment("<b>"), Segment("goes down my leg", "leg_radiation", "present"), Segment("</b>")],
        ),
    ],
)
def test_highlight(text, expected):
    assert highlight(text, F) == expected


def test_highlight_ignores_findings_without_words():
    assert highlight("my back", [{"id": "x", "status": "present", "span": [1, 2]}, {"id": "y", "span": " "}]) == [
        Segment("my back")
    ]


def test_overlapping_spans_mark_the_longest_once():
    findings = [{"id": "a", "status": "present", "span": "leg"}, {"id": "b", "status": "absent", "span": "down my leg"}]
    assert highlight("down my leg", findings) == [Segment("down my leg", "b", "absent")]


def test_explanation_is_what_was_stored_never_rederived():
    lines = ["Urgency: Book a clinic assessment soon.", 'Because you said "goes down my leg": ...']
    assert explanation({"explanation": lines, "findings": []}) == lines
    assert explanation({"findings": [{"id": "leg_radiation", "status": "present", "span": "goes down my leg"}]}) == []


@pytest.mark.parametrize(
    ("level", "label"), [(None, "not known"), ("emergency", "Go to an emergency department now"), ("odd", "odd")]
)
def test_level_label(level, label):
    assert level_label(level) == label


# -- labels ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "value", "label"),
    [
        (level_name, "self_care", "Self-care"),
        (level_name, None, "not known"),
        (channel_label, "socketio", "Website chat"),
        (channel_label, "whatsapp", "WhatsApp"),
        (channel_label, "new_channel", "new channel"),
        (
            legal_basis_label,
            "vital_interest",
            "Kept without asking, to protect the visitor's life (an emergency: vital interest)",
        ),
        (legal_basis_label, "codes_only", "Only codes kept (no words, no transcript): the visitor had not consented"),
        (review_status_label, "appointment_booked", "Appointment booked"),
        (finding_status_label, "absent", "does not have it"),
        (value_label, "trigger_exercise", "Exercise that set it off"),
        (value_text, "good_morning", "good morning"),
        (value_text, 34, "34"),
    ],
)
def test_labels(function, value, label):
    assert function(value) == label


def test_labels_name_exactly_the_ids():
    data = load_yaml(LABELS)
    del data["levels"]["soon"]
    with pytest.raises(ValueError, match="levels: needs exactly"):
        Labels.parse_obj(data)
    data = load_yaml(LABELS)
    data["review_statuses"]["lost"] = "Lost"
    with pytest.raises(ValueError, match="review_statuses"):
        Labels.parse_obj(data)


# -- the transcript as the visitor saw it ---------------------------------------------------------


def msg(sender, text):
    return SimpleNamespace(sender=sender, text=text, timestamp=None)


HI = wording("hi-Latn")
EN = wording("en")


def q(w, qid):
    return msg("bot", w.question(qid))


@pytest.mark.parametrize(
    ("bot_text", "qid"),
    [
        (EN.question("bilateral_leg_weakness"), "bilateral_leg_weakness"),
        (HI.question("bilateral_leg_weakness"), "bilateral_leg_weakness"),
        (wording("hi").question("fever"), "fever"),
        ("Thanks. " + EN.question("saddle_numbness", True) + "\n\nThis is not a diagnosis.", "saddle_numbness"),
        (EN.suspect_questions["sexual_dysfunction"], "suspect:sexual_dysfunction"),
        (HI.text("check_on_you"), "contact"),
        ("Hello! Tell me about your back.", None),
    ],
)
def test_the_question_a_bot_message_asks(bot_text, qid):
    asked = asked_in(bot_text)
    assert (asked.qid if asked else None) == qid


# A Hinglish interview: "nahi" answers three questions; stored findings all carry "nahi" as their words.
NAHI = [
    {"id": "saddle_numbness", "status": "absent", "span": "nahi"},
    {"id": "bladder_bowel_dysfunction", "status": "absent", "span": "/deny"},
    {"id": "bilateral_leg_weakness", "status": "absent", "span": "nahi"},
    {"id": "leg_radiation", "status": "present", "span": "pair mein jaata hai"},
]
CONVERSATION = [
    msg("user", "kamar mein dard hai"),
    q(HI, "saddle_numbness"),
    msg("user", "nahi"),
    q(HI, "bladder_bowel_dysfunction"),
    msg("user", "/deny"),  # a button press stored before titles were
    q(HI, "bilateral_leg_weakness"),
    msg("user", "nahi"),
    q(HI, "leg_symptoms"),
    msg("user", "nahi, bas dard pair mein jaata hai"),
    q(HI, "age"),
    msg("user", "nahi"),  # no finding's answer: the age was asked
    msg("bot", HI.text("check_on_you")),
    msg("user", "/deny"),
    msg("bot", "Theek hai."),
    msg("user", "/affirm"),
]


@pytest.mark.parametrize(
    ("index", "shown", "pressed", "answered", "segments"),
    [
        (0, "kamar mein dard hai", False, "", [Segment("kamar mein dard hai")]),
        (2, "nahi", False, "saddle_numbness", [Segment("nahi", "saddle_numbness", "absent")]),
        (4, "Nahi", True, "bladder_bowel_dysfunction", [Segment("Nahi", "bladder_bowel_dysfunction", "absent")]),
        (6, "nahi", False, "bilateral_leg_weakness", [Segment("nahi", "bilateral_leg_weakness", "absent")]),
        (
            8,
            "nahi, bas dard pair mein jaata hai",
            False,
            "",
            [Segment("nahi, bas dard "), Segment("pair mein jaata hai", "leg_radiation", "present")],
        ),
        (10, "nahi", False, "", [Segment("nahi")]),
        (12, "Nahi, shukriya", True, "", [Segment("Nahi, shukriya")]),
        (14, "Yes", True, "", [Segment("Yes")]),  # the message before offered no known buttons
    ],
)
def test_each_answer_goes_to_the_question_asked_before_it(index, shown, pressed, answered, segments):
    lines = transcript_lines(CONVERSATION, {"findings": NAHI, "interview": {}})
    line = lines[index]
    assert "".join(s.text for s in line.segments) == shown
    assert (line.pressed, line.answered, line.segments) == (pressed, answered, segments)


def test_a_stored_title_is_read_as_its_payload():
    """Records since titles are stored hold "Nahi"; the finding's words are still the payload "/deny"."""
    convo = [q(HI, "bladder_bowel_dysfunction"), msg("user", "Nahi")]
    [_, line] = transcript_lines(convo, {"findings": NAHI, "interview": {}})
    assert (line.pressed, line.answered, line.segments) == (
        False,
        "bladder_bowel_dysfunction",
        [Segment("Nahi", "bladder_bowel_dysfunction", "absent")],
    )


def test_choice_payloads_show_their_titles():
    convo = [q(EN, "leg_sides"), msg("user", "one leg")]
    found = [{"id": "bilateral_leg_symptoms", "status": "absent", "span": "one leg"}]
    [_, line] = transcript_lines(convo, {"findings": found, "interview": {}})
    assert line.segments == [Segment("One leg", "bilateral_leg_symptoms", "absent")]
    assert line.asked.label == "Is that in one leg, or in both legs?"


def test_an_unanswered_question_says_so():
    convo = [q(EN, "previous_episode"), msg("user", "hmm")]
    [_, line] = transcript_lines(convo, {"findings": [], "interview": {"answers": {"previous_episode": "unknown"}}})
    assert (line.asked.qid, line.answered, line.answer_status) == ("previous_episode", "", "unknown")


def test_without_a_recognised_question_words_are_highlighted_as_before():
    convo = [
        msg("bot", "An older wording of a question?"),
        msg("user", "No numbness in my groin but it goes down my leg"),
    ]
    [_, line] = transcript_lines(convo, {"findings": F, "interview": {}})
    assert line.asked is None
    assert [s.finding for s in line.segments] == ["", "saddle_numbness", "", "leg_radiation"]
