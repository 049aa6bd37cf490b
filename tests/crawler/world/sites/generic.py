"""A Bagian Hukum site on software of its own (plain PHP, no CMS markers), as the simulated
internet serves it: the long tail a generic crawl has to read by its links alone.

- ``/``: the home page of "Bagian Hukum Sekretariat Daerah <region>", with a menu (Produk
  Hukum, Dokumen, Profil, Berita), news links, and a brochure PDF;
- ``/produk-hukum.php?hal=N``: a table of regulations, one row each: "No", the title as the site
  writes it ("Peraturan Bupati Batang Nomor 30 Tahun 2024 tentang …"; ``options["titles"] =
  "short"``: "Perbup Batang No. 30 Th 2024 tentang …"), and an "Unduh" link to
  ``/upload/<file>.pdf``; every third row links a detail page ``/produk-hukum-detail.php?id=N``
  (the title as its heading, an "Unduh" button) instead; a draft ("Rancangan Peraturan Daerah …")
  is listed too. Pages are linked "1 2 … Selanjutnya »"; ``options["page_size"]`` (default 5);
- ``/dokumen.php``: files that are not regulations ("Laporan Kinerja 2023.pdf", a Renstra);
- ``/sitemap.xml``: a sitemap index of ``/sitemap-halaman.xml`` (the pages) and
  ``/sitemap-file.xml`` (every file under ``/upload/``); ``options["sitemap"] = False``: 404.
  ``options["sitemap_only"] = n``: the last n documents are linked from no page, only listed in
  the sitemap (under file names such as ``perbup_7_2021.pdf``);
- ``/upload/<file>``: the PDFs (``WorldDoc.pdf``; the other files a small PDF of their own).

A crawler must take every document and none of the brochure, report, Renstra or draft files.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import quote, unquote

from pantau import legal
from tests.crawler.world.model import Request, Response, WorldDoc, WorldSite
from tests.crawler.world.sites._common import (html_response, page_count, page_number,
                                               pdf_response, place_name, sitemap_xml, tiny_pdf,
                                               xml_response)

LISTING = "/produk-hukum.php"
DETAIL = "/produk-hukum-detail.php"

# files that are not regulations: (where listed, link text, file name)
OTHER_FILES = (("/", "Brosur Layanan Bagian Hukum", "brosur-layanan-hukum.pdf"),
               ("/dokumen.php", "Laporan Kinerja 2023", "Laporan Kinerja 2023.pdf"),
               ("/dokumen.php", "Rencana Strategis 2021-2026", "renstra-2021-2026.pdf"))
DRAFT = ("Rancangan Peraturan Daerah tentang Penyelenggaraan Ketertiban Umum",
         "rancangan-perda-ketertiban-umum.pdf")


def _short_jenis(jenis: str) -> str:
    hit = legal.normalise_jenis(jenis)
    return hit[1].capitalize() if hit else jenis


def title(site: WorldSite, d: WorldDoc) -> str:
    """The title the site shows for a document."""
    if site.options.get("titles") == "short":
        return (f"{_short_jenis(d.jenis)} {place_name(site)} No. {d.nomor} Th {d.tahun} "
                f"tentang {d.judul}")
    hit = legal.normalise_jenis(d.jenis)
    own = hit is not None and hit[1] in ("perda", "qanun")
    where = site.region_name if own else place_name(site)
    return f"{d.jenis} {where} Nomor {d.nomor} Tahun {d.tahun} tentang {d.judul}"


def file_name(d: WorldDoc) -> str:
    return f"{_short_jenis(d.jenis).lower()}_{re.sub(r'[^0-9A-Za-z]+', '-', d.nomor)}_{d.tahun}.pdf"


def _docs(site: WorldSite) -> tuple[list[WorldDoc], list[WorldDoc]]:
    """(documents listed on the pages, newest first; documents only in the sitemap)."""
    docs = sorted(site.docs, key=lambda d: (d.tahun, int(d.nomor) if d.nomor.isdigit() else 0),
                  reverse=True)
    hidden = int(site.options.get("sitemap_only", 0))
    return (docs[:-hidden], docs[-hidden:]) if hidden else (docs, [])


def _layout(site: WorldSite, heading: str, body: str) -> str:
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{escape(heading)} - Bagian Hukum Setda {escape(site.region_name)}</title>
<link rel="stylesheet" href="css/style.css" type="text/css">
</head>
<body>
<div id="header"><img src="images/logo.png" alt="Logo {escape(site.region_name)}">
<h1>Bagian Hukum Sekretariat Daerah {escape(site.region_name)}</h1></div>
<div id="menu"><a href="index.php">Beranda</a> | <a href="profil.php">Profil</a> |
<a href="{LISTING.lstrip('/')}">Produk Hukum</a> | <a href="dokumen.php">Dokumen</a> |
<a href="berita.php">Berita</a> | <a href="kontak.php">Kontak</a></div>
<div id="content"><h2>{escape(heading)}</h2>
{body}
</div>
<div id="footer">Copyright &copy; 2019 Bagian Hukum Setda {escape(site.region_name)}. All rights reserved.</div>
</body>
</html>"""


def _home(site: WorldSite) -> str:
    news = "\n".join(f'<li><a href="berita.php?id={n}">Rapat koordinasi Bagian Hukum tahap {n}</a></li>'
                     for n in (1, 2, 3))
    _, text, name = OTHER_FILES[0]
    body = f"""<p>Selamat datang di website Bagian Hukum Sekretariat Daerah {escape(site.region_name)}.</p>
<h3>Berita Terbaru</h3><ul>{news}</ul>
<h3>Unduhan</h3><p><a href="upload/{quote(name)}">{escape(text)}</a></p>"""
    return _layout(site, "Beranda", body)


def _row(site: WorldSite, n: int, d: WorldDoc, i: int) -> str:
    if i % 3 == 2:
        link = f'<a href="{DETAIL.lstrip("/")}?id={site.docs.index(d) + 1}">Detail</a>'
    else:
        link = f'<a href="upload/{quote(file_name(d))}" target="_blank">Unduh</a>'
    return (f"<tr><td>{n}</td><td>{escape(title(site, d))}</td><td>{d.tahun}</td>"
            f"<td>{link}</td></tr>")


def _listing(site: WorldSite, req: Request) -> str:
    listed, _ = _docs(site)
    size = int(site.options.get("page_size", 5))
    page = page_number(req, "hal")
    last = page_count(len(listed) + 1, size)  # and the draft's row
    rows = [(d, i) for i, d in enumerate(listed)]
    shown = rows[(page - 1) * size: page * size]
    body_rows = [_row(site, (page - 1) * size + k + 1, d, i) for k, (d, i) in enumerate(shown)]
    if page == last:  # the draft sits at the end of the list
        body_rows.append(f"<tr><td>{len(rows) + 1}</td><td>{escape(DRAFT[0])}</td><td>2025</td>"
                         f'<td><a href="upload/{DRAFT[1]}">Unduh</a></td></tr>')
    pages = " ".join(f"<b>{n}</b>" if n == page else f'<a href="produk-hukum.php?hal={n}">{n}</a>'
                     for n in range(1, last + 1))
    if page < last:
        pages += f' <a href="produk-hukum.php?hal={page + 1}">Selanjutnya &raquo;</a>'
    body = f"""<table border="1" cellpadding="4" cellspacing="0" width="100%">
<tr><th>No</th><th>Judul</th><th>Tahun</th><th>File</th></tr>
{chr(10).join(body_rows)}
</table>
<div class="paging">Halaman: {pages}</div>"""
    return _layout(site, "Produk Hukum", body)


def _detail(site: WorldSite, d: WorldDoc) -> str:
    body = f"""<h3>{escape(title(site, d))}</h3>
<table><tr><td>Tahun</td><td>: {d.tahun}</td></tr><tr><td>Status</td><td>: Berlaku</td></tr></table>
<p><a href="upload/{quote(file_name(d))}" class="tombol">Unduh</a></p>
<p><a href="{LISTING.lstrip('/')}">&laquo; Kembali</a></p>"""
    return _layout(site, "Detail Produk Hukum", body)


def _dokumen(site: WorldSite) -> str:
    items = "\n".join(f'<li><a href="upload/{quote(name)}">{escape(text)}</a></li>'
                      for where, text, name in OTHER_FILES if where == "/dokumen.php")
    return _layout(site, "Dokumen", f"<ul>{items}</ul>")


def _sitemap(site: WorldSite, req: Request, path: str) -> Response | None:
    b = req.base
    if path == "/sitemap.xml":
        body = sitemap_xml("sitemapindex", f"<sitemap><loc>{b}/sitemap-halaman.xml</loc></sitemap>"
                                           f"<sitemap><loc>{b}/sitemap-file.xml</loc></sitemap>")
    elif path == "/sitemap-halaman.xml":
        listed, _ = _docs(site)
        size = int(site.options.get("page_size", 5))
        last = page_count(len(listed) + 1, size)  # and the draft's row
        locs = ([f"{b}/", f"{b}/profil.php", f"{b}/dokumen.php", f"{b}/berita.php"]
                + [f"{b}{LISTING}?hal={n}" for n in range(1, last + 1)])
        body = _urlset(locs)
    elif path == "/sitemap-file.xml":
        listed, hidden = _docs(site)
        locs = ([f"{b}/upload/{quote(file_name(d))}" for d in listed + hidden]
                + [f"{b}/upload/{quote(name)}" for _, _, name in OTHER_FILES]
                + [f"{b}/upload/{DRAFT[1]}"])
        body = _urlset(locs)
    else:
        return None
    return xml_response(body)


def _urlset(locs: list[str]) -> str:
    urls = "".join(f"<url><loc>{escape(u)}</loc><changefreq>weekly</changefreq></url>" for u in locs)
    return sitemap_xml("urlset", urls)


NOT_FOUND = ("<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1>"
             "<p>The requested URL was not found on this server.</p></body></html>")


def render(site: WorldSite, req: Request) -> Response:
    path = req.path or "/"
    if path in ("/", "/index.php"):
        return html_response(_home(site))
    if path == LISTING:
        return html_response(_listing(site, req))
    if path == DETAIL:
        raw = (req.query.get("id") or [""])[0]
        if raw.isdigit() and 1 <= int(raw) <= len(site.docs):
            return html_response(_detail(site, site.docs[int(raw) - 1]))
        return html_response(NOT_FOUND, 404)
    if path == "/dokumen.php":
        return html_response(_dokumen(site))
    if path in ("/profil.php", "/berita.php", "/kontak.php"):
        return html_response(_layout(site, path[1:-4].title(),
                                     "<p>Halaman ini sedang diperbarui.</p>"))
    if path.startswith("/sitemap"):
        if site.options.get("sitemap", True) is False:
            return html_response(NOT_FOUND, 404)
        resp = _sitemap(site, req, path)
        if resp is not None:
            return resp
    if path.startswith("/upload/"):
        name = unquote(path[len("/upload/"):])
        doc = next((d for d in site.docs if file_name(d) == name), None)
        if doc is not None:
            return pdf_response(doc.pdf)
        if name in [n for _, _, n in OTHER_FILES] + [DRAFT[1]]:
            return pdf_response(tiny_pdf(name))
    return html_response(NOT_FOUND, 404)


def start_path(site: WorldSite) -> str:
    return "/"
