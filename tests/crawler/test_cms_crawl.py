"""End to end: the JDIH CMS spiders (baghukum, ILDIS) and the BPK spider, in a subprocess, against
fixture sites shaped like the real ones, into a fresh catalogue; then the same crawl again.

The three sites run at once (each its own host:port, so each has its own robots.txt); the tests
read the catalogue and the sites' request logs after each crawl.
"""

from __future__ import annotations

import hashlib

import pytest
import yaml
from sqlalchemy import func, select

from katalog.db import Catalogue
from katalog.models import Document, DocumentFile, Failure, Sighting, Source, SourceRun
from pantau.settings import load_settings
from tests.crawler.fixture_site import REAL, FixtureSite, run_crawl

FAST = {"rate_limit": 0, "retry_backoff": 0.3}
BATANG = "33.25"
FILE_MARKERS = (".pdf", "/Download/", "/common/dokumen/")


def _sha(name: str) -> str:
    return hashlib.sha256((REAL / name).read_bytes()).hexdigest()


def _sources(b: FixtureSite, i: FixtureSite, k: FixtureSite) -> dict:
    return {"sources": [
        {"name": "jdih-batang", "kind": "jdih_cms:baghukum", "url": f"{b.base}/",
         "region": BATANG, "tags": ["sosial"], **FAST},
        {"name": "jdih-dprd-batang", "kind": "jdih_cms:ildis",
         "url": f"{i.base}/dokumen/peraturan", "region": BATANG, **FAST},
        {"name": "bpk", "kind": "bpk", "url": f"{k.base}/", "regions": [BATANG, "33.75"],
         "jenis": ["perda", "perbup", "perwal"], "keywords": ["jaminan sosial"], **FAST},
    ]}


def _counts(cat: Catalogue) -> dict:
    with cat.session() as s:
        return {m.__name__: s.scalar(select(func.count()).select_from(m))
                for m in (Document, DocumentFile, Sighting, Failure)}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cms-crawl")
    settings = load_settings(data_dir=str(tmp / "var"), config_file=str(tmp / "none.toml"))
    cat = Catalogue(settings)
    cat.init()
    with FixtureSite("baghukum") as b, FixtureSite("ildis") as i, FixtureSite("bpk") as k:
        sources_file = tmp / "sources.yaml"
        sources_file.write_text(yaml.safe_dump(_sources(b, i, k)), encoding="utf-8")
        first = run_crawl(sources_file, settings.data_dir)
        marks = {site: len(site.requests) for site in (b, i, k)}
        after_first = _counts(cat)
        second = run_crawl(sources_file, settings.data_dir)
        after_second = _counts(cat)
    yield {"cat": cat, "settings": settings, "sites": {"baghukum": b, "ildis": i, "bpk": k},
           "marks": marks, "first": {s["name"]: s for s in first},
           "second": {s["name"]: s for s in second},
           "after_first": after_first, "after_second": after_second}
    cat.dispose()


def _paths(site: FixtureSite, crawl: int, marks: dict) -> list[tuple[str, int]]:
    hits = site.requests[:marks[site]] if crawl == 1 else site.requests[marks[site]:]
    return [(h.path if h.method == "GET" else f"{h.method} {h.path}", h.status) for h in hits]


def test_documents_from_the_three_families(crawled):
    with crawled["cat"].session() as s:
        docs = {d.reg_key: d for d in s.scalars(select(Document))}
        assert sorted(docs) == sorted([
            # baghukum (Batang's JDIH): abstrak sheets became files of their regulation
            "perbup/33.25/2024/30", "perbup/33.25/2025/20", "perda/33.25/2023/2",
            "perbup/33.25/2021/41", "insbup/33.25/2018/3",
            # ILDIS (DPRD Batang)
            "perda/33.25/2019/11", "perda/33.25/2018/6", "perda/33.25/2019/7",
            # BPK: Kota Pekalongan is a configured region
            "perwal/33.75/2021/5",
        ])
        p20 = docs["perbup/33.25/2025/20"]
        assert {(f.role, f.sha256) for f in p20.files} == {
            ("utama", _sha("sosial-perbup-20-2025.pdf")),
            ("abstrak", _sha("sosial-abstrak-perbup-20-2025.pdf"))}
        assert p20.tentang.lower().startswith("perubahan atas peraturan bupati nomor 30 tahun 2024")
        # dates only BPK gives ("14 Mei 2025")
        assert str(p20.tanggal_ditetapkan) == "2025-05-14"
        perda = docs["perda/33.25/2023/2"]
        assert {(f.role, f.sha256) for f in perda.files} == {
            ("utama", _sha("sosial-perda-2-2023.pdf")),
            ("abstrak", _sha("sosial-abstrak-perda-2-2023.pdf"))}
        assert (perda.jenis, perda.status, str(perda.tanggal_ditetapkan)) == \
            ("Peraturan Daerah", "Berlaku", "2023-03-15")
        perwal = docs["perwal/33.75/2021/5"]
        assert perwal.jenis == "Peraturan Wali Kota" and perwal.region_code == "33.75"
        assert docs["insbup/33.25/2018/3"].jenis == "Instruksi Bupati"
        assert all(d.evidence_grade == "dokumen" for d in docs.values())


def test_one_regulation_on_three_sites_is_one_document_with_three_sources(crawled):
    with crawled["cat"].session() as s:
        perda = s.scalar(select(Document).where(Document.reg_key == "perda/33.25/2023/2"))
        sources = {sg.source.name for sg in perda.sightings}
        pages = {sg.url.split("/", 3)[-1] for sg in perda.sightings if sg.record}
    assert sources == {"jdih-batang", "jdih-dprd-batang", "bpk"}
    assert pages == {"page/detail/peraturan-daerah-no-2-tahun-2023-tentang-penyelenggaraan-jaminan-sosial",
                     "page/detail/abstrak-peraturan-daerah-no-2-tahun-2023-tentang-penyelenggaraan-jaminan-sosial",
                     "dokumen/view?id=412", "Details/301554/perda-kab-batang-no-2-tahun-2023"}


def test_baghukum_listing_is_read_by_ajax_with_the_embedded_key(crawled):
    b = crawled["sites"]["baghukum"]
    posts = [h for h in b.requests[:crawled["marks"][b]] if h.method == "POST"]
    assert [h.path for h in posts] == [f"/page/load_data_dokumen_tag/{n}" for n in (1, 2, 3)]
    assert all(h.form == {"action": "fetch_data", "pencarian": "", "slug": "sosial",
                          "api_key": "c2lrdW1iYW5nLWZpeHR1cmUta2V5"} for h in posts)
    assert all(h.headers.get("X-Requested-With") == "XMLHttpRequest" for h in posts)
    paths = [p for p, _ in _paths(b, 1, crawled["marks"])]
    # the draft (Rancangan) is skipped from its card: neither its page nor its file is fetched
    assert not any("rancangan" in p for p in paths)
    # robots.txt forbids /page/cetak/ and /file/arsip/: never requested
    assert not any(p.startswith(("/page/cetak/", "/file/arsip/")) for p in paths)
    assert ("/robots.txt", 200) == _paths(b, 1, crawled["marks"])[0]


def test_baghukum_detail_records_keep_what_the_page_said(crawled):
    with crawled["cat"].session() as s:
        records = {sg.url.rsplit("/", 1)[-1]: sg.record for sg in s.scalars(select(Sighting))
                   if "/page/detail/" in sg.url}
    rec = {k.split("-tentang-")[0]: v for k, v in records.items()}
    # the windows-1252 page (declared in a meta tag) is decoded right
    p41 = rec["peraturan-bupati-no-41-tahun-2021"]
    assert p41["Keterangan"] == "Mengubah ketentuan \u201csantunan kematian\u201d \u2013 besaran " \
                                "santunan Rp1.500.000"
    assert p41["Jenis/Bentuk Peraturan"] == "Peraturan Bupati"
    # the PHP error printed into "OPD Pemrakarsa" is kept as received (it is data about the site)
    assert rec["instruksi-bupati-no-3-tahun-2018"]["OPD Pemrakarsa"].startswith(
        "A PHP Error was encountered")
    assert rec["peraturan-bupati-no-30-tahun-2024"]["listing"]["judul"] == \
        "Peraturan Bupati No. 30 Tahun 2024"


def test_ildis_pages_through_its_listing_and_stays_on_site(crawled):
    i = crawled["sites"]["ildis"]
    hits = i.requests[:crawled["marks"][i]]
    paths = [(h.path, h.status) for h in hits]
    assert ("/dokumen/peraturan", 200) in paths
    # page 2 failed once with 503 and was retried after a backoff
    page2 = [h for h in hits if h.path == "/dokumen/peraturan?page=2"]
    assert [h.status for h in page2] == [503, 200]
    assert page2[1].at - page2[0].at >= 0.3
    views = sorted(h.path for h in hits if h.path.startswith("/dokumen/view"))
    assert views == ["/dokumen/view?id=371", "/dokumen/view?id=388", "/dokumen/view?id=395",
                     "/dokumen/view?id=412"]  # not the naskah akademik (402), not the offsite 9
    with crawled["cat"].session() as s:
        rec = s.scalar(select(Sighting.record).where(Sighting.url.endswith("/dokumen/view?id=412")))
    assert rec["Subjek"] == ["JAMINAN SOSIAL", "KETENAGAKERJAAN"]
    assert rec["T.E.U. Badan"] == ["Kabupaten Batang"] and rec["Status"] == "Berlaku"
    assert [f["url"].rsplit("/", 1)[-1] for f in rec["files"]] == \
        ["2023pdkabbatang002.pdf", "abstrak_2023pdkabbatang002.pdf"]


def test_bpk_keeps_to_its_regions_and_honours_retry_after(crawled):
    k = crawled["sites"]["bpk"]
    hits = k.requests[:crawled["marks"][k]]
    searches = sorted(h.path for h in hits if h.path.startswith("/Search"))
    # p is raised until a page comes back without results
    assert searches == ["/Search?keywords=jaminan+sosial&jenis=19&p=1",
                        "/Search?keywords=jaminan+sosial&jenis=19&p=2",
                        "/Search?keywords=jaminan+sosial&jenis=23&p=1",
                        "/Search?keywords=jaminan+sosial&jenis=23&p=2",
                        "/Search?keywords=jaminan+sosial&jenis=23&p=3"]
    details = {h.path.split("/")[-2] for h in hits if "/Details/" in h.path}
    # Kabupaten Bandung (312845) and Kabupaten (not Kota) Pekalongan (287001) are never fetched
    assert details == {"347001", "198765", "361220", "301554"}
    p30 = [h for h in hits if h.path.startswith("/Details/347001/")]
    assert [h.status for h in p30] == [429, 200]
    assert p30[1].at - p30[0].at >= 1.0  # Retry-After: 1
    with crawled["cat"].session() as s:
        run = s.scalar(select(SourceRun).join(Source).where(Source.name == "bpk")
                       .order_by(SourceRun.id).limit(1))
        stats = run.stats
        p30_files = s.scalar(select(Document).where(Document.reg_key == "perbup/33.25/2024/30")).files
        assert [(f.media_type, f.sha256) for f in p30_files] == \
            [("application/pdf", _sha("sosial-perbup-30-2024.pdf"))]  # octet-stream, sniffed
    assert stats["pantau/retry_after_honoured"] == 1 and stats["pantau/skipped_region"] == 2


def test_first_run_summaries_and_stats(crawled):
    first = crawled["first"]
    assert {n: (r["status"], r["errors"]) for n, r in first.items()} == {
        "jdih-batang": ("finished", 1), "jdih-dprd-batang": ("finished", 0),
        "bpk": ("finished", 0)}
    assert first["jdih-batang"]["items"] == 7
    # five distinct PDFs in all, whichever source fetched each first
    assert sum(r["files_new"] for r in first.values()) == 5
    with crawled["cat"].session() as s:
        runs = {r.source.name: r for r in s.scalars(select(SourceRun).order_by(SourceRun.id))
                .all()[:3]}
        failures = {(f.stage, f.locator.split("/", 3)[-1], f.reason)
                    for f in s.scalars(select(Failure))}
        for r in runs.values():
            assert r.stats["recrawl_seconds"] == 7 * 86400
            assert r.stats["finish_reason"] == "finished"
        assert runs["jdih-batang"].stats["errors_by_reason"] == {"fetch:robots_forbidden": 1}
        assert runs["jdih-batang"].stats["pantau/skipped_not_regulation"] == 1
        assert runs["jdih-dprd-batang"].stats["pantau/offsite_links"] == 1
    assert failures == {("fetch", "file/arsip/peraturan-bupati-no-41-tahun-2021.pdf",
                         "robots_forbidden")}


def test_second_crawl_asks_conditionally_and_downloads_no_file(crawled):
    marks = crawled["marks"]
    for name, site in crawled["sites"].items():
        second = _paths(site, 2, marks)
        assert not [p for p, _ in second if any(m in p for m in FILE_MARKERS)], name
        first_files = [p for p, _ in _paths(site, 1, marks) if any(m in p for m in FILE_MARKERS)]
        assert first_files and len(first_files) == len(set(first_files)), name
    b = crawled["sites"]["baghukum"]
    details = {p: st for p, st in _paths(b, 2, marks) if p.startswith("/page/detail/")}
    # stored cleanly → 304; Perbup 41/2021 had a failed file, so it is asked for in full again
    assert sorted(details.values()) == [200] + [304] * 6
    assert [st for p, st in details.items() if "-no-41-" in p] == [200]
    # ILDIS: listings read in full, every detail page a 304
    i = crawled["sites"]["ildis"]
    second_ildis = _paths(i, 2, marks)
    assert {p: st for p, st in second_ildis if p.startswith("/dokumen/peraturan")} == \
        {"/dokumen/peraturan": 200, "/dokumen/peraturan?page=2": 200}
    assert sorted(st for p, st in second_ildis if p.startswith("/dokumen/view")) == [304] * 4
    second = crawled["second"]
    assert second["jdih-batang"]["docs_unchanged"] == 7 and second["bpk"]["docs_unchanged"] == 4
    assert second["jdih-dprd-batang"]["docs_unchanged"] == 4
    assert all(r["docs_new"] == r["docs_updated"] == r["files_new"] == 0
               for r in second.values())
    a, z = crawled["after_first"], crawled["after_second"]
    assert a == z
    with crawled["cat"].session() as s:
        cfg = s.scalar(select(Source.config).where(Source.name == "jdih-batang"))
    etags = cfg["validators"]
    assert len(etags) == 6 and all(v["etag"].startswith('"') for v in etags.values())
    assert not any("-no-41-" in u for u in etags)


def test_requests_are_honest_and_never_more_than_two_at_once(crawled):
    ua = crawled["settings"].user_agent
    assert "+https://" in ua
    for name, site in crawled["sites"].items():
        assert {h.headers.get("User-Agent") for h in site.requests} == {ua}, name
        assert site.server.max_inflight <= 2, name
