"""``kill -9`` at random points of ``python -m crawler``, ``pantau extract --all`` and ``pantau index``
on the fixture site and the real PDFs it serves; after a re-run the catalogue (and index) must equal
a clean run's: no document lost or duplicated, no half-written blob, identical facts.

The test command kills each command ``PANTAU_CRASH_KILLS`` times (default 6); ``make fuzz`` sets 24.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml
from sqlalchemy import select

from katalog.blobs import BlobStore
from katalog.db import Catalogue
from katalog.models import Document, DocumentFile, Fact, Failure, Sighting
from indices.search import SearchRequest, open_index
from pantau.settings import load_settings
from tests.crawler.fixture_site import FixtureSite

REPO = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("PANTAU_CRASH_KILLS", "6"))
SYNTHETIC = 1500
ENV = {"PANTAU_MAX_FILE_BYTES": "1000000", "PANTAU_TEST_FEED_USER": "pantau",
       "PANTAU_TEST_FEED_PASS": "rahasia"}


def _settings(data_dir: Path):
    return load_settings(data_dir=str(data_dir), config_file=str(data_dir / "none.toml"))


def _env(data_dir: Path) -> dict:
    return {**os.environ, **ENV, "PANTAU_DATA_DIR": str(data_dir),
            "PANTAU_CONFIG": str(data_dir / "none.toml")}


def crawl_cmd(sources: Path, data_dir: Path) -> list[str]:
    return [sys.executable, "-m", "crawler", "--sources", str(sources), "--data-dir", str(data_dir),
            "--config", str(data_dir / "none.toml"), "--no-throttle"]


def pantau_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "pantau_cli", *args]


def run(cmd: list[str], data_dir: Path, timeout: float = 300) -> float:
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=REPO, env=_env(data_dir), capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, f"{cmd[2:4]} failed:\n{proc.stderr[-4000:]}"
    return time.monotonic() - started


def kill_repeatedly(cmd: list[str], data_dir: Path, clean_seconds: float, rng: random.Random,
                    n: int) -> list[float]:
    """Start ``cmd`` ``n`` times and SIGKILL it at a random point; returns the kill points (seconds
    after start) that hit a still-running process."""
    points = []
    for _ in range(n):
        proc = subprocess.Popen(cmd, cwd=REPO, env=_env(data_dir), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        at = rng.uniform(0.3, 1.0) * clean_seconds  # start-up (imports) takes the first ~0.3 s
        time.sleep(at)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            points.append(round(at, 2))
        proc.wait(timeout=120)
    return points


def snapshot(cat: Catalogue) -> dict:
    """What a re-run must reproduce exactly (ids, timestamps and run bookkeeping aside)."""
    with cat.session() as s:
        keys = dict(s.execute(select(Document.id, Document.reg_key)).all())
        docs = {d.reg_key: (d.jenis_code, d.nomor, d.tahun, d.region_code, d.tentang, d.text_status,
                            d.status) for d in s.scalars(select(Document))}
        files = {f.sha256: (keys.get(f.document_id), f.role, f.media_type, f.size, f.pages,
                            f.text_status) for f in s.scalars(select(DocumentFile))}
        sightings = sorted((keys[x.document_id], x.url, x.file_sha256 or "")
                           for x in s.scalars(select(Sighting)))
        facts = sorted((keys[f.document_id], f.file_sha256 or "", f.kind, f.start, f.end, f.text,
                        repr(sorted(f.data.items())), f.extractor_version, f.pasal or "",
                        f.ayat or "") for f in s.scalars(select(Fact)))
        failures = sorted((f.stage, f.locator, f.reason) for f in s.scalars(select(Failure))
                          if f.resolved_at is None)
    return {"documents": docs, "files": files, "sightings": sightings, "facts": facts,
            "failures": failures}


def snapshot_of(data_dir: Path) -> dict:
    """The snapshot of a data dir, with no connection left open afterwards.

    A connection left open would make the copies below unsafe: closing any descriptor of a file
    drops every POSIX lock this process holds on it, so copying a live SQLite database (shutil
    reads it) while this process has it open lets another process recycle the WAL under our
    connections ("database disk image is malformed"), a hazard SQLite documents.
    """
    cat = Catalogue(_settings(data_dir))
    try:
        return snapshot(cat)
    finally:
        cat.dispose()


def assert_blobs_whole(data_dir: Path, snap: dict) -> None:
    store = BlobStore(data_dir / "blobs")
    assert all(store.verify(sha) for sha in snap["files"])
    named = [p for p in (data_dir / "blobs").rglob("*") if p.is_file() and not p.name.startswith(".tmp-")]
    assert sorted(p.name for p in named) == sorted(snap["files"])  # nothing half-written, no orphan


def index_view(data_dir: Path) -> tuple:
    """Count, a query's total and exact hits, and what a further sync would send: after recovery
    the index must hold exactly the catalogue's content (a sync finds nothing to do)."""
    settings = _settings(data_dir)
    idx = open_index(settings)
    cat = Catalogue(settings)
    try:
        noop = idx.sync(cat).counts()
    finally:
        cat.dispose()
    total = idx.search(SearchRequest.build("jaminan sosial pekerja rentan"), facets=False).total
    exact = idx.search(SearchRequest.build("perbup 30 2024"), facets=False)
    return idx.count(), total, [h.reg_key for h in exact.hits][:1], noop


def write_sources(base: str, path: Path) -> Path:
    fast = {"rate_limit": 0, "retry_backoff": 0.05}
    path.write_text(yaml.safe_dump({"sources": [
        {"name": "messy", "kind": "jdihn_feed", "url": f"{base}/messy/feed/document.json",
         "timeout": 1, **fast},
        {"name": "paged", "kind": "jdihn_feed", "url": f"{base}/paged/api/produk-hukum/peraturan", **fast},
        {"name": "numbered", "kind": "jdihn_feed", "url": f"{base}/numbered/feed.json?page=1", **fast},
        {"name": "auth-ok", "kind": "jdihn_feed", "url": f"{base}/auth/feed/document.json",
         "region": "33.25", "auth": {"username_env": "PANTAU_TEST_FEED_USER",
                                     "password_env": "PANTAU_TEST_FEED_PASS"}, **fast},
        {"name": "cms", "kind": "jdih_cms:laravel", "url": f"{base}/", "region": "33.25", **fast},
    ]}))
    return path


def test_kill_9_crawl_extract_index_then_rerun_matches_clean_run(tmp_path, capsys):
    rng = random.Random(8)
    survived = {}
    with FixtureSite() as site:
        sources = write_sources(site.base, tmp_path / "sources.yaml")
        # -- crawl
        clean = tmp_path / "clean"
        crawl_seconds = run(crawl_cmd(sources, clean), clean)
        expected = snapshot_of(clean)
        assert len(expected["documents"]) >= 5 and len(expected["files"]) >= 3
        killed = tmp_path / "killed"
        survived["crawl"] = kill_repeatedly(crawl_cmd(sources, killed), killed, crawl_seconds, rng, KILLS)
        run(crawl_cmd(sources, killed), killed)
        # a re-crawl of a site that did not change changes nothing, killed or not
        got = snapshot_of(killed)
        assert got["documents"] == expected["documents"]
        assert got["files"] == expected["files"]
        assert got["sightings"] == expected["sightings"]
        assert got["failures"] == expected["failures"]
        assert_blobs_whole(killed, got)

    # -- extract --all, starting from the crawled (not yet read) catalogue
    crawled = tmp_path / "crawled"
    shutil.copytree(clean, crawled)
    extract_seconds = run(pantau_cmd("extract", "--all"), clean)
    expected = snapshot_of(clean)
    assert expected["facts"], "the real PDFs yield facts"
    killed = tmp_path / "killed-extract"
    shutil.copytree(crawled, killed)
    survived["extract"] = kill_repeatedly(pantau_cmd("extract", "--all"), killed, extract_seconds,
                                          rng, KILLS)
    run(pantau_cmd("extract"), killed)  # only what is still unread: a kill loses at most the item in hand
    got = snapshot_of(killed)
    assert got == expected
    assert_blobs_whole(killed, got)

    # -- index, starting from the extracted catalogue plus synthetic documents, so that a kill
    # lands while documents are being written rather than during start-up
    from tests.indices.search import synthetic
    cat = Catalogue(_settings(clean))
    docs = synthetic.corpus(SYNTHETIC, seed=8, size=1500)
    synthetic.store(cat, docs)
    store = BlobStore(cat.settings.blob_dir)
    for d in docs:
        store.put(d.text.encode())
    cat.dispose()
    expected = snapshot_of(clean)
    extracted = tmp_path / "extracted"
    shutil.copytree(clean, extracted)
    index_seconds = run(pantau_cmd("index"), clean)
    expected_index = index_view(clean)
    n = len(expected["documents"])
    assert expected_index[0] == n and expected_index[3] == {"new": 0, "updated": 0, "deleted": 0,
                                                             "unchanged": n}
    assert expected_index[2] == ["perbup/33.25/2024/30"]
    survived["index"] = kill_repeatedly(pantau_cmd("index"), extracted, index_seconds, rng, KILLS)
    run(pantau_cmd("index"), extracted)
    assert index_view(extracted) == expected_index
    run(pantau_cmd("verify"), extracted)
    assert snapshot_of(extracted) == expected

    with capsys.disabled():
        print(f"\nkill -9 points survived (s after start): {survived}; clean runs "
              f"crawl {crawl_seconds:.1f}s, extract {extract_seconds:.1f}s, index {index_seconds:.1f}s")
    for command, points in survived.items():
        assert len(points) >= KILLS // 2, f"{command}: only {len(points)} of {KILLS} runs were killed"
