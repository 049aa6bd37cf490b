"""The Kemendagri gazetteer of 38 provinces and 514 kabupaten/kota, and the one reader of region names.

Data: ``pantau/data/wilayah`` (derived from cahyadsn/wilayah_boundaries, MIT; the licence file
travels with it). This module is pure data access, so every layer may use it; every region name
read anywhere (titles, feeds, news) goes through :func:`resolve`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

DATA = resources.files("pantau") / "data" / "wilayah"


@dataclass(frozen=True)
class Wilayah:
    """One administrative region. ``kind`` is ``provinsi``, ``kabupaten`` or ``kota``."""

    kode: str
    nama: str
    kind: str
    kode_provinsi: str | None
    lat: float
    lng: float

    @property
    def short_name(self) -> str:
        """The name without its kind: ``Batang`` for ``Kabupaten Batang``."""
        return re.sub(r"^(Kabupaten|Kota)\s+", "", self.nama)


@lru_cache(maxsize=1)
def all_regions() -> tuple[Wilayah, ...]:
    """The 552 regions: provinces first, then kabupaten/kota, each ordered by code."""
    out: list[Wilayah] = []
    with (DATA / "provinsi_centroids.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.append(Wilayah(row["kode"], row["nama"], "provinsi", None,
                               float(row["lat"]), float(row["lng"])))
    with (DATA / "kabkota_centroids.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            kind = "kota" if row["nama"].startswith("Kota ") else "kabupaten"
            out.append(Wilayah(row["kode"], row["nama"], kind, row["kode_provinsi"],
                               float(row["lat"]), float(row["lng"])))
    return tuple(out)


@lru_cache(maxsize=1)
def by_code() -> dict[str, Wilayah]:
    return {w.kode: w for w in all_regions()}


def _norm(name: str) -> str:
    name = name.lower().replace("walikota", "wali kota")
    name = re.sub(r"[^a-z0-9 ]+", " ", name)
    return re.sub(r"\s+", " ", name).strip()


@lru_cache(maxsize=1)
def _index() -> dict[tuple[str, str], str]:
    """(kind, normalised short name) -> kode.  Kind is provinsi/kabupaten/kota."""
    idx: dict[tuple[str, str], str] = {}
    for w in all_regions():
        short = _norm(w.short_name)
        idx[(w.kind, short)] = w.kode
        if short.startswith("administrasi "):  # "Kota Administrasi Jakarta Selatan"
            idx[(w.kind, short[len("administrasi "):])] = w.kode
    for alias, kode in _ALIASES.items():
        idx[("provinsi", alias)] = kode
    return idx


# Common names of provinces that differ from the gazetteer's official names.
_ALIASES = {
    "dki jakarta": "31", "jakarta": "31", "dki": "31",
    "diy": "34", "d i yogyakarta": "34", "di yogyakarta": "34", "yogyakarta": "34",
    "daerah istimewa yogyakarta": "34",
    "nad": "11", "nanggroe aceh darussalam": "11",
    "babel": "19", "bangka belitung": "19",
}


_KIND_WORDS = {
    "kabupaten": "kabupaten", "kab": "kabupaten", "bupati": "kabupaten",
    "kota": "kota", "wali kota": "kota", "walikota": "kota", "kotamadya": "kota",
    "provinsi": "provinsi", "prov": "provinsi", "propinsi": "provinsi", "gubernur": "provinsi",
}


def resolve(name: str | None, kind: str | None = None, *, short_forms: bool = False,
            catalogue_field: bool = False) -> str | None:
    """Kemendagri code for a region name as written in documents and feeds.

    Accepts ``"Kabupaten Batang"``, ``"Kab. Batang"``, ``"BUPATI BATANG"``, ``"Wali Kota Pekalongan"``,
    ``"Jawa Tengah.Kabupaten Batang"`` (JDIHN ``teuBadan``) or a bare ``"Batang"`` with ``kind``.
    Returns ``None`` when the name is unknown or ambiguous (a bare name that is both a kabupaten and
    a kota, such as Pekalongan, needs its kind): never a guess.

    ``short_forms`` also reads the short forms of titles and news: province nicknames
    (:data:`PROVINCE_NICKNAMES`, "Pergub Jateng"), "DKI", "DIY" and "D.I. Yogyakarta", "Adm." and
    "Kota Administrasi Jakarta Selatan". ``catalogue_field`` reads the issuing body a catalogue
    record names (``teuBadan``, ``tempatTerbit``): a name of another kind than ``kind`` is taken
    when that is the only reading, and a government word before the name ("Pemerintah", "Pemkab",
    "Pemkot", "Pemprov", "Sekretariat Daerah") or a province before a dot is dropped.
    """
    if not name:
        return None
    lookup = _with_short_forms if short_forms else _lookup
    if not catalogue_field:
        return lookup(name, kind)
    code = lookup(name, kind) or lookup(name, None)
    if code is None:
        stripped = _GOVERNMENT_WORDS.sub("", name.split(".")[-1].strip())
        if stripped != name:
            code = lookup(stripped, kind) or lookup(stripped, None)
    return code


def _lookup(name: str, kind: str | None) -> str | None:
    """The gazetteer lookup behind :func:`resolve`: names as the gazetteer writes them."""
    if not name:
        return None
    # JDIHN teuBadan is "<Provinsi>.<Kabupaten X>"; abbreviations such as "Kab." or "D.I." are not
    text = name
    m = re.match(r"^\s*([A-Za-z][A-Za-z ]{3,})\.\s*((?:Kabupaten|Kota|Kab\.?)\s.*)$", name)
    if m:
        text = m.group(2)
    n = _norm(text)
    for word, k in sorted(_KIND_WORDS.items(), key=lambda kv: -len(kv[0])):
        if n == word or n.startswith(word + " "):
            kind = kind or k
            n = n[len(word):].strip()
            break
    if kind in ("kabupaten", "kota") and n.startswith("administrasi "):
        n = n[len("administrasi "):]
    idx = _index()
    if kind:
        return idx.get((kind, n))
    hits = {code for (k, short), code in idx.items() if short == n}
    return hits.pop() if len(hits) == 1 else None


_GOVERNMENT_WORDS = re.compile(r"^(?:pemerintah|pemkab|pemkot|pemprov|sekretariat daerah)\s+",
                               re.IGNORECASE)

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


def _plain(name: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9 ]+", " ", name.lower())).strip()


def _with_short_forms(name: str, kind: str | None) -> str | None:
    """:func:`_lookup`, plus the short forms it does not know (Jateng, DKI, DIY, Adm.)."""
    name = re.sub(r"\s+", " ", name).strip(" ,.:;")
    if not name:
        return None
    nickname = PROVINCE_NICKNAMES.get(_plain(re.sub(r"(?i)^(provinsi|prov\.?)\s+", "", name)))
    if nickname:
        return _lookup(nickname, "provinsi") if kind in (None, "provinsi") else None
    # Expand short forms first: the lookup reads a dotted name as "Province.Region" and would
    # take "D.I. Yogyakarta" for Kota Yogyakarta.
    expanded = name
    for pattern, repl in _SHORT_FORMS:
        expanded = pattern.sub(repl, expanded)
    expanded = re.sub(r"\s+", " ", expanded).strip()
    code = _lookup(expanded, kind)
    if code:
        return code
    # "Kota Administrasi Jakarta Selatan": the lookup drops "Administrasi" from the query but
    # not from its index, so look such names up by their full name without that word.
    wanted = _plain(expanded).replace("administrasi ", "")
    hit = _full_names().get(wanted)
    if hit and (kind is None or by_code()[hit].kind == kind):
        return hit
    if kind:
        return _full_names().get(f"{kind} {wanted}")
    return None


@lru_cache(maxsize=1)
def _full_names() -> dict[str, str]:
    """Plain full region name without "administrasi" -> code ("kota jakarta selatan" -> 31.74)."""
    return {_plain(w.nama).replace("administrasi ", ""): w.kode for w in all_regions()}
