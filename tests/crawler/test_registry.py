"""The registry of regional JDIH sites: the shipped file, its checks, and how its rows reach the
catalogue and (only once verified) the sources list."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.registry import (COLUMNS, RegistryError, from_research, load_registry, mark,
                              parse_registry, registry_sources, site_source, sync_registry,
                              with_registry, write_registry)
from crawler.sources import SourceConfig
from katalog.models import JdihSite
from pantau import wilayah

# the research file the registry is generated from (a copy in the clone; the original beside it
# in ../shared when this checkout has it)
RESEARCH = Path(__file__).resolve().parents[1] / "fixtures" / "research" / "jdih-sites.csv"
ORIGINAL = Path(__file__).resolve().parents[3] / "shared" / "research" / "jdih-sites.csv"


def _research_rows() -> list[dict]:
    return list(csv.DictReader(io.StringIO(RESEARCH.read_text(encoding="utf-8"))))


def _csv(*rows: dict) -> str:
    base = dict(kode="33.25", nama="Kabupaten Batang", publisher="pemda",
                url="https://jdih.batangkab.go.id", family="baghukum", feed_url="",
                family_note="baghukum", seen_in="public code", recorded="2026-12-06",
                status="unverified")
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for row in rows:
        w.writerow({**base, **row})
    return out.getvalue()


# --------------------------------------------------------------------------- the shipped file

def test_the_copy_of_the_research_file_is_the_original():
    if ORIGINAL.exists():  # in CI only the copy is there; the generator check below uses it
        assert RESEARCH.read_bytes() == ORIGINAL.read_bytes()
    assert RESEARCH.read_text(encoding="utf-8").startswith("kode,nama,url,cms_family,feed_url,")


def test_every_research_address_ships_unverified_with_its_evidence():
    shipped = load_registry()
    research = _research_rows()
    by_key = {(r.kode, r.url) for r in shipped}
    for rec in research:
        assert (rec["kode"].strip(), rec["url"].strip()) in by_key, rec["url"]
    assert len(shipped) >= len(research) >= 290
    assert {r.status for r in shipped} == {"unverified"}
    assert all(r.seen_in and r.recorded for r in shipped)
    # the file is exactly what the generator makes of the research file (nothing typed by hand)
    assert write_registry(from_research(RESEARCH.read_text(encoding="utf-8"))) == \
        write_registry(shipped)


def test_shipped_registry_is_consistent():
    shipped = load_registry()
    regions = wilayah.by_code()
    assert all(r.kode in regions for r in shipped)
    assert len({r.kode for r in shipped}) >= 220
    # DPRD secretariats are kept apart from the regional government's site
    assert {r.publisher for r in shipped} == {"pemda", "dprd"}
    # the feed URLs the research saw are kept (six JDIHN endpoints and other JSON ones)
    assert sum(1 for r in shipped if r.feed_url) >= 6
    batang = [r for r in shipped if r.kode == "33.25"]
    assert batang and any("batangkab.go.id" in r.host for r in batang)


# --------------------------------------------------------------------------- checks

def test_two_regions_never_share_an_address():
    text = _csv({}, {"kode": "33.24", "nama": "Kabupaten Kendal"})
    with pytest.raises(RegistryError, match=r"jdih\.batangkab\.go\.id is listed for several "
                                            r"regions \(33\.24, 33\.25\)"):
        parse_registry(text)


def test_a_province_site_may_host_its_own_kabupaten_only():
    prov = {"kode": "33", "nama": "Provinsi Jawa Tengah", "url": "https://jdih.jatengprov.go.id"}
    own = {"kode": "33.25", "url": "https://jdih.jatengprov.go.id"}
    assert len(parse_registry(_csv(prov, own))) == 2
    foreign = {"kode": "32.01", "nama": "Kabupaten Bogor", "url": "https://jdih.jatengprov.go.id"}
    with pytest.raises(RegistryError, match="several regions"):
        parse_registry(_csv(prov, foreign))


@pytest.mark.parametrize("row, message", [
    ({"kode": "99.99"}, r"line 2: '99\.99' is not a Kemendagri code"),
    ({"url": "jdih.batangkab.go.id"}, r"line 2: url .* is not an absolute http\(s\) URL"),
    ({"feed_url": "/integrasi"}, r"line 2: feed_url '/integrasi' is not absolute"),
    ({"status": "ok"}, r"line 2: status 'ok'"),
    ({"publisher": "bupati"}, r"line 2: publisher 'bupati'"),
])
def test_bad_rows_are_named(row, message):
    with pytest.raises(RegistryError, match=message):
        parse_registry(_csv(row))


def test_missing_columns_are_named():
    with pytest.raises(RegistryError, match="missing column.*seen_in"):
        parse_registry("kode,nama,publisher,url,family,feed_url,family_note,recorded,status\n")


def test_research_rows_become_registry_rows():
    text = ("kode,nama,url,cms_family,feed_url,seen_in\n"
            "33.25,Kabupaten Batang,https://jdih.batangkab.go.id,CodeIgniter (baghukum layout),,"
            "repo@abc:src.py; also https://jdih.batangkab.go.id/web\n"
            "33.25,Kabupaten Batang (Sekretariat DPRD),https://jdih-dprd.batangkab.go.id,"
            "Laravel (jdih-cms),https://jdih-dprd.batangkab.go.id/api/integrasi,public code\n")
    rows = from_research(text)
    assert [(r.url, r.publisher, r.family) for r in rows] == [
        ("https://jdih.batangkab.go.id", "pemda", "baghukum"),
        ("https://jdih.batangkab.go.id/web", "pemda", ""),
        ("https://jdih-dprd.batangkab.go.id", "dprd", "jdihcms")]
    assert rows[2].nama == "Kabupaten Batang" and rows[2].feed_url.endswith("/api/integrasi")
    assert all(r.status == "unverified" for r in rows)


# --------------------------------------------------------------------------- catalogue and sources

def _site(cat, kode: str, url: str) -> JdihSite:
    with cat.session() as s:
        site = s.scalar(select(JdihSite).where(JdihSite.region_code == kode, JdihSite.url == url))
        s.expunge(site)
    return site


def _mark(cat, kode: str, url: str, status: str, probe: dict, reason: str | None = None) -> None:
    with cat.session() as s:
        site = s.scalar(select(JdihSite).where(JdihSite.region_code == kode, JdihSite.url == url))
        mark(site, status, reason, probe)


def test_sync_adds_each_address_once_and_keeps_verdicts(catalogue):
    rows = load_registry()
    assert sync_registry(catalogue, rows) == len(rows)
    assert sync_registry(catalogue, rows) == 0
    url = next(r.url for r in rows if r.kode == "33.25")
    _mark(catalogue, "33.25", url, "rejected", {"final_url": url}, "parked_domain: for sale")
    assert sync_registry(catalogue, rows) == 0
    site = _site(catalogue, "33.25", url)
    assert (site.status, site.reason) == ("rejected", "parked_domain: for sale")
    assert site.evidence["seen_in"]


def test_only_verified_sites_become_sources(catalogue):
    rows = parse_registry(_csv(
        {},
        {"kode": "33.24", "nama": "Kabupaten Kendal", "url": "https://jdih.kendalkab.go.id",
         "family": "ildis"},
        {"kode": "33.26", "nama": "Kabupaten Pekalongan", "url": "https://jdih.pekalongankab.go.id",
         "family": ""},
        {"kode": "33.19", "nama": "Kabupaten Kudus", "url": "https://jdih.kuduskab.go.id"}))
    sync_registry(catalogue, rows)
    assert registry_sources(catalogue) == []
    checked = "2026-12-06T10:00:00+00:00"
    _mark(catalogue, "33.25", "https://jdih.batangkab.go.id", "verified",
          {"family": "baghukum", "final_url": "https://jdih.batangkab.go.id/", "http_status": 200,
           "checked_at": checked})
    _mark(catalogue, "33.24", "https://jdih.kendalkab.go.id", "verified",
          {"family": "ildis", "http_status": 200, "checked_at": checked,
           "feed_url": "https://jdih.kendalkab.go.id/integrasi"})
    _mark(catalogue, "33.26", "https://jdih.pekalongankab.go.id", "verified",
          {"family": "wordpress", "http_status": 200, "checked_at": checked})
    _mark(catalogue, "33.19", "https://jdih.kuduskab.go.id", "rejected",
          {"http_status": 200}, "other_region_site: 33.18")
    got = {s.region: s for s in registry_sources(catalogue)}
    assert set(got) == {"33.25", "33.24", "33.26"}
    assert (got["33.25"].kind, got["33.25"].url) == ("jdih_cms:baghukum",
                                                     "https://jdih.batangkab.go.id/")
    # a feed found by discovery is what the source reads
    assert (got["33.24"].kind, got["33.24"].url) == ("jdihn_feed",
                                                     "https://jdih.kendalkab.go.id/integrasi")
    # a family without a spider of its own: the generic listing spider
    assert got["33.26"].kind == "jdih_cms:generic"
    assert "discovery 2026-12-06: HTTP 200" in got["33.25"].verified
    assert "public code" in got["33.25"].verified

    with pytest.raises(ValueError, match="only a verified site"):
        site_source(_site(catalogue, "33.19", "https://jdih.kuduskab.go.id"))

    configured = [SourceConfig.model_validate(
        {"name": "batang", "kind": "jdih_cms:baghukum", "url": "https://jdih.batangkab.go.id/",
         "region": "33.25"})]
    merged = with_registry(catalogue, configured)
    assert [s.region for s in merged].count("33.25") == 1
    assert {s.region for s in merged} == {"33.25", "33.24", "33.26"}
