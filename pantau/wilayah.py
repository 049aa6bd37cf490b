"""The Kemendagri gazetteer of 38 provinces and 514 kabupaten/kota, bundled with the package.

Data: ``pantau/data/wilayah`` (derived from cahyadsn/wilayah_boundaries, MIT; the licence file
travels with it). This module is pure data access, so every layer may use it.
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


def resolve(name: str, kind: str | None = None) -> str | None:
    """Kemendagri code for a region name as written in documents and feeds.

    Accepts ``"Kabupaten Batang"``, ``"Kab. Batang"``, ``"BUPATI BATANG"``, ``"Wali Kota Pekalongan"``,
    ``"Jawa Tengah.Kabupaten Batang"`` (JDIHN ``teuBadan``) or a bare ``"Batang"`` with ``kind``.
    Returns ``None`` when the name is unknown or ambiguous (a bare name that is both a kabupaten and
    a kota, such as Pekalongan, needs its kind).
    """
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
