"""The adoption tracker on the bundled demo data, driven in real headless Chromium: map, region
pages with evidence, matrix with filters and downloads, search, language toggle; plus the API,
feeds and upload."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from tests.support.browser import chromium_page, screenshot
from tests.webapp.conftest import free_port

REPO = Path(__file__).resolve().parents[2]
REAL = REPO / "tests" / "fixtures" / "real"


_free_port = free_port


@pytest.mark.browser
def test_map_region_page_and_evidence(live):
    base, _ = live
    with chromium_page() as page:
        page.goto(base + "/?indikator=pekerja_rentan_apbd")
        paths = page.locator("#peta path")
        assert paths.count() == 514
        assert page.locator('#peta path[data-kode="33.25"]').get_attribute("data-status") == "ada"
        # coloured: the fill of an "ada" region differs from a "tidak terpantau" one
        fill = lambda kode: page.eval_on_selector(f'#peta path[data-kode="{kode}"]',  # noqa: E731
                                                  "e => getComputedStyle(e).fill")
        assert fill("33.25") != fill("11.01")
        assert "1 dari 514 kabupaten/kota telah menerbitkan aturan" in page.locator("#counts").inner_text()
        screenshot(page, None, "peta-pekerja-rentan", full_page=False)
        page.goto(base + "/?indikator=inpres_2_2021")
        assert page.locator('#peta path[data-kode="33.24"]').get_attribute("data-status") == "diberitakan"
        assert page.locator('#peta path[data-kode="11.01"]').get_attribute("data-status") == "tidak_terpantau"
        page.locator('#peta path[data-kode="33.25"]').click()
        page.wait_for_url("**/wilayah/33.25")
        section = page.locator("#ind-pekerja_rentan_apbd")
        assert section.locator(".badge").get_attribute("data-status") == "ada"
        text = section.inner_text()
        assert "perbup/33.25/2024/30" in text and "Pasal 13" in text
        assert "mengalokasikan anggaran Iuran JKK dan JKM bagi Pekerja Rentan" in text
        assert "perbup/33.25/2025/20" in text  # the amendment
        # the clause that says it, its matched terms marked, and why the status is what it is
        first = section.locator(".clause").first
        assert "Pasal 13 ayat (1)" in first.inner_text()
        marks = first.locator("mark.term").all_inner_texts()
        assert "Pekerja Rentan" in marks and "keuangan Daerah" in marks
        why = section.locator("details.why")
        why.locator("summary").click()
        assert "Pasal 13 ayat (1) perbup/33.25/2024/30 memenuhi aturan" in why.inner_text()
        assert "Perda" not in first.inner_text()
        non_asn = page.locator("#ind-non_asn .clause").first.inner_text()
        assert "Pasal 22 ayat (3)" in non_asn and "non-pegawai negeri" in non_asn
        screenshot(page, None, "wilayah-batang")
        section.locator('a[href*="/dokumen/perbup/33.25/2024/30"]').first.click()
        page.wait_for_url("**/dokumen/perbup/33.25/2024/30*")
        assert page.locator("#pasal-13").count() == 1
        assert page.locator(".doctext mark.obligation").count() >= 3
        assert page.locator("code.sha").first.inner_text() == \
            __import__("hashlib").sha256((REAL / "sosial-perbup-30-2024.pdf").read_bytes()).hexdigest()
        assert "Diubah oleh" in page.locator("#relations").inner_text()
        page.goto(base + "/dokumen/perbup/33.25/2025/20")
        assert "OCR" in page.locator(".ocr-warning").first.inner_text()
        assert "Mengubah" in page.locator("#relations").inner_text()
        page.goto(base + "/wilayah/33.24")
        assert page.locator("#ind-inpres_2_2021 .badge").get_attribute("data-status") == "diberitakan"
        assert page.locator("#news li").count() == 2
        page.goto(base + "/wilayah/11.01")
        assert page.locator("#ind-inpres_2_2021 .badge").get_attribute("data-status") == "tidak_terpantau"


@pytest.mark.browser
def test_matrix_filters_sorting_and_downloads(live):
    base, app = live
    with chromium_page() as page:
        page.goto(base + "/matriks")
        assert page.locator("#matrix tbody tr").count() == 552
        page.select_option("#m-indicator", "pekerja_rentan_apbd")
        page.select_option("#m-status", "ada")
        page.click("form.filters button")
        page.wait_for_url("**/matriks?*")
        rows = page.locator("#matrix tbody tr")
        assert rows.count() == 1 and rows.first.get_attribute("data-kode") == "33.25"
        screenshot(page, None, "matriks-ada")
        page.select_option("#m-status", "")
        page.select_option("#m-indicator", "")
        page.select_option("#m-kind", "kota")
        page.click("form.filters button")
        assert page.locator("#matrix tbody tr").count() == 98
        page.click("#matrix thead th:nth-child(3) a")  # sort by document count
        page.click("#matrix thead th:nth-child(3) a")  # descending
        assert page.locator("#matrix tbody tr").first.get_attribute("data-kode") == "33.75"  # Pekalongan
        href = page.locator("#dl-csv").get_attribute("href")
    client = app.test_client()
    body = client.get(href).get_data(as_text=True)
    table = list(csv.reader(io.StringIO(body)))
    assert table[0][:3] == ["kode", "nama", "kind"] and len(table) == 99
    x = client.get("/matriks.xlsx?indikator=pekerja_rentan_apbd&status=ada")
    assert x.status_code == 200 and x.data[:2] == b"PK"
    from openpyxl import load_workbook
    ws = load_workbook(io.BytesIO(x.data)).active
    assert [c.value for c in next(ws.iter_rows(min_row=2, max_row=2))][:2] == ["33.25", "Kabupaten Batang"]


@pytest.mark.browser
def test_search_and_language_toggle(live):
    base, _ = live
    with chromium_page() as page:
        page.goto(base + "/")
        page.fill("#q", "iuran pekerja rentan")
        page.click("form.search button")
        page.wait_for_url("**/cari?*")
        assert "perbup/33.25/2024/30" in page.locator(".hit").first.inner_text()
        assert page.locator(".hit mark").count() > 0
        page.click("a.lang")
        assert page.locator("html").get_attribute("lang") == "en"
        assert "results for" in page.locator("#total").inner_text()
        page.goto(base + "/?indikator=pekerja_rentan_apbd")
        assert "1 of 514 regencies/cities have issued a rule" in page.locator("#counts").inner_text()
        screenshot(page, None, "beranda-en", full_page=False)
        page.click("a.lang")
        assert page.locator("html").get_attribute("lang") == "id"
        # keyboard: the map regions are links reachable by Tab
        assert page.locator("#peta a").first.get_attribute("href").startswith("/wilayah/")


def test_api_feeds_and_pages(live):
    _, app = live
    c = app.test_client()
    spec = c.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and "/api/v1/regions" in spec["paths"]
    regions = c.get("/api/v1/regions?per_page=100").get_json()
    assert regions["total"] == 552 and len(regions["items"]) == 100 and regions["next"]
    assert c.get(regions["next"]).get_json()["page"] == 2
    batang = c.get("/api/v1/regions/33.25").get_json()
    st = {s["indicator"]: s for s in batang["statuses"]}
    assert st["pekerja_rentan_apbd"]["status"] == "ada"
    assert any(e["reg_key"] == "perbup/33.25/2024/30" and e["pasal"] == "13"
               for e in st["pekerja_rentan_apbd"]["evidence"]["documents"])
    doc = c.get("/api/v1/documents/perbup/33.25/2024/30").get_json()
    assert doc["files"][0]["sha256"] and doc["sources"] and doc["facts"]
    assert c.get("/api/v1/documents/nope/x").status_code == 404
    assert c.get("/api/v1/documents?tahun=abc").status_code == 400
    facts = c.get("/api/v1/facts?reg_key=perbup/33.25/2024/30&kind=obligation").get_json()
    assert facts["total"] >= 3
    inds = c.get("/api/v1/indicators").get_json()
    assert {i["id"] for i in inds["items"]} >= {"inpres_2_2021", "pekerja_rentan_apbd"}
    ada = c.get("/api/v1/statuses?indicator=pekerja_rentan_apbd&status=ada").get_json()
    assert [r["kode"] for r in ada["items"]] == ["33.25"]
    for url in ("/feed/wilayah/33.25.atom", "/feed/provinsi/33.atom", "/feed/indikator/pekerja_rentan_apbd.atom"):
        r = c.get(url)
        assert r.status_code == 200 and r.mimetype == "application/atom+xml"
        titles = [e.text for e in ET.fromstring(r.data).iter("{http://www.w3.org/2005/Atom}title")]
        assert len(titles) >= 2, url
    for url in ("/metodologi", "/sumber", "/ekspor/documents.csv", "/ekspor/regions.json"):
        assert c.get(url).status_code == 200, url
    methodology = c.get("/metodologi").get_data(as_text=True)
    # the exact rule: a clause-level predicate with its terms
    assert "pekerja_rentan_apbd" in methodology and "\"employment\": true" in methodology
    assert "ANGGARAN_DAERAH" in methodology
    assert "demo-jdih-batang-feed" in c.get("/sumber").get_data(as_text=True)
    # archived copies: only a SHA-256 names a file; PDFs are sandboxed, the rest downloaded
    sha = doc["files"][0]["sha256"]
    r = c.get(f"/berkas/{sha}")
    assert r.status_code == 200 and r.data[:5] == b"%PDF-" and "sandbox" in r.headers["Content-Security-Policy"]
    for bad in ("../../etc/passwd", "%2e%2e%2fpantau.db", "0" * 63, sha.upper()):
        assert c.get(f"/berkas/{bad}").status_code == 404


def test_upload_needs_a_key_and_goes_through_the_pipeline(live, demo_settings):
    _, app = live
    from katalog import apikeys
    from katalog.db import Catalogue
    c = app.test_client()
    pdf = (REAL / "sosial-abstrak-perda-2-2023.pdf").read_bytes()
    form = lambda: {"file": (io.BytesIO(pdf), "surat.pdf"), "region": "33.25"}  # noqa: E731
    assert c.post("/api/v1/documents", data=form()).status_code == 401
    assert c.post("/api/v1/documents", data=form(), headers={"X-API-Key": "pnt_wrong"}).status_code == 401
    key = apikeys.create(Catalogue(demo_settings), "cabang-kendal")
    r = c.post("/api/v1/documents", data=form(), headers={"X-API-Key": key})
    assert r.status_code in (200, 201), r.get_data(as_text=True)
    assert r.get_json()["reg_key"] == "perda/33.25/2023/2"
    html_as_pdf = {"file": (io.BytesIO(b"<html><script>x</script></html>"), "x.pdf")}
    r = c.post("/api/v1/documents", data=html_as_pdf, headers={"X-API-Key": key})
    assert r.status_code == 415 and r.get_json()["error"]["reason"] == "not_pdf"
    assert apikeys.revoke(Catalogue(demo_settings), key[:12]) == 1
    assert c.post("/api/v1/documents", data=form(), headers={"X-API-Key": key}).status_code == 401


def test_pantau_run_serves_and_stops_on_sigterm(tmp_path):
    """The main job ends in the dashboard, which a plain SIGTERM (docker stop) must stop."""
    import signal
    import time
    import urllib.request
    data = tmp_path / "var"
    port = _free_port()
    env = {**os.environ, "PANTAU_DATA_DIR": str(data), "PANTAU_CONFIG": str(data / "none.toml"),
           "PANTAU_DEMO_PORT": str(_free_port())}
    proc = subprocess.Popen([sys.executable, "-m", "pantau_cli", "run", "--port", str(port)], env=env,
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while True:
            assert proc.poll() is None, "pantau run exited before serving"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/regions/33.25", timeout=5) as r:
                    body = json.loads(r.read())
                break
            except OSError:
                assert time.monotonic() < deadline, "dashboard never came up"
                time.sleep(1)
        assert {s["indicator"]: s["status"] for s in body["statuses"]}["pekerja_rentan_apbd"] == "ada"
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)  # raises TimeoutExpired if SIGTERM was ignored
    finally:
        if proc.poll() is None:
            proc.kill()
            raise AssertionError("pantau run ignored SIGTERM")
