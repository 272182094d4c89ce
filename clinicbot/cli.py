"""The `clinicbot` command."""

from __future__ import annotations

import argparse
import json
import sys
from typing import List, Optional, TextIO


def _triage(args: argparse.Namespace, out: TextIO) -> int:
    from clinicbot.assessment import triage_text
    from clinicbot.content import clinic

    limit = clinic().max_message_chars * 6
    lines = [args.text] if args.text is not None else (line.rstrip("\n") for line in sys.stdin)
    for line in lines:
        try:
            if len(line) > limit:
                raise ValueError(f"message longer than {limit} characters")
            obj = triage_text(line).to_json()
        except Exception as exc:  # one bad line must not stop the rest
            obj = {"text": line, "error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        out.flush()
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `clinicbot`."""
    parser = argparse.ArgumentParser(prog="clinicbot", description="Lower-back-pain triage assistant tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("triage", help="triage one message, or one per line from stdin, as JSON lines")
    t.add_argument("text", nargs="?", help="the message; without it, read lines from stdin")
    t.set_defaults(func=_triage)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    return int(args.func(args, sys.stdout))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
