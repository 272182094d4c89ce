"""What the widget's blueprint serves besides socket.io: widget.js with the clinic's texts, and the demo page.

widget.js is the esbuild bundle of widget/ (built by `make setup`) preceded by the texts it shows:
the disclaimer from the clinic's advice, the clinic's name, phone and emergency numbers from clinic.yml
and the widget's own words from data/widget.yml, each in English, Hinglish and Hindi, so no clinical
wording lives in JavaScript.
"""

from __future__ import annotations

import html
import json
from functools import cache
from pathlib import Path
from string import Template
from typing import Any, Dict, Optional

from pydantic import BaseModel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from clinicbot.content import clinic
from clinicbot.conversation.language import requested
from clinicbot.conversation.wording import ENGLISH, LANGUAGES, check, wording
from clinicbot.datafiles import load_yaml
from clinicbot.paths import WIDGET_BUNDLE

HERE = Path(__file__).resolve().parent
BUNDLE = WIDGET_BUNDLE
DEMO_TEMPLATE = HERE / "widget_demo.html"
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}


class WidgetErrors(BaseModel, extra="forbid"):
    """What the widget says when a message could not be handled (codes of `widget_error`)."""

    no_session: str
    empty: str
    too_long: str
    slow_down: str
    bad_request: str
    server: str
    no_reply: str


class Placeholders(BaseModel, extra="forbid"):
    """The input's placeholder: by default, and when the latest bot message expects one of these."""

    default: str
    name: str
    phone: str
    time: str
    place: str


class WidgetTexts(BaseModel, extra="forbid"):
    """One language's words in data/widget.yml."""

    launcher: str
    welcome: str
    emergency: str
    emergency_title: str
    call_number: str
    call_clinic: str
    numbers: Dict[str, str]
    more: str
    less: str
    about: str
    language: str
    input_label: str
    placeholder: Placeholders
    send: str
    close: str
    quick_replies: str
    typing: str
    you: str
    bot: str
    connecting: str
    offline: str
    new_session: str
    errors: WidgetErrors


class LanguageChoice(BaseModel, extra="forbid"):
    """A button of the language toggle: its label, the language's name and the message it sends."""

    label: str
    name: str
    switch: str


class WidgetFile(BaseModel, extra="forbid"):
    """data/widget.yml: the toggle's languages and the widget's words in each of them."""

    source: str
    languages: Dict[str, LanguageChoice]
    texts: Dict[str, WidgetTexts]


def _check(data: WidgetFile) -> WidgetFile:
    """Every language, the same keys and placeholders in each, every emergency number, working switches."""
    if set(data.languages) != set(LANGUAGES) or set(data.texts) != set(LANGUAGES):
        raise ValueError(f"widget.yml: languages and texts must be exactly {list(LANGUAGES)}")
    english = data.texts[ENGLISH].dict()
    numbers = {n.number for n in clinic().emergency_numbers}
    for language in LANGUAGES:
        texts = data.texts[language]
        check(english, texts.dict(), f"widget.yml {language}")
        if set(texts.numbers) != numbers:
            raise ValueError(f"widget.yml {language}: numbers must label exactly {sorted(numbers)}")
        if requested(data.languages[language].switch) != language:
            raise ValueError(f"widget.yml: the {language} toggle's message is not read as a switch to {language}")
    return data


@cache
def widget_file() -> WidgetFile:
    """The validated widget.yml."""
    return _check(WidgetFile.parse_obj(load_yaml(HERE.parent / "data" / "widget.yml")))


def widget_texts(language: str = ENGLISH) -> WidgetTexts:
    """The widget's words in a language (English when the language is unknown)."""
    texts = widget_file().texts
    return texts.get(language, texts[ENGLISH])


def _fill(tree: Any, phone: str) -> Any:
    """The texts with the clinic's phone in place of {phone}."""
    if isinstance(tree, dict):
        return {k: _fill(v, phone) for k, v in tree.items()}
    return tree.replace("{phone}", phone) if isinstance(tree, str) else tree


def widget_config() -> Dict[str, Any]:
    """Everything the widget shows that is not the conversation: texts in each language and the clinic's details."""
    c = clinic()
    texts = {}
    for language in LANGUAGES:
        words = _fill(widget_texts(language).dict(), c.phone)
        words["disclaimer"] = wording(language).advice.disclaimer
        texts[language] = words
    choices = widget_file().languages
    return {
        "title": c.name,
        "phone": c.phone,
        "emergency_numbers": [{"number": n.number, "label": n.label} for n in c.emergency_numbers],
        "max_chars": c.max_message_chars,
        "languages": [{"id": lang, **choices[lang].dict()} for lang in LANGUAGES],
        "texts": texts,
    }


def _script_json(data: Any) -> str:
    """JSON that is safe inside a <script> element or a JS file."""
    return json.dumps(data, ensure_ascii=True).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def widget_script(bundle: Path = BUNDLE) -> Optional[str]:
    """widget.js: the defaults, then the bundle; None when the bundle has not been built."""
    try:
        code = bundle.read_text(encoding="utf-8")
    except OSError:
        return None
    return f"window.ClinicbotWidgetDefaults={_script_json(widget_config())};\n{code}"


def demo_page(script_url: str) -> str:
    """The demo page: looks like the clinic's site, with the widget embedded by one script tag."""
    c = clinic()
    locations = "\n".join(f"        <li>{html.escape(loc.name)}</li>" for loc in c.locations)
    days = ", ".join(d.capitalize() for d in c.hours.days)
    return Template(DEMO_TEMPLATE.read_text(encoding="utf-8")).substitute(
        name=html.escape(c.name),
        doctor=html.escape(c.doctor),
        phone=html.escape(c.phone),
        tel=html.escape("".join(ch for ch in c.phone if ch.isdigit() or ch == "+")),
        locations=locations,
        hours=html.escape(f"{days}, {c.hours.open} to {c.hours.close}"),
        emergency=html.escape(" / ".join(n.number for n in c.emergency_numbers)),
        script=html.escape(script_url),
    )


def add_routes(bp: Blueprint) -> None:
    """GET widget.js and demo on the channel's blueprint (/webhooks/socketio/...)."""

    @bp.route("/widget.js", methods=["GET"])
    async def script(_: Request) -> HTTPResponse:
        body = widget_script()
        if body is None:
            return response.text("widget.js is not built: run `make setup`\n", status=404)
        return response.text(body, content_type="application/javascript; charset=utf-8", headers=SECURITY_HEADERS)

    @bp.route("/demo", methods=["GET"])
    async def demo(request: Request) -> HTTPResponse:
        headers = dict(SECURITY_HEADERS, **{"Content-Security-Policy": "frame-ancestors 'none'"})
        return response.html(demo_page(request.path.rsplit("/", 1)[0] + "/widget.js"), headers=headers)
