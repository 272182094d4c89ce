"""Section 7: the website widget's first reply in headless Chromium (send → first bot message rendered).

The widget times itself (performance.now() from sending to the frame after the first bot message is
added) and keeps the times in `window.ClinicbotWidget.timings`; the browser test in tests/e2e drives
the same page with the same `WidgetPage`.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

from bench.common import Figure, SectionResult, Target
from bench.stats import percentile, percentile_interval

HOST = "127.0.0.1"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TARGET_MS = 1000.0
SENDS = 20
# First messages of conversations (each send is the first of a new conversation, then one answer).
OPENERS = (
    "my lower back hurts after deadlifts",
    "hi",
    "my back is stiff after squats yesterday",
    "can i still go to the gym?",
    "sore lower back on the left after rows",
)


def chromium_path() -> Optional[str]:
    """Debian's chromium (or $CHROMIUM), or None when it is not installed."""
    path = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    return path if Path(path).is_file() else shutil.which(path)


def demo_url() -> str:
    """The demo page of the running stack (RASA_PORT, default 5005)."""
    return f"http://{HOST}:{os.environ.get('RASA_PORT', '5005')}/webhooks/socketio/demo"


@contextmanager
def browser(executable: str) -> Iterator[Any]:
    """Headless Chromium through Playwright (never a browser Playwright downloads)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class WidgetPage:
    """The demo page with the widget, driven like a visitor would (inside the widget's shadow root)."""

    def __init__(self, page: Any, url: str):
        self.page = page
        self.url = url
        self.widget = page.locator("#clinicbot-widget")

    def open(self) -> None:
        """Loads the page and waits until the widget has its session."""
        self.page.goto(self.url)
        self.wait_ready()

    def wait_ready(self) -> None:
        """Waits for the widget to be mounted and its session confirmed (the token is stored)."""
        self.page.wait_for_function(
            "() => window.ClinicbotWidget && Object.keys(sessionStorage).some(k => k.startsWith('clinicbot-widget:')"
            " && !k.endsWith(':open'))",
            timeout=15000,
        )

    def session(self) -> str:
        """The session id inside the stored token (`v1.<session>.<issued>.<mac>`)."""
        token = self.page.evaluate(
            "() => Object.entries(sessionStorage).find(([k]) => k.startsWith('clinicbot-widget:')"
            " && !k.endsWith(':open'))[1]"
        )
        return str(token).split(".")[1]

    def part(self, selector: str) -> Any:
        """A locator inside the widget (Playwright's CSS pierces open shadow roots)."""
        return self.widget.locator(selector)

    def messages(self, sender: str = "") -> List[str]:
        """The texts of the messages shown (without the screen-reader prefix)."""
        sel = f".msg[data-sender='{sender}'] .text" if sender else ".msg[data-sender] .text"
        return self.part(sel).all_inner_texts()

    def timings(self) -> List[float]:
        """The widget's own first-reply times (ms) so far on this page."""
        return list(self.page.evaluate("() => window.ClinicbotWidget.timings.slice()"))

    def send(self, text: str, timeout: float = 30000) -> float:
        """Types a message and presses Enter; the first reply's time in ms once it is rendered."""
        before = len(self.timings())
        box = self.part("#cbw-input")
        box.fill(text)
        box.press("Enter")
        self.page.wait_for_function(f"() => window.ClinicbotWidget.timings.length > {before}", timeout=timeout)
        self.wait_done()
        return self.timings()[before]

    def wait_done(self) -> None:
        """Waits until the bot has finished answering (the typing indicator is gone)."""
        self.part(".typing").wait_for(state="hidden", timeout=30000)


def measure(executable: str, url: str, sends: int = SENDS) -> Dict[str, Any]:
    """First-reply times over `sends` messages, each in a fresh conversation (a new browser context)."""
    times: List[float] = []
    with browser(executable) as b:
        for i in range(sends):
            context = b.new_context(viewport={"width": 390, "height": 844})
            try:
                page = context.new_page()
                w = WidgetPage(page, url)
                w.open()
                if not w.part(".panel").is_visible():
                    w.part(".launcher").click()
                times.append(w.send(OPENERS[i % len(OPENERS)]))
            finally:
                context.close()
    return {"times_ms": times}


def run() -> SectionResult:
    """The widget's first-reply p50 and p95 against the 1 s target."""
    executable = chromium_path()
    if executable is None:
        raise RuntimeError("Chromium not found (apt-get install chromium, or set CHROMIUM)")
    got = measure(executable, demo_url())
    times, n = got["times_ms"], len(got["times_ms"])
    target = Target("<=", TARGET_MS, f"<= {TARGET_MS:.0f} ms")
    figures = [
        Figure("first_reply_p50_ms", "widget first reply p50", percentile(times, 50), "ms", None, n,
               percentile_interval(times, 50), target),
        Figure("first_reply_p95_ms", "widget first reply p95", percentile(times, 95), "ms", None, n,
               percentile_interval(times, 95), target),
    ]
    return SectionResult(figures, {"url": demo_url(), "times_ms": [round(t, 1) for t in times]})
