"""Runtime configuration of the stack from the environment: Rasa's endpoints (tracker and lock store).

`python -m clinicbot.deploy endpoints` prints the endpoints YAML that scripts/stack.sh hands to Rasa.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TRACKER_URL = f"sqlite:///{ROOT / 'var' / 'tracker.db'}"


def tracker_store(url: str) -> Dict[str, Any]:
    """Rasa's SQL tracker store settings for a SQLAlchemy URL."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    conf: Dict[str, Any] = {"type": "SQL", "dialect": u.drivername, "db": u.database}
    if u.host:
        conf["url"] = u.host
    if u.port:
        conf["port"] = u.port
    if u.username:
        conf["username"] = u.username
    if u.password:
        conf["password"] = u.password
    if u.drivername.startswith("sqlite") and u.database:
        Path(u.database).parent.mkdir(parents=True, exist_ok=True)
    return conf


def lock_store(url: Optional[str]) -> Dict[str, Any]:
    """A Redis lock store when REDIS_URL is set, else Rasa's in-memory one."""
    if not url:
        return {"type": "in_memory"}
    from urllib.parse import urlparse

    u = urlparse(url)
    conf: Dict[str, Any] = {"type": "redis", "url": u.hostname or "127.0.0.1", "port": u.port or 6379}
    if u.password:
        conf["password"] = u.password
    db = (u.path or "/0").lstrip("/")
    conf["db"] = int(db or 0)
    return conf


def endpoints(env: Mapping[str, str]) -> Dict[str, Any]:
    """The endpoints of the Rasa server."""
    return {
        "action_endpoint": {"url": f"http://127.0.0.1:{env.get('ACTIONS_PORT', '5055')}/webhook"},
        "tracker_store": tracker_store(env.get("TRACKER_STORE_URL") or DEFAULT_TRACKER_URL),
        "lock_store": lock_store(env.get("REDIS_URL")),
    }


def main(argv: Optional[list] = None) -> int:
    """Prints the requested configuration."""
    args = argv if argv is not None else sys.argv[1:]
    if args != ["endpoints"]:
        print("usage: python -m clinicbot.deploy endpoints", file=sys.stderr)
        return 2
    yaml.safe_dump(endpoints(os.environ), sys.stdout, sort_keys=False)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
