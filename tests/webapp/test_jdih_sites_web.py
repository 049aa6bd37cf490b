"""The region page lists the region's JDIH addresses as the registry and discovery know them: where
each was seen, its verdict with the reason and date; an address only a naming pattern tried and
found nothing at is not listed (it is no evidence of anything)."""

from __future__ import annotations

from sqlalchemy import select

from crawler.registry import mark, parse_registry, sync_registry
from katalog.models import JdihSite
from tests.crawler.test_registry import _csv


def test_region_page_shows_registry_addresses_and_verdicts(sqlite_catalogue, settings):
    from webapp import create_app
    cat = sqlite_catalogue
    sync_registry(cat, parse_registry(_csv(
        {"seen_in": "github.com/example/jdih@abc:sites.py"},
        {"url": "https://jdih-dprd.batangkab.go.id", "publisher": "dprd"})))
    with cat.session() as s:
        site = s.scalar(select(JdihSite).where(JdihSite.url == "https://jdih.batangkab.go.id"))
        mark(site, "verified", None, {"family": "baghukum", "http_status": 200})
        other = s.scalar(select(JdihSite).where(JdihSite.url == "https://jdih-dprd.batangkab.go.id"))
        mark(other, "rejected", "parked_domain: domain is for sale", {"http_status": 200})
        s.add(JdihSite(region_code="33.25", url="https://jdihukum.batangkab.go.id/",
                       host="jdihukum.batangkab.go.id", origin="pattern", status="unreachable",
                       reason="dns_error", evidence={}, probe={}))
    client = create_app(settings).test_client()
    html = client.get("/wilayah/33.25").get_data(as_text=True)
    section = html.split('id="jdih-sites"', 1)[1].split("</ul>", 1)[0]
    assert section.count("<li") == 2
    assert "https://jdih.batangkab.go.id" in section and "terverifikasi (baghukum)" in section
    assert "HTTP 200" in section and "github.com/example/jdih@abc:sites.py" in section
    assert "ditolak" in section and "parked_domain: domain is for sale" in section
    assert "jdihukum" not in section
    english = client.get("/wilayah/33.25?lang=en").get_data(as_text=True)
    assert "verified (baghukum)" in english.split('id="jdih-sites"', 1)[1]
    empty = client.get("/wilayah/33.24?lang=id").get_data(as_text=True)
    assert "Belum ada alamat JDIH wilayah ini di registri." in empty
