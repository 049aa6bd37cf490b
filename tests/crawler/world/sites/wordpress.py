"""A Bagian Hukum's WordPress site, rendered from a ``WorldSite``. There is no spider of its own:
discovery crawls it with the generic listing spider (home page or sitemap, the listing's pages,
the PDF links whose row names a regulation).

- ``/``: the home page (``generator`` meta, the ``wp-json`` link, theme files under
  ``/wp-content/``), the site title "JDIH <region>", the newest posts;
- ``/produk-hukum/`` (``/produk-hukum/page/N/``): the page listing the posts,
  ``options["page_size"]`` a page (default 2), newest first, a ``next page-numbers`` link;
- ``/<yyyy>/<mm>/<slug>/``: one post per document, titled like the regulation, with a file block
  linking ``/wp-content/uploads/<yyyy>/<mm>/<file>.pdf`` (the document's PDF);
- ``/sitemap.xml``: 301 to WordPress core's ``/wp-sitemap.xml`` (an index of
  ``/wp-sitemap-posts-post-1.xml`` and ``/wp-sitemap-posts-page-1.xml``);
- ``/wp-json/``: the REST index's name and description.

A post is dated ``doc.tanggal``, or else the first of a month of ``doc.tahun`` picked by its
place in ``site.docs``. Everything names ``site.region_name``.
"""

from __future__ import annotations

import json
import re
from datetime import date
from html import escape

from tests.crawler.world.model import Request, Response, WorldDoc, WorldSite
from tests.crawler.world.sites._common import (html_document, html_response, newest_first,
                                               paginate, pdf_response, sitemap_xml, slugify,
                                               title, xml_response)

GENERATOR = "WordPress 6.5.3"
LISTING = "/produk-hukum/"


def start_path(site: WorldSite) -> str:
    """Where a crawl of the site starts: its home page (the generic spider's entry)."""
    return "/"


def post_date(site: WorldSite, doc: WorldDoc) -> date:
    return doc.tanggal or date(doc.tahun, 1 + site.docs.index(doc) % 12, 1)


def post_path(site: WorldSite, doc: WorldDoc) -> str:
    d = post_date(site, doc)
    slug = doc.slug or slugify(f"{doc.jenis} nomor {doc.nomor} tahun {doc.tahun} "
                               f"tentang {doc.judul}")
    return f"/{d.year}/{d.month:02d}/{slug}/"


def upload_path(site: WorldSite, doc: WorldDoc) -> str:
    d = post_date(site, doc)
    name = slugify(f"{doc.jenis} no {doc.nomor} tahun {doc.tahun}")
    return f"/wp-content/uploads/{d.year}/{d.month:02d}/{name}.pdf"


def render(site: WorldSite, req: Request) -> Response:
    if req.method not in ("GET", "HEAD"):
        return _not_found(site, req, 405)
    path = req.path
    if path in ("/", "/index.php"):
        return _home(site, req)
    if path == "/sitemap.xml":
        return Response(301, {"Location": f"{req.base}/wp-sitemap.xml",
                              "Content-Type": "text/html; charset=UTF-8"}, b"")
    if path == "/wp-sitemap.xml":
        return _sitemap_index(req)
    if path == "/wp-sitemap-posts-post-1.xml":
        return _urlset([(f"{req.base}{post_path(site, d)}", post_date(site, d))
                        for d in newest_first(site)])
    if path == "/wp-sitemap-posts-page-1.xml":
        return _urlset([(f"{req.base}/", None), (f"{req.base}{LISTING}", None)])
    if path in ("/wp-json", "/wp-json/"):
        return _json({"name": f"JDIH {site.region_name}",
                      "description": f"Bagian Hukum Setda {site.region_name}",
                      "url": req.base, "home": req.base, "namespaces": ["wp/v2"]})
    if path in (LISTING, LISTING.rstrip("/")):
        return _listing(site, req, 1)
    m = re.fullmatch(r"/produk-hukum/page/(\d+)/?", path)
    if m and int(m.group(1)) >= 1:
        return _listing(site, req, int(m.group(1)))
    for doc in site.docs:
        if path in (post_path(site, doc), post_path(site, doc).rstrip("/")):
            return _post(site, req, doc)
        if path == upload_path(site, doc):
            return pdf_response(doc.pdf)
    return _not_found(site, req)


# --------------------------------------------------------------------------- pages

def _home(site: WorldSite, req: Request) -> Response:
    recent = "".join(f'<li><a href="{req.base}{post_path(site, d)}">{escape(title(site, d))}</a></li>'
                     for d in newest_first(site)[:5])
    body = f"""<div class="entry-content">
<h2>Selamat datang di JDIH {escape(site.region_name)}</h2>
<p>Jaringan Dokumentasi dan Informasi Hukum Bagian Hukum Sekretariat Daerah
{escape(site.region_name)}.</p>
<p><a href="{req.base}{LISTING}">Lihat semua produk hukum</a></p>
</div>
<section class="widget widget_recent_entries"><h2 class="widget-title">Pos-pos Terbaru</h2>
<ul>{recent}</ul></section>"""
    return _page(site, req, f"JDIH {site.region_name} &#8211; Bagian Hukum Setda "
                            f"{escape(site.region_name)}", body, "home")


def _listing(site: WorldSite, req: Request, page: int) -> Response:
    size = int(site.options.get("page_size", 2))
    docs = newest_first(site)
    pages, shown = paginate(docs, page, size)
    if page > pages:
        return _not_found(site, req)
    posts = "".join(f"""
<article class="post type-post status-publish format-standard hentry category-produk-hukum">
<header class="entry-header"><h2 class="entry-title"><a href="{req.base}{post_path(site, d)}" rel="bookmark">{escape(title(site, d))}</a></h2>
<div class="entry-meta"><time class="entry-date published" datetime="{post_date(site, d).isoformat()}">{post_date(site, d).isoformat()}</time></div></header>
<div class="entry-summary"><p>{escape(d.jenis)} Nomor {escape(d.nomor)} Tahun {d.tahun} tentang {escape(d.judul)}</p></div>
</article>""" for d in shown)

    def link(n: int) -> str:
        return f"{req.base}{LISTING}" if n == 1 else f"{req.base}{LISTING}page/{n}/"
    nav = []
    if page > 1:
        nav.append(f'<a class="prev page-numbers" href="{link(page - 1)}">&laquo; Sebelumnya</a>')
    for n in range(1, pages + 1):
        nav.append(f'<span aria-current="page" class="page-numbers current">{n}</span>'
                   if n == page else f'<a class="page-numbers" href="{link(n)}">{n}</a>')
    if page < pages:
        nav.append(f'<a class="next page-numbers" href="{link(page + 1)}">Berikutnya &raquo;</a>')
    body = f"""<header class="page-header"><h1 class="page-title">Produk Hukum</h1></header>
{posts}
<nav class="navigation pagination" aria-label="Pos"><h2 class="screen-reader-text">Navigasi pos</h2>
<div class="nav-links">{"".join(nav)}</div></nav>"""
    return _page(site, req, f"Produk Hukum &#8211; JDIH {escape(site.region_name)}", body,
                 "page-template-default page")


def _post(site: WorldSite, req: Request, doc: WorldDoc) -> Response:
    pdf = f"{req.base}{upload_path(site, doc)}"
    name = pdf.rsplit("/", 1)[-1]
    when = post_date(site, doc)
    body = f"""<article class="post type-post status-publish format-standard hentry category-produk-hukum">
<header class="entry-header"><h1 class="entry-title">{escape(title(site, doc))}</h1>
<div class="entry-meta"><time class="entry-date published" datetime="{when.isoformat()}">{when.isoformat()}</time></div></header>
<div class="entry-content">
<p>{escape(doc.jenis)} Nomor {escape(doc.nomor)} Tahun {doc.tahun} tentang {escape(doc.judul)}.</p>
<div class="wp-block-file"><a id="wp-block-file--media-{site.docs.index(doc) + 1}" href="{pdf}">{escape(name)}</a><a href="{pdf}" class="wp-block-file__button wp-element-button" download aria-describedby="wp-block-file--media-{site.docs.index(doc) + 1}">Unduh</a></div>
</div>
</article>"""
    return _page(site, req, f"{escape(title(site, doc))} &#8211; JDIH {escape(site.region_name)}",
                 body, "post-template-default single single-post")


def _not_found(site: WorldSite, req: Request, status: int = 404) -> Response:
    body = """<section class="error-404 not-found"><header class="page-header">
<h1 class="page-title">Halaman tidak ditemukan</h1></header>
<div class="page-content"><p>Sepertinya tidak ada yang ditemukan di lokasi ini.</p></div></section>"""
    return _page(site, req, f"Halaman tidak ditemukan &#8211; JDIH {escape(site.region_name)}",
                 body, "error404", status)


def _page(site: WorldSite, req: Request, page_title: str, body: str, body_class: str,
          status: int = 200) -> Response:
    """The theme around ``body``; ``page_title`` is already HTML (WordPress writes &#8211;)."""
    name = escape(f"JDIH {site.region_name}")
    head = f"""<title>{page_title}</title>
<meta name="generator" content="{GENERATOR}">
<link rel="https://api.w.org/" href="{req.base}/wp-json/">
<link rel="alternate" type="application/rss+xml" title="{name} &raquo; Feed" href="{req.base}/feed/">
<link rel="stylesheet" id="astra-theme-css-css" href="{req.base}/wp-content/themes/astra/assets/css/minified/main.min.css?ver=4.6.4" media="all">
<script src="{req.base}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>"""
    layout = f"""<div id="page" class="hfeed site">
<header id="masthead" class="site-header"><div class="site-branding">
<p class="site-title"><a href="{req.base}/" rel="home">{name}</a></p>
<p class="site-description">Bagian Hukum Setda {escape(site.region_name)}</p></div>
<nav class="main-navigation"><ul id="primary-menu" class="menu">
<li class="menu-item"><a href="{req.base}/">Beranda</a></li>
<li class="menu-item"><a href="{req.base}{LISTING}">Produk Hukum</a></li></ul></nav>
</header>
<div id="content" class="site-content"><main id="main" class="site-main">
{body}
</main></div>
<footer class="site-footer"><div class="site-info">&copy; {name} | Ditenagai oleh WordPress</div></footer>
</div>"""
    return html_response(html_document(lang="id-ID", charset="UTF-8", head=head, body=layout,
                                       body_attrs=f' class="{body_class}"'), status)


def _sitemap_index(req: Request) -> Response:
    maps = "".join(f"<sitemap><loc>{req.base}/wp-sitemap-{kind}-1.xml</loc></sitemap>"
                   for kind in ("posts-post", "posts-page"))
    return xml_response(sitemap_xml("sitemapindex", maps) + "\n")


def _urlset(urls: list[tuple[str, date | None]]) -> Response:
    entries = "".join(f"<url><loc>{escape(u)}</loc>"
                      + (f"<lastmod>{d.isoformat()}</lastmod>" if d else "") + "</url>"
                      for u, d in urls)
    return xml_response(sitemap_xml("urlset", entries) + "\n")


# --------------------------------------------------------------------------- helpers

def _json(payload: dict) -> Response:
    return Response(200, {"Content-Type": "application/json; charset=UTF-8"},
                    json.dumps(payload).encode("utf-8"))
