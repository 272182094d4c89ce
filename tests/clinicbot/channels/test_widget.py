"""widget.js (the bundle behind the clinic's texts in three languages) and the demo page."""

from __future__ import annotations

import copy
import json
import string

import pytest

from clinicbot.channels.widget import (
    HERE,
    WidgetFile,
    _check,
    _script_json,
    demo_page,
    widget_config,
    widget_file,
    widget_script,
    widget_texts,
)
from clinicbot.conversation.language import requested
from clinicbot.conversation.wording import LANGUAGES, wording
from clinicbot.datafiles import load_yaml


def _leaves(tree, path=()):
    if isinstance(tree, dict):
        return {k: v for key, sub in tree.items() for k, v in _leaves(sub, (*path, key)).items()}
    return {path: tree}


def _raw():
    return copy.deepcopy(load_yaml(HERE.parent / "data" / "widget.yml"))


def test_the_texts_come_from_the_data_files():
    config = widget_config()
    assert config["title"] == "Renew Orthopedic Clinic"
    assert [n["number"] for n in config["emergency_numbers"]] == ["112", "108"]
    assert "{phone}" not in json.dumps(config)
    assert set(config["texts"]) == set(LANGUAGES)
    for language in LANGUAGES:
        words = config["texts"][language]
        assert words["disclaimer"] == wording(language).advice.disclaimer
        assert config["phone"] in words["errors"]["server"] and config["phone"] in words["call_clinic"]
        assert set(words["errors"]) == set(widget_texts().errors.dict())
    assert "not a diagnosis" in config["texts"]["en"]["disclaimer"]


def test_every_language_has_the_same_words_and_placeholders():
    texts = widget_file().texts
    english = _leaves(texts["en"].dict())
    for language in LANGUAGES:
        other = _leaves(texts[language].dict())
        assert set(other) == set(english), language
        for key, text in english.items():
            assert other[key].strip(), (language, key)
            names = sorted(n for _, n, _, _ in string.Formatter().parse(text) if n)
            assert sorted(n for _, n, _, _ in string.Formatter().parse(other[key]) if n) == names, (language, key)


def test_hindi_is_in_devanagari_and_hinglish_in_latin_letters():
    def devanagari(text: str) -> bool:
        return any("\u0900" <= ch <= "\u097f" for ch in text)

    hindi, hinglish = widget_file().texts["hi"], widget_file().texts["hi-Latn"]
    for key in ("launcher", "welcome", "send", "typing", "emergency"):
        assert devanagari(getattr(hindi, key)), key
        assert not devanagari(getattr(hinglish, key)), key
    assert hinglish.placeholder.default == "Apni kamar ke dard ke baare mein likhiye..."


def test_each_toggle_sends_a_message_the_conversation_reads_as_that_switch():
    choices = widget_file().languages
    assert list(choices) == list(LANGUAGES)
    assert [c.label for c in choices.values()] == ["EN", "Hinglish", "हिंदी"]
    for language, choice in choices.items():
        assert requested(choice.switch) == language


def test_the_config_lists_the_toggle_in_order():
    assert [(c["id"], c["switch"]) for c in widget_config()["languages"]] == [
        ("en", "English please"),
        ("hi-Latn", "Hindi mein baat karo"),
        ("hi", "हिंदी में बात करो"),
    ]


@pytest.mark.parametrize(
    "spoil, message",
    [
        (lambda d: d["texts"].pop("hi"), "languages and texts"),
        (lambda d: d["languages"].pop("hi-Latn"), "languages and texts"),
        (lambda d: d["texts"]["hi"]["placeholder"].pop("phone"), "placeholder"),
        (lambda d: d["texts"]["hi-Latn"].update(send=""), "send is empty"),
        (lambda d: d["texts"]["hi"]["errors"].update(server="कोई गड़बड़"), "placeholders"),
        (lambda d: d["texts"]["hi"]["numbers"].pop("108"), "numbers"),
        (lambda d: d["languages"]["hi"].update(switch="नमस्ते"), "toggle"),
        (lambda d: d["texts"]["en"].update(shout="HEY"), "extra"),
    ],
)
def test_a_spoilt_file_is_refused(spoil, message):
    data = _raw()
    spoil(data)
    with pytest.raises(ValueError, match=message):
        _check(WidgetFile.parse_obj(data))


def test_widget_script_puts_the_texts_before_the_bundle(tmp_path):
    bundle = tmp_path / "bundle.js"
    bundle.write_text("/*bundle*/")
    script = widget_script(bundle)
    assert script is not None
    head, _, tail = script.partition(";\n")
    assert tail == "/*bundle*/"
    defaults = json.loads(head.removeprefix("window.ClinicbotWidgetDefaults="))
    assert defaults == json.loads(json.dumps(widget_config()))
    assert defaults["texts"]["hi"]["send"] == "भेजें"  # ensure_ascii escapes survive the round trip
    assert widget_script(tmp_path / "missing.js") is None


def test_script_json_cannot_close_a_script_element():
    text = _script_json({"x": "</script><script>alert(1)</script> & more"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"x": "</script><script>alert(1)</script> & more"}


def test_the_demo_page_embeds_the_widget_with_one_script_tag():
    page = demo_page("/webhooks/socketio/widget.js")
    assert page.count("<script") == 1 and 'src="/webhooks/socketio/widget.js"' in page
    assert "KDSG Superspeciality Hospital, Greater Noida" in page and "112 / 108" in page
    assert "$" not in page  # every placeholder filled


def test_no_visible_words_in_the_javascript():
    """Every word the widget shows comes from widget.yml or the bot: the source has no English sentences."""
    source = (HERE.parents[1] / "widget" / "src" / "widget.js").read_text(encoding="utf-8")
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("//"))
    for word in ("Emergency", "emergency department", "Call ", "Send", "Typing", "Close", "diagnosis", "Hindi"):
        assert f'"{word}' not in code and f"'{word}" not in code, word
