"""The simulated internet itself: the world the builder makes is big, spread and deterministic;
every site answers through the one server as the family it was built as and names its region
(or, for a site posing as another region, that other region); the traps behave; and a crawl of
the JDIHN-feed sites through the world's hosts file brings in every document, under its region.
"""

from __future__ import annotations

import hashlib
import io
import json
import socket
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest
from sqlalchemy import select

from crawler.discovery import pattern_hosts
from crawler.fingerprint import feed_fingerprint, fingerprint, regions_named, site_identity
from crawler.registry import COLUMNS, parse_registry
from katalog.db import Catalogue
from katalog.models import Document
from pantau import wilayah
from pantau.settings import load_settings
from tests.crawler.fixture_site import run_crawl
from tests.crawler.world.build import ALL_FAMILIES, REAL_FAMILIES, TRAPS, build_world
from tests.crawler.world.server import World, env
from tests.crawler.world.sites import available, start_path

# the family fingerprint.fingerprint() must tell from a family's pages (generic: any)
HTML_FAMILY = {"ildis": "ildis", "baghukum": "baghukum", "jdihcms": "jdihcms",
               "acehdih": "acehdih", "wordpress": "wordpress"}


@pytest.fixture(scope="module")
def full():
    return build_world(families=ALL_FAMILIES)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    spec = build_world()
    tmp = tmp_path_factory.mktemp("world")
    with World(spec.sites) as w:
        hosts = w.write_hosts_file(tmp / "hosts")
        yield spec, w, hosts, tmp


def get(w: World, host: str, path: str = "/", method: str = "GET", headers: dict | None = None,
        data: bytes | None = None, timeout: float = 10):
    """(status, headers, body) of one request to the world, addressed by Host header; redirects
    are not followed."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None
    req = urllib.request.Request(f"http://127.0.0.1:{w.port}{path}", method=method, data=data,
                                 headers={"Host": f"{host}:{w.port}", **(headers or {})})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


# --------------------------------------------------------------------------- the build

def test_the_world_is_big_spread_and_deterministic(full):
    hosts = [s.host for s in full.sites]
    assert len(set(hosts)) == len(hosts) >= 110
    fams = Counter(s.family for s in full.crawlable())
    assert fams == Counter(REAL_FAMILIES)
    traps = Counter(s.options["trap"] for s in full.sites if "trap" in s.options)
    assert traps == Counter({**{k: n for k, (n, _) in TRAPS.items()}, "portal_home": 1})
    regions = [wilayah.by_code()[s.region_code] for s in full.crawlable()]
    assert {w.kind for w in regions} == {"kabupaten", "kota", "provinsi"}
    assert len({w.kode_provinsi or w.kode for w in regions}) >= 25
    aceh = [s for s in full.crawlable() if s.family == "acehdih"]
    assert all(s.region_code.startswith("11.") for s in aceh)
    assert any(wilayah.by_code()[s.region_code].kind == "kabupaten" for s in aceh)
    # one site per region, traps included (a region's verdicts never depend on each other)
    posing = [s.options.get("poses_as", s.region_code) for s in full.sites if s.region_code]
    assert len(posing) == len(set(posing))
    # the same seed gives the same world, another seed another one
    again = build_world(families=ALL_FAMILIES)
    assert [(s.host, s.family, s.docs, s.options) for s in again.sites] == \
        [(s.host, s.family, s.docs, s.options) for s in full.sites]
    assert [s.host for s in build_world(families=ALL_FAMILIES, seed=1).sites] != hosts


def test_documents_are_distinct_real_pdfs_stating_the_regulation(full):
    docs = [d for ds in full.docs_by_region.values() for d in ds]
    assert sum(len(s.docs) for s in full.crawlable()) == len(docs) >= 200
    assert all(2 <= len(s.docs) <= 4 for s in full.crawlable())
    assert len({hashlib.sha256(d.pdf).digest() for d in docs}) == len(docs)
    assert all(d.pdf.startswith(b"%PDF-") for d in docs)
    assert sum("BPJS Ketenagakerjaan" in d.judul or "Ketenagakerjaan" in d.judul
               for d in docs) >= len(docs) // 5
    jenis = Counter(d.jenis for d in docs)
    assert {"Peraturan Bupati", "Peraturan Daerah", "Qanun", "Keputusan Bupati",
            "Peraturan Gubernur"} <= set(jenis)
    assert jenis["Peraturan Wali Kota"] + jenis["Peraturan Walikota"] > 0
    from pypdf import PdfReader
    d = docs[0]
    text = " ".join(PdfReader(io.BytesIO(d.pdf)).pages[0].extract_text().split())
    name = wilayah.by_code()[d.region_code].nama.upper()
    assert f"NOMOR {d.nomor} TAHUN {d.tahun}" in text and name in text
    assert " ".join(d.judul.upper().split()) in text


def test_registry_rows_are_a_valid_registry(full, tmp_path):
    rows = parse_registry(full.write_registry(tmp_path / "reg.csv").read_text())
    assert [list(r) for r in full.registry_rows][0] == COLUMNS
    listed = {r.host for r in rows}
    for s in full.sites:
        if "trap" in s.options and s.family != "portal_home":
            assert s.host in listed, s.host
    odd = [s for s in full.crawlable() if not s.host.endswith(("kab.go.id", "kota.go.id",
                                                               "prov.go.id"))]
    assert odd and all(s.host in listed for s in odd)
    pattern = [s for s in full.crawlable() if s not in odd]
    assert 0.2 < sum(s.host in listed for s in pattern) / len(pattern) < 0.5
    assert all(r.status == "unverified" for r in rows)
    feeds = {r.host: r.feed_url for r in rows if r.feed_url}
    for s in full.crawlable():
        if s.options.get("feed_path") == "/api/v2/jdihn/dokumen":
            assert feeds[s.host].endswith("/api/v2/jdihn/dokumen")


def test_expected_verdicts_cover_every_host_discovery_checks(full):
    exp = full.expected
    for s in full.crawlable():
        assert exp[s.host] == ("verified", None, s.region_code)
        # the region's checks end at its site: earlier pattern hosts do not resolve
        order = full.probes[s.region_code]
        assert order[-1] == s.host
        assert all(exp[h][:2] == ("unreachable", "dns_error") for h in order[:-1])
    for s in full.sites:
        trap = s.options.get("trap")
        if trap and trap != "portal_home":
            code = s.options.get("poses_as", s.region_code)
            assert exp[s.host] == (*TRAPS[trap][1], code)
            order = full.probes[code]
            assert order[0] == s.host and 2 <= len(order) <= 10
            assert all(exp[h][:2] == ("unreachable", "dns_error") for h in order[1:])
    assert Counter(v[0] for v in exp.values())["verified"] == len(full.crawlable())
    assert {v[1] for v in exp.values()} >= {"parked_domain", "redirect_to_portal",
                                            "redirect_to_other_region", "other_region_site",
                                            "robots_forbidden", "dns_error",
                                            "connection_refused", "timeout", "http_500"}
    where = Counter("first pattern" if s.host == pattern_hosts(s.region_code)[0] else
                    "later pattern" if s.host in pattern_hosts(s.region_code) else "odd"
                    for s in full.crawlable())
    assert where["first pattern"] >= 60 and where["later pattern"] >= 8 and where["odd"] >= 10


def test_restricting_families_keeps_the_rest_unchanged(full):
    only = build_world(families=["jdihn_feed", "parked"])
    assert {s.family for s in only.sites} == {"jdihn_feed", "parked"}
    same = {s.host: s for s in full.sites}
    assert all(same[s.host].docs == s.docs for s in only.sites)
    assert all(r["url"].split("/")[2] in {s.host for s in only.sites} for r in only.registry_rows)
    with pytest.raises(ValueError):
        build_world(families=["nosuch"])


# --------------------------------------------------------------------------- the server

def test_every_live_site_answers_as_its_family_and_names_its_region(world):
    spec, w, _, _ = world
    present = set(available())
    checked = Counter()
    for s in spec.sites:
        if s.family not in present or "dead" in s.options or "slow" in s.options \
                or s.family in ("parked", "portal", "portal_home", "redirect", "error5xx"):
            continue
        status, _, home = get(w, s.host, "/")
        assert status == 200, s.host
        named = regions_named(site_identity(home.decode("utf-8", "replace")))
        assert named and named.most_common(1)[0][0] == s.region_code, (s.host, named)
        start = start_path(s)
        status, headers, page = get(w, s.host, start)
        assert status == 200, (s.host, start)
        if s.family in ("jdihn_feed", "robots"):
            fp = feed_fingerprint(page)
            assert fp is not None and fp.records == len(s.docs), s.host
            assert fp.record_regions.most_common(1)[0][0] == s.region_code
            records = json.loads(page)
            url = (records if isinstance(records, list) else records["data"])[0]["urlDownload"]
            assert url.startswith(f"http://{s.host}:{w.port}/")
            status, _, pdf = get(w, s.host, url.split(str(w.port), 1)[1])
            assert status == 200 and pdf in {d.pdf for d in s.docs}
        elif s.family in HTML_FAMILY:
            fams = {fingerprint(w.base(s.host) + p, b).family for p, b in (("/", home),
                                                                          (start, page))}
            assert HTML_FAMILY[s.family] in fams, (s.host, fams)
        checked[s.family] += 1
    assert checked["jdihn_feed"] >= 25 and checked["robots"] == 2
    assert not w.errors, w.errors[0][2]


def test_other_region_sites_name_the_other_region(world):
    spec, w, _, _ = world
    posers = [s for s in spec.sites if s.options.get("trap") == "other_region"]
    assert len(posers) == 3
    for s in posers:
        _, _, home = get(w, s.host, "/")
        named = regions_named(site_identity(home.decode()))
        assert set(named) == {s.region_code} != {s.options["poses_as"]}
        fp = feed_fingerprint(get(w, s.host, s.options["feed_path"])[2])
        assert set(fp.record_regions) == {s.region_code}


def test_traps_behave(world):
    spec, w, _, _ = world
    by = {}
    for s in spec.sites:
        by.setdefault(s.options.get("trap"), []).append(s)
    for s in by["parked"]:
        status, _, body = get(w, s.host, "/")
        assert status == 200 and fingerprint(w.base(s.host) + "/", body).family == "parked"
    for s in by["portal"]:
        status, headers, _ = get(w, s.host, "/")
        assert status == 302 and headers["Location"] == f"http://jdihn.go.id:{w.port}/"
    status, _, body = get(w, "jdihn.go.id", "/")
    assert status == 200 and b"JDIH Nasional" in body
    assert fingerprint(f"http://jdihn.go.id:{w.port}/", body).family == "portal"
    for s in by["redirect"]:
        status, headers, _ = get(w, s.host, "/integrasi")
        target = spec.site(s.options["to"])
        assert status == 302 and headers["Location"] == f"http://{target.host}:{w.port}/integrasi"
        assert target.region_code != s.region_code and "trap" not in target.options
    for s in by["error5xx"]:
        assert get(w, s.host, "/")[0] == 500 and get(w, s.host, "/integrasi")[0] == 500
    for s in by["robots"]:
        assert get(w, s.host, "/robots.txt")[2] == b"User-agent: *\nDisallow: /\n"
    plain = spec.crawlable()[0]
    assert get(w, plain.host, "/robots.txt")[2] == b"User-agent: *\nAllow: /\n"
    # a dead site is not served even when asked by name; a refused one's address refuses
    for s in by["dead_refused"] + by["dead_nxdomain"]:
        status, _, body = get(w, s.host, "/")
        assert (status, body) == (404, b"no such site")
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.2", w.port), timeout=2).close()
    # a slow site answers after its delay: a 2 s client gives up
    slow = by["slow"][0]
    t0 = time.monotonic()
    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        get(w, slow.host, "/robots.txt", timeout=1.5)
    assert time.monotonic() - t0 >= 1.4


def test_server_basics(world):
    spec, w, _, _ = world
    site = next(s for s in spec.crawlable() if s.family == "jdihn_feed")
    status, headers, body = get(w, "nosuch.go.id", "/")
    assert (status, body) == (404, b"no such site")
    status, headers, body = get(w, site.host, start_path(site))
    assert status == 200 and headers["ETag"]
    assert get(w, site.host, start_path(site), headers={"If-None-Match": headers["ETag"]})[:1] \
        == (304,)
    status, headers, head = get(w, site.host, start_path(site), method="HEAD")
    assert status == 200 and head == b"" and int(headers["Content-Length"]) == len(body)
    assert get(w, site.host, start_path(site), method="POST", data=b"a=1")[0] == 200
    methods = [(h[1], h[2], h[4]) for h in w.hits if h[1] == site.host]
    assert (site.host, "HEAD", 200) in methods and (site.host, "POST", 200) in methods
    assert (site.host, "GET", 304) in methods


def test_hosts_file_lists_exactly_the_live_hosts(world):
    spec, w, hosts, _ = world
    lines = [ln.split() for ln in hosts.read_text().splitlines() if ln and not ln.startswith("#")]
    pinned = {name: addr for addr, name in lines}
    live = {s.host for s in spec.sites if "dead" not in s.options}
    assert {h for h, a in pinned.items() if a == "127.0.0.1"} == live
    assert {h for h, a in pinned.items() if a == "127.0.0.2"} == \
        {s.host for s in spec.sites if s.options.get("dead") == "refused"}
    assert not {s.host for s in spec.sites if s.options.get("dead") == "nxdomain"} & set(pinned)
    assert env(hosts) == {"PANTAU_HOSTS_FILE": str(hosts), "PANTAU_HOSTS_ONLY": "1"}


# --------------------------------------------------------------------------- a crawl through it

def test_crawl_of_the_feed_sites_brings_in_every_document(world):
    spec, w, hosts, tmp = world
    feeds = [s for s in spec.crawlable() if s.family == "jdihn_feed"]
    sources = spec.write_sources(tmp / "sources.yaml", w.port, families=("jdihn_feed",))
    settings = load_settings(data_dir=str(tmp / "var"), config_file=str(tmp / "none.toml"))
    cat = Catalogue(settings)
    cat.init()
    mark = len(w.hits)
    summaries = run_crawl(sources, settings.data_dir, env=env(hosts), timeout=120)
    assert len(summaries) == len(feeds)
    assert all((r["status"], r["errors"]) == ("finished", 0) for r in summaries), summaries
    with cat.session() as s:
        got = {(d.region_code, d.nomor, d.tahun, f.sha256)
               for d in s.scalars(select(Document)) for f in d.files}
    cat.dispose()
    want = {(d.region_code, d.nomor, d.tahun, hashlib.sha256(d.pdf).hexdigest())
            for s in feeds for d in s.docs}
    assert want <= got, sorted(want - got)[:5]
    # nothing but the feed sites was asked, and only through the hosts file's names
    # (a slow site's answer to an earlier test may land late)
    asked = {h[1] for h in w.hits[mark:] if "slow" not in spec.site(h[1]).options}
    assert asked == {s.host for s in feeds}
    assert not w.errors
