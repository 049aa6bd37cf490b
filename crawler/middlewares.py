"""Downloader middlewares: retries that back off (and honour ``Retry-After``), and conditional
requests (``If-None-Match``/``If-Modified-Since``) for pages stored cleanly before."""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message

from katalog.types import as_utc

logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date), or None."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, (as_utc(when) - (now or datetime.now(timezone.utc))).total_seconds())


def backoff_seconds(retries_done: int, base: float, cap: float, jitter: float = 0.25) -> float:
    """Exponential backoff: ``base * 2**retries_done``, at most ``cap``, plus up to 25 % jitter."""
    delay = min(cap, base * (2 ** retries_done))
    return delay * (1 + random.uniform(0, jitter)) if delay else 0.0


async def _sleep(seconds: float) -> None:
    from twisted.internet import reactor
    from twisted.internet.task import deferLater
    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry (429, 5xx, timeouts, connection errors), but never at once.

    The retry waits ``Retry-After`` when the server sends it (a 429 or 503), otherwise an
    exponential backoff from ``RETRY_BACKOFF_BASE`` (the source's ``retry_backoff``). A 403 that
    carries ``Retry-After`` is the server rate-limiting by its own words (BPK answers bots so), so
    it is retried the same way; a 403 without it is a refusal and is not. A ``Retry-After`` also
    slows the whole site down: the download slot's delay is raised to it, and AutoThrottle brings
    it back as responses come in. A ``Retry-After`` beyond ``RETRY_AFTER_MAX`` is not waited for:
    the response is given up (and recorded), and the crawl of that source stops (finish reason
    ``retry_after``) rather than go on asking a site that asked it to wait; a spider that keeps
    checkpoints resumes from them next time.
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 5.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 120.0)
        self.max_delay = settings.getfloat("AUTOTHROTTLE_MAX_DELAY", 60.0)

    async def process_response(self, request, response, spider=None):
        if request.meta.get("dont_retry", False):
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        throttled = response.status == 403 and wait is not None
        if response.status not in self.retry_http_codes and not throttled:
            return response
        stats = self.crawler.stats
        if wait is not None and wait > self.retry_after_max:
            stats.inc_value("pantau/retry_after_too_long")
            logger.warning("%s asks to wait %.0f s (Retry-After); stopping this crawl",
                           request.url, wait)
            self._stop("retry_after")
            return response
        new = self._retry_request(request, response_status_message(response.status))
        if new is None:
            return response
        if wait is not None:
            stats.inc_value("pantau/retry_after_honoured")
            self._slow_down(request, wait)
        else:
            wait = backoff_seconds(request.meta.get("retry_times", 0), self.backoff_base,
                                   self.backoff_max)
        await self._wait(wait)
        return new

    async def process_exception(self, request, exception, spider=None):
        if request.meta.get("dont_retry", False) or not isinstance(exception,
                                                                   self.exceptions_to_retry):
            return None
        new = self._retry_request(request, exception)
        if new is None:
            return None
        await self._wait(backoff_seconds(request.meta.get("retry_times", 0), self.backoff_base,
                                         self.backoff_max))
        return new

    def _stop(self, reason: str) -> None:
        engine = self.crawler.engine
        if engine is not None and engine.running and not getattr(self, "_stopping", False):
            self._stopping = True
            asyncio.ensure_future(engine.close_spider_async(reason=reason))

    def _retry_request(self, request, reason):
        return get_retry_request(
            request, reason=reason, spider=self.crawler.spider,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=request.meta.get("give_up_log_level", self.give_up_log_level))

    async def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.crawler.stats.inc_value("pantau/retry_wait_seconds", seconds)
            await _sleep(seconds)

    def _slow_down(self, request, seconds: float) -> None:
        downloader = getattr(self.crawler.engine, "downloader", None)
        if downloader is None:
            return
        key = request.meta.get("download_slot") or downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is None:
            return
        before, wanted = slot.delay, min(seconds, self.max_delay)
        if wanted <= before:
            return
        slot.delay = wanted
        if not self.crawler.settings.getbool("AUTOTHROTTLE_ENABLED"):
            # nothing else brings the delay back: the site asked to slow down for this long
            from twisted.internet import reactor

            def restore() -> None:
                if slot.delay == wanted:
                    slot.delay = before
            reactor.callLater(wanted, restore)


class ConditionalRequestMiddleware:
    """Sends the stored validators of a page marked ``meta["conditional"]``, and remembers the
    ``ETag``/``Last-Modified`` it is served with (in the spider's ``KnownState``)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _known(self):
        return getattr(self.crawler.spider, "known", None)

    def process_request(self, request, spider=None):
        known = self._known()
        if known is None or request.method != "GET" or not request.meta.get("conditional"):
            return None
        for name, value in known.conditional_headers(request.url).items():
            request.headers.setdefault(name, value)
        return None

    def process_response(self, request, response, spider=None):
        known = self._known()
        if known is None or request.method != "GET" or not request.meta.get("conditional"):
            return response
        if response.status == 304:
            self.crawler.stats.inc_value("pantau/not_modified")
        elif response.status == 200:
            etag = response.headers.get("ETag")
            modified = response.headers.get("Last-Modified")
            if etag or modified:
                known.remember(request.url,
                               etag=etag.decode("latin-1") if etag else None,
                               last_modified=modified.decode("latin-1") if modified else None)
        return response


# host name -> DeferredSemaphore shared by every crawler of the process (one per source)
_HOST_SLOTS: dict[str, object] = {}


class HostConcurrencyMiddleware:
    """At most ``CONCURRENT_REQUESTS_PER_DOMAIN`` requests in flight per host name, across all
    the sources crawled in this process.

    Scrapy limits concurrency per crawler, and each source is its own crawler: two sources on
    one host (a JDIH's feed and its HTML site) would otherwise double the load on it. Placed
    last on the way out and first on the way back, so every acquired slot is released.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.limit = max(1, crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 2))

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _slot(self, host: str):
        from twisted.internet.defer import DeferredSemaphore
        slot = _HOST_SLOTS.get(host)
        if slot is None:
            slot = _HOST_SLOTS[host] = DeferredSemaphore(self.limit)
        return slot

    async def process_request(self, request, spider=None):
        from scrapy.utils.httpobj import urlparse_cached
        host = urlparse_cached(request).hostname or ""
        slot = self._slot(host)
        if slot.tokens == 0:
            self.crawler.stats.inc_value("pantau/host_slot_waits")
        await maybe_deferred_to_future(slot.acquire())
        request.meta["_pantau_host_slot"] = host
        return None

    def _release(self, request) -> None:
        host = request.meta.pop("_pantau_host_slot", None)
        if host is not None:
            _HOST_SLOTS[host].release()

    def process_response(self, request, response, spider=None):
        self._release(request)
        return response

    def process_exception(self, request, exception, spider=None):
        self._release(request)
        return None


class FamilyFingerprintMiddleware:
    """Fingerprints the CMS family of the page a source's crawl starts from (``crawler.fingerprint``)
    and keeps it in the run's statistics (``pantau/family_seen``, with the markers seen), so a
    site that changed under its source (a feed now answering HTML, a relaunch on another CMS, a
    parked domain) raises an alert (``katalog.alerts``)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        spider = spider or getattr(self.crawler, "spider", None)
        source = getattr(spider, "source", None)
        stats = self.crawler.stats
        if source is None or not getattr(source, "url", None) or response.status != 200 \
                or stats.get_value("pantau/family_seen") is not None:
            return response
        if request.url != source.url and response.url != source.url:
            return response
        from crawler.fingerprint import fingerprint
        headers = {k.decode("latin-1"): b", ".join(v).decode("latin-1")
                   for k, v in response.headers.items()}
        fp = fingerprint(response.url, response.body, headers.get("Content-Type"), headers)
        stats.set_value("pantau/family_seen", fp.family)
        stats.set_value("pantau/family_markers", ", ".join(fp.markers[:4]))
        return response
