"""The Aceh "dih" application (the JDIH of several Aceh kabupaten), rendered from a
``WorldSite``. There is no spider of its own: discovery crawls it with the generic listing
spider, which starts at the home page or ``/sitemap.xml``, follows the listing's pages and takes
the PDF links whose row names a regulation.

- ``/``: the home page naming "JDIH <region>" and its Sekretariat Daerah, the newest documents;
- ``/dih/produk`` (``?page=N``): the listing, ``options["page_size"]`` rows a page (default 2),
  newest first; each row's link text is the full title ("Qanun Kabupaten Aceh Besar Nomor 3
  Tahun 2023 tentang ..."); ``rel="next"`` to the next page;
- ``/dih/detail/<uuid>``: the document (the title, its metadata, a link "Unduh");
- ``/dih/file/<uuid>.pdf``: its PDF;
- ``/sitemap.xml``: the home page, the listing and every detail page.

A document's uuid is a uuid5 of its identity (region, jenis, tahun, nomor).
Everything names ``site.region_name``.
"""

from __future__ import annotations

import re
import uuid
from html import escape

from tests.crawler.world.model import Request, Response, WorldDoc, WorldSite
from tests.crawler.world.sites._common import (html_document, html_response, newest_first,
                                               page_number, paginate, pdf_response,
                                               sitemap_xml, tanggal, title, xml_response)

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://pantau.test/world/acehdih")


def start_path(site: WorldSite) -> str:
    """Where a crawl of the site starts: its home page (the generic spider's entry)."""
    return "/"


def doc_uuid(doc: WorldDoc) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{doc.region_code}|{doc.jenis}|{doc.tahun}|{doc.nomor}"))


def render(site: WorldSite, req: Request) -> Response:
    if req.method not in ("GET", "HEAD"):
        return _page(site, req, "405", "<h1>405 Method Not Allowed</h1>", status=405)
    if req.path in ("/", "/index.php"):
        return _home(site, req)
    if req.path.rstrip("/") == "/dih/produk":
        return _listing(site, req)
    if req.path == "/sitemap.xml":
        return _sitemap(site, req)
    m = re.fullmatch(r"/dih/detail/([0-9a-f-]{36})/?", req.path)
    if m and (doc := _by_uuid(site, m.group(1))):
        return _detail(site, req, doc)
    m = re.fullmatch(r"/dih/file/([0-9a-f-]{36})\.pdf", req.path)
    if m and (doc := _by_uuid(site, m.group(1))):
        return pdf_response(doc.pdf,
                            {"Content-Disposition": f'inline; filename="{m.group(1)}.pdf"'})
    return _page(site, req, "404 Tidak Ditemukan",
                 "<h1>404</h1><p>Halaman yang Anda cari tidak ditemukan.</p>", status=404)


# --------------------------------------------------------------------------- pages

def _home(site: WorldSite, req: Request) -> Response:
    rows = "".join(f'<li class="list-group-item"><a href="{req.base}/dih/detail/{doc_uuid(d)}">'
                   f'{escape(title(site, d))}</a></li>' for d in newest_first(site)[:5])
    body = f"""<section class="hero"><div class="container">
<h1>Jaringan Dokumentasi dan Informasi Hukum {escape(site.region_name)}</h1>
<p>Bagian Hukum Sekretariat Daerah {escape(site.region_name)}</p>
<form action="{req.base}/dih/produk" method="get"><input name="cari" class="form-control"
 placeholder="Cari produk hukum..."><button class="btn btn-success">Cari</button></form>
</div></section>
<section class="container"><h2>Produk Hukum Terbaru</h2>
<ul class="list-group">{rows}</ul>
<a class="btn btn-outline-success" href="{req.base}/dih/produk">Semua produk hukum</a></section>"""
    return _page(site, req, f"JDIH {site.region_name}", body)


def _listing(site: WorldSite, req: Request) -> Response:
    size = int(site.options.get("page_size", 2))
    page = page_number(req)
    pages, shown = paginate(newest_first(site), page, size)
    rows = "".join(f"""
<tr><td>{(page - 1) * size + n}</td>
<td><a href="{req.base}/dih/detail/{doc_uuid(d)}">{escape(title(site, d))}</a></td>
<td>{escape(d.jenis)}</td><td>{d.tahun}</td></tr>""" for n, d in enumerate(shown, 1))
    if not shown:
        rows = '<tr><td colspan="4">Data tidak ditemukan</td></tr>'
    links = []
    if page > 1:
        links.append(f'<li class="page-item"><a class="page-link" rel="prev" '
                     f'href="{req.base}/dih/produk?page={page - 1}">&laquo; Sebelumnya</a></li>')
    for n in range(1, pages + 1):
        active = " active" if n == page else ""
        links.append(f'<li class="page-item{active}"><a class="page-link" '
                     f'href="{req.base}/dih/produk?page={n}">{n}</a></li>')
    if page < pages:
        links.append(f'<li class="page-item"><a class="page-link" rel="next" '
                     f'href="{req.base}/dih/produk?page={page + 1}">Selanjutnya &raquo;</a></li>')
    body = f"""<section class="container"><h1>Produk Hukum {escape(site.region_name)}</h1>
<table class="table table-bordered table-hover">
<thead><tr><th>No</th><th>Judul</th><th>Jenis</th><th>Tahun</th></tr></thead>
<tbody>{rows}
</tbody></table>
<nav><ul class="pagination">{"".join(links)}</ul></nav></section>"""
    return _page(site, req, f"Produk Hukum | JDIH {site.region_name}", body)


def _detail(site: WorldSite, req: Request, doc: WorldDoc) -> Response:
    meta = "".join(f"<tr><th>{label}</th><td>{escape(value)}</td></tr>" for label, value in (
        ("Jenis", doc.jenis), ("Nomor", doc.nomor), ("Tahun", str(doc.tahun)),
        ("Tentang", doc.judul), ("Tanggal Penetapan", tanggal(doc.tanggal)), ("Status", "Berlaku"),
        ("Pemrakarsa", f"Bagian Hukum Setda {site.region_name}")))
    uid = doc_uuid(doc)
    body = f"""<section class="container">
<nav aria-label="breadcrumb"><ol class="breadcrumb">
<li class="breadcrumb-item"><a href="{req.base}/">Beranda</a></li>
<li class="breadcrumb-item"><a href="{req.base}/dih/produk">Produk Hukum</a></li></ol></nav>
<article class="dih-detail">
<h1 class="judul">{escape(title(site, doc))}</h1>
<table class="table table-sm">{meta}</table>
<p><a class="btn btn-success" href="{req.base}/dih/file/{uid}.pdf" target="_blank">Unduh</a></p>
</article></section>"""
    return _page(site, req, f"{title(site, doc)} | JDIH {site.region_name}", body)


def _sitemap(site: WorldSite, req: Request) -> Response:
    urls = [f"{req.base}/", f"{req.base}/dih/produk"] + [
        f"{req.base}/dih/detail/{doc_uuid(d)}" for d in newest_first(site)]
    entries = "".join(f"<url><loc>{escape(u)}</loc></url>\n" for u in urls)
    return xml_response(sitemap_xml("urlset", "\n" + entries) + "\n")


def _page(site: WorldSite, req: Request, page_title: str, body: str,
          status: int = 200) -> Response:
    """The app's layout: the brand naming the JDIH, the menu, the footer."""
    name = escape(f"JDIH {site.region_name}")
    head = f"""<meta name="csrf-token" content="d29ybGQtYWNlaGRpaA">
<title>{escape(page_title)}</title>
<link rel="stylesheet" href="{req.base}/assets/dih/css/app.css">"""
    layout = f"""<nav class="navbar navbar-expand-lg"><div class="container">
<a class="navbar-brand" href="{req.base}/"><img class="logo" src="{req.base}/assets/dih/img/logo.png" alt="{name}"> {name}</a>
<ul class="navbar-nav"><li class="nav-item"><a class="nav-link" href="{req.base}/">Beranda</a></li>
<li class="nav-item"><a class="nav-link" href="{req.base}/dih/produk">Produk Hukum</a></li></ul>
</div></nav>
{body}
<footer class="footer"><div class="container">&copy; Sekretariat Daerah {escape(site.region_name)}</div></footer>"""
    return html_response(html_document(lang="id", charset="utf-8", head=head, body=layout),
                         status)


# --------------------------------------------------------------------------- helpers

def _by_uuid(site: WorldSite, uid: str) -> WorldDoc | None:
    return next((d for d in site.docs if doc_uuid(d) == uid), None)
