"""Fingerprints of one response (crawler.fingerprint): the CMS family from the markers the real
software writes (fixture pages shaped like the real sites), parked domains and national portals,
JDIHN feeds in their wrappings, and which region a site names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.fingerprint import (fingerprint, feed_fingerprint, host_region, pdf_links,
                                 regions_named, site_identity)

SITES = Path(__file__).resolve().parents[1] / "fixtures" / "sites"
RECORD = {"idData": 1614, "tahun_pengundangan": 2024, "jenis": "Peraturan Bupati",
          "noPeraturan": "30", "judul": "Jaminan Sosial", "teuBadan": "Kabupaten Batang",
          "urlDownload": "https://jdih.batangkab.go.id/file/a.pdf"}


def test_baghukum_and_ildis_fixture_pages():
    bag = fingerprint("https://jdih.batangkab.go.id/", (SITES / "baghukum/index.html").read_bytes())
    assert bag.family == "baghukum" and "load_data_dokumen_tag" in bag.markers
    ildis = fingerprint("https://jdih.dprd.batangkab.go.id/dokumen/peraturan",
                        (SITES / "ildis/dokumen/peraturan.html").read_bytes())
    assert ildis.family == "ildis" and ildis.pdf_links > 0
    assert ildis.listing_url.endswith("/dokumen/peraturan")


@pytest.mark.parametrize("body", [
    json.dumps([RECORD]),
    json.dumps({"status": True, "data": [RECORD, {**RECORD, "idData": 2}]}),
    "\ufeff" + json.dumps([RECORD]),
])
def test_jdihn_feeds_in_their_wrappings(body):
    fp = fingerprint("https://jdih.batangkab.go.id/integrasi", body.encode("utf-8"))
    assert fp.family == "jdihn_feed" and fp.records >= 1
    assert set(fp.record_regions) == {"33.25"}


@pytest.mark.parametrize("body", [b"[]", b'{"status": true, "data": []}',
                                  b'[{"id": 1, "name": "x", "slug": "y"}]', b"{not json"])
def test_not_a_feed(body):
    assert feed_fingerprint(body) is None
    assert fingerprint("https://a.go.id/api", body).family != "jdihn_feed"


@pytest.mark.parametrize("html,family", [
    ('<html><head><link href="/wp-content/themes/x.css"></head></html>', "wordpress"),
    ('<a href="/produk-hukum/peraturan-perundang-undangan">Produk Hukum</a>', "jdihcms"),
    ('<a href="/dih/detail/3f2a9c1e-aaaa-bbbb-cccc-0123456789ab">Qanun</a>', "acehdih"),
    ('<meta name="csrf-token" content="x"><p>Beranda</p>', "laravel"),
    ('<script>jQuery.extend(Drupal.settings, {});</script>', "drupal"),
    ("<h1>This domain is for sale!</h1><p>Buy this domain today</p>", "parked"),
    ("<h1>Domain ini dijual</h1>", "parked"),
    ("<h1>Selamat datang</h1><p>Website resmi</p>", "unknown"),
    # one ILDIS marker is not enough (a page may merely link to an ILDIS site)
    ('<a href="https://jdih.x.go.id/dokumen/view?id=12">lihat</a>', "unknown"),
])
def test_families_by_markers(html, family):
    assert fingerprint("https://jdih.contoh.go.id/", html.encode()).family == family


def test_cookies_count_and_a_national_portal_is_a_portal():
    fp = fingerprint("https://jdih.x.go.id/", b"<html></html>", "text/html",
                     {"Set-Cookie": "ci_session=abc; path=/"})
    assert fp.family == "codeigniter"
    assert fingerprint("https://jdihn.go.id/", b"<html>JDIH Nasional</html>").family == "portal"


def test_regions_named_longest_reading_wins_and_shared_names_do_not_count():
    assert regions_named("JDIH Kabupaten Bandung Barat") == {"32.17": 1}
    assert regions_named("Pemerintah Kota Semarang | Pemprov Jawa Tengah") == {"33.74": 1, "33": 1}
    assert regions_named("Selamat datang di JDIH") == {}


def test_site_identity_reads_title_brand_and_heading():
    html = ('<html><head><title>Beranda | JDIH Kabupaten Batang</title>'
            '<meta property="og:site_name" content="JDIH Batang"></head><body>'
            '<a class="navbar-brand">Bagian Hukum Setda Kab. Batang</a><h1>Produk Hukum</h1>'
            '<p>Kabupaten Kendal</p></body></html>')
    ident = site_identity(html)
    assert "JDIH Kabupaten Batang" in ident and "Kendal" not in ident
    assert regions_named(ident)["33.25"] >= 1


@pytest.mark.parametrize("host,code", [("jdih.batangkab.go.id", "33.25"),
                                       ("jdih.semarangkota.go.id", "33.74"),
                                       ("jdih.jatengprov.go.id", "33"),
                                       ("jdih.bandungbaratkab.go.id", "32.17"),
                                       ("jdih.example.com", None), ("go.id", None),
                                       ("jdih.xyzkab.go.id", None)])
def test_host_region(host, code):
    assert host_region(host) == code


def test_pdf_links_take_files_and_regulation_downloads_only():
    html = ('<table><tr><td>Peraturan Bupati Nomor 30 Tahun 2024</td>'
            '<td><a href="/file/perbup-30-2024.pdf">PDF</a></td></tr>'
            '<tr><td>Perda 2/2023</td><td><a href="/download/91">Unduh</a></td></tr>'
            '<tr><td><a href="/download/brosur">Brosur wisata</a></td></tr></table>'
            '<a href="mailto:x@y">surel</a><a href="#top">atas</a>')
    links = [u for u, _ in pdf_links("https://jdih.batangkab.go.id/produk", html)]
    assert links == ["https://jdih.batangkab.go.id/file/perbup-30-2024.pdf",
                     "https://jdih.batangkab.go.id/download/91"]
