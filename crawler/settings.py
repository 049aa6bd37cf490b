"""Scrapy settings for Pantau crawls: honest, polite, and sized by the Pantau settings."""

from __future__ import annotations

from typing import Any

from pantau.settings import Settings

from crawler.sources import SourceConfig

RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]


def scrapy_settings(settings: Settings, log_level: str = "INFO",
                    hosts: dict[str, str] | None = None, hosts_only: bool = False) -> dict[str, Any]:
    """Settings shared by every crawler of a run. ``hosts`` pins names to addresses
    (``crawler.resolver``; ``hosts_only``: no other name resolves, as in the test world); by
    default they come from the settings' ``hosts_file``/``hosts_only``."""
    if hosts is None and settings.hosts_file:
        from crawler.resolver import load_hosts
        hosts, hosts_only = load_hosts(settings.hosts_file), bool(settings.hosts_only)
    return {
        "TWISTED_DNS_RESOLVER": "crawler.resolver.OverrideResolver",
        "PANTAU_HOSTS": dict(hosts or {}),
        "PANTAU_HOSTS_ONLY": bool(hosts_only and hosts),
        "BOT_NAME": "pantau",
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": True,
        "ROBOTSTXT_USER_AGENT": settings.user_agent,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "AUTOTHROTTLE_MAX_DELAY": 60.0,
        "CONCURRENT_REQUESTS": 8,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 2,
        "RETRY_HTTP_CODES": RETRY_HTTP_CODES,
        # a Retry-After longer than this is not waited for: the request gives up (and the
        # failure is recorded); the next scheduled crawl tries again
        "RETRY_AFTER_MAX": 120.0,
        "RETRY_BACKOFF_MAX": 60.0,
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            # after Scrapy's offsite check (50), before robots.txt (100) and any connection
            "crawler.safety.PrivateAddressMiddleware": 60,
            "crawler.middlewares.BackoffRetryMiddleware": 550,
            "crawler.middlewares.ConditionalRequestMiddleware": 560,
            "crawler.middlewares.FamilyFingerprintMiddleware": 580,
            "crawler.middlewares.HostConcurrencyMiddleware": 990,
        },
        "DOWNLOAD_MAXSIZE": settings.max_file_bytes,
        "DOWNLOAD_WARNSIZE": min(settings.max_file_bytes, 32 * 2**20),
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,  # Scrapy ≥2.19 would open an HTTP control port
        "HTTPCACHE_ENABLED": False,
        "ITEM_PIPELINES": {"crawler.pipelines.CataloguePipeline": 300},
        "LOG_LEVEL": log_level,
        "LOGSTATS_INTERVAL": 60.0,
    }


def per_source_settings(source: SourceConfig) -> dict[str, Any]:
    """Settings of one source's crawler: its rate limit, timeout and retry backoff."""
    return {
        "DOWNLOAD_DELAY": source.rate_limit,
        # AutoThrottle starts at max(DOWNLOAD_DELAY, AUTOTHROTTLE_START_DELAY) and never goes
        # below DOWNLOAD_DELAY; starting at the configured rate lets it adapt from there.
        "AUTOTHROTTLE_START_DELAY": source.rate_limit,
        "DOWNLOAD_TIMEOUT": source.timeout,
        "RETRY_BACKOFF_BASE": source.retry_backoff,
    }
