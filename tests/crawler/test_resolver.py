"""The crawler's name overrides (crawler.resolver): a hosts file pins names to addresses, and with
``hosts_only`` no other name resolves — the loopback test world's DNS. End to end: a crawl of a
feed addressed by a .go.id name that only the hosts file knows, and a source whose name is not in
it failing like NXDOMAIN; the run also records the site's family (FamilyFingerprintMiddleware)."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy import select

from crawler import resolver, safety
from crawler.settings import scrapy_settings
from katalog.db import Catalogue
from katalog.models import Failure, Source, SourceRun
from pantau.settings import load_settings
from tests.crawler.fixture_site import FixtureSite, run_crawl


@pytest.fixture
def clean_table():
    yield
    resolver.install(None)


def test_parse_hosts_reads_etc_hosts_lines():
    table = resolver.parse_hosts("# the world\n127.0.0.1 jdih.batangkab.go.id JDIH.Semarangkota.go.id.\n"
                                 "\n10.0.0.7  jdih.internal.go.id  # inside a network\n")
    assert table == {"jdih.batangkab.go.id": "127.0.0.1", "jdih.semarangkota.go.id": "127.0.0.1",
                     "jdih.internal.go.id": "10.0.0.7"}


@pytest.mark.parametrize("text,message", [("jdih.batangkab.go.id 127.0.0.1\n", "hosts:1: 'jdih"),
                                          ("127.0.0.1\n", "hosts:1: no host name"),
                                          ("\n300.1.1.1 a.go.id\n", "hosts:2: '300.1.1.1'")])
def test_bad_hosts_lines_are_named(text, message):
    with pytest.raises(resolver.HostsFileError, match=message):
        resolver.parse_hosts(text)


def test_missing_hosts_file_is_a_clear_error(tmp_path):
    with pytest.raises(resolver.HostsFileError, match="cannot read the hosts file"):
        resolver.load_hosts(tmp_path / "nope")


def test_lookup_pins_and_only_means_nothing_else_resolves(clean_table):
    assert resolver.lookup("jdih.batangkab.go.id") is None  # no table: the system answers
    resolver.install({"jdih.batangkab.go.id": "127.0.0.1"})
    assert resolver.lookup("JDIH.batangkab.go.id.") == "127.0.0.1"
    assert resolver.lookup("jdih.semarangkota.go.id") is None
    assert safety.resolve("jdih.batangkab.go.id") == frozenset({"127.0.0.1"})
    resolver.install({"jdih.batangkab.go.id": "127.0.0.1"}, only=True)
    assert resolver.lookup("jdih.semarangkota.go.id") is False
    # the safety check sees the same world: an unknown name has no address at all
    assert safety.resolve("jdih.semarangkota.go.id") == frozenset()
    assert resolver.lookup("localhost") == "127.0.0.1"


def test_scrapy_settings_take_the_hosts_file_from_the_settings(tmp_path):
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 jdih.batangkab.go.id\n")
    plain = scrapy_settings(load_settings(data_dir=str(tmp_path), config_file=str(tmp_path / "x")))
    assert plain["PANTAU_HOSTS"] == {} and plain["PANTAU_HOSTS_ONLY"] is False
    s = load_settings(data_dir=str(tmp_path), config_file=str(tmp_path / "x"),
                      hosts_file=str(hosts), hosts_only=1)
    got = scrapy_settings(s)
    assert got["PANTAU_HOSTS"] == {"jdih.batangkab.go.id": "127.0.0.1"}
    assert got["PANTAU_HOSTS_ONLY"] is True
    assert got["TWISTED_DNS_RESOLVER"] == "crawler.resolver.OverrideResolver"


def test_a_crawl_resolves_only_through_the_hosts_file(tmp_path):
    settings = load_settings(data_dir=str(tmp_path / "var"), config_file=str(tmp_path / "x"))
    cat = Catalogue(settings)
    cat.init()
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 jdih.batangkab.go.id\n")
    with FixtureSite("jdihn") as site:
        port = site.base.rsplit(":", 1)[1]
        sources = {"sources": [
            {"name": "batang", "kind": "jdihn_feed", "region": "33.25", "rate_limit": 0,
             "url": f"http://jdih.batangkab.go.id:{port}/messy/feed/document.json"},
            # a real-looking name the hosts file does not have: no DNS is asked, it fails
            {"name": "semarang", "kind": "jdihn_feed", "region": "33.74", "rate_limit": 0,
             "retry_backoff": 0.1, "url": f"http://jdih.semarangkota.go.id:{port}/integrasi"}]}
        f = tmp_path / "sources.yaml"
        f.write_text(yaml.safe_dump(sources), encoding="utf-8")
        out = {r["name"]: r for r in run_crawl(f, settings.data_dir, env={
            "PANTAU_HOSTS_FILE": str(hosts), "PANTAU_HOSTS_ONLY": "1"})}
        asked = [h.path for h in site.requests]
    assert out["batang"]["docs_new"] > 0 and out["semarang"]["items"] == 0
    assert "/integrasi" not in asked and "/messy/feed/document.json" in asked
    with cat.session() as s:
        src = {x.name: x.id for x in s.scalars(select(Source))}
        reasons = set(s.scalars(select(Failure.reason).where(Failure.source_id == src["semarang"])))
        runs = {r.source_id: r for r in s.scalars(select(SourceRun))}
    assert reasons == {"dns_error"}
    # FamilyFingerprintMiddleware: the page the crawl starts from is a JDIHN feed
    assert runs[src["batang"]].stats["pantau/family_seen"] == "jdihn_feed"
    assert "pantau/family_seen" not in runs[src["semarang"]].stats
    cat.dispose()
