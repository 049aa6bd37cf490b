"""The Laravel JDIH CMS spider (``jdih_cms:jdihcms``) and the generic long-tail spider
(``jdih_cms:generic``) on the simulated internet's sites (``tests/crawler/world/sites``).

The parsing tests drive a spider through a rendered site in this process: each request it yields
is answered by the site's renderer and handed to its callback (or, for an error status, to its
errback as Scrapy would), so every page, API answer and decision is the real one; only the
reactor, robots.txt and the pipeline are left out. The end-to-end tests crawl the same sites over
loopback into a catalogue.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
import scrapy
import yaml
from scrapy.http import HtmlResponse, Response as ScrapyResponse, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from sqlalchemy import func, select
from twisted.python.failure import Failure

from crawler.events import CrawlProblem, ListingParsed
from crawler.fingerprint import fingerprint
from crawler.sources import SourceConfig
from crawler.spiders.generic import (MAX_DEPTH, GenericSpider, file_name_title,
                                     regulation_title)
from crawler.spiders.jdihcms import JdihcmsSpider, listing_cards
from katalog.db import Catalogue
from katalog.models import Document, DocumentFile, Sighting, Source, SourceRun
from pantau import legal
from pantau.settings import load_settings
from tests.crawler.fixture_site import run_crawl
from tests.crawler.world.model import Request, WorldDoc, WorldSite
from tests.crawler.world.server import World, env
from tests.crawler.world.sites import generic, jdihcms, start_path
from tests.nlp.pdfmaker import PageSpec, make_pdf


def doc(region: str, jenis: str, nomor: str, tahun: int, judul: str,
        tanggal: date | None = None) -> WorldDoc:
    """A document with a real PDF of its own (its title on the page)."""
    pdf = make_pdf([PageSpec().text(60, 80, f"{jenis.upper()} NOMOR {nomor} TAHUN {tahun}")
                    .text(60, 110, f"TENTANG {judul.upper()}")
                    .text(60, 160, "Pasal 1").text(60, 180, f"{region} {jenis} {nomor}")])
    return WorldDoc(region, jenis, nomor, tahun, judul, pdf, tanggal=tanggal)


BATANG = [doc("33.25", "Peraturan Bupati", "30", 2024, "Pelaksanaan Jaminan Sosial Ketenagakerjaan",
              date(2024, 7, 15)),
          doc("33.25", "Peraturan Bupati", "20", 2025, "Perubahan atas Peraturan Bupati Nomor 30 "
              "Tahun 2024", date(2025, 5, 14)),
          doc("33.25", "Peraturan Daerah", "2", 2023, "Penyelenggaraan Jaminan Sosial",
              date(2023, 3, 15)),
          doc("33.25", "Peraturan Bupati", "41", 2021, "Santunan Kematian", date(2021, 11, 2)),
          doc("33.25", "Peraturan Bupati", "7", 2022, "Pekerja Rentan", date(2022, 2, 1)),
          doc("33.25", "Peraturan Daerah", "11", 2019, "Ketenteraman dan Ketertiban Umum")]
SEMARANG = [doc("33.74", "Peraturan Wali Kota", "12", 2020, "Pedoman Jaminan Sosial Pekerja",
                date(2020, 6, 30)),
            doc("33.74", "Peraturan Wali Kota", "5", 2022, "Insentif Pekerja Informal"),
            doc("33.74", "Peraturan Daerah", "3", 2021, "Ketenagakerjaan", date(2021, 9, 9)),
            doc("33.74", "Peraturan Wali Kota", "40", 2023, "Pekerja Rentan Daerah"),
            doc("33.74", "Peraturan Wali Kota", "1", 2024, "Bantuan Iuran")]
KENDAL = [doc("33.24", "Peraturan Bupati", str(n), 2017 + n, f"Pedoman Teknis Urusan {n}")
          for n in range(1, 9)] + \
         [doc("33.24", "Peraturan Daerah", "4", 2022, "Jaminan Sosial Ketenagakerjaan"),
          doc("33.24", "Peraturan Daerah", "9", 2019, "Retribusi Jasa Umum")]


def jdihcms_site(host="jdih.batangkab.go.id", region="33.25", name="Kabupaten Batang",
                 docs=BATANG, **options) -> WorldSite:
    return WorldSite(host, "jdihcms", region, name, list(docs), options)


def generic_site(**options) -> WorldSite:
    return WorldSite("hukum.kendalkab.go.id", "generic", "33.24", "Kabupaten Kendal",
                     list(KENDAL), options)


def spider_for(cls, site: WorldSite, **cfg):
    kind = cls.kind
    return cls(source=SourceConfig(name=f"{site.family}-test", kind=kind,
                                   url=f"http://{site.host}/", region=site.region_code, **cfg))


# --------------------------------------------------------------------------- in-process crawl

def answer(render, site: WorldSite, url: str) -> ScrapyResponse:
    """The site's answer to a GET of ``url``, as the Scrapy response class it would get."""
    parts = urlsplit(url)
    req = Request("GET", parts.path or "/", parse_qs(parts.query), {}, b"",
                  f"{parts.scheme}://{parts.netloc}")
    r = render(site, req)
    ctype = r.headers.get("Content-Type", "")
    cls = HtmlResponse if "html" in ctype else TextResponse if (
        "json" in ctype or "xml" in ctype) else ScrapyResponse
    return cls(url=url, status=r.status, headers=r.headers, body=r.body,
               request=scrapy.Request(url))


class Walk:
    """What a spider did on a site: its outputs in order and the URLs it fetched."""

    def __init__(self, spider, site: WorldSite, render):
        self.spider, self.fetched, self.out = spider, [], []

        async def first():
            return [r async for r in spider.start()]
        queue = asyncio.run(first())
        while queue:
            x = queue.pop(0)
            if not isinstance(x, scrapy.Request):
                self.out.append(x)
                continue
            if x.url in self.fetched and not x.dont_filter:
                continue  # Scrapy's duplicate filter
            self.fetched.append(x.url)
            resp = answer(render, site, x.url).replace(request=x)
            if resp.status >= 400 and resp.status not in x.meta.get("handle_httpstatus_list", ()):
                failure = Failure(HttpError(resp))
                failure.request = x
                queue.extend(x.errback(failure) or ())
            else:
                queue.extend(x.callback(resp, **x.cb_kwargs) or ())
        if isinstance(spider, GenericSpider):  # what the spider_idle signal triggers
            self.out.extend(spider.take_sitemap_files())

    @property
    def items(self) -> list[dict]:
        return [o for o in self.out if isinstance(o, dict)]

    def of(self, kind) -> list:
        return [o for o in self.out if isinstance(o, kind)]

    def files(self) -> set[str]:
        return {f["url"] for i in self.items for f in i["files"]}


def identities(items: list[dict]) -> set[tuple]:
    return {(i["jenis_code"], i["nomor"], i["tahun"], i["region_code"]) for i in items}


def expected(docs: list[WorldDoc]) -> set[tuple]:
    return {(legal.normalise_jenis(d.jenis)[1], d.nomor, d.tahun, d.region_code) for d in docs}


# --------------------------------------------------------------------------- jdihcms

def test_jdihcms_site_looks_like_the_laravel_cms():
    site = jdihcms_site()
    home = answer(jdihcms.render, site, "http://jdih.batangkab.go.id/")
    fp = fingerprint(home.url, home.body, "text/html")
    assert fp.family == "jdihcms" and fp.listing_url.endswith(jdihcms.LISTING)
    assert "JDIH Kabupaten Batang" in home.text
    off = answer(jdihcms.render, jdihcms_site(api=False),
                 "http://jdih.batangkab.go.id/api/produk-hukum/peraturan")
    assert off.status == 404


def test_jdihcms_api_gives_every_document_and_skips_the_draft():
    site = jdihcms_site()
    walk = Walk(spider_for(JdihcmsSpider, site), site, jdihcms.render)
    base = "http://jdih.batangkab.go.id"
    api = [u for u in walk.fetched if "/api/" in u]
    # 7 entries (6 documents and the draft), 4 a page: the paginator's next_page_url, then none
    assert api == [f"{base}/api/produk-hukum/peraturan", f"{base}/api/produk-hukum/peraturan?page=2"]
    assert not any(jdihcms.LISTING in u for u in walk.fetched)  # no HTML needed
    assert identities(walk.items) == expected(BATANG)
    by_key = {(i["jenis_code"], i["nomor"], i["tahun"]): i for i in walk.items}
    p30 = by_key[("perbup", "30", 2024)]
    assert p30["tentang"] == "Pelaksanaan Jaminan Sosial Ketenagakerjaan"
    assert p30["jenis"] == "Peraturan Bupati" and p30["tanggal_diundangkan"] == date(2024, 7, 15)
    assert p30["files"] == [{"url": f"{base}/storage/produk-hukum/2024/perbup-30-2024.pdf",
                             "role": "utama"}]
    # where the record was seen: its own address in the API
    assert p30["url"].startswith(f"{base}/api/produk-hukum/peraturan/")
    assert p30["record"]["idData"] == p30["url"].rsplit("/", 1)[-1]
    assert not any("rancangan" in f for f in walk.files())
    assert walk.of(CrawlProblem) == []
    # every document's PDF is what the site serves at that address
    for d in BATANG:
        (i,) = [x for x in walk.items if (x["nomor"], x["tahun"]) == (d.nomor, d.tahun)]
        assert answer(jdihcms.render, site, i["files"][0]["url"]).body == d.pdf


@pytest.mark.parametrize("options", [{"api_shape": "resource"}, {"api_shape": "list"},
                                     {"api": False}, {"api": "html"}],
                         ids=["api-resource", "api-bare-list", "no-api", "api-answers-html"])
def test_jdihcms_api_shapes_and_html_fallback_give_the_same_records(options):
    def records(walk):
        return {(i["jenis"], i["jenis_code"], i["nomor"], i["tahun"], i["tentang"],
                 i["region_code"], i["tanggal_diundangkan"], (i["status"] or "").lower(),
                 tuple(f["url"] for f in i["files"])) for i in walk.items}
    site = jdihcms_site()
    reference = Walk(spider_for(JdihcmsSpider, site), site, jdihcms.render)
    other = jdihcms_site(**options)
    walk = Walk(spider_for(JdihcmsSpider, other), other, jdihcms.render)
    assert records(walk) == records(reference) and len(walk.items) == len(BATANG)
    assert walk.of(CrawlProblem) == []
    if "api" in options:
        # the HTML way: listing pages by rel=next, a detail page per regulation, never the
        # draft's detail page (its category says Rancangan)
        listing = [u for u in walk.fetched if urlsplit(u).path == jdihcms.LISTING]
        assert listing == [f"http://{site.host}{jdihcms.LISTING}",
                           f"http://{site.host}{jdihcms.LISTING}?page=2"]
        assert all(f"{jdihcms.LISTING}/" in i["url"] for i in walk.items)
        assert not any("rancangan" in u for u in walk.fetched)


def test_jdihcms_reads_a_detail_page_like_the_api_record():
    site = jdihcms_site(host="jdih.semarangkota.go.id", region="33.74", name="Kota Semarang",
                        docs=SEMARANG, api=False)
    walk = Walk(spider_for(JdihcmsSpider, site), site, jdihcms.render)
    assert identities(walk.items) == expected(SEMARANG)
    (p12,) = [i for i in walk.items if i["nomor"] == "12"]
    assert (p12["jenis"], p12["tentang"], p12["tanggal_ditetapkan"]) == \
        ("Peraturan Wali Kota", "Pedoman Jaminan Sosial Pekerja", date(2020, 6, 30))
    assert p12["record"]["T.E.U. Badan"] == "Kota Semarang"
    assert p12["record"]["heading"] == "Peraturan Wali Kota Nomor 12 Tahun 2020"
    # a listing page's cards: category badge, heading, the PDF of the cover image
    page = answer(jdihcms.render, site, f"http://{site.host}{jdihcms.LISTING}")
    cards = listing_cards(page)
    assert [c["judul"] for c in cards][:2] == ["Peraturan Wali Kota Nomor 1 Tahun 2024",
                                               "Peraturan Wali Kota Nomor 40 Tahun 2023"]
    assert cards[0]["pdf"].endswith("/storage/produk-hukum/2024/perwal-1-2024.pdf")


def test_jdihcms_broken_api_is_recorded_and_the_html_still_read():
    site = jdihcms_site()
    spider = spider_for(JdihcmsSpider, site)
    url = spider.api_url
    req = spider.api_request(url)
    failure = Failure(HttpError(HtmlResponse(url, status=500, body=b"oops", request=req)))
    failure.request = req
    out = list(spider.api_failed(failure))
    assert isinstance(out[0], CrawlProblem) and out[0].reason == "http_500"
    assert isinstance(out[1], scrapy.Request) and out[1].url.endswith(jdihcms.LISTING)
    # a missing API (404) is normal for this CMS: no problem recorded
    spider = spider_for(JdihcmsSpider, site)
    failure = Failure(HttpError(HtmlResponse(url, status=404, body=b"", request=req)))
    failure.request = req
    (only,) = list(spider.api_failed(failure))
    assert isinstance(only, scrapy.Request)


# --------------------------------------------------------------------------- generic

def test_generic_site_has_no_cms_markers_and_names_its_region():
    site = generic_site()
    home = answer(generic.render, site, f"http://{site.host}/")
    fp = fingerprint(home.url, home.body, "text/html")
    assert fp.family == "unknown"
    assert "Kabupaten Kendal" in home.text
    assert answer(generic.render, generic_site(sitemap=False), f"http://{site.host}/sitemap.xml"
                  ).status == 404


def test_regulation_titles_from_rows_and_file_names():
    assert regulation_title("3 Peraturan Bupati Batang Nomor 30 Tahun 2024 tentang Jaminan "
                            "Sosial Unduh") == \
        "Peraturan Bupati Batang Nomor 30 Tahun 2024 tentang Jaminan Sosial"
    assert regulation_title("Qanun Kabupaten Aceh Besar Nomor 3 Tahun 2023 tentang Pajak [PDF]") \
        == "Qanun Kabupaten Aceh Besar Nomor 3 Tahun 2023 tentang Pajak"
    assert regulation_title("Perwal No. 5 Th 2022 tentang Retribusi Download") == \
        "Perwal No. 5 Th 2022 tentang Retribusi"
    # a draft keeps the word that makes it one
    assert regulation_title("Rancangan Peraturan Daerah tentang X").startswith("Rancangan")
    assert regulation_title("Laporan Kinerja 2023") is None
    assert regulation_title("Brosur Layanan Bagian Hukum") is None
    assert file_name_title("http://x.go.id/upload/perbup_30_2024.pdf") == \
        "perbup Nomor 30 Tahun 2024"
    assert file_name_title("http://x.go.id/upload/Perda%20No%202%20Th%202023.pdf") == \
        "Perda Nomor 2 Tahun 2023"
    assert file_name_title("http://x.go.id/upload/Laporan%20Kinerja%202023.pdf") is None


@pytest.mark.parametrize("options", [{}, {"sitemap": False}, {"titles": "short"}],
                         ids=["with-sitemap", "no-sitemap", "short-titles"])
def test_generic_takes_every_regulation_and_nothing_else(options):
    site = generic_site(**options)
    walk = Walk(spider_for(GenericSpider, site), site, generic.render)
    assert identities(walk.items) == expected(KENDAL) and len(walk.items) == len(KENDAL)
    files = walk.files()
    assert {f.rsplit("/", 1)[-1] for f in files} == {generic.file_name(d) for d in KENDAL}
    for name in ("brosur", "Laporan", "renstra", "rancangan"):
        assert not any(name in f for f in files), name
    by_key = {(i["jenis_code"], i["nomor"], i["tahun"]): i for i in walk.items}
    for d in KENDAL:
        item = by_key[(("perbup" if d.jenis == "Peraturan Bupati" else "perda"), d.nomor, d.tahun)]
        assert item["tentang"] == d.judul
        assert item["record"]["confidence"] == "generic"
        (f,) = item["files"]
        assert answer(generic.render, site, f["url"]).body == d.pdf
    # every third row links a detail page: its heading is the title, the page the item's url
    detail = [i for i in walk.items if "produk-hukum-detail.php" in i["url"]]
    assert detail and all(i["record"]["title_from"] == "heading" for i in detail)
    rows = [i for i in walk.items if i["url"].endswith(".pdf")]
    assert rows and all(i["record"]["title_from"] == "row" for i in rows)
    assert all(i["record"]["found_on"].endswith(("/produk-hukum.php", "hal=2", "hal=3"))
               for i in rows)
    # pages: home, the listing's pages, the detail pages, Dokumen; never Berita or Profil
    paths = {urlsplit(u).path for u in walk.fetched}
    assert "/berita.php" not in paths and "/profil.php" not in paths
    assert "/dokumen.php" in paths
    assert "/sitemap.xml" in paths  # asked for always; followed to its sitemaps when there
    assert ("/sitemap-halaman.xml" in paths) == (options.get("sitemap", True) is not False)


def test_generic_takes_a_file_only_the_sitemap_lists_last_and_by_its_name():
    site = generic_site(sitemap_only=1)
    walk = Walk(spider_for(GenericSpider, site), site, generic.render)
    assert identities(walk.items) == expected(KENDAL)
    (last,) = [i for i in walk.items if i["record"]["title_from"] == "file_name"]
    hidden = sorted(KENDAL, key=lambda d: (d.tahun, int(d.nomor)))[0]
    assert (last["nomor"], last["tahun"]) == (hidden.nomor, hidden.tahun)
    assert last["record"]["found_on"].endswith("/sitemap-file.xml")
    assert walk.items[-1] is last  # after every page
    # the files the pages linked were not taken again from the sitemap
    assert len(walk.files()) == len(walk.items) == len(KENDAL)


def test_generic_page_rules_offsite_untitled_and_depth():
    site = generic_site()
    spider = spider_for(GenericSpider, site)
    html = """<html><body><h1>Bagian Hukum Kabupaten Kendal</h1><ul>
    <li>Perwal Semarang No. 5 Th 2022 tentang Retribusi <a href="/f/a.pdf">Unduh</a></li>
    <li>Peraturan Bupati tentang Tata Naskah Dinas <a href="/f/b.pdf">Unduh</a></li>
    <li>Peraturan Bupati Kendal Nomor 9 Tahun 2020 <a href="http://elsewhere.go.id/c.pdf">x</a></li>
    <li>Leaflet Pelayanan <a href="/f/leaflet.pdf">Unduh</a></li></ul>
    <a href="/produk-hukum/perda">Perda</a> <a href="/galeri.php">Galeri</a>
    <div class="pagination"><a href="/index.php?hal=2">2</a></div></body></html>"""
    url = f"http://{site.host}/index.php"
    page = HtmlResponse(url, body=html.encode(), encoding="utf-8", request=scrapy.Request(url))
    items = list(spider.regulations_on(page))
    assert [(i["jenis_code"], i["nomor"], i["tahun"]) for i in items] == \
        [("perwal", "5", 2022), ("perbup", None, None)]
    # a title without number or year is kept, with what it says
    assert items[1]["judul"] == "Peraturan Bupati tentang Tata Naskah Dinas"
    assert items[1]["region_code"] == "33.24"
    follow = [r.url for r in spider.links_to_follow(page, 0)]
    assert follow == [f"http://{site.host}/produk-hukum/perda", f"http://{site.host}/index.php?hal=2"]
    # at the depth bound only the pagination is followed
    spider = spider_for(GenericSpider, site)
    assert [r.url for r in spider.links_to_follow(page, MAX_DEPTH)] == \
        [f"http://{site.host}/index.php?hal=2"]
    assert [r.cb_kwargs["depth"] for r in spider_for(GenericSpider, site)
            .links_to_follow(page, MAX_DEPTH)] == [MAX_DEPTH]


def test_generic_respects_max_pages():
    site = generic_site(page_size=2)
    walk = Walk(spider_for(GenericSpider, site, max_pages=3), site, generic.render)
    pages = [u for u in walk.fetched if "sitemap" not in u]
    assert len(pages) == 3
    assert walk.of(ListingParsed)


# --------------------------------------------------------------------------- end to end

def _counts(cat) -> dict:
    with cat.session() as s:
        return {m.__name__: s.scalar(select(func.count()).select_from(m))
                for m in (Document, DocumentFile, Sighting)}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """Three sites crawled twice through the world's server: a jdih-cms with its API, one
    without, and a generic Bagian Hukum site (one document only in its sitemap)."""
    tmp = tmp_path_factory.mktemp("jdihcms-generic")
    settings = load_settings(data_dir=str(tmp / "var"), config_file=str(tmp / "none.toml"))
    cat = Catalogue(settings)
    cat.init()
    sites = {"w-jdihcms-api": jdihcms_site(),
             "w-jdihcms-html": jdihcms_site(host="jdih.semarangkota.go.id", region="33.74",
                                            name="Kota Semarang", docs=SEMARANG, api=False),
             "w-generic": generic_site(sitemap_only=1)}
    kinds = {"w-jdihcms-api": "jdih_cms:jdihcms", "w-jdihcms-html": "jdih_cms:jdihcms",
             "w-generic": "jdih_cms:generic"}
    with World(list(sites.values())) as world:
        hosts = world.write_hosts_file(tmp / "hosts")
        f = tmp / "sources.yaml"
        f.write_text(yaml.safe_dump({"sources": [
            {"name": name, "kind": kinds[name], "region": site.region_code,
             "url": world.base(site.host) + start_path(site), "rate_limit": 0,
             "retry_backoff": 0.3} for name, site in sites.items()]}), encoding="utf-8")
        first = {r["name"]: r for r in run_crawl(f, settings.data_dir, env=env(hosts))}
        hits_first = len(world.hits)
        after_first = _counts(cat)
        second = {r["name"]: r for r in run_crawl(f, settings.data_dir, env=env(hosts))}
        after_second = _counts(cat)
        assert world.errors == []
        hits = list(world.hits)
    yield {"cat": cat, "sites": sites, "first": first, "second": second, "hits": hits,
           "hits_first": hits_first, "after_first": after_first, "after_second": after_second}
    cat.dispose()


def test_every_document_is_catalogued_under_its_region_with_its_pdf(crawled):
    want = {}
    for site in crawled["sites"].values():
        for d in site.docs:
            want[f"{legal.normalise_jenis(d.jenis)[1]}/{d.region_code}/{d.tahun}/{d.nomor}"] = d
    with crawled["cat"].session() as s:
        docs = {d.reg_key: d for d in s.scalars(select(Document))}
        assert sorted(docs) == sorted(want)
        for key, d in want.items():
            doc = docs[key]
            assert doc.region_code == d.region_code, key
            assert [(f.role, f.sha256) for f in doc.files] == \
                [("utama", hashlib.sha256(d.pdf).hexdigest())], key
    for name, run in crawled["first"].items():
        assert run["docs_new"] == len(crawled["sites"][name].docs) and run["errors"] == 0, run


def test_generic_finds_carry_their_confidence_and_the_others_do_not(crawled):
    with crawled["cat"].session() as s:
        marks = {}
        for sg in s.scalars(select(Sighting).where(Sighting.record != {})):
            marks.setdefault(sg.source.name, set()).add(sg.record.get("confidence"))
        src = {x.id: x.name for x in s.scalars(select(Source))}
        seen = {src[r.source_id]: r.stats.get("pantau/family_seen")
                for r in s.scalars(select(SourceRun))}
    assert marks == {"w-generic": {"generic"}, "w-jdihcms-api": {None}, "w-jdihcms-html": {None}}
    assert seen == {"w-jdihcms-api": "jdihcms", "w-jdihcms-html": "jdihcms", "w-generic": "unknown"}


def test_what_each_crawl_asked_for(crawled):
    first = crawled["hits"][:crawled["hits_first"]]
    paths = {(host, path.split("?")[0]) for _, host, _, path, _ in first}
    api, html, gen = (crawled["sites"][n].host for n in ("w-jdihcms-api", "w-jdihcms-html",
                                                        "w-generic"))
    # the API site is read through its API alone; the other through its listing (its API 404)
    assert not any(h == api and p.startswith(jdihcms.LISTING) for h, p in paths)
    assert (html, jdihcms.API) in paths and (html, jdihcms.LISTING) in paths
    # no draft, brochure, report or Renstra was fetched, on any site
    for word in ("rancangan", "brosur", "Laporan", "renstra"):
        assert not any(word in p for _, _, _, p, _ in first), word
    assert all(status in (200, 404) for _, _, _, _, status in first)
    assert (gen, "/sitemap-file.xml") in paths


def test_a_second_crawl_adds_nothing(crawled):
    assert crawled["after_second"] == crawled["after_first"]
    for run in crawled["second"].values():
        assert run["docs_new"] == 0 and run["files_new"] == 0 and run["errors"] == 0, run
    second = crawled["hits"][crawled["hits_first"]:]
    api = crawled["sites"]["w-jdihcms-api"].host
    # the API answered 304 (its ETag was kept): no PDF of that site fetched again
    assert any(h == api and "/api/" in p and st == 304 for _, h, _, p, st in second)
    assert not any(p.endswith(".pdf") for _, _, _, p, _ in second)
