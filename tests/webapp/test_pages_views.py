"""The three users' views on the bundled demo, in real headless Chromium (issue 16): a map that
zooms to a province (with and without JavaScript), a province page rolling up its kabupaten/kota,
Apeksi's 98 cities with their export, the journalists' list with citations and permalinks, the
comparison, search tabs, the document page in words, a fully English page, axe-core on every page
type, and a keyboard-only path map → region → evidence → document. The README's pictures are
taken here: into docs/img with ``make pictures`` (PANTAU_README_PICTURES=1), otherwise into
test-artifacts/ so a test run leaves the tracked files alone."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path
from urllib.parse import urlparse
from xml.etree import ElementTree as ET

import pytest

from tests.support.browser import axe_violations, chromium_page, screenshot

REPO = Path(__file__).resolve().parents[2]
README_PICTURES = REPO / "docs" / "img" if os.environ.get("PANTAU_README_PICTURES") else None
ATOM = "{http://www.w3.org/2005/Atom}"


def _api(app, url):
    return app.test_client().get(url).get_json()


def _codes_with(app, indicator, status, **filters):
    q = "&".join(f"{k}={v}" for k, v in filters.items())
    body = _api(app, f"/api/v1/statuses?indicator={indicator}&status={status}&per_page=200&{q}")
    return {r["kode"] for r in body["items"]}


def _view_box(page) -> list[float]:
    return [float(x) for x in page.locator("#peta").get_attribute("data-view-box").split()]


@pytest.mark.browser
def test_map_zooms_to_a_province_with_markers_counts_and_pan_zoom(live):
    base, app = live
    with chromium_page(javascript=False) as page:  # a reader without JavaScript
        page.goto(base + "/?indikator=pekerja_rentan_apbd")
        national = _view_box(page)
        assert page.locator("#peta a.region").count() == 514
        markers = page.locator("#peta circle.marker")
        assert 30 <= markers.count() <= 120  # the ~70 kabupaten/kota under a few units wide
        assert page.locator('#peta circle.marker[data-kode="31.71"]').count() == 1  # Jakarta Pusat
        # the legend labels each colour with the number of regions drawn in it
        legend = {li.get_attribute("data-status"): int(li.locator(".n").inner_text())
                  for li in page.locator("#legend li[data-status]").all()}
        assert sum(legend.values()) == 514
        assert legend["ada"] == len(_codes_with(app, "pekerja_rentan_apbd", "ada") - {"33"}) == 1
        assert page.locator("[data-map-tools]").is_hidden()  # no buttons that would do nothing

        page.select_option("#f-province", "33")
        page.click("form.filters button")
        page.wait_for_url("**provinsi=33*")
        zoomed = _view_box(page)
        assert zoomed[2] < national[2] / 8  # Jawa Tengah fills the view
        shown = {a.get_attribute("href").rsplit("/", 1)[1] for a in page.locator("#peta a.region").all()}
        jateng = {r["kode"] for r in _api(app, "/api/v1/regions?province=33&per_page=200")["items"]} - {"33"}
        assert shown == jateng and len(shown) == 35
        assert page.locator("#peta .context path").count() > 0  # neighbours drawn for orientation
        batang = page.locator('#peta path[data-kode="33.25"]')
        assert batang.get_attribute("data-status") == "ada"
        box = batang.bounding_box()
        assert box["width"] > 40  # big enough to click now, where it was ~8 px nationally
        legend = {li.get_attribute("data-status"): int(li.locator(".n").inner_text())
                  for li in page.locator("#legend li[data-status]").all()}
        assert sum(legend.values()) == 35 and legend["ada"] == 1
        screenshot(page, README_PICTURES, "peta-jawa-tengah", full_page=False)
        batang.click()
        page.wait_for_url("**/wilayah/33.25")

    with chromium_page() as page:  # with JavaScript: svg-pan-zoom adds pan and zoom
        page.goto(base + "/?indikator=pekerja_rentan_apbd")
        page.wait_for_selector("#peta[data-zoomable]")
        assert page.locator("[data-map-tools]").is_visible()
        viewport = page.locator("#peta .svg-pan-zoom_viewport")
        before = viewport.get_attribute("transform") or viewport.get_attribute("style")
        width_before = page.locator('#peta path[data-kode="33.25"]').bounding_box()["width"]
        page.click('[data-zoom="in"]')
        page.click('[data-zoom="in"]')
        page.wait_for_timeout(300)
        assert (viewport.get_attribute("transform") or viewport.get_attribute("style")) != before
        assert page.locator('#peta path[data-kode="33.25"]').bounding_box()["width"] > 1.5 * width_before
        page.click('[data-zoom="reset"]')
        screenshot(page, README_PICTURES, "peta", full_page=False)


@pytest.mark.browser
def test_province_page_rolls_up_its_kabupaten_kota(live):
    base, app = live
    with chromium_page() as page:
        page.goto(base + "/wilayah/33")
        assert page.locator("#rollup").count() == 1
        assert "35 kabupaten/kota" in page.locator("#rollup-summary").inner_text()
        for ind in ("inpres_2_2021", "non_asn", "pekerja_rentan_apbd"):
            row = page.locator(f'#rollup-table tr[data-indicator="{ind}"]')
            counts = {td.get_attribute("data-status"): int(td.inner_text())
                      for td in row.locator("td").all()}
            assert sum(counts.values()) == 35
            for status in ("ada", "diberitakan", "belum_ditemukan"):
                assert counts[status] == len(_codes_with(app, ind, status, province="33") - {"33"}), (ind, status)
        assert _codes_with(app, "inpres_2_2021", "diberitakan", province="33") == {"33.24"}
        # the list: Kendal under "diberitakan", Batang under "ada", each linking to its evidence
        lst = page.locator('details.rollup-list[data-indicator="inpres_2_2021"]')
        assert lst.get_attribute("open") is not None  # the indicator the map shows is open
        link = lst.locator('p:has(.s-diberitakan) a[data-kode="33.24"]')
        assert "Kendal" in link.inner_text()
        assert link.get_attribute("href").endswith("/wilayah/33.24#ind-inpres_2_2021")
        # the province's own instruments are still there, and the map is zoomed in
        assert page.locator("#ind-inpres_2_2021 .badge").count() == 1
        assert _view_box(page)[2] < 200
        assert page.locator("#peta a.region").count() == 35
        # the national view grouped by province counts the same
        page.goto(base + "/?kelompok=provinsi&indikator=inpres_2_2021")
        jateng = page.locator('#provinces tr[data-kode="33"]')
        assert jateng.locator('td[data-status="ada"]').inner_text() == "1"
        assert jateng.locator('td[data-status="diberitakan"]').inner_text() == "1"
        assert page.locator("#provinces tbody tr").count() == 38
        total = sum(int(td.inner_text()) for td in page.locator("#provinces tbody td:nth-child(3)").all())
        assert total == 514


@pytest.mark.browser
def test_kota_view_one_row_per_city_and_its_exports(live):
    base, app = live
    with chromium_page() as page:
        page.goto(base + "/kota")
        rows = page.locator("#kota tr[data-kode]")
        assert rows.count() == 98
        assert "Komwil" in page.locator("#grouping-note").inner_text()
        groups = page.locator("#kota tbody[data-group]")
        kota = _api(app, "/api/v1/regions?kind=kota&per_page=200")["items"]
        assert groups.count() == len({r["kode_provinsi"] for r in kota})
        pekalongan = page.locator('#kota tr[data-kode="33.75"]')
        cell = pekalongan.locator('td[data-indicator="non_asn"]')
        assert cell.get_attribute("data-status") == "diberitakan"
        assert cell.locator("a").get_attribute("href").endswith("/klaim/non_asn/33.75")
        other = pekalongan.locator('td[data-indicator="pekerja_rentan_apbd"] a').get_attribute("href")
        assert other.endswith("/wilayah/33.75#ind-pekerja_rentan_apbd")
        screenshot(page, README_PICTURES, "kota", full_page=False)
        with page.expect_download() as dl:
            page.click("#dl-csv")
        body = Path(dl.value.path()).read_text(encoding="utf-8")
        with page.expect_download() as dl:
            page.click("#dl-xlsx")
        xlsx = Path(dl.value.path()).read_bytes()
    table = list(csv.DictReader(io.StringIO(body)))
    assert len(table) == 98 and {r["kode"] for r in table} == {r["kode"] for r in kota}
    row = next(r for r in table if r["kode"] == "33.75")
    assert row["non_asn_status"] == "diberitakan" and row["non_asn_reg_key"].startswith("berita/")
    assert row["non_asn_permalink"].endswith("/klaim/non_asn/33.75")
    assert row["documents"] == pekalongan_docs(app)
    from openpyxl import load_workbook
    ws = load_workbook(io.BytesIO(xlsx)).active
    sheet = list(ws.iter_rows(values_only=True))
    assert len(sheet) == 99 and list(sheet[0]) == list(table[0].keys())


def pekalongan_docs(app) -> str:
    return str(_api(app, "/api/v1/documents?region=33.75")["total"])


@pytest.mark.browser
def test_journalist_list_with_citations_permalink_csv_and_atom(live):
    base, app = live
    with chromium_page() as page:
        page.goto(base + "/siapa")
        page.select_option("#s-indicator", "pekerja_rentan_apbd")
        page.click("form.filters button")
        page.wait_for_url("**/siapa?*")
        claims = page.locator("#claims li.claim")
        assert claims.count() == len(_codes_with(app, "pekerja_rentan_apbd", "ada")) == 1
        batang = page.locator('#claims li.claim[data-kode="33.25"]')
        facts = batang.locator("dl.claim-facts").inner_text()
        assert "Peraturan Bupati Nomor 30 Tahun 2024" in facts and "Pasal 13 ayat (1)" in facts
        doc = _api(app, "/api/v1/documents/perbup/33.25/2024/30")
        assert doc["tanggal_ditetapkan"] in facts
        source = batang.locator("a.source-url").get_attribute("href")
        assert source in {s["url"] for s in doc["sources"]}
        last_seen = next(s["last_seen"][:10] for s in doc["sources"] if s["url"] == source)
        citation = batang.locator("textarea.cite-text").input_value()
        for part in ("Kabupaten Batang", "Peraturan Bupati Nomor 30 Tahun 2024", "Pasal 13 ayat (1)",
                     doc["tanggal_ditetapkan"], source, f"diperiksa {last_seen}",
                     "/klaim/pekerja_rentan_apbd/33.25"):
            assert part in citation, part
        screenshot(page, README_PICTURES, "siapa", full_page=False)
        batang.locator("a.permalink").click()
        page.wait_for_url("**/klaim/pekerja_rentan_apbd/33.25")
        assert page.locator(".claim-status .badge").get_attribute("data-status") == "ada"
        assert page.locator("textarea.cite-text").input_value() == citation
        assert page.locator(".claim-quote mark.term").count() >= 2
        page.locator("a.evidence-link").click()
        page.wait_for_url("**/dokumen/perbup/33.25/2024/30#pasal-13")
        # a permalink of a claim that does not hold says so
        page.goto(base + "/klaim/pekerja_rentan_apbd/11.01")
        assert page.locator(".claim-status .badge").get_attribute("data-status") != "ada"
        assert page.locator("p.notice").count() == 1
        assert page.request.get(base + "/klaim/nope/33.25").status == 404
    client = app.test_client()
    table = list(csv.DictReader(io.StringIO(client.get(
        "/siapa.csv?indikator=pekerja_rentan_apbd").get_data(as_text=True))))
    assert [r["kode"] for r in table] == ["33.25"]
    assert table[0]["clause"] == "Pasal 13 ayat (1)" and table[0]["source_url"] == source
    assert table[0]["citation"] == citation.replace(base, "http://localhost")
    feed = ET.fromstring(client.get("/feed/siapa/pekerja_rentan_apbd.atom").data)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}id").text for e in entries] == [table[0]["permalink"]]
    assert "Pasal 13 ayat (1)" in entries[0].find(f"{ATOM}summary").text
    api = client.get("/api/v1/claims?indicator=pekerja_rentan_apbd").get_json()
    assert [c["kode"] for c in api["items"]] == ["33.25"] and api["items"][0]["permalink"]
    assert client.get("/api/v1/claims?indicator=nope").status_code == 400


@pytest.mark.browser
def test_comparison_of_regions_side_by_side(live):
    base, app = live
    with chromium_page() as page:
        page.goto(base + "/wilayah/33.25")
        page.click("text=Bandingkan dengan wilayah lain")
        page.wait_for_url("**/banding?w=33.25")
        page.fill("#w-1", "Kabupaten Kendal")
        page.fill("#w-2", "33.75")
        page.fill("#w-3", "Kabupaten Atlantis")
        page.click("form.compare button")
        page.wait_for_url("**/banding?*")
        heads = [th.get_attribute("data-kode") for th in page.locator("#compare thead th[data-kode]").all()]
        assert heads == ["33.25", "33.24", "33.75"]
        assert "Kabupaten Atlantis" in page.locator("#unknown").inner_text()
        for ind in ("inpres_2_2021", "non_asn", "pekerja_rentan_apbd"):
            cells = page.locator(f'#compare tr[data-indicator="{ind}"] td')
            for n, kode in enumerate(heads):
                region = _api(app, f"/api/v1/regions/{kode}")
                want = next(s["status"] for s in region["statuses"] if s["indicator"] == ind)
                assert cells.nth(n).get_attribute("data-status") == want, (ind, kode)
        screenshot(page, None, "banding")


@pytest.mark.browser
def test_search_tabs_regulations_first_and_berita_in_the_jenis_facet(live):
    base, _ = live
    with chromium_page() as page:
        page.goto(base + "/cari?q=pekerja+rentan")
        assert page.locator('nav.tabs a.active').get_attribute("data-tab") == "regulation"
        kinds = {h.get_attribute("data-kind") for h in page.locator(".hit").all()}
        assert kinds == {"regulation"}
        assert "perbup/33.25/2024/30" in page.locator(".hit").first.inner_text()
        news_count = int(page.locator('nav.tabs a[data-tab="news"] .count').inner_text())
        assert news_count >= 1
        berita = page.locator('ul.facet[data-facet="jenis"] li[data-value="berita"]')
        assert berita.locator(".count").inner_text() == str(news_count)
        screenshot(page, None, "cari-tab-peraturan")
        berita.locator("a").click()
        page.wait_for_url("**kind=news*")
        assert page.locator('nav.tabs a.active').get_attribute("data-tab") == "news"
        hits = page.locator(".hit")
        assert hits.count() == news_count
        assert {h.get_attribute("data-kind") for h in hits.all()} == {"news"}
        page.click('nav.tabs a[data-tab="regulation"]')
        assert {h.get_attribute("data-kind") for h in page.locator(".hit").all()} == {"regulation"}


@pytest.mark.browser
def test_document_page_reads_in_words(live):
    base, app = live
    with chromium_page() as page:
        page.goto(base + "/dokumen/perbup/33.25/2024/30")
        screenshot(page, README_PICTURES, "dokumen", full_page=False)
        meta = page.locator("dl.meta")
        assert meta.locator("dt", has_text="Ditetapkan").count() == 1
        facts = page.locator("#facts li")
        text = page.locator("#facts").inner_text()
        assert facts.count() >= 3
        assert not re.search(r"\b(count|amount|percent|duration|deadline):", text)  # no raw data
        targets = [t for t in page.locator("#facts li.k-target").all_inner_texts()]
        for t in targets:
            assert re.match(r"Target: ", t), t
        # each fact's link leads to its mark in the text
        first = page.locator("#facts li a").first
        anchor = first.get_attribute("href")
        assert page.locator(anchor).count() == 1
        first.click()
        assert page.evaluate("location.hash") == anchor
        assert page.locator(".doctext mark.obligation").count() >= 3
        page.goto(base + "/dokumen/perbup/33.25/2024/30?lang=en")
        relations = page.locator("#relations li").all_inner_texts()
        assert len(relations) == len(set(relations)), relations  # each relation once
        assert any("Amended by" in r for r in relations)
        labels = page.locator("dl.meta dt").all_inner_texts()
        assert {"TYPE", "NUMBER", "YEAR", "SUBJECT", "ENACTED"} <= {x.upper() for x in labels}
        en = page.locator("#facts").inner_text()
        assert "Obligation" in en and "Kewajiban" not in en
        page.goto(base + "/wilayah/33.25?lang=id")
        screenshot(page, README_PICTURES, "wilayah", full_page=False)
        page.goto(base + "/sumber")  # the source-health table names the source's kind
        assert page.locator("#source-health thead th").nth(1).inner_text() == "Jenis sumber"


# Every page type, for axe and for the English check.
PAGE_TYPES = ["/", "/?provinsi=33&indikator=pekerja_rentan_apbd", "/?kelompok=provinsi",
              "/wilayah/33", "/wilayah/33.25", "/wilayah/11.01", "/dokumen/perbup/33.25/2024/30",
              "/dokumen/perbup/33.25/2025/20", "/cari?q=pekerja+rentan", "/cari?q=pekerja+rentan&kind=news",
              "/matriks", "/kota", "/siapa?indikator=pekerja_rentan_apbd",
              "/klaim/pekerja_rentan_apbd/33.25", "/banding?w=33.25&w=33.24", "/metodologi",
              "/cakupan", "/sumber"]


@pytest.mark.browser
def test_axe_finds_no_serious_or_critical_violation_on_any_page_type(live):
    base, _ = live
    found = {}
    with chromium_page() as page:
        for lang in ("id", "en"):
            for path in PAGE_TYPES:
                page.goto(base + path + ("&" if "?" in path else "?") + f"lang={lang}")
                violations = axe_violations(page)
                if violations:
                    found[f"{lang} {path}"] = violations
        # the checker itself sees what it must
        page.set_content('<html><body><a href="/x"></a><img src="/y.png"></body></html>')
        assert {v["id"] for v in axe_violations(page)} >= {"link-name", "image-alt"}
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)


UI_TEXT_JS = """() => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const el = walk.currentNode.parentElement;
    if (!el || el.closest('script, style, code, pre, textarea, svg title, [translate="no"]')) continue;
    const lang = el.closest('[lang]');
    if (!lang || lang.getAttribute('lang') !== 'en') continue;
    const text = walk.currentNode.textContent.trim();
    if (text) out.push(text);
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], button, option')) {
    if (el.closest('[translate="no"], datalist') || el.closest('#peta')) continue;
    const lang = el.closest('[lang]');
    if (lang && lang.getAttribute('lang') === 'en') {
      out.push(el.getAttribute('placeholder') || el.getAttribute('aria-label') || '');
    }
  }
  return out;
}"""


def ui_words(text: str) -> list[str]:
    """The words of a text shown on a page, addresses (URLs) left out."""
    return re.findall(r"[A-Za-z]{4,}", re.sub(r"\S+://\S+", " ", text))


def indonesian_ui_words() -> set[str]:
    """Words of the Indonesian UI strings that no English translation uses: seeing one in an
    English page's own text means a string was left untranslated."""
    from babel.messages.pofile import read_po
    with (REPO / "webapp/translations/en/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)
    words = lambda s: {w.lower() for w in re.findall(r"[A-Za-z]{4,}", s.replace("%(", " %("))}  # noqa: E731
    ids, strs = set(), set()
    for m in catalog:
        if m.id:
            ids |= words(re.sub(r"%\(\w+\)s", " ", m.id))
            strs |= words(re.sub(r"%\(\w+\)s", " ", m.string))
    return ids - strs


@pytest.mark.browser
def test_every_page_is_fully_english_and_varies_by_cookie(live):
    base, app = live
    vocabulary = indonesian_ui_words()
    assert {"ditetapkan", "tentang", "jenis", "kewajiban", "bandingkan"} <= vocabulary
    leftovers = {}
    with chromium_page() as page:
        page.goto(base + "/?lang=en")  # the choice is remembered in the cookie from here on
        for path in PAGE_TYPES:
            page.goto(base + path)
            assert page.locator("html").get_attribute("lang") == "en", path
            found = sorted({w for t in page.evaluate(UI_TEXT_JS)
                            for w in ui_words(t) if w.lower() in vocabulary})
            if found:
                leftovers[path] = found
        screenshot(page, None, "sumber-en")
        # the check sees an untranslated string when there is one
        page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<p>Ditetapkan</p>')")
        assert any(w.lower() in vocabulary for t in page.evaluate(UI_TEXT_JS) for w in ui_words(t))
    assert leftovers == {}, leftovers
    client = app.test_client()
    for path in ("/", "/wilayah/33.25", "/kota", "/feed/wilayah/33.25.atom"):
        r = client.get(path)
        assert "Cookie" in r.headers.get("Vary", ""), path
    assert "Cookie" not in client.get("/wilayah/33.25?lang=en").headers.get("Vary", "")
    assert "Cookie" not in client.get("/api/v1/regions/33.25").headers.get("Vary", "")
    client.set_cookie("lang", "en")
    assert client.get("/").headers["Content-Language"] == "en"
    assert "Code" in client.get("/kota").get_data(as_text=True)


@pytest.mark.browser
def test_keyboard_only_map_region_evidence_document(live):
    base, _ = live

    def tab_to(page, selector: str, limit: int = 250) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    with chromium_page() as page:
        page.goto(base + "/?provinsi=33&indikator=pekerja_rentan_apbd")
        tab_to(page, '#peta a[href="/wilayah/33.25"]')
        page.keyboard.press("Enter")
        page.wait_for_url("**/wilayah/33.25")
        tab_to(page, '#ind-pekerja_rentan_apbd .evidence a[href*="/dokumen/perbup/33.25/2024/30"]')
        page.keyboard.press("Enter")
        page.wait_for_url("**/dokumen/perbup/33.25/2024/30#pasal-13")
        assert page.locator("#pasal-13").count() == 1
        tab_to(page, "#facts a")
        href = page.evaluate("document.activeElement.getAttribute('href')")
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == href
        assert page.evaluate("document.querySelector(':target').tagName") == "MARK"
        assert urlparse(page.url).path == "/dokumen/perbup/33.25/2024/30"
