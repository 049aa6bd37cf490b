"""What software a JDIH site runs, and which region it says it is: fingerprints of one response.

Discovery uses them to tell a candidate address's CMS family and region; a crawl uses them to
notice that a source's site changed under it (a JDIHN feed that now answers HTML, an ILDIS site
relaunched on WordPress, a domain gone to a parking page), which raises an alert.

Families (``FAMILIES``), each from markers the real software writes:

- ``jdihn_feed``: a JSON list (bare, ``{"status": true, "data": [...]}``, a Laravel page) of
  JDIHN records (``idData``, ``judul``, ``noPeraturan``, ``urlDownload``, ``teuBadan`` …);
- ``ildis``: BPHN's ILDIS (Yii2): ``_csrf-frontend``, ``/dokumen/view?id=``, ``/common/dokumen/``;
- ``baghukum``: the CodeIgniter CMS of JDIH Batang: ``load_data_dokumen_tag`` with an ``api_key``,
  ``/page/detail/``;
- ``jdihcms``: the Laravel JDIH CMS (harris-sontanu/jdih-cms and forks):
  ``/produk-hukum/peraturan-perundang-undangan``, ``data-pdf-thumbnail-file``, ``adobe-dc-view``;
- ``acehdih``: the Aceh "dih" application: ``/dih/detail/<uuid>``;
- ``wordpress``, ``drupal``, ``laravel`` (other Laravel apps), ``codeigniter``: generic CMS markers;
- ``parked``: a parking or for-sale page; ``portal``: a national portal (jdihn.go.id …);
- ``unknown``: none of these.

Nothing here fetches anything: bytes and headers in, a :class:`Fingerprint` out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from crawler.links import _REGULATION_WORDS, pdf_links
from pantau import wilayah

FAMILIES = ("jdihn_feed", "ildis", "baghukum", "jdihcms", "acehdih", "wordpress", "drupal",
            "laravel", "codeigniter", "parked", "portal", "unknown")
# The families a site can be crawled as, and the spider kind each is crawled with; any other
# family with documents to find is crawled by the generic listing spider (lower confidence).
SPIDER_KIND = {"jdihn_feed": "jdihn_feed", "ildis": "jdih_cms:ildis",
               "baghukum": "jdih_cms:baghukum", "jdihcms": "jdih_cms:jdihcms"}
GENERIC_KIND = "jdih_cms:generic"
# Hosts of the national portals: a regional address that lands there is not the region's site.
# (A member site hosted under the portal, dprd-kendalkab.jdihn.go.id, is judged by its content.)
PORTAL_HOSTS = ("jdihn.go.id", "www.jdihn.go.id", "peraturan.go.id", "www.peraturan.go.id",
                "peraturan.bpk.go.id", "bphn.go.id", "www.bphn.go.id", "jdih.kemenkum.go.id",
                "jdih.kemenkumham.go.id", "jdih.setkab.go.id", "jdih.kemendagri.go.id")
_JDIHN_KEYS = {"iddata", "judul", "noperaturan", "urldownload", "teubadan", "jenis",
               "tahun_pengundangan", "singkatanjenis", "tempatterbit"}
_PARKED = re.compile(
    r"domain (?:name )?(?:is|may be) for sale|this domain (?:is|has) (?:parked|expired)|"
    r"buy this domain|parked (?:free|domain)|domain parking|sedoparking|bodis\.com|parkingcrew|"
    r"domain ini (?:dijual|telah kedaluwarsa|sudah kedaluwarsa)|hugedomains|dan\.com/buy",
    re.IGNORECASE)
_MARKERS: dict[str, tuple[re.Pattern, ...]] = {
    "ildis": (re.compile(r"_csrf-frontend"), re.compile(r"dokumen/view\?id=\d"),
              re.compile(r"/common/dokumen/"), re.compile(r"\bILDIS\b")),
    "baghukum": (re.compile(r"load_data_dokumen_tag"), re.compile(r"\bapi_key\b"),
                 re.compile(r"/page/detail/")),
    "jdihcms": (re.compile(r"/produk-hukum/peraturan-perundang-undangan"),
                re.compile(r"data-pdf-thumbnail-file"), re.compile(r"adobe-dc-view"),
                re.compile(r"/api/produk-hukum/peraturan")),
    "acehdih": (re.compile(r"/dih/detail/[0-9a-f-]{8,}"), re.compile(r"/dih/(?:produk|dokumen)")),
    "wordpress": (re.compile(r"/wp-content/"), re.compile(r"/wp-json/"),
                  re.compile(r'name="generator" content="WordPress', re.IGNORECASE)),
    "drupal": (re.compile(r"Drupal\.settings|drupal-settings-json"),
               re.compile(r"/sites/default/files/"),
               re.compile(r'name="generator" content="Drupal', re.IGNORECASE)),
    "laravel": (re.compile(r'<meta name="csrf-token"'), ),
    "codeigniter": (re.compile(r"/index\.php/\w+"), ),
}
# how many markers make a family certain (one is enough for the specific ones)
_NEEDED = {"ildis": 2, "baghukum": 2, "jdihcms": 1, "acehdih": 1, "wordpress": 1, "drupal": 1,
           "laravel": 1, "codeigniter": 1}
_ORDER = ("baghukum", "jdihcms", "ildis", "acehdih", "wordpress", "drupal", "laravel",
          "codeigniter")


@dataclass
class Fingerprint:
    """What one response says about its site."""

    family: str
    markers: list[str] = field(default_factory=list)
    records: int = 0                 # JDIHN records in a feed
    pdf_links: int = 0               # links that look like regulation files
    regulation_links: int = 0        # links to a regulation: its file, or a page titled as one
    listing_url: str | None = None   # the listing the site links (ILDIS, jdih-cms)
    record_regions: Counter = field(default_factory=Counter)  # feed records' issuing bodies

    def as_dict(self) -> dict:
        return {"family": self.family, "markers": self.markers[:8], "records": self.records,
                "pdf_links": self.pdf_links, "regulation_links": self.regulation_links,
                "listing_url": self.listing_url}


def is_portal(host: str | None) -> bool:
    host = (host or "").lower()
    return host in PORTAL_HOSTS


def _text(body: bytes) -> str:
    for enc in ("utf-8", "cp1252", "latin-1"):
        try:
            return body.decode(enc)
        except UnicodeDecodeError:
            continue
    return body.decode("utf-8", "replace")


def feed_fingerprint(body: bytes) -> Fingerprint | None:
    """A JDIHN feed's fingerprint, or None when the body is not one (an empty list is not
    evidence of a feed: any JSON API can answer ``[]``)."""
    from crawler.spiders.jdihn_feed import decode_feed, unwrap
    head = body.lstrip()[:1]
    if head not in (b"[", b"{") and not body.lstrip().startswith(b"\xef\xbb\xbf"):
        return None
    payload, error = decode_feed(body)
    if error:
        return None
    page, error = unwrap(payload)
    if error or not page or not page.records:
        return None
    records = [r for r in page.records if isinstance(r, dict)]
    keyed = [r for r in records if len({str(k).lower() for k in r} & _JDIHN_KEYS) >= 3]
    if not keyed or len(keyed) < len(records) / 2:
        return None
    regions: Counter = Counter()
    for r in keyed:
        low = {str(k).lower(): v for k, v in r.items()}
        for field_name in ("teubadan", "tempatterbit"):
            value = low.get(field_name)
            if isinstance(value, str) and value.strip() not in ("", "-"):
                code = wilayah.resolve(value, catalogue_field=True)
                if code:
                    regions[code] += 1
                    break
    return Fingerprint("jdihn_feed", ["jdihn records"], records=len(keyed),
                       record_regions=regions)


def fingerprint(url: str, body: bytes, content_type: str | None = None,
                headers: dict[str, str] | None = None) -> Fingerprint:
    """The family of the site that answered ``url`` with ``body``."""
    if is_portal(urlsplit(url).hostname):
        return Fingerprint("portal", [urlsplit(url).hostname or ""])
    feed = feed_fingerprint(body)
    if feed is not None:
        return feed
    text = _text(body[:400_000])
    if _PARKED.search(text[:20_000]):
        return Fingerprint("parked", [_PARKED.search(text).group(0)])
    cookies = " ".join(v for k, v in (headers or {}).items() if k.lower() == "set-cookie")
    found: dict[str, list[str]] = {}
    for fam, patterns in _MARKERS.items():
        hits = [p.pattern for p in patterns if p.search(text)]
        if hits:
            found[fam] = hits
    if re.search(r"laravel_session|XSRF-TOKEN", cookies):
        found.setdefault("laravel", []).append("laravel cookie")
    if "ci_session" in cookies:
        found.setdefault("codeigniter", []).append("ci_session cookie")
    family = next((f for f in _ORDER if len(found.get(f, ())) >= _NEEDED[f]), "unknown")
    fp = Fingerprint(family, found.get(family, []))
    files = pdf_links(url, text)
    fp.pdf_links = len(files)
    fp.regulation_links = len(regulation_links(url, text, files))
    fp.listing_url = _listing_link(url, text, family)
    return fp


def _listing_link(url: str, text: str, family: str) -> str | None:
    pattern = {"ildis": r'href="([^"]*?/dokumen/(?:peraturan|index)[^"]*)"',
               "jdihcms": r'href="([^"]*?/produk-hukum/peraturan-perundang-undangan)"'}.get(family)
    if not pattern:
        return None
    m = re.search(pattern, text)
    return urljoin(url, m.group(1)) if m else None


# a regulation's title as listings write it: "Peraturan Bupati Batang Nomor 30 Tahun 2024",
# "Qanun Kabupaten Aceh Besar Nomor 3 Tahun 2023", "Perwal No. 5 Th 2022"
_TITLE = re.compile(r"\b(?:peraturan|perda|perbup|perwal|pergub|perwali|keputusan|kepbup|kepwal|"
                    r"kepgub|instruksi|surat edaran|qanun)\b.{0,120}?\b(?:nomor|no\.?)\s*"
                    r"[\w./-]+.{0,60}?\b(?:tahun|th\.?)\s*(?:19|20)\d{2}\b",
                    re.IGNORECASE | re.DOTALL)
_LISTING_WORDS = re.compile(r"produk[\s_-]*hukum|peraturan|dokumen|regulasi|qanun|perda\b|"
                            r"/dih/produk", re.IGNORECASE)


def regulation_links(url: str, html: str, files: list[tuple[str, str]] | None = None
                     ) -> list[str]:
    """Links on a page that lead to a regulation: a file link whose row or text names a
    regulation (``pdf_links``), or any link whose text reads as a regulation's title (a detail
    page). A brochure PDF or a news item is no evidence that a site publishes regulations."""
    out = [u for u, ctx in (files if files is not None else pdf_links(url, html))
           if _REGULATION_WORDS.search(ctx) or _REGULATION_WORDS.search(urlsplit(u).path)]
    try:
        sel = Selector(text=html or "<html></html>", type="html")
    except Exception:  # noqa: BLE001
        return out
    for a in sel.xpath("//a[@href]"):
        label = " ".join(" ".join(a.xpath(".//text()").getall()).split())
        if _TITLE.search(label):
            out.append(urljoin(url, a.attrib["href"].strip()))
    return list(dict.fromkeys(out))


def listing_candidates(url: str, html: str, limit: int = 3) -> list[str]:
    """Same-site links a home page gives to its listing of regulations ("Produk Hukum",
    ``/dokumen``, ``/dih/produk``), most likely first."""
    try:
        sel = Selector(text=html or "<html></html>", type="html")
    except Exception:  # noqa: BLE001
        return []
    host = urlsplit(url).hostname
    out: list[str] = []
    for a in sel.xpath("//a[@href]"):
        href = (a.attrib.get("href") or "").strip()
        absolute = urljoin(url, href)
        if urlsplit(absolute).hostname != host or absolute.rstrip("/") == url.rstrip("/"):
            continue
        label = " ".join(" ".join(a.xpath(".//text()").getall()).split())
        if _TITLE.search(label) or urlsplit(absolute).path.lower().endswith(".pdf"):
            continue  # a regulation itself, not the listing
        if _LISTING_WORDS.search(label) or _LISTING_WORDS.search(urlsplit(absolute).path):
            out.append(absolute.split("#", 1)[0])
    return list(dict.fromkeys(out))[:limit]


# --------------------------------------------------------------------------- which region

_NAMING = re.compile(
    r"\b(?P<kind>provinsi|prov\.|pemprov|kabupaten|kab\.|pemkab|kota|pemkot|bupati|wali ?kota|"
    r"gubernur)\s+(?P<rest>[^\n|,;:()<>\"]{2,80})", re.IGNORECASE)
_KIND_OF = {"provinsi": "provinsi", "prov.": "provinsi", "pemprov": "provinsi",
            "gubernur": "provinsi", "kabupaten": "kabupaten", "kab.": "kabupaten",
            "pemkab": "kabupaten", "bupati": "kabupaten", "kota": "kota", "pemkot": "kota",
            "walikota": "kota", "wali kota": "kota"}


def regions_named(text: str) -> Counter:
    """Kemendagri codes of the regions a text names (``Kabupaten Batang``, ``JDIH KOTA
    SEMARANG``, ``Pemprov Jawa Tengah``), each as often as it is named. The longest reading
    that is one region wins (``Kabupaten Bandung Barat`` before ``Kabupaten Bandung``); a name
    two regions share is not counted."""
    out: Counter = Counter()
    for m in _NAMING.finditer(text or ""):
        kind = _KIND_OF[re.sub(r"\s+", " ", m.group("kind").lower())]
        words = re.findall(r"[A-Za-z][A-Za-z'.-]*", m.group("rest"))[:5]
        for n in range(len(words), 0, -1):
            name = " ".join(words[:n]).strip(".")
            hit = wilayah.match(name, kind)
            if hit.status == "ok":
                out[hit.current] += 1
                break
            if hit.status == "ambiguous":
                break
    return out


def site_identity(html: str) -> str:
    """The parts of a page that say whose site it is: title, site name, brand, top headings."""
    try:
        sel = Selector(text=html or "<html></html>", type="html")
    except Exception:  # noqa: BLE001
        return ""
    parts = (sel.xpath("//title//text()").getall()
             + sel.xpath("//meta[@property='og:site_name' or @name='application-name' or "
                         "@name='description']/@content").getall()
             + sel.xpath("//*[contains(@class, 'navbar-brand') or contains(@class, 'site-title') "
                         "or contains(@class, 'logo')]//text()").getall()
             + sel.xpath("//img[contains(@class, 'logo') or contains(@src, 'logo')]/@alt").getall()
             + sel.xpath("//h1//text()").getall()[:2])
    return " | ".join(" ".join(p.split()) for p in parts if p and p.strip())


def host_region(host: str) -> str | None:
    """The region a JDIH host name is named after (``jdih.batangkab.go.id`` → 33.25), when its
    labels read as exactly one region: a hint, never proof of whose site it is."""
    labels = [x for x in (host or "").lower().split(".") if x]
    if len(labels) < 3 or labels[-2:] != ["go", "id"]:
        return None
    label = labels[-3]
    for suffix, kind in (("kab", "kabupaten"), ("kota", "kota"), ("prov", "provinsi")):
        if label.endswith(suffix) and len(label) > len(suffix) + 2:
            hit = wilayah.match(label[: -len(suffix)], kind, short_forms=True)
            return hit.current if hit.status == "ok" else None
    return None
