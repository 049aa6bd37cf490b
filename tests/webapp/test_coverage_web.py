"""The coverage page and API after real crawls, in real headless Chromium: the home page states
national coverage, and every region shows its sources, last successful check, documents and
health, or why it is not covered."""

from __future__ import annotations

import threading

import pytest
import yaml
from werkzeug.serving import make_server

from katalog import importer
from katalog.db import Catalogue
from pantau import wilayah
from pantau.settings import load_settings
from tests.crawler.fixture_site import FixtureSite, closed_port, run_crawl
from tests.support.browser import chromium_page, screenshot

BATANG, KENDAL, ACEH_SELATAN = "33.25", "33.24", "11.01"
UNCOVERED_BY_BPK = {BATANG, KENDAL, ACEH_SELATAN}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """BPK for every region but three; Batang's own JDIH down in two crawls; Kendal's feed
    registered but never crawled; Aceh Selatan without any source."""
    tmp = tmp_path_factory.mktemp("coverage-web")
    settings = load_settings(data_dir=str(tmp / "var"), config_file=str(tmp / "none.toml"))
    cat = Catalogue(settings)
    cat.init()
    regions = [w.kode for w in wilayah.all_regions() if w.kode not in UNCOVERED_BY_BPK]
    with FixtureSite("bpk") as bpk:
        sources = tmp / "sources.yaml"
        sources.write_text(yaml.safe_dump({"sources": [
            {"name": "bpk", "kind": "bpk", "url": f"{bpk.base}/", "regions": regions + ["33.75"],
             "jenis": ["perwal"], "keywords": ["jaminan sosial"], "rate_limit": 0,
             "retry_backoff": 0.2},
            {"name": "jdih-batang", "kind": "jdih_cms:baghukum", "region": BATANG, "tags": ["sosial"],
             "url": f"http://127.0.0.1:{closed_port()}/", "rate_limit": 0, "retry_backoff": 0.1}]}),
            encoding="utf-8")
        first = run_crawl(sources, settings.data_dir)
        second = run_crawl(sources, settings.data_dir, only=["jdih-batang"])
    with cat.session() as s:
        importer.get_or_create_source(s, "jdih-kendal-feed", "jdihn_feed",
                                      "https://jdih.kendalkab.go.id/feed/document.json", KENDAL)
    app = _app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"base": f"http://127.0.0.1:{server.server_port}", "app": app, "cat": cat,
           "first": {r["name"]: r for r in first}, "second": second}
    server.shutdown()
    cat.dispose()


def _app(settings):
    from webapp import create_app
    return create_app(settings)


def test_the_crawls_did_what_the_page_will_show(crawled):
    assert crawled["first"]["bpk"]["status"] == "finished" and crawled["first"]["bpk"]["items"] > 0
    assert crawled["first"]["jdih-batang"]["errors"] > 0
    assert crawled["first"]["jdih-batang"]["items"] == 0


@pytest.mark.browser
def test_home_page_states_national_coverage_and_the_page_says_why(crawled):
    base = crawled["base"]
    with chromium_page() as page:
        page.goto(base + "/")
        line = page.locator("#coverage-line").inner_text()
        assert line == "549 dari 552 wilayah memiliki sumber yang berfungsi"
        page.locator("#coverage-line a").click()
        page.wait_for_url("**/cakupan")
        assert page.locator("#coverage tbody tr").count() == 552
        summary = page.locator("#coverage-summary").inner_text()
        assert summary.startswith("549 dari 552 wilayah")
        row = page.locator('#coverage tr[data-kode="33.75"]')  # Kota Pekalongan: BPK found a Perwal
        assert row.get_attribute("data-monitored") == "ya"
        assert row.locator('.source[data-source="bpk"]').get_attribute("data-working") == "ya"
        assert row.locator("td.count").inner_text() == "1"
        assert row.locator(".badge").get_attribute("data-health") == "ok"
        screenshot(page, None, "cakupan")
        page.select_option("#c-status", "tidak")
        page.click("form.filters button")
        page.wait_for_url("**/cakupan?*")
        rows = page.locator("#coverage tbody tr")
        assert rows.count() == 3
        reasons = {rows.nth(i).get_attribute("data-kode"): rows.nth(i).get_attribute("data-reason")
                   for i in range(3)}
        assert reasons == {BATANG: "sumber_mati", KENDAL: "belum_dijelajahi",
                           ACEH_SELATAN: "tanpa_sumber"}
        batang = page.locator(f'#coverage tr[data-kode="{BATANG}"]')
        text = batang.inner_text()
        assert "sumbernya tidak berfungsi sejak 20" in text
        assert batang.locator('.source[data-source="jdih-batang"]').get_attribute("data-working") \
            == "tidak"
        assert "tidak ada sumber yang mencakup wilayah ini" in \
            page.locator(f'#coverage tr[data-kode="{ACEH_SELATAN}"]').inner_text()
        screenshot(page, None, "cakupan-tidak-terpantau")
        # the coverage classes: what each region rests on (verified JDIH, generic, BPK only, none)
        page.goto(base + "/cakupan")
        assert page.locator('#coverage-classes [data-class="hanya_bpk"]').inner_text() == "549"
        assert page.locator('#coverage-classes [data-class="tanpa_sumber"]').inner_text() == "3"
        page.select_option("#c-class", "tanpa_sumber")
        page.click("form.filters button")
        page.wait_for_url("**kelas=tanpa_sumber*")
        assert sorted(page.locator("#coverage tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.kode)")) == sorted(UNCOVERED_BY_BPK)
        assert "tanpa sumber berfungsi" in page.locator(
            f'#coverage tr[data-kode="{BATANG}"] td.class').inner_text()
        assert page.locator("#coverage-json").get_attribute("href").endswith("class=tanpa_sumber")
        page.goto(base + "/cakupan?lang=en")
        assert page.locator("#coverage-summary").inner_text().startswith(
            "549 of 552 regions have a working source")
        page.goto(base + "/cakupan?lang=id")


def test_coverage_api(crawled):
    client = crawled["app"].test_client()
    body = client.get("/api/v1/coverage?monitored=false").get_json()
    assert body["summary"]["regions"] == 552 and body["summary"]["monitored"] == 549
    assert body["summary"]["by_reason"] == {"tanpa_sumber": 1, "belum_dijelajahi": 1,
                                            "sumber_mati": 1}
    assert body["total"] == 3
    batang = next(r for r in body["items"] if r["kode"] == BATANG)
    (own,) = [s for s in batang["sources"] if s["name"] == "jdih-batang"]
    assert (own["kind"], own["family"], own["working"]) == ("jdih_cms", "baghukum", False)
    assert batang["down_since"] == own["down_since"] and batang["down_since"]
    page = client.get("/api/v1/coverage?per_page=10&kind=kota&province=33").get_json()
    assert page["total"] == 6 and page["next"] is None
    assert all(r["monitored"] and r["sources"][0]["kind"] == "bpk" for r in page["items"])
    assert client.get("/api/v1/coverage?monitored=perhaps").status_code == 400
    assert client.get("/api/v1/coverage?reason=x").status_code == 400
    assert body["summary"]["by_class"] == {"jdih_terverifikasi": 0, "jdih_generik": 0,
                                           "hanya_bpk": 549, "hanya_berita": 0,
                                           "tanpa_sumber": 3}
    assert {r["cakupan"] for r in body["items"]} == {"tanpa_sumber"}
    bpk_only = client.get("/api/v1/coverage?class=hanya_bpk&per_page=5").get_json()
    assert bpk_only["total"] == 549 and "class=hanya_bpk" in bpk_only["next"]
    assert client.get("/api/v1/coverage?class=x").status_code == 400
    assert "/api/v1/coverage" in client.get("/api/v1/openapi.json").get_json()["paths"]
