"""The web app under hostile content and hostile requests: XSS payloads in titles, texts, facts,
file names and source URLs are escaped on every page, feed and export; path-traversal and
header-injection attempts get a 404 or a clean answer; every page type carries the security
headers; search and the API are rate limited (429 with Retry-After)."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from katalog import importer
from katalog.blobs import BlobStore
from katalog.models import Fact, PageText
from indices.search.embedded import EmbeddedIndex
from tests.conftest import REAL
from webapp import create_app, ratelimit

PAYLOADS = ['<script>alert("xss1")</script>', '"><img src=x onerror=alert("xss2")>',
            "'><svg/onload=alert('xss3')>", "javascript:alert('xss4')", "</textarea><script>x5</script>",
            "=HYPERLINK(\"http://evil\")", "{{7*7}}${7*7}", "\u202egnp.exe"]
EVIL = " ".join(PAYLOADS)
RAW_MARKERS = ['<script>alert("xss1")', '<img src=x onerror', "<svg/onload", "<script>x5",
               'href="javascript:', "href='javascript:"]
KEY = "perbup/33.24/2023/1"


@pytest.fixture
def app(sqlite_catalogue):
    cat = sqlite_catalogue
    pdf = (REAL / "sosial-perbup-30-2024.pdf").read_bytes()
    sha, _ = BlobStore(cat.settings.blob_dir).put(pdf)
    with cat.session() as s:
        doc = importer.upsert_document(s, KEY, {
            "jenis": "Peraturan Bupati " + PAYLOADS[0], "jenis_code": "perbup", "nomor": "1",
            "tahun": 2023, "region_code": "33.24", "tentang": "Pekerja rentan " + EVIL,
            "judul": EVIL, "status": PAYLOADS[1]}, origin="feed").document
        f, _ = importer.upsert_file(s, sha, media_type="application/pdf", size=len(pdf),
                                    filename='../../<script>x5</script>\r\nSet-Cookie: a=b.pdf')
        importer.attach_file(s, f, doc)
        f.page_texts.append(PageText(page=1, method="text", quality=1.0,
                                     text="Pasal 1\nSetiap Pemberi Kerja wajib mendaftarkan " + EVIL))
        s.flush()
        s.add(Fact(document_id=doc.id, file_sha256=sha, kind="obligation", pasal="1", page=1,
                   start=8, end=60, text=EVIL, data={"modality": PAYLOADS[2], "bearer": EVIL},
                   extractor_version="uji"))
        importer.add_sighting(s, doc, "javascript:alert('xss4')", file_sha256=sha,
                              record={"judul": EVIL})
    EmbeddedIndex.for_catalogue(cat).sync(cat)
    application = create_app(replace(cat.settings, rate_limit="off", export_rate_limit="off"))
    application.config["TEST_SHA"] = sha
    return application


def page_types(sha: str) -> list[str]:
    return ["/", "/matriks", "/cari?q=pekerja", "/cari?q=" + "%3Cscript%3Ealert(1)%3C/script%3E",
            "/wilayah/33.24", f"/dokumen/{KEY}", f"/berkas/{sha}", "/metodologi", "/sumber",
            "/feed/wilayah/33.24.atom", "/feed/provinsi/33.atom", "/ekspor/documents.csv",
            "/ekspor/facts.json", "/matriks.csv", "/api/v1/regions", f"/api/v1/documents/{KEY}",
            "/api/v1/search?q=pekerja", "/api/v1/openapi.json", "/tidak-ada", "/wilayah/99.99"]


def test_security_headers_on_every_page_type(app):
    client = app.test_client()
    for path in page_types(app.config["TEST_SHA"]):
        resp = client.get(path)
        assert resp.status_code in (200, 404), (path, resp.status_code)
        csp = resp.headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in csp, path
        assert "default-src" in csp or "sandbox" in csp, path
        assert resp.headers["X-Content-Type-Options"] == "nosniff", path
        assert resp.headers["Referrer-Policy"] == "same-origin", path
        assert resp.headers["X-Frame-Options"] == "DENY", path


def test_payloads_are_escaped_everywhere(app):
    client = app.test_client()
    for path in page_types(app.config["TEST_SHA"]):
        resp = client.get(path)
        if path.startswith("/berkas/"):
            assert resp.data.startswith(b"%PDF")
            assert "Set-Cookie" not in resp.headers and "script" not in resp.headers.get(
                "Content-Disposition", "")
            continue
        body = resp.get_data(as_text=True)
        if resp.mimetype in ("application/json", "text/csv"):
            # data, not markup: the raw text is the right content; it is never rendered (nosniff)
            assert resp.headers["X-Content-Type-Options"] == "nosniff"
        else:
            for marker in RAW_MARKERS:
                assert marker not in body, (path, marker)
        if path.endswith(".atom"):
            ET.fromstring(resp.data)  # well-formed whatever the titles hold
        if path.endswith(".csv"):
            for row in csv.reader(io.StringIO(body)):
                assert not any(c[:1] in ("=", "+", "-", "@") and len(c) > 1 and not c[1:].replace(".", "").isdigit()
                               for c in row), row
    body = client.get(f"/dokumen/{KEY}").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in body  # shown as text, not dropped


@pytest.mark.parametrize("path", [
    "/berkas/../../etc/passwd", "/berkas/..%2f..%2fetc%2fpasswd", "/berkas/%2e%2e%2f%2e%2e%2fpantau.db",
    "/berkas/" + "a" * 64 + "%00.pdf", "/berkas/" + "A" * 64, "/dokumen/../../etc/passwd",
    "/dokumen/..%2f..%2f..%2fetc%2fpasswd", "/wilayah/..%2f..%2fpantau.db", "/ekspor/../pantau.db",
    "/ekspor/documents.csv%00.sh", "/static/../pantau.db", "/static/..%2f..%2fpantau.db",
    "/static/%2e%2e/%2e%2e/pantau.db", "/api/v1/documents/..%2f..%2fetc%2fpasswd",
    "/api/v1/regions/..%2F..%2Fpantau.db", "/matriks.db", "/" + "a/" * 2000,
])
def test_path_traversal_reaches_nothing(app, path):
    resp = app.test_client().get(path)
    assert resp.status_code in (400, 404, 405), (path, resp.status_code)
    assert b"SQLite format" not in resp.data and b"root:" not in resp.data


@pytest.mark.parametrize("path", [
    "/cari?q=%0d%0aX-Injected:%201", "/cari?q=a%0aSet-Cookie:%20x=1&page=%0d%0aX-Injected:1",
    "/api/v1/documents?region=%0d%0aX-Injected:%201&per_page=1", "/api/v1/search?q=%0d%0aX-Injected:1",
    "/api/v1/regions?kind=%0d%0aLocation:%20http://evil&per_page=1", "/?lang=%0d%0aX-Injected:1",
    "/wilayah/33.24?lang=en%0d%0aSet-Cookie:x=1",
])
def test_header_injection_is_inert(app, path):
    resp = app.test_client().get(path)
    assert resp.status_code < 500
    assert "X-Injected" not in resp.headers and "Location" not in resp.headers
    assert all("\r" not in v and "\n" not in v for _, v in resp.headers.items())
    assert not any(k == "Set-Cookie" and "x=1" in v for k, v in resp.headers.items())


# ---- rate limiting (Flask-Limiter; sharing across gunicorn workers: tests/deploy/test_serving.py)

def limited_app(catalogue, **limits):
    return create_app(replace(catalogue.settings, **limits))


def test_search_and_api_are_rate_limited_per_client(sqlite_catalogue):
    client = limited_app(sqlite_catalogue, rate_limit="5/minute").test_client()
    codes = [client.get("/api/v1/regions?per_page=1").status_code for _ in range(5)]
    assert codes == [200] * 5
    resp = client.get("/api/v1/indicators")  # one bucket for search and the whole API
    assert resp.status_code == 429
    assert 1 <= int(resp.headers["Retry-After"]) <= 60
    assert resp.get_json()["error"]["code"] == 429
    assert "frame-ancestors" in resp.headers["Content-Security-Policy"]
    page = client.get("/cari?q=pekerja")
    assert page.status_code == 429 and page.headers["Retry-After"]
    assert "Terlalu banyak permintaan" in page.get_data(as_text=True)
    assert client.get("/").status_code == 200  # pages and files are not limited
    assert client.get("/ekspor/regions.json").status_code == 200  # exports have their own limit
    other = client.get("/api/v1/regions?per_page=1", environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code == 200  # another client has its own bucket


def test_bulk_exports_are_rate_limited(sqlite_catalogue):
    client = limited_app(sqlite_catalogue, export_rate_limit="2/minute").test_client()
    assert [client.get(p).status_code for p in ("/ekspor/regions.json", "/ekspor/documents.csv")] \
        == [200, 200]
    assert client.get("/ekspor/facts.json").status_code == 429
    assert client.get("/matriks.csv").status_code == 429  # the matrix download is an export too
    assert client.get("/api/v1/regions?per_page=1").status_code == 200


def test_forwarded_for_is_trusted_only_behind_a_configured_proxy(sqlite_catalogue):
    def codes(app, n):
        client = app.test_client()
        return [client.get("/api/v1/indicators", headers={"X-Forwarded-For": f"10.0.0.{i}"})
                .status_code for i in range(n)]
    # no proxy configured: a forged header does not make a new client
    assert codes(limited_app(sqlite_catalogue, rate_limit="3/minute"), 4) == [200] * 3 + [429]
    behind = limited_app(sqlite_catalogue, rate_limit="3/minute", proxy_fix=1)
    assert codes(behind, 6) == [200] * 6  # each forwarded address is its own client
    # the feed's absolute links name the public scheme and host only when the proxy is trusted
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "pantau.example"}
    assert 'href="https://pantau.example/feed/wilayah/33.24.atom"' in behind.test_client().get(
        "/feed/wilayah/33.24.atom", headers=forwarded).get_data(as_text=True)
    direct = limited_app(sqlite_catalogue).test_client().get("/feed/wilayah/33.24.atom",
                                                             headers=forwarded)
    assert "pantau.example" not in direct.get_data(as_text=True)


def test_rate_limit_off_for_benchmarks(sqlite_catalogue):
    client = limited_app(sqlite_catalogue, rate_limit="off", export_rate_limit="off").test_client()
    assert all(client.get("/api/v1/indicators").status_code == 200 for _ in range(300))
    assert all(client.get("/ekspor/regions.csv").status_code == 200 for _ in range(20))


def test_rate_limit_strings_are_checked_at_start_up(sqlite_catalogue):
    assert ratelimit.parse("60/minute") == "60/minute" and ratelimit.parse("off") is None
    assert ratelimit.parse("5/second;100/hour") == "5/second;100/hour"
    with pytest.raises(ValueError, match="lots"):
        limited_app(sqlite_catalogue, rate_limit="lots")


@pytest.mark.parametrize("path", [
    "/cari?q=pekerja&page=99999999999999999", "/api/v1/search?q=pekerja&page=99999999999999999",
    "/api/v1/documents?page=99999999999999999999", "/api/v1/documents?tahun=99999999999999999999",
    "/api/v1/facts?page=-5&per_page=99999999999", "/cari?q=" + "(" * 5000, "/cari?q=%22" * 3000,
])
def test_huge_numbers_and_queries_are_no_error(app, path):
    # a huge page once made the embedded engine allocate offset+limit slots and abort the process
    assert app.test_client().get(path).status_code in (200, 400)
