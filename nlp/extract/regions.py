"""The regions a regulation names in its own words: its issuing region, the province in its heading,
regions its body or Lampiran deals with ("bekerja sama dengan Pemerintah Kabupaten Aceh Timur").

Not counted: regions named only inside what the document cites (Mengingat, a "Dasar" list, the
titles of cited instruments: "UU 13/1950 tentang Pembentukan Daerah-Daerah Kabupaten dalam
Lingkungan Propinsi Djawa Tengah"), the place of signing ("Ditetapkan di Surabaya", "Banda Aceh,
20 November 2023"). Names are read as for news (:func:`nlp.extract.news.find_regions`), which
also passes over offices named after a city ("BPJS Ketenagakerjaan Cabang Banda Aceh").
"""

from __future__ import annotations

import re

from pantau.dates import TANGGAL_PATTERN

from .news import Skipper, find_regions
from .references import Citation, same_instrument
from .spans import PageMap
from .structure import Structure

__all__ = ["regulation_regions"]

# Sections that hold only what the document cites.
_CITING_SECTIONS = ("mengingat", "dasar")
_PLACE_LINE = re.compile(
    r"(?im)^[ \t]*(?:(?:ditetapkan|dikeluarkan|diundangkan)[ \t]+di\b[^\n]*"
    r"|[A-Z][A-Za-z .'’-]{1,40},[ \t]*[^\n]*?" + TANGGAL_PATTERN + r"[^\n]*)$")


def regulation_regions(text: str, structure: Structure, citations: list[Citation],
                       own_key: tuple | None, pages: PageMap | None = None) -> list[dict]:
    """Regions named in ``text`` outside citations and places of signing; records
    as :func:`find_regions` gives them (code, name, mentions, first mention). On text read by
    OCR (``pages``) a name counts only with its kind or office ("Kabupaten Pidie", "Bupati
    Pidie"): alone it may be a stamp or scribble read as letters."""
    spans = [(n.start, n.end) for n in structure.sections if n.kind in _CITING_SECTIONS]
    spans += [(c.start, c.tentang_end or c.end) for c in citations
              if not same_instrument(own_key, c.key)]
    spans += [(m.start(), m.end()) for m in _PLACE_LINE.finditer(text)]
    ocr = Skipper(pages.ocr_spans()) if pages is not None and pages.ocr_spans() else None
    return find_regions(text, Skipper(_merged(spans)), bare_skip=ocr)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out
