"""The item pipeline: validate what a spider yields, fetch its files, upsert it into the catalogue.

Spiders yield ``DocumentItem``-shaped dicts, ``CrawlProblem``s, ``ListingParsed`` markers and
``Unchanged`` notes. For a document, each ``FileLink`` is fetched through the crawler's own engine
(so robots.txt, retries, throttling, auth and the size cap apply), unless the catalogue already
holds the file last seen at that URL or the URL is off the source's domains; then the document
waits for its batch: ``crawler.store.import_items`` stores up to ``BATCH_SIZE`` documents in one
transaction, at the latest ``BATCH_WAIT`` seconds after the first of them arrived (a national
crawl imports thousands of documents; one transaction each made the catalogue the bottleneck).
A kill loses at most the documents of the batch not yet written, which the next crawl fetches
again. A document stored cleanly (all its files in hand) lets the run keep the validators of the
page it came from (``crawler.state``), so the next run can ask for that page conditionally.
``ListingCheckpoint``s are written at once: they are what a crawl resumes from.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import scrapy
from pydantic import ValidationError
from scrapy.exceptions import DownloadCancelledError, DropItem, NotConfigured

from crawler.errors import download_failure_reason
from crawler.events import CrawlProblem, ListingCheckpoint, ListingParsed, Unchanged
from crawler.items import DocumentItem, FetchedFile, FileLink
from crawler.sources import SourceConfig
from crawler.spiders.base import host_allowed
from crawler.state import KnownState
from katalog import importer
from katalog.db import Catalogue
from crawler.store import (import_items, known_file_for_url, save_checkpoint,
                           touch_unchanged_many)
from katalog.models import Source, SourceRun
from nlp import text as nlp_text

PDF = "application/pdf"
HTML = "text/html"
BATCH_SIZE = 50     # documents imported in one transaction
BATCH_WAIT = 0.25   # seconds a document waits for others to join its batch


@dataclass
class RunContext:
    """One source's crawl in progress: where to write, and what happened so far."""

    cat: Catalogue
    source: SourceConfig
    source_row: Source
    run_row: SourceRun
    outcomes: Counter = field(default_factory=Counter)
    finish_reason: str | None = None
    stats: dict = field(default_factory=dict)
    failed_reason: str | None = None  # set when the source could not be crawled at all
    known: KnownState = field(default_factory=KnownState)
    cycle_complete: bool = False  # the spider read every listing to its end (crawler.state)

    def record_problem(self, stage: str, locator: str, reason: str, detail: str = "") -> None:
        with self.cat.session() as s:
            importer.record_failure(s, stage, locator, reason, detail,
                                    source_id=self.source_row.id, run_id=self.run_row.id)

    def resolve(self, locator: str, stages: tuple[str, ...]) -> None:
        with self.cat.session() as s:
            importer.resolve_failures(s, locator, stages)


class CataloguePipeline:
    """Validates items, fetches their files and imports them (see module docstring)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self._inflight: dict[str, asyncio.Future] = {}
        self._batch: list[tuple[DocumentItem, list[FetchedFile], asyncio.Future]] = []
        self._touches: list[str] = []
        self._timer: asyncio.TimerHandle | None = None

    @classmethod
    def from_crawler(cls, crawler):
        if getattr(crawler, "pantau", None) is None:
            raise NotConfigured("CataloguePipeline runs only under crawler.runner.crawl")
        return cls(crawler)

    @property
    def ctx(self) -> RunContext:
        return self.crawler.pantau

    async def process_item(self, item: Any) -> Any:
        ctx = self.ctx
        if isinstance(item, CrawlProblem):
            ctx.record_problem(item.stage, item.locator, item.reason, item.detail)
            return item
        if isinstance(item, ListingParsed):
            ctx.resolve(item.url, ("fetch", "crawl"))
            ctx.known.listing_read(item.url, item.next_url)
            return item
        if isinstance(item, ListingCheckpoint):
            save_checkpoint(ctx.cat, ctx.source_row.id, ctx.run_row.id, item.listing, item.page,
                            item.url, item.entries, item.last)
            return item
        if isinstance(item, Unchanged):
            self.crawler.stats.inc_value(f"pantau/unchanged_{item.why}")
            if not item.listing:
                self._touches.append(item.url)
                self._schedule()
            return item
        try:
            doc = item if isinstance(item, DocumentItem) else DocumentItem.model_validate(item)
        except ValidationError as exc:
            locator = (item.get("url") if isinstance(item, dict) else None) or ctx.source.url \
                or ctx.source.name
            ctx.record_problem("crawl", str(locator), "invalid_item", str(exc))
            raise DropItem(f"invalid item from {ctx.source.name}: {exc.error_count()} error(s)") from exc
        started: list[str] = []
        try:
            fetched = list(await asyncio.gather(*(self.fetch(link, started)
                                                  for link in doc.files)))
            if doc.kind == "news" and doc.body:
                # the article page is the document: keep its bytes as the document's file
                fetched.insert(0, FetchedFile(url=doc.url, role="utama", status=200,
                                              content_type=doc.media_type, body=doc.body))
            future = asyncio.get_running_loop().create_future()
            self._batch.append((doc, fetched, future))
            self._schedule()
            outcome = await future
        finally:
            for url in started:
                self._inflight.pop(url, None)
        ctx.outcomes[outcome] += 1
        if outcome != "failed" and not any(f.error for f in fetched):
            ctx.known.commit(doc.url)
        return doc

    def _schedule(self) -> None:
        """Import the waiting batch now if it is full, else once ``BATCH_WAIT`` has passed."""
        if len(self._batch) + len(self._touches) >= BATCH_SIZE:
            self.flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(BATCH_WAIT, self.flush)

    def flush(self) -> None:
        """Write the waiting documents and unchanged pages. A batch that fails is imported again
        one document at a time, so one bad record fails alone (and is recorded)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        ctx = self.ctx
        touches, self._touches = self._touches, []
        if touches:
            touch_unchanged_many(ctx.cat, touches, ctx.source_row, ctx.run_row)
            ctx.outcomes["unchanged"] += len(touches)
        batch, self._batch = self._batch, []
        if not batch:
            return
        try:
            outcomes = import_items(ctx.cat, [(d, f) for d, f, _ in batch], ctx.source_row,
                                    ctx.run_row)
        except Exception:
            for doc, fetched, future in batch:
                try:
                    (outcome,) = import_items(ctx.cat, [(doc, fetched)], ctx.source_row,
                                              ctx.run_row)
                except Exception as exc:  # recorded by the runner's item_error handler
                    future.set_exception(exc)
                else:
                    future.set_result(outcome)
            return
        for (_, _, future), outcome in zip(batch, outcomes):
            future.set_result(outcome)

    def close_spider(self, spider=None) -> None:
        self.flush()

    async def fetch(self, link: FileLink, started: list[str]) -> FetchedFile:
        """The file at ``link``: skipped if known, shared if another item is fetching it."""
        domains = self.ctx.source.domains
        if not host_allowed(link.url, domains):
            self.crawler.stats.inc_value("pantau/offsite_files")
            return FetchedFile(url=link.url, role=link.role, error="offsite",
                               detail=f"{link.url} is not on the source's domains "
                                      f"({', '.join(domains)}); add its host to allowed_domains "
                                      f"in sources.yaml to fetch it")
        known = known_file_for_url(self.ctx.cat, link.url)
        if known:
            return FetchedFile(url=link.url, role=link.role, skipped_known_sha256=known)
        task = self._inflight.get(link.url)
        if task is None:
            task = asyncio.ensure_future(self.download(link.url))
            self._inflight[link.url] = task
            started.append(link.url)
        result: FetchedFile = await asyncio.shield(task)
        return result.model_copy(update={"role": link.role})

    async def download(self, url: str) -> FetchedFile:
        ctx = self.ctx
        limit = ctx.cat.settings.max_file_bytes
        spider = self.crawler.spider
        meta = {"download_maxsize": limit, "download_timeout": ctx.source.timeout,
                "pantau_file": True, **spider.auth_meta(url)}
        request = scrapy.Request(url, meta=meta, dont_filter=True)
        try:
            response = await self.crawler.engine.download_async(request)
        except DownloadCancelledError as exc:
            # Scrapy cancels a body that grows past download_maxsize; without a Content-Length
            # the exception does not say so, but nothing else cancels a running crawl's download
            reason = "too_large" if self.crawler.engine.running else "cancelled"
            return FetchedFile(url=url, error=reason,
                               detail=f"download cancelled (limit {limit} bytes): {exc}")
        except Exception as exc:  # the reason is recorded; the item is still imported
            reason, detail = download_failure_reason(exc)
            return FetchedFile(url=url, error=reason, detail=detail)
        ctype = (response.headers.get("Content-Type") or b"").decode("latin-1") or None
        if response.status >= 400:
            return FetchedFile(url=url, status=response.status, content_type=ctype,
                               error=f"http_{response.status}",
                               detail=_snippet(response.body))
        body = response.body
        if not body:
            return FetchedFile(url=url, status=response.status, content_type=ctype,
                               error="empty", detail="the server sent 0 bytes")
        if len(body) > limit:
            return FetchedFile(url=url, status=response.status, content_type=ctype,
                               error="too_large", detail=f"{len(body)} bytes > {limit}")
        problem = not_a_document(body, url, ctype)
        if problem:
            return FetchedFile(url=url, status=response.status, content_type=ctype,
                               error="not_pdf", detail=problem)
        return FetchedFile(url=url, status=response.status, content_type=ctype, body=body)


def not_a_document(body: bytes, url: str, content_type: str | None) -> str | None:
    """Why ``body`` is not the document a regulation link promises, or None.

    JDIH sites answer a missing file with an HTML page ("File tidak ditemukan") and status 200;
    an HTML page is never a regulation file, and a ``.pdf`` URL must give a PDF.
    """
    filename = urlsplit(url).path.rsplit("/", 1)[-1]
    try:
        by_content = nlp_text.sniff_media_type(body)  # magic bytes only, not the name
    except nlp_text.TextExtractionError as exc:
        return str(exc)
    declared = (content_type or "").split(";")[0].strip().lower()
    expects_pdf = filename.lower().endswith(".pdf") or declared == PDF
    if by_content == HTML:
        return (f"an HTML page was served where a document was expected "
                f"(Content-Type {content_type or 'none'}): {_snippet(body)}")
    if expects_pdf and by_content != PDF:
        return f"expected a PDF, got {by_content} (Content-Type {content_type or 'none'})"
    return None


def _snippet(body: bytes, n: int = 200) -> str:
    text = body[:4000].decode("utf-8", "replace")
    return " ".join(text.split())[:n]
