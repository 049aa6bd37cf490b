"""News articles: drop page furniture and find the regions an article is about.

News is evidence of a lower grade: it reports that a region issued a circular or set a target
before the instrument itself is found. Regions are recognised in the gazetteer of
:mod:`pantau.wilayah`: after a kind or office word ("Kabupaten Kendal", "Pemkot Pekalongan",
"Wali Kota Bogor", "Pemda Kudus") or, for names that are unique and not ordinary words, alone
("Kudus", "Jawa Tengah").
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from functools import lru_cache

from pantau import wilayah

from ..metadata import _PROVINCE_NICKNAMES, _resolve_region
from .patterns import load_patterns

__all__ = ["furniture_spans", "headline_spans", "Skipper", "find_regions", "primary_region"]


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
    for nick in _PROVINCE_NICKNAMES:
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


def find_regions(text: str, skip=None) -> list[dict]:
    """Regions named in ``text``, most mentioned first: code, gazetteer name, mentions, first
    mention's text and offsets."""
    c = _conf()
    hits: list[tuple[str, int, int]] = []
    covered: list[tuple[int, int]] = []
    for m in c["lead"].finditer(text):
        if skip is not None and skip(m.start()):
            continue
        kind = next(c["lead_kinds"][g] for g, v in m.groupdict().items() if v and g != "name")
        kind = None if kind == "any" else kind
        words = m.group("name").split()
        for n in range(len(words), 0, -1):
            name = " ".join(words[:n])
            code = _resolve_region(name, kind)
            if code:
                end = m.start("name") + len(re.match(r"\S+(?:[ \t]+\S+){%d}" % (n - 1),
                                                     text[m.start("name"):]).group())
                hits.append((code, m.start(), end))
                covered.append((m.start(), end))
                break
    for m in _nickname_rx().finditer(text):
        if skip is not None and skip(m.start()):
            continue
        if any(a <= m.start() < b for a, b in covered):
            continue
        code = wilayah.resolve(_PROVINCE_NICKNAMES[m.group().lower()], "provinsi")
        if code:
            hits.append((code, m.start(), m.end()))
    for m in _bare_rx().finditer(text):
        if not m.group()[0].isupper():
            continue
        if skip is not None and skip(m.start()):
            continue
        if any(a <= m.start() < b for a, b in covered):
            continue
        code = _bare_names().get(re.sub(r"\s+", " ", m.group().lower()))
        if code:
            hits.append((code, m.start(), m.end()))
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
