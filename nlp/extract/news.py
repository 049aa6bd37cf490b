"""News articles: drop page furniture, find the regions an article is about and the instruments
it reports.

News is evidence of a lower grade: it reports that a region issued a circular or set a target
before the instrument itself is found. Regions are recognised in the gazetteer of
:mod:`pantau.wilayah`, read two ways for two uses:

- :func:`find_regions` and :func:`primary_region`, for the extractor's facts: a name after a kind
  or office word ("Kabupaten Kendal", "Pemkot Pekalongan", "Wali Kota Bogor", "Pemda Kudus"),
  a province nickname ("Jateng", "DIY") or, for names that are unique and not ordinary words,
  the name alone ("Kudus", "Jawa Tengah"); page furniture is skipped.
- :func:`region_mentions` and :func:`dominant_region`, for filing a crawled article under a region
  in the catalogue, read conservatively: a region counts only when named with its kind or its
  government ("Kabupaten Kendal", "Pemkab Kendal", "Bupati Kendal", "Pemkot Pekalongan", "Pemda
  Kudus", "Provinsi Jawa Tengah"). A bare "Pekalongan" (a kabupaten *and* a kota) or "Bima" (a
  region and a first name) is not counted; datelines ("TRIBUNJATENG.COM, SEMARANG –") name where
  the outlet sits, not what the story is about, and are not counted either.

:func:`instrument_mentions` lists the instruments an article reports with their number:
"Perbup Nomor 29 Tahun 2020 tentang ...", "Instruksi Presiden (Inpres) Nomor 2 Tahun 2021".
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from datetime import date
from functools import lru_cache

from pantau import wilayah
from pantau.dates import BULAN
from pantau.legal import JENIS_LEVEL, make_reg_key, normalise_jenis

from .patterns import load_patterns

__all__ = ["furniture_spans", "headline_spans", "Skipper", "find_regions", "primary_region",
           "region_mentions", "dominant_region", "instrument_mentions", "article_regions",
           "text_article_regions", "lead_text", "date_in_text", "LEAD_CHARS"]


@lru_cache(maxsize=1)
def _conf():
    n = load_patterns()["news"]
    leads = []
    for kind, words in n["region_leads"].items():
        for w in words:
            leads.append((kind, w))
    lead_rx = "|".join(f"(?P<{kind}_{i}>(?i:{w}))" for i, (kind, w) in enumerate(leads))
    return {
        "furniture": [re.compile(p, re.MULTILINE) for p in n["furniture_lines"]],
        "prose_min": int(n["prose_min_words"]),
        "headline_max": int(n["headline_max_words"]),
        "title_share": float(n["headline_title_case_share"]),
        "lead": re.compile(r"(?<!\w)(?:" + lead_rx + r")[ \t]+(?P<name>[A-Z][\w'’-]*(?:[ \t]+[A-Z][\w'’-]*){0,3})"),
        "lead_kinds": {f"{kind}_{i}": kind for i, (kind, _) in enumerate(leads)},
        "stop": frozenset(n["bare_name_stoplist"]),
        "office": re.compile(n["office_before"]),
    }


@lru_cache(maxsize=1)
def _bare_names() -> dict[str, str]:
    """Lowercased short name -> code, for names that belong to exactly one region."""
    counts = Counter(w.short_name.lower() for w in wilayah.all_regions())
    stop = _conf()["stop"]
    return {w.short_name.lower(): w.kode for w in wilayah.all_regions()
            if counts[w.short_name.lower()] == 1 and w.short_name.lower() not in stop
            and not w.short_name.lower().startswith("administrasi")}


@lru_cache(maxsize=1)
def _bare_rx():
    names = sorted(_bare_names(), key=len, reverse=True)
    alts = "|".join(re.escape(n).replace(r"\ ", r"[ \t]+") for n in names)
    return re.compile(r"(?<![\w.])(?:" + alts + r")(?![\w-])", re.IGNORECASE)


@lru_cache(maxsize=1)
def _nickname_rx():
    """Province short forms as written: "DIY", "DKI", "NTB" in capitals; "Jateng", "Kalbar" with
    a capital initial."""
    alts = []
    for nick in wilayah.PROVINCE_NICKNAMES:
        alts.append(re.escape(nick.upper()) if len(nick) <= 3 else re.escape(nick.capitalize()))
    return re.compile(r"(?<![\w.])(?:" + "|".join(alts) + r")(?![\w-])")


def _title_case_share(line: str) -> float:
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", line) if len(w) > 3]
    if not words:
        return 0.0
    return sum(w[0].isupper() for w in words) / len(words)


def furniture_spans(text: str) -> list[tuple[int, int]]:
    """Lines that are page furniture: related-article links, bylines, comment boxes, and short
    title-case lines (other stories' headlines) once the article has started."""
    c = _conf()
    spans = []
    started = False
    for m in re.finditer(r"[^\n]*", text):
        line = m.group()
        if not line.strip():
            continue
        words = line.split()
        furniture = any(rx.search(line) for rx in c["furniture"])
        if not furniture and started and len(words) <= c["headline_max"] \
                and not re.search(r"[.:;\"”’)]\s*$", line) \
                and _title_case_share(line) >= c["title_share"]:
            furniture = True
        if furniture:
            spans.append((m.start(), m.end()))
        elif len(words) >= c["prose_min"]:
            started = True
    return spans


def headline_spans(text: str) -> list[tuple[int, int]]:
    """Short title-case lines without closing punctuation: headlines, decks, section titles.
    Rules and figures are read from the article's sentences, not from its headlines."""
    c = _conf()
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        if len(line.split()) <= c["headline_max"] and not re.search(r"[.:;\"”’)]\s*$", line) \
                and _title_case_share(line) >= c["title_share"]:
            spans.append((m.start(), m.end()))
    return spans


class Skipper:
    """``skip(offset)`` is true inside a furniture line."""

    def __init__(self, spans: list[tuple[int, int]]):
        self._starts = [s for s, _ in spans]
        self._spans = spans

    def __call__(self, offset: int) -> bool:
        i = bisect.bisect_right(self._starts, offset) - 1
        return i >= 0 and self._spans[i][0] <= offset < self._spans[i][1]


def _leading_region(words: list[str], kind: str | None, *,
                    short_forms: bool) -> tuple[str, int] | None:
    """The region the most leading ``words`` name, and how many words name it: a name is followed
    by other capitalised words ("Pekalongan Saelany Machfudz" -> Kota Pekalongan, 1)."""
    for n in range(len(words), 0, -1):
        code = wilayah.resolve(" ".join(words[:n]), kind, short_forms=short_forms)
        if code:
            return code, n
    return None


def find_regions(text: str, skip=None, bare_skip=None) -> list[dict]:
    """Regions named in ``text``, most mentioned first: code, gazetteer name, mentions, first
    mention's text and offsets. ``bare_skip(offset)``: where a name without a kind or office word
    before it does not count (OCR'd text, where a scribble can read as "Langsa")."""
    c = _conf()
    hits: list[tuple[str, int, int]] = []
    covered: list[tuple[int, int]] = []
    for m in c["lead"].finditer(text):
        if skip is not None and skip(m.start()):
            continue
        kind = next(c["lead_kinds"][g] for g, v in m.groupdict().items() if v and g != "name")
        kind = None if kind == "any" else kind
        found = _leading_region(m.group("name").split(), kind, short_forms=True)
        if found:
            code, n = found
            end = m.start("name") + len(re.match(r"\S+(?:[ \t]+\S+){%d}" % (n - 1),
                                                 text[m.start("name"):]).group())
            hits.append((code, m.start(), end))
            covered.append((m.start(), end))
    for m in _nickname_rx().finditer(text):
        if skip is not None and skip(m.start()):
            continue
        if any(a <= m.start() < b for a, b in covered):
            continue
        code = wilayah.resolve(wilayah.PROVINCE_NICKNAMES[m.group().lower()], "provinsi")
        if code:
            hits.append((code, m.start(), m.end()))
    for m in _bare_rx().finditer(text):
        if not m.group()[0].isupper():
            continue
        if (skip is not None and skip(m.start())) or (bare_skip is not None and bare_skip(m.start())):
            continue
        if any(a <= m.start() < b for a, b in covered):
            continue
        code = _bare_names().get(re.sub(r"\s+", " ", m.group().lower()))
        if code:
            hits.append((code, m.start(), m.end()))
    hits = [h for h in hits if not c["office"].search(text[max(0, h[1] - 30):h[1]])]
    by_code: dict[str, dict] = {}
    for code, s, e in sorted(hits, key=lambda h: h[1]):
        rec = by_code.get(code)
        if rec is None:
            by_code[code] = {"code": code, "name": wilayah.by_code()[code].nama, "mentions": 1,
                             "text": re.sub(r"\s+", " ", text[s:e]), "start": s, "end": e}
        else:
            rec["mentions"] += 1
    return sorted(by_code.values(), key=lambda r: (-r["mentions"], r["start"]))


def primary_region(regions: list[dict], lede_end: int) -> str | None:
    """The region an article is about: the most mentioned region named in its headline or
    lede (a kabupaten/kota before a province)."""
    in_lede = [r for r in regions if r["start"] < lede_end]
    if not in_lede:
        return None
    local = [r for r in in_lede if wilayah.by_code()[r["code"]].kind != "provinsi"]
    return (local or in_lede)[0]["code"]


# --------------------------------------------------------------------------- filing a crawled article

# The words that name a region with its kind, head or government ("Wakil Bupati Kendal", "DPRD
# Kota Semarang", "Pemda Kudus"), and the kind each implies. Kept apart from the extractor's
# ``region_leads`` (nlp/patterns/news.yaml), which are versioned with the facts they make: these
# decide which region a crawled article is filed under.
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


def _kind_of_prefix(prefix: str) -> str | None:
    p = " ".join(prefix.split())
    for rx, kind in _KIND_RES:
        if rx.match(p):
            return kind
    return None


def region_mentions(text: str) -> Counter:
    """Kemendagri code -> how often a region is named with its kind or government in ``text``."""
    out: Counter = Counter()
    for m in _MENTION.finditer(text or ""):
        found = _leading_region(m.group("name").split(), _kind_of_prefix(m.group("prefix")),
                                short_forms=False)
        if found:
            out[found[0]] += 1
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
        hit = normalise_jenis(jenis_text) or (
            normalise_jenis(m.group("abbr")) if m.group("abbr") else None)
        if not hit:
            continue
        jenis, code = hit
        level = JENIS_LEVEL.get(code)
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
                    "reg_key": make_reg_key(code, region, tahun, nomor)})
    return out

# --------------------------------------------------------------------------- whole articles

LEAD_CHARS = 800  # the lead: the headline and the first paragraphs, up to about this long
_HARI = r"(?:Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Jum’at|Sabtu|Minggu|Ahad)"
# Indonesian news dates an event by weekday and date: "Jumat (21/5/2021)", "Rabu, (29/7/2020)",
# "Selasa 10 Juni 2025". A weekday is required: a bare date is too often something else.
_TEXT_DATE = re.compile(
    _HARI + r"\s*,?\s*\(?\s*(?:(?P<d1>\d{1,2})\s*/\s*(?P<m1>\d{1,2})\s*/\s*(?P<y1>\d{4})"
    r"|(?P<d2>\d{1,2})\s+(?P<m2>" + "|".join(BULAN) + r")\s+(?P<y2>\d{4}))",
    re.IGNORECASE)


def date_in_text(text: str) -> date | None:
    """The first weekday-anchored date in ``text`` (``Jumat (21/5/2021)``), if any."""
    for m in _TEXT_DATE.finditer(text):
        try:
            if m.group("y1"):
                return date(int(m.group("y1")), int(m.group("m1")), int(m.group("d1")))
            return date(int(m.group("y2")), BULAN[m.group("m2").lower()], int(m.group("d2")))
        except ValueError:
            continue
    return None


def lead_text(headline: str | None, paras: list[str], limit: int = LEAD_CHARS) -> str:
    """The headline and the first paragraphs, up to ``limit`` characters."""
    parts, size = [headline or ""], 0
    for p in paras:
        if size >= limit:
            break
        parts.append(p)
        size += len(p)
    return "\n".join(x for x in parts if x)


def article_regions(headline: str | None, paras: list[str]) -> tuple[str | None, list[dict]]:
    """(the kabupaten/kota the article is about, or None; every region it names with counts
    in the lead and in the whole text)."""
    lead = region_mentions(lead_text(headline, paras))
    body = region_mentions("\n".join([headline or "", *paras]))
    regions = wilayah.by_code()
    mentioned = [{"code": c, "name": regions[c].nama if c in regions else c,
                  "lead": lead.get(c, 0), "body": body.get(c, 0)}
                 for c in sorted(set(lead) | set(body))]
    return dominant_region(lead), mentioned


def text_article_regions(text: str) -> tuple[str | None, list[dict]]:
    """:func:`article_regions` for an article given as plain text (``pantau ingest --news``): its
    first line that reads as a headline, then its paragraphs (its other non-empty lines)."""
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    skip = Skipper(furniture_spans("\n".join(lines)))
    kept, pos = [], 0
    for ln in lines:
        if not skip(pos):
            kept.append(ln)
        pos += len(ln) + 1
    headline = next((ln for ln in kept if len(ln.split()) >= 4), kept[0] if kept else None)
    paras = [ln for ln in kept if ln is not headline]
    return article_regions(headline, paras)

