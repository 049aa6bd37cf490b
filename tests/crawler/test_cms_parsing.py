"""The CMS and BPK spiders' reading of single pages (the fixture files, no reactor, no network)."""

from __future__ import annotations

import json
from datetime import date

import pytest
import scrapy
from scrapy.http import HtmlResponse, TextResponse

from crawler.events import CrawlProblem, ListingParsed, Unchanged
from crawler.items import DocumentItem
from crawler.sources import SourceConfig
from crawler.spiders.bpk import BpkSpider, detail_fields, parse_heading
from crawler.spiders.jdih_cms import BaghukumSpider, IldisSpider, baghukum_cards, ildis_detail
from crawler.spiders.jdihn_feed import JdihnFeedSpider
from crawler.spiders.records import as_date
from crawler.state import KnownState
from pantau import wilayah
from tests.crawler.fixture_site import SITES

BASE = "https://jdih.example.go.id"


def page(site: str, rel: str, url: str, status: int = 200) -> HtmlResponse:
    body = (SITES / site / rel).read_bytes().replace(b"{{BASE}}", BASE.encode()) \
        .replace(b"{{OTHER}}", b"https://elsewhere.example.id")
    return HtmlResponse(url=url, body=body, status=status, request=scrapy.Request(url))


def baghukum(**cfg) -> BaghukumSpider:
    return BaghukumSpider(source=SourceConfig(name="b", kind="jdih_cms:baghukum", url=f"{BASE}/",
                                              region="33.25", **cfg))


def test_baghukum_reads_the_key_then_posts_for_the_tag():
    out = list(baghukum().parse(page("baghukum", "index.html", f"{BASE}/")))
    assert isinstance(out[0], ListingParsed)
    req = out[1]
    assert isinstance(req, scrapy.FormRequest) and req.method == "POST"
    assert req.url == f"{BASE}/page/load_data_dokumen_tag/1"
    assert req.body.decode() == ("action=fetch_data&pencarian=&slug=sosial"
                                 "&api_key=c2lrdW1iYW5nLWZpeHR1cmUta2V5")
    bare = HtmlResponse(url=f"{BASE}/", body=b"<html><body>JDIH</body></html>",
                        request=scrapy.Request(f"{BASE}/"))
    (problem,) = list(baghukum().parse(bare))
    assert isinstance(problem, CrawlProblem) and problem.reason == "no_api_key"


def test_baghukum_cards_skip_drafts_and_follow_pages():
    html = (SITES / "baghukum" / "ajax" / "sosial-1.html").read_text().replace("{{BASE}}", BASE)
    cards = baghukum_cards(html, BASE)
    assert [(c["judul"], c["jenis"], c["tahun"]) for c in cards] == [
        ("Peraturan Bupati No. 30 Tahun 2024", "Peraturan Bupati", 2024),
        ("Abstrak Peraturan Bupati No. 20 Tahun 2025", "Abstrak Peraturan Bupati", 2025),
        ("Peraturan Bupati No. 20 Tahun 2025", "Peraturan Bupati", 2025),
        ("Rancangan Peraturan Bupati No. Tahun 2025", "Rancangan Peraturan Bupati", 2025)]
    url = f"{BASE}/page/load_data_dokumen_tag/1"
    resp = TextResponse(url=url, body=json.dumps({"dokumen": html}).encode(),
                        request=scrapy.Request(url, method="POST"))
    out = list(baghukum().parse_listing(resp, tag="sosial", page=1, api_key="k"))
    details = [r.url.rsplit("/", 1)[-1].split("-tentang-")[0] for r in out
               if isinstance(r, scrapy.Request) and not isinstance(r, scrapy.FormRequest)]
    assert details == ["peraturan-bupati-no-30-tahun-2024", "abstrak-peraturan-bupati-no-20-tahun-2025",
                       "peraturan-bupati-no-20-tahun-2025"]
    nxt = [r for r in out if isinstance(r, scrapy.FormRequest)]
    assert len(nxt) == 1 and nxt[0].url.endswith("/load_data_dokumen_tag/2")
    empty = TextResponse(url=url, body=b'{"dokumen":""}', request=scrapy.Request(url))
    assert [type(x) for x in baghukum().parse_listing(empty, tag="sosial", page=3,
                                                      api_key="k")] == [ListingParsed]


def test_baghukum_detail_in_windows_1252_and_its_abstrak():
    slug = ("peraturan-bupati-no-41-tahun-2021-tentang-perubahan-ketiga-atas-peraturan-bupati-"
            "nomor-42-tahun-2017-tentang-petunjuk-pelaksanaan-pemberian-santunan-kematian-bagi-"
            "keluarga-miskin-kabupaten-batang")
    resp = page("baghukum", f"page/detail/{slug}.html", f"{BASE}/page/detail/{slug}")
    assert resp.encoding == "cp1252"
    (item,) = [DocumentItem.model_validate(x) for x in baghukum().parse_detail(resp)]
    assert (item.jenis_code, item.nomor, item.tahun, item.region_code) == ("perbup", "41", 2021,
                                                                          "33.25")
    assert "\u201csantunan kematian\u201d \u2013" in item.record["Keterangan"]
    assert [(f.url.rsplit("/", 2)[-2], f.role) for f in item.files] == [("arsip", "utama")]
    slug = "abstrak-peraturan-daerah-no-2-tahun-2023-tentang-penyelenggaraan-jaminan-sosial"
    resp = page("baghukum", f"page/detail/{slug}.html", f"{BASE}/page/detail/{slug}")
    (item,) = [DocumentItem.model_validate(x) for x in baghukum().parse_detail(resp)]
    assert (item.jenis_code, item.nomor, item.tahun) == ("perda", "2", 2023)
    assert [f.role for f in item.files] == ["abstrak"]
    not_modified = HtmlResponse(url=f"{BASE}/page/detail/x", status=304, body=b"",
                                request=scrapy.Request(f"{BASE}/page/detail/x"))
    assert list(baghukum().parse_detail(not_modified)) == [Unchanged(url=f"{BASE}/page/detail/x")]


def test_ildis_listing_and_detail():
    sp = IldisSpider(source=SourceConfig(name="i", kind="jdih_cms:ildis", region="33.25",
                                         url=f"{BASE}/dokumen/peraturan"))
    out = list(sp.parse(page("ildis", "dokumen/peraturan__page=2.html",
                             f"{BASE}/dokumen/peraturan?page=2")))
    assert [r.url for r in out if isinstance(r, scrapy.Request)] == [f"{BASE}/dokumen/view?id=395"]
    assert out[-1] == ListingParsed(url=f"{BASE}/dokumen/peraturan?page=2", records=3)
    d = ildis_detail(page("ildis", "dokumen/view__id=412.html", f"{BASE}/dokumen/view?id=412"))
    assert (d["Jenis Dokumen"], d["Status"], d["Tanggal Penetapan"]) == \
        ("Peraturan Daerah", "Berlaku", "15 Maret 2023")
    (item,) = [DocumentItem.model_validate(x) for x in sp.parse_detail(
        page("ildis", "dokumen/view__id=412.html", f"{BASE}/dokumen/view?id=412"))]
    assert (item.jenis_code, item.nomor, item.tahun, item.tanggal_ditetapkan) == \
        ("perda", "2", 2023, date(2023, 3, 15))
    assert [(f.url.rsplit("/", 1)[-1], f.role) for f in item.files] == [
        ("2023pdkabbatang002.pdf", "utama"), ("abstrak_2023pdkabbatang002.pdf", "abstrak")]


def test_bpk_headings_fields_and_region_filter():
    assert parse_heading("Peraturan Daerah (Perda) Kabupaten Bandung Nomor 55 Tahun 2025") == {
        "jenis": "Peraturan Daerah", "singkatan": "Perda", "region": "Kabupaten Bandung",
        "nomor": "55", "tahun": "2025"}
    assert parse_heading("Undang-undang (UU) Nomor 24 Tahun 2011") is None
    assert [wilayah.bpk_slug(c) for c in ("33.25", "33.75", "33")] == \
        ["kab-batang", "kota-pekalongan", "prov-jawa-tengah"]
    sp = BpkSpider(source=SourceConfig(name="bpk", kind="bpk", url=f"{BASE}/",
                                       regions=["33.25", "33.75"], jenis=["perbup", "perwal"]))
    assert sp.search_codes == ["23"]
    # no keywords configured: search for the regions by name, never the whole database
    assert sp.keywords() == ["Kabupaten Batang", "Kota Pekalongan"]
    assert BpkSpider(source=SourceConfig(name="p", kind="bpk", url=f"{BASE}/", region="33"))\
        .keywords() == ["Jawa Tengah"]
    out = list(sp.parse(page("bpk", "Search/jenis=23&p=1.html",
                             f"{BASE}/Search?keywords=&jenis=23&p=1"), kw="", code="23", page=1))
    assert [r.url.split("/Details/")[1] for r in out if isinstance(r, scrapy.Request)
            and "/Details/" in r.url] == ["347001/perbup-kab-batang-no-30-tahun-2024",
                                         "198765/perwali-kota-pekalongan-no-5-tahun-2021"]
    assert out[-1].url == f"{BASE}/Search?keywords=&jenis=23&p=2"
    f = detail_fields(page("bpk", "Details/347001.html", f"{BASE}/Details/347001/x"))
    assert (f["T.E.U. Badan"], f["Tanggal Penetapan"], f["Status"]) == \
        ("Kabupaten Batang", "01 Juli 2024", "Berlaku")
    assert f["Abstrak"].startswith("Pemerintah Daerah wajib")
    (item,) = [DocumentItem.model_validate(x) for x in sp.parse_detail(
        page("bpk", "Details/347001.html", f"{BASE}/Details/347001/x"))]
    assert (item.jenis_code, item.region_code, item.nomor, item.tahun, item.tanggal_diundangkan) == \
        ("perbup", "33.25", "30", 2024, date(2024, 7, 1))
    assert item.tentang == "Jaminan Sosial Ketenagakerjaan Bagi Pekerja Rentan"
    assert item.files[0].url.endswith("/Download/347001/Perbup%20Nomor%2030%20Tahun%202024.pdf")
    with pytest.raises(Exception, match="needs region or regions"):
        SourceConfig(name="bpk", kind="bpk", url=f"{BASE}/")


def test_feed_record_with_a_stored_last_updated_is_unchanged():
    url = f"{BASE}/feed/document.json"
    known = KnownState(validators={f"{BASE}/dokumen/view?id=1": {"last_updated": "2024-01-01"}})
    sp = JdihnFeedSpider(source=SourceConfig(name="f", kind="jdihn_feed", url=url,
                                             region="33.25"), known=known,
                         since=date(2020, 1, 1))
    recs = [{"idData": "1", "jenis": "Peraturan Bupati", "noPeraturan": "1", "tahun_pengundangan":
             "2024", "judul": "Tentang A", "urlDetailPeraturan": f"{BASE}/dokumen/view?id=1",
             "last_updated": "2024-01-01"},
            {"idData": "2", "jenis": "Peraturan Bupati", "noPeraturan": "2", "tahun_pengundangan":
             "2019", "judul": "Tentang B"}]
    resp = TextResponse(url=url, body=json.dumps(recs).encode(), request=scrapy.Request(url))
    out = list(sp.parse(resp))
    assert out[0] == Unchanged(url=f"{BASE}/dokumen/view?id=1", why="last_updated")
    assert [type(x) for x in out[1:]] == [ListingParsed]  # 2019 < since: skipped


def test_indonesian_dates():
    assert as_date("15 Maret 2023") == date(2023, 3, 15)
    assert as_date("Rabu, 01 Juli 2024") == date(2024, 7, 1)
    assert as_date("12 Agu 2023") == date(2023, 8, 12) and as_date("31 Februari 2023") is None
