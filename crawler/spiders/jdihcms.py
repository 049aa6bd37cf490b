"""The spider for the Laravel JDIH CMS (``jdih_cms:jdihcms``): harris-sontanu/jdih-cms and the
forks many regions run.

What the software serves (read from its routes, controllers and Blade views):

- a JSON API ``/api/produk-hukum/peraturan`` (``Api\\JdihnController@index``): the JDIHN record
  fields (``idData``, ``judul``, ``jenis``, ``singkatanJenis``, ``noPeraturan``,
  ``tahun_pengundangan``, ``tanggal_pengundangan``, ``status``, ``teuBadan``, ``urlDownload`` …)
  of the published regulations, paged by Laravel's ``?page=N``. The upstream controller answers
  a bare list per page; forks wrap it in a paginator (``data`` with ``next_page_url``, or
  ``data``/``links``/``meta``). One record is ``/api/produk-hukum/peraturan/<id>``; the record
  has no link to its HTML page (upstream comments ``urlDetailPeraturan`` out), so that URL is
  where a record is said to have been seen.
- the HTML listing ``/produk-hukum/peraturan-perundang-undangan`` (``?page=N``, ``a[rel=next]``):
  one ``article.card`` per regulation, a category badge, the heading link to the detail page
  ``/produk-hukum/peraturan-perundang-undangan/<category-slug>/<slug>`` and the cover ``img``
  whose ``data-pdf-thumbnail-file`` is the PDF under ``/storage/…``;
- the detail page: a heading "<Jenis> Nomor <n> Tahun <y>" (the model's ``shortTitle``), the
  metadata as ``<h4>label</h4>`` followed by its value (Jenis Dokumen, Nomor, Judul, Tgl.
  Penetapan, Tgl. Pengundangan, Singkatan Jenis, T.E.U. Badan, Sumber, Tempat Terbit, Subjek,
  Status, Bidang Hukum …) and the files as ``figure[data-file]``: ``#adobe-dc-view`` or
  ``#master-view`` the regulation, ``#abstract-view`` its abstrak, ``#attachment-*`` lampiran
  (the download buttons are PUT forms, not links).

The crawl reads the site's page at ``url`` (which fingerprints the site), then the API page by
page until no next page (a bare list: ``?page=N+1`` while pages bring new records). When the API
is absent (404 and the like), answers something that is not JSON, or lists nothing, it falls
back to the HTML listing and the detail pages, which are asked for conditionally (a ``304``
counts the document unchanged). Both map onto the JDIHN record fields and share
``RegulationRecords.record_to_item``; listed types that are not regulations are skipped.
"""

from __future__ import annotations

from typing import Any, Iterator
from urllib.parse import urljoin, urlsplit

from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.events import CrawlProblem, ListingParsed, Unchanged
from crawler.spiders.base import SourceSpider, site_root
from crawler.spiders.jdih_cms import year_in
from crawler.spiders.jdihn_feed import decode_feed, next_page_number_url, unwrap
from crawler.spiders.records import Record, RegulationRecords, as_text, clean_url, record_hash

API_PATH = "api/produk-hukum/peraturan"
LISTING_PATH = "produk-hukum/peraturan-perundang-undangan"
# API answers that mean "this site has no API" rather than "the API is broken"
_NO_API = {401, 403, 404, 405, 410}
# figure ids -> file role
_FIGURE_ROLES = (("adobe-dc-view", "utama"), ("master-view", "utama"),
                 ("abstract-view", "abstrak"), ("attachment-", "lampiran"))


def _text(sel) -> str:
    return " ".join(" ".join(sel.xpath(".//text()").getall()).split())


def listing_cards(response: TextResponse) -> list[dict]:
    """The regulations of one HTML listing page: detail URL, heading, category, PDF."""
    cards = []
    for art in response.xpath("//article[contains(concat(' ', normalize-space(@class), ' '), "
                              "' card ')]"):
        link = art.xpath(f".//h4//a[contains(@href, '/{LISTING_PATH}/')]")
        href = link.attrib.get("href") if link else None
        if not href:
            continue
        pdf = art.xpath(".//img/@data-pdf-thumbnail-file").get()
        badge = art.xpath(f".//a[contains(@class, 'badge')][contains(@href, '/{LISTING_PATH}/')]")
        heading = _text(link)
        cards.append({"detail": response.urljoin(href.strip()), "judul": heading,
                      "jenis": _text(badge) or None, "tahun": year_in(heading),
                      "pdf": response.urljoin(pdf.strip()) if pdf else None,
                      "excerpt": _text(art.xpath(".//p[contains(@class, 'fs-lg')]")) or None})
    return cards


def detail_fields(response: TextResponse) -> dict[str, Any]:
    """The labelled metadata, the heading and the files of a detail page."""
    out: dict[str, Any] = {"heading": _text(response.xpath("(//h2)[1]")) or None}
    for h4 in response.xpath("//h4[contains(@class, 'fw-bold')]"):
        label = _text(h4)
        value = _text(h4.xpath("./following-sibling::*[1]"))
        if label and len(label) < 40 and label not in out:
            out[label] = value
    files: list[dict] = []
    for fig in response.xpath("//figure[@data-file]"):
        url = response.urljoin(fig.attrib["data-file"].strip())
        fid = fig.attrib.get("id", "")
        role = next((r for prefix, r in _FIGURE_ROLES if fid.startswith(prefix)), "lampiran")
        if url not in [f["url"] for f in files]:
            files.append({"url": url, "role": role, "name": fig.attrib.get("data-name")})
    out["files"] = files
    return out


class JdihcmsSpider(RegulationRecords, SourceSpider):
    """A JDIH on the Laravel JDIH CMS (``kind: jdih_cms:jdihcms``); ``url`` is its home or
    listing page. API first, HTML listing when there is none (see the module docstring)."""

    name = "jdih_cms_jdihcms"
    kind = "jdih_cms:jdihcms"

    def __init__(self, source, **kwargs: Any):
        super().__init__(source, **kwargs)
        self.site = site_root(source.url)
        self.api_url = urljoin(self.site, API_PATH)
        self.listing_url = urljoin(self.site, LISTING_PATH)
        self._api_pages = 0
        self._api_records = 0
        self._html_pages = 0
        self._fallen_back = False
        self._seen_ids: set[str] = set()
        self._details: set[str] = set()

    async def start(self):
        yield self.listing_request(self.source.url, self.parse, conditional=False)

    def parse(self, response, **kwargs: Any) -> Iterator[Any]:
        """The site's own page: where the HTML listing is linked; then the API."""
        if isinstance(response, TextResponse):
            href = response.xpath(f"//a[contains(@href, '/{LISTING_PATH}')]"
                                  f"[not(contains(substring-after(@href, '/{LISTING_PATH}'),"
                                  " '/'))]/@href").get()
            if href:
                self.listing_url = response.urljoin(href.strip()).split("?", 1)[0]
            if urlsplit(response.url).path.rstrip("/").endswith(LISTING_PATH):
                self.listing_url = response.url.split("?", 1)[0]
        yield self.api_request(self.api_url)

    # ------------------------------------------------------------------ the API

    def api_request(self, url: str):
        req = self.listing_request(url, self.parse_api)
        return req.replace(errback=self.api_failed,
                           headers={**req.headers.to_unicode_dict(), "Accept": "application/json"})

    def api_failed(self, failure: Failure) -> Iterator[Any]:
        """No usable API: the site is read through its HTML listing. A missing API (404 …) is
        normal for this CMS; a broken one (500, timeout) is recorded too."""
        value = failure.value
        status = value.response.status if isinstance(value, HttpError) else None
        if self._api_pages:  # a later page failed: what was read stands
            yield from self.listing_failed(failure)
            return
        if status not in _NO_API:
            yield from self.listing_failed(failure)
        yield from self.fall_back(f"API answered {status or type(value).__name__}")

    def fall_back(self, why: str) -> Iterator[Any]:
        if self._fallen_back:
            return
        self._fallen_back = True
        self.count("pantau/api_unavailable")
        self.logger.info("%s: no usable API at %s (%s); reading the HTML listing",
                         self.source.name, self.api_url, why)
        yield self.listing_request(self.listing_url, self.parse_listing, conditional=False)

    def parse_api(self, response, **kwargs: Any) -> Iterator[Any]:
        if response.status == 304:
            self._api_pages += 1
            yield from self.listing_not_modified(response, self.parse_api)
            return
        ctype = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        head = response.body.lstrip()[:1]
        # a catch-all route answers the home page for /api/…: that is no API
        error = None if "json" in ctype or head in (b"[", b"{") else f"a {ctype or '?'} page"
        payload, error = (None, error) if error else decode_feed(response.body)
        page, error = unwrap(payload) if not error else (None, error)
        if page is None:
            if self._api_pages == 0:
                yield from self.fall_back(f"not a JSON listing: {error[:80]}")
            else:
                yield CrawlProblem(locator=response.url, reason="malformed_json", detail=error)
            return
        self._api_pages += 1
        new_ids = 0
        for i, raw in enumerate(page.records):
            if not isinstance(raw, dict):
                yield CrawlProblem(locator=f"{response.url}#{i}", reason="bad_record",
                                   detail=f"record {i} is {type(raw).__name__}, not an object")
                continue
            rid = as_text(Record(raw).get("idData", "id")) or record_hash(raw)
            if rid in self._seen_ids:
                continue
            self._seen_ids.add(rid)
            new_ids += 1
            item = self.api_item(raw, rid)
            if item is not None:
                yield item
        self._api_records += new_ids
        if self._api_pages == 1 and not self._api_records:
            yield ListingParsed(url=response.url, records=0)
            yield from self.fall_back("the API lists nothing")
            return
        nxt = self._next_api_url(response.url, page, new_ids > 0)
        yield ListingParsed(url=response.url, records=len(page.records), next_url=nxt)
        if nxt:
            yield self.api_request(nxt)

    def api_item(self, raw: dict, rid: str) -> dict | None:
        rec = Record(raw)
        if not rec.get("urlDetailPeraturan"):
            # the record's own address in the API (upstream has no link to the HTML page)
            rec = Record({**raw, "urlDetailPeraturan": f"{self.api_url}/{rid}"})
        item = self.record_to_item(rec, self.api_url)
        if item is None:
            return None
        if self.too_old(item["tanggal_diundangkan"] or item["tanggal_ditetapkan"], item["tahun"]):
            return None
        item["record"] = raw
        return item

    def _next_api_url(self, current: str, page, got_new: bool) -> str | None:
        if not got_new or self._api_pages >= self.source.max_pages:
            return None
        if page.next_link:
            url = clean_url(page.next_link, current)
            return url if url and url != current else None
        if page.paginated:
            return None
        # upstream's bare list: Laravel reads ?page=N
        nxt = next_page_number_url(current)
        return nxt or f"{current}{'&' if '?' in current else '?'}page=2"

    # ------------------------------------------------------------------ the HTML listing

    def parse_listing(self, response, **kwargs: Any) -> Iterator[Any]:
        self._html_pages += 1
        if not isinstance(response, TextResponse):
            yield CrawlProblem(locator=response.url, reason="not_html",
                               detail="the listing is not a text page")
            return
        cards = listing_cards(response)
        fresh = 0
        for card in cards:
            if card["detail"] in self._details:
                continue
            self._details.add(card["detail"])
            if self.skips_type(card["jenis"] or card["judul"]):
                continue
            if self.too_old(year=card["tahun"]):
                continue
            if not self.on_site(card["detail"]):
                self.count("pantau/offsite_links")
                continue
            fresh += 1
            yield self.listing_request(card["detail"], self.parse_detail, cb_kwargs={"card": card})
        nxt = response.xpath("//a[@rel='next']/@href").get()
        nxt = response.urljoin(nxt.strip()) if nxt else None
        if (nxt == response.url or not cards or self._html_pages >= self.source.max_pages
                or (self.since is not None and not fresh)):
            nxt = None
        yield ListingParsed(url=response.url, records=len(cards), next_url=nxt)
        if nxt:
            yield self.listing_request(nxt, self.parse_listing, conditional=False)

    def parse_detail(self, response, card: dict | None = None) -> Iterator[Any]:
        if response.status == 304:
            yield Unchanged(url=response.url)
            return
        d = detail_fields(response)
        card = card or {}
        roles: dict[str, list[str]] = {"utama": [], "abstrak": [], "lampiran": []}
        for f in d["files"]:
            roles[f["role"]].append(f["url"])
        if not roles["utama"] and card.get("pdf"):
            roles["utama"].append(card["pdf"])
        rec = {
            "judul": d.get("Judul") or card.get("excerpt"),
            "jenis": d.get("Jenis Dokumen") or card.get("jenis"),
            "singkatanJenis": d.get("Singkatan Jenis"),
            "noPeraturan": d.get("Nomor"),
            "tahun": year_in(d.get("heading")) or card.get("tahun"),
            "tanggal_penetapan": d.get("Tgl. Penetapan"),
            "tanggal_pengundangan": d.get("Tgl. Pengundangan"),
            "teuBadan": d.get("T.E.U. Badan"), "tempatTerbit": d.get("Tempat Terbit"),
            "status": d.get("Status"), "sumber": d.get("Sumber"), "subjek": d.get("Subjek"),
            "bidangHukum": d.get("Bidang Hukum"),
            "urlDownload": roles["utama"][0] if roles["utama"] else None,
            "urlAbstrak": roles["abstrak"][0] if roles["abstrak"] else None,
            "urlLampiran": roles["utama"][1:] + roles["lampiran"],
            "urlDetailPeraturan": response.url,
        }
        item = self.record_to_item(Record(rec), response.url)
        if item is None:
            return
        item["record"] = {**{k: v for k, v in d.items() if k != "files"},
                          "files": d["files"],
                          "listing": {k: card.get(k) for k in ("judul", "jenis", "pdf")}}
        yield item
