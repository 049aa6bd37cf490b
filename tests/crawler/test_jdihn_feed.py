"""The JDIHN feed spider's parsing, on responses built in the test (no reactor, no network)."""

from __future__ import annotations

import json
from datetime import date

import pytest
import scrapy
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from crawler.events import CrawlProblem, ListingParsed
from crawler.items import DocumentItem
from crawler.sources import SourceConfig
from crawler.spiders.jdihn_feed import JdihnFeedSpider, decode_feed, next_page_number_url, unwrap
from crawler.spiders.records import as_date, as_text, clean_url

FEED = "https://jdih.example.go.id/feed/document.json"
BATANG_30 = {
    "idData": "1614", "tahun_pengundangan": "2024", "tanggal_pengundangan": "2024-01-01",
    "jenis": "Peraturan Bupati", "noPeraturan": "30",
    "judul": "Peraturan Bupati Nomor 30 Tahun 2024 Tentang Jaminan Sosial Ketenagakerjaan Bagi "
             "Pekerja Rentan",
    "singkatanJenis": "PERBUP", "tempatTerbit": "Batang", "status": "Berlaku",
    "teuBadan": "Jawa Tengah.Kabupaten Batang",
    "urlDownload": "https://jdih.batangkab.go.id/file/ph001614-peraturan-bupati-no-30-tahun-2024.pdf",
    "urlDetailPeraturan": "https://jdih.batangkab.go.id/page/detail/peraturan-bupati-no-30",
    "operasi": "4", "display": "1",
}


def spider(**cfg) -> JdihnFeedSpider:
    return JdihnFeedSpider(source=SourceConfig(name="t", kind="jdihn_feed", url=FEED, **cfg))


def run(sp: JdihnFeedSpider, body, url: str = FEED) -> list:
    if not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode("utf-8")
    response = TextResponse(url=url, body=body, encoding="utf-8", request=scrapy.Request(url))
    return list(sp.parse(response))


def items(out: list) -> list[DocumentItem]:
    return [DocumentItem.model_validate(x) for x in out if isinstance(x, dict)]


def test_research_example_record_becomes_a_full_item():
    (item,) = items(run(spider(), [BATANG_30]))
    assert (item.jenis, item.jenis_code, item.nomor, item.tahun, item.region_code) == \
        ("Peraturan Bupati", "perbup", "30", 2024, "33.25")
    assert item.tentang == "Jaminan Sosial Ketenagakerjaan Bagi Pekerja Rentan"
    assert item.judul == BATANG_30["judul"] and item.status == "Berlaku"
    assert item.tanggal_diundangkan == date(2024, 1, 1)
    assert item.url == BATANG_30["urlDetailPeraturan"]
    assert [(f.url, f.role) for f in item.files] == [(BATANG_30["urlDownload"], "utama")]
    assert item.record == BATANG_30


@pytest.mark.parametrize("shape", [
    lambda r: [r],
    lambda r: {"status": True, "data": [r]},
    lambda r: {"status": "true", "data": {"current_page": 1, "data": [r], "next_page_url": None}},
    lambda r: {"0": r},
    lambda r: r,
])
def test_every_top_level_shape(shape):
    out = run(spider(), shape(BATANG_30))
    assert [i.nomor for i in items(out)] == ["30"]
    assert isinstance(out[-1], ListingParsed) and out[-1].records == 1


def test_brackets_stripped_and_php_notice_before_the_json():
    rec = json.dumps(BATANG_30)
    assert len(items(run(spider(), f"{rec},{rec}"))) == 2
    notice = "<br />\n<b>Notice</b>: Undefined index: x in feed.php on line 3<br />\n"
    assert len(items(run(spider(), notice + json.dumps([BATANG_30])))) == 1


@pytest.mark.parametrize("body", ["0 results", "0 result\n", "", "  ", "[]",
                                  '{"status": true, "data": []}', '{"status":true,"data":null}'])
def test_empty_feeds(body):
    out = run(spider(), body)
    assert out == [ListingParsed(url=FEED, records=0)]


@pytest.mark.parametrize("body,reason", [
    ('[{"idData": "1", "judul": "Peraturan', "malformed_json"),
    ("<html><body>Error 500</body></html>", "malformed_json"),
    ('{"status": false, "message": "API key salah"}', "unexpected_shape"),
    ('"just a string"', "unexpected_shape"),
    ('{"foo": 1, "bar": 2}', "unexpected_shape"),
])
def test_unusable_feeds_are_problems_not_exceptions(body, reason):
    (problem,) = run(spider(), body)
    assert isinstance(problem, CrawlProblem)
    assert (problem.stage, problem.locator, problem.reason) == ("crawl", FEED, reason)


def test_numbers_nulls_and_stray_newlines():
    rec = {"idData": 9, "tahun_pengundangan": 2023, "jenis": "-", "singkatanJenis": "PERDA",
           "noPeraturan": 2, "judul": "Penyelenggaraan Jaminan Sosial", "status": "",
           "teuBadan": "-", "tempatTerbit": "Batang", "tanggal_pengundangan": "0000-00-00",
           "tanggal_penetapan": "15-03-2023",
           "urlDownload": "/file/perda%202.pdf%0A", "urlAbstrak": "-",
           "urlabstrak": "https://jdih.example.go.id/file/abstrak.pdf\n",
           "urlDetailPeraturan": "%0Ahttps://jdih.example.go.id/produk/perda-2%0A"}
    (item,) = items(run(spider(), [rec]))
    assert (item.jenis_code, item.nomor, item.tahun, item.region_code) == ("perda", "2", 2023, "33.25")
    assert item.tentang == "Penyelenggaraan Jaminan Sosial" and item.status is None
    assert item.tanggal_diundangkan is None and item.tanggal_ditetapkan == date(2023, 3, 15)
    assert item.url == "https://jdih.example.go.id/produk/perda-2"
    assert [(f.url, f.role) for f in item.files] == [
        ("https://jdih.example.go.id/file/perda%202.pdf", "utama"),
        ("https://jdih.example.go.id/file/abstrak.pdf", "abstrak")]


def test_record_without_detail_url_is_keyed_by_feed_and_id():
    rec = dict(BATANG_30, urlDetailPeraturan="")
    (item,) = items(run(spider(), [rec]))
    assert item.url == f"{FEED}#1614"


def test_region_rules():
    # the source's region wins for its own level...
    (item,) = items(run(spider(region="33.26"), [BATANG_30]))
    assert item.region_code == "33.26"
    # ...but a national instrument listed by a regional JDIH is national
    uu = {"idData": 1, "jenis": "Undang-Undang", "noPeraturan": "24", "tahun_pengundangan": "2011",
          "judul": "Badan Penyelenggara Jaminan Sosial"}
    (item,) = items(run(spider(region="33.25"), [uu]))
    assert (item.jenis_code, item.region_code) == ("uu", "id")
    # and a Pergub on a kabupaten's site belongs to the province
    pergub = {"idData": 2, "jenis": "Peraturan Gubernur", "noPeraturan": "5",
              "tahun_pengundangan": "2022", "judul": "Contoh"}
    (item,) = items(run(spider(region="33.25"), [pergub]))
    assert item.region_code == "33"


def test_abstrak_record_attaches_its_file_as_abstrak():
    rec = {"idData": "2393", "jenis": "Abstrak Peraturan Bupati", "tahun_pengundangan": "2025",
           "judul": "Abstrak Peraturan Bupati Nomor 20 Tahun 2025 Tentang Perubahan Atas "
                    "Peraturan Bupati Nomor 30 Tahun 2024",
           "urlDownload": "https://jdih.batangkab.go.id/file/ph002393-abstrak.pdf"}
    (item,) = items(run(spider(region="33.25"), [rec]))
    assert (item.jenis_code, item.nomor, item.tahun) == ("perbup", "20", 2025)
    assert item.judul.startswith("Peraturan Bupati Nomor 20")
    assert [f.role for f in item.files] == ["abstrak"]


def test_jenis_filter():
    perda = dict(BATANG_30, idData="2", jenis="Peraturan Daerah", singkatanJenis="PERDA",
                 judul="Peraturan Daerah Nomor 2 Tahun 2023 Tentang Penyelenggaraan Jaminan Sosial")
    out = items(run(spider(jenis=["perda"]), [BATANG_30, perda]))
    assert [i.jenis_code for i in out] == ["perda"]
    out = items(run(spider(jenis=["Peraturan Bupati"]), [BATANG_30, perda]))
    assert [i.jenis_code for i in out] == ["perbup"]


def test_each_skipped_record_is_counted_once_with_its_reason():
    perda = dict(BATANG_30, idData="2", jenis="Peraturan Daerah", singkatanJenis="PERDA",
                 judul="Peraturan Daerah Nomor 2 Tahun 2023 Tentang Penyelenggaraan Jaminan Sosial")
    draft = dict(BATANG_30, idData="3", jenis="Rancangan Peraturan Bupati", singkatanJenis=None,
                 judul="Rancangan Peraturan Bupati Tentang Jaminan Sosial")
    crawler = get_crawler(JdihnFeedSpider)
    sp = JdihnFeedSpider.from_crawler(
        crawler, source=SourceConfig(name="t", kind="jdihn_feed", url=FEED, jenis=["perbup"]))
    assert [i.jenis_code for i in items(run(sp, [BATANG_30, perda, draft]))] == ["perbup"]
    stats = crawler.stats.get_stats()
    assert (stats.get("pantau/skipped_jenis"), stats.get("pantau/skipped_not_regulation")) == \
        (1, 1)


def test_a_bad_record_does_not_stop_the_feed():
    out = run(spider(), [42, BATANG_30])
    assert isinstance(out[0], CrawlProblem) and out[0].reason == "bad_record"
    assert len(items(out)) == 1


def test_pagination_by_next_link_and_by_page_number():
    page = {"data": [BATANG_30], "links": {"next": "/feed/document.json?page=2"}}
    out = run(spider(), page)
    (req,) = [x for x in out if isinstance(x, scrapy.Request)]
    assert req.url == "https://jdih.example.go.id/feed/document.json?page=2"
    # an explicit "no next page" is respected
    out = run(spider(), {"data": [BATANG_30], "links": {"next": None}}, url=FEED + "?page=2")
    assert not [x for x in out if isinstance(x, scrapy.Request)]
    # a bare array at ?page=N: ask for N+1 while pages bring new records
    sp = spider()
    out = run(sp, [BATANG_30], url=FEED + "?page=1&limit=25")
    (req,) = [x for x in out if isinstance(x, scrapy.Request)]
    assert req.url == FEED + "?page=2&limit=25"
    # a site that ignores ?page= sends the same records again: stop
    out = run(sp, [BATANG_30], url=FEED + "?page=2&limit=25")
    assert not [x for x in out if isinstance(x, scrapy.Request)]
    # no page parameter, no guessing
    assert not [x for x in run(spider(), [BATANG_30]) if isinstance(x, scrapy.Request)]


def test_max_pages_caps_pagination():
    sp = spider(max_pages=1)
    out = run(sp, [BATANG_30], url=FEED + "?page=1")
    assert not [x for x in out if isinstance(x, scrapy.Request)]


def test_value_helpers():
    assert as_text(30) == "30" and as_text(30.0) == "30" and as_text(" - ") is None
    assert as_text("null") is None and as_text(["a"]) is None
    assert as_date("2024-02-30") is None and as_date("2024-02-03 10:00:00") == date(2024, 2, 3)
    assert as_date("03/02/2024") == date(2024, 2, 3)
    assert clean_url("javascript:void(0)", FEED) is None
    assert clean_url("-", FEED) is None
    assert clean_url("file.pdf%0D%0A", FEED) == "https://jdih.example.go.id/feed/file.pdf"
    assert next_page_number_url("https://x.id/f?limit=5") is None
    assert decode_feed("0 results".encode("utf-16"))[1] is not None  # not text we can read
    assert unwrap({"status": True, "data": [], "next_page_url": None})[0].paginated
