"""End to end: the real crawler, in a subprocess, against the fixture JDIH site, into a fresh catalogue.

One crawl of all fixture sources, then a second crawl of the same sources; the tests below read
what each left in the catalogue and in the site's request log.
"""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest
import yaml
from sqlalchemy import func, select

from katalog.db import Catalogue
from katalog.models import Document, DocumentFile, Failure, Sighting, Source, SourceRun
from pantau.settings import load_settings
from tests.crawler.fixture_site import REAL, FixtureSite, closed_port, run_crawl

MAX_FILE_BYTES = 1_000_000  # the real PDFs are smaller; /file/big.pdf is larger
ENV = {"PANTAU_MAX_FILE_BYTES": str(MAX_FILE_BYTES),
       "PANTAU_TEST_FEED_USER": "pantau", "PANTAU_TEST_FEED_PASS": "rahasia"}
KNOWN_FILE_PATHS = {"/file/perbup-30-2024.pdf", "/mirror/perbup-30-2024.pdf",
                    "/file/perda-2-2023.pdf", "/auth/file/perda-2-2023.pdf",
                    "/file/abstrak-perda-2-2023.pdf", "/file/abstrak-perbup-20-2025.pdf"}


def _sha(name: str) -> str:
    return hashlib.sha256((REAL / name).read_bytes()).hexdigest()


def _sources(base: str, down: str) -> dict:
    fast = {"rate_limit": 0, "retry_backoff": 0.05}
    return {"sources": [
        # timeout 1 s: /file/slow.pdf (2.5 s) must time out
        {"name": "messy", "kind": "jdihn_feed", "url": f"{base}/messy/feed/document.json", **fast,
         "timeout": 1, "verified": "fixture"},
        {"name": "zero", "kind": "jdihn_feed", "url": f"{base}/zero/feed/document.json", **fast},
        {"name": "malformed", "kind": "jdihn_feed", "url": f"{base}/malformed/feed/document.json",
         **fast},
        {"name": "auth-ok", "kind": "jdihn_feed", "url": f"{base}/auth/feed/document.json",
         "region": "33.25", "auth": {"username_env": "PANTAU_TEST_FEED_USER",
                                     "password_env": "PANTAU_TEST_FEED_PASS"}, **fast},
        {"name": "auth-wrong", "kind": "jdihn_feed", "url": f"{base}/auth/feed/document.json?v=2",
         "auth": {"username": "pantau", "password": "salah"}, **fast},
        {"name": "auth-unset", "kind": "jdihn_feed", "url": f"{base}/auth/feed/document.json?v=3",
         "auth": {"username_env": "PANTAU_TEST_NOT_SET", "password_env": "PANTAU_TEST_NOT_SET"},
         **fast},
        {"name": "paged", "kind": "jdihn_feed", "url": f"{base}/paged/api/produk-hukum/peraturan",
         **fast},
        {"name": "numbered", "kind": "jdihn_feed", "url": f"{base}/numbered/feed.json?page=1",
         **fast},
        {"name": "down", "kind": "jdihn_feed", "url": f"{down}/feed/document.json", **fast},
        {"name": "cms", "kind": "jdih_cms:laravel", "url": f"{base}/", "region": "33.25", **fast},
    ]}


def _snapshot(cat: Catalogue) -> dict:
    with cat.session() as s:
        def count(model):
            return s.scalar(select(func.count()).select_from(model))
        return {
            "documents": count(Document), "files": count(DocumentFile),
            "sightings": count(Sighting), "failures": count(Failure), "sources": count(Source),
            "runs": count(SourceRun),
            "failure_rows": {(f.stage, f.locator, f.reason, f.resolved_at is None, f.attempts)
                             for f in s.scalars(select(Failure))},
        }


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fixture-crawl")
    settings = load_settings(data_dir=str(tmp / "var"), config_file=str(tmp / "none.toml"))
    cat = Catalogue(settings)
    cat.init()
    with FixtureSite() as site:
        down = f"http://127.0.0.1:{closed_port()}"
        sources_file = tmp / "sources.yaml"
        sources_file.write_text(yaml.safe_dump(_sources(site.base, down)), encoding="utf-8")
        first = run_crawl(sources_file, settings.data_dir, env=ENV)
        after_first = _snapshot(cat)
        log_first = list(site.log)
        second = run_crawl(sources_file, settings.data_dir, env=ENV)
        after_second = _snapshot(cat)
        log_second = site.log[len(log_first):]
    yield {"cat": cat, "base": site.base, "down": down, "first": {s["name"]: s for s in first},
           "second": {s["name"]: s for s in second}, "after_first": after_first,
           "after_second": after_second, "log_first": log_first, "log_second": log_second}
    cat.dispose()


def test_documents_are_exactly_the_identified_records(crawled):
    cat = crawled["cat"]
    with cat.session() as s:
        docs = {d.reg_key: d for d in s.scalars(select(Document))}
        assert sorted(docs) == sorted([
            "perbup/33.25/2024/30", "perda/33.25/2023/2", "perbup/33.25/2025/20",
            "perbup/33.25/2022/12", "perbup/33.25/2022/13", "perbup/33.25/2022/14",
            "perbup/33.25/2022/15", "perbup/33.25/2022/16",
            "perwal/33.75/2021/5", "perwal/33.75/2021/6", "perwal/33.75/2021/7",
            "perwal/33.75/2021/8",
        ])
        p30 = docs["perbup/33.25/2024/30"]
        assert (p30.jenis, p30.nomor, p30.tahun, p30.region_code, p30.status) == \
            ("Peraturan Bupati", "30", 2024, "33.25", "Berlaku")
        assert p30.tentang == "Jaminan Sosial Ketenagakerjaan Bagi Pekerja Rentan"
        assert str(p30.tanggal_diundangkan) == "2024-07-01"
        perda = docs["perda/33.25/2023/2"]
        # a tentang-only judul; the region comes from tempatTerbit "Batang"
        assert (perda.jenis, perda.tentang, perda.region_code) == \
            ("Peraturan Daerah", "Penyelenggaraan Jaminan Sosial", "33.25")
        assert str(perda.tanggal_ditetapkan) == "2023-03-15"
        assert perda.tanggal_diundangkan is None  # "" in the feed
        # the region named in the title ("Wali Kota Pekalongan"), and from tempatTerbit
        assert docs["perwal/33.75/2021/5"].jenis == "Peraturan Wali Kota"
        assert docs["perwal/33.75/2021/7"].tentang == "Contoh Halaman Bernomor Satu"
        assert all(d.kind == "regulation" and d.evidence_grade == "dokumen" for d in docs.values())


def test_files_are_stored_once_per_content(crawled):
    cat = crawled["cat"]
    with cat.session() as s:
        files = {f.sha256: (f.document.reg_key, f.role, f.media_type)
                 for f in s.scalars(select(DocumentFile))}
    assert files == {
        _sha("sosial-perbup-30-2024.pdf"): ("perbup/33.25/2024/30", "utama", "application/pdf"),
        _sha("sosial-perda-2-2023.pdf"): ("perda/33.25/2023/2", "utama", "application/pdf"),
        _sha("sosial-abstrak-perda-2-2023.pdf"): ("perda/33.25/2023/2", "abstrak",
                                                  "application/pdf"),
        _sha("sosial-abstrak-perbup-20-2025.pdf"): ("perbup/33.25/2025/20", "abstrak",
                                                    "application/pdf"),
    }
    blobs = cat.settings.blob_dir
    for sha in files:
        assert (blobs / sha[:2] / sha[2:4] / sha).is_file()


def test_sightings_record_every_place_a_document_was_seen(crawled):
    cat, base = crawled["cat"], crawled["base"]
    feed = f"{base}/messy/feed/document.json"
    with cat.session() as s:
        rows = {(sg.document.reg_key, sg.url, sg.source.name, sg.file_sha256)
                for sg in s.scalars(select(Sighting))}
        record_1614 = s.scalar(select(Sighting.record).where(Sighting.url == f"{feed}#1614"))
    p30, perda = _sha("sosial-perbup-30-2024.pdf"), _sha("sosial-perda-2-2023.pdf")
    assert rows == {
        ("perbup/33.25/2024/30", f"{feed}#1614", "messy", p30),
        ("perbup/33.25/2024/30", f"{base}/file/perbup-30-2024.pdf", "messy", p30),  # %0A gone
        ("perbup/33.25/2024/30", f"{feed}#1615", "messy", p30),
        ("perbup/33.25/2024/30", f"{base}/mirror/perbup-30-2024.pdf", "messy", p30),
        ("perda/33.25/2023/2", f"{base}/page/detail/peraturan-daerah-no-2-tahun-2023", "messy",
         perda),
        ("perda/33.25/2023/2", f"{base}/file/perda-2-2023.pdf", "messy", perda),
        ("perda/33.25/2023/2", f"{base}/file/abstrak-perda-2-2023.pdf", "messy",
         _sha("sosial-abstrak-perda-2-2023.pdf")),
        ("perda/33.25/2023/2", f"{base}/auth/feed/document.json#77", "auth-ok", perda),
        ("perda/33.25/2023/2", f"{base}/auth/file/perda-2-2023.pdf", "auth-ok", perda),
        ("perbup/33.25/2025/20", f"{feed}#1905", "messy", None),  # its PDF gave HTTP 500
        ("perbup/33.25/2025/20", f"{base}/file/abstrak-perbup-20-2025.pdf", "messy",
         _sha("sosial-abstrak-perbup-20-2025.pdf")),
        ("perbup/33.25/2022/12", f"{feed}#1500", "messy", None),
        ("perbup/33.25/2022/13", f"{feed}#1501", "messy", None),
        ("perbup/33.25/2022/14", f"{feed}#1502", "messy", None),
        ("perbup/33.25/2022/15", f"{feed}#1503", "messy", None),
        ("perbup/33.25/2022/16", f"{feed}#1504", "messy", None),
        ("perwal/33.75/2021/5", f"{base}/paged/api/produk-hukum/peraturan#5", "paged", None),
        ("perwal/33.75/2021/6", f"{base}/paged/api/produk-hukum/peraturan#6", "paged", None),
        ("perwal/33.75/2021/7", f"{base}/numbered/feed.json?page=1#7", "numbered", None),
        ("perwal/33.75/2021/8", f"{base}/numbered/feed.json?page=1#8", "numbered", None),
    }
    # the raw record is kept as received: ints stay ints, "%0A" stays
    assert record_1614["noPeraturan"] == 30 and record_1614["urlDownload"].endswith("%0A")


def test_failures_are_recorded_with_reasons(crawled):
    base, down = crawled["base"], crawled["down"]
    feed = f"{base}/messy/feed/document.json"
    rows = {(stage, loc, reason) for stage, loc, reason, _open, _n
            in crawled["after_first"]["failure_rows"]}
    assert rows == {
        ("fetch", f"{base}/file/error500.pdf", "http_500"),
        ("fetch", f"{base}/file/not-found.pdf", "not_pdf"),
        ("fetch", f"{base}/file/slow.pdf", "timeout"),
        ("fetch", f"{base}/file/big.pdf", "too_large"),  # Content-Length says so
        ("fetch", f"{base}/file/big-stream.pdf", "too_large"),  # the body grows past the cap
        ("fetch", f"{base}/private/perbup-15-2022.pdf", "robots_forbidden"),
        ("metadata", f"{feed}#1700", "no_identity"),
        ("crawl", f"{feed}#10", "bad_record"),
        ("crawl", f"{base}/malformed/feed/document.json", "malformed_json"),
        ("fetch", f"{base}/auth/feed/document.json?v=2", "http_401"),
        ("crawl", f"{base}/auth/feed/document.json?v=3", "missing_credentials"),
        ("fetch", f"{down}/feed/document.json", "connection_refused"),
        ("crawl", f"{base}/", "unsupported_kind"),
    }
    assert all(is_open for *_, is_open, _n in crawled["after_first"]["failure_rows"])


def test_run_summaries(crawled):
    first = crawled["first"]
    assert set(first) == {"messy", "zero", "malformed", "auth-ok", "auth-wrong", "auth-unset",
                          "paged", "numbered", "down", "cms"}
    messy = first["messy"]
    assert (messy["status"], messy["finish_reason"]) == ("finished", "finished")
    assert messy["items"] == 10 and messy["errors"] == 8
    assert first["zero"] | {"run_id": 0, "requests": 0} == {
        "name": "zero", "kind": "jdihn_feed", "run_id": 0, "status": "finished",
        "finish_reason": "finished", "requests": 0, "items": 0, "docs_new": 0,
        "docs_updated": 0, "docs_unchanged": 0, "files_new": 0, "errors": 0}
    assert first["paged"]["docs_new"] == 2 and first["numbered"]["docs_new"] == 2
    assert first["numbered"]["requests"] == 4  # robots.txt + pages 1, 2, 3
    for name in ("malformed", "auth-wrong", "down"):
        assert first[name]["status"] == "finished" and first[name]["errors"] == 1, name
        assert "no items" in first[name]["finish_reason"]
    assert first["auth-unset"]["status"] == "failed"
    assert first["auth-unset"]["finish_reason"] == "missing_credentials"
    assert (first["cms"]["status"], first["cms"]["finish_reason"]) == \
        ("failed", "unsupported_kind: jdih_cms:laravel")
    assert sum(s["docs_new"] for s in first.values()) == 12
    assert sum(s["files_new"] for s in first.values()) == 4


def test_second_crawl_fetches_no_known_file_and_adds_no_rows(crawled):
    a, b = crawled["after_first"], crawled["after_second"]
    for key in ("documents", "files", "sightings", "failures", "sources"):
        assert a[key] == b[key], key
    assert b["runs"] == 2 * a["runs"]  # a run row per source and crawl is the only addition
    fetched_first = Counter(p for p, status in crawled["log_first"] if p in KNOWN_FILE_PATHS)
    assert set(fetched_first) == KNOWN_FILE_PATHS
    assert [p for p, _ in crawled["log_second"] if p in KNOWN_FILE_PATHS] == []
    # failed files are tried again (and fail again), each failure is still one row
    assert {(stage, loc, reason, n) for stage, loc, reason, _o, n in b["failure_rows"]
            if loc.endswith(("error500.pdf", "not-found.pdf"))} == {
        ("fetch", f"{crawled['base']}/file/error500.pdf", "http_500", 2),
        ("fetch", f"{crawled['base']}/file/not-found.pdf", "not_pdf", 2)}
    second = crawled["second"]
    assert second["messy"]["docs_new"] == 0 and second["messy"]["files_new"] == 0
    assert second["messy"]["docs_unchanged"] == 9
    assert sum(s["docs_new"] + s["docs_updated"] for s in second.values()) == 0


def test_requests_are_polite(crawled):
    log = crawled["log_first"]
    assert ("/robots.txt", 200) in log
    assert not any(p.startswith("/private/") for p, _ in log)  # robots.txt forbids it
    # HTTP 500 is retried (RETRY_TIMES=2), then given up
    assert [s for p, s in log if p == "/file/error500.pdf"] == [500, 500, 500]


BOOM = """
import sys
from crawler import spiders
from crawler.spiders.news import NewsSpider
from crawler.__main__ import main

class BoomSpider(NewsSpider):
    async def start(self):
        if self.source.name == "boom-start":
            raise RuntimeError("boom in start")
        async for r in super().start():
            yield r

    def parse(self, response, **kwargs):
        raise RuntimeError("boom in parse")

spiders.SPIDERS["news"] = BoomSpider
sys.exit(main(sys.argv[1:]))
"""


def test_a_spider_that_raises_ends_as_a_finished_run_with_errors(tmp_path):
    import json
    import os
    import subprocess
    import sys

    from tests.crawler.fixture_site import REPO
    settings = load_settings(data_dir=str(tmp_path / "var"), config_file=str(tmp_path / "x.toml"))
    cat = Catalogue(settings)
    cat.init()
    with FixtureSite() as site:
        f = tmp_path / "sources.yaml"
        f.write_text(yaml.safe_dump({"sources": [
            {"name": "boom-parse", "kind": "news", "url": f"{site.base}/zero/feed/document.json",
             "rate_limit": 0},
            {"name": "boom-start", "kind": "news",
             "url": f"{site.base}/zero/feed/document.json?start", "rate_limit": 0},
            {"name": "zero", "kind": "jdihn_feed", "url": f"{site.base}/zero/feed/document.json",
             "rate_limit": 0}]}))
        proc = subprocess.run([sys.executable, "-c", BOOM, "--sources", str(f), "--data-dir",
                               str(settings.data_dir), "--config", str(tmp_path / "x.toml"),
                               "--json"], cwd=REPO, env=dict(os.environ), capture_output=True,
                              text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-3000:]
    runs = {s["name"]: s for s in json.loads(proc.stdout)}
    assert runs["boom-parse"]["status"] == "finished" and runs["boom-parse"]["errors"] == 1
    assert runs["boom-start"]["status"] == "finished" and runs["boom-start"]["errors"] == 1
    assert runs["zero"]["errors"] == 0  # the other sources are not affected
    with cat.session() as s:
        failures = {(f.stage, f.locator[len(site.base):], f.reason,
                     ("boom in parse" in f.detail, "boom in start" in f.detail))
                    for f in s.scalars(select(Failure))}
    cat.dispose()
    assert failures == {
        ("crawl", "/zero/feed/document.json", "spider_exception", (True, False)),
        ("crawl", "/zero/feed/document.json?start", "spider_exception", (False, True))}
