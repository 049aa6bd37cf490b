"""The spider for the long tail (``jdih_cms:generic``): a Bagian Hukum or JDIH site on software no
other spider knows, read by its links alone. What it finds carries a lower confidence.

The crawl starts from the source's ``url`` (its home or listing page) and the site's
``/sitemap.xml`` (a sitemap index is followed to its sitemaps). From each page it

- follows same-site links that lead to listings: pagination (a link to the same path with
  another query, numbered or labelled next/selanjutnya/»), and links whose text or address says
  produk hukum, peraturan, dokumen, qanun, perda, perbup, perwal, pergub or keputusan; at most
  ``MAX_DEPTH`` (3) links away from the start (pagination does not count as a step), and at most
  the source's ``max_pages`` pages;
- takes the links to files that look like regulations (``crawler.links.pdf_links``): the
  row or link text (else the file name) must read as a regulation title ("Peraturan Bupati
  Batang Nomor 30 Tahun 2024 tentang …", "Qanun Kabupaten X Nomor 3 Tahun 2023 …", "Perwal No. 5
  Th 2022 …"). A page whose headings name exactly one regulation is that regulation's detail
  page: its file links without a title of their own are that regulation's files. A file whose
  title has no readable number or year is still kept, with the title text it has (the catalogue
  files it under the file's provisional key). Brochures, reports and other files without a
  regulation title are left alone, and so are drafts and academic papers (``wants_type``).

The sitemap's own file addresses carry no text but their file name, so they are taken last (when
the crawl is otherwise done), and only those no page linked with a better title.

Every item's raw record says ``"confidence": "generic"`` (kept in ``Sighting.record``), with the
page it was found on and the text its title was read from; the item's ``url`` is the detail page,
or for a listing row the file itself (a row moves between listing pages as documents are added,
its file does not). Nothing is asked for conditionally: a generic page does not say which of its
links changed. Requests stay on the source's host (``allowed_domains``) and obey robots.txt.
"""

from __future__ import annotations

import re
from typing import Any, Iterator
from urllib.parse import unquote, urljoin, urlsplit

import scrapy
from parsel import Selector
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import TextResponse
from twisted.python.failure import Failure

from crawler.errors import download_failure_reason
from crawler.events import ListingParsed
from crawler.links import pdf_links
from crawler.spiders.base import SourceSpider, site_root
from crawler.spiders.records import Record, RegulationRecords, parse_title

CONFIDENCE = "generic"
MAX_DEPTH = 3
MAX_SITEMAPS = 50
_LISTING_WORDS = re.compile(r"produk[\s_+-]*hukum|peraturan|dokumen|qanun|perda|perbup|perwal|"
                            r"pergub|keputusan|regulasi", re.IGNORECASE)
_PAGINATION_TEXT = re.compile(r"^[\s»›>]*(?:\d{1,4}|next|selanjutnya|berikutnya|lanjut|last|"
                              r"terakhir)?[\s»›>]*$", re.IGNORECASE)
_NOT_PAGES = re.compile(r"\.(?:pdf|jpe?g|png|gif|svg|webp|ico|zip|rar|7z|docx?|xlsx?|pptx?|"
                        r"mp[34]|avi|css|js|xml|gz)$", re.IGNORECASE)
_NOT_PAGES_PATH = re.compile(r"/(?:logout|login|wp-admin|admin|cart|feed)(?:/|$)", re.IGNORECASE)
# where a regulation title starts in a row or link text (with the words that make it a draft or
# an abstrak, so that ``wants_type`` sees them)
_TITLE_START = re.compile(r"\b(?:naskah\s+akademi[ks]?\s+|abstrak\s+)?(?:rancangan\s+)?"
                          r"(?:peraturan|perda|perbup|perwal|pergub|qanun|keputusan|kepbup|"
                          r"kepwal|kepgub|instruksi|surat\s+edaran)\b", re.IGNORECASE)
# what follows the title in a row: the download/detail buttons
_TITLE_TAIL = re.compile(r"\s*(?:\b(?:unduh|download|lihat|detail|baca|selengkapnya|preview)\b"
                         r"|\(\s*pdf\s*\)|\[\s*pdf\s*\]).*$", re.IGNORECASE)
# "perbup-30-2024", "Perda_No_2_Th_2023": a jenis word, a number, a year
_FILE_NAME = re.compile(r"^(?P<jenis>[a-z]+(?:\s+(?!no\b|nomor\b)[a-z]+)?)\s+(?:no\.?\s*|nomor\s+)?"
                        r"(?P<nomor>\d[\w./]*)\s+(?:th\.?\s*|tahun\s+)?(?P<tahun>(?:19|20)\d{2})\b",
                        re.IGNORECASE)
_MAX_TITLE = 400


def regulation_title(text: str | None) -> str | None:
    """The regulation title in a row or link text, from its jenis word to before the buttons."""
    text = " ".join((text or "").split())
    m = _TITLE_START.search(text)
    if not m:
        return None
    title = _TITLE_TAIL.sub("", text[m.start():]).strip(" -|:;,")
    return title[:_MAX_TITLE] or None


def file_name_title(url: str) -> str | None:
    """A title read from a file name: ``perbup-30-2024.pdf`` → "perbup Nomor 30 Tahun 2024"."""
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    name = re.sub(r"\.pdf$", "", name, flags=re.IGNORECASE)
    name = " ".join(re.sub(r"[_+\-]+", " ", name).split())
    m = _FILE_NAME.match(name)
    if m:
        name = f"{m.group('jenis')} Nomor {m.group('nomor')} Tahun {m.group('tahun')}"
    return regulation_title(name)


def identity(title: str | None, region: str | None) -> tuple | None:
    """(jenis code, nomor, tahun) a title names in full, or None."""
    meta = parse_title(title, region) if title else None
    if meta is None or not (meta.jenis_code and meta.nomor):
        return None
    return meta.jenis_code, meta.nomor, meta.tahun


def is_regulation_title(title: str | None, region: str | None) -> bool:
    """A title that names a jenis of regulation (its number and year may be unreadable)."""
    meta = parse_title(title, region) if title else None
    return bool(meta is not None and meta.jenis_code)


def page_regulation(response: TextResponse, region: str | None) -> str | None:
    """The one regulation a page's headings name (a detail page), or None."""
    found: dict[tuple, str] = {}
    for text in (response.xpath("//h1|//h2|//h3|//title").xpath("normalize-space(.)").getall()):
        title = regulation_title(text)
        key = identity(title, region)
        if key and key not in found:
            found[key] = title
    return next(iter(found.values())) if len(found) == 1 else None


def row_cells(response: TextResponse) -> dict[str, list[str]]:
    """File URL -> the texts of the table cells of the row that links it: a row's title is one
    cell, not the row (whose other cells hold the number, the year, the buttons)."""
    out: dict[str, list[str]] = {}
    for a in response.xpath("//tr//a[@href]"):
        url = response.urljoin((a.attrib.get("href") or "").strip())
        cells = [" ".join(" ".join(td.xpath(".//text()").getall()).split())
                 for td in a.xpath("./ancestor::tr[1]/*[self::td or self::th]")]
        out.setdefault(url, [c for c in cells if c])
    return out


def _role(url: str, text: str) -> str:
    return "abstrak" if "abstrak" in (url.rsplit("/", 1)[-1] + " " + text).lower() else "utama"


class GenericSpider(RegulationRecords, SourceSpider):
    """Any JDIH or Bagian Hukum site (``kind: jdih_cms:generic``): listings found by their links,
    regulations by their PDF links and titles; lower confidence (see the module docstring)."""

    name = "jdih_cms_generic"
    kind = "jdih_cms:generic"

    def __init__(self, source, **kwargs: Any):
        super().__init__(source, **kwargs)
        self.site = site_root(source.url)
        self.sitemap_url = urljoin(self.site, "sitemap.xml")
        self._queued: set[str] = set()
        self._pages = 0
        self._sitemaps = 0
        self._taken: set[str] = set()              # file URLs already made items
        self._sitemap_files: dict[str, str] = {}   # file URL -> sitemap it was listed in
        self._flushing = False

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    # ------------------------------------------------------------------ requests

    async def start(self):
        yield self.page_request(self.source.url, 0, start=True)
        self._sitemaps += 1
        yield scrapy.Request(self.sitemap_url, callback=self.parse_sitemap,
                             errback=self.quiet_failure,
                             meta={"download_timeout": self.source.timeout,
                                   **self.auth_meta(self.sitemap_url)})

    def page_request(self, url: str, depth: int, start: bool = False) -> scrapy.Request | None:
        url = url.split("#", 1)[0]
        if url in self._queued or not self.on_site(url):
            return None
        if self._pages >= self.source.max_pages:
            self.count("pantau/generic_max_pages")
            return None
        self._queued.add(url)
        self._pages += 1
        req = self.listing_request(url, self.parse, conditional=False, cb_kwargs={"depth": depth})
        # a dead link deep in a site is not a failure of the source; its start page is
        return req if start else req.replace(errback=self.quiet_failure)

    def quiet_failure(self, failure: Failure) -> Iterator[Any]:
        reason, _ = download_failure_reason(failure)
        self.count(f"pantau/generic_unreachable/{reason}")
        return iter(())

    # ------------------------------------------------------------------ pages

    def parse(self, response, depth: int = 0, **kwargs: Any) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            return
        taken = list(self.regulations_on(response))
        yield from taken
        yield from self.links_to_follow(response, depth)
        yield ListingParsed(url=response.url, records=len(taken))

    def links_to_follow(self, response: TextResponse, depth: int) -> Iterator[scrapy.Request]:
        here = urlsplit(response.url)
        for a in response.xpath("//a[@href]"):
            href = (a.attrib.get("href") or "").strip()
            if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
                continue
            url = response.urljoin(href).split("#", 1)[0]
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or url == response.url \
                    or _NOT_PAGES.search(parts.path) or _NOT_PAGES_PATH.search(parts.path):
                continue
            text = " ".join(" ".join(a.xpath(".//text()").getall()).split())
            in_pager = bool(a.xpath("./ancestor::*[contains(@class, 'pagination') or "
                                    "contains(@class, 'pager') or contains(@class, 'paging') "
                                    "or contains(@class, 'page-numbers')]"))
            pagination = (parts.path == here.path and parts.query != here.query
                          and (in_pager or a.attrib.get("rel") == "next"
                               or bool(text and _PAGINATION_TEXT.match(text))))
            if pagination:
                next_depth = depth
            elif depth < MAX_DEPTH and _LISTING_WORDS.search(f"{text} {parts.path} {parts.query}"):
                next_depth = depth + 1
            else:
                continue
            req = self.page_request(url, next_depth)
            if req is not None:
                yield req

    def regulations_on(self, response: TextResponse) -> Iterator[dict]:
        """The items for the regulation files a page links (see the module docstring)."""
        region = self.source.region
        heading = page_regulation(response, region)
        cells = row_cells(response)
        detail_files: list[tuple[str, str]] = []
        for url, context in pdf_links(response.url, response.text):
            if url in self._taken:
                continue
            if not self.on_site(url):
                self.count("pantau/offsite_links")
                continue
            own = next((t for t in map(regulation_title, cells.get(url, ()))
                        if is_regulation_title(t, region)), None)
            if own is None and len(context) <= _MAX_TITLE:
                own = regulation_title(context)
            if heading and not identity(own, region):
                detail_files.append((url, context))
                continue
            title, source_of_title = own, "row"
            if not is_regulation_title(title, region):
                title, source_of_title = file_name_title(url), "file_name"
            if not is_regulation_title(title, region):
                self.count("pantau/skipped_not_regulation")
                continue
            item = self.item(title, [(url, "utama")], url, response.url, context,
                             source_of_title)
            if item is not None:
                yield item
        if heading and detail_files:
            files = []
            for url, context in detail_files:
                role = _role(url, context)
                if role == "utama" and any(r == "utama" for _, r in files):
                    role = "lampiran"
                files.append((url, role))
            if not any(r == "utama" for _, r in files):
                files[0] = (files[0][0], "utama")
            item = self.item(heading, files, response.url, response.url,
                             " | ".join(c for _, c in detail_files)[:_MAX_TITLE], "heading")
            if item is not None:
                yield item

    def item(self, title: str, files: list[tuple[str, str]], url: str, page: str,
             context: str, title_from: str) -> dict | None:
        """The ``DocumentItem`` fields for one regulation found by its links."""
        for f, _ in files:
            self._taken.add(f)
        if self.skips_type(title):  # a draft's title may name the jenis it drafts
            return None
        by_role: dict[str, list[str]] = {"utama": [], "abstrak": [], "lampiran": []}
        for f, role in files:
            by_role[role].append(f)
        meta = parse_title(title, self.source.region)
        rec = {"judul": title, "jenis": meta.jenis if meta else None,
               "urlDownload": (by_role["utama"] or [None])[0],
               "urlAbstrak": (by_role["abstrak"] or [None])[0],
               "urlLampiran": by_role["lampiran"], "urlDetailPeraturan": url}
        item = self.record_to_item(Record(rec), page)
        if item is None:
            return None
        if self.too_old(year=item["tahun"]):
            return None
        self.count("pantau/generic_items")
        item["record"] = {"confidence": CONFIDENCE, "judul": title, "title_from": title_from,
                          "found_on": page, "text": context[:_MAX_TITLE],
                          "files": [f for f, _ in files]}
        return item

    # ------------------------------------------------------------------ the sitemap

    def parse_sitemap(self, response, **kwargs: Any) -> Iterator[Any]:
        try:
            sel = Selector(text=response.text, type="xml")
            sel.remove_namespaces()
        except Exception:  # noqa: BLE001 - a site without a sitemap answers anything
            self.count("pantau/generic_sitemap_unreadable")
            return
        for loc in sel.xpath("//sitemap/loc/text()").getall():
            url = urljoin(response.url, loc.strip())
            if self._sitemaps < MAX_SITEMAPS and self.on_site(url):
                self._sitemaps += 1
                yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.quiet_failure,
                                     meta={"download_timeout": self.source.timeout,
                                           **self.auth_meta(url)})
        for loc in sel.xpath("//url/loc/text()").getall():
            url = urljoin(response.url, loc.strip())
            path = urlsplit(url).path
            if not self.on_site(url):
                continue
            if path.lower().endswith(".pdf"):
                self._sitemap_files.setdefault(url, response.url)
            elif _LISTING_WORDS.search(f"{path} {urlsplit(url).query}") \
                    and not _NOT_PAGES.search(path):
                req = self.page_request(url, 1)
                if req is not None:
                    yield req

    def on_idle(self) -> None:
        """The pages are done: take the sitemap's files no page linked (once)."""
        if self._flushing or not self.leftover_sitemap_files():
            return
        self._flushing = True
        first = next(iter(self._sitemap_files.values()))
        self.crawler.engine.crawl(scrapy.Request(
            first, callback=self.take_sitemap_files, errback=self.quiet_failure,
            dont_filter=True, meta={"download_timeout": self.source.timeout,
                                    **self.auth_meta(first)}))
        raise DontCloseSpider

    def leftover_sitemap_files(self) -> list[str]:
        return [u for u in self._sitemap_files if u not in self._taken]

    def take_sitemap_files(self, response=None, **kwargs: Any) -> Iterator[dict]:
        for url in self.leftover_sitemap_files():
            title = file_name_title(url)
            if not is_regulation_title(title, self.source.region):
                self.count("pantau/skipped_not_regulation")
                continue
            item = self.item(title, [(url, "utama")], url, self._sitemap_files[url],
                             unquote(url.rsplit("/", 1)[-1]), "file_name")
            if item is not None:
                yield item
