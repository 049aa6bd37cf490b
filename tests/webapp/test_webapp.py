"""The minimal web app, driven in real headless Chromium against a real catalogue and embedded index."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from katalog import importer
from katalog.models import PageText
from indices.search.embedded import EmbeddedIndex
from tests.support.browser import chromium_page, screenshot
from webapp import create_app

XSS = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'


def _seed(cat):
    with cat.session() as s:
        doc = importer.upsert_document(s, "perbup/33.25/2024/30", {
            "jenis": "Peraturan Bupati", "jenis_code": "perbup", "nomor": "30", "tahun": 2024,
            "region_code": "33.25", "tentang": "Jaminan Sosial Ketenagakerjaan Bagi Pekerja Rentan",
            "judul": "Peraturan Bupati Batang Nomor 30 Tahun 2024"}, origin="feed").document
        f, _ = importer.upsert_file(s, "a" * 64, media_type="application/pdf", size=10)
        importer.attach_file(s, f, doc)
        f.page_texts.append(PageText(page=1, method="text", quality=1.0,
                                     text="Pemerintah Daerah mengalokasikan anggaran iuran JKK dan JKM "
                                          "bagi Pekerja Rentan paling lambat 31 Desember."))
        importer.add_sighting(s, doc, "http://127.0.0.1:9/detail/30")
        evil = importer.upsert_document(s, "perbup/33.24/2023/1", {
            "jenis_code": "perbup", "region_code": "33.24", "tentang": "Pekerja rentan " + XSS,
            "judul": XSS}, origin="feed").document
        importer.add_sighting(s, evil, "http://127.0.0.1:9/detail/1")
    EmbeddedIndex.for_catalogue(cat).sync(cat)


@pytest.fixture
def live_app(sqlite_catalogue):
    _seed(sqlite_catalogue)
    app = create_app(sqlite_catalogue.settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_security_headers_and_no_trace(sqlite_catalogue):
    app = create_app(sqlite_catalogue.settings)
    client = app.test_client()
    resp = client.get("/")
    assert resp.status_code == 200
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"
    assert client.get("/wilayah/99.99").status_code == 404
    assert client.get("/dokumen/../../etc/passwd").status_code == 404
    assert client.get("/cari?q=%22unbalanced").status_code == 200  # bad FTS syntax is no error


@pytest.mark.browser
def test_regions_page_search_and_language_in_chromium(live_app, tmp_path):
    with chromium_page() as page:
        page.goto(live_app + "/")
        assert page.locator("#regions tbody tr").count() == 552
        row = page.locator('tr[data-kode="33.25"]')
        assert row.locator("td.count").inner_text() == "1"
        assert "Kabupaten Batang" in row.inner_text()
        assert "1 dengan dokumen" not in page.locator("#summary").inner_text()  # 2 regions have docs
        assert "552 wilayah (2 dengan dokumen)" in page.locator("#summary").inner_text()
        screenshot(page, None, "beranda")
        page.fill("#q", "iuran jkk pekerja rentan")
        page.click("form.search button")
        page.wait_for_url("**/cari?q=*")
        assert page.locator(".hit").count() == 1
        assert "perbup/33.25/2024/30" in page.locator(".hit").first.inner_text()
        marks = page.locator(".hit mark").all_inner_texts()
        assert {m.lower() for m in marks} >= {"iuran", "jkk", "pekerja", "rentan"}
        screenshot(page, None, "cari")
        page.click("a.lang")  # the English toggle keeps the query
        assert "1 results for" in page.locator("#total").inner_text()
        page.click("a.lang")
        assert "1 hasil untuk" in page.locator("#total").inner_text()
        page.click(".hit a")
        assert "http://127.0.0.1:9/detail/30" in page.locator(".sources").inner_text()
        page.goto(live_app + "/?lang=en")
        assert "regions" in page.locator("#summary").inner_text()
        page.goto(live_app + "/")  # the choice is remembered
        assert "Search" == page.locator("form.search button").inner_text()


@pytest.mark.browser
def test_xss_in_titles_and_text_is_inert(live_app):
    with chromium_page() as page:
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in ("/wilayah/33.24", "/dokumen/perbup/33.24/2023/1", "/cari?q=pekerja+rentan"):
            page.goto(live_app + path)
            assert page.evaluate("window.__pwned") is None, path
            assert page.locator("img[src=x]").count() == 0, path
        assert "<script>" in page.locator("main").inner_text()  # shown as text, not run
        assert dialogs == []
