"""What the widget's blueprint serves besides socket.io: widget.js with the clinic's texts, and the demo page.

widget.js is the esbuild bundle of widget/ (built by `make setup`) preceded by the texts it shows:
the disclaimer from advice.yml, the clinic's name, phone and emergency numbers from clinic.yml and
the widget's own words from data/widget.yml, so no clinical wording lives in JavaScript.
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

from clinicbot.content import advice, clinic
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


class WidgetTexts(BaseModel, extra="forbid"):
    """data/widget.yml."""

    launcher: str
    welcome: str
    emergency: str
    input_label: str
    input_placeholder: str
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


@cache
def widget_texts() -> WidgetTexts:
    """The validated widget texts."""
    return WidgetTexts.parse_obj(load_yaml(HERE.parent / "data" / "widget.yml"))


def widget_config() -> Dict[str, Any]:
    """Everything the widget shows that is not the conversation: texts and the clinic's details."""
    c = clinic()
    texts = widget_texts().dict()
    texts["errors"] = {k: v.replace("{phone}", c.phone) for k, v in texts["errors"].items()}
    return {
        "title": c.name,
        "phone": c.phone,
        "disclaimer": advice().disclaimer,
        "emergency_numbers": [{"number": n.number, "label": n.label} for n in c.emergency_numbers],
        "max_chars": c.max_message_chars,
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
