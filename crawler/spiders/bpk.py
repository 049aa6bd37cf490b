"""The spider for peraturan.bpk.go.id, the BPK database of central and regional regulations.
It holds almost every region's Perda/Perbup/Perwal/Pergub, so a source of this
kind is always kept to the ``regions`` it is configured for.

- Search: ``/Search?keywords=<q>&jenis=<code>&p=<page>`` (one search per keyword and BPK jenis
  code; without ``keywords`` the wanted regions' names are the keywords). Each result is a ``div.card`` with a link ``a[href*='/Details/']``, a
  ``div.fw-semibold`` heading such as "Peraturan Daerah (Perda) Kabupaten Bandung Nomor 55 Tahun
  2025", the *tentang* in ``div.text-gray-700`` and status badges (``span.badge``). Only the
  first pagination links are shown, so ``p`` is raised until a page comes back without results.
- Detail: ``/Details/<id>/<slug>``, slug ``<singkatan>-<kab|kota|prov>-<daerah>-no-<n>-tahun-<y>``,
  with label/value metadata (Judul, Nomor, Tahun, T.E.U. Badan, Bentuk, Singkatan Bentuk, Tempat
  Penetapan, Tanggal Penetapan, Tanggal Pengundangan, Tanggal Berlaku, Subjek, Status, ...) and
  an "ABSTRAK PERATURAN" section.
- File: ``/Download/<id>/<name>.pdf``, served as ``application/octet-stream`` (the pipeline
  checks the magic bytes, not the content type).

Cards of other regions or unwanted jenis are dropped before their detail page is fetched.
"""

from __future__ import annotations

import re
from typing import Any, Iterator
from urllib.parse import urlencode, urljoin

from scrapy.http import TextResponse

from pantau import wilayah

from crawler.events import CrawlProblem, ListingParsed, Unchanged
from crawler.spiders.base import SourceSpider
from crawler.spiders.records import (Record, RegulationRecords, as_text, normalise_jenis,
                                     region_slug)

# BPK's ``jenis`` search codes as an open-source scraper of the site uses them
# (Masozee/bpk_scrapper, src/config/bpk_config.py); not checked against the live site.
BPK_JENIS = {"perda": "19", "pergub": "20", "perbup": "23", "perwal": "23"}
LABELS = ("Judul", "T.E.U. Badan", "T.E.U. Badan/Pengarang", "Pengarang", "Nomor", "Tahun",
          "Tipe Dokumen", "Bentuk", "Singkatan Bentuk", "Bentuk Singkat", "Tempat Penetapan",
          "Tanggal Penetapan", "Tanggal Pengundangan", "Tanggal Berlaku", "Sumber", "Subjek",
          "Status", "Bahasa", "Lokasi", "Bidang", "Bidang Hukum")
# "Peraturan Daerah (Perda) Kabupaten Bandung Nomor 55 Tahun 2025"
_HEADING = re.compile(
    r"^(?P<jenis>.+?)\s*(?:\((?P<singkatan>[^)]{1,20})\))?\s+"
    r"(?P<region>(?:Kabupaten|Kab\.|Kota|Provinsi|Prov\.)\s+[^()]+?)\s+"
    r"Nomor\s+(?P<nomor>\S+)\s+Tahun\s+(?P<tahun>\d{4})", re.IGNORECASE)
_ABBREV = re.compile(r"\s*\((?:Perda|Perbup|Perwal|Perwali|Pergub|Perkada|Kepbup|Kepwal|"
                     r"Kepgub)\)", re.IGNORECASE)
_DETAIL_ID = re.compile(r"/Details/(\d+)")


def _text(sel) -> str:
    return " ".join(" ".join(sel.xpath(".//text()").getall()).split())


def parse_heading(text: str) -> dict | None:
    """The parts of a search card heading, or None if it is not of the usual shape."""
    m = _HEADING.match(" ".join((text or "").split()))
    if not m:
        return None
    return {k: m.group(k) for k in ("jenis", "singkatan", "region", "nomor", "tahun")}


def detail_fields(response: TextResponse) -> dict[str, str]:
    """Label -> value for the known metadata labels: the value is the element after the label
    (``<dt>/<dd>``, ``<td>/<td>``, or two ``<div>`` columns)."""
    out: dict[str, str] = {}
    for label in LABELS:
        node = response.xpath(f"//*[normalize-space(text())='{label}' or "
                              f"normalize-space(text())='{label}:']")
        if not node:
            continue
        value = _text(node[0].xpath("./following-sibling::*[1]"))
        if value.startswith(":"):
            value = value[1:].strip()
        if value:
            out[label] = value
    abstrak = response.xpath("//*[contains(translate(normalize-space(text()), "
                             "'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), "
                             "'ABSTRAK PERATURAN')]/following-sibling::*")
    if abstrak:
        out["Abstrak"] = "\n".join(t for t in (_text(x) for x in abstrak) if t)
    return out


class BpkSpider(RegulationRecords, SourceSpider):
    """peraturan.bpk.go.id (``kind: bpk``), kept to the configured regions and jenis."""

    name = "bpk"
    kind = "bpk"

    def __init__(self, source, **kwargs: Any):
        super().__init__(source, **kwargs)
        self.init_jenis_filter()
        self.regions = set(source.wanted_regions)
        self.slugs = {region_slug(c): c for c in self.regions}
        codes: list[str] = []
        for j in source.jenis:
            code = j.strip() if j.strip().isdigit() else BPK_JENIS.get(
                (normalise_jenis(j) or ("", j.strip().lower()))[1])
            if code and code not in codes:
                codes.append(code)
        self.search_codes = codes or [""]
        self._details: set[str] = set()

    def search_url(self, keywords: str, jenis: str, page: int) -> str:
        query = {"keywords": keywords}
        if jenis:
            query["jenis"] = jenis
        query["p"] = str(page)
        return urljoin(self.source.url, "/Search") + "?" + urlencode(query)

    def keywords(self) -> list[str]:
        """The configured ``keywords``; without them, the names of the wanted regions (BPK
        matches them in titles), so a search never walks the whole database."""
        if self.source.keywords:
            return list(self.source.keywords)
        names = []
        for code in sorted(self.regions):
            w = wilayah.by_code().get(code)
            if w is not None:
                names.append(w.nama.removeprefix("Provinsi "))
        return names or [""]

    async def start(self):
        for kw in self.keywords():
            for code in self.search_codes:
                yield self.search_request(kw, code, 1)

    def search_request(self, kw: str, code: str, page: int):
        return self.listing_request(self.search_url(kw, code, page), self.parse,
                                    conditional=False,
                                    cb_kwargs={"kw": kw, "code": code, "page": page})

    def card_region(self, heading: dict | None, detail_url: str) -> str | None:
        if heading:
            code = wilayah.resolve(heading["region"], catalogue_field=True)
            if code:
                return code
        slug = detail_url.rstrip("/").rsplit("/", 1)[-1].lower()
        for s, code in self.slugs.items():
            if s and f"-{s}-" in f"-{slug}-":
                return code
        return None

    def parse(self, response, kw: str = "", code: str = "", page: int = 1,
              **kwargs: Any) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            yield CrawlProblem(locator=response.url, reason="not_html",
                               detail="the search page is not a text page")
            return
        cards = [c for c in response.css("div.card") if c.css("a[href*='/Details/']")]
        for card in cards:
            href = card.css("a[href*='/Details/']::attr(href)").get().strip()
            url = response.urljoin(href)
            m = _DETAIL_ID.search(url)
            key = m.group(1) if m else url
            if key in self._details:
                continue
            self._details.add(key)
            heading_text = _text(card.css("div.fw-semibold")[:1])
            heading = parse_heading(heading_text)
            region = self.card_region(heading, url)
            if region not in self.regions:
                self.count("pantau/skipped_region")
                continue
            hit = normalise_jenis(heading["jenis"] if heading else None,
                                  heading["singkatan"] if heading else None)
            if not self.wanted(*(hit or (None, None))):
                self.count("pantau/skipped_jenis")
                continue
            tahun = int(heading["tahun"]) if heading else None
            if self.too_old(year=tahun):
                continue
            if not self.on_site(url):
                self.count("pantau/offsite_links")
                continue
            info = {"heading": heading_text, "region_code": region,
                    "tentang": _text(card.css("div.text-gray-700")[:1]) or None,
                    "badges": [_text(b) for b in card.css("span.badge")],
                    "download": [response.urljoin(h.strip()) for h in
                                 card.css("a[href*='/Download/']::attr(href)").getall()]}
            yield self.listing_request(url, self.parse_detail, cb_kwargs={"card": info})
        more = bool(cards) and page < self.source.max_pages
        nxt = self.search_url(kw, code, page + 1) if more else None
        yield ListingParsed(url=response.url, records=len(cards), next_url=nxt)
        if nxt:
            yield self.search_request(kw, code, page + 1)

    def parse_detail(self, response, card: dict | None = None, **kwargs: Any) -> Iterator[Any]:
        if response.status == 304:
            yield Unchanged(url=response.url)
            return
        card = card or {}
        f = detail_fields(response)
        downloads = [response.urljoin(h.strip()) for h in
                     response.css("a[href*='/Download/']::attr(href)").getall()]
        downloads = list(dict.fromkeys(downloads + card.get("download", [])))
        main = [u for u in downloads if "abstrak" not in u.lower()]
        abstrak = [u for u in downloads if "abstrak" in u.lower()]
        judul = _ABBREV.sub("", f.get("Judul") or "") or card.get("heading")
        teu = f.get("T.E.U. Badan") or f.get("T.E.U. Badan/Pengarang") or f.get("Pengarang")
        rec = {
            "judul": judul, "jenis": f.get("Bentuk") or f.get("Tipe Dokumen"),
            "singkatanJenis": f.get("Singkatan Bentuk") or f.get("Bentuk Singkat"),
            "noPeraturan": f.get("Nomor"), "tahun": f.get("Tahun"),
            "teuBadan": teu or (card.get("heading") and parse_heading(card["heading"]) or {})
            .get("region"),
            "tempatTerbit": f.get("Tempat Penetapan"),
            "tanggal_penetapan": f.get("Tanggal Penetapan"),
            "tanggal_pengundangan": f.get("Tanggal Pengundangan"),
            "status": f.get("Status") or (card.get("badges") or [None])[0],
            "subjek": f.get("Subjek"), "sumber": f.get("Sumber"),
            "urlDownload": main[0] if main else None,
            "urlAbstrak": abstrak[0] if abstrak else None,
            "urlLampiran": main[1:], "urlDetailPeraturan": response.url,
        }
        item = self.record_to_item(Record(rec), response.url)
        if item is None:
            self.count("pantau/skipped_jenis")
            return
        if item["region_code"] not in self.regions:
            # the detail page names another region than the card did: trust the page, and
            # keep to the configured regions
            self.count("pantau/skipped_region")
            return
        if not item["tentang"] and card.get("tentang"):
            item["tentang"] = card["tentang"]
        item["record"] = {**f, "card": card, "files": downloads}
        item["status"] = as_text(rec["status"])
        yield item
