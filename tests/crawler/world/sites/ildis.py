"""A JDIH on BPHN's ILDIS (Yii2), rendered from a ``WorldSite``: the shape of
tests/fixtures/sites/ildis/ (after ``xiztkie/ildis``'s ``view-peraturan.php``), which
``crawler.spiders.jdih_cms.IldisSpider`` reads.

- ``/``: the home page (``_csrf-frontend`` meta, the newest documents, a link to the listing);
- ``/dokumen/peraturan`` (``?page=N``): the listing, ``options["page_size"]`` documents a page
  (default 2), newest first, paged by Yii's LinkPager (``ul.pagination li.next``);
- ``/dokumen/view?id=<id>``: the detail page (label ``<br><span>`` blocks, the JENIS DOKUMEN and
  STATUS boxes, the T.E.U. BADAN table, the Lampiran link);
- ``/common/dokumen/<file>.pdf``: the document's PDF.

A document's id is 100 plus its place in ``site.docs``. Everything names ``site.region_name``.
"""

from __future__ import annotations

from html import escape

from tests.crawler.world.model import Request, Response, WorldDoc, WorldSite
from tests.crawler.world.sites._common import (html_document, html_response, newest_first,
                                               page_number, paginate, pdf_response,
                                               place_name, slugify, tanggal, title)

FIRST_ID = 100


def start_path(site: WorldSite) -> str:
    """Where the ILDIS spider starts: the regulations listing (a source's ``url``)."""
    return "/dokumen/peraturan"


def doc_id(site: WorldSite, doc: WorldDoc) -> int:
    return FIRST_ID + site.docs.index(doc)


def file_name(doc: WorldDoc) -> str:
    """``2023-peraturan-bupati-3.pdf``: one name per document."""
    return f"{doc.tahun}-{slugify(doc.jenis)}-{slugify(doc.nomor)}.pdf"


def render(site: WorldSite, req: Request) -> Response:
    if req.method not in ("GET", "HEAD"):
        return _page(site, "Method Not Allowed (#405)", "<h1>Method Not Allowed (#405)</h1>",
                     status=405)
    if req.path in ("/", "/site/index"):
        return _home(site, req)
    if req.path in ("/dokumen/peraturan", "/dokumen/peraturan/"):
        return _listing(site, req)
    if req.path == "/dokumen/view":
        doc = _by_id(site, (req.query.get("id") or [""])[0])
        return _detail(site, req, doc) if doc else _not_found(site)
    if req.path.startswith("/common/dokumen/"):
        name = req.path.rsplit("/", 1)[-1]
        doc = next((d for d in site.docs if file_name(d) == name), None)
        if doc:
            return pdf_response(doc.pdf)
    return _not_found(site)


# --------------------------------------------------------------------------- pages

def _home(site: WorldSite, req: Request) -> Response:
    newest = "".join(
        f'<li><a href="{req.base}/dokumen/view?id={doc_id(site, d)}">'
        f'{escape(title(site, d))}</a></li>' for d in newest_first(site)[:5])
    body = f"""<section class="page-title-section"><div class="container">
<h1>Jaringan Dokumentasi dan Informasi Hukum {escape(site.region_name)}</h1></div></section>
<section><div class="container">
<h3>Peraturan Terbaru</h3><ul class="list-unstyled">{newest}</ul>
<a class="butn" href="{req.base}/dokumen/peraturan">Lihat semua peraturan</a>
</div></section>"""
    return _page(site, f"Beranda | JDIH {site.region_name}", body, req=req)


def _listing(site: WorldSite, req: Request) -> Response:
    size = int(site.options.get("page_size", 2))
    docs = newest_first(site)
    page = page_number(req)
    pages, shown = paginate(docs, page, size)
    items = "".join(f"""
<div class="item" data-key="{doc_id(site, d)}">
<div class="blog-list-simple margin-30px-bottom">
    <div class="blog-list-simple-text">
        <span class="badge badge-primary">{escape(d.jenis)}</span>
        <h4><a href="{req.base}/dokumen/view?id={doc_id(site, d)}">{escape(title(site, d))}</a></h4>
        <ul class="meta"><li>Tahun {d.tahun}</li><li>Status: Berlaku</li></ul>
    </div>
</div>
</div>""" for d in shown)
    if not shown:
        items = '<div class="empty">Tidak ada data yang ditemukan.</div>'
    first = (page - 1) * size + 1
    summary = (f"Ditampilkan {first} - {first + len(shown) - 1} dari {len(docs)} Data"
               if shown else "Tidak ada data")
    body = f"""<section class="page-title-section bg-img cover-background" data-overlay-dark="7">
    <div class="container"><h1>PERATURAN PERUNDANG-UNDANGAN</h1></div>
</section>
<section><div class="container"><div class="row"><div class="col-lg-9 sm-margin-50px-bottom">
<div id="w1" class="list-view"><div class="summary">{summary}<br></div>{items}
{_pager(req.base, page, pages)}</div>
</div></div></div></section>"""
    return _page(site, f"Peraturan Perundang-undangan | JDIH {site.region_name}", body, req=req)


def _pager(base: str, page: int, pages: int) -> str:
    """Yii's LinkPager: prev, the page numbers, next (a ``span`` when disabled)."""
    def link(n: int, text: str) -> str:
        return f'<a href="{base}/dokumen/peraturan?page={n}" data-page="{n - 1}">{text}</a>'
    prev = (f'<li class="prev">{link(page - 1, "&laquo;")}</li>' if page > 1
            else '<li class="prev disabled"><span>&laquo;</span></li>')
    active = ' class="active"'
    nums = "".join(f'<li{active if n == page else ""}>{link(n, str(n))}</li>'
                   for n in range(1, pages + 1))
    nxt = (f'<li class="next">{link(page + 1, "&raquo;")}</li>' if page < pages
           else '<li class="next disabled"><span>&raquo;</span></li>')
    return f'<ul class="pagination">{prev}{nums}{nxt}</ul>'


def _detail(site: WorldSite, req: Request, doc: WorldDoc) -> Response:
    blocks = "".join(f"""
                            <div class="col-lg-6 col-md-6 mb-3">
                                {label}<br>
                                <span class="text-extra-dark-gray font-weight-600">{escape(value)}</span>
                            </div>""" for label, value in (
        ("Tempat Terbit", place_name(site)),
        ("Tanggal Penetapan", tanggal(doc.tanggal, zero_pad=True)),
        ("Tanggal Pengundangan", doc.tanggal.isoformat() if doc.tanggal else "-"),
        ("Sumber", f"LD {site.region_name} Tahun {doc.tahun} Nomor {doc.nomor}"),
        ("Bidang Hukum", "Hukum Tata Negara"),
        ("Bahasa", "Indonesia"),
        ("Pemrakarsa", "Bagian Hukum")))
    pdf = f"{req.base}/common/dokumen/{file_name(doc)}"
    body = f"""<section class="page-title-section bg-img cover-background" data-overlay-dark="7">
    <div class="container">
        <h1>Peraturan Detail</h1>
        <ul class="text-center">
            <li><a href="{req.base}/">Home</a></li>
            <li><a href="{req.base}/dokumen/peraturan">Peraturan</a></li>
            <li><span class="active"> {escape(doc.jenis)}</span></li>
        </ul>
    </div>
</section>
<section class="blogs"><div class="container"><div class="row">
            <div class="col-lg-8 col-md-12 sm-margin-50px-bottom">
                <div class="posts"><div class="content">
                        <div class="blog-list-simple-text post-meta margin-20px-bottom">
                            <div class="post-title">
                                <h5>{escape(title(site, doc))}</h5>
                            </div>
                        </div>
                        <div class="row align-items-end">{blocks}
                        </div>
                        <div class="row align-items-end">
                            <div class="col-lg-12 col-md-12 mt-4">
                                <span class="text-extra-dark-gray font-weight-600">T.E.U BADAN</span><br>
                                <table class="table">
                                    <thead><tr class="active"><th>Nama Pengarang</th>
                                    <th>Tipe Pengarang</th><th>Jenis Pengarang</th></tr></thead>
<tbody><tr><td>{escape(site.region_name)}</td><td>Nama Badan</td><td>{escape(site.region_name.split()[0])}</td></tr></tbody>
                                </table>
                            </div>
                        </div>
                </div></div>
            </div>
            <div class="col-lg-4 col-md-12 padding-30px-left sm-padding-15px-left">
                <div class="side-bar">
                    <div class="shadow"><ul class="list-group mt-2">
                        <li class="list-group-item text-center">JENIS DOKUMEN</li>
                        <li class="list-group-item list-group-item-primary text-center"><strong>{escape(doc.jenis)}</strong></li>
                    </ul></div>
                    <div class="shadow"><ul class="list-group mt-2">
                        <li class="list-group-item text-center">STATUS</li>
                        <li class="list-group-item list-group-item-danger text-center"><strong>Berlaku</strong></li>
                    </ul></div>
                    <div class="widget">
                        <div class="widget-title margin-35px-bottom mt-4"><h3>Lampiran</h3></div>
                        <ul class="widget-list">
                            <a class="btn btn-secondary btn-sm mb-2 btn-hover-primary" href="{pdf}" title="lihat file" target="_blank">{file_name(doc)}</a>
                        </ul>
                    </div>
                </div>
            </div>
</div></div></section>"""
    return _page(site, f"{doc_id(site, doc)} | JDIH {site.region_name}", body, req=req)


def _not_found(site: WorldSite) -> Response:
    return _page(site, "Not Found (#404)",
                 "<div class=\"site-error\"><h1>Not Found (#404)</h1>"
                 "<p>Halaman tidak ditemukan.</p></div>", status=404)


def _page(site: WorldSite, page_title: str, body: str, *, req: Request | None = None,
          status: int = 200) -> Response:
    """The ILDIS layout around ``body``: csrf meta, the navbar naming the JDIH, the footer."""
    base = req.base if req else ""
    name = escape(f"JDIH {site.region_name}")
    head = f"""<meta name="csrf-param" content="_csrf-frontend">
<meta name="csrf-token" content="d29ybGQtY3NyZi10b2tlbg==">
<title>{escape(page_title)}</title>
<link href="{base}/css/styles.css" rel="stylesheet">"""
    layout = f"""<header class="header-style1"><div class="navbar-default"><div class="container"><a href="{base}/" class="navbar-brand">{name}</a>
<ul class="navbar-nav"><li><a href="{base}/dokumen/peraturan">Peraturan</a></li><li><a href="{base}/dokumen/monografi">Monografi</a></li><li><a href="{base}/berita/index">Berita</a></li></ul></div></div></header>
{body}
<footer><div class="container"><p>&copy; {name}. Dibangun dengan ILDIS &mdash; BPHN.</p></div></footer>"""
    return html_response(html_document(lang="id-ID", charset="UTF-8", head=head, body=layout),
                         status)


# --------------------------------------------------------------------------- helpers

def _by_id(site: WorldSite, raw: str) -> WorldDoc | None:
    if not raw.isdigit():
        return None
    i = int(raw) - FIRST_ID
    return site.docs[i] if 0 <= i < len(site.docs) else None
