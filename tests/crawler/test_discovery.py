"""Discovery on the simulated internet (tests/crawler/world), end to end through the command line:
``pantau sources discover`` finds exactly the sites it should and rejects every trap with its
reason, writes each verdict with its evidence, probes nothing again on a re-run; only verified
sites become sources; and a crawl of those sources puts every document on its region."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from crawler.discovery import (Candidate, Probe, candidates, judge, pattern_hosts)
from crawler.fingerprint import Fingerprint
from crawler.registry import load_registry, registry_entries, sites
from katalog.db import Catalogue
from katalog.models import Document, JdihSite, Sighting, Source
from pantau.settings import load_settings
from tests.crawler.fixture_site import REPO, run_crawl
from tests.crawler.world.build import SLOW_SECONDS, build_world
from tests.crawler.world.server import World, env

LOOPBACK = ["--delay", "0.02", "--timeout", "2", "--retry-backoff", "0.1"]


def _discover(data_dir: Path, world: World, registry: Path, hosts: Path, regions: list[str],
              *extra: str) -> dict:
    cmd = [sys.executable, "-m", "pantau_cli", "--data-dir", str(data_dir),
           "--config", str(data_dir / "none.toml"), "sources", "discover",
           "--registry", str(registry), "--port", str(world.port), *LOOPBACK, "--json", *extra]
    for code in regions:
        cmd += ["--region", code]
    proc = subprocess.run(cmd, cwd=REPO, env={**os.environ, **env(hosts)}, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def discovered(tmp_path_factory):
    spec = build_world()
    tmp = tmp_path_factory.mktemp("discovery")
    data_dir = tmp / "var"
    data_dir.mkdir()
    regions = sorted(spec.probes)
    with World(spec.sites) as world:
        hosts = world.write_hosts_file(tmp / "hosts")
        registry = spec.write_registry(tmp / "registry.csv")
        first = _discover(data_dir, world, registry, hosts, regions)
        discovery_peak = dict(world.peak)
        time.sleep(SLOW_SECONDS)  # a slow site answers the request discovery gave up on
        hits_after_first = len(world.hits)
        second = _discover(data_dir, world, registry, hosts, regions)
        hits_after_second = len(world.hits)
        cat = Catalogue(load_settings(data_dir=str(data_dir), config_file=str(tmp / "none.toml")))
        # the sources only discovery's verified rows become, read fast on loopback
        sources = registry_entries(cat, rate_limit=0, retry_backoff=0.3)
        (tmp / "sources.yaml").write_text(yaml.safe_dump({"sources": sources}), encoding="utf-8")
        world.reset_peaks()
        crawl_from = len(world.hits)
        crawl = run_crawl(tmp / "sources.yaml", data_dir, env=env(hosts), timeout=900)
        crawl_peak, crawl_hits = dict(world.peak), world.hits[crawl_from:]
        yield {"spec": spec, "world": world, "cat": cat, "first": first, "second": second,
               "hits": (hits_after_first, hits_after_second), "crawl": crawl,
               "sources": sources, "regions": regions, "errors": list(world.errors),
               "peaks": (discovery_peak, crawl_peak), "crawl_hits": crawl_hits}
        cat.dispose()


def test_discovery_reaches_the_expected_verdict_on_every_host(discovered):
    spec, first = discovered["spec"], discovered["first"]
    got = {}
    for r in first["results"]:
        host = r["url"].split("://", 1)[1].split("/", 1)[0].split(":", 1)[0]
        assert host not in got, f"{host} checked twice"
        got[host] = (r["status"], r["reason"], r["region"])
    assert set(got) == set(spec.expected)
    wrong = []
    for host, (status, reason, region) in spec.expected.items():
        g_status, g_reason, g_region = got[host]
        if (g_status, g_region) != (status, region) or \
                (reason and not (g_reason or "").startswith(reason)):
            wrong.append((host, (status, reason, region), got[host]))
    assert not wrong, wrong
    assert discovered["errors"] == []


def test_every_expected_site_is_found_and_every_trap_rejected_with_its_reason(discovered):
    spec, cat = discovered["spec"], discovered["cat"]
    rows = {r.host: r for r in sites(cat)}
    live = {s.host: s for s in spec.crawlable()}
    verified = {h for h, r in rows.items() if r.status == "verified"}
    assert verified == set(live)
    assert len(verified) >= 90
    for host, site in live.items():
        row = rows[host]
        assert row.region_code == site.region_code
        # the evidence of a verified row: where it answered, how, when, as what
        assert row.probe["http_status"] == 200 and row.probe["final_url"]
        assert row.checked_at is not None and row.verified_at is not None
        assert row.family == ("jdihn_feed" if site.family == "jdihn_feed" else
                              row.probe["family"])
        if site.family in ("ildis", "baghukum", "jdihcms", "acehdih", "wordpress"):
            assert row.probe["home"]["family"] == site.family
    traps = {h: e for h, e in spec.expected.items() if e[0] != "verified" and h in
             {s.host for s in spec.sites}}
    kinds = Counter(e[1].split(":")[0] for e in traps.values())
    assert {"parked_domain", "redirect_to_portal", "redirect_to_other_region",
            "other_region_site", "robots_forbidden", "timeout", "http_500",
            "connection_refused", "dns_error"} <= set(kinds)
    for host, (status, reason, region) in traps.items():
        row = rows[host]
        assert (row.status, row.region_code) == (status, region)
        assert row.reason.startswith(reason), (host, row.reason)
    # a rejected site says whose it is
    other = [rows[h] for h, e in traps.items() if e[1] == "other_region_site"]
    assert other and all("is the site of" in r.reason or "issued by" in r.reason for r in other)


def test_registry_only_feeds_and_later_pattern_hosts_are_found(discovered):
    spec, cat = discovered["spec"], discovered["cat"]
    rows = {r.host: r for r in sites(cat, status="verified")}
    odd = [s for s in spec.crawlable()
           if s.host not in pattern_hosts(s.region_code)]
    later = [s for s in spec.crawlable() if s.host in pattern_hosts(s.region_code)[1:]]
    assert odd and later
    for s in odd + later:
        assert s.host in rows, s.host
    feeds = [r for r in rows.values() if r.family == "jdihn_feed"]
    assert feeds and all(r.feed_url and r.probe["feed_records"] > 0 for r in feeds)


def test_rerun_probes_nothing_and_changes_nothing(discovered):
    second, (after_first, after_second) = discovered["second"], discovered["hits"]
    assert second["checked"] == 0 and second["requests"] == 0
    assert 0 < second["skipped"] <= len(discovered["spec"].expected)
    assert after_second == after_first
    with discovered["cat"].session() as s:
        keys = [(r.region_code, r.url) for r in s.scalars(select(JdihSite))]
    assert len(keys) == len(set(keys))


def test_only_verified_sites_become_sources(discovered):
    spec, cat = discovered["spec"], discovered["cat"]
    by_region = {s["region"] for s in discovered["sources"]}
    assert by_region == {s.region_code for s in spec.crawlable()}
    non_verified = {r.host for r in sites(cat) if r.status != "verified"}
    assert non_verified
    assert not any(s["url"].split("://", 1)[1].split(":", 1)[0] in non_verified
                   for s in discovered["sources"])
    assert all(s["verified"].startswith("discovery ") for s in discovered["sources"])


def test_crawl_of_the_discovered_sources_puts_every_document_on_its_region(discovered):
    spec, cat = discovered["spec"], discovered["cat"]
    summaries = {s["name"]: s for s in discovered["crawl"]}
    assert len(summaries) == len(discovered["sources"])
    failed = {n: (s["status"], s["finish_reason"]) for n, s in summaries.items()
              if s["status"] != "finished"}
    assert not failed, failed
    with cat.session() as s:
        rows = s.execute(select(Document.region_code, Document.judul, Source.name)
                         .join(Sighting, Sighting.document_id == Document.id)
                         .join(Source, Source.id == Sighting.source_id)).all()
    by_source: dict[str, list[tuple[str, str]]] = {}
    for region, judul, name in rows:
        by_source.setdefault(name, []).append((region, judul or ""))
    expected_total = sum(len(s.docs) for s in spec.crawlable())
    found, misplaced, missing = 0, [], []
    for src in discovered["sources"]:
        site = next(s for s in spec.crawlable() if s.region_code == src["region"])
        seen = by_source.get(src["name"], [])
        for doc in site.docs:
            hits = [region for region, judul in seen if doc.judul.lower() in judul.lower()]
            if not hits:
                missing.append((site.host, doc.jenis, doc.nomor, doc.tahun))
                continue
            found += 1
            if any(region != doc.region_code for region in hits):
                misplaced.append((site.host, doc.nomor, doc.tahun, hits))
    assert not misplaced, misplaced
    assert not missing, missing
    assert found == expected_total
    # nothing the crawl brought in is on a region other than its site's
    site_region = {f"jdih-{s.region_code}-{s.host}": s.region_code for s in spec.crawlable()}
    assert all(region == site_region[name] for region, _, name in rows if name in site_region)


def test_discovery_and_crawl_are_polite(discovered):
    discovery_peak, crawl_peak = discovered["peaks"]
    # discovery asks one thing at a time of a host; a crawl at most two (CONCURRENT_REQUESTS_PER_
    # DOMAIN), and reads robots.txt before anything else
    # (a slow site is still sleeping on the request discovery gave up on when the retry comes)
    slow = {s.host for s in discovered["spec"].sites if s.options.get("slow")}
    assert discovery_peak and max(n for h, n in discovery_peak.items() if h not in slow) == 1
    assert crawl_peak and max(crawl_peak.values()) <= 2
    first: dict[str, str] = {}
    for _, host, _, path, _ in discovered["crawl_hits"]:
        first.setdefault(host, path)
    assert len(first) == len(discovered["sources"])
    assert set(first.values()) == {"/robots.txt"}


# --------------------------------------------------------------------------- pure judging

def _probe(**kw) -> Probe:
    return Probe(url="https://jdih.batangkab.go.id/", final_url="https://jdih.batangkab.go.id/",
                 http_status=200, **kw)


@pytest.mark.parametrize("probe, status, reason", [
    (_probe(error="dns_error"), "unreachable", "dns_error"),
    (_probe(error="robots_forbidden"), "blocked", "robots_forbidden"),
    (_probe(home=Fingerprint("parked", ["domain is for sale"])), "rejected", "parked_domain"),
    (Probe(url="https://jdih.batangkab.go.id/", final_url="https://jdihn.go.id/",
           http_status=200), "rejected", "redirect_to_portal"),
    (_probe(home=Fingerprint("ildis", ["_csrf-frontend"]), named={"33.24": 3}), "rejected",
     "other_region_site"),
    (_probe(home=Fingerprint("unknown"), named={}), "unverified", "region_not_named"),
    (_probe(home=Fingerprint("unknown"), named={"33.25": 1}), "unverified", "no_documents"),
    (_probe(home=Fingerprint("unknown", pdf_links=3), named={"33.25": 1}), "unverified",
     "no_documents"),
    (_probe(home=Fingerprint("unknown", pdf_links=3, regulation_links=2), named={"33.25": 1}),
     "verified", None),
    (_probe(home=Fingerprint("wordpress"), named={"33.25": 1},
            listing=Fingerprint("wordpress", regulation_links=4)), "verified", None),
    (_probe(home=Fingerprint("ildis", ["_csrf-frontend", "/common/dokumen/"]),
            named={"33.25": 2, "33": 1}), "verified", None),
])
def test_judge(probe, status, reason):
    verdict = judge("33.25", Candidate("33.25", "https://jdih.batangkab.go.id/", "registry"),
                    probe)
    assert verdict.status == status
    assert (verdict.reason or "").startswith(reason or "")
    if status == "verified":
        assert verdict.reason is None


def test_candidates_start_with_the_registry_then_the_patterns():
    registry = [r for r in load_registry() if r.kode == "33.25"]
    cands = candidates("33.25", registry)
    assert [c.origin for c in cands[:len(registry)]] == ["registry"] * len(registry)
    assert cands[len(registry)].origin == "pattern"
    assert "jdih.batangkab.go.id" in {c.host for c in cands}
    assert pattern_hosts("33.25")[0] == "jdih.batangkab.go.id"
    assert pattern_hosts("33.74")[0] == "jdih.semarangkota.go.id"
    assert pattern_hosts("33")[0] == "jdih.jawatengahprov.go.id"
    assert len(cands) <= 10
