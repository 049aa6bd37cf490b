"""Which links on a page look like regulation files: shared by the site fingerprints
(``crawler.fingerprint``, how many a page has) and the generic spider (``crawler.spiders.generic``,
which takes them). A module of its own so that neither imports the other's package."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from parsel import Selector

_PDF_HREF = re.compile(r"\.pdf(?:$|[?#])|/(?:download|unduh|file|files|storage|uploads|dokumen)/"
                       r"|download\.php", re.IGNORECASE)
# what a row or link says when the file is a regulation ("unduh"/"download" say nothing: every
# brochure is downloadable)
_REGULATION_WORDS = re.compile(r"\b(?:peraturan|perda|perbup|perwal|pergub|keputusan|kepbup|"
                               r"instruksi|surat edaran|qanun)\b", re.IGNORECASE)


def pdf_links(url: str, html: str) -> list[tuple[str, str]]:
    """(absolute URL, context text) of the links on a page that look like regulation files: a
    ``.pdf``, or a download/file path whose link text or row names a regulation."""
    try:
        sel = Selector(text=html or "<html></html>", type="html")
    except Exception:  # noqa: BLE001 - any unparseable page simply has no links
        return []
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for a in sel.xpath("//a[@href]"):
        href = (a.attrib.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        absolute = urljoin(url, href)
        if not absolute.startswith(("http://", "https://")) or absolute in seen:
            continue
        label = " ".join(" ".join(a.xpath(".//text()").getall()).split())
        row = " ".join(" ".join(a.xpath("./ancestor::*[self::tr or self::li or self::article]"
                                        "[1]//text()").getall()).split())
        path = urlsplit(absolute).path.lower()
        if path.endswith(".pdf") or (_PDF_HREF.search(absolute)
                                     and _REGULATION_WORDS.search(f"{label} {row} {path}")):
            seen.add(absolute)
            out.append((absolute, row or label))
    return out
