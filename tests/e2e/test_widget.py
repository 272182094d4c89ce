"""The website widget in headless Chromium against the running stack (scripts/with-stack starts it).

Opens the demo page, describes back pain, sees the reply and its buttons, clicks one, reloads and
finds the conversation still there, saves var/screenshots/widget.png, and checks the first reply
comes within 1 s. Without Chromium: skipped, except with CI=true, where that is a failure.
"""

from __future__ import annotations

import json
import os
import statistics
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench.widget import CHROMIUM_ARGS, TARGET_MS, WidgetPage, chromium_path, demo_url

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if executable is None:
        reason = "Chromium not found (apt-get install chromium, or set CHROMIUM=/path)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def phone(browser):
    """A phone-sized page (360 px wide: the narrowest the widget is made for)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield WidgetPage(page, demo_url())
    context.close()


def test_describe_pain_click_a_button_reload_and_the_conversation_is_still_there(phone):
    w = phone
    w.open()
    page = w.page
    # Keyboard only: the launcher takes focus and Enter opens the chat with the cursor in the input.
    w.part(".launcher").focus()
    page.keyboard.press("Enter")
    assert w.part(".panel").is_visible()
    assert w.widget.evaluate("h => h.shadowRoot.activeElement && h.shadowRoot.activeElement.id") == "cbw-input"
    # Always shown: the disclaimer and the emergency numbers; labelled controls; a polite live log.
    assert "not a diagnosis" in w.part(".notice .disclaimer").inner_text()
    emergency = w.part(".notice .emergency").inner_text()
    assert "112" in emergency and "108" in emergency
    assert w.part("label[for='cbw-input']").count() == 1
    assert w.part("[role='log']").get_attribute("aria-live") == "polite"
    box = w.part(".panel").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360

    w.send("my lower back hurts after deadlifts")
    bot = " ".join(w.messages("bot"))
    assert "between your legs" in bot
    replies = w.part(".reply")
    assert replies.all_inner_texts() == ["Yes", "No"]

    # A click on "No": shown as the visitor's answer, answered with the next question; focus back in the input.
    bots_before = len(w.messages("bot"))
    replies.nth(1).click()
    assert w.widget.evaluate("h => h.shadowRoot.activeElement && h.shadowRoot.activeElement.id") == "cbw-input"
    w.wait_done()
    page.wait_for_function(
        "n => document.querySelector('#clinicbot-widget').shadowRoot"
        ".querySelectorAll(\".msg[data-sender='bot']\").length > n",
        arg=bots_before,
    )
    shown = w.messages()
    assert w.messages("user") == ["my lower back hurts after deadlifts", "No"]

    session = w.session()
    page.reload()
    w.wait_ready()
    assert w.session() == session
    page.wait_for_function(
        "n => document.querySelector('#clinicbot-widget').shadowRoot"
        ".querySelectorAll('.msg[data-sender]').length >= n",
        arg=len(shown) - 1,
    )
    assert w.part(".panel").is_visible()
    after = w.messages()
    assert w.messages("user") == ["my lower back hurts after deadlifts", "No"]
    assert after[-1] == shown[-1]
    assert w.part(".reply").all_inner_texts() == ["Yes", "No"]  # the last question's buttons are back
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "widget.png"), full_page=False)

    # The conversation goes on after the reload, in the same session; a quick reply by keyboard alone.
    bots = len(w.messages("bot"))
    before = len(w.timings())
    w.part(".reply").nth(1).focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => window.ClinicbotWidget.timings.length > {before}", timeout=30000)
    w.wait_done()
    assert len(w.messages("bot")) > bots
    assert w.messages("user")[-1] == "No"
    # Escape closes the chat and gives the focus back to the launcher, which still shows 112 / 108.
    page.keyboard.press("Escape")
    assert not w.part(".panel").is_visible()
    assert w.widget.evaluate("h => h.shadowRoot.activeElement && h.shadowRoot.activeElement.className") == "launcher"
    assert "112" in w.part(".pill").inner_text() and "108" in w.part(".pill").inner_text()


def test_first_reply_within_a_second(browser):
    """The widget's own timing (send to first bot message rendered) over several new conversations."""
    times = []
    for text in ("my back is stiff after squats yesterday", "hi", "can i still go to the gym?", "sore lower back", "hello"):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        try:
            w = WidgetPage(context.new_page(), demo_url())
            w.open()
            w.part(".launcher").click()
            times.append(w.send(text))
        finally:
            context.close()
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "widget-first-reply.json").write_text(json.dumps({"times_ms": times}))
    assert statistics.median(times) <= TARGET_MS, times


@pytest.fixture()
def foreign_page():
    """A page on an origin not in WIDGET_ALLOWED_ORIGINS (127.0.0.1, another port) embedding widget.js."""
    script = demo_url().rsplit("/", 1)[0] + "/widget.js"
    body = f'<!doctype html><title>elsewhere</title><p>elsewhere</p><script src="{script}"></script>'.encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_a_foreign_page_gets_no_session(browser, foreign_page):
    """The widget embedded in a page of a foreign origin: the handshake is refused, no session is issued."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(foreign_page)
    page.wait_for_function("() => window.ClinicbotWidget", timeout=15000)
    w = WidgetPage(page, foreign_page)
    w.part(".launcher").click()
    offline = page.evaluate("() => window.ClinicbotWidgetDefaults.texts.offline")
    w.part(".status").filter(has_text=offline).wait_for(timeout=15000)
    page.wait_for_timeout(1000)
    stored = page.evaluate("() => Object.keys(sessionStorage).filter(k => !k.endsWith(':open'))")
    context.close()
    assert stored == []
