"""Meta-test: every spider loads and is registered; every configured source is well formed and
its spider builds its first requests (after Querido Diário's test_spider_compatibility)."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import pkgutil

import pytest
import scrapy

import crawler.spiders
from crawler.sources import KINDS, SourceConfig, load_sources
from crawler.spiders import SPIDERS, spider_for
from crawler.spiders.base import SourceSpider
from tests.crawler.fixture_site import REPO

REGISTRIES = [REPO / "sources.yaml", REPO / "pantau_cli" / "data" / "demo" / "sources.yaml"]
# per kind: the extra entry fields a sample needs, and what its first request looks like
SAMPLES = {
    "jdihn_feed": ({}, "https://jdih.example.go.id/x"),
    "jdih_cms:baghukum": ({"tags": ["sosial"]}, "https://jdih.example.go.id/x"),
    "jdih_cms:ildis": ({}, "https://jdih.example.go.id/x"),
    "jdih_cms:jdihcms": ({}, "https://jdih.example.go.id/x"),
    "jdih_cms:generic": ({}, "https://jdih.example.go.id/x"),
    "bpk": ({"regions": ["33.25", "33.75"], "jenis": ["perbup"]},
            "https://jdih.example.go.id/Search?keywords=Kabupaten+Batang&jenis=23&p=1"),
    "news": ({}, "https://jdih.example.go.id/x"),
}


def _all_spider_classes() -> set[type]:
    found = set()
    for mod in pkgutil.walk_packages(crawler.spiders.__path__, "crawler.spiders."):
        module = importlib.import_module(mod.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, SourceSpider) and obj is not SourceSpider:
                found.add(obj)
    return found


def _first_requests(sp: SourceSpider) -> list:
    async def collect():
        return [r async for r in sp.start()]
    return asyncio.run(collect())


def test_every_spider_class_is_registered_under_its_kind():
    classes = _all_spider_classes()
    assert classes, "no spiders found"
    assert classes == set(SPIDERS.values())
    assert set(SPIDERS) == set(KINDS) == set(SAMPLES)
    for kind, cls in SPIDERS.items():
        assert cls.kind == kind and issubclass(cls, scrapy.Spider)
        assert cls.name and cls.name != SourceSpider.name
        assert inspect.isasyncgenfunction(cls.start), f"{cls.__name__}.start must be async"
        assert callable(cls.parse)
        assert cls.__doc__ and cls.__module__.startswith("crawler.spiders.")


@pytest.mark.parametrize("kind", sorted(SPIDERS))
def test_every_spider_builds_its_start_requests(kind):
    extra, first_url = SAMPLES[kind]
    cfg = SourceConfig(name=f"sample-{kind.replace(':', '-')}", kind=kind,
                       url="https://jdih.example.go.id/x", region="33.25", **extra)
    sp = SPIDERS[kind](source=cfg)
    assert sp.name == cfg.name and sp.source.kind == kind
    assert sp.allowed_domains == ["jdih.example.go.id"]
    (req, *_) = _first_requests(sp)
    assert isinstance(req, scrapy.Request) and req.url == first_url
    assert req.errback is not None and req.meta["download_timeout"] == 60.0


@pytest.mark.parametrize("path", REGISTRIES, ids=lambda p: p.name)
def test_every_configured_source_is_well_formed_and_starts(path):
    sources = load_sources(path)
    assert sources, f"{path.name} lists no sources"
    for src in sources:
        assert src.verified, f"{src.name}: say how the entry was verified"
        cls = spider_for(src.kind)
        assert cls is not None, f"{src.name}: no spider for kind {src.kind}"
        if src.auth:
            assert src.auth.username_env, f"{src.name}: put credentials in the environment"
        sp = cls(source=src)
        requests = _first_requests(sp)
        assert requests, f"{src.name}: no start request"
        for r in requests:
            assert sp.on_site(r.url), f"{src.name}: starts off its own domains: {r.url}"
        assert src.recrawl_interval.total_seconds() > 0


def test_demo_registry_points_at_the_demo_site():
    sources = load_sources(REPO / "pantau_cli" / "data" / "demo" / "sources.yaml")
    assert {s.kind for s in sources} == {"jdihn_feed", "news"}
    for s in sources:
        assert (s.url or "").startswith("http://127.0.0.1:8765/")


def test_real_registry_is_polite_and_covers_each_family():
    sources = load_sources(REPO / "sources.yaml")
    for s in sources:
        for url in [s.url, *s.urls]:
            if url:
                assert url.startswith("https://"), (s.name, url)
        assert s.rate_limit >= 2 and s.retry_backoff >= 2, s.name
        assert "not fetched" in s.verified, f"{s.name}: say it was not fetched from here"
    kinds = {s.kind for s in sources}
    assert {"jdihn_feed", "jdih_cms:baghukum", "bpk", "news"} <= kinds
    bpk = next(s for s in sources if s.kind == "bpk")
    assert {"33.25", "33.75", "33"} <= set(bpk.wanted_regions)


def test_shipped_registry_covers_all_552_regions_through_bpk():
    from pantau import wilayah
    from crawler.spiders.bpk import BpkSpider
    sources = load_sources(REPO / "sources.yaml")
    bpk = [s for s in sources if s.kind == "bpk"]
    covered = set().union(*(s.wanted_regions for s in bpk))
    assert covered == {w.kode for w in wilayah.all_regions()} and len(covered) == 552
    (entry,) = bpk
    assert entry.all_regions and entry.stored_config()["regions_all"] is True
    # every Jamsostek theme crossed with every regional jenis BPK can search for
    spider = BpkSpider(source=entry)
    assert sorted(spider.search_codes) == ["19", "20", "23"]
    assert {"jaminan sosial ketenagakerjaan", "BPJS Ketenagakerjaan", "pekerja rentan",
            "pegawai non ASN", "jasa konstruksi"} <= set(spider.keywords())
