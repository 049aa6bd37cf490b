"""The legal vocabulary every floor shares: the kinds of instrument (jenis) and a document's key.

Indonesian drafting terms kept as they are:

- *jenis*: the kind of instrument, e.g. Peraturan Daerah (*perda*, a regional law passed with
  the DPRD; in Aceh a *Qanun*, UU 11/2006 Pasal 1 angka 21-22: "Qanun Aceh" of the province,
  "Qanun Kabupaten/Kota" of a kabupaten/kota), Peraturan Bupati / Wali Kota / Gubernur (*perbup*, *perwal*, *pergub*: rules of the
  regional head), Keputusan (a decree), Instruksi (an instruction), Surat Edaran (a circular).
- *nomor*: the number the instrument was given, "30" or, for circulars and decrees, an
  archival code such as "800/123/2023"; *tahun*: the year of the number.
- *kepala daerah*: the regional head (Gubernur of a provinsi, Bupati of a kabupaten, Wali Kota
  of a kota), who issues the regional instruments.

A document's natural key is ``reg_key`` = ``jenis_code/region_code/tahun/nomor_slug``, e.g.
``perbup/33.25/2024/30`` (Peraturan Bupati Batang No. 30 Tahun 2024); national instruments use
the region code ``id``. Until its identity is known a document has a provisional key,
``berkas/<sha256 prefix>`` for a file or ``berita/<sha256 prefix>`` for a news article.
"""

from __future__ import annotations

import hashlib
import re
from typing import NamedTuple

__all__ = [
    "JENIS", "JENIS_LEVEL", "FORMS", "normalise_jenis", "nomor_tahun",
    "make_reg_key", "RegKey", "REG_KEY_PATTERN", "parse_reg_key",
    "PROVISIONAL_PREFIXES", "provisional_key", "news_key", "is_provisional",
]

# Normalised jenis codes and their canonical names. Regional codes follow the JDIHN
# ``singkatanJenis`` habits (Perda, Perbup, Perwal, Pergub, Kepbup…); the instruction and circular
# codes (insbup, sebup…) are ours, as JDIH sites abbreviate those inconsistently.
JENIS: dict[str, str] = {
    # national
    "uud": "Undang-Undang Dasar",
    "uu": "Undang-Undang",
    "perppu": "Peraturan Pemerintah Pengganti Undang-Undang",
    "pp": "Peraturan Pemerintah",
    "perpres": "Peraturan Presiden",
    "keppres": "Keputusan Presiden",
    "inpres": "Instruksi Presiden",
    "permen": "Peraturan Menteri",
    "kepmen": "Keputusan Menteri",
    "semen": "Surat Edaran Menteri",
    "perban": "Peraturan Badan",  # e.g. Peraturan BPJS Ketenagakerjaan
    # regional
    "perda": "Peraturan Daerah",
    # Aceh's regional laws keep their own name (and key): JDIH Aceh lists them as Qanun.
    "qanun": "Qanun",
    "pergub": "Peraturan Gubernur",
    "perbup": "Peraturan Bupati",
    "perwal": "Peraturan Wali Kota",
    "kepgub": "Keputusan Gubernur",
    "kepbup": "Keputusan Bupati",
    "kepwal": "Keputusan Wali Kota",
    "ingub": "Instruksi Gubernur",
    "insbup": "Instruksi Bupati",
    "inswal": "Instruksi Wali Kota",
    "segub": "Surat Edaran Gubernur",
    "sebup": "Surat Edaran Bupati",
    "sewal": "Surat Edaran Wali Kota",
    # a circular whose issuer is not a kepala daerah or minister (Sekretaris Daerah, a Dinas…)
    "se": "Surat Edaran",
    # JDIH catalogues list official translations as their own jenis; the translated
    # instrument's jenis is not in the title, so it cannot be mapped to one of the above.
    "terjemahan": "Terjemahan Resmi",
}

# Which kind of region issues each jenis: a pantau.wilayah kind, "id" (national), "daerah"
# (a provinsi or kabupaten/kota, told by the title) or None (depends on the issuer).
JENIS_LEVEL: dict[str, str | None] = {
    **{c: "id" for c in ("uud", "uu", "perppu", "pp", "perpres", "keppres", "inpres", "permen",
                         "kepmen", "semen", "perban")},
    "perda": "daerah",
    "qanun": "daerah",
    **{c: "provinsi" for c in ("pergub", "kepgub", "ingub", "segub")},
    **{c: "kabupaten" for c in ("perbup", "kepbup", "insbup", "sebup")},
    **{c: "kota" for c in ("perwal", "kepwal", "inswal", "sewal")},
    "se": None,
    "terjemahan": None,
}

# Kinds of document about an instrument. Only "naskah" (the instrument's own text) and
# "abstrak" (the one-page catalogue abstract a JDIH publishes next to it, which describes the
# same instrument) get a reg_key; a draft ("rancangan") has no legal identity.
FORMS = ("naskah", "abstrak", "rancangan")


# --------------------------------------------------------------------------- jenis as written

_KEPALA_BY_KIND = {"provinsi": "gub", "kabupaten": "bup", "kota": "wal"}
_KIND_BY_KEPALA = {"gubernur": "provinsi", "bupati": "kabupaten", "wali kota": "kota"}
_PREFIX_BY_ACT = {"peraturan": "per", "keputusan": "kep", "instruksi": "in", "surat edaran": "se"}


def _kepala_code(act: str, kind: str | None) -> str | None:
    """("instruksi", "kabupaten") -> "insbup"."""
    if kind not in _KEPALA_BY_KIND:
        return None
    code = _PREFIX_BY_ACT[act] + _KEPALA_BY_KIND[kind]
    return {"inbup": "insbup", "inwal": "inswal"}.get(code, code)


_ABBREVIATIONS = {
    "perda": "perda", "perdakab": "perda", "perdakot": "perda", "perdakota": "perda",
    "perdaprov": "perda",
    "pergub": "pergub", "perbup": "perbup",
    "perwal": "perwal", "perwali": "perwal", "perwalkot": "perwal", "perwako": "perwal",
    "kepgub": "kepgub", "kepbup": "kepbup",
    "kepwal": "kepwal", "kepwali": "kepwal", "kepwalkot": "kepwal", "kepwako": "kepwal",
    "ingub": "ingub", "insgub": "ingub", "inbup": "insbup", "insbup": "insbup",
    "inwal": "inswal", "inswal": "inswal", "inwali": "inswal", "inswali": "inswal",
    "segub": "segub", "sebup": "sebup", "sewal": "sewal", "sewali": "sewal",
    "uud": "uud", "uu": "uu", "perppu": "perppu", "perpu": "perppu", "pp": "pp",
    "perpres": "perpres", "keppres": "keppres", "kepres": "keppres", "inpres": "inpres",
    "permen": "permen", "pmk": "permen", "kepmen": "kepmen", "kmk": "kepmen",
    "se": "se",
}
# Abbreviations that name the regional head's instrument without saying which head.
_KEPALA_ABBREVIATIONS = {"perkada": "peraturan", "kepkada": "keputusan"}


def _norm_words(text: str) -> str:
    t = text.lower().replace("walikota", "wali kota")
    t = re.sub(r"undang\s*-\s*undang|undang\s+undang", "undang-undang", t)
    return re.sub(r"\s+", " ", t).strip()


def normalise_jenis(text: str, region_kind: str | None = None) -> tuple[str, str] | None:
    """Canonical ``(name, code)`` for a jenis as written in a title, feed or abbreviation.

    ``"Peraturan Bupati"``, ``"PERBUP"`` and ``"Perbup"`` all give ``("Peraturan Bupati",
    "perbup")``; ``"Peraturan Walikota"`` gives ``("Peraturan Wali Kota", "perwal")``. Text after
    the jenis is ignored (``"Peraturan Bupati Batang"``). ``region_kind`` (provinsi, kabupaten,
    kota) settles jenis that do not name the issuer: "Surat Edaran", "Keputusan", "Perkada",
    "Peraturan Kepala Daerah". Drafts ("Rancangan …", "Raperda") and abstracts ("Abstrak …")
    are not an instrument's jenis and give None; :func:`nlp.identity.parse_title` reads those
    prefixes.
    """
    if not text:
        return None
    t = _norm_words(text)
    if re.match(r"(rancangan|ranperda|raperda|ranperbup|ranperwal|rapergub|ranpergub|abstrak)\b", t):
        return None
    code = _jenis_code(t, region_kind)
    return (JENIS[code], code) if code else None


_ISSUER_WORDS = r"(gubernur|bupati|wali kota|kepala daerah)"


def _jenis_code(t: str, region_kind: str | None) -> str | None:
    """Code for normalised (lowercase, single-spaced) text that starts with a jenis."""
    if re.match(r"(peraturan )?terjemahan resmi\b", t):
        return "terjemahan"
    if t.startswith("undang-undang dasar"):
        return "uud"
    if re.match(r"peraturan pemerintah pengganti undang-undang\b", t):
        return "perppu"
    if t.startswith("undang-undang"):
        return "uu"
    if re.match(r"peraturan daerah\b", t):
        return "perda"
    if re.match(r"qanun\b", t):
        return "qanun"
    m = re.match(r"(peraturan|keputusan|instruksi|surat edaran)( bersama)? " + _ISSUER_WORDS + r"\b", t)
    if m:
        act, issuer = m.group(1), m.group(3)
        kind = region_kind if issuer == "kepala daerah" else _KIND_BY_KEPALA[issuer]
        return _kepala_code(act, kind)
    national = [(r"peraturan pemerintah\b", "pp"), (r"peraturan presiden\b", "perpres"),
                (r"keputusan presiden\b", "keppres"), (r"instruksi presiden\b", "inpres"),
                (r"peraturan menteri\b", "permen"), (r"keputusan menteri\b", "kepmen"),
                (r"surat edaran( bersama)? menteri\b", "semen"),
                (r"peraturan (badan|lembaga|bpjs|kepala badan)\b", "perban")]
    for pattern, code in national:
        if re.match(pattern, t):
            return code
    m = re.match(r"(surat edaran|keputusan|instruksi)\b", t)
    if m:
        if region_kind:
            return _kepala_code(m.group(1), region_kind)
        return "se" if m.group(1) == "surat edaran" else None
    # An abbreviation, possibly dotted or followed by an issuer: "PERBUP", "Perwali", "S.E. Bupati".
    m = re.match(r"([a-z.]+)(?:\s+" + _ISSUER_WORDS + r"\b)?", t)
    if m:
        abbr = m.group(1).replace(".", "")
        if m.group(2) and abbr == "se":
            issuer = m.group(2)
            kind = region_kind if issuer == "kepala daerah" else _KIND_BY_KEPALA[issuer]
            return _kepala_code("surat edaran", kind)
        if abbr in _ABBREVIATIONS:
            code = _ABBREVIATIONS[abbr]
            if code == "se" and region_kind:
                return _kepala_code("surat edaran", region_kind)
            return code
        if abbr.startswith("permen"):  # Permenaker, Permendagri, Permenkeu…
            return "permen"
        if abbr.startswith("kepmen"):
            return "kepmen"
        if abbr in _KEPALA_ABBREVIATIONS and region_kind:
            return _kepala_code(_KEPALA_ABBREVIATIONS[abbr], region_kind)
    return None


# --------------------------------------------------------------------------- nomor and reg_key

def nomor_tahun(nomor: str, tahun: str | None, *, year_shorthand: bool) -> tuple[str, str | None]:
    """A nomor as written, without spaces around its separators ("800 / 123 / 2023" ->
    "800/123/2023"), and its tahun: the one given, else the year that ends the nomor, as a
    circular's or decree's archival number carries it ("800/123/2023" -> "2023").
    ``year_shorthand``: the instrument writes "Nomor 12/2023" for "Nomor 12 Tahun 2023", so such a
    nomor is "12"; otherwise (a circular's, a decree's) the number stays whole."""
    nomor = re.sub(r"\s*([./-])\s*", r"\1", nomor)
    if not tahun:
        ym = re.search(r"[/.-]((?:19|20)\d{2})$", nomor)
        if ym:
            tahun = ym.group(1)
            short = re.fullmatch(r"(\d+)/(?:19|20)\d{2}", nomor)
            if short and year_shorthand:
                nomor = short.group(1)
    return nomor, tahun


def make_reg_key(jenis_code: str | None, region_code: str | None, tahun: int | str | None,
                 nomor: str | None) -> str | None:
    """``perbup/33.25/2024/30``, or None unless all four parts are known.

    The nomor slug is lowercased, "/" becomes "-", spaces and characters outside
    ``[a-z0-9.-]`` go, and a purely numeric nomor loses leading zeros: catalogues write
    "Nomor 09" and "Nomor 9" for the same instrument.
    """
    if not (jenis_code and region_code and tahun and nomor):
        return None
    slug = re.sub(r"\s+", "", str(nomor).lower()).replace("/", "-")
    slug = re.sub(r"[^a-z0-9.\-]", "", slug).strip("-.")
    if slug.isdigit():
        slug = str(int(slug))
    if not slug:
        return None
    return f"{jenis_code}/{region_code}/{int(tahun)}/{slug}"


class RegKey(NamedTuple):
    """The four parts of a ``reg_key``."""

    jenis_code: str
    region_code: str  # Kemendagri code ("33.25", "33") or "id"
    tahun: int
    nomor: str  # the slug, as in the key: "800-123-2023"


# A reg_key written anywhere, even inside other text ("lihat perbup/33.25/2024/30"): a jenis
# code, a provinsi or kabupaten/kota code or "id", a four-digit year and a nomor slug. Groups:
# ``jenis``, ``region``, ``tahun``, ``nomor``.
REG_KEY_PATTERN = re.compile(
    r"(?<![\w/])(?P<jenis>[a-z]+)/(?P<region>id|\d{2}(?:\.\d{2})?)/(?P<tahun>\d{4})"
    r"/(?P<nomor>[a-z0-9.\-]+)(?![\w/])", re.I)


def parse_reg_key(text: str) -> RegKey | None:
    """The parts of a ``reg_key`` (``"perbup/33.25/2024/30"``), in lower case, or None when
    ``text`` (surrounding spaces aside) is not one; a provisional key is not one."""
    m = REG_KEY_PATTERN.fullmatch((text or "").strip())
    if not m:
        return None
    return RegKey(m["jenis"].lower(), m["region"].lower(), int(m["tahun"]), m["nomor"].lower())


# The prefixes of provisional keys: a file (``berkas``) or a news article (``berita``) whose
# legal identity is not known; such a document is re-keyed when its identity is read.
PROVISIONAL_PREFIXES = ("berkas/", "berita/")


def provisional_key(seed: str, kind: str = "regulation") -> str:
    """``berita/<seed[:16]>`` for a news article (``kind`` "news"), else ``berkas/<seed[:16]>``;
    ``seed`` is a SHA-256 in hex (of the file, or of a crawled article's URL)."""
    return f"{'berita' if kind == 'news' else 'berkas'}/{seed[:16]}"


def news_key(url: str) -> str:
    """The key of a crawled news article, which has no legal identity: ``berita/`` and the
    SHA-256 prefix of its URL."""
    return provisional_key(hashlib.sha256(url.encode()).hexdigest(), "news")


def is_provisional(reg_key: str) -> bool:
    return reg_key.startswith(PROVISIONAL_PREFIXES)
