"""The news spider's reading of index and article pages (responses built in the test)."""

from __future__ import annotations

from datetime import date

import scrapy
from scrapy.http import HtmlResponse

from crawler.events import ListingParsed
from crawler.items import DocumentItem
from crawler.sources import SourceConfig
from crawler.spiders.news import NewsSpider, article_regions, date_in_text

INDEX = "https://berita.example.id/daerah/"


def spider(**cfg) -> NewsSpider:
    return NewsSpider(source=SourceConfig(name="n", kind="news", **({"url": INDEX} | cfg)))


def html(url: str, body: str) -> HtmlResponse:
    return HtmlResponse(url=url, body=body.encode("utf-8"), encoding="utf-8",
                        request=scrapy.Request(url))


def test_index_follows_article_links_on_the_same_host_under_the_index():
    page = html(INDEX, """<html><body>
        <a href="/daerah/kendal-asn-pekerja-rentan.html">a</a>
        <a href="kudus-bpjs.html#comments">b</a>
        <a href="/daerah/">self</a> <a href="/tentang-kami">about</a>
        <a href="https://other.example.id/daerah/x.html">elsewhere</a>
        <a href="mailto:redaksi@example.id">mail</a>
        <a href="/daerah/kendal-asn-pekerja-rentan.html">dup</a></body></html>""")
    out = list(spider().parse(page))
    assert out[0] == ListingParsed(url=INDEX, records=2)
    assert [r.url for r in out[1:]] == ["https://berita.example.id/daerah/kendal-asn-pekerja-rentan.html",
                                        "https://berita.example.id/daerah/kudus-bpjs.html"]


def test_link_pattern_overrides_the_path_rule():
    page = html(INDEX, '<a href="/read/2021/05/21/123/gandeng">x</a><a href="/daerah/y.html">y</a>')
    out = list(spider(link_pattern=r"/read/\d{4}/").parse(page))
    assert [r.url for r in out[1:]] == ["https://berita.example.id/read/2021/05/21/123/gandeng"]


def test_article_with_metadata():
    url = "https://www.berita.example.id/daerah/kendal.html"
    page = html(url, """<html><head>
        <meta property="og:title" content="ASN Kendal Diminta Bayar Premi BPJS Ketenagakerjaan">
        <meta property="og:site_name" content="Mata Semarang">
        <meta property="article:published_time" content="2025-06-10T09:00:00+07:00">
        </head><body><h1>Judul lain</h1><p>Selasa 3 Juni 2025 ...</p></body></html>""")
    out = list(spider(region="33.24").parse_article(page))
    item = DocumentItem.model_validate(next(x for x in out if isinstance(x, dict)))
    assert (item.kind, item.url, item.judul, item.outlet, item.published, item.region_code) == (
        "news", url, "ASN Kendal Diminta Bayar Premi BPJS Ketenagakerjaan", "Mata Semarang",
        date(2025, 6, 10), "33.24")
    assert item.body == page.body and item.media_type == "text/html"
    assert item.record["published_from"] == "meta"


def test_article_without_metadata_falls_back_to_h1_host_and_a_dated_weekday():
    url = "https://www.betanews.example.id/2021/kudus.html"
    page = html(url, """<html><head><title>Kudus | Betanews</title></head><body>
        <div class="widget">Rabu, Februari 11, 2026</div>
        <article><h1>Gandeng Pemkab Kudus</h1>
        <p>... kata Multanti, Jumat (21/5/2021).</p></article></body></html>""")
    item = DocumentItem.model_validate(
        next(x for x in spider().parse_article(page) if isinstance(x, dict)))
    assert (item.judul, item.outlet, item.published) == \
        ("Gandeng Pemkab Kudus", "betanews.example.id", date(2021, 5, 21))
    page = html(url, "<html><body><time datetime='2020-07-29'>29 Juli</time><h1>x</h1></body></html>")
    item = DocumentItem.model_validate(
        next(x for x in spider().parse_article(page) if isinstance(x, dict)))
    assert item.published == date(2020, 7, 29) and item.record["published_from"] == "time"


def test_dates_in_text_need_a_weekday():
    assert date_in_text("pada Rabu, (29/7/2020). Dalam rapat") == date(2020, 7, 29)
    assert date_in_text("tuturnya, Selasa 10 Juni 2025.") == date(2025, 6, 10)
    assert date_in_text("Jum'at (5/3/2021)") == date(2021, 3, 5)
    assert date_in_text("sejak tahun 2022, target 2025-2029") is None
    assert date_in_text("Rabu, Februari 11, 2026") is None
    assert date_in_text("Senin (31/2/2021) lalu Selasa (2/3/2021)") == date(2021, 3, 2)


def test_dates_in_text_spell_the_month_out():
    # month names as pantau.dates.BULAN writes them (with the misspelling "Agutus"), no abbreviations
    assert date_in_text("Selasa, 10 Agutus 2021") == date(2021, 8, 10)
    assert date_in_text("Rabu 3 Nopember 2021") == date(2021, 11, 3)
    assert date_in_text("Selasa, 10 Agt 2021") is None


def test_urls_list_is_fetched_directly():
    sp = NewsSpider(source=SourceConfig(name="n", kind="news",
                                        urls=["https://a.example.id/x.html", "https://b.example.id/y"]))

    async def collect():
        return [r async for r in sp.start()]

    import asyncio
    reqs = asyncio.run(collect())
    assert [r.url for r in reqs] == ["https://a.example.id/x.html", "https://b.example.id/y"]
    assert all(r.callback == sp.parse_article for r in reqs)


# --------------------------------------------------------------------------- regions

def test_article_region_comes_from_the_headline_and_lead_not_the_body():
    paras = ["TRIBUNJATENG.COM, SEMARANG - Pemerintah Kabupaten Kendal mendukung gerakan ASN.",
             "x" * 900, "Di sisi lain, Wali Kota Semarang dan Pemkot Semarang juga hadir."]
    region, mentioned = article_regions("ASN Kabupaten Kendal Didorong", paras)
    assert region == "33.24"
    assert {(m["code"], m["lead"], m["body"]) for m in mentioned} == {("33.24", 2, 2),
                                                                      ("33.74", 0, 2)}


def test_a_configured_region_wins_and_old_articles_are_skipped_with_since():
    url = "https://berita.example.id/daerah/x.html"
    page = html(url, """<html><head><meta property="og:title" content="Pemkot Pekalongan Gandeng BPJS">
        <meta property="article:published_time" content="2020-07-29T09:00:00+07:00"></head>
        <body><article><p>Pemkot Pekalongan mengajak tenaga non ASN.</p></article></body></html>""")
    item = next(x for x in spider(region="33.24").parse_article(page) if isinstance(x, dict))
    assert item["region_code"] == "33.24" and item["record"]["region_from"] == "source"
    assert item["record"]["regions_mentioned"][0]["code"] == "33.75"
    from datetime import date as _date
    sp = spider()
    sp.since = _date(2021, 1, 1)
    assert [x for x in sp.parse_article(page) if isinstance(x, dict)] == []
