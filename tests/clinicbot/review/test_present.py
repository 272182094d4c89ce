"""Highlighting the words findings were read from, and the labels the pages show."""

from __future__ import annotations

import pytest

from clinicbot.review.present import Segment, explanation, highlight, level_label

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
