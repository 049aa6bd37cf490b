"""A JDIH on the Laravel JDIH CMS (harris-sontanu/jdih-cms and forks), as the simulated internet
serves it: shaped after the software's routes, controllers and Blade views.

- ``/``: the home page, "JDIH <region>", with the menu link to the listing and the newest
  regulations (cover images carrying ``data-pdf-thumbnail-file``);
- ``/api/produk-hukum/peraturan?page=N``: the JDIHN records (``JdihnController@index``) as a
  Laravel paginator (``data``, ``next_page_url`` …); ``options["api_shape"]``: ``"paginator"``
  (default), ``"resource"`` (``data``/``links``/``meta``) or ``"list"`` (upstream's bare list);
  ``/api/produk-hukum/peraturan/<id>`` one record. ``options["api"]``: ``False`` answers 404
  (a fork without the API), ``"html"`` answers the home page (a catch-all route);
- ``/produk-hukum/peraturan-perundang-undangan?page=N``: the listing (``article.card``, badge,
  heading link, ``a[rel=next]``), ``…/<category-slug>`` one category, ``…/<category>/<slug>``
  the detail page (``<h4>`` labels, ``figure#adobe-dc-view[data-file]``);
- ``/storage/produk-hukum/<tahun>/<file>.pdf``: the documents' PDFs (``WorldDoc.pdf``).

Besides ``site.docs`` every site lists one draft (category "Rancangan Peraturan Daerah"), in the
API and the HTML alike: a crawler must skip it and never fetch its file.
``options["page_size"]`` (default 4) sizes API and HTML pages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from pantau import legal
from tests.crawler.world.model import Request, Response, WorldDoc, WorldSite
from tests.crawler.world.sites._common import (html_response, page_number, paginate,
                                               pdf_response, slugify, tanggal, tiny_pdf)

LISTING = "/produk-hukum/peraturan-perundang-undangan"
API = "/api/produk-hukum/peraturan"
DRAFT_PDF = tiny_pdf("rancangan")  # the draft's file (never to be fetched)


def abbrev(jenis: str) -> str:
    """The category's short name ("Perbup"), as the CMS's categories carry it."""
    hit = legal.normalise_jenis(jenis)
    if hit:
        return hit[1].capitalize()
    return "".join(w[0] for w in jenis.split()).upper()


@dataclass
class Entry:
    """One listed item: a ``WorldDoc`` of the site, or the draft."""

    id: int
    jenis: str
    nomor: str
    tahun: int
    judul: str
    slug: str
    file: str
    pdf: bytes
    tanggal: object = None

    @property
    def category(self) -> str:
        return slugify(self.jenis)

    @property
    def short_title(self) -> str:
        return f"{self.jenis} Nomor {self.nomor} Tahun {self.tahun}"

    @property
    def detail(self) -> str:
        return f"{LISTING}/{self.category}/{self.slug}"

    @property
    def storage(self) -> str:
        return f"/storage/produk-hukum/{self.tahun}/{self.file}"


def entries(site: WorldSite) -> list[Entry]:
    """The site's documents, newest first, then the draft."""
    def key(d: WorldDoc):
        return (d.tahun, int(d.nomor) if d.nomor.isdigit() else 0)
    out = []
    for i, d in enumerate(sorted(site.docs, key=key, reverse=True), 1):
        slug = d.slug or slugify(f"{abbrev(d.jenis)} {d.nomor} {d.tahun} {d.judul}")[:80]
        out.append(Entry(i, d.jenis, d.nomor, d.tahun, d.judul, slug,
                         f"{slugify(abbrev(d.jenis))}-{slugify(d.nomor)}-{d.tahun}.pdf", d.pdf,
                         d.tanggal))
    n = len(out) + 1
    out.append(Entry(n, "Rancangan Peraturan Daerah", "", 2025,
                     "Rancangan Peraturan Daerah tentang Penyelenggaraan Ketertiban Umum",
                     "rancangan-perda-ketertiban-umum", "rancangan-perda-ketertiban-umum.pdf",
                     DRAFT_PDF))
    return out


def record(site: WorldSite, base: str, e: Entry) -> dict:
    """A JDIHN record as ``JdihnController`` builds it."""
    return {"idData": str(e.id), "judul": e.judul, "jenis": e.jenis,
            "singkatanJenis": abbrev(e.jenis), "noPeraturan": e.nomor or None,
            "tahun_pengundangan": str(e.tahun),
            "tanggal_pengundangan": e.tanggal.strftime("%d-%m-%Y") if e.tanggal else None,
            "sumber": f"Lembaran Daerah {site.region_name} Tahun {e.tahun}", "subjek": "",
            "status": "berlaku", "bahasa": "Indonesia", "teuBadan": site.region_name,
            "urlDownload": base + e.storage, "fileDownload": e.file,
            "operasi": "4", "display": "1"}


# --------------------------------------------------------------------------- pages

def _layout(site: WorldSite, title: str, body: str) -> str:
    app = f"JDIH {escape(site.region_name)}"
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8">
<meta name="csrf-token" content="Zm9vYmFyYmF6cXV4">
<title>{escape(title)} | {app}</title>
<link href="/assets/jdih/css/all.min.css" rel="stylesheet"></head>
<body>
<div class="page-header page-header-light"><div class="page-header-content container d-lg-flex">
<h1 class="page-title mb-0"><a href="/" class="text-dark"><span class="fw-bold">{app}</span>
<small class="d-block fs-base fs-sm text-muted">Jaringan Dokumentasi dan Informasi Hukum</small>
</a></h1></div></div>
<div class="navbar navbar-expand-lg"><ul class="navbar-nav">
<li class="nav-item"><a href="/" class="navbar-nav-link">Beranda</a></li>
<li class="nav-item"><a href="/produk-hukum" class="navbar-nav-link">Produk Hukum</a></li>
<li class="nav-item"><a href="{LISTING}" class="navbar-nav-link">Peraturan Perundang-undangan</a></li>
<li class="nav-item"><a href="/produk-hukum/monografi-hukum" class="navbar-nav-link">Monografi Hukum</a></li>
<li class="nav-item"><a href="/berita" class="navbar-nav-link">Berita</a></li>
</ul></div>
{body}
<footer class="footer">&copy; 2024 {app}</footer>
<script src="/assets/jdih/js/app.js"></script>
</body></html>"""


def _card(e: Entry) -> str:
    return f"""<article class="card card-body shadow mb-4"><div class="d-sm-flex align-items-sm-start">
<a href="{e.detail}" class="d-block me-sm-3 mb-3 mb-sm-0">
<img data-pdf-thumbnail-file="{e.storage}" src="/assets/jdih/images/placeholders/placeholder.jpg" alt="{escape(e.judul)}" class="w-lg-120px shadow"></a>
<div class="flex-fill">
<a href="{LISTING}/{e.category}" class="badge bg-indigo bg-opacity-10 text-indigo rounded-pill mb-1">{escape(e.jenis)}</a>
<h4 class="mb-1"><a href="{e.detail}" class="text-body">{escape(e.short_title)}</a></h4>
<ul class="list-inline list-inline-bullet text-muted mb-3"><li class="list-inline-item"><i class="ph-calendar-blank me-2"></i>{tanggal(e.tanggal, weekday=True)}</li>
<li class="list-inline-item"><i class="ph-eye me-2"></i>12</li></ul>
<p class="fs-lg mb-0">{escape(e.judul)}</p></div>
<div class="flex-shrink-0 ms-sm-3 mt-2 mt-sm-0"><span class="badge bg-success bg-opacity-20 text-success">Berlaku</span></div>
</div></article>"""


def _pagination(path: str, page: int, last: int) -> str:
    if last <= 1:
        return ""
    items = []
    items.append('<li class="page-item disabled"><span class="page-link">&lsaquo;</span></li>'
                 if page == 1 else
                 f'<li class="page-item"><a class="page-link" href="{path}?page={page - 1}" rel="prev">&lsaquo;</a></li>')
    for n in range(1, last + 1):
        items.append(f'<li class="page-item active"><span class="page-link">{n}</span></li>'
                     if n == page else
                     f'<li class="page-item"><a class="page-link" href="{path}?page={n}">{n}</a></li>')
    items.append('<li class="page-item disabled"><span class="page-link">&rsaquo;</span></li>'
                 if page == last else
                 f'<li class="page-item"><a class="page-link" href="{path}?page={page + 1}" rel="next">&rsaquo;</a></li>')
    return f'<nav><ul class="pagination pagination-flat">{"".join(items)}</ul></nav>'


def _listing(site: WorldSite, req: Request, items: list[Entry], heading: str) -> str:
    size = int(site.options.get("page_size", 4))
    page = page_number(req)
    last, shown = paginate(items, page, size)
    cards = "\n".join(_card(e) for e in shown)
    body = f"""<section class="bg-dark bg-opacity-3 mb-4"><div class="page-title"><h2 class="fw-bold mb-0">{escape(heading)}</h2></div></section>
<div class="page-content container"><main class="content ms-lg-3">
<p class="mb-0">Menampilkan <span class="fw-semibold">{(page - 1) * size + 1 if shown else 0}</span> sampai <span class="fw-semibold">{(page - 1) * size + len(shown)}</span> dari <span class="fw-semibold">{len(items)}</span> peraturan</p>
{cards}
{_pagination(req.path, page, last)}
</main></div>"""
    return _layout(site, heading, body)


def _meta(label: str, value: str) -> str:
    return (f'<div class="col-6"><h4 class="mb-1 fw-bold">{escape(label)}</h4>'
            f'<p class="mb-0">{escape(value)}</p></div>')


def _detail(site: WorldSite, e: Entry) -> str:
    rows = [("Jenis Dokumen", e.jenis), ("Nomor", e.nomor or "-"), ("Judul", e.judul),
            ("Tgl. Penetapan", tanggal(e.tanggal, weekday=True)),
            ("Tgl. Pengundangan", tanggal(e.tanggal, weekday=True)),
            ("Singkatan Jenis", abbrev(e.jenis)), ("T.E.U. Badan", site.region_name),
            ("Sumber", f"Lembaran Daerah {site.region_name} Tahun {e.tahun}"),
            ("Tempat Terbit", site.region_name.split(" ", 1)[-1]), ("Subjek", "-"),
            ("Status", "Berlaku"), ("Bidang Hukum", "Hukum Tata Negara"),
            ("Bahasa", "Indonesia"), ("Penandatangan", "Bupati")]
    meta = "\n".join(f'<div class="d-flex mb-3"><div class="row flex-fill">{_meta(a, b)}</div></div>'
                     for a, b in rows)
    body = f"""<div class="breadcrumb"><a href="/" class="breadcrumb-item text-body"><i class="ph-house"></i></a>
<a href="/produk-hukum" class="breadcrumb-item text-body">Produk Hukum</a>
<a href="{LISTING}" class="breadcrumb-item text-body">Peraturan Perundang-undangan</a>
<a href="{LISTING}/{e.category}" class="breadcrumb-item text-body">{escape(e.jenis)}</a></div>
<div class="page-content container"><main class="content"><div class="row pb-5">
<div class="col-xl-6 m-auto">
<figure id="adobe-dc-view" data-file="{e.storage}" data-name="{e.file}" class="rounded shadow-lg" style="height: 720px;"></figure>
<script src="https://documentservices.adobe.com/view-sdk/viewer.js"></script>
<form action="/legislation/download/{e.id}" method="post"><input type="hidden" name="_method" value="PUT">
<button type="submit" class="btn btn-danger btn-lg">Dokumen</button></form>
</div>
<div class="col-xl-5 offset-xl-1">
<h2 class="d-block display-6 fw-bold mb-2">{escape(e.short_title)}</h2>
<div class="fs-lg">{meta}</div></div></div></main></div>"""
    return _layout(site, e.short_title, body)


def _home(site: WorldSite) -> str:
    latest = "\n".join(_card(e) for e in entries(site)[:3])
    body = f"""<section class="container py-5"><h2 class="fw-bold section-title">Produk Hukum Terbaru</h2>
{latest}
<a href="{LISTING}" class="btn btn-danger">Lihat Semua Peraturan</a></section>"""
    return _layout(site, "Beranda", body)


# --------------------------------------------------------------------------- the API

def _api(site: WorldSite, req: Request) -> Response:
    items = entries(site)
    base = req.base + API
    tail = req.path[len(API):].strip("/")
    if tail:
        e = next((x for x in items if str(x.id) == tail), None)
        if e is None:
            return _json({"message": "No query results for model [App\\Models\\Legislation]"}, 404)
        return _json(record(site, req.base, e))
    size = int(site.options.get("page_size", 4))
    page = page_number(req)
    last, shown = paginate(items, page, size)
    data = [record(site, req.base, e) for e in shown]
    shape = site.options.get("api_shape", "paginator")
    if shape == "list":
        return _json(data)

    def url(n: int | None) -> str | None:
        return f"{base}?{urlencode({'page': n})}" if n else None
    nxt, prev = (page + 1 if page < last else None), (page - 1 if page > 1 else None)
    frm = (page - 1) * size + 1 if data else None
    to = (page - 1) * size + len(data) if data else None
    if shape == "resource":
        return _json({"data": data,
                      "links": {"first": url(1), "last": url(last), "prev": url(prev),
                                "next": url(nxt)},
                      "meta": {"current_page": page, "from": frm, "last_page": last,
                               "path": base, "per_page": size, "to": to,
                               "total": len(items)}})
    links = ([{"url": url(prev), "label": "&laquo; Previous", "active": False}]
             + [{"url": url(n), "label": str(n), "active": n == page} for n in range(1, last + 1)]
             + [{"url": url(nxt), "label": "Next &raquo;", "active": False}])
    return _json({"current_page": page, "data": data, "first_page_url": url(1), "from": frm,
                  "last_page": last, "last_page_url": url(last), "links": links,
                  "next_page_url": url(nxt), "path": base, "per_page": size,
                  "prev_page_url": url(prev), "to": to, "total": len(items)})


def _json(payload, status: int = 200) -> Response:
    return Response(status, {"Content-Type": "application/json"},
                    json.dumps(payload, ensure_ascii=False).encode())


NOT_FOUND = ("<!DOCTYPE html><html><head><title>Not Found</title></head><body>"
             "<div class=\"flex-center\"><div class=\"code\">404</div>"
             "<div class=\"message\">Not Found</div></div></body></html>")


def render(site: WorldSite, req: Request) -> Response:
    path = req.path.rstrip("/") or "/"
    if path == "/":
        return html_response(_home(site))
    if path == API or path.startswith(API + "/"):
        mode = site.options.get("api", True)
        if mode is False:
            return html_response(NOT_FOUND, 404)
        if mode == "html":
            return html_response(_home(site))
        return _api(site, req)
    items = entries(site)
    if path.startswith("/storage/"):
        e = next((x for x in items if x.storage == path), None)
        if e is None:
            return html_response(NOT_FOUND, 404)
        return pdf_response(e.pdf)
    if path == LISTING:
        return html_response(_listing(site, req, items, "Peraturan Perundang-undangan"))
    if path.startswith(LISTING + "/"):
        parts = path[len(LISTING) + 1:].split("/")
        if len(parts) == 1:
            chosen = [e for e in items if e.category == parts[0]]
            if chosen:
                return html_response(_listing(site, req, chosen, chosen[0].jenis))
        elif len(parts) == 2:
            e = next((x for x in items if x.category == parts[0] and x.slug == parts[1]), None)
            if e is not None:
                return html_response(_detail(site, e))
    return html_response(NOT_FOUND, 404)


def start_path(site: WorldSite) -> str:
    return "/"
