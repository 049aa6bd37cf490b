"""The spiders for the HTML sites of two common JDIH CMS families (the Laravel JDIH CMS has its
own module, ``jdihcms``; any other site is read by ``generic``).

- ``jdih_cms:baghukum``: the CodeIgniter "baghukum-jdih" CMS of JDIH Kabupaten Batang. The
  listing is loaded by AJAX: ``POST /page/load_data_dokumen_tag/<page>`` with the form fields
  ``action=fetch_data``, ``pencarian``, ``slug`` (the tag) and ``api_key`` (embedded in the
  site's pages), answering ``{"dokumen": "<html cards>"}``; an empty ``dokumen`` ends the
  listing. Each card links a detail page ``/page/detail/<slug>`` whose ``table.tb-detail`` holds
  the metadata (Nomor Peraturan, Judul, Tahun Terbit, Jenis/Bentuk Peraturan, Bidang, OPD
  Pemrakarsa, Status Peraturan) and a download button to ``/file/<name>.pdf``. The JDIH's
  "abstrak" sheets are listed as documents of their own ("Abstrak Peraturan Daerah ...") and
  become the abstrak file of their regulation.
- ``jdih_cms:ildis``: BPHN's ILDIS (Yii2). A listing such as ``/dokumen/peraturan`` is paged by
  ``?page=N`` (``ul.pagination li.next``) and read in full each run; the detail page ``/dokumen/view?id=<id>`` shows
  label/value blocks (Tempat Terbit, Tanggal Penetapan, ...), JENIS DOKUMEN and STATUS boxes, a
  T.E.U. Badan table, and the files under ``/common/dokumen/<file>``.

Detail pages are requested conditionally (a ``304`` counts the document unchanged and fetches
nothing). Both map what they read onto the JDIHN record fields and share
``RegulationRecords.record_to_item``. Listed types that are not regulations (drafts, naskah
akademis, books, articles) are skipped before their detail page is fetched.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator
from urllib.parse import urljoin

import scrapy
from scrapy.http import TextResponse
from scrapy.selector import Selector

from crawler.events import CrawlProblem, ListingParsed, Unchanged
from crawler.spiders.base import SourceSpider, site_root
from crawler.spiders.records import Record, RegulationRecords, as_year

_API_KEY = re.compile(r"""\bapi_key\b['"]?\s*[:=]\s*['"]([^'"\s]{4,})['"]""")
_SLUG = re.compile(r"""\bslug\b['"]?\s*:\s*['"]([a-z0-9_-]+)['"]""")
_YEAR_IN_TITLE = re.compile(r"\bTahun\s+((?:19|20)\d{2})\b", re.IGNORECASE)


def _text(sel) -> str:
    """The whitespace-normalised text of a selector list."""
    return " ".join(" ".join(sel.xpath(".//text()").getall()).split())


def _has_class(*names: str) -> str:
    return " and ".join(f"contains(concat(' ', normalize-space(@class), ' '), ' {n} ')"
                        for n in names)


def year_in(title: str | None) -> int | None:
    m = _YEAR_IN_TITLE.search(title or "")
    return int(m.group(1)) if m else None


def _file_role(url: str, label: str) -> str:
    return "abstrak" if "abstrak" in (url.rsplit("/", 1)[-1] + " " + label).lower() else "utama"


# --------------------------------------------------------------------------- baghukum

def baghukum_cards(html: str, base: str) -> list[dict]:
    """The document cards of one AJAX listing fragment."""
    sel = Selector(text=html or "<div></div>")
    outer = sel.xpath(f"//div[{_has_class('overflow-hidden', 'br-0')}]"
                      f"[not({_has_class('border-0', 'box-shadow-0')})]")
    cards = []
    for card in outer:
        title = _text(card.xpath(".//h4[1]"))
        detail = card.xpath(f".//div[{_has_class('card-footer')}]//a[{_has_class('btn-info')}]"
                            "/@href").get()
        if not title or not detail:
            continue
        pdf = card.xpath(f".//div[{_has_class('card-footer')}]//a[{_has_class('btn-success')}]"
                         "/@href").get()
        jenis = _text(card.xpath(".//span[i[contains(@class, 'fa-file-text')]]"))
        cards.append({"judul": title, "jenis": jenis or None,
                      "detail": urljoin(base, detail.strip()),
                      "pdf": urljoin(base, pdf.strip()) if pdf else None,
                      "tahun": year_in(title)})
    return cards


def baghukum_detail(response: TextResponse) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """(label -> value of ``table.tb-detail``, [(file URL, link text)])."""
    rows: dict[str, str] = {}
    for tr in response.xpath(f"//table[{_has_class('tb-detail')}]//tr"):
        cells = tr.xpath("./td|./th")
        if len(cells) >= 3:
            label, value = _text(cells[0:1]), _text(cells[2:3])
        elif len(cells) == 2:
            label, value = _text(cells[0:1]), _text(cells[1:2]).lstrip(": ").strip()
        else:
            continue
        if label and label not in rows:
            rows[label] = value
    files: list[tuple[str, str]] = []
    links = response.xpath(f"//a[{_has_class('btn-success')}][contains(@href, '.pdf')]"
                           "|//a[contains(@href, '/file/')][contains(@href, '.pdf')]")
    for a in links:
        url = response.urljoin(a.attrib["href"].strip())
        if url not in [u for u, _ in files]:
            files.append((url, _text(a)))
    return rows, files


class BaghukumSpider(RegulationRecords, SourceSpider):
    """The JDIH CMS of Kabupaten Batang (``kind: jdih_cms:baghukum``); ``tags`` names the
    listings to read (default: the tag the page at ``url`` loads)."""

    name = "jdih_cms_baghukum"
    kind = "jdih_cms:baghukum"
    LISTING = "page/load_data_dokumen_tag/{page}"

    def __init__(self, source, **kwargs: Any):
        super().__init__(source, **kwargs)
        self.site = site_root(source.url)

    async def start(self):
        # the page carries the api_key the listing needs: never a 304 here
        yield self.listing_request(self.source.url, self.parse, conditional=False)

    def parse(self, response, **kwargs: Any) -> Iterator[Any]:
        """The page that embeds the listing's ``api_key`` (and its tag)."""
        text = response.text if isinstance(response, TextResponse) else ""
        key = _API_KEY.search(text)
        if not key:
            yield CrawlProblem(locator=response.url, reason="no_api_key",
                               detail="no api_key found in the page's scripts; the AJAX listing "
                                      "cannot be requested")
            return
        tags = self.source.tags or [m.group(1) for m in _SLUG.finditer(text)][:1] or [""]
        yield ListingParsed(url=response.url, records=0)
        for tag in tags:
            yield self.listing_page(tag, 1, key.group(1))

    def listing_page(self, tag: str, page: int, api_key: str) -> scrapy.FormRequest:
        url = urljoin(self.site, self.LISTING.format(page=page))
        return scrapy.FormRequest(
            url, formdata={"action": "fetch_data", "pencarian": "", "slug": tag,
                           "api_key": api_key},
            callback=self.parse_listing, errback=self.listing_failed,
            cb_kwargs={"tag": tag, "page": page, "api_key": api_key},
            headers={"X-Requested-With": "XMLHttpRequest", "Referer": self.source.url},
            meta={"download_timeout": self.source.timeout, **self.auth_meta(url)})

    def parse_listing(self, response, tag: str, page: int, api_key: str) -> Iterator[Any]:
        locator = f"{response.url}#{tag}"
        try:
            payload = json.loads(response.body.decode("utf-8-sig", "replace") or "{}")
        except json.JSONDecodeError as exc:
            yield CrawlProblem(locator=locator, reason="malformed_json",
                               detail=f"{exc.msg}; starts with {response.body[:120]!r}")
            return
        except RecursionError:  # hostile nesting: no listing nests that deep
            yield CrawlProblem(locator=locator, reason="malformed_json",
                               detail=f"nested too deeply; starts with {response.body[:120]!r}")
            return
        html = payload.get("dokumen") if isinstance(payload, dict) else None
        if not isinstance(html, str):
            yield CrawlProblem(locator=locator, reason="unexpected_shape",
                               detail="the listing JSON has no 'dokumen' string")
            return
        cards = baghukum_cards(html, self.site)
        fresh = 0
        for card in cards:
            if self.skips_type(card["jenis"] or card["judul"]):
                continue
            if self.too_old(year=card["tahun"]):
                continue
            fresh += 1
            yield self.listing_request(card["detail"], self.parse_detail, cb_kwargs={"card": card})
        more = bool(cards) and page < self.source.max_pages
        yield ListingParsed(url=locator, records=len(cards))
        # with ``since``, a page with nothing recent ends the listing (it is newest first)
        if more and (self.since is None or fresh):
            yield self.listing_page(tag, page + 1, api_key)

    def parse_detail(self, response, card: dict | None = None) -> Iterator[Any]:
        if response.status == 304:
            yield Unchanged(url=response.url)
            return
        rows, files = baghukum_detail(response)
        card = card or {}
        main = [u for u, label in files if _file_role(u, label) == "utama"]
        abstrak = [u for u, label in files if _file_role(u, label) == "abstrak"]
        rec = {
            "judul": rows.get("Judul") or card.get("judul"),
            "jenis": rows.get("Jenis/Bentuk Peraturan") or rows.get("Jenis Peraturan")
            or card.get("jenis"),
            "noPeraturan": rows.get("Nomor Peraturan") or rows.get("Nomor"),
            "tahun": rows.get("Tahun Terbit") or rows.get("Tahun"),
            "status": rows.get("Status Peraturan") or rows.get("Status"),
            "tanggal_penetapan": rows.get("Tanggal Penetapan"),
            "tanggal_pengundangan": rows.get("Tanggal Pengundangan"),
            "bidangHukum": rows.get("Bidang"),
            "urlDownload": (main or [card.get("pdf")])[0],
            "urlAbstrak": abstrak[0] if abstrak else None,
            "urlDetailPeraturan": response.url,
        }
        item = self.record_to_item(Record(rec), response.url)
        if item is None:
            return
        item["record"] = {**rows, "files": [u for u, _ in files],
                          "listing": {k: card.get(k) for k in ("judul", "jenis", "pdf")}}
        yield item


# --------------------------------------------------------------------------- ILDIS

def ildis_detail(response: TextResponse) -> dict[str, Any]:
    """The label/value blocks, boxes, T.E.U. table, subjects and file links of an ILDIS page."""
    out: dict[str, Any] = {}
    title = _text(response.xpath(f"//div[{_has_class('post-title')}]//*[self::h5 or self::h4 "
                                 f"or self::h3 or self::h2][1]")) or _text(response.xpath("//h5[1]"))
    out["Judul"] = title
    # "Tempat Terbit<br><span>Batang</span>"
    for block in response.xpath("//div[span][contains(@class, 'col-')]"):
        label = " ".join(" ".join(block.xpath("./text()").getall()).split())
        value = _text(block.xpath("./span[1]"))
        if label and label not in out and len(label) < 40:
            out[label] = value
    # the JENIS DOKUMEN and STATUS boxes: a label item followed by the value item
    for li in response.xpath("//ul[contains(@class, 'list-group')]/li[1]"):
        label = _text(li).title()
        value = _text(li.xpath("./following-sibling::li[1]"))
        if label and value:
            out[label] = value
    teu = response.xpath("//span[contains(translate(normalize-space(.), 'teubadn.', "
                         "'TEUBADN.'), 'T.E.U')]/following::table[1]//tbody/tr/td[1]")
    out["T.E.U. Badan"] = [_text(td) for td in teu if _text(td)]
    # "SUBJEK : </span> JAMINAN SOSIAL - KETENAGAKERJAAN - " (the markup around it is broken
    # in ILDIS's template, so read the text right after the label)
    subjek = response.xpath("//span[contains(., 'SUBJEK')]/following::text()"
                            "[normalize-space()][1]").get()
    if subjek:
        out["Subjek"] = [w.strip() for w in subjek.split(" - ") if w.strip(" -\n\t")]
    files = []
    for a in response.xpath("//a[contains(@href, '/common/dokumen/')]"):
        url = response.urljoin(a.attrib["href"].strip())
        if url not in [f["url"] for f in files]:
            files.append({"url": url, "label": _text(a)})
    out["files"] = files
    return out


class IldisSpider(RegulationRecords, SourceSpider):
    """A JDIH on BPHN's ILDIS (``kind: jdih_cms:ildis``); ``url`` is a listing page."""

    name = "jdih_cms_ildis"
    kind = "jdih_cms:ildis"

    def __init__(self, source, **kwargs: Any):
        super().__init__(source, **kwargs)
        self._pages = 0
        self._details: set[str] = set()

    # Listing pages are fetched in full (a few pages of links, and the only way to reach the
    # detail pages); the detail pages are asked for conditionally.
    async def start(self):
        yield self.listing_request(self.source.url, self.parse, conditional=False)

    def parse(self, response, **kwargs: Any) -> Iterator[Any]:
        self._pages += 1
        if not isinstance(response, TextResponse):
            yield CrawlProblem(locator=response.url, reason="not_html",
                               detail="the listing is not a text page")
            return
        links = 0
        for a in response.xpath("//a[contains(@href, 'dokumen/view')]"):
            url = response.urljoin(a.attrib["href"].strip())
            title = _text(a)
            if url in self._details or not title:
                continue
            self._details.add(url)
            links += 1
            item_text = _text(a.xpath("./ancestor::div[contains(@class, 'item')][1]")) or title
            if self.skips_type(title):
                continue
            if self.too_old(year=year_in(title) or year_in(item_text)):
                continue
            if not self.on_site(url):
                self.count("pantau/offsite_links")
                continue
            yield self.listing_request(url, self.parse_detail)
        nxt = response.xpath("//ul[contains(@class, 'pagination')]/li[contains(@class, 'next')]"
                             "[not(contains(@class, 'disabled'))]/a/@href").get()
        nxt = response.urljoin(nxt) if nxt else None
        if nxt == response.url or self._pages >= self.source.max_pages or not links:
            nxt = None
        yield ListingParsed(url=response.url, records=links, next_url=nxt)
        if nxt:
            yield self.listing_request(nxt, self.parse, conditional=False)

    def parse_detail(self, response, **kwargs: Any) -> Iterator[Any]:
        if response.status == 304:
            yield Unchanged(url=response.url)
            return
        d = ildis_detail(response)
        roles: dict[str, list[str]] = {"utama": [], "abstrak": [], "lampiran": []}
        for f in d["files"]:
            role = _file_role(f["url"], f["label"])
            roles["lampiran" if role == "utama" and roles["utama"] else role].append(f["url"])
        teu = d.get("T.E.U. Badan") or []
        rec = {
            "judul": d.get("Judul"), "jenis": d.get("Jenis Dokumen"),
            "noPeraturan": d.get("Nomor"), "tahun": as_year(d.get("Tahun")),
            "tempatTerbit": d.get("Tempat Terbit"), "teuBadan": teu[0] if teu else None,
            "tanggal_penetapan": d.get("Tanggal Penetapan"),
            "tanggal_pengundangan": d.get("Tanggal Pengundangan"),
            "status": d.get("Status"), "sumber": d.get("Sumber"),
            "bidangHukum": d.get("Bidang Hukum"),
            "urlDownload": roles["utama"][0] if roles["utama"] else None,
            "urlAbstrak": roles["abstrak"][0] if roles["abstrak"] else None,
            "urlLampiran": roles["lampiran"], "urlDetailPeraturan": response.url,
        }
        item = self.record_to_item(Record(rec), response.url)
        if item is None:
            return
        item["record"] = d
        yield item
