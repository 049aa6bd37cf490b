"""End to end: the BPK spider with ``regions: all`` on a national loopback peraturan.bpk.go.id
(``tests/crawler/bpk_national.py``: 577 regulations of all 552 regions), through a kill, a
throttling wave and an unchanged re-crawl.

1. The first crawl is killed (``SIGKILL``) once 150 detail pages were answered: the site then
   stops answering search pages (the details and files already asked for are still served), and
   the test kills the crawler when its catalogue has stopped changing. (A kill at any instant
   loses at most the documents of the batch not yet written: ``crawler.pipelines``.)
2. The second crawl resumes from the checkpoints; after 150 more answers the site answers every
   request with 429/403 and ``Retry-After: 600``, and the crawl stops (``retry_after``).
3. The third crawl resumes again and finishes: every region has exactly its documents.
4. The fourth crawl finds nothing changed: it reads the search pages and nothing else.

Throttling is off (loopback); the whole module takes seconds, not minutes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict

import pytest
import yaml
from sqlalchemy import func, select

from katalog.db import Catalogue
from katalog.models import CrawlCheckpoint, Document, DocumentFile, Failure, Sighting, SourceRun
from pantau.settings import load_settings
from tests.crawler.bpk_national import (FLAKY_DETAILS, KEYWORDS, REPO, NationalBpkSite, expected,
                                        generate, load)
from tests.crawler.fixture_site import run_crawl

FAST = {"rate_limit": 0, "retry_backoff": 0.2}


def _state(cat: Catalogue) -> tuple:
    with cat.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(m))
                     for m in (Document, Sighting, DocumentFile, CrawlCheckpoint, Failure))


def _killed_crawl(sources, data_dir, site: NationalBpkSite, cat: Catalogue) -> None:
    """Run a crawl and kill -9 it once the site hangs and the catalogue has settled."""
    cmd = [sys.executable, "-m", "crawler", "--sources", str(sources), "--data-dir", str(data_dir),
           "--config", str(data_dir / "none.toml"), "--json", "--no-throttle"]
    proc = subprocess.Popen(cmd, cwd=REPO, env=dict(os.environ), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while site.server.hung == 0:
            assert proc.poll() is None, "the crawl ended before it was killed"
            assert time.monotonic() < deadline, "the site never hung"
            time.sleep(0.1)
        last, since = None, time.monotonic()
        while time.monotonic() - since < 1.5:  # the catalogue has stopped changing
            now = _state(cat)
            if now != last:
                last, since = now, time.monotonic()
            time.sleep(0.1)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        site.server.hang_after = None
        site.server.release.set()


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bpk-national")
    settings = load_settings(data_dir=str(tmp / "var"), config_file=str(tmp / "none.toml"))
    cat = Catalogue(settings)
    cat.init()
    docs = load()
    with NationalBpkSite(docs) as site:
        sources = tmp / "sources.yaml"
        sources.write_text(yaml.safe_dump({"sources": [{
            "name": "bpk", "kind": "bpk", "url": f"{site.base}/", "regions": "all",
            "jenis": ["perda", "qanun", "pergub", "perbup", "perwal"], "keywords": KEYWORDS,
            **FAST}]}), encoding="utf-8")
        marks = [0]
        site.server.hang_after = 150
        _killed_crawl(sources, settings.data_dir, site, cat)
        after_kill = _state(cat)
        marks.append(len(site.requests))
        site.server.wave_after = site.server.ok_count + 150
        (waved,) = run_crawl(sources, settings.data_dir, extra=["--no-throttle"])
        after_wave = _state(cat)
        marks.append(len(site.requests))
        site.server.wave, site.server.wave_after = False, None
        (finished,) = run_crawl(sources, settings.data_dir, extra=["--no-throttle"])
        marks.append(len(site.requests))
        (again,) = run_crawl(sources, settings.data_dir, extra=["--no-throttle"])
        marks.append(len(site.requests))
    yield {"cat": cat, "site": site, "docs": docs, "marks": marks, "after_kill": after_kill,
           "after_wave": after_wave, "waved": waved, "finished": finished, "again": again}
    cat.dispose()


def _run_stats(cat: Catalogue) -> list[dict]:
    with cat.session() as s:
        return [r.stats | {"_status": r.status, "_reason": r.finish_reason}
                for r in s.scalars(select(SourceRun).order_by(SourceRun.id))]


def test_the_fixture_file_is_what_the_generator_writes():
    assert load() == generate()


def test_every_region_gets_exactly_its_documents(national):
    want = expected(national["docs"])
    assert len({region for region, _ in want.values()}) == 552
    with national["cat"].session() as s:
        got = {d.reg_key: (d.region_code, d.issued_region_code)
               for d in s.scalars(select(Document)) if d.region_code}
        unplaced = s.scalars(select(Document).where(Document.region_code.is_(None))).all()
    assert got == want
    by_region: dict[str, set] = defaultdict(set)
    for key, (region, _) in want.items():
        by_region[region].add(key)
    assert {r: {k for k, v in got.items() if v[0] == r} for r in by_region} == by_region
    # the 2022 Papua pemekaran: issued under Provinsi Papua, counted for Papua Selatan today
    merauke = [k for k in got if k.startswith("perbup/91.01/2020/")]
    assert len(merauke) == 1 and got[merauke[0]] == ("93.01", "91.01")
    assert any(k.startswith("perbup/93.01/2022/") for k in got)  # the day UU 14/2022 took effect
    assert any(v == ("96.71", "92.71") for v in got.values())     # Kota Sorong before UU 29/2022
    # the name two regions share and the unknown name: kept under their files, not placed
    assert sorted(d.reg_key.split("/")[0] for d in unplaced) == ["berkas", "berkas"]


def test_unplaceable_names_are_recorded_with_their_candidates(national):
    with national["cat"].session() as s:
        problems = {f.reason: f.detail for f in s.scalars(select(Failure))
                    if f.reason.startswith("region_")}
    assert set(problems) == {"region_ambiguous", "region_unknown"}
    assert "33.08 Kabupaten Magelang" in problems["region_ambiguous"]
    assert "33.71 Kota Magelang" in problems["region_ambiguous"]
    assert "Antah Berantah" in problems["region_unknown"]


def test_files_details_and_skipped_jenis(national):
    docs, site = national["docs"], national["site"]
    with national["cat"].session() as s:
        with_files = {d.reg_key for d in s.scalars(select(Document)) if d.files}
    want = expected(docs)
    no_pdf = {f"{d['jenis']}/{d['issued']}/{d['tahun']}/{d['nomor']}" for d in docs
              if d["expect"] == "region" and not d["pdf"]}
    assert no_pdf and not no_pdf & with_files                       # "Dokumen belum tersedia"
    assert set(want) - no_pdf <= with_files
    paths = [h.path for h in site.requests]
    for d in docs:
        if d["expect"] == "skipped":  # a Keputusan Bupati card: its page is never asked for
            assert not any(f"/{d['id']}/" in p for p in paths)
    # past the ten page links a result page shows
    assert any(p.startswith("/Search?keywords=jaminan+sosial+ketenagakerjaan&jenis=23&p=")
               and int(p.rsplit("=", 1)[1]) > 20 for p in paths)


def test_429_and_403_with_retry_after_are_honoured(national):
    site, docs = national["site"], national["docs"]
    for n, statuses in FLAKY_DETAILS.items():
        d = docs[n]
        hits = [h for h in site.requests if f"/{d['id']}/" in h.path and "Details" in h.path]
        assert [h.status for h in hits[:2]] == statuses + [200], (n, hits)
        assert hits[1].at - hits[0].at >= 1.0


def test_a_killed_crawl_resumes_without_fetching_anything_twice(national):
    site, marks = national["site"], national["marks"]
    answered = [h.path for h in site.requests[:marks[3]]
                if h.status == 200 and h.path != "/robots.txt"]
    twice = [p for p, n in Counter(answered).items() if n > 1]
    runs = {p: [i + 1 for i, (a, b) in enumerate(zip(marks, marks[1:]))
                for h in site.requests[a:b] if h.path == p and h.status == 200] for p in twice}
    assert not twice, f"{len(twice)} pages answered twice (crawls): {list(runs.items())[:10]}"
    # each crawl did part of the work, and the second and third took up where the last stopped
    per_run = [len([h for h in site.requests[a:b] if h.status == 200]) for a, b in
               zip(marks, marks[1:])]
    assert all(n > 100 for n in per_run[:3]), per_run
    stats = _run_stats(national["cat"])
    assert stats[0]["_status"] == "interrupted"   # the killed run, closed by the next one
    assert stats[1]["_reason"] == "retry_after" and stats[1]["pantau/retry_after_too_long"] >= 1
    assert stats[1]["pantau/listing_pages_resumed"] > 0
    assert stats[2]["pantau/listing_pages_resumed"] > stats[1]["pantau/listing_pages_resumed"]
    assert stats[2]["_reason"] == "finished"
    kill, wave = national["after_kill"], national["after_wave"]
    assert 0 < kill[0] < wave[0] < len(expected(national["docs"]))  # documents
    assert kill[3] > 0 and wave[3] > kill[3]                         # checkpoints kept
    assert sum(stats[i].get("pantau/duplicate_cards", 0) for i in range(3)) > 0


def test_an_unchanged_recrawl_reads_only_the_search_pages(national):
    site, marks, again = national["site"], national["marks"], national["again"]
    paths = {h.path.split("?")[0] for h in site.requests[marks[3]:marks[4]]}
    assert paths == {"/robots.txt", "/Search"}
    assert (again["docs_unchanged"], again["docs_new"], again["docs_updated"],
            again["files_new"], again["errors"]) == (574, 0, 0, 0, 0)
    with national["cat"].session() as s:
        # the cycle finished: no checkpoint is left, so the next crawl reads the searches afresh
        assert s.scalar(select(func.count()).select_from(CrawlCheckpoint)) == 0
