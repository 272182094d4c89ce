"""Which translated texts are older than their English (`python -m clinicbot.conversation.translations`).

Each translation file keeps, under `translated_from`, a short digest of the English text each of its
texts was translated from. When the English changes, its digest no longer matches: the text is
*stale* until a translator has checked it for the same medical meaning and stamped it
(`--stamp LANGUAGE KEY ...`, or every key of a language with `--stamp LANGUAGE`). A test keeps main
free of stale texts; the bot still starts with one (an older translation beats none).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from typing import Dict, List, Optional, Sequence

import yaml

from clinicbot.conversation.wording import ENGLISH, LANG_DIR, LANGUAGES, english_tree, leaves
from clinicbot.datafiles import load_yaml

STAMPS = "translated_from"
TRANSLATED = tuple(lang for lang in LANGUAGES if lang != ENGLISH)


def digest(text: object) -> str:
    """A short digest of an English text (lists, such as month names, as JSON)."""
    raw = text if isinstance(text, str) else json.dumps(text, ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:10]


def english_digests() -> Dict[str, str]:
    """Every English text's key ("texts.greet", "questions.age.text") and digest."""
    return {".".join(key): digest(text) for key, text in leaves(english_tree()).items()}


def stamps(language: str) -> Dict[str, str]:
    """The digests a translation file was stamped with."""
    data = load_yaml(LANG_DIR / f"{language}.yml")
    found = data.get(STAMPS) or {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def stale(language: str) -> List[str]:
    """The keys whose English changed (or was never stamped) since they were translated."""
    done = stamps(language)
    return sorted(key for key, d in english_digests().items() if done.get(key) != d)


def stamp(language: str, keys: Optional[Sequence[str]] = None) -> List[str]:
    """Records that ``keys`` (default: all) were checked against today's English; returns them."""
    english = english_digests()
    chosen = list(english) if not keys else list(keys)
    unknown = [k for k in chosen if k not in english]
    if unknown:
        raise KeyError(f"not an English text: {', '.join(unknown)}")
    done = {k: v for k, v in stamps(language).items() if k in english}
    done.update({k: english[k] for k in chosen})
    path = LANG_DIR / f"{language}.yml"
    text = path.read_text(encoding="utf-8")
    head = text.split(f"\n{STAMPS}:", 1)[0].rstrip("\n")
    block = yaml.safe_dump({STAMPS: dict(sorted(done.items()))}, allow_unicode=True, sort_keys=False, width=200)
    note = "# The English each text was translated from (clinicbot/conversation/translations.py); do not edit.\n"
    if note.strip() in head:
        head = head[: head.index(note.strip())].rstrip("\n")
    path.write_text(f"{head}\n{note}{block}", encoding="utf-8")
    return chosen


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Lists stale texts per language (exit 1 when any); --stamp LANGUAGE [KEY ...] after checking them."""
    parser = argparse.ArgumentParser(prog="python -m clinicbot.conversation.translations", description=__doc__)
    parser.add_argument("--stamp", nargs="+", metavar=("LANGUAGE", "KEY"), help="mark texts as checked")
    args = parser.parse_args(argv)
    if args.stamp:
        language, keys = args.stamp[0], args.stamp[1:]
        if language not in TRANSLATED:
            parser.error(f"LANGUAGE is one of {', '.join(TRANSLATED)}")
        print(f"{language}: stamped {len(stamp(language, keys))} texts")
        return 0
    old = {language: stale(language) for language in TRANSLATED}
    for language, keys in old.items():
        print(f"{language}: {len(keys)} stale" + "".join(f"\n  {k}" for k in keys))
    return 1 if any(old.values()) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
