"""Section 4: REST latency of the clinicbot server against a stock `rasa init` bot on the same machine."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Sequence, Tuple

import numpy as np
import requests

from bench.common import ROOT, VAR, Figure, SectionResult, Target, rel, run_logged, tail, tool_env, venv_bin
from bench.stats import bootstrap_interval, percentile, percentile_interval

MESSAGES = 60
CONVERSATION_LENGTH = 6
HOST = "127.0.0.1"
CLINICBOT_PORT = 5005
STOCK_PORT = 5015
STOCK_DIR = VAR / "stock"
REQUEST_TIMEOUT = 60.0
START_TIMEOUT = 300.0

# Realistic clinicbot conversations: greeting, symptoms, screening answers, FAQs, booking, goodbye.
CLINICBOT_CONVERSATIONS: Tuple[Tuple[str, ...], ...] = (
    ("hi", "my lower back hurts since deadlifts yesterday, both sides", "no", "no", "no", "thanks, bye"),
    (
        "hello doctor",
        "the pain shoots down my left leg after squats",
        "no",
        "yes",
        "can i still train with back pain",
        "book an appointment",
    ),
    (
        "good morning",
        "will an x-ray show a slipped disc",
        "how long does a slipped disc take to heal",
        "my back is stiff after rows",
        "nope",
        "thank you",
    ),
    ("hey", "lower back sore since 3 days after gym, no leg pain", "no", "no", "yes", "bye"),
    (
        "hi doc",
        "back pain after overhead press, hurts when i lean back",
        "no",
        "no",
        "is it ok to lift with a sore back",
        "are you a bot?",
    ),
)
# The stock bot's own kind of messages (rasa init's moodbot).
STOCK_CONVERSATIONS: Tuple[Tuple[str, ...], ...] = (
    ("hi", "I am sad", "yes", "great", "are you a bot?", "bye"),
    ("hello", "my day was horrible", "no", "I am sad", "yes", "goodbye"),
    ("hey there", "I am great", "are you a human?", "perfect", "thanks", "bye"),
    ("good morning", "I am sad", "no", "hi", "very good", "see you"),
    ("hey", "not good", "yes", "are you a bot?", "I am happy", "good night"),
)


@dataclass
class Run:
    """Latencies (ms) of one server's run and how many requests failed."""

    latencies_ms: List[float] = field(default_factory=list)
    errors: int = 0
    empty_replies: int = 0
    warmup_ms: float | None = None


def script(conversations: Sequence[Sequence[str]], count: int = MESSAGES) -> List[Tuple[int, str]]:
    """``count`` (conversation number, message) pairs, a new conversation every CONVERSATION_LENGTH messages."""
    turns = []
    for i in range(count):
        conv = i // CONVERSATION_LENGTH
        turns.append((conv, conversations[conv % len(conversations)][i % CONVERSATION_LENGTH]))
    return turns


def webhook(port: int) -> str:
    """The REST channel URL of a Rasa server on ``port``."""
    return f"http://{HOST}:{port}/webhooks/rest/webhook"


def answers(port: int, timeout: float = 3.0) -> bool:
    """Whether a Rasa server answers GET / on ``port``."""
    try:
        return requests.get(f"http://{HOST}:{port}/", timeout=timeout).ok
    except requests.RequestException:
        return False


def port_in_use(port: int) -> bool:
    """Whether something accepts TCP connections on ``port``."""
    with socket.socket() as sock:
        sock.settimeout(1.0)
        return sock.connect_ex((HOST, port)) == 0


def send(session: requests.Session, url: str, sender: str, text: str) -> Tuple[float, Any | None]:
    """POST one message; its latency in ms and the decoded reply (None on failure)."""
    start = time.perf_counter()
    try:
        resp = session.post(url, json={"sender": sender, "message": text}, timeout=REQUEST_TIMEOUT)
        reply = resp.json() if resp.ok else None
    except (requests.RequestException, ValueError):
        reply = None
    return (time.perf_counter() - start) * 1000.0, reply


def measure(port: int, conversations: Sequence[Sequence[str]], tag: str) -> Run:
    """Send the message script sequentially (after one uncounted warm-up message) and time each."""
    run = Run()
    prefix = f"bench-{tag}-{uuid.uuid4().hex[:8]}"
    with requests.Session() as session:
        run.warmup_ms, _ = send(session, webhook(port), f"{prefix}-warmup", "hello")
        for conv, text in script(conversations):
            ms, reply = send(session, webhook(port), f"{prefix}-{conv}", text)
            run.latencies_ms.append(ms)
            run.errors += reply is None
            run.empty_replies += reply == []
    return run


def stock_model() -> Path | None:
    """The newest model of the stock bot, if it has one."""
    models = sorted((STOCK_DIR / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def ensure_stock_model() -> Tuple[Path, bool]:
    """The stock bot's model, building the bot with `rasa init` if needed; also whether it was reused."""
    model = stock_model()
    if model:
        return model, True
    STOCK_DIR.mkdir(parents=True, exist_ok=True)
    cmd = [str(venv_bin("rasa")), "init", "--no-prompt", "--init-dir", rel(STOCK_DIR)]
    run_logged(cmd, VAR / "stock-init.log", cwd=ROOT, timeout=1800)
    model = stock_model()
    if not model:
        raise RuntimeError(f"rasa init made no model under {STOCK_DIR / 'models'}")
    return model, False


def stop(proc: subprocess.Popen) -> None:
    """Terminate the process group of ``proc``; kill it if it does not go within 30 s."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 30.0), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
        except ProcessLookupError:
            return


def wait_until_up(proc: subprocess.Popen, port: int, log: Path) -> None:
    """Wait until the server answers GET /; raise if it exits or takes longer than START_TIMEOUT."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"stock rasa server exited {proc.returncode}:\n{tail(log)}")
        if answers(port, timeout=1.0):
            return
        time.sleep(1.0)
    raise RuntimeError(f"stock rasa server not up after {START_TIMEOUT:.0f} s:\n{tail(log)}")


@contextmanager
def stock_server(model: Path) -> Iterator[int]:
    """Run the stock bot on STOCK_PORT (in its own process group) for the duration of the block."""
    if port_in_use(STOCK_PORT):
        raise RuntimeError(f"port {STOCK_PORT} is already in use")
    log = VAR / "stock-server.log"
    cmd = [str(venv_bin("rasa")), "run", "--model", str(model), "-p", str(STOCK_PORT), "-i", HOST]
    with log.open("w") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=STOCK_DIR,
            env=tool_env(),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_up(proc, STOCK_PORT, log)
        yield STOCK_PORT
    finally:
        stop(proc)


def ratio_interval(a: Sequence[float], b: Sequence[float]) -> Tuple[float, float] | None:
    """Bootstrap 95% interval of p95(a) / p95(b), each sample resampled on its own."""
    x, y = np.asarray(a), np.asarray(b)
    return bootstrap_interval(lambda i, j: percentile(x[i], 95) / percentile(y[j], 95), [len(x), len(y)], 2000)


def run_figures(key: str, name: str, run: Run) -> List[Figure]:
    """p50 and p95 (ms) of one run, with order-statistic intervals."""
    lat, n = run.latencies_ms, len(run.latencies_ms)
    return [
        Figure(f"{key}_p50_ms", f"{name} REST p50", percentile(lat, 50), "ms", None, n, percentile_interval(lat, 50)),
        Figure(f"{key}_p95_ms", f"{name} REST p95", percentile(lat, 95), "ms", None, n, percentile_interval(lat, 95)),
    ]


def run() -> SectionResult:
    """Time the clinicbot server, then a stock bot with the same number of messages, and compare p95."""
    if not answers(CLINICBOT_PORT):
        raise RuntimeError(f"the clinicbot server does not answer on {HOST}:{CLINICBOT_PORT} (run under with-stack)")
    clinic = measure(CLINICBOT_PORT, CLINICBOT_CONVERSATIONS, "clinicbot")
    model, reused = ensure_stock_model()
    with stock_server(model) as port:
        stock = measure(port, STOCK_CONVERSATIONS, "stock")
    ratio = percentile(clinic.latencies_ms, 95) / percentile(stock.latencies_ms, 95)
    figures = run_figures("clinicbot", "clinicbot", clinic) + run_figures("stock", "stock rasa init bot", stock)
    figures.append(
        Figure(
            "p95_ratio",
            "p95 ratio clinicbot / stock",
            ratio,
            "x",
            None,
            len(clinic.latencies_ms),
            ratio_interval(clinic.latencies_ms, stock.latencies_ms),
            Target("<=", 1.25, "<= 1.25 (issue 15)"),
        )
    )
    details: Dict[str, Any] = {
        "messages": MESSAGES,
        "conversation_length": CONVERSATION_LENGTH,
        "clinicbot": run_details(clinic),
        "stock": run_details(stock),
        "stock_model": rel(model),
        "stock_model_reused": reused,
    }
    return SectionResult(figures, details, notes=errors_note(clinic, stock))


def run_details(run: Run) -> Dict[str, Any]:
    """A run's raw figures for the JSON."""
    return {
        "latencies_ms": [round(x, 2) for x in run.latencies_ms],
        "errors": run.errors,
        "empty_replies": run.empty_replies,
        "warmup_ms": run.warmup_ms,
    }


def errors_note(clinic: Run, stock: Run) -> List[str]:
    """A note when requests failed (their time is still counted)."""
    return [
        f"{name}: {r.errors} of {len(r.latencies_ms)} requests failed"
        for name, r in (("clinicbot", clinic), ("stock", stock))
        if r.errors
    ]
