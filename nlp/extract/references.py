"""Citations of other instruments: jenis, nomor, tahun, tentang, and where they are cited.

"Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah", "UU No. 13 Tahun 1950",
"Instruksi Presiden (Inpres) Nomor 2 Tahun 2021", "Peraturan Menteri Dalam Negeri Nomor 27 Tahun
2021", "Surat Edaran Menteri Dalam Negeri Nomor 842.2/5193/SJ", "Pasal 18 ayat (6) Undang-Undang
Dasar Negara Republik Indonesia Tahun 1945". Gazette numbers ("Lembaran Negara … Tahun 2014 Nomor
244") are not instruments. The document's own identity is not a reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pantau.legal import make_reg_key, nomor_tahun, normalise_jenis

from ..identity import issuer_region, readable_tentang
from .patterns import load_patterns
from .spans import PageMap
from .structure import Structure

__all__ = ["Citation", "find_citations", "extract_references", "unnumbered_news_instruments",
           "same_instrument"]


def _family(code: str) -> str:
    """Circulars, decrees and instructions are told apart by issuer, which a heading may not
    name ("SURAT EDARAN" under a Sekretaris Daerah's letterhead): compare those by act only."""
    for prefix in ("se", "kep", "in"):
        if code.startswith(prefix) and code not in ("inpres",):
            return prefix
    return code


def same_instrument(a: tuple | None, b: tuple | None) -> bool:
    """Whether two (jenis_code, nomor, tahun) keys name the same instrument."""
    if not a or not b:
        return False
    return a[1:] == b[1:] and _family(a[0] or "") == _family(b[0] or "")


@dataclass
class Citation:
    jenis: str
    jenis_code: str
    nomor: str | None
    tahun: int | None
    tentang: str | None
    region_code: str | None
    start: int
    end: int  # end of the identity (before "tentang")
    tentang_end: int | None = None

    @property
    def key(self) -> tuple:
        return (self.jenis_code, (self.nomor or "").lower(), self.tahun)

    @property
    def reg_key(self) -> str | None:
        return make_reg_key(self.jenis_code, self.region_code, self.tahun, self.nomor)


def _frag(f: str) -> str:
    """"peraturan wali ?kota" -> regex with any whitespace between words, optional where "?"."""
    return (f.replace(" ?", "\0").replace(" ", r"\s+").replace("-", r"\s*-\s*")
            .replace("\0", r"\s*"))


@lru_cache(maxsize=1)
def _conf():
    r = load_patterns()["references"]
    jenis = "|".join(sorted((_frag(j) for j in r["jenis"]), key=len, reverse=True))
    abbr = "|".join(sorted(r["abbreviations"], key=len, reverse=True))
    # Issuer or region words between the jenis and its number: capitalised words, "dan",
    # a bracketed abbreviation "(Inpres)". Case matters here, so this part is case-sensitive.
    words = r"(?P<words>(?:[ \t\n\f]+(?:[A-Z][\w.'’-]*|dan|\((?:[A-Za-z]+)\)|(?i:republik|indonesia))){0,9}?)"
    # An emergency law of the 1950s is cited "Nomor 7 (Drt) Tahun 1956" or "Nomor 8 Drt. Tahun
    # 1956": its number belongs to a series of its own, kept as "7 (Drt)".
    nomor = (r"[\s,]*(?i:nomor|nomer|no\.?|nr\.?)\s*:?\s*"
             r"(?P<nomor>(?=[^\s,;]*\d)[0-9A-Za-z]+(?:\s?[./-]\s?[0-9A-Za-z]+)*)"
             r"(?P<drt>\s*\(\s*(?i:drt|darurat)\.?\s*\)|\s+(?i:drt)\b\.?)?"
             r"(?:\s*,?\s*(?i:tahun|th\.?)\s+(?P<tahun>(?:19|20)\d{2})\b)?")
    short = r"(?P<snomor>\d{1,4})/(?P<stahun>(?:19|20)\d{2})\b"
    head = re.compile(
        r"(?<!\w)(?P<jenis>(?i:" + jenis + r")|(?i:(?:" + abbr + r"))\.?(?=[\s(]))"
        + words + r"(?:" + nomor + r"|\s+" + short + r")")
    stops = re.compile("|".join(f"(?:{s})" for s in r["tentang_stops"]), re.IGNORECASE)
    news_stops = re.compile("|".join(f"(?:{s})" for s in r["tentang_stops"] + r["tentang_stops_news"]))
    return {
        "head": head,
        "uud": re.compile(r"(?<![\w-])" + r["uud"], re.IGNORECASE),
        "tentang": re.compile(r"\s*,?\s*(?i:tentang)\s*:?\s+"),
        "stops": stops,
        "news_stops": news_stops,
        "max": int(r["tentang_max_chars"]),
        "where_order": r["where_order"],
        "section_where": r["section_where"],
        "self": frozenset(r["self_words"]),
    }


_DRT_SUFFIX = re.compile(r"(?i)\s*/\s*drt\.?(?:/(?:19|20)\d{2})?$")


def _darurat(nomor: str, drt: str | None, words: str) -> str:
    """"7 (Drt)" for a law of the emergency series, however it is cited: "Nomor 7 (Drt)", "Nomor 8
    Drt.", "Nomor 7/Drt", "Undang-Undang Darurat Nomor 7", "UU Drt No. 7"."""
    bare = _DRT_SUFFIX.sub("", nomor)
    if drt or bare != nomor or re.search(r"(?i)\b(?:darurat|drt)\b", words):
        return f"{bare} (Drt)"
    return nomor


def _tentang(text: str, pos: int, news: bool = False) -> tuple[str | None, int | None]:
    c = _conf()
    m = c["tentang"].match(text, pos)
    if not m:
        return None, None
    start = m.end()
    window = text[start:start + c["max"]]
    stop = (c["news_stops"] if news else c["stops"]).search(window)
    raw = window[:stop.start()] if stop else window
    raw = raw.rstrip(" ,\n")
    return readable_tentang(raw), start + len(raw)


def find_citations(text: str, *, context_region: str | None = None,
                   region_kind: str | None = None, news: bool = False) -> list[Citation]:
    """Every instrument cited in ``text``, in order, nested ones included (a UU whose title
    names a Perppu cites both)."""
    c = _conf()
    out: list[Citation] = []
    for m in c["uud"].finditer(text):
        out.append(Citation("Undang-Undang Dasar", "uud", None, 1945, None, "id", m.start(), m.end()))
    for m in c["head"].finditer(text):
        jenis_text = re.sub(r"\s+", " ", m.group("jenis"))
        words = m.group("words") or ""
        if re.match(r"(?i)uud|uunri|undang-undang dasar", jenis_text.replace(" ", "")):
            continue  # the constitution has no number; handled above
        # the bracketed abbreviation is not a region word
        region_words = re.sub(r"\([^)]*\)", " ", words)
        jn = normalise_jenis(f"{jenis_text} {region_words}".strip(), region_kind) \
            or normalise_jenis(jenis_text, region_kind)
        if not jn:
            continue
        # "PMK Nomor 72/2024" is shorthand for "Nomor 72 Tahun 2024"; a circular's or
        # decree's "800/123/2023" is its archival number and stays whole
        nomor, tahun = nomor_tahun(m.group("nomor") or m.group("snomor"),
                                   m.group("tahun") or m.group("stahun"),
                                   year_shorthand=_family(jn[1]) not in ("se", "kep", "in"))
        nomor = _darurat(nomor, m.group("drt"), region_words)
        if not tahun and "/" not in nomor:
            continue  # "PERDAKAB. BATANG NO. 20, BD …": a catalogue line, not a citation
        region = issuer_region(jn[1], region_words, context_region=context_region)
        tentang, tentang_end = _tentang(text, m.end(), news)
        out.append(Citation(jn[0], jn[1], nomor, int(tahun) if tahun else None, tentang, region,
                            m.start(), m.end(), tentang_end))
    out.sort(key=lambda x: x.start)
    return out


def extract_references(citations: list[Citation], structure: Structure, pages: PageMap, *,
                       kind: str = "regulation", own_key: tuple | None = None,
                       skip=None) -> list[dict]:
    """One record per cited instrument (deduplicated), with the strongest place it is cited."""
    c = _conf()
    order = {w: i for i, w in enumerate(c["where_order"])}
    by_key: dict[tuple, dict] = {}
    for cit in citations:
        if same_instrument(own_key, cit.key):
            continue
        if skip is not None and skip(cit.start):
            continue
        if kind == "news":
            where = "news"
            loc = structure.locate(cit.start)
        else:
            loc = structure.locate(cit.start)
            where = c["section_where"].get(loc.section, "body")
        rec = by_key.get(cit.key)
        if rec is None:
            by_key[cit.key] = {
                "jenis": cit.jenis, "jenis_code": cit.jenis_code, "nomor": cit.nomor,
                "tahun": cit.tahun, "tentang": cit.tentang, "where": where,
                "reg_key": cit.reg_key, "pasal": loc.pasal, "ayat": loc.ayat,
                "page": pages.page(cit.start), "start": cit.start,
                "end": cit.tentang_end or cit.end, "mentions": 1,
            }
            continue
        rec["mentions"] += 1
        if not rec["tentang"] and cit.tentang:
            rec["tentang"] = cit.tentang
        if not rec["reg_key"] and cit.reg_key:
            rec["reg_key"] = cit.reg_key
        if order.get(where, 99) < order.get(rec["where"], 99):
            rec.update(where=where, pasal=loc.pasal, ayat=loc.ayat, page=pages.page(cit.start),
                       start=cit.start, end=cit.tentang_end or cit.end)
    return sorted(by_key.values(), key=lambda r: r["start"])


@lru_cache(maxsize=1)
def _news_conf():
    n = load_patterns()["news"]
    return re.compile(n["issued_verbs"]), re.compile(n["unnumbered_instruments"])


def unnumbered_news_instruments(text: str, sentences: list[tuple[int, int]], citations: list[Citation],
                                *, region_kind: str | None, region_code: str | None, skip=None) -> list[Citation]:
    """Instruments a news report says were issued without giving their number ("melalui
    terbitnya surat edaran"): jenis and region only."""
    issued, instrument = _news_conf()
    out = []
    for s, e in sentences:
        sent = text[s:e]
        if not issued.search(sent):
            continue
        for m in instrument.finditer(sent):
            a, b = s + m.start(), s + m.end()
            if skip is not None and skip(a):
                continue
            if any(cit.start <= a < (cit.tentang_end or cit.end) or a <= cit.start < b + 40
                   for cit in citations):
                continue
            jn = normalise_jenis(m.group("jenis"), region_kind)
            if not jn:
                continue
            region = issuer_region(jn[1], "", context_region=region_code)
            out.append(Citation(jn[0], jn[1], None, None, None, region, a, b))
    return out
