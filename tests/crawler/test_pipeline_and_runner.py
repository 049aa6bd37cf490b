"""Pieces of the pipeline and runner that need no reactor."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError
from twisted.python.failure import Failure

from crawler import runner
from crawler.errors import download_failure_reason
from crawler.pipelines import not_a_document
from crawler.settings import per_source_settings, scrapy_settings
from crawler.sources import parse_sources
from pantau.settings import load_settings
from tests.crawler.fixture_site import REAL

PDF = (REAL / "sosial-abstrak-perda-2-2023.pdf").read_bytes()


def test_not_a_document():
    assert not_a_document(PDF, "https://x.id/file/a.pdf", "application/octet-stream") is None
    assert not_a_document(b"\n\n" + PDF, "https://x.id/download.php?id=3", None) is None
    page = b"<!DOCTYPE html><html><body>File tidak ditemukan</body></html>"
    assert "HTML page" in not_a_document(page, "https://x.id/file/a.pdf", "text/html")
    assert "HTML page" in not_a_document(page, "https://x.id/download.php?id=3", "text/html")
    assert "expected a PDF" in not_a_document(b"Not Found", "https://x.id/file/a.pdf", "text/plain")
    # a Word file under a .docx name is a document
    assert not_a_document(b"PK\x03\x04rest", "https://x.id/file/a.docx", None) is None


def test_download_failure_reasons():
    req = Request("https://x.id/a.pdf")
    assert download_failure_reason(HttpError(Response("https://x.id", status=503, request=req),
                                             "x"))[0] == "http_503"
    assert download_failure_reason(IgnoreRequest("Forbidden by robots.txt"))[0] == "robots_forbidden"
    assert download_failure_reason(DownloadTimeoutError("took longer"))[0] == "timeout"
    assert download_failure_reason(Failure(DNSLookupError("x.id")))[0] == "dns_error"
    assert download_failure_reason(ConnectionRefusedError())[0] == "connection_refused"
    from scrapy.exceptions import DownloadCancelledError
    msg = "Expected to receive 2000 bytes which is larger than download max size (1000)"
    assert download_failure_reason(DownloadCancelledError(msg))[0] == "too_large"
    assert download_failure_reason(ValueError("odd"))[0] == "download_error"


def test_scrapy_settings_are_honest_and_polite(tmp_path):
    settings = load_settings(data_dir=str(tmp_path), config_file=str(tmp_path / "x.toml"),
                             user_agent="PantauBot/9 (+https://example.org)")
    s = scrapy_settings(settings)
    assert s["USER_AGENT"] == "PantauBot/9 (+https://example.org)"
    assert s["ROBOTSTXT_OBEY"] is True and s["AUTOTHROTTLE_ENABLED"] is True
    assert s["CONCURRENT_REQUESTS_PER_DOMAIN"] == 2
    assert {429, 500, 502, 503, 504} <= set(s["RETRY_HTTP_CODES"])
    assert s["DOWNLOAD_MAXSIZE"] == settings.max_file_bytes
    (src,) = parse_sources({"sources": [{"name": "a", "kind": "jdihn_feed", "url": "https://x.id/f",
                                         "rate_limit": 3, "timeout": 30}]})
    assert per_source_settings(src) == {"DOWNLOAD_DELAY": 3.0, "AUTOTHROTTLE_START_DELAY": 3.0,
                                        "DOWNLOAD_TIMEOUT": 30.0, "RETRY_BACKOFF_BASE": 5.0}
    mw = s["DOWNLOADER_MIDDLEWARES"]
    assert mw["scrapy.downloadermiddlewares.retry.RetryMiddleware"] is None
    assert "crawler.middlewares.BackoffRetryMiddleware" in mw


def test_select_sources():
    srcs = parse_sources({"sources": [{"name": n, "kind": "jdihn_feed", "url": "https://x.id/f"}
                                      for n in ("a", "b", "c")]})
    assert [s.name for s in runner.select_sources(srcs, None)] == ["a", "b", "c"]
    assert [s.name for s in runner.select_sources(srcs, ["c", "a"])] == ["a", "c"]
    with pytest.raises(ValueError, match="unknown source.*: z"):
        runner.select_sources(srcs, ["z"])


def test_crawl_runs_once_per_process(monkeypatch):
    monkeypatch.setattr(runner, "_reactor_used", True)
    with pytest.raises(RuntimeError, match="once per process"):
        runner.crawl(None, [], None)


def test_a_known_file_is_skipped_only_while_its_blob_exists(sqlite_catalogue):
    from katalog import importer
    from katalog.blobs import BlobStore
    from crawler.store import known_file_for_url
    cat = sqlite_catalogue
    blobs = BlobStore(cat.settings.blob_dir)
    sha, _ = blobs.put(PDF)
    with cat.session() as s:
        f, _ = importer.upsert_file(s, sha, media_type="application/pdf", size=len(PDF))
        doc = importer.upsert_document(s, "perda/33.25/2023/2", {"jenis_code": "perda"},
                                       origin="feed").document
        importer.attach_file(s, f, doc, "abstrak")
        importer.add_sighting(s, doc, "https://x.id/a.pdf", file_sha256=sha)
    assert known_file_for_url(cat, "https://x.id/a.pdf") == sha
    assert known_file_for_url(cat, "https://x.id/other.pdf") is None
    blobs.path(sha).unlink()
    assert known_file_for_url(cat, "https://x.id/a.pdf") is None  # lost from disk: fetch again
