"""What the simulated internet's family renderers share: the order they list documents in, the
titles, slugs and Indonesian dates they write, paging, and the plain responses (an HTML page,
a sitemap, a PDF). Each family's own markup stays in its module; only these pieces are common.
"""

from __future__ import annotations

import re
from datetime import date

from tests.crawler.world.model import Request, Response, WorldDoc, WorldSite

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


# --------------------------------------------------------------------------- documents

def number(nomor: str) -> int:
    """The leading number of a nomor (``"12A"`` -> 12; none -> 0), to sort by."""
    m = re.match(r"\d+", nomor)
    return int(m.group(0)) if m else 0


def newest_first(site: WorldSite) -> list[WorldDoc]:
    """The site's documents as its listings show them: by year, then number, newest first."""
    return sorted(site.docs, key=lambda d: (d.tahun, number(d.nomor)), reverse=True)


def title(site: WorldSite, doc: WorldDoc) -> str:
    """The full title naming the region: "Peraturan Bupati Kabupaten Batang Nomor 30 Tahun 2024
    tentang …"."""
    return f"{doc.jenis} {site.region_name} Nomor {doc.nomor} Tahun {doc.tahun} tentang {doc.judul}"


def place_name(site: WorldSite) -> str:
    """"Batang" for "Kabupaten Batang": the region without its kind, as a Perbup's title and a
    record's ``tempatTerbit`` name it."""
    return re.sub(r"^(?:Kabupaten|Kota|Provinsi)\s+", "", site.region_name)


def slugify(text: str) -> str:
    """Lower-case words joined by ``-``: "Peraturan Bupati No. 3" -> ``peraturan-bupati-no-3``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def tanggal(d: date | None, *, zero_pad: bool = False, weekday: bool = False) -> str:
    """An Indonesian date: "5 Maret 2023" (``zero_pad``: "05 Maret 2023"; ``weekday``: "Minggu,
    5 Maret 2023"); "-" for none."""
    if d is None:
        return "-"
    text = f"{d.day:02d}" if zero_pad else str(d.day)
    text = f"{text} {MONTHS[d.month - 1]} {d.year}"
    return f"{DAYS[d.weekday()]}, {text}" if weekday else text


# --------------------------------------------------------------------------- paging

def page_number(req: Request, name: str = "page") -> int:
    """The page a listing is asked for (``?page=N``); 1 when absent or unreadable."""
    try:
        return max(1, int((req.query.get(name) or ["1"])[0]))
    except ValueError:
        return 1


def page_count(items: int, size: int) -> int:
    """How many pages of ``size`` hold ``items`` (at least one, empty)."""
    return max(1, -(-items // size))


def paginate(items: list, page: int, size: int) -> tuple[int, list]:
    """(how many pages of ``size`` hold ``items``, the items on ``page`` (from 1))."""
    return page_count(len(items), size), items[(page - 1) * size: page * size]


# --------------------------------------------------------------------------- responses

def html_document(*, lang: str, charset: str, head: str, body: str, body_attrs: str = "") -> str:
    """A page: doctype, ``<html lang>``, the charset and viewport metas, then the family's own
    ``head`` (metas, title, styles) and ``body``."""
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="{charset}">
<meta name="viewport" content="width=device-width, initial-scale=1">
{head}
</head>
<body{body_attrs}>
{body}
</body>
</html>"""


def html_response(text: str, status: int = 200, *, charset: str = "UTF-8") -> Response:
    return Response(status, {"Content-Type": f"text/html; charset={charset}"},
                    text.encode("utf-8"))


def sitemap_xml(root: str, entries: str) -> str:
    """A sitemap (``root`` = ``urlset``) or sitemap index (``sitemapindex``) around ``entries``."""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<{root} xmlns="{SITEMAP_NS}">{entries}</{root}>')


def xml_response(text: str) -> Response:
    return Response(200, {"Content-Type": "application/xml; charset=UTF-8"}, text.encode("utf-8"))


def pdf_response(pdf: bytes, headers: dict[str, str] | None = None) -> Response:
    return Response(200, {"Content-Type": "application/pdf", **(headers or {})}, pdf)


def tiny_pdf(tag: str) -> bytes:
    """A one-page valid PDF that says ``tag`` in a trailing comment: a file that is not a
    document of the world (a brochure, a draft)."""
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n% " + tag.encode() + b"\n")
