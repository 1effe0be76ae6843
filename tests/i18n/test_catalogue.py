"""The Czech catalogue is complete: no untranslated and no fuzzy entry, the same
placeholders as the English, the plural forms Czech needs, and it is the compiled one
Django uses."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import ngettext

PO = Path(settings.LOCALE_PATHS[0]) / "cs" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdr]|%%|%\{[a-z]+\}")


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(PO))


def test_no_untranslated_entry(catalogue):
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    assert not missing, f"{len(missing)} untranslated: {missing[:10]}"


def test_no_fuzzy_entry(catalogue):
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy[:10]}"
    assert "fuzzy" not in catalogue.metadata_is_fuzzy


def test_no_obsolete_entry(catalogue):
    """Strings nobody uses any more are removed, so the catalogue stays readable."""
    assert not catalogue.obsolete_entries()


def test_translations_keep_every_placeholder(catalogue):
    broken = []
    for entry in catalogue.translated_entries():
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                broken.append((entry.msgid, text))
    assert not broken, broken[:5]


def test_czech_plural_forms(catalogue):
    assert catalogue.metadata["Plural-Forms"].startswith("nplurals=4;")
    with translation.override("cs"):
        words = [ngettext("%(n)d sender updated.", "%(n)d senders updated.", n)
                 % {"n": n} for n in (1, 2, 5)]
    assert words == ["Aktualizován 1 odesílatel.", "Aktualizováni 2 odesílatelé.",
                     "Aktualizováno 5 odesílatelů."]


def test_the_compiled_catalogue_is_current():
    """tests/conftest.py compiles stale catalogues before the suite; this proves Django
    reads the compiled file (a missing .mo would silently show English)."""
    mo = PO.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= PO.stat().st_mtime
    with translation.override("cs"):
        assert translation.gettext("Senders") == "Odesílatelé"
