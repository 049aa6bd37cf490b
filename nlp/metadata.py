"""Former home of identity reading, kept only as a re-export until its last importers move.

Read from the new homes instead: the jenis table, ``reg_key`` and provisional keys from
:mod:`pantau.legal`; dates from :mod:`pantau.dates`; titles, headings and enactment from
:mod:`nlp.identity`. Still imported by ``katalog/ingest.py`` (``extract_metadata``,
``DocumentMeta``), ``indices/search/result.py`` (``JENIS``), ``tests/nlp/test_ocr.py`` and
``tests/security/test_hostile_inputs.py``; delete this file once they import from the homes above.
"""

from nlp.identity import (DocumentMeta, Enactment, extract_enactment, extract_metadata,
                          issuer_region, parse_title, readable_tentang)
from pantau.dates import parse_tanggal
from pantau.legal import JENIS, JENIS_LEVEL, make_reg_key, normalise_jenis

__all__ = ["JENIS", "JENIS_LEVEL", "DocumentMeta", "make_reg_key", "normalise_jenis", "parse_title",
           "extract_metadata", "Enactment", "extract_enactment", "parse_tanggal", "readable_tentang",
           "issuer_region"]
