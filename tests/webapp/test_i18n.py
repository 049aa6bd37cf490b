"""The English catalog is complete: every string the web app marks for translation (templates
and Python, as pybabel extracts them) has an English translation, and the compiled .mo the app
loads is the .po's. (The browser test in test_pages_views.py checks each page's own text.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LC = ROOT / "webapp" / "translations" / "en" / "LC_MESSAGES"


def _extract(tmp_path) -> set[str]:
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    "webapp/babel.cfg", "-k", "_l", "-k", "lazy_gettext", "--no-location",
                    "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as fh:
        return {m.id for m in read_po(fh) if m.id}


def test_every_ui_string_has_an_english_translation(tmp_path):
    ids = _extract(tmp_path)
    assert len(ids) > 150 and "Ditetapkan" in ids
    with (LC / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(ids - translated)
    assert missing == [], f"untranslated (run `make translations`, fill en/messages.po): {missing}"


def test_the_compiled_catalog_is_the_po(tmp_path):
    with (LC / "messages.po").open("rb") as fh:
        po = {m.id: m.string for m in read_po(fh) if m.id and m.string and not m.fuzzy}
    with (LC / "messages.mo").open("rb") as fh:
        mo = {m.id: m.string for m in read_mo(fh) if m.id}
    assert mo == po, "messages.mo is stale: run `make translations`"


def test_placeholders_survive_translation():
    import re
    with (LC / "messages.po").open("rb") as fh:
        for m in read_po(fh):
            if m.id and m.string:
                assert sorted(re.findall(r"%\(\w+\)s", m.id)) == sorted(re.findall(r"%\(\w+\)s", m.string)), m.id

