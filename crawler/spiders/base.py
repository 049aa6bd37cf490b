"""The base class of every source spider: its registry entry, polite requests, what it knew
before, and listing failures."""

from __future__ import annotations

from datetime import date
from typing import Any, Iterator
from urllib.parse import urlsplit

import scrapy
from twisted.python.failure import Failure

from crawler.errors import download_failure_reason
from crawler.events import CrawlProblem, Unchanged
from crawler.sources import SourceConfig
from crawler.state import KnownState


def host_allowed(url: str, domains: list[str]) -> bool:
    """Whether ``url``'s host is one of ``domains`` or below one (Scrapy's offsite rule)."""
    if not domains:
        return True
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in domains)


def site_root(url: str) -> str:
    """The root of ``url``'s site: ``https://jdih.example.go.id/`` (its port kept)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


class SourceSpider(scrapy.Spider):
    """A spider bound to one ``SourceConfig``; its instance name is the source's name.

    Subclasses set ``kind`` (the registry kind they serve) and yield ``DocumentItem``-shaped
    dicts, ``CrawlProblem``s, ``ListingParsed`` markers and ``Unchanged`` notes; they never touch
    the catalogue. ``since`` (a date) skips what the source dates before it; ``known`` holds the
    validators of earlier runs (``crawler.state.KnownState``). Requests stay on the source's
    domains (``allowed_domains``, enforced by Scrapy's offsite middleware).
    """

    name = "source"
    kind: str = ""

    def __init__(self, source: SourceConfig, since: date | None = None,
                 known: KnownState | None = None, **kwargs: Any):
        super().__init__(name=source.name, **kwargs)
        self.source = source
        self.since = since
        self.known = known if known is not None else KnownState()
        self.allowed_domains = source.domains

    # ------------------------------------------------------------------ bookkeeping

    def count(self, key: str, n: int = 1) -> None:
        """Add to a statistic of this run (kept in ``SourceRun.stats``)."""
        crawler = getattr(self, "crawler", None)
        if crawler is not None and crawler.stats is not None:
            crawler.stats.inc_value(key, n)

    def too_old(self, when: date | None = None, year: int | None = None) -> bool:
        """True (and counted) when ``since`` is set and the date, or else the year, is before it."""
        if self.since is None:
            return False
        old = (when < self.since) if when else (year is not None and year < self.since.year)
        if old:
            self.count("pantau/skipped_before_since")
        return old

    def on_site(self, url: str) -> bool:
        return host_allowed(url, self.allowed_domains)

    # ------------------------------------------------------------------ requests

    def auth_meta(self, url: str) -> dict:
        """Request meta for HTTP Basic auth, sent only to the source's own host."""
        if not self.source.auth:
            return {}
        user, password = self.source.auth.credentials()
        # Scrapy compares the domain with the URL's netloc, so it includes a non-default port
        netloc = urlsplit(self.source.url or url).netloc.lower()
        return {"http_user": user, "http_pass": password, "http_auth_domain": netloc}

    def listing_request(self, url: str, callback, *, conditional: bool = True,
                        cb_kwargs: dict | None = None, **meta: Any) -> scrapy.Request:
        """A GET for a listing or detail page; failures are recorded. ``conditional`` sends
        the validators stored for it and lets a ``304`` reach ``callback``."""
        extra = {"conditional": True, "handle_httpstatus_list": [304]} if conditional else {}
        return scrapy.Request(url, callback=callback, errback=self.listing_failed,
                              cb_kwargs=cb_kwargs or {},
                              meta={"download_timeout": self.source.timeout,
                                    **self.auth_meta(url), **extra, **meta})

    def listing_not_modified(self, response, callback) -> Iterator[Any]:
        """A listing answered ``304``: note it, and go on to the page that followed it."""
        yield Unchanged(url=response.url, listing=True)
        nxt = self.known.get(response.url).get("next")
        self.known.listing_read(response.url, nxt)
        if nxt:
            yield self.listing_request(nxt, callback)

    def listing_failed(self, failure: Failure) -> Iterator[CrawlProblem]:
        reason, detail = download_failure_reason(failure)
        url = failure.request.url if hasattr(failure, "request") else (self.source.url or "")
        self.logger.warning("%s: cannot fetch %s (%s)", self.source.name, url, reason)
        yield CrawlProblem(stage="fetch", locator=url, reason=reason, detail=detail)
