"""Meta-test: every spider loads and is registered; every configured source is well formed
(after Querido Diário's test_spider_compatibility)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
import scrapy

import crawler.spiders
from crawler.sources import SourceConfig, load_sources
from crawler.spiders import SPIDERS, spider_for
from crawler.spiders.base.common import SourceSpider
from tests.crawler.fixture_site import REPO

REGISTRIES = [REPO / "sources.yaml", REPO / "pantau" / "data" / "demo" / "sources.yaml"]
PLANNED_KINDS = ("jdih_cms:", "bpk")  # valid kinds whose spiders are still to be written


def _all_spider_classes() -> set[type]:
    found = set()
    for mod in pkgutil.walk_packages(crawler.spiders.__path__, "crawler.spiders."):
        module = importlib.import_module(mod.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, SourceSpider) and obj is not SourceSpider:
                found.add(obj)
    return found


def test_every_spider_class_is_registered_under_its_kind():
    classes = _all_spider_classes()
    assert classes, "no spiders found"
    assert classes == set(SPIDERS.values())
    for kind, cls in SPIDERS.items():
        assert cls.kind == kind and issubclass(cls, scrapy.Spider)
        assert cls.name and cls.name != SourceSpider.name
        assert inspect.isasyncgenfunction(cls.start), f"{cls.__name__}.start must be async"
        assert callable(cls.parse)


def _sample(kind: str) -> SourceConfig:
    return SourceConfig(name=f"sample-{kind}", kind=kind, url="https://jdih.example.go.id/x",
                        region="33.25")


@pytest.mark.parametrize("kind", sorted(SPIDERS))
def test_every_spider_builds_its_start_requests(kind):
    import asyncio
    sp = SPIDERS[kind](source=_sample(kind))
    assert sp.name == f"sample-{kind}" and sp.source.kind == kind

    async def first():
        async for r in sp.start():
            return r

    req = asyncio.run(first())
    assert isinstance(req, scrapy.Request) and req.url == "https://jdih.example.go.id/x"
    assert req.errback is not None and req.meta["download_timeout"] == 60.0


@pytest.mark.parametrize("path", REGISTRIES, ids=lambda p: p.name)
def test_every_configured_source_is_well_formed(path):
    sources = load_sources(path)
    assert sources, f"{path.name} lists no sources"
    for src in sources:
        assert src.verified, f"{src.name}: say how the entry was verified"
        assert spider_for(src.kind) or src.kind.startswith(PLANNED_KINDS), src.kind
        if src.auth:
            assert src.auth.username_env, f"{src.name}: put credentials in the environment"


def test_demo_registry_points_at_the_demo_site():
    sources = load_sources(REPO / "pantau" / "data" / "demo" / "sources.yaml")
    assert {s.kind for s in sources} == {"jdihn_feed", "news"}
    for s in sources:
        assert (s.url or "").startswith("http://127.0.0.1:8765/")


def test_real_registry_is_polite():
    for s in load_sources(REPO / "sources.yaml"):
        assert s.url.startswith("https://") and s.rate_limit >= 2, s.name
