"""JDIH Batang's CodeIgniter CMS ("baghukum-jdih"), rendered from a ``WorldSite``: the shape of
tests/fixtures/sites/baghukum/, which ``crawler.spiders.jdih_cms.BaghukumSpider`` reads.

- ``/`` (and ``/page/tag/<tag>``): the tag page; its inline script holds the ``api_key`` and
  ``slug: '<tag>'`` the AJAX listing needs (``options["tag"]``, default ``produk-hukum``;
  ``options["api_key"]``, default derived from the host);
- ``POST /page/load_data_dokumen_tag/<page>`` (``action=fetch_data``, ``pencarian``, ``slug``,
  ``api_key``): ``{"dokumen": "<cards>", "pagination_link": ...}``, ``options["page_size"]``
  cards a page (default 2), newest first; past the last page ``dokumen`` is empty; a wrong key or
  action answers 403. The slug ``""`` lists every document, another tag none;
- ``/page/detail/<slug>``: ``table.tb-detail`` (label / ":" / value) and the download button;
- ``/file/ph<nnnnnn>-<name>.pdf``: the document's PDF.

Everything names ``site.region_name``.
"""

from __future__ import annotations

import base64
import json
from html import escape
from urllib.parse import parse_qsl

from tests.crawler.world.model import Request, Response, WorldDoc, WorldSite
from tests.crawler.world.sites._common import (html_document, html_response, newest_first,
                                               pdf_response, slugify)

LISTING = "/page/load_data_dokumen_tag/"


def start_path(site: WorldSite) -> str:
    """Where the baghukum spider starts: the page that embeds the listing's key (a source's
    ``url``)."""
    return "/"


def tag(site: WorldSite) -> str:
    return site.options.get("tag", "produk-hukum")


def api_key(site: WorldSite) -> str:
    default = base64.b64encode(f"world-{site.host}-key".encode()).decode().rstrip("=")
    return site.options.get("api_key", default)


def short_title(doc: WorldDoc) -> str:
    """The card's title: ``Peraturan Bupati No. 30 Tahun 2024``."""
    return f"{doc.jenis} No. {doc.nomor} Tahun {doc.tahun}"


def detail_slug(doc: WorldDoc) -> str:
    return doc.slug or slugify(f"{doc.jenis} no {doc.nomor} tahun {doc.tahun} tentang {doc.judul}")


def file_path(site: WorldSite, doc: WorldDoc) -> str:
    n = site.docs.index(doc) + 1
    return f"/file/ph{n:06d}-{slugify(short_title(doc))}.pdf"


def render(site: WorldSite, req: Request) -> Response:
    if req.method == "POST" and req.path.startswith(LISTING):
        return _listing(site, req, req.path[len(LISTING):].strip("/"))
    if req.method not in ("GET", "HEAD"):
        return _not_found(site, req)
    if req.path == "/" or req.path.rstrip("/") == f"/page/tag/{tag(site)}":
        return _tag_page(site, req)
    if req.path.startswith("/page/detail/"):
        slug = req.path[len("/page/detail/"):].strip("/")
        doc = next((d for d in site.docs if detail_slug(d) == slug), None)
        if doc:
            return _detail(site, req, doc)
    if req.path.startswith("/file/"):
        doc = next((d for d in site.docs if file_path(site, d) == req.path), None)
        if doc:
            return pdf_response(doc.pdf)
    return _not_found(site, req)


# --------------------------------------------------------------------------- pages

def _tag_page(site: WorldSite, req: Request) -> Response:
    label = tag(site).replace("-", " ").title()
    body = f"""<div class="container">
	<div class="page-header"><h4 class="page-title">Dokumen Hukum dengan Tag: {escape(label)}</h4></div>
	<input type="text" class="form-control" id="pencarian" placeholder="Cari dokumen...">
	<div id="list-dokumen"></div>
	<div id="pagination_link"></div>
</div>
<script src="{req.base}/assets/plugins/jquery/jquery.min.js"></script>
<script type="text/javascript">
	var base_url = '{req.base}/';
	$(document).ready(function () {{
		load_data(1);
		function load_data(page) {{
			var pencarian = $('#pencarian').val();
			$.ajax({{
				url: base_url + "page/load_data_dokumen_tag/" + page,
				method: "POST",
				data: {{ action: 'fetch_data', pencarian: pencarian, slug: '{tag(site)}', api_key: '{api_key(site)}' }},
				dataType: "json",
				success: function (data) {{
					$('#list-dokumen').html(data.dokumen);
					$('#pagination_link').html(data.pagination_link);
				}}
			}});
		}}
		$(document).on('click', '.pagination li a', function (event) {{
			event.preventDefault();
			load_data($(this).data('ci-pagination-page'));
		}});
	}});
</script>"""
    return _page(site, req, f"Tag: {label} | JDIH {site.region_name}", body)


def _listing(site: WorldSite, req: Request, page_text: str) -> Response:
    form = dict(parse_qsl(req.body.decode("utf-8", "replace"), keep_blank_values=True))
    if form.get("action") != "fetch_data" or form.get("api_key") != api_key(site):
        return _json({"status": False, "message": "Akses ditolak"}, 403)
    page = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
    size = int(site.options.get("page_size", 2))
    docs = newest_first(site) if form.get("slug", "") in ("", tag(site)) else []
    shown = docs[(page - 1) * size: page * size]
    cards = "".join(_card(site, req, d) for d in shown)
    pager = "" if not shown else (
        f'<ul class="pagination"><li><a data-ci-pagination-page="{page + 1}">&rsaquo;</a>'
        f'</li></ul>')
    return _json({"dokumen": cards, "pagination_link": pager})


def _card(site: WorldSite, req: Request, doc: WorldDoc) -> str:
    return f"""<div class="card overflow-hidden br-0 mb-3">
	<div class="card-body p-3">
		<div class="card overflow-hidden br-0 border-0 box-shadow-0 mb-0">
			<h4 class="font-weight-semibold mb-1">{escape(short_title(doc))}</h4>
			<div class="d-flex flex-wrap text-muted fs-13">
				<span class="me-3"><i class="fa fa-file-text me-1"></i>{escape(doc.jenis)}</span>
				<span class="me-3"><i class="fa fa-calendar me-1"></i>{doc.tahun}</span>
				<span><i class="fa fa-tag me-1"></i>{escape(tag(site).replace("-", " ").title())}</span>
			</div>
		</div>
	</div>
	<div class="card-footer p-2">
		<a href="{req.base}/page/detail/{detail_slug(doc)}" class="btn btn-info btn-sm"><i class="fa fa-eye"></i> Detail</a>
			<a href="{req.base}{file_path(site, doc)}" class="btn btn-success btn-sm" target="_blank"><i class="fa fa-download"></i> Unduh</a>
	</div>
</div>
"""


def _detail(site: WorldSite, req: Request, doc: WorldDoc) -> Response:
    rows = [("Nomor Peraturan", doc.nomor),
            ("Judul", f"{doc.jenis} Nomor {doc.nomor} Tahun {doc.tahun} Tentang {doc.judul}"),
            ("Tahun Terbit", str(doc.tahun)),
            ("Jenis/Bentuk Peraturan", doc.jenis),
            ("Bidang", "Hukum"),
            ("OPD Pemrakarsa", "Bagian Hukum Setda"),
            ("Status Peraturan", "Berlaku")]
    if doc.tanggal:
        rows.insert(3, ("Tanggal Penetapan", doc.tanggal.isoformat()))
    table = "".join(f"""
				<tr>
					<td width="25%">{label}</td>
					<td width="2%">:</td>
					<td>{escape(value)}</td>
				</tr>""" for label, value in rows)
    body = f"""<div class="container">
	<div class="page-header"><h4 class="page-title">Detail Dokumen Hukum</h4></div>
	<div class="row">
		<div class="col-lg-8"><div class="card"><div class="card-body">
			<table class="table table-striped tb-detail">
			<tbody>{table}
			</tbody>
			</table>
		</div></div></div>
		<div class="col-lg-4"><div class="card"><div class="card-body">
			<a href="{req.base}{file_path(site, doc)}" class="btn btn-success btn-block" target="_blank"><i class="fa fa-download"></i> Download Dokumen</a>
			<a href="{req.base}/page/cetak/{detail_slug(doc)}" class="btn btn-secondary btn-block"><i class="fa fa-print"></i> Cetak</a>
		</div></div></div>
	</div>
</div>"""
    return _page(site, req, f"{short_title(doc)} | JDIH {site.region_name}", body)


def _not_found(site: WorldSite, req: Request) -> Response:
    body = ('<div class="container"><h1>404 Halaman tidak ditemukan</h1>'
            '<p>Halaman yang Anda cari tidak ditemukan.</p></div>')
    return _page(site, req, f"404 | JDIH {site.region_name}", body, status=404)


def _page(site: WorldSite, req: Request, page_title: str, body: str,
          status: int = 200) -> Response:
    """The CMS layout around ``body``: the logo naming the JDIH, the footer."""
    name = escape(f"JDIH {site.region_name}")
    head = f"""<title>{escape(page_title)}</title>
<link rel="stylesheet" href="{req.base}/assets/css/style.css">"""
    layout = f"""<div class="header"><a href="{req.base}/"><img src="{req.base}/assets/images/logo-jdih.png" alt="{name}"></a></div>
{body}
<footer class="footer">Bagian Hukum Setda {escape(site.region_name)}</footer>"""
    return html_response(html_document(lang="id", charset="utf-8", head=head, body=layout,
                                       body_attrs=' class="app"'), status, charset="utf-8")


# --------------------------------------------------------------------------- helpers

def _json(payload: dict, status: int = 200) -> Response:
    return Response(status, {"Content-Type": "application/json"},
                    json.dumps(payload).encode("utf-8"))
