"""Politeness and resilience, end to end: Retry-After is honoured, retries back off, requests
stay on the source's domains, the User-Agent is honest; and the pieces without a reactor."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import yaml
from sqlalchemy import select

from crawler.middlewares import backoff_seconds, retry_after_seconds
from crawler.settings import scrapy_settings
from crawler.spiders.base import host_allowed
from crawler.sources import parse_sources
from katalog.db import Catalogue
from katalog.models import Document, Failure
from pantau.settings import load_settings
from tests.crawler.fixture_site import FixtureSite, run_crawl

UA = "PantauBot/0.1 (+https://github.com/pantau-id/pantau; uji)"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("polite")
    settings = load_settings(data_dir=str(tmp / "var"), config_file=str(tmp / "none.toml"))
    cat = Catalogue(settings)
    cat.init()
    with FixtureSite() as site:
        site.fail_next("/flaky/feed/document.json", 429)
        site.fail_next("/flaky/feed/document.json?r=503", 503, 503)
        f = tmp / "sources.yaml"
        f.write_text(yaml.safe_dump({"sources": [
            {"name": "flaky-429", "kind": "jdihn_feed", "rate_limit": 0, "retry_backoff": 0.3,
             "url": f"{site.base}/flaky/feed/document.json"},
            {"name": "flaky-503", "kind": "jdihn_feed", "rate_limit": 0, "retry_backoff": 0.3,
             "url": f"{site.base}/flaky/feed/document.json?r=503"},
            {"name": "offsite", "kind": "jdihn_feed", "rate_limit": 0, "region": "33.25",
             "url": f"{site.base}/offsite/feed/document.json"},
        ]}), encoding="utf-8")
        summaries = run_crawl(f, settings.data_dir, env={"PANTAU_USER_AGENT": UA})
    yield {"cat": cat, "site": site, "runs": {s["name"]: s for s in summaries}}
    cat.dispose()


def test_retry_after_is_honoured_then_the_feed_is_read(crawled):
    hits = [h for h in crawled["site"].requests if h.path == "/flaky/feed/document.json"]
    assert [h.status for h in hits] == [429, 200]
    assert hits[1].at - hits[0].at >= 1.0  # Retry-After: 1
    assert crawled["runs"]["flaky-429"]["errors"] == 0
    with crawled["cat"].session() as s:
        assert s.scalar(select(Document).where(Document.reg_key == "perwal/33.75/2021/5"))


def test_5xx_retries_back_off_exponentially(crawled):
    hits = [h for h in crawled["site"].requests if h.path == "/flaky/feed/document.json?r=503"]
    assert [h.status for h in hits] == [503, 503, 200]
    first_gap, second_gap = hits[1].at - hits[0].at, hits[2].at - hits[1].at
    assert first_gap >= 0.3 and second_gap >= 0.6  # base, then twice the base
    assert crawled["runs"]["flaky-503"]["errors"] == 0


def test_files_off_the_source_domains_are_not_fetched(crawled):
    paths = [h.path for h in crawled["site"].requests]
    assert "/file/perda-2-2023.pdf" not in paths  # it was linked as http://localhost:<port>/...
    with crawled["cat"].session() as s:
        (f,) = s.scalars(select(Failure)).all()
        doc = s.scalar(select(Document).where(Document.reg_key == "perda/33.25/2023/2"))
        assert doc is not None and doc.files == []
    assert (f.stage, f.reason) == ("fetch", "offsite")
    assert f.locator.startswith("http://localhost:") and "allowed_domains" in f.detail


def test_the_user_agent_is_the_configured_honest_one(crawled):
    assert {h.headers.get("User-Agent") for h in crawled["site"].requests} == {UA}
    assert crawled["site"].server.max_inflight <= 2


def test_settings_obey_robots_throttle_and_cap_concurrency(tmp_path):
    settings = load_settings(data_dir=str(tmp_path), config_file=str(tmp_path / "x.toml"))
    s = scrapy_settings(settings)
    assert s["ROBOTSTXT_OBEY"] and s["AUTOTHROTTLE_ENABLED"]
    assert 1 <= s["CONCURRENT_REQUESTS_PER_DOMAIN"] <= 2
    assert "+https://" in s["USER_AGENT"] and s["USER_AGENT"].startswith("PantauBot/")
    assert {429, 500, 502, 503, 504, 408} <= set(s["RETRY_HTTP_CODES"])


def test_retry_after_and_backoff_values():
    assert retry_after_seconds(b"1") == 1.0 and retry_after_seconds("  120 ") == 120.0
    now = datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)
    later = (now + timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert retry_after_seconds(later, now=now) == pytest.approx(30)
    assert retry_after_seconds("Wed, 01 Jan 2020 00:00:00 GMT", now=now) == 0.0
    assert retry_after_seconds(None) is None and retry_after_seconds(b"soon") is None
    assert 2.0 <= backoff_seconds(0, 2.0, 60) <= 2.5
    assert 8.0 <= backoff_seconds(2, 2.0, 60) <= 10.0
    assert 60 <= backoff_seconds(10, 2.0, 60) <= 75  # capped (plus jitter)
    assert backoff_seconds(3, 0, 60) == 0


def test_domains_of_a_source():
    (src,) = parse_sources({"sources": [{
        "name": "n", "kind": "news", "urls": ["https://www.a.example.id/x", "https://b.example.id/y"],
        "allowed_domains": ["cdn.example.id"]}]})
    assert src.domains == ["www.a.example.id", "b.example.id", "cdn.example.id"]
    assert host_allowed("https://img.cdn.example.id/f.pdf", src.domains)
    assert not host_allowed("https://example.id/f.pdf", src.domains)
    assert not host_allowed("https://evil-b.example.id/", src.domains)
    with pytest.raises(Exception, match="allowed_domains"):
        parse_sources({"sources": [{"name": "n", "kind": "news", "urls": ["https://a.id/"],
                                    "allowed_domains": ["https://a.id:8080"]}]})
