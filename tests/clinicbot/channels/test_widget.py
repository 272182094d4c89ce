"""widget.js (the bundle behind the clinic's texts) and the demo page."""

from __future__ import annotations

import json

from clinicbot.channels.widget import _script_json, demo_page, widget_config, widget_script, widget_texts


def test_the_texts_come_from_the_data_files():
    config = widget_config()
    assert config["title"] == "Renew Orthopedic Clinic"
    assert "not a diagnosis" in config["disclaimer"]
    assert [n["number"] for n in config["emergency_numbers"]] == ["112", "108"]
    assert "{phone}" not in json.dumps(config) and config["phone"] in config["texts"]["errors"]["server"]
    assert set(config["texts"]["errors"]) == set(widget_texts().errors.dict())


def test_widget_script_puts_the_texts_before_the_bundle(tmp_path):
    bundle = tmp_path / "bundle.js"
    bundle.write_text("/*bundle*/")
    script = widget_script(bundle)
    assert script is not None
    head, _, tail = script.partition(";\n")
    assert tail == "/*bundle*/"
    defaults = json.loads(head.removeprefix("window.ClinicbotWidgetDefaults="))
    assert defaults == json.loads(json.dumps(widget_config()))
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
