"""Reading a regulation's catalogue record, whatever site it comes from, into a ``DocumentItem``.

The fields of the JDIHN integration feed (the JSON list every JDIH member publishes to the
national network) are the common vocabulary: the CMS and BPK spiders map their detail pages onto
them (``judul``, ``jenis``, ``noPeraturan``, ``teuBadan``, ...) and share
``RegulationRecords.record_to_item``, so jenis, nomor, region and abstrak are read one way.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime, timezone
from functools import cached_property
from typing import Any
from urllib.parse import urljoin

from nlp import identity
from pantau import dates, legal, wilayah

NULLS = {"", "-", "--", "—", "null", "none", "nil", "n/a", "0000-00-00", "0000-00-00 00:00:00"}
_EDGE_JUNK = re.compile(r"^(?:%0[AaDd9]|%20|\\[nrt]|\s)+|(?:%0[AaDd9]|%20|\\[nrt]|\s)+$")
_YEAR = re.compile(r"^(19|20)\d{2}$")
_NOMOR_PREFIX = re.compile(r"^(?:nomor|no\.?)\s*", re.IGNORECASE)
# PHP error pages leak into JDIH fields (JDIH Batang's "OPD Pemrakarsa" shows "A PHP Error was
# encountered ... Severity: Notice" instead of a name)
_PHP_NOISE = re.compile(r"A PHP Error was encountered|Severity:\s*(?:Notice|Warning)|"
                        r"Message:\s+Undefined|Filename:\s*\S+\.php", re.IGNORECASE)
# Document types a JDIH lists that are not regulations: drafts, academic papers, books, court
# decisions. Skipped by every regulation spider (a JDIHN feed lists drafts too) unless the
# source's ``jenis`` asks for them.
NOT_REGULATION = re.compile(r"^\s*(?:abstrak\s+)?(?:rancangan|naskah\s+akademi|monografi|artikel|"
                            r"putusan|buku|majalah|katalog|propemperda|prolegda|analisis|"
                            r"kajian|terjemahan|risalah)", re.IGNORECASE)


# --------------------------------------------------------------------------- value cleaning

def clean(value: Any) -> Any:
    """The value, with ``"-"``/``""``/``"null"`` as None, strings stripped, PHP errors dropped."""
    if isinstance(value, str):
        s = " ".join(value.split())
        if _PHP_NOISE.search(s):
            return None
        return None if s.lower() in NULLS else s
    return value


def as_text(value: Any) -> str | None:
    """A scalar as text: ``30`` and ``"30"`` both give ``"30"``; lists/objects give None."""
    value = clean(value)
    if value is None or isinstance(value, (bool, dict, list)):
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)


def as_year(value: Any) -> int | None:
    s = as_text(value)
    if s and _YEAR.match(s):
        return int(s)
    d = as_date(value)
    return d.year if d else None


def as_date(value: Any) -> date | None:
    """A date field (``YYYY-MM-DD`` with or without a time, ``DD-MM-YYYY``, ``15 Maret 2023``),
    cleaned like every field, as :func:`pantau.dates.as_date` reads it."""
    return dates.as_date(as_text(value))


def clean_url(value: Any, base: str) -> str | None:
    """An absolute http(s) URL, with stray ``%0A``/whitespace removed from both ends."""
    s = as_text(value)
    if not s:
        return None
    s = _EDGE_JUNK.sub("", s)
    if not s or s.lower() in NULLS:
        return None
    url = urljoin(base, s)
    return url if url.startswith(("http://", "https://")) else None


class Record:
    """Case-insensitive access to one record (``urlAbstrak`` and ``urlabstrak`` alike)."""

    def __init__(self, raw: dict):
        self.raw = raw
        self._lower = {str(k).lower(): v for k, v in raw.items()}

    def get(self, *names: str) -> Any:
        for name in names:
            value = clean(self._lower.get(name.lower()))
            if value is not None:
                return value
        return None


def record_hash(raw: dict) -> str:
    blob = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str)
    return "rec-" + hashlib.sha1(blob.encode()).hexdigest()[:12]


# --------------------------------------------------------------------------- region and jenis

def normalise_jenis(*texts: str | None, region_kind: str | None = None) -> tuple[str, str] | None:
    """The jenis of the first of ``texts`` that names one (a record's jenis, then its abbreviation)."""
    for t in texts:
        if t:
            hit = legal.normalise_jenis(t, region_kind)
            if hit:
                return hit
    return None


def parse_title(judul: str, region_hint: str | None):
    try:
        return identity.parse_title(judul, region_hint=region_hint)
    except Exception:  # a title the parser cannot read is still a title
        return None


# --------------------------------------------------------------------------- the mixin

class RegulationRecords:
    """Turns JDIHN-shaped records into ``DocumentItem`` dicts; mixed into the source spiders.

    Needs ``self.source`` (a ``SourceConfig``) and ``self.count`` (``SourceSpider.count``).
    ``jenis`` in the source's entry filters records.
    """

    source: Any

    @cached_property
    def jenis_filter(self) -> set[str]:
        """The source's ``jenis`` as jenis codes (a name no code matches, lower-cased); empty
        keeps every jenis. Read on first use, from the source the spider was given."""
        kept: set[str] = set()
        for j in self.source.jenis:
            hit = normalise_jenis(j)
            kept.add(hit[1] if hit else j.strip().lower())
        return kept

    def wanted(self, jenis: str | None, jenis_code: str | None) -> bool:
        if not self.jenis_filter:
            return True
        return bool({jenis_code, (jenis or "").lower()} & self.jenis_filter)

    def wants_type(self, type_text: str | None) -> bool:
        """False for a listed document type that is not a regulation (a draft, a naskah
        akademis, a book...), unless the source's ``jenis`` names it."""
        if not type_text or not NOT_REGULATION.match(type_text):
            return True
        return type_text.strip().lower() in self.jenis_filter

    def skips_type(self, type_text: str | None) -> bool:
        """True, and counted (``pantau/skipped_not_regulation``), when ``wants_type`` is False:
        a listing checks a card's type with it before asking for the card's page or file."""
        if self.wants_type(type_text):
            return False
        self.count("pantau/skipped_not_regulation")
        return True

    def record_to_item(self, rec: Record, page_url: str) -> dict | None:
        """The ``DocumentItem`` fields for one record; None, counted once with its reason, for a
        listed type that is no regulation (``pantau/skipped_not_regulation``) or a jenis the
        source's ``jenis`` leaves out (``pantau/skipped_jenis``)."""
        feed_url = self.source.url or page_url
        jenis_text = as_text(rec.get("jenis", "bentuk", "jenisPeraturan"))
        if self.skips_type(jenis_text):  # a draft or a book a feed lists with the rules
            return None
        singkatan = as_text(rec.get("singkatanJenis", "singkatan"))
        src_region = wilayah.by_code().get(self.source.region or "")
        hit = normalise_jenis(jenis_text, singkatan,
                              region_kind=src_region.kind if src_region else None)
        jenis, jenis_code = hit if hit else (jenis_text, None)
        nomor = as_text(rec.get("noPeraturan", "nomor", "nomorPeraturan"))
        if nomor:
            nomor = _NOMOR_PREFIX.sub("", nomor).strip() or None
        ditetapkan = as_date(rec.get("tanggal_penetapan", "tanggalPenetapan"))
        diundangkan = as_date(rec.get("tanggal_pengundangan", "tanggalPengundangan"))
        tahun = (as_year(rec.get("tahun_pengundangan")) or as_year(rec.get("tahun"))
                 or (diundangkan.year if diundangkan else None)
                 or (ditetapkan.year if ditetapkan else None))
        judul = as_text(rec.get("judul"))
        teu, tempat = as_text(rec.get("teuBadan")), as_text(rec.get("tempatTerbit"))
        region = self.issuing_region(jenis_code, teu, tempat)
        tentang, abstrak_only = None, False
        if judul:
            meta = parse_title(judul, region)
            full = meta is not None and bool(meta.jenis_code and meta.nomor)
            if full:
                tentang = meta.tentang
                if not jenis_code and meta.jenis_code:
                    jenis_code = meta.jenis_code
                    region = self.issuing_region(jenis_code, teu, tempat)
                jenis = jenis if hit else (meta.jenis or jenis)
                nomor = nomor or meta.nomor
                tahun = tahun or meta.tahun
                region = region or meta.region_code
                # a record for the abstrak sheet of a regulation: its file is that
                # regulation's abstrak, not the regulation itself
                abstrak_only = meta.form == "abstrak"
                if abstrak_only:
                    judul = re.sub(r"(?i)^\W*abstrak\s+", "", judul)
            else:
                tentang = judul  # the record sends only the subject ("tentang") part
        if not self.wanted(jenis, jenis_code):
            self.count("pantau/skipped_jenis")
            return None
        files, seen = [], set()
        for role, names in (("utama", ("urlDownload", "url_download", "urlFile")),
                            ("abstrak", ("urlAbstrak", "url_abstrak")),
                            ("lampiran", ("urlLampiran",))):
            value = rec.get(*names)
            for v in (value if isinstance(value, list) else [value]):
                url = clean_url(v, feed_url)
                if url and url not in seen:
                    seen.add(url)
                    files.append({"url": url, "role": "abstrak" if abstrak_only else role})
        rid = as_text(rec.get("idData")) or record_hash(rec.raw)
        url = clean_url(rec.get("urlDetailPeraturan"), feed_url) or f"{feed_url}#{rid}"
        return {
            "source": self.source.name, "url": url, "crawled_at": datetime.now(timezone.utc),
            "kind": "regulation", "jenis": jenis, "jenis_code": jenis_code, "nomor": nomor,
            "tahun": tahun, "judul": judul, "tentang": tentang, "region_code": region,
            "status": as_text(rec.get("status")), "tanggal_ditetapkan": ditetapkan,
            "tanggal_diundangkan": diundangkan, "files": files, "record": rec.raw,
        }

    def issuing_region(self, jenis_code: str | None, teu: str | None,
                       tempat: str | None) -> str | None:
        """Kemendagri code of the region that issued a record's document.

        National instruments listed by a regional JDIH (UU, PP, Permen...) get ``id``. Otherwise
        the source's own region, unless the jenis belongs to another level (a Pergub on a
        kabupaten's site), then ``teuBadan``/``tempatTerbit`` (``"Jawa Tengah.Kabupaten Batang"``).
        """
        level = legal.JENIS_LEVEL.get(jenis_code or "")
        if level == "id":
            return "id"
        kind = level if level in ("provinsi", "kabupaten", "kota") else None
        own = wilayah.by_code().get(self.source.region or "")
        if own is not None and (kind is None or own.kind == kind):
            return own.kode
        named = (wilayah.resolve(teu, kind, catalogue_field=True)
                 or wilayah.resolve(tempat, kind, catalogue_field=True))
        if named:
            return named
        if own is not None and kind == "provinsi":
            return own.kode_provinsi
        return None
