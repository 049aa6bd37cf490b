"""indices.coverage: which regions a working source covers, and why the others are not covered."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from indices.coverage import coverage, run_works, summary
from katalog import importer
from katalog.models import SourceRun
from katalog.vocab import RunStatus

NOW = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)


def _run(s, src, days_ago: float, status=RunStatus.FINISHED, items=5, errors=0):
    started = NOW - timedelta(days=days_ago)
    s.add(SourceRun(source_id=src.id, started_at=started, finished_at=started + timedelta(hours=1),
                    status=status, items=items, errors=errors, stats={}))


def _catalogue(cat, with_bpk: bool = True):
    with cat.session() as s:
        batang = importer.get_or_create_source(s, "jdih-batang", "jdih_cms:baghukum",
                                               "https://jdih.batangkab.go.id/", "33.25")
        _run(s, batang, 10)
        _run(s, batang, 3, status=RunStatus.FAILED, items=0)         # down from here
        _run(s, batang, 1, items=0, errors=4)                          # still down
        _run(s, batang, 0.5, status=RunStatus.INTERRUPTED, items=0)   # says nothing
        importer.get_or_create_source(s, "jdih-kendal", "jdihn_feed", "https://x.id/f", "33.24")
        if with_bpk:
            bpk = importer.get_or_create_source(
                s, "bpk", "bpk", "https://peraturan.bpk.go.id/",
                config={"regions": ["33.25", "33.75", "93.01"], "regions_all": False})
            _run(s, bpk, 2, items=40)
            _run(s, bpk, 1, items=38)
            doc = importer.upsert_document(s, "perbup/91.01/2020/5", {"region_code": "91.01"},
                                           origin="feed").document
            importer.add_sighting(s, doc, "https://peraturan.bpk.go.id/Details/1", source=bpk)
            news = importer.upsert_document(s, "berita/abc", {"region_code": "33.25",
                                                              "kind": "news"}, origin="feed")
            importer.add_sighting(s, news.document, "https://news.id/a", source=bpk)


def test_reasons_and_dates(catalogue):
    _catalogue(catalogue)
    cov = coverage(catalogue, NOW)
    assert len(cov) == 552
    batang, kendal, pekalongan, merauke, aceh = (cov[c] for c in
                                                 ("33.25", "33.24", "33.75", "93.01", "11.01"))
    # Batang: its own JDIH is down, BPK covers it
    assert batang.monitored and batang.reason is None and batang.health == "ok"
    own = next(sc for sc in batang.sources if sc.name == "jdih-batang")
    assert (own.kind, own.family, own.working) == ("jdih_cms", "baghukum", False)
    assert own.down_since == NOW - timedelta(days=3)
    assert own.last_success == NOW - timedelta(days=10) + timedelta(hours=1)
    bpk = next(sc for sc in batang.sources if sc.name == "bpk")
    assert (bpk.kind, bpk.family, bpk.working, bpk.down_since) == ("bpk", None, True, None)
    assert batang.last_success == NOW - timedelta(days=1) + timedelta(hours=1)
    assert (batang.documents, batang.news) == (0, 1)
    # a document issued under a former code counts for the region today
    assert merauke.monitored and merauke.documents == 1 and merauke.sources[0].documents == 1
    assert pekalongan.monitored
    assert (kendal.monitored, kendal.reason, kendal.health) == (False, "belum_dijelajahi", "never")
    assert (aceh.monitored, aceh.reason, aceh.health) == (False, "tanpa_sumber", "none")
    counts = summary(cov)
    assert counts["monitored"] == 3 and counts["regions"] == 552
    assert counts["by_reason"] == {"tanpa_sumber": 548, "belum_dijelajahi": 1, "sumber_mati": 0}


def test_a_region_whose_only_source_is_down_says_since_when(catalogue):
    _catalogue(catalogue, with_bpk=False)
    batang = coverage(catalogue, NOW)["33.25"]
    assert (batang.monitored, batang.reason, batang.health) == (False, "sumber_mati", "down")
    assert batang.down_since == NOW - timedelta(days=3)
    d = batang.as_dict()
    assert d["down_since"] == (NOW - timedelta(days=3)).isoformat(timespec="seconds")
    assert d["sources"][0]["down_since"] == d["down_since"]


def test_what_a_working_run_is():
    assert run_works(RunStatus.FINISHED, 3, 2) is True        # some items despite errors
    assert run_works(RunStatus.FINISHED, 0, 0) is True        # nothing new (304s), no errors
    assert run_works(RunStatus.FINISHED, 0, 1) is False       # only errors: the site is down
    assert run_works(RunStatus.FAILED, 0, 0) is False
    assert run_works(RunStatus.INTERRUPTED, 9, 0) is None
    assert run_works(RunStatus.RUNNING, 0, 0) is None


def test_coverage_classes_tell_verified_jdih_generic_bpk_only_and_no_source(catalogue):
    from crawler.registry import mark, parse_registry, sync_registry
    from sqlalchemy import select
    from katalog.models import JdihSite
    from tests.crawler.test_registry import _csv
    from indices.coverage import filtered

    _catalogue(catalogue)
    with catalogue.session() as s:
        kendal = importer.get_or_create_source(s, "jdih-kendal", "jdihn_feed", "https://x.id/f",
                                               "33.24")
        _run(s, kendal, 1, items=12)
        generic = importer.get_or_create_source(s, "jdih-demak", "jdih_cms:generic",
                                                "https://jdih.demakkab.go.id/", "33.21")
        _run(s, generic, 1, items=3)
        wp_down = importer.get_or_create_source(s, "jdih-kudus", "jdih_cms:generic",
                                                "https://jdih.kuduskab.go.id/", "33.19")
        _run(s, wp_down, 1, status=RunStatus.FAILED, items=0)
    sync_registry(catalogue, parse_registry(_csv(
        {}, {"kode": "33.24", "nama": "Kabupaten Kendal", "url": "https://jdih.kendalkab.go.id"},
        {"kode": "33.24", "nama": "Kabupaten Kendal", "url": "https://jdihukum.kendalkab.go.id"})))
    with catalogue.session() as s:
        site = s.scalar(select(JdihSite).where(JdihSite.url == "https://jdih.kendalkab.go.id"))
        mark(site, "verified", None, {"family": "jdihn_feed"})
    cov = coverage(catalogue, NOW)
    # Batang: its JDIH is down, so what it rests on today is BPK
    assert cov["33.25"].cakupan == "hanya_bpk"
    assert cov["33.24"].cakupan == "jdih_terverifikasi"
    assert cov["33.24"].jdih_sites == {"verified": 1, "unverified": 1}
    assert cov["33.25"].jdih_sites == {"unverified": 1}
    assert cov["33.21"].cakupan == "jdih_generik"
    # a generic site that does not work gives nothing
    assert (cov["33.19"].cakupan, cov["33.19"].monitored) == ("tanpa_sumber", False)
    assert cov["11.01"].cakupan == "tanpa_sumber"
    counts = summary(cov)["by_class"]
    assert counts["jdih_terverifikasi"] == 1 and counts["jdih_generik"] == 1
    assert counts["hanya_bpk"] == 3
    assert sum(counts.values()) == 552
    assert [r.kode for r in filtered(cov, cakupan="jdih_generik")] == ["33.21"]
    assert cov["33.24"].as_dict()["cakupan"] == "jdih_terverifikasi"
