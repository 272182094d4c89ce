"""Section 8: the visitor's emergency reply over REST with alerts on and alerts off, in the same run.

Two stacks of their own (the shared stack's ports + 3 and + 4, their own SQLite stores): one with no alert
configured, one whose worker e-mails a local SMTP server and posts to a local webhook receiver. The
emergency messages go to both in alternation (random order in each pair), so load on the machine hits
both alike; every message starts a new conversation, so every one is an escalation.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import tempfile
import time
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import numpy as np
import requests

from bench.common import ROOT, Figure, SectionResult, Target, tail, tool_env
from bench.stats import bootstrap_interval, percentile, percentile_interval, wilson

PAIRS = 100
SECRET = "bench-secret"
START_TIMEOUT = 300.0
EMERGENCIES = (
    "since squats yesterday i cant pee and my back is killing me",
    "my back hurts after deadlifts and i am numb between my legs",
    "both my legs went weak after the gym and my back is in agony",
    "lost control of my bladder since my back went during squats",
)


def ports(offset: int) -> Tuple[int, int, int]:
    """Rasa, action-server and staff-app ports `offset` above the shared stack's."""
    return tuple(  # type: ignore[return-value]
        int(os.environ.get(name, default)) + offset
        for name, default in (("RASA_PORT", "5005"), ("ACTIONS_PORT", "5055"), ("STAFF_PORT", "8000"))
    )


def up(rasa: int, actions: int) -> bool:
    """Whether both servers answer."""
    try:
        return (
            requests.get(f"http://127.0.0.1:{rasa}/", timeout=2).ok
            and requests.get(f"http://127.0.0.1:{actions}/health", timeout=2).ok
        )
    except requests.RequestException:
        return False


@contextmanager
def stack(env: Dict[str, str], rasa: int, actions: int, staff: int) -> Iterator[None]:
    """A whole stack (Rasa, actions, staff app, alert worker) in its own process group for the block."""
    env = dict(env, RASA_PORT=str(rasa), ACTIONS_PORT=str(actions), STAFF_PORT=str(staff))
    env.setdefault("CLINICBOT_ENV", "development")
    cmd = "source scripts/stack.sh && start_stack && wait_ready && wait"
    proc = subprocess.Popen(["bash", "-c", cmd], cwd=ROOT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not up(rasa, actions):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the stack on {rasa} did not start:\n{tail(ROOT / 'var' / 'logs' / 'rasa.log')}")
            time.sleep(1)
        yield
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def emergency_reply_ms(session: requests.Session, rasa: int, text: str) -> Tuple[float, bool]:
    """One emergency first message in a new conversation: its latency (ms) and whether it was the emergency reply."""
    start = time.perf_counter()
    try:
        resp = session.post(
            f"http://127.0.0.1:{rasa}/webhooks/rest/webhook",
            json={"sender": f"bench-alerts-{uuid.uuid4().hex[:10]}", "message": text},
            timeout=60,
        )
        ok = resp.ok and "emergency department" in " ".join(m.get("text", "") for m in resp.json())
    except (requests.RequestException, ValueError):
        ok = False
    return (time.perf_counter() - start) * 1000.0, ok


def count(db: Path, sql: str) -> int:
    """One number from the store."""
    with sqlite3.connect(db, timeout=10) as conn:
        return int(conn.execute(sql).fetchone()[0])


def figures(off: List[float], on: List[float]) -> List[Figure]:
    """p50 and p95 of both runs and the on/off ratios with bootstrap intervals."""
    out: List[Figure] = []
    for key, name, lat in (("off", "alerts off", off), ("on", "alerts on", on)):
        for q in (50, 95):
            out.append(
                Figure(
                    f"emergency_{key}_p{q}_ms",
                    f"emergency reply, {name}, p{q}",
                    percentile(lat, q),
                    "ms",
                    None,
                    len(lat),
                    percentile_interval(lat, q),
                )
            )
    a, b = np.asarray(on), np.asarray(off)
    for q, limit in ((50, 1.1), (95, 1.25)):
        out.append(
            Figure(
                f"emergency_p{q}_ratio",
                f"emergency p{q} ratio on / off",
                percentile(on, q) / percentile(off, q),
                "x",
                None,
                len(on),
                bootstrap_interval(lambda i, j, q=q: percentile(a[i], q) / percentile(b[j], q), [len(a), len(b)], 2000),
                Target("<=", limit, f"<= {limit}"),
            )
        )
    return out


def run() -> SectionResult:
    """Measure the emergency reply with alerts off and on, then check every alert arrived once."""
    from tests.clinicbot.alerts.receivers import SmtpReceiver, WebhookReceiver

    off_ports, on_ports = ports(3), ports(4)
    lat: Dict[str, List[float]] = {"off": [], "on": []}
    wrong = {"off": 0, "on": 0}
    base = tool_env()
    for name in list(base):
        if name.startswith(("SMTP_", "ALERT_")):
            del base[name]
    with ExitStack() as stack_of, tempfile.TemporaryDirectory() as tmp:
        smtp = SmtpReceiver()
        smtp.start()
        stack_of.callback(smtp.stop)
        hook = WebhookReceiver()
        hook.start()
        stack_of.callback(hook.stop)
        dbs = {k: Path(tmp) / f"{k}.db" for k in ("off", "on")}
        envs = {
            k: dict(
                base,
                DATABASE_URL=f"sqlite:///{dbs[k]}",
                TRACKER_STORE_URL=f"sqlite:///{Path(tmp) / f'{k}-tracker.db'}",
                CLINICBOT_HASH_KEY="bench-key",
            )
            for k in ("off", "on")
        }
        envs["on"].update(
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(smtp.port),
            ALERT_EMAIL_FROM="clinicbot@clinic.example",
            ALERT_EMAIL_TO="desk@clinic.example",
            ALERT_WEBHOOK_URL=hook.url,
            ALERT_WEBHOOK_SECRET=SECRET,
        )
        # One after the other: each Rasa server reads var/endpoints.yml while it starts.
        stack_of.enter_context(stack(envs["off"], *off_ports))
        stack_of.enter_context(stack(envs["on"], *on_ports))
        rng = random.Random(7)
        with requests.Session() as session:
            for _key, port in (("off", off_ports[0]), ("on", on_ports[0])):  # warm-up, not counted
                emergency_reply_ms(session, port, EMERGENCIES[0])
            for i in range(PAIRS):
                order = [("off", off_ports[0]), ("on", on_ports[0])]
                rng.shuffle(order)
                for key, port in order:
                    ms, ok = emergency_reply_ms(session, port, EMERGENCIES[i % len(EMERGENCIES)])
                    lat[key].append(ms)
                    wrong[key] += not ok
        expected = PAIRS + 1
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (len(smtp.messages) < expected or len(hook.accepted()) < expected):
            time.sleep(0.5)
        time.sleep(2)
        recorded = {k: count(dbs[k], "SELECT count(*) FROM escalations WHERE level='emergency'") for k in dbs}
        mails, posts = len(smtp.messages), len(hook.accepted())
    delivered = min(mails, posts)
    result = figures(lat["off"], lat["on"])
    result.append(
        Figure(
            "emergency_alerted",
            "emergencies alerted (e-mail and webhook)",
            delivered / expected,
            "",
            delivered,
            expected,
            wilson(delivered, expected),
            Target(">=", 1.0, "100%"),
        )
    )
    details: Dict[str, Any] = {
        "pairs": PAIRS,
        "latencies_ms": {k: [round(x, 2) for x in v] for k, v in lat.items()},
        "not_the_emergency_reply": wrong,
        "escalations_recorded": recorded,
        "emails": mails,
        "webhook_posts": posts,
        "expected_alerts_each": expected,
        "load_average_after": list(os.getloadavg()),
    }
    notes = [f"{k}: {n} replies were not the emergency reply" for k, n in wrong.items() if n]
    if mails != expected or posts != expected:
        notes.append(f"alerts: {mails} e-mails and {posts} posts for {expected} emergencies")
    return SectionResult(result, details, notes)
