"""The spider for peraturan.bpk.go.id, the BPK database of central and regional regulations.
It holds almost every region's Perda/Perbup/Perwal/Pergub, so it is the one source that can cover
the whole country (``regions: all``), and the fallback for a region whose own JDIH is down.

- Search: ``/Search?keywords=<q>&jenis=<code>&p=<page>`` (one search per keyword and BPK jenis
  code; without ``keywords`` the wanted regions' names are the keywords). Each result is a
  ``div.card`` with a link ``a[href*='/Details/']``, a ``div.fw-semibold`` heading such as
  "Peraturan Daerah (Perda) Kabupaten Bandung Nomor 55 Tahun 2025", the *tentang* in
  ``div.text-gray-700`` and status badges (``span.badge``). Only the first ten pagination links
  are shown, so ``p`` is raised until a page comes back without results.
- Detail: ``/Details/<id>/<slug>``, slug ``<singkatan>-<kab|kota|prov>-<daerah>-no-<n>-tahun-<y>``,
  with label/value metadata (Judul, Nomor, Tahun, T.E.U. Badan, Bentuk, Singkatan Bentuk, Tempat
  Penetapan, Tanggal Penetapan, Tanggal Pengundangan, Tanggal Berlaku, Subjek, Status, ...) and
  an "ABSTRAK PERATURAN" section. Some regulations have no file yet ("Dokumen belum tersedia").
- File: ``/Download/<id>/<name>.pdf``, served as ``application/octet-stream`` (the pipeline
  checks the magic bytes, not the content type).

**Regions.** A card's region is read from its heading (or its slug) by ``pantau.wilayah.match``;
the detail page's T.E.U. Badan has the last word. A card of another region than the configured
ones, or of an unwanted jenis, is dropped before its detail page is fetched. A card whose region
cannot be told (a name two regions share, an unknown name) is fetched when every region is
wanted, and its detail page decides; if that cannot tell either, the document is kept without a
region (under its file's provisional key) and a ``region_ambiguous``/``region_unknown`` problem is
recorded with the candidates: never a guess.

**Resuming and re-crawling.** A national crawl reads thousands of result pages. Each page read
is kept as a ``ListingCheckpoint`` with its cards, until every search has been read to its end
(``cycle_complete``); a crawl that was killed, or stopped by a long ``Retry-After``, replays the
stored pages without fetching them and goes on from the first page it had not read. Each card
carries a fingerprint of what it shows (heading, tentang, badges, links); a detail page whose
document was stored completely from a card that looks the same is not fetched again (an
``Unchanged`` note refreshes its sightings), so an unchanged re-crawl reads only the search pages.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Iterator
from urllib.parse import urlencode, urljoin

from scrapy.http import TextResponse

from pantau import legal, wilayah

from crawler.events import CrawlProblem, ListingCheckpoint, ListingParsed, Unchanged
from crawler.spiders.base import SourceSpider
from crawler.spiders.records import Record, RegulationRecords, as_text, normalise_jenis

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
    r"(?P<region>(?:Kabupaten|Kab\.?|Kota|Provinsi|Prov\.?)\s+[^()]+?)\s+"
    r"Nomor\s+(?P<nomor>\S+)\s+Tahun\s+(?P<tahun>\d{4})", re.IGNORECASE)
# the same without a kind word before the region: "Peraturan Daerah Pekalongan Nomor 3 Tahun 2019"
_HEADING_BARE = re.compile(
    r"^(?P<jenis>Peraturan\s+(?:Daerah|Bupati|Wali\s*kota|Gubernur)|Qanun|"
    r"Keputusan\s+\w+(?:\s+Kota)?)"
    r"\s*(?:\((?P<singkatan>[^)]{1,20})\))?\s+(?P<region>[^()]+?)\s+"
    r"Nomor\s+(?P<nomor>\S+)\s+Tahun\s+(?P<tahun>\d{4})", re.IGNORECASE)
_ABBREV = re.compile(r"\s*\((?:Perda|Perbup|Perwal|Perwali|Pergub|Perkada|Kepbup|Kepwal|"
                     r"Kepgub)\)", re.IGNORECASE)
_DETAIL_ID = re.compile(r"/Details/(\d+)")
# perbup-kab-sorong-selatan-no-5-tahun-2021
_SLUG = re.compile(r"^[a-z]+-(?P<region>(?:kab|kabupaten|kota|prov|provinsi)-[a-z0-9-]+?)"
                   r"-no-[a-z0-9.-]+-tahun-(?P<tahun>\d{4})")


def _text(sel) -> str:
    return " ".join(" ".join(sel.xpath(".//text()").getall()).split())


def parse_heading(text: str) -> dict | None:
    """The parts of a search card heading, or None if it is not of the usual shape."""
    text = " ".join((text or "").split())
    m = _HEADING.match(text) or _HEADING_BARE.match(text)
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


def _jenis_kind(heading: dict | None) -> str | None:
    """The kind of region a heading's jenis belongs to (Peraturan Bupati: kabupaten)."""
    if not heading:
        return None
    hit = normalise_jenis(heading["jenis"], heading["singkatan"])
    level = legal.JENIS_LEVEL.get(hit[1]) if hit else None
    return level if level in wilayah.KINDS else None


def region_of(text: str | None, kind: str | None = None) -> wilayah.Match:
    """The region a BPK field names (a heading's region, T.E.U. Badan). The kind the jenis
    implies only settles a name two kinds share ("Peraturan Bupati ... Pekalongan"); it never
    overrides the kind the name states."""
    m = wilayah.match(text, catalogue_field=True)
    if m.status == "ambiguous" and kind:
        narrowed = wilayah.match(text, kind)
        if narrowed.status == "ok" and narrowed.current in m.candidates:
            return narrowed
    return m


def slug_region(detail_url: str) -> wilayah.Match:
    """The region of a detail URL's slug (``.../perbup-kab-batang-no-30-tahun-2024``)."""
    slug = detail_url.rstrip("/").rsplit("/", 1)[-1].lower()
    m = _SLUG.match(slug)
    if not m:
        return wilayah.Match(slug, "unknown")
    return wilayah.match_slug(m.group("region"))


def fingerprint(card: dict) -> str:
    """What a card shows, in 16 hex digits: a detail page whose card looks the same as when its
    document was stored need not be fetched again."""
    shown = {k: card.get(k) for k in ("url", "heading", "title", "tentang", "badges", "download")}
    return hashlib.sha1(json.dumps(shown, sort_keys=True, ensure_ascii=False).encode()) \
        .hexdigest()[:16]


class BpkSpider(RegulationRecords, SourceSpider):
    """peraturan.bpk.go.id (``kind: bpk``), kept to the configured regions and jenis."""

    name = "bpk"
    kind = "bpk"

    def __init__(self, source, **kwargs: Any):
        super().__init__(source, **kwargs)
        self.regions = set(source.wanted_regions)  # today's codes
        codes: list[str] = []
        for j in source.jenis:
            code = j.strip() if j.strip().isdigit() else BPK_JENIS.get(
                (normalise_jenis(j) or ("", j.strip().lower()))[1])
            if code and code not in codes:
                codes.append(code)
        self.search_codes = codes or [""]
        self._details: set[str] = set()  # detail pages handled in this run (duplicates across searches)
        self._open: set[str] = set()     # searches not yet read to their end

    # ------------------------------------------------------------------ searches

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

    @staticmethod
    def listing_key(kw: str, code: str) -> str:
        return f"{kw}|{code}"

    @property
    def cycle_complete(self) -> bool:
        """Every search was read to its end in this run or the runs it resumed."""
        return not self._open

    async def start(self):
        searches = [(kw, code) for kw in self.keywords() for code in self.search_codes]
        self._open = {self.listing_key(kw, code) for kw, code in searches}
        for kw, code in searches:
            for out in self.resume(kw, code):
                yield out

    def resume(self, kw: str, code: str) -> Iterator[Any]:
        """Replay the pages of this search a crawl that did not finish had read (its cards, not
        the pages), then ask for the first page it had not."""
        key = self.listing_key(kw, code)
        pages = self.known.checkpoints.get(key, {})
        page = 1
        while page in pages:
            self.count("pantau/listing_pages_resumed")
            stored = pages[page]
            for card in stored.get("entries") or []:
                yield from self.card_action(card)
            if stored.get("last"):
                self._open.discard(key)
                return
            page += 1
        yield self.search_request(kw, code, page)

    def search_request(self, kw: str, code: str, page: int):
        return self.listing_request(self.search_url(kw, code, page), self.parse,
                                    conditional=False,
                                    cb_kwargs={"kw": kw, "code": code, "page": page})

    def read_card(self, card_sel, response) -> dict:
        href = card_sel.css("a[href*='/Details/']::attr(href)").get().strip()
        url = response.urljoin(href)
        m = _DETAIL_ID.search(url)
        card = {"url": url, "id": m.group(1) if m else url,
                "heading": _text(card_sel.css("div.fw-semibold")[:1]),
                "title": _text(card_sel.css("a[href*='/Details/']")[:1]),
                "tentang": _text(card_sel.css("div.text-gray-700")[:1]) or None,
                "badges": [_text(b) for b in card_sel.css("span.badge")],
                "download": [response.urljoin(h.strip()) for h in
                             card_sel.css("a[href*='/Download/']::attr(href)").getall()]}
        card["fingerprint"] = fingerprint(card)
        return card

    def parse(self, response, kw: str = "", code: str = "", page: int = 1,
              **kwargs: Any) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            yield CrawlProblem(locator=response.url, reason="not_html",
                               detail="the search page is not a text page")
            return
        cards = [self.read_card(c, response) for c in response.css("div.card")
                 if c.css("a[href*='/Details/']")]
        more = bool(cards) and page < self.source.max_pages
        key = self.listing_key(kw, code)
        yield ListingCheckpoint(listing=key, page=page, url=response.url, entries=cards,
                                last=not more)
        for card in cards:
            yield from self.card_action(card)
        nxt = self.search_url(kw, code, page + 1) if more else None
        yield ListingParsed(url=response.url, records=len(cards), next_url=nxt)
        if nxt:
            yield self.search_request(kw, code, page + 1)
        else:
            self._open.discard(key)

    # ------------------------------------------------------------------ cards

    def card_region(self, heading: dict | None, detail_url: str) -> wilayah.Match:
        """The card's region: its heading's, else its slug's."""
        m = region_of(heading["region"], _jenis_kind(heading)) if heading else None
        if m is not None and m.status == "ok":
            return m
        by_slug = slug_region(detail_url)
        if by_slug.status == "ok":
            return by_slug
        return m or by_slug

    def card_action(self, card: dict) -> Iterator[Any]:
        """What to do about one card: nothing (a duplicate, another region, another jenis), note
        it unchanged, or fetch its detail page."""
        url = card["url"]
        if card["id"] in self._details:
            self.count("pantau/duplicate_cards")
            return
        self._details.add(card["id"])
        heading = parse_heading(card.get("heading") or "")
        region = self.card_region(heading, url)
        if region.status == "ok" and region.current not in self.regions:
            self.count("pantau/skipped_region")
            return
        if region.status != "ok" and not self.source.all_regions and \
                not set(region.candidates) & self.regions:
            self.count("pantau/skipped_region")
            return
        hit = normalise_jenis(heading["jenis"], heading["singkatan"]) if heading else None
        if heading and not self.wanted(*(hit or (None, None))):
            # (a heading that cannot be read leaves the jenis to the detail page's Bentuk)
            self.count("pantau/skipped_jenis")
            return
        if self.too_old(year=int(heading["tahun"]) if heading else None):
            return
        if not self.on_site(url):
            self.count("pantau/offsite_links")
            return
        known = self.known.entries.get(url)
        if known and known["fingerprint"] == card.get("fingerprint"):
            if known["complete"]:
                # stored completely from a card that looked the same: nothing to fetch
                self.count("pantau/cards_unchanged")
                yield Unchanged(url=url)
                return
            # the page was read but a file is missing: fetch the file, not the page again
            record = known.get("record") or {}
            fields = {k: v for k, v in record.items() if k in LABELS or k == "Abstrak"}
            self.count("pantau/files_retried")
            yield from self.item_from_fields(fields, list(record.get("files") or []),
                                             record.get("card") or card, url)
            return
        # detail pages before further search pages: documents flow while the searches go on
        yield self.listing_request(url, self.parse_detail, cb_kwargs={"card": card}) \
            .replace(priority=10)

    # ------------------------------------------------------------------ detail pages

    def parse_detail(self, response, card: dict | None = None, **kwargs: Any) -> Iterator[Any]:
        if response.status == 304:
            yield Unchanged(url=response.url)
            return
        card = card or {}
        downloads = [response.urljoin(h.strip()) for h in
                     response.css("a[href*='/Download/']::attr(href)").getall()]
        yield from self.item_from_fields(detail_fields(response), downloads, card, response.url)

    def item_from_fields(self, f: dict, downloads: list[str], card: dict,
                         url: str) -> Iterator[Any]:
        """The item of a detail page: its label/value fields, its file links and its card."""
        downloads = list(dict.fromkeys(downloads + card.get("download", [])))
        main = [u for u in downloads if "abstrak" not in u.lower()]
        abstrak = [u for u in downloads if "abstrak" in u.lower()]
        judul = _ABBREV.sub("", f.get("Judul") or "") or card.get("heading")
        teu = f.get("T.E.U. Badan") or f.get("T.E.U. Badan/Pengarang") or f.get("Pengarang")
        heading = parse_heading(card.get("heading") or "")
        rec = {
            "judul": judul, "jenis": f.get("Bentuk") or f.get("Tipe Dokumen"),
            "singkatanJenis": f.get("Singkatan Bentuk") or f.get("Bentuk Singkat"),
            "noPeraturan": f.get("Nomor"), "tahun": f.get("Tahun"),
            "teuBadan": teu or (heading or {}).get("region"),
            "tempatTerbit": f.get("Tempat Penetapan"),
            "tanggal_penetapan": f.get("Tanggal Penetapan"),
            "tanggal_pengundangan": f.get("Tanggal Pengundangan"),
            "status": f.get("Status") or (card.get("badges") or [None])[0],
            "subjek": f.get("Subjek"), "sumber": f.get("Sumber"),
            "urlDownload": main[0] if main else None,
            "urlAbstrak": abstrak[0] if abstrak else None,
            "urlLampiran": main[1:], "urlDetailPeraturan": url,
        }
        item = self.record_to_item(Record(rec), url)
        if item is None:
            return
        region = self.detail_region(item, teu, judul, card, heading, url)
        if region.status == "ok":
            item["region_code"] = region.current
        else:
            item["region_code"] = None
            if not self.source.all_regions:
                self.count("pantau/skipped_region")
                return
            # kept without a region (the file's provisional key); the reason is recorded
            reason = "region_ambiguous" if region.status == "ambiguous" else "region_unknown"
            yield CrawlProblem(locator=url, reason=reason,
                               detail=f"the issuing region cannot be told: {region.describe()}")
        if item["region_code"] and item["region_code"] not in self.regions:
            # the detail page names another region than the card did: trust the page, and
            # keep to the configured regions
            self.count("pantau/skipped_region")
            return
        if not item["tentang"] and card.get("tentang"):
            item["tentang"] = card["tentang"]
        item["record"] = {**f, "card": card, "files": downloads,
                          "listing_fingerprint": card.get("fingerprint")}
        item["status"] = as_text(rec["status"])
        if not downloads:
            self.count("pantau/detail_without_file")
        yield item

    def detail_region(self, item: dict, teu: str | None, judul: str | None, card: dict,
                      heading: dict | None, url: str) -> wilayah.Match:
        """The issuing region of a detail page: its T.E.U. Badan, else the title, the card
        heading or the slug. A national instrument has none."""
        kind = legal.JENIS_LEVEL.get(item.get("jenis_code") or "")
        kind = kind if kind in wilayah.KINDS else None
        tried: list[wilayah.Match] = []
        for text in (teu, (parse_heading(judul or "") or {}).get("region"),
                     (heading or {}).get("region")):
            if text:
                m = region_of(text, kind)
                if m.status == "ok":
                    return m
                tried.append(m)
        m = slug_region(url)
        if m.status == "ok":
            return m
        ambiguous = [t for t in tried if t.status == "ambiguous"]
        return ambiguous[0] if ambiguous else (tried[0] if tried else m)
