"""Base spider for the JDIHN integration feed: the JSON list of documents a JDIH member publishes.

The format and its quirks are described in research/data-sources.md §1.2. Real feeds are messy;
this spider accepts, in order of the "robustness rules" there:

1. a bare array, ``{"status": true, "data": [...]}``, a Laravel page (``{"data": [...],
   "next_page_url": ...}`` or ``{"data": [...], "links": {"next": ...}}``), an object of records
   keyed by id, or records with the array brackets stripped (``{...},{...}``);
2. the plain text ``0 results`` (and an empty body) as an empty feed;
3. numbers as strings or ints;
4. ``"-"``, ``""`` and ``"null"`` as missing;
5. URLs with a stray ``%0A``/newline at either end, and relative URLs;
6. HTTP Basic auth (``auth`` in the registry entry);
7. pagination by next links, or by ``?page=N`` when the feed URL carries a ``page`` parameter.

Malformed JSON or an unusable record becomes a ``CrawlProblem``, never an exception.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Iterator
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from nlp import metadata as nlp_metadata
from pantau import wilayah

from crawler.events import CrawlProblem, ListingParsed
from crawler.spiders.base.common import SourceSpider

NULLS = {"", "-", "--", "—", "null", "none", "nil", "n/a", "0000-00-00", "0000-00-00 00:00:00"}
_EDGE_JUNK = re.compile(r"^(?:%0[AaDd9]|%20|\\[nrt]|\s)+|(?:%0[AaDd9]|%20|\\[nrt]|\s)+$")
_ZERO_RESULTS = re.compile(r"^\s*0\s+results?\s*$", re.IGNORECASE)
_YEAR = re.compile(r"^(19|20)\d{2}$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_DMY_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_NOMOR_PREFIX = re.compile(r"^(?:nomor|no\.?)\s*", re.IGNORECASE)
_REGION_NOISE = re.compile(r"^(?:pemerintah|pemkab|pemkot|pemprov|sekretariat daerah)\s+",
                           re.IGNORECASE)


# --------------------------------------------------------------------------- value cleaning

def clean(value: Any) -> Any:
    """The value, with ``"-"``/``""``/``"null"`` as None and strings stripped."""
    if isinstance(value, str):
        s = value.strip()
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
    """``YYYY-MM-DD`` (with or without a time) or ``DD-MM-YYYY``; impossible dates give None."""
    s = as_text(value)
    if not s:
        return None
    m = _ISO_DATE.match(s)
    parts = (m.group(1), m.group(2), m.group(3)) if m else None
    if parts is None:
        m = _DMY_DATE.match(s)
        parts = (m.group(3), m.group(2), m.group(1)) if m else None
    if parts is None:
        return None
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


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
    """Case-insensitive access to one feed record (``urlAbstrak`` and ``urlabstrak`` alike)."""

    def __init__(self, raw: dict):
        self.raw = raw
        self._lower = {str(k).lower(): v for k, v in raw.items()}

    def get(self, *names: str) -> Any:
        for name in names:
            value = clean(self._lower.get(name.lower()))
            if value is not None:
                return value
        return None


# --------------------------------------------------------------------------- feed shapes

def decode_feed(body: bytes) -> tuple[Any, str | None]:
    """(payload, None) or (None, error). ``0 results`` and an empty body give ``[]``."""
    text = None
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = body.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    text = (text or "").strip()
    if not text or _ZERO_RESULTS.match(text):
        return [], None
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        first_error = f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    # records with the enclosing brackets stripped: {...},{...}
    if text.startswith("{"):
        try:
            return json.loads(f"[{text}]"), None
        except json.JSONDecodeError:
            pass
    # PHP notices printed before the JSON: read from the first bracket
    start = min((i for i in (text.find("["), text.find("{")) if i >= 0), default=-1)
    if start > 0:
        try:
            payload, _ = json.JSONDecoder().raw_decode(text[start:])
            return payload, None
        except json.JSONDecodeError:
            pass
    return None, f"{first_error}; starts with {text[:120]!r}"


def _looks_like_record(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    keys = {str(k).lower() for k in value}
    return bool(keys & {"iddata", "judul", "noperaturan", "urldownload", "jenis"})


@dataclass
class FeedPage:
    """One feed response, unwrapped: its records and what it says about the next page."""

    records: list
    next_link: str | None = None
    paginated: bool = False  # the page carries pagination info (then never guess ?page=N+1)


def unwrap(payload: Any) -> tuple[FeedPage | None, str | None]:
    """(page, None) or (None, error) for any of the shapes real feeds send."""
    if isinstance(payload, list):
        return FeedPage(payload), None
    if not isinstance(payload, dict):
        return None, f"top level is {type(payload).__name__}, expected a list or object"
    if _looks_like_record(payload):
        return FeedPage([payload]), None
    status = payload.get("status")
    data = payload.get("data")
    if status is False or (isinstance(status, str) and status.lower() in ("false", "error")):
        if not data:
            msg = payload.get("message") or payload.get("msg") or ""
            return None, f"feed says status={status!r} {msg}".strip()
    pager = payload
    if isinstance(data, dict) and isinstance(data.get("data"), list):  # paginator inside data
        pager, data = data, data["data"]
    paginated = bool(_PAGINATION_KEYS & set(pager)) or bool(_PAGINATION_KEYS & set(payload))
    next_link = _next_link(pager) or _next_link(payload)
    if isinstance(data, list):
        return FeedPage(data, next_link, paginated), None
    if data is None and ("data" in payload or status is not None):
        return FeedPage([], next_link, paginated), None
    values = list(payload.values())
    if values and all(_looks_like_record(v) for v in values):
        return FeedPage(values), None
    return None, f"object without a record list (keys: {', '.join(list(payload)[:10])})"


_PAGINATION_KEYS = {"next_page_url", "next", "nextPage", "next_page", "links", "meta",
                    "current_page", "last_page", "pagination"}


def _next_link(obj: dict) -> str | None:
    for key in ("next_page_url", "next", "nextPage", "next_page"):
        v = obj.get(key)
        if isinstance(v, str) and v.strip():
            return v.strip()
    links = obj.get("links")
    if isinstance(links, dict):
        v = links.get("next")
        if isinstance(v, str) and v.strip():
            return v.strip()
        if isinstance(v, dict) and isinstance(v.get("href"), str):
            return v["href"]
    meta = obj.get("meta")
    if isinstance(meta, dict):
        return _next_link({k: v for k, v in meta.items() if k != "meta"})
    return None


def next_page_number_url(url: str) -> str | None:
    """``...?page=3`` -> ``...?page=4``; None when the URL has no ``page`` parameter."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    for i, (k, v) in enumerate(query):
        if k == "page" and v.isdigit():
            query[i] = (k, str(int(v) + 1))
            return urlunsplit(parts._replace(query=urlencode(query)))
    return None


# --------------------------------------------------------------------------- region and jenis

def region_kind_for(jenis_code: str | None) -> str | None:
    """Which level issues this jenis: ``id`` (national), ``provinsi``, ``kabupaten``, ``kota``,
    ``daerah`` (any region, e.g. Perda) or None."""
    return nlp_metadata.JENIS_LEVEL.get(jenis_code or "")


def resolve_region(name: str | None, kind: str | None = None) -> str | None:
    if not name:
        return None
    code = wilayah.resolve(name, kind) or wilayah.resolve(name)
    if code is None:
        stripped = _REGION_NOISE.sub("", name.split(".")[-1].strip())
        if stripped != name:
            code = wilayah.resolve(stripped, kind) or wilayah.resolve(stripped)
    return code


def normalise_jenis(*texts: str | None, region_kind: str | None = None) -> tuple[str, str] | None:
    for t in texts:
        if t:
            hit = nlp_metadata.normalise_jenis(t, region_kind)
            if hit:
                return hit
    return None


# --------------------------------------------------------------------------- the spider

class JdihnFeedSpider(SourceSpider):
    """Reads a JDIHN feed (``kind: jdihn_feed``); one ``DocumentItem`` per record."""

    name = "jdihn_feed"
    kind = "jdihn_feed"

    def __init__(self, source, **kwargs: Any):
        super().__init__(source, **kwargs)
        self._jenis_filter: set[str] = set()
        for j in source.jenis:
            hit = normalise_jenis(j)
            self._jenis_filter.add(hit[1] if hit else j.strip().lower())
        self._pages = 0
        self._seen_ids: set[str] = set()

    async def start(self):
        yield self.listing_request(self.source.url, self.parse)

    def parse(self, response, **kwargs: Any) -> Iterator[Any]:
        self._pages += 1
        payload, error = decode_feed(response.body)
        if error:
            yield CrawlProblem(locator=response.url, reason="malformed_json", detail=error)
            return
        page, error = unwrap(payload)
        if error:
            yield CrawlProblem(locator=response.url, reason="unexpected_shape", detail=error)
            return
        records = page.records
        new_ids = 0
        for i, raw in enumerate(records):
            if not isinstance(raw, dict):
                yield CrawlProblem(locator=f"{response.url}#{i}", reason="bad_record",
                                   detail=f"record {i} is {type(raw).__name__}, not an object")
                continue
            rec = Record(raw)
            rid = as_text(rec.get("idData")) or _record_hash(raw)
            if rid not in self._seen_ids:
                new_ids += 1
                self._seen_ids.add(rid)
            try:
                item = self.record_to_item(rec, response.url)
            except Exception as exc:  # one odd record must not stop the feed
                yield CrawlProblem(locator=f"{self.source.url}#{rid}", reason="bad_record",
                                   detail=f"{type(exc).__name__}: {exc}")
                continue
            if item is not None:
                yield item
        yield ListingParsed(url=response.url, records=len(records))
        nxt = self._next_url(response.url, page, bool(records) and new_ids > 0)
        if nxt:
            yield self.listing_request(nxt, self.parse)

    def _next_url(self, current: str, page: FeedPage, got_new: bool) -> str | None:
        """The next page: the feed's own next link; else ``?page=N+1`` while pages bring new
        records (a site that ignores ``page`` repeats itself and so stops the loop)."""
        if not got_new:
            return None
        if self._pages >= self.source.max_pages:
            self.logger.warning("%s: stopping after %d feed pages (max_pages)",
                                self.source.name, self._pages)
            return None
        if page.next_link:
            url = clean_url(page.next_link, current)
            return url if url and url != current else None
        if not page.paginated:
            return next_page_number_url(current)
        return None

    def wanted(self, jenis: str | None, jenis_code: str | None) -> bool:
        if not self._jenis_filter:
            return True
        return bool({jenis_code, (jenis or "").lower()} & self._jenis_filter)

    def record_to_item(self, rec: Record, page_url: str) -> dict | None:
        """The ``DocumentItem`` fields for one record (None when filtered out by ``jenis``)."""
        feed_url = self.source.url or page_url
        jenis_text = as_text(rec.get("jenis", "bentuk", "jenisPeraturan"))
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
            meta = _parse_title(judul, region)
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
                tentang = judul  # the feed sends only the subject ("tentang") part
        if not self.wanted(jenis, jenis_code):
            return None
        files, seen = [], set()
        for role, names in (("utama", ("urlDownload", "url_download", "urlFile")),
                            ("abstrak", ("urlAbstrak", "url_abstrak"))):
            url = clean_url(rec.get(*names), feed_url)
            if url and url not in seen:
                seen.add(url)
                files.append({"url": url, "role": "abstrak" if abstrak_only else role})
        rid = as_text(rec.get("idData")) or _record_hash(rec.raw)
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
        level = region_kind_for(jenis_code)
        if level == "id":
            return "id"
        kind = level if level in ("provinsi", "kabupaten", "kota") else None
        own = wilayah.by_code().get(self.source.region or "")
        if own is not None and (kind is None or own.kind == kind):
            return own.kode
        named = resolve_region(teu, kind) or resolve_region(tempat, kind)
        if named:
            return named
        if own is not None and kind == "provinsi":
            return own.kode_provinsi
        return None


def _parse_title(judul: str, region_hint: str | None):
    try:
        return nlp_metadata.parse_title(judul, region_hint=region_hint)
    except Exception:  # a title the parser cannot read is still a title
        return None


def _record_hash(raw: dict) -> str:
    blob = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str)
    return "rec-" + hashlib.sha1(blob.encode()).hexdigest()[:12]
