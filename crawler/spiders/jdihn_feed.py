"""The spider for the JDIHN integration feed: the JSON list of documents a JDIH member publishes.

Real feeds are messy; this spider accepts:

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

import json
import re
from dataclasses import dataclass
from typing import Any, Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.events import CrawlProblem, ListingParsed, Unchanged
from crawler.spiders.base import SourceSpider
from crawler.spiders.records import Record, RegulationRecords, as_text, clean_url, record_hash

_ZERO_RESULTS = re.compile(r"^\s*0\s+results?\s*$", re.IGNORECASE)


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
    except RecursionError:  # hostile nesting ([[[[…): no feed nests that deep
        return None, f"JSON nested too deeply; starts with {text[:120]!r}"
    # records with the enclosing brackets stripped: {...},{...}
    if text.startswith("{"):
        try:
            return json.loads(f"[{text}]"), None
        except (json.JSONDecodeError, RecursionError):
            pass
    # PHP notices printed before the JSON: read from the first bracket
    start = min((i for i in (text.find("["), text.find("{")) if i >= 0), default=-1)
    if start > 0:
        try:
            payload, _ = json.JSONDecoder().raw_decode(text[start:])
            return payload, None
        except (json.JSONDecodeError, RecursionError):
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


# --------------------------------------------------------------------------- the spider

class JdihnFeedSpider(RegulationRecords, SourceSpider):
    """Reads a JDIHN feed (``kind: jdihn_feed``); one ``DocumentItem`` per record.

    Incremental: the feed is fetched with the validators of the last clean run (a ``304`` means
    nothing changed), and a record whose ``lastUpdated`` is the one stored is reported
    ``Unchanged`` instead of being imported again. With ``since``, records dated before it are
    skipped.
    """

    name = "jdihn_feed"
    kind = "jdihn_feed"

    def __init__(self, source, **kwargs: Any):
        super().__init__(source, **kwargs)
        self._pages = 0
        self._seen_ids: set[str] = set()

    async def start(self):
        yield self.listing_request(self.source.url, self.parse)

    def parse(self, response, **kwargs: Any) -> Iterator[Any]:
        self._pages += 1
        if response.status == 304:
            yield from self.listing_not_modified(response, self.parse)
            return
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
            rid = as_text(rec.get("idData")) or record_hash(raw)
            if rid not in self._seen_ids:
                new_ids += 1
                self._seen_ids.add(rid)
            try:
                item = self.record_to_item(rec, response.url)
            except Exception as exc:  # one odd record must not stop the feed
                yield CrawlProblem(locator=f"{self.source.url}#{rid}", reason="bad_record",
                                   detail=f"{type(exc).__name__}: {exc}")
                continue
            if item is None:
                continue
            if self.too_old(item["tanggal_diundangkan"] or item["tanggal_ditetapkan"],
                            item["tahun"]):
                continue
            updated = as_text(rec.get("lastUpdated", "last_updated", "updated_at"))
            if updated and self.known.get(item["url"]).get("last_updated") == updated:
                yield Unchanged(url=item["url"], why="last_updated")
                continue
            self.known.remember(item["url"], last_updated=updated)
            yield item
        nxt = self._next_url(response.url, page, bool(records) and new_ids > 0)
        yield ListingParsed(url=response.url, records=len(records), next_url=nxt)
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
