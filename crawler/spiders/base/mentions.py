"""What a news article says it is about: the regions it names and the instruments it reports.

A news report is weaker evidence than the instrument itself (evidence grade ``berita``), so this
reads conservatively:

- a region counts only when named with its kind or its government: "Kabupaten Kendal",
  "Pemkab Kendal", "Bupati Kendal", "Pemkot Pekalongan", "Wali Kota Pekalongan", "Pemda Kudus",
  "Provinsi Jawa Tengah". A bare "Pekalongan" (a kabupaten *and* a kota) or "Bima" (a region and
  a first name) is not counted; datelines ("TRIBUNJATENG.COM, SEMARANG –") name where the outlet
  sits, not what the story is about, and are not counted either;
- an instrument counts when written with its number: "Perbup Nomor 29 Tahun 2020 tentang ...",
  "Instruksi Presiden (Inpres) Nomor 2 Tahun 2021".

Pure functions (text in, values out), so they are tested on the demo articles directly.
"""

from __future__ import annotations

import re
from collections import Counter

from nlp import metadata as nlp_metadata
from pantau import wilayah

_KIND_OF_PREFIX = [
    (r"pemerintah\s+kabupaten|pemkab|kabupaten|kab\.|bupati|wakil\s+bupati|dprd\s+kabupaten",
     "kabupaten"),
    (r"pemerintah\s+kota|pemkot|wali\s*kota|wakil\s+wali\s*kota|walikota|dprd\s+kota|kota",
     "kota"),
    (r"pemerintah\s+provinsi|pemprov|provinsi|prov\.|gubernur|wakil\s+gubernur|dprd\s+provinsi",
     "provinsi"),
    (r"pemerintah\s+daerah|pemda", None),
]
_PREFIX = "|".join(p for p, _ in _KIND_OF_PREFIX)
_NAME_WORD = r"[A-Z][A-Za-z'’-]+"
_MENTION = re.compile(rf"(?<![\w.])(?i:(?P<prefix>{_PREFIX}))\s+"
                      rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}})")
_KIND_RES = [(re.compile(rf"^(?:{p})$", re.IGNORECASE), k) for p, k in _KIND_OF_PREFIX]

_JENIS_WORDS = (
    r"Instruksi\s+Presiden|Inpres|Peraturan\s+Presiden|Perpres|Peraturan\s+Pemerintah|"
    r"Undang-Undang|UU|Peraturan\s+Menteri(?:\s+[A-Z][a-z]+){0,3}|Permendagri|Permenaker|"
    r"Permen\w*|Surat\s+Edaran(?:\s+(?:Menteri\s+Dalam\s+Negeri|Mendagri|Bupati|Wali\s*kota|"
    r"Gubernur))?|Peraturan\s+Daerah|Perda|Peraturan\s+Bupati|Perbup|Peraturan\s+Wali\s*kota|"
    r"Perwal[i]?|Peraturan\s+Gubernur|Pergub|Keputusan\s+Bupati|Kepbup|"
    r"Keputusan\s+Wali\s*kota|Kepwal|Keputusan\s+Gubernur|Kepgub|Instruksi\s+Bupati|"
    r"Instruksi\s+Wali\s*kota|Instruksi\s+Gubernur")
_INSTRUMENT = re.compile(
    rf"(?<![\w])(?P<jenis>{_JENIS_WORDS})(?:\s*\((?P<abbr>[A-Za-z]{{2,12}})\))?"
    rf"(?P<region>(?:\s+(?:Kabupaten|Kota|Provinsi|Kab\.)?\s*[A-Z][a-z]+){{0,3}}?)"
    r"\s+(?:Nomor|No\.?)\s*(?P<nomor>[0-9][0-9A-Za-z./-]*?)"
    r"(?:\s+Tahun\s+(?P<tahun>(?:19|20)\d{2}))"
    r"(?:\s+tentang\s+(?P<tentang>[^.;\n]{3,200}))?",
    re.IGNORECASE)

# a news sentence goes on after the title: cut the tentang at a comma or a verb-like word
_TENTANG_END = re.compile(r",\s|\s(?:telah|sudah|resmi|pada|ini|itu|sebagai|yang\s+(?:di|me|ber))\w*\s",
                          re.IGNORECASE)


def kind_of_prefix(prefix: str) -> str | None:
    p = " ".join(prefix.split())
    for rx, kind in _KIND_RES:
        if rx.match(p):
            return kind
    return None


def region_mentions(text: str) -> Counter:
    """Kemendagri code -> how often a region is named with its kind in ``text``."""
    out: Counter = Counter()
    for m in _MENTION.finditer(text or ""):
        kind = kind_of_prefix(m.group("prefix"))
        words = m.group("name").split()
        for n in range(len(words), 0, -1):  # "Pekalongan Saelany Machfudz" -> "Pekalongan"
            name = " ".join(words[:n])
            code = wilayah.resolve(name, kind) if kind else wilayah.resolve(name)
            if code:
                out[code] += 1
                break
    return out


def dominant_region(counts: Counter) -> str | None:
    """The one kabupaten/kota an article is about: the only one named, or named at least twice
    as often as any other. None when no single kabupaten/kota dominates."""
    regions = wilayah.by_code()
    local = Counter({c: n for c, n in counts.items()
                     if c in regions and regions[c].kind in ("kabupaten", "kota")})
    ranked = local.most_common(2)
    if not ranked:
        return None
    if len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]:
        return ranked[0][0]
    return None


def instrument_mentions(text: str, region_code: str | None = None) -> list[dict]:
    """The numbered instruments ``text`` names, with their ``reg_key`` where it can be built
    (a local instrument without a region takes ``region_code``, the article's region, when the
    levels match)."""
    out: list[dict] = []
    seen: set[tuple] = set()
    regions = wilayah.by_code()
    for m in _INSTRUMENT.finditer(text or ""):
        jenis_text = " ".join(m.group("jenis").split())
        hit = nlp_metadata.normalise_jenis(jenis_text) or (
            nlp_metadata.normalise_jenis(m.group("abbr")) if m.group("abbr") else None)
        if not hit:
            continue
        jenis, code = hit
        level = nlp_metadata.JENIS_LEVEL.get(code)
        region_words = " ".join(m.group("region").split())
        region = None
        if level == "id":
            region = "id"
        elif level in ("kabupaten", "kota", "provinsi", "daerah"):
            kind = level if level != "daerah" else None
            if region_words:
                region = wilayah.resolve(region_words, kind)
            if region is None and region_code in regions:
                own = regions[region_code]
                if kind is None or own.kind == kind:
                    region = region_code
        nomor, tahun = m.group("nomor").rstrip("./-"), int(m.group("tahun"))
        key = (code, region, tahun, nomor)
        if key in seen:
            continue
        seen.add(key)
        tentang = _TENTANG_END.split(m.group("tentang") or "", 1)[0].strip() or None
        text_end = m.start("tentang") + len(tentang) if tentang else m.end("tahun")
        out.append({"text": " ".join(text[m.start():text_end].split()), "jenis": jenis,
                    "jenis_code": code,
                    "nomor": nomor, "tahun": tahun, "region_code": region,
                    "tentang": tentang,
                    "reg_key": nlp_metadata.make_reg_key(code, region, tahun, nomor)})
    return out
