"""A whole stack of an e2e test's own (other ports, its own databases), started and stopped as one process group."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Callable, Optional

import requests

ROOT = Path(__file__).resolve().parents[2]


def listening(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:`port`."""
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for(check: Callable[[], bool], seconds: float) -> bool:
    """Poll `check` until it holds or `seconds` pass; whether it held."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


class OwnStack:
    """scripts/stack.sh's servers on the ports in `env` (RASA_PORT, ACTIONS_PORT, STAFF_PORT)."""

    def __init__(self, env: dict):
        self.env = env
        self.ports = tuple(int(env[k]) for k in ("RASA_PORT", "ACTIONS_PORT", "STAFF_PORT"))
        self.proc: Optional[subprocess.Popen] = None

    def start(self) -> None:
        """Start the stack and wait until the Rasa and action servers answer."""
        rasa, actions, _ = self.ports
        cmd = "source scripts/stack.sh && start_stack && wait_ready && wait"
        self.proc = subprocess.Popen(["bash", "-c", cmd], cwd=ROOT, env=self.env, start_new_session=True)
        for _ in range(240):
            try:
                if (
                    requests.get(f"http://127.0.0.1:{rasa}/", timeout=2).ok
                    and requests.get(f"http://127.0.0.1:{actions}/health", timeout=2).ok
                ):
                    return
            except requests.RequestException:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError("the stack exited")
            time.sleep(1)
        raise RuntimeError("the stack did not start")

    def stop(self) -> None:
        """Stop it; return once its ports are free again, so a restart can take them."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc = None
        # bash is gone, but its servers may still be closing their ports
        assert wait_for(lambda: not any(listening(p) for p in self.ports), 30)
