"""The Kemendagri gazetteer of 38 provinces and 514 kabupaten/kota, over time, and the one reader of
region names.

Data: ``pantau/data/wilayah`` (derived from cahyadsn/wilayah_boundaries and cahyadsn/wilayah, MIT;
the licence file travels with it; ``SOURCES.md`` says what each file holds and where it comes
from). This module is pure data access, so every layer may use it; every region name read
anywhere (titles, feeds, BPK cards and slugs, news) goes through :func:`match` or :func:`resolve`.

**Regions over time.** :func:`all_regions` is today's map (552 regions). A region re-coded by a
pemekaran keeps its former code in ``history.csv`` (Kabupaten Merauke was 91.01 in Provinsi Papua
until UU 14/2022 of 25 July 2022 made it 93.01 in Provinsi Papua Selatan). A document keeps the
code it was issued under (:func:`code_on`, :func:`issued_code`); every roll-up follows today's map
(:func:`current_code`, :func:`province_today`). Former and variant names of a region
(``names.csv``: Kabupaten Toba Samosir until PP 14/2020) and common abbreviations
(``singkatan.csv``: Kukar, OKU, TTS...) are read too.

**Never a guess.** A name that fits several regions ("Pekalongan": a kabupaten and a kota) is
reported as ambiguous (:class:`Match` ``status="ambiguous"`` with its candidates); a name whose
region changed code during the one year a caller knows is ``"ambiguous_date"``; a name of a
region that did not exist yet on the date is ``"not_in_force"``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

DATA = resources.files("pantau") / "data" / "wilayah"
KINDS = ("provinsi", "kabupaten", "kota")


@dataclass(frozen=True)
class Wilayah:
    """One administrative region. ``kind`` is ``provinsi``, ``kabupaten`` or ``kota``.

    ``valid_from``/``valid_until`` bound the time the code was in force (``valid_until`` is the
    first day it no longer was; ``None``: since before the gazetteer's records / still today);
    ``successor`` is the code that replaced a former code.
    """

    kode: str
    nama: str
    kind: str
    kode_provinsi: str | None
    lat: float
    lng: float
    valid_from: date | None = None
    valid_until: date | None = None
    successor: str | None = None
    dasar: str | None = None  # the legal basis of the change (e.g. "UU 14/2022 ...")

    @property
    def short_name(self) -> str:
        """The name without its kind: ``Batang`` for ``Kabupaten Batang``."""
        return re.sub(r"^(Kabupaten|Kota)\s+", "", self.nama)

    @property
    def in_force(self) -> bool:
        """True for today's regions, False for a former code."""
        return self.valid_until is None

    def in_force_on(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and \
            (self.valid_until is None or on < self.valid_until)


@dataclass(frozen=True)
class OtherName:
    """Another name of a region (today's code): a former official name (``until`` is the day it
    stopped being one) or a variant spelling still in use (``until`` empty)."""

    kode: str
    nama: str
    until: date | None
    dasar: str


@dataclass(frozen=True)
class Match:
    """What a region name means.

    ``status``: ``ok`` (one region), ``ambiguous`` (several; ``candidates`` lists them),
    ``ambiguous_date`` (one region, whose code changed within the year given), ``not_in_force``
    (the region did not exist on the date given) or ``unknown``. ``code`` is the code in force on
    the date asked for (today's without a date); ``current`` is today's code of the region.
    """

    name: str
    status: str
    code: str | None = None
    current: str | None = None
    candidates: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.code is not None

    def describe(self) -> str:
        """One line for a failure record: ``Pekalongan: 33.26 Kabupaten Pekalongan | 33.75 Kota
        Pekalongan``."""
        regions = by_code()
        shown = " | ".join(f"{c} {regions[c].nama}" for c in self.candidates if c in regions)
        return f"{self.name}: {self.status}" + (f" ({shown})" if shown else "")


# --------------------------------------------------------------------------- the data


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@lru_cache(maxsize=1)
def _history_rows() -> tuple[dict, ...]:
    with (DATA / "history.csv").open(encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


@lru_cache(maxsize=1)
def all_regions() -> tuple[Wilayah, ...]:
    """Today's 552 regions: provinces first, then kabupaten/kota, each ordered by code."""
    since: dict[str, date] = {}  # a code made by a pemekaran is in force from that day
    for row in _history_rows():
        since[row["successor"]] = _date(row["valid_until"])
    out: list[Wilayah] = []
    with (DATA / "provinsi_centroids.csv").open(encoding="utf-8") as fh:
        provinces = list(csv.DictReader(fh))
    with (DATA / "kabkota_centroids.csv").open(encoding="utf-8") as fh:
        kabkota = list(csv.DictReader(fh))
    for row in kabkota:
        if row["kode"] in since:  # a new province is as old as its first re-coded kabupaten
            p = row["kode_provinsi"]
            since[p] = min(since.get(p, since[row["kode"]]), since[row["kode"]])
    for row in provinces:
        out.append(Wilayah(row["kode"], row["nama"].strip(), "provinsi", None,
                           float(row["lat"]), float(row["lng"]), valid_from=since.get(row["kode"])))
    for row in kabkota:
        nama = row["nama"].strip()
        kind = "kota" if nama.startswith("Kota ") else "kabupaten"
        out.append(Wilayah(row["kode"], nama, kind, row["kode_provinsi"], float(row["lat"]),
                           float(row["lng"]), valid_from=since.get(row["kode"])))
    return tuple(out)


@lru_cache(maxsize=1)
def by_code() -> dict[str, Wilayah]:
    """Today's regions by code."""
    return {w.kode: w for w in all_regions()}


@lru_cache(maxsize=1)
def former_regions() -> tuple[Wilayah, ...]:
    """Former codes (``history.csv``), each with the day it ceased and its successor."""
    today = by_code()
    out = []
    for row in _history_rows():
        succ = today[row["successor"]]  # a broken data file fails loudly here
        out.append(Wilayah(row["kode"], row["nama"], row["kind"], row["kode_provinsi"],
                           succ.lat, succ.lng, valid_until=_date(row["valid_until"]),
                           successor=succ.kode, dasar=row["dasar"]))
    return tuple(out)


@lru_cache(maxsize=1)
def any_code() -> dict[str, Wilayah]:
    """Every code the gazetteer knows, today's and former ones."""
    return {**{w.kode: w for w in former_regions()}, **by_code()}


@lru_cache(maxsize=1)
def other_names() -> tuple[OtherName, ...]:
    with (DATA / "names.csv").open(encoding="utf-8") as fh:
        rows = [OtherName(r["kode"], r["nama"], _date(r["until"]), r["dasar"])
                for r in csv.DictReader(fh)]
    for r in rows:
        by_code()[r.kode]  # noqa: B018 - a name of an unknown code fails loudly
    return tuple(rows)


def current_code(code: str | None) -> str | None:
    """Today's code of the region ``code`` names (a former code gives its successor)."""
    w = any_code().get(code or "")
    while w is not None and w.successor:
        w = any_code().get(w.successor)
    return w.kode if w is not None else None


def history(code: str) -> list[Wilayah]:
    """The codes of one region over time, oldest first (today's code last)."""
    now = current_code(code)
    if now is None:
        return []
    older = [w for w in former_regions() if current_code(w.kode) == now]
    return sorted(older, key=lambda w: w.valid_until or date.max) + [by_code()[now]]


def code_on(code: str, on: date) -> str | None:
    """The code the region ``code`` names had on ``on`` (None: it did not exist then).
    ``code_on("93.01", date(2020, 5, 1)) == "91.01"``."""
    for w in history(code):
        if w.in_force_on(on):
            return w.kode
    return None


def codes_in_year(code: str, year: int) -> list[str]:
    """The codes the region ``code`` names had at some time in ``year``."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    return [w.kode for w in history(code)
            if (w.valid_from is None or w.valid_from <= end)
            and (w.valid_until is None or start < w.valid_until)]


def issued_code(code: str | None, *, on: date | None = None, year: int | None = None) -> str | None:
    """The code a document of region ``code`` was issued under: the one in force on ``on``, or
    during ``year`` when only the year is known. Falls back to ``code`` itself when that cannot
    be told (no date, a year in which the code changed, a date before the region existed)."""
    if not code or code not in any_code():
        return code
    if on is not None:
        return code_on(code, on) or code
    if year is not None:
        codes = codes_in_year(code, year)
        if len(codes) == 1:
            return codes[0]
    return code


def province_today(code: str | None) -> str | None:
    """Today's province of the region ``code`` names (a province gives itself): the roll-up."""
    now = current_code(code)
    if now is None:
        return None
    w = by_code()[now]
    return w.kode if w.kind == "provinsi" else w.kode_provinsi


def bpk_slug(code: str) -> str | None:
    """The region as peraturan.bpk.go.id writes it in its URLs: ``kab-batang``,
    ``kota-pekalongan``, ``prov-jawa-tengah``."""
    w = any_code().get(code)
    if w is None:
        return None
    prefix = {"kabupaten": "kab", "kota": "kota", "provinsi": "prov"}[w.kind]
    name = w.short_name.removeprefix("Administrasi ")
    return prefix + "-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


# --------------------------------------------------------------------------- normalising names

def _norm(name: str) -> str:
    name = name.lower().replace("walikota", "wali kota").replace("walkot", "wali kota")
    name = re.sub(r"[^a-z0-9 ]+", " ", name)
    return re.sub(r"\s+", " ", name).strip()


_KEP = re.compile(r"\bkep\b(?= \w)")


def _key(name: str) -> str:
    """The lookup key of a bare region name: normalised, "Kep." read as "Kepulauan",
    "Administrasi" dropped."""
    n = _KEP.sub("kepulauan", _norm(name))
    n = re.sub(r"^(?:administrasi|adm) ", "", n)
    return n


def _compact(key: str) -> str:
    """The key without spaces, for spellings that split or join words (Batang Hari/Batanghari,
    Bau Bau/Baubau/Bau-Bau, Tojo Una-Una)."""
    return key.replace(" ", "")


# Common names of provinces that differ from the gazetteer's official names.
_PROVINCE_ALIASES = {
    "dki": "31", "d i yogyakarta": "34", "diy": "34", "nad": "11",
}

_KIND_WORDS = {
    "kabupaten": "kabupaten", "kab": "kabupaten", "bupati": "kabupaten",
    "kota": "kota", "wali kota": "kota", "kotamadya": "kota", "kota madya": "kota",
    "kodya": "kota",
    "provinsi": "provinsi", "prov": "provinsi", "propinsi": "provinsi", "gubernur": "provinsi",
}
_KIND_WORDS_LONGEST = sorted(_KIND_WORDS.items(), key=lambda kv: -len(kv[0]))


@lru_cache(maxsize=1)
def _index() -> tuple[dict[tuple[str, str], frozenset[str]], dict[tuple[str, str], frozenset[str]]]:
    """(kind, key) -> today's codes, and the same by compact key: every official name, former or
    variant name, and the province aliases."""
    plain: dict[tuple[str, str], set[str]] = {}
    compact: dict[tuple[str, str], set[str]] = {}

    def add(kind: str, name: str, code: str) -> None:
        k = _key(name)
        plain.setdefault((kind, k), set()).add(code)
        compact.setdefault((kind, _compact(k)), set()).add(code)

    for w in all_regions():
        add(w.kind, w.short_name, w.kode)
    for o in other_names():
        w = by_code()[o.kode]
        add(w.kind, re.sub(r"^(Kabupaten|Kota)\s+", "", o.nama), o.kode)
    for alias, code in _PROVINCE_ALIASES.items():
        add("provinsi", alias, code)
    freeze = lambda d: {k: frozenset(v) for k, v in d.items()}  # noqa: E731
    return freeze(plain), freeze(compact)


@lru_cache(maxsize=1)
def _abbreviations() -> dict[str, str]:
    """Abbreviation key (Kukar, OKU, TTS...) -> today's code, from ``singkatan.csv``."""
    out = {}
    with (DATA / "singkatan.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            hit = _candidates_plain(row["nama"], None)
            if len(hit) != 1:
                raise ValueError(f"singkatan.csv: {row['nama']!r} is not one region ({hit})")
            out[_key(row["singkatan"])] = next(iter(hit))
    return out


def _split_kind(n: str, kind: str | None) -> tuple[str, str | None]:
    """Drop a leading kind word ("Kab.", "Wali Kota", "Provinsi"); the caller's kind wins."""
    for word, k in _KIND_WORDS_LONGEST:
        if n == word or n.startswith(word + " "):
            return n[len(word):].strip(), kind or k
    return n, kind


# JDIHN teuBadan is "<Provinsi>.<Kabupaten X>"; abbreviations such as "Kab." or "D.I." are not
_TEU = re.compile(r"^\s*([A-Za-z][A-Za-z ]{3,})\.\s*((?:Kabupaten|Kota|Kab\.?|Provinsi|Prov\.?)\s.*)$")


def _candidates_plain(name: str, kind: str | None) -> frozenset[str]:
    """Today's codes a name as the gazetteer writes it can mean (no short forms)."""
    if not name:
        return frozenset()
    m = _TEU.match(name)
    text = m.group(2) if m else name
    n, kind = _split_kind(_norm(text), kind)
    if not n:
        return frozenset()
    key = _key(n)
    plain, compact = _index()
    kinds = (kind,) if kind else KINDS
    hits: set[str] = set()
    for k in kinds:
        hits |= plain.get((k, key), frozenset())
    if not hits:
        for k in kinds:
            hits |= compact.get((k, _compact(key)), frozenset())
    return frozenset(hits)


_GOVERNMENT_WORDS = re.compile(r"^(?:pemerintah(?:\s+daerah)?|pemda|pemkab|pemkot|pemprov|"
                               r"sekretariat daerah|setda)\s+", re.IGNORECASE)
_GOVERNMENT_KIND = {"pemkab": "kabupaten", "pemkot": "kota", "pemprov": "provinsi"}

# Province nicknames common in titles, feeds and news ("Pergub Jateng", "Pemprov DIY").
PROVINCE_NICKNAMES = {
    "jateng": "Jawa Tengah", "jatim": "Jawa Timur", "jabar": "Jawa Barat",
    "sumut": "Sumatera Utara", "sumbar": "Sumatera Barat", "sumsel": "Sumatera Selatan",
    "sulut": "Sulawesi Utara", "sulteng": "Sulawesi Tengah", "sulsel": "Sulawesi Selatan",
    "sultra": "Sulawesi Tenggara", "sulbar": "Sulawesi Barat", "kalbar": "Kalimantan Barat",
    "kalteng": "Kalimantan Tengah", "kalsel": "Kalimantan Selatan", "kaltim": "Kalimantan Timur",
    "kaltara": "Kalimantan Utara", "ntb": "Nusa Tenggara Barat", "ntt": "Nusa Tenggara Timur",
    "babel": "Kepulauan Bangka Belitung", "kepri": "Kepulauan Riau", "malut": "Maluku Utara",
    "diy": "Daerah Istimewa Yogyakarta", "dki": "Daerah Khusus Ibukota Jakarta",
}
_SHORT_FORMS = [
    (re.compile(r"\bdki\b", re.I), "Daerah Khusus Ibukota"),
    (re.compile(r"\bd\.?\s?i\.?\s+(?=yogyakarta)|\bdiy\b", re.I), "Daerah Istimewa "),
    (re.compile(r"\badm\.?(?=\s)", re.I), "Administrasi"),
]


def _with_short_forms(name: str, kind: str | None) -> frozenset[str]:
    """:func:`_candidates_plain`, plus the short forms of titles and news: province nicknames
    (Jateng), DKI, DIY, "D.I. Yogyakarta", "Adm." and abbreviations of kabupaten (Kukar, OKU)."""
    name = re.sub(r"\s+", " ", name).strip(" ,.:;")
    if not name:
        return frozenset()
    bare = re.sub(r"(?i)^(provinsi|prov\.?)\s+", "", name)
    nickname = PROVINCE_NICKNAMES.get(_norm(bare))
    if nickname:
        if kind not in (None, "provinsi"):
            return frozenset()
        return _candidates_plain(nickname, "provinsi")
    # Expand short forms first: a dotted name would be read as "Province.Region", and
    # "D.I. Yogyakarta" taken for Kota Yogyakarta.
    expanded = name
    for pattern, repl in _SHORT_FORMS:
        expanded = pattern.sub(repl, expanded)
    expanded = re.sub(r"\s+", " ", expanded).strip()
    hits = _candidates_plain(expanded, kind)
    if hits:
        return hits
    n, k = _split_kind(_norm(name), kind)
    code = _abbreviations().get(_key(n))
    if code and (k is None or by_code()[code].kind == k):
        return frozenset({code})
    return frozenset()


def _candidates(name: str, kind: str | None, short_forms: bool,
                catalogue_field: bool) -> frozenset[str]:
    lookup = _with_short_forms if short_forms else _candidates_plain
    hits = lookup(name, kind)
    if hits or not catalogue_field:
        return hits
    # a catalogue field (teuBadan, tempatTerbit, T.E.U. Badan) names the issuing body: a name of
    # another kind than the jenis suggests is taken when it is the only reading, and a
    # government word before the name or a province before a dot is dropped
    hits = lookup(name, None)
    if hits:
        return hits
    last = name.split(".")[-1].strip() if not re.search(r"(?i)\b(kab|prov|adm|kep)\.", name) \
        else name
    m = _GOVERNMENT_WORDS.match(last)
    if m:
        word = m.group(0).strip().lower()
        stripped = last[m.end():]
        if word in _GOVERNMENT_KIND and not _split_kind(_norm(stripped), None)[1]:
            stripped = f"{_GOVERNMENT_KIND[word]} {stripped}"
        return lookup(stripped, kind) or lookup(stripped, None)
    return frozenset()


# "Kabupaten Banjar, Kalimantan Selatan", "Banjar (Jawa Barat)"
_QUALIFIER = re.compile(r"^(?P<name>.+?)\s*(?:,\s*|\(\s*)(?P<province>(?:provinsi\s+|prov\.?\s*)?"
                        r"[A-Za-z][A-Za-z .]+?)\s*\)?\s*$", re.IGNORECASE)


def _qualified(name: str, kind: str | None, short_forms: bool,
               catalogue_field: bool) -> frozenset[str]:
    """Candidates of a name that may carry its province: after a comma, in parentheses, or
    before a dot (JDIHN ``teuBadan``). The province only narrows a choice; it never overrides
    a name that fits one region."""
    hits = _candidates(name, kind, short_forms, catalogue_field)
    province = None
    m = _QUALIFIER.match(name)
    if m and (len(hits) != 1):
        province = _candidates_plain(m.group("province"), "provinsi")
        if len(province) == 1:
            hits = _candidates(m.group("name"), kind, short_forms, catalogue_field) or hits
    t = _TEU.match(name)
    if t and len(hits) > 1:
        province = _candidates_plain(t.group(1), "provinsi")
    if province and len(province) == 1 and len(hits) > 1:
        (p,) = province
        narrowed = frozenset(c for c in hits if p in _provinces_ever(c))
        hits = narrowed or hits
    return hits


@lru_cache(maxsize=None)
def _provinces_ever(code: str) -> frozenset[str]:
    """Every province a region has belonged to (itself for a province)."""
    return frozenset((w.kode if w.kind == "provinsi" else w.kode_provinsi) for w in history(code))


def match(name: str | None, kind: str | None = None, *, on: date | int | None = None,
          short_forms: bool = False, catalogue_field: bool = False) -> Match:
    """What ``name`` means: see :class:`Match`.

    Accepts ``"Kabupaten Batang"``, ``"Kab. Batang"``, ``"BUPATI BATANG"``, ``"Wali Kota
    Pekalongan"``, ``"Jawa Tengah.Kabupaten Batang"`` (JDIHN ``teuBadan``), ``"Kota Banjar (Jawa
    Barat)"``, spellings that split or join words (Batang Hari, Bau-Bau), former and variant names
    (Toba Samosir, Pangkajene Kepulauan) or a bare ``"Batang"`` with ``kind``.

    ``on`` is the date the name was written (a document's date), or just its year: ``code`` is
    then the code in force on that date (Kabupaten Merauke in 2020: 91.01). ``short_forms`` also
    reads the short forms of titles and news: province nicknames (:data:`PROVINCE_NICKNAMES`,
    "Pergub Jateng"), "DKI", "DIY", "Adm." and abbreviations of kabupaten ("Kukar", "OKU").
    ``catalogue_field`` reads the issuing body a catalogue record names (``teuBadan``,
    ``tempatTerbit``, BPK's T.E.U. Badan): a name of another kind than ``kind`` is taken when that
    is the only reading, and a government word before the name ("Pemerintah", "Pemkab",
    "Sekretariat Daerah") or a province before a dot is dropped.
    """
    text = (name or "").strip()
    if not text:
        return Match(text, "unknown")
    hits = _qualified(text, kind, short_forms, catalogue_field)
    if not hits:
        return Match(text, "unknown")
    if len(hits) > 1:
        return Match(text, "ambiguous", candidates=tuple(sorted(hits)))
    (now,) = hits
    if on is None:
        return Match(text, "ok", now, now, (now,))
    if isinstance(on, int):
        codes = codes_in_year(now, on)
        if len(codes) == 1:
            return Match(text, "ok", codes[0], now, (now,))
        return Match(text, "ambiguous_date" if codes else "not_in_force", None, now, (now,))
    code = code_on(now, on)
    return Match(text, "ok" if code else "not_in_force", code, now, (now,))


def resolve(name: str | None, kind: str | None = None, *, on: date | int | None = None,
            short_forms: bool = False, catalogue_field: bool = False) -> str | None:
    """Kemendagri code for a region name as written in documents and feeds, or None when the name
    is unknown or ambiguous: never a guess. Same readings as :func:`match`; with ``on``, the code
    in force on that date."""
    return match(name, kind, on=on, short_forms=short_forms, catalogue_field=catalogue_field).code


_SLUG = re.compile(r"^(?P<kind>kab|kabupaten|kota|kotamadya|prov|provinsi)-(?P<name>[a-z0-9-]+)$")


def match_slug(slug: str, *, on: date | int | None = None) -> Match:
    """The region part of a BPK URL slug (``kab-sorong-selatan``, ``kota-pekalongan``,
    ``prov-dki-jakarta``): words joined by hyphens after a kind."""
    m = _SLUG.match((slug or "").strip().lower())
    if not m:
        return Match(slug or "", "unknown")
    kind = _KIND_WORDS[m.group("kind")]
    return match(m.group("name").replace("-", " "), kind, on=on, short_forms=True)
