"""Stale translations: a translated text whose English changed since it was checked is found."""

from __future__ import annotations

import shutil

import pytest

from clinicbot.conversation import translations
from clinicbot.conversation.wording import LANG_DIR


@pytest.mark.parametrize("language", translations.TRANSLATED)
def test_no_translated_text_is_older_than_its_english(language):
    stale = translations.stale(language)
    assert stale == [], (
        f"{language}: the English of {stale} changed since it was translated; update the translation, then "
        f"`python -m clinicbot.conversation.translations --stamp {language} KEY ...`"
    )


@pytest.fixture
def lang_dir(tmp_path, monkeypatch):
    for language in translations.TRANSLATED:
        shutil.copy(LANG_DIR / f"{language}.yml", tmp_path / f"{language}.yml")
    monkeypatch.setattr(translations, "LANG_DIR", tmp_path)
    return tmp_path


def test_a_changed_english_text_makes_its_translation_stale_until_stamped(lang_dir, monkeypatch):
    english = translations.english_digests()
    changed = dict(english, **{"texts.greet": translations.digest("Hello! A new greeting.")})
    monkeypatch.setattr(translations, "english_digests", lambda: changed)
    assert translations.stale("hi") == ["texts.greet"]
    assert translations.main([]) == 1
    assert translations.main(["--stamp", "hi", "texts.greet"]) == 0
    assert translations.stale("hi") == [] and translations.stale("hi-Latn") == ["texts.greet"]
    # the file keeps its texts: it still loads as a translation
    assert "texts:" in (lang_dir / "hi.yml").read_text(encoding="utf-8")


def test_stamping_an_unknown_key_is_refused(lang_dir):
    with pytest.raises(KeyError):
        translations.stamp("hi", ["texts.no_such_text"])
