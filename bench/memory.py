"""Section 5: peak memory (VmHWM) of the running Rasa server and action server, read from /proc."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Set, Tuple

from bench.common import Figure, SectionResult, Target

PROC = Path("/proc")
LISTEN = "0A"
SERVERS = (
    # key, label, port, a cmdline fragment to fall back on, target
    ("rasa_server", "Rasa server peak RSS (VmHWM)", 5005, "clinicbot.rasa_nlu.server run --model", Target("<=", 1536.0, "<= 1536 MB")),
    ("action_server", "Action server peak RSS (VmHWM)", 5055, "rasa run actions", None),
)


def listening_inodes(port: int) -> Set[str]:
    """Socket inodes listening on TCP ``port`` (any local address, IPv4 or IPv6)."""
    inodes = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (PROC / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if len(cols) > 9 and cols[3] == LISTEN and int(cols[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(cols[9])
    return inodes


def pids() -> List[int]:
    """All process ids visible in /proc."""
    return [int(p.name) for p in PROC.iterdir() if p.name.isdigit()]


def socket_owners(inodes: Set[str]) -> List[int]:
    """Processes holding a file descriptor on one of the socket ``inodes``."""
    wanted = {f"socket:[{i}]" for i in inodes}
    owners = []
    for pid in pids():
        try:
            fds = os.listdir(PROC / str(pid) / "fd")
            if any(os.readlink(PROC / str(pid) / "fd" / fd) in wanted for fd in fds):
                owners.append(pid)
        except OSError:
            continue
    return owners


def cmdline_matches(fragment: str) -> List[int]:
    """Processes whose command line contains ``fragment`` (arguments joined by spaces)."""
    found = []
    for pid in pids():
        try:
            cmd = (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if fragment in cmd and pid != os.getpid():
            found.append(pid)
    return found


def status_kb(pid: int, field: str) -> int | None:
    """A ``kB`` field of /proc/<pid>/status (VmHWM, VmRSS), or None."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def server_pids(port: int, fragment: str) -> List[int]:
    """The server's processes: owners of its listening socket, else command-line matches."""
    return socket_owners(listening_inodes(port)) or cmdline_matches(fragment)


def measure(key: str, label: str, port: int, fragment: str, target: Target | None) -> Tuple[Figure, Dict[str, Any]]:
    """The figure for one server and its details (pids, VmHWM and VmRSS of each)."""
    found = server_pids(port, fragment)
    per_pid: Dict[int, Dict[str, int | None]] = {
        pid: {"VmHWM_kB": status_kb(pid, "VmHWM"), "VmRSS_kB": status_kb(pid, "VmRSS")} for pid in found
    }
    peaks = [v["VmHWM_kB"] for v in per_pid.values() if v["VmHWM_kB"] is not None]
    value = max(peaks) / 1024.0 if peaks else None
    figure = Figure(f"{key}_peak_rss_mb", label, value, "MB", None, len(peaks) or None, target=target)
    return figure, {"port": port, "processes": per_pid}


def run() -> SectionResult:
    """Peak RSS of the Rasa server (port 5005) and of the action server (port 5055)."""
    result = SectionResult()
    for key, label, port, fragment, target in SERVERS:
        figure, details = measure(key, label, port, fragment, target)
        result.figures.append(figure)
        result.details[key] = details
        if figure.value is None:
            result.notes.append(f"no process found for {key} on port {port}")
    if all(f.value is None for f in result.figures):
        raise RuntimeError("neither the Rasa server (5005) nor the action server (5055) is running")
    return result
