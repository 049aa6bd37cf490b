"""The simulated internet's CMS families (``tests/crawler/world/sites/``), each rendered straight
from a ``WorldSite`` (no server): the fingerprint knows the family and the region, the spiders
that crawl that family read every document from the pages, the PDFs are the documents' bytes,
and an unknown path is a 404 page.

For ILDIS and baghukum the spiders' own callbacks are driven through the rendered pages
(``_crawl``: what Scrapy would request, answered by ``render``); the Aceh "dih" app and the
WordPress site have no spider of their own (the generic listing spider crawls them), so their
listings, sitemaps and PDF links are checked as that spider reads them
(``crawler.fingerprint.pdf_links``). One end-to-end test crawls an ILDIS and a baghukum site
served by the world's server (``python -m crawler``, names resolved by the world's hosts file).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import deque
from datetime import date
from importlib import import_module
from urllib.parse import parse_qs, urlsplit

import pytest
import scrapy
import yaml
from scrapy.responsetypes import responsetypes
from sqlalchemy import select

from crawler.fingerprint import fingerprint, pdf_links, regions_named, site_identity
from crawler.items import DocumentItem
from crawler.sources import SourceConfig
from crawler.spiders.jdih_cms import BaghukumSpider, IldisSpider, baghukum_cards, ildis_detail
from katalog.db import Catalogue
from katalog.models import Document, Source, SourceRun
from pantau.settings import load_settings
from tests.crawler.fixture_site import run_crawl
from tests.crawler.world.model import Request, Response, WorldDoc, WorldSite
from tests.crawler.world.server import World, env
from tests.nlp.pdfmaker import PageSpec, make_pdf

BATANG, SEMARANG, ACEH_BESAR, PEKALONGAN = "33.25", "33.74", "11.06", "33.75"


def _doc(region: str, jenis: str, nomor: str, tahun: int, judul: str,
         tanggal: date | None = None) -> WorldDoc:
    pdf = make_pdf([PageSpec().text(72, 72, f"{jenis.upper()} NOMOR {nomor} TAHUN {tahun}")
                    .text(72, 100, f"TENTANG {judul.upper()}")])
    return WorldDoc(region, jenis, nomor, tahun, judul, pdf, tanggal=tanggal)


def world_site(family: str, host: str, region: str, region_name: str, jenis: str,
               **options) -> WorldSite:
    """A site of ``family`` with three documents of ``jenis``, one of them dated."""
    docs = [_doc(region, jenis, "3", 2023, "Pajak Daerah"),
            _doc(region, jenis, "12", 2024, "Penyelenggaraan Jaminan Sosial",
                 date(2024, 5, 14)),
            _doc(region, jenis, "7", 2022, "Kawasan Tanpa Rokok")]
    return WorldSite(host, family, region, region_name, docs, options)


SITES = {
    "ildis": lambda: world_site("ildis", "jdih.batangkab.go.id", BATANG, "Kabupaten Batang",
                                "Peraturan Daerah"),
    "baghukum": lambda: world_site("baghukum", "jdih.semarangkota.go.id", SEMARANG,
                                   "Kota Semarang", "Peraturan Wali Kota"),
    "acehdih": lambda: world_site("acehdih", "jdih.acehbesarkab.go.id", ACEH_BESAR,
                                  "Kabupaten Aceh Besar", "Qanun"),
    "wordpress": lambda: world_site("wordpress", "hukum.pekalongankota.go.id", PEKALONGAN,
                                    "Kota Pekalongan", "Peraturan Wali Kota"),
}


def module(family: str):
    return import_module(f"tests.crawler.world.sites.{family}")


def get(site: WorldSite, url: str, method: str = "GET", body: bytes = b"") -> Response:
    """``render`` for one absolute URL on ``site``."""
    parts = urlsplit(url)
    req = Request(method, parts.path or "/", parse_qs(parts.query), {}, body,
                  f"{parts.scheme}://{parts.netloc}")
    return module(site.family).render(site, req)


def base(site: WorldSite) -> str:
    return f"http://{site.host}:8080"


def _crawl(spider, site: WorldSite) -> tuple[list[DocumentItem], list[str]]:
    """What Scrapy would do with ``spider`` against ``site``: each request answered by the
    family's ``render``, its callback called, new requests queued (each URL+body once)."""
    async def first():
        return [r async for r in spider.start()]
    queue, seen, items, asked = deque(asyncio.run(first())), set(), [], []
    while queue:
        req = queue.popleft()
        if (req.method, req.url, req.body) in seen:
            continue
        seen.add((req.method, req.url, req.body))
        asked.append(f"{req.method} {req.url}")
        resp = get(site, req.url, req.method, req.body)
        cls = responsetypes.from_args(headers=resp.headers, url=req.url, body=resp.body)
        response = cls(url=req.url, status=resp.status, headers=resp.headers, body=resp.body,
                       request=req)
        for out in req.callback(response, **req.cb_kwargs) or ():
            if isinstance(out, scrapy.Request):
                queue.append(out)
            elif isinstance(out, dict):
                items.append(DocumentItem.model_validate(out))
    return items, asked


def _assert_items_are_the_docs(items: list[DocumentItem], site: WorldSite) -> None:
    got = {(i.nomor, i.tahun): i for i in items}
    assert sorted(got) == sorted((d.nomor, d.tahun) for d in site.docs)
    for doc in site.docs:
        item = got[(doc.nomor, doc.tahun)]
        assert item.region_code == site.region_code
        assert item.tentang == doc.judul
        (main,) = [f for f in item.files if f.role == "utama"]
        pdf = get(site, main.url)
        assert (pdf.status, pdf.headers["Content-Type"], pdf.body) == \
            (200, "application/pdf", doc.pdf)
    dated = got[("12", 2024)]
    assert dated.tanggal_ditetapkan == date(2024, 5, 14)


# --------------------------------------------------------------------------- every family

@pytest.mark.parametrize("family", sorted(SITES))
def test_home_and_start_page_show_the_family_and_name_the_region(family):
    site = SITES[family]()
    mod = module(family)
    for path in ("/", mod.start_path(site)):
        url = base(site) + path
        resp = get(site, url)
        assert resp.status == 200, path
        fp = fingerprint(url, resp.body, resp.headers["Content-Type"], resp.headers)
        assert fp.family == family, (path, fp.as_dict())
        if path == "/":
            named = regions_named(site_identity(resp.body.decode("utf-8")))
            assert set(named) == {site.region_code}, site_identity(resp.body.decode())


@pytest.mark.parametrize("family", sorted(SITES))
def test_unknown_paths_are_a_404_page(family):
    site = SITES[family]()
    for path in ("/nothing/here", "/dokumen/view?id=9999", "/page/detail/nope",
                 "/dih/detail/00000000-0000-0000-0000-000000000000", "/file/nope.pdf",
                 "/wp-content/uploads/2020/01/nope.pdf", "/2020/01/nope/"):
        resp = get(site, base(site) + path)
        assert resp.status == 404, (family, path)
        assert resp.headers["Content-Type"].startswith("text/html")
        assert b"<html" in resp.body


def test_a_trap_names_the_region_it_was_given_not_its_host():
    site = world_site("ildis", "jdih.batangkab.go.id", SEMARANG, "Kota Semarang",
                      "Peraturan Wali Kota")
    home = get(site, base(site) + "/").body.decode()
    assert set(regions_named(site_identity(home))) == {SEMARANG}


# --------------------------------------------------------------------------- ILDIS

def test_ildis_listing_pages_through_every_document():
    site = SITES["ildis"]()
    url, pages, titles = base(site) + "/dokumen/peraturan", 0, []
    while url:
        pages += 1
        resp = get(site, url)
        sel = scrapy.Selector(text=resp.body.decode())
        titles += sel.xpath("//div[@class='item']//h4/a/text()").getall()
        url = sel.xpath("//ul[contains(@class, 'pagination')]/li[contains(@class, 'next')]"
                        "[not(contains(@class, 'disabled'))]/a/@href").get()
    assert pages == 2
    assert titles == [  # newest first
        "Peraturan Daerah Kabupaten Batang Nomor 12 Tahun 2024 tentang Penyelenggaraan "
        "Jaminan Sosial",
        "Peraturan Daerah Kabupaten Batang Nomor 3 Tahun 2023 tentang Pajak Daerah",
        "Peraturan Daerah Kabupaten Batang Nomor 7 Tahun 2022 tentang Kawasan Tanpa Rokok"]


def test_ildis_detail_reads_as_the_spider_reads_it():
    site = SITES["ildis"]()
    url = base(site) + "/dokumen/view?id=101"
    resp = get(site, url)
    response = scrapy.http.HtmlResponse(url=url, body=resp.body, request=scrapy.Request(url))
    d = ildis_detail(response)
    assert d["Judul"].startswith("Peraturan Daerah Kabupaten Batang Nomor 12 Tahun 2024")
    assert (d["Jenis Dokumen"], d["Status"], d["Tanggal Penetapan"], d["T.E.U. Badan"]) == \
        ("Peraturan Daerah", "Berlaku", "14 Mei 2024", ["Kabupaten Batang"])
    assert [f["url"] for f in d["files"]] == [
        base(site) + "/common/dokumen/2024-peraturan-daerah-12.pdf"]


def test_the_ildis_spider_crawls_every_document():
    site = SITES["ildis"]()
    spider = IldisSpider(SourceConfig(name="w-ildis", kind="jdih_cms:ildis", region=BATANG,
                                      url=base(site) + "/dokumen/peraturan"))
    items, asked = _crawl(spider, site)
    _assert_items_are_the_docs(items, site)
    assert asked[:2] == [f"GET {base(site)}/dokumen/peraturan",
                         f"GET {base(site)}/dokumen/view?id=101"]
    assert f"GET {base(site)}/dokumen/peraturan?page=2" in asked
    assert all(i.jenis_code == "perda" for i in items)


# --------------------------------------------------------------------------- baghukum

def test_baghukum_listing_is_the_ajax_cards_until_an_empty_page():
    site = SITES["baghukum"]()
    mod = module("baghukum")
    form = f"action=fetch_data&pencarian=&slug={mod.tag(site)}&api_key={mod.api_key(site)}"
    cards, page = [], 1
    while True:
        resp = get(site, f"{base(site)}/page/load_data_dokumen_tag/{page}", "POST",
                   form.encode())
        assert resp.status == 200 and resp.headers["Content-Type"] == "application/json"
        found = baghukum_cards(scrapy.http.TextResponse(
            url=base(site), body=resp.body).json()["dokumen"], base(site))
        if not found:
            break
        cards += found
        page += 1
    assert page == 3
    assert [(c["judul"], c["jenis"], c["tahun"]) for c in cards] == [
        ("Peraturan Wali Kota No. 12 Tahun 2024", "Peraturan Wali Kota", 2024),
        ("Peraturan Wali Kota No. 3 Tahun 2023", "Peraturan Wali Kota", 2023),
        ("Peraturan Wali Kota No. 7 Tahun 2022", "Peraturan Wali Kota", 2022)]
    for card, doc in zip(cards, sorted(site.docs, key=lambda d: -d.tahun)):
        assert get(site, card["pdf"]).body == doc.pdf
        assert get(site, card["detail"]).status == 200
    wrong = get(site, f"{base(site)}/page/load_data_dokumen_tag/1", "POST",
                form.replace(mod.api_key(site), "salah").encode())
    assert wrong.status == 403
    other_tag = get(site, f"{base(site)}/page/load_data_dokumen_tag/1", "POST",
                    form.replace(f"slug={mod.tag(site)}", "slug=ekonomi").encode())
    assert b'"dokumen": ""' in other_tag.body


def test_the_baghukum_spider_crawls_every_document():
    site = SITES["baghukum"]()
    spider = BaghukumSpider(SourceConfig(name="w-baghukum", kind="jdih_cms:baghukum",
                                         region=SEMARANG, url=base(site) + "/"))
    items, asked = _crawl(spider, site)
    _assert_items_are_the_docs(items, site)
    assert [a for a in asked if a.startswith("POST")] == [
        f"POST {base(site)}/page/load_data_dokumen_tag/{n}" for n in (1, 2, 3)]
    assert all(i.jenis_code == "perwal" for i in items)
    # with the tag named in the source, as sources.yaml may give it
    spider = BaghukumSpider(SourceConfig(name="w-baghukum", kind="jdih_cms:baghukum",
                                         region=SEMARANG, url=base(site) + "/",
                                         tags=["produk-hukum"]))
    _assert_items_are_the_docs(_crawl(spider, site)[0], site)


# --------------------------------------------------------------------------- generic-spider sites

def _listed(site: WorldSite, url: str, links: str, nxt: str) -> tuple[int, list[tuple[str, str]]]:
    """(pages, [(href, text)]) of a listing followed by its ``nxt`` links."""
    pages, found = 0, []
    while url:
        pages += 1
        resp = get(site, url)
        assert resp.status == 200, url
        sel = scrapy.Selector(text=resp.body.decode())
        found += [(a.attrib["href"], " ".join(a.xpath(".//text()").get().split()))
                  for a in sel.xpath(links)]
        url = sel.xpath(nxt).get()
    return pages, found


def _sitemap_locs(resp: Response) -> list[str]:
    sel = scrapy.Selector(text=resp.body.decode(), type="xml")
    sel.remove_namespaces()
    return sel.xpath("//loc/text()").getall()


def _check_pdf_pages(site: WorldSite, pages: dict[str, str]) -> None:
    """Each page (url -> the title it is about) links exactly one PDF, which the generic
    spider takes (its row names the regulation) and which is that document's file."""
    by_title = {module(site.family).title(site, d): d for d in site.docs}
    assert sorted(pages.values()) == sorted(by_title)
    for url, doc_title in pages.items():
        resp = get(site, url)
        assert fingerprint(url, resp.body, resp.headers["Content-Type"]).family == site.family
        ((pdf, context),) = pdf_links(url, resp.body.decode())
        assert doc_title in context
        got = get(site, pdf)
        assert (got.status, got.headers["Content-Type"], got.body) == \
            (200, "application/pdf", by_title[doc_title].pdf)


def test_acehdih_listing_detail_pages_and_sitemap():
    site = SITES["acehdih"]()
    mod = module("acehdih")
    pages, rows = _listed(site, base(site) + "/dih/produk", "//tbody//a",
                          "//a[@rel='next']/@href")
    assert pages == 2
    assert [text for _, text in rows] == [
        "Qanun Kabupaten Aceh Besar Nomor 12 Tahun 2024 tentang Penyelenggaraan Jaminan Sosial",
        "Qanun Kabupaten Aceh Besar Nomor 3 Tahun 2023 tentang Pajak Daerah",
        "Qanun Kabupaten Aceh Besar Nomor 7 Tahun 2022 tentang Kawasan Tanpa Rokok"]
    assert all(href.startswith(f"{base(site)}/dih/detail/") for href, _ in rows)
    assert mod.doc_uuid(site.docs[0]) == mod.doc_uuid(SITES["acehdih"]().docs[0])
    _check_pdf_pages(site, {href: text for href, text in rows})
    locs = _sitemap_locs(get(site, base(site) + "/sitemap.xml"))
    assert {href for href, _ in rows} <= set(locs)
    assert get(site, base(site) + "/dih/produk?page=9").status == 200  # an empty page


def test_wordpress_listing_posts_and_core_sitemap():
    site = SITES["wordpress"]()
    pages, posts = _listed(site, base(site) + "/produk-hukum/", "//h2[@class='entry-title']/a",
                           "//a[contains(@class, 'next')]/@href")
    assert pages == 2
    assert [text for _, text in posts] == [
        "Peraturan Wali Kota Kota Pekalongan Nomor 12 Tahun 2024 tentang Penyelenggaraan "
        "Jaminan Sosial",
        "Peraturan Wali Kota Kota Pekalongan Nomor 3 Tahun 2023 tentang Pajak Daerah",
        "Peraturan Wali Kota Kota Pekalongan Nomor 7 Tahun 2022 tentang Kawasan Tanpa Rokok"]
    dated = posts[0][0]
    assert dated == f"{base(site)}/2024/05/peraturan-wali-kota-nomor-12-tahun-2024-tentang-" \
                    "penyelenggaraan-jaminan-sosial/"
    _check_pdf_pages(site, {href: text for href, text in posts})
    ((pdf, _),) = pdf_links(dated, get(site, dated).body.decode())
    assert pdf == f"{base(site)}/wp-content/uploads/2024/05/peraturan-wali-kota-no-12-tahun-2024.pdf"
    moved = get(site, base(site) + "/sitemap.xml")
    assert (moved.status, moved.headers["Location"]) == (301, f"{base(site)}/wp-sitemap.xml")
    index = _sitemap_locs(get(site, moved.headers["Location"]))
    locs = [loc for m in index for loc in _sitemap_locs(get(site, m))]
    assert {href for href, _ in posts} | {f"{base(site)}/produk-hukum/"} <= set(locs)
    assert get(site, base(site) + "/produk-hukum/page/3/").status == 404


# --------------------------------------------------------------------------- end to end

def test_a_crawl_of_an_ildis_and_a_baghukum_world_site(tmp_path):
    """``python -m crawler`` against the world's server: names resolve only through the
    world's hosts file; every document lands in the catalogue under its site's region, with
    its PDF; each start page is fingerprinted as its family."""
    ildis, baghukum = SITES["ildis"](), SITES["baghukum"]()
    settings = load_settings(data_dir=str(tmp_path / "var"), config_file=str(tmp_path / "none.toml"))
    cat = Catalogue(settings)
    cat.init()
    fast = {"rate_limit": 0, "retry_backoff": 0.3}
    with World([ildis, baghukum]) as world:
        hosts = world.write_hosts_file(tmp_path / "hosts")
        sources = {"sources": [
            {"name": "w-ildis", "kind": "jdih_cms:ildis", "region": ildis.region_code,
             "url": world.base(ildis.host) + module("ildis").start_path(ildis), **fast},
            {"name": "w-baghukum", "kind": "jdih_cms:baghukum", "region": baghukum.region_code,
             "url": world.base(baghukum.host) + module("baghukum").start_path(baghukum), **fast},
        ]}
        f = tmp_path / "sources.yaml"
        f.write_text(yaml.safe_dump(sources), encoding="utf-8")
        out = {r["name"]: r for r in run_crawl(f, settings.data_dir, env=env(hosts))}
        assert world.errors == []
    assert out["w-ildis"]["docs_new"] == 3 and out["w-baghukum"]["docs_new"] == 3, out
    with cat.session() as s:
        docs = {d.reg_key: d for d in s.scalars(select(Document))}
        want = {f"{code}/{site.region_code}/{d.tahun}/{d.nomor}": (site, d)
                for site, code in ((ildis, "perda"), (baghukum, "perwal")) for d in site.docs}
        assert sorted(docs) == sorted(want)
        for key, (site, d) in want.items():
            doc = docs[key]
            assert (doc.region_code, doc.tentang) == (site.region_code, d.judul)
            assert [(f.role, f.sha256) for f in doc.files] == \
                [("utama", hashlib.sha256(d.pdf).hexdigest())]
        src = {x.id: x.name for x in s.scalars(select(Source))}
        seen = {src[r.source_id]: r.stats.get("pantau/family_seen")
                for r in s.scalars(select(SourceRun))}
    assert seen == {"w-ildis": "ildis", "w-baghukum": "baghukum"}
    cat.dispose()
