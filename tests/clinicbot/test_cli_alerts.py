"""`clinicbot alerts run` and `python -m clinicbot.alerts`: one pass, idling unconfigured, stopping on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from clinicbot import cli
from clinicbot.alerts.messages import SIGNATURE_HEADER, verify
from clinicbot.store.db import make_engine, upgrade
from clinicbot.store.models import utcnow
from tests.clinicbot.alerts.helpers import escalate
from tests.clinicbot.alerts.receivers import WebhookReceiver


def test_run_once_sends_what_is_due(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("CLINICBOT_HASH_KEY", "cli-test-key")
    engine = make_engine(url)
    upgrade(engine)
    escalate(engine, kinds=["webhook"], now=utcnow())
    engine.dispose()
    hook = WebhookReceiver()
    hook.start()
    try:
        monkeypatch.setenv("ALERT_WEBHOOK_URL", hook.url)
        monkeypatch.setenv("ALERT_WEBHOOK_SECRET", "cli-secret")
        assert cli.main(["alerts", "run", "--once"]) == 0
        assert cli.main(["alerts", "run", "--once"]) == 0  # nothing left: no second post
    finally:
        hook.stop()
    [post] = hook.posts
    assert verify(post["body"], "cli-secret", post["headers"][SIGNATURE_HEADER])


def test_unconfigured_worker_idles_and_stops_on_sigterm(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "ALERT_"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'never.db'}"
    proc = subprocess.Popen([sys.executable, "-m", "clinicbot.alerts"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(2)
        assert proc.poll() is None  # still running: the stack's wait_ready needs it alive
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "no alert is configured" in proc.stderr.read()
    assert not (tmp_path / "never.db").exists()  # idling touches no database


def test_alerts_and_escalations_import_no_rasa_sanic_or_web_app():
    code = (
        "import sys, clinicbot.alerts.worker, clinicbot.alerts.messages, clinicbot.store.escalations;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('rasa', 'rasa_sdk', 'sanic', 'flask', 'starlette'));"
        "assert not bad, bad;"
        "assert 'requests' not in sys.modules and 'alembic' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
