"""`python -m clinicbot.review`: serve the staff review app with waitress on 127.0.0.1:8000 (STAFF_HOST/STAFF_PORT)."""

from __future__ import annotations

import logging
import sys

from clinicbot import settings


def main() -> int:
    """Build the app and serve it until interrupted."""
    from waitress import serve

    from clinicbot.review.app import create_app
    from clinicbot.review.settings import ConfigError

    logging.basicConfig(level=settings.get("LOG_LEVEL", "WARNING"))
    try:
        app = create_app()
    except ConfigError as exc:
        print(f"staff app: {exc}", file=sys.stderr)
        return 2
    host = settings.get("STAFF_HOST", "127.0.0.1")
    port = int(settings.get("STAFF_PORT", "8000"))
    serve(app, host=host, port=port, threads=4, ident="clinicbot")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
