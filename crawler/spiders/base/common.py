"""What every source spider shares: its registry entry, polite requests, and listing failures."""

from __future__ import annotations

from typing import Any, Iterator
from urllib.parse import urlsplit

import scrapy
from twisted.python.failure import Failure

from crawler.errors import download_failure_reason
from crawler.events import CrawlProblem
from crawler.sources import SourceConfig


class SourceSpider(scrapy.Spider):
    """A spider bound to one ``SourceConfig``; its instance name is the source's name.

    Subclasses set ``kind`` (the registry kind they serve) and yield ``DocumentItem``-shaped
    dicts, ``CrawlProblem``s and ``ListingParsed`` markers; they never touch the catalogue.
    """

    name = "source"
    kind: str = ""

    def __init__(self, source: SourceConfig, **kwargs: Any):
        super().__init__(name=source.name, **kwargs)
        self.source = source

    def auth_meta(self, url: str) -> dict:
        """Request meta for HTTP Basic auth, sent only to the source's own host."""
        if not self.source.auth:
            return {}
        user, password = self.source.auth.credentials()
        # Scrapy compares the domain with the URL's netloc, so it includes a non-default port
        netloc = urlsplit(self.source.url or url).netloc.lower()
        return {"http_user": user, "http_pass": password, "http_auth_domain": netloc}

    def listing_request(self, url: str, callback, **meta: Any) -> scrapy.Request:
        """A request for a listing page (feed page, index, article): failures are recorded."""
        return scrapy.Request(url, callback=callback, errback=self.listing_failed,
                              meta={"download_timeout": self.source.timeout,
                                    **self.auth_meta(url), **meta})

    def listing_failed(self, failure: Failure) -> Iterator[CrawlProblem]:
        reason, detail = download_failure_reason(failure)
        url = failure.request.url if hasattr(failure, "request") else (self.source.url or "")
        self.logger.warning("%s: cannot fetch %s (%s)", self.source.name, url, reason)
        yield CrawlProblem(stage="fetch", locator=url, reason=reason, detail=detail)
