"""Finding each region's JDIH site: try the registry's addresses, then the common naming patterns
of regional JDIH domains; fingerprint what answers; keep it only if it is this region's site.

For every region without a verified site (or the regions asked for), the candidates are, in
order: the registry's addresses (``crawler.registry``), then ``jdih.<name>kab.go.id`` /
``<name>kota`` / ``<name>prov``, ``jdih.<name>.go.id``, ``jdihukum.…`` and the Bagian (Biro) Hukum
subdomain of the region's main domain (:func:`pattern_hosts`). Each candidate's home page is
fetched (robots.txt obeyed, redirects followed and recorded), then the JDIHN integration paths
its family suggests (the registry's feed URL first). A candidate is **verified** only when it
answers, its site names this region (title, site name, brand, heading; for a feed, its records'
issuing bodies), it is no parked domain and no national portal, it did not redirect to another
region's site, and it has documents to crawl (a known CMS family, a JDIHN feed, or regulation
files for the generic spider). Otherwise it is ``rejected`` (with its reason), ``unreachable``,
``blocked`` (robots.txt) or left ``unverified`` (the region is not named; no documents found):
never guessed, and only verified rows become sources.

Polite and bounded: one request at a time per host, a delay between them, at most
``max_candidates`` addresses per region and ``len(FEED_PATHS)`` feed probes per site; pattern
candidates stop at the first verified one. Resumable: each candidate's verdict is committed as
soon as it is known (``DiscoveryPipeline``), and a later run skips addresses checked within
``recheck`` and regions that have a verified site.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any, Iterator
from urllib.parse import urljoin, urlsplit, urlunsplit

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import TextResponse
from sqlalchemy import select

from crawler.errors import download_failure_reason
from crawler.fingerprint import (Fingerprint, feed_fingerprint, fingerprint, host_region,
                                 is_portal, listing_candidates, regions_named, site_identity)
from crawler.registry import RegistryRow, mark, sync_registry
from crawler.resolver import load_hosts
from crawler.settings import scrapy_settings
from katalog.db import Catalogue
from katalog.models import JdihSite
from katalog.types import as_utc
from pantau import wilayah

logger = logging.getLogger(__name__)

# JDIHN integration endpoints seen in the wild (research: /integrasi, integrasi.php,
# /api/integrasi, all_data.php, ILDIS's /feed/document.json, jdih-cms's
# /api/produk-hukum/peraturan, /api/jdih)
FEED_PATHS = ("/integrasi", "/integrasi.php", "/api/integrasi", "/all_data.php",
              "/feed/document.json", "/api/produk-hukum/peraturan", "/api/jdih")
FAMILY_FEEDS = {"ildis": ("/feed/document.json",),
                "jdihcms": ("/api/produk-hukum/peraturan",),
                "baghukum": (), "acehdih": ("/integrasi",)}
CRAWLABLE = ("jdihn_feed", "ildis", "baghukum", "jdihcms")
UNREACHABLE = {"dns_error", "timeout", "connection_refused", "connection_error",
               "incomplete_response", "download_error", "too_many_redirects", "cancelled"}
_reactor_used = False


@dataclass(frozen=True)
class Policy:
    """How discovery asks: schemes tried (the registry's first), a port for a loopback world,
    seconds between requests to one host, timeout, when a checked address is checked again, how
    many addresses per region at most, and a time limit for the whole run."""

    schemes: tuple[str, ...] = ("https", "http")
    port: int | None = None
    delay: float = 2.0
    timeout: float = 20.0
    recheck: timedelta = timedelta(days=30)
    max_candidates: int = 10
    max_seconds: float = 3 * 3600
    retry_backoff: float = 10.0

    def url(self, url: str, scheme: str | None = None) -> str:
        """``url`` with the scheme asked for and the policy's port."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        netloc = f"{host}:{self.port}" if self.port else parts.netloc.split("@")[-1]
        return urlunsplit(((scheme or parts.scheme), netloc, parts.path or "/", parts.query, ""))


@dataclass
class Candidate:
    """One address to check for a region."""

    region: str
    url: str                       # as the registry gives it, or https://<pattern host>/
    origin: str                    # registry | pattern
    publisher: str = "pemda"
    feed_url: str | None = None

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()


# --------------------------------------------------------------------------- candidates

def _slugs(w: wilayah.Wilayah) -> list[str]:
    """The name of a region as JDIH host names write it: words joined (``acehbarat``), the
    last word alone for "Kepulauan X" (``anambas``)."""
    name = w.nama
    for prefix in ("Provinsi ", "Kabupaten ", "Kota "):
        name = name.removeprefix(prefix)
    words = re.findall(r"[a-z0-9]+", name.lower().replace("daerah istimewa", "")
                       .replace("daerah khusus ibukota", ""))
    out = ["".join(words)]
    if len(words) > 1 and words[0] in ("kepulauan", "kep"):
        out.append("".join(words[1:]))
    return [s for s in dict.fromkeys(out) if s]


def pattern_hosts(code: str) -> list[str]:
    """Host names a region's JDIH commonly has, most common first."""
    w = wilayah.by_code()[code]
    suffix = {"kabupaten": "kab", "kota": "kota", "provinsi": "prov"}[w.kind]
    hosts: list[str] = []
    for slug in _slugs(w):
        domain = f"{slug}{suffix}.go.id"
        hosts += [f"jdih.{domain}", f"jdihukum.{domain}"]
        hosts += ([f"birohukum.{domain}", f"jdih.birohukum.{domain}"] if w.kind == "provinsi"
                  else [f"hukum.{domain}", f"bagianhukum.{domain}"])
        hosts.append(f"jdih.{slug}.go.id")
    return list(dict.fromkeys(hosts))


def candidates(code: str, registry: list[RegistryRow], limit: int = 10) -> list[Candidate]:
    """The registry's addresses of region ``code``, then its pattern hosts not among them."""
    out: list[Candidate] = []
    seen: set[str] = set()
    for row in registry:
        if row.kode == code and row.url not in seen:
            seen.add(row.url)
            out.append(Candidate(code, row.url, "registry", row.publisher, row.feed_url or None))
    hosts = {c.host for c in out}
    for host in pattern_hosts(code):
        if host not in hosts:
            out.append(Candidate(code, f"https://{host}/", "pattern"))
    return out[:max(limit, sum(c.origin == "registry" for c in out))]


# --------------------------------------------------------------------------- judging

@dataclass
class Probe:
    """What discovery saw at one candidate (kept as ``jdih_site.probe``)."""

    url: str
    final_url: str | None = None
    http_status: int | None = None
    redirects: list[str] = field(default_factory=list)
    error: str | None = None
    home: Fingerprint | None = None
    identity: str = ""
    named: dict = field(default_factory=dict)       # region code -> times named by the site
    feed_url: str | None = None
    feed: Fingerprint | None = None
    feeds_tried: list[str] = field(default_factory=list)
    listing: Fingerprint | None = None               # the listing page looked at, if any
    listing_url: str | None = None

    def as_dict(self, family: str | None, listing_url: str | None) -> dict:
        return {"url": self.url, "final_url": self.final_url, "http_status": self.http_status,
                "redirects": self.redirects, "error": self.error,
                "home": self.home.as_dict() if self.home else None,
                "identity": self.identity[:300], "named": self.named,
                "feed_url": self.feed_url, "feeds_tried": self.feeds_tried,
                "feed_records": self.feed.records if self.feed else 0,
                "listing": self.listing.as_dict() if self.listing else None,
                "family": family, "listing_url": listing_url,
                "checked_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}


@dataclass
class Verdict:
    status: str                    # verified | rejected | unreachable | blocked | unverified
    reason: str | None
    family: str | None = None
    listing_url: str | None = None


def _related(code: str) -> set[str]:
    """The codes a site of ``code`` may also name without being another region's: itself and
    its province."""
    w = wilayah.by_code()[code]
    return {code} | ({w.kode_provinsi} if w.kode_provinsi else set())


def _describe(code: str) -> str:
    w = wilayah.by_code().get(code)
    return f"{code} {w.nama}" if w else code


def judge(code: str, cand: Candidate, probe: Probe) -> Verdict:
    """The verdict on one candidate for region ``code`` (pure: everything is in ``probe``)."""
    if probe.error:
        if probe.error == "robots_forbidden":
            return Verdict("blocked", "robots_forbidden: robots.txt forbids the site")
        return Verdict("unreachable", probe.error)
    final_host = (urlsplit(probe.final_url or "").hostname or "").lower()
    if is_portal(final_host):
        return Verdict("rejected", f"redirect_to_portal: {cand.host} leads to the national "
                                   f"portal {final_host}")
    home = probe.home
    if home is not None and home.family == "parked":
        return Verdict("rejected", f"parked_domain: {home.markers[0] if home.markers else ''}")
    moved = final_host and final_host != cand.host and final_host != f"www.{cand.host}" \
        and cand.host != f"www.{final_host}"
    other_by_host = host_region(final_host) if moved else None
    if other_by_host and other_by_host not in _related(code) and other_by_host != code:
        return Verdict("rejected", f"redirect_to_other_region: {cand.host} redirects to "
                                   f"{final_host} ({_describe(other_by_host)})")
    named = {c for c in probe.named}
    own = code in named
    others = named - {code, "id"}  # naming only its province is naming another region
    if not own and others:
        other = max(others, key=lambda c: probe.named[c])
        what = "redirect_to_other_region" if moved else "other_region_site"
        return Verdict("rejected", f"{what}: {final_host or cand.host} is the site of "
                                   f"{_describe(other)}")
    feed = probe.feed
    if feed is not None and feed.record_regions:
        mine = sum(n for c, n in feed.record_regions.items() if c in _related(code))
        theirs = {c: n for c, n in feed.record_regions.items() if c not in _related(code)
                  and c != "id"}
        if sum(theirs.values()) > mine:
            other = max(theirs, key=theirs.get)
            return Verdict("rejected", f"other_region_site: the feed's records are issued by "
                                       f"{_describe(other)}")
        own = own or mine > 0
    if not own:
        w = wilayah.by_code()[code]
        if probe.http_status and probe.http_status >= 500:
            return Verdict("unreachable", f"http_{probe.http_status}")
        return Verdict("unverified", f"region_not_named: the site does not name {w.nama}")
    family = home.family if home is not None else None
    if feed is not None and (family is None or family not in CRAWLABLE or family == "unknown"):
        family = "jdihn_feed"
    if family in CRAWLABLE or feed is not None:
        return Verdict("verified", None, family, home.listing_url if home else None)
    # any other site (WordPress, the Aceh dih app, unknown software) is read by the generic
    # listing spider: only when its home page or its listing links regulations (their files, or
    # pages titled as one), not any PDF (a brochure says nothing)
    if home is not None and home.regulation_links:
        return Verdict("verified", None, family or "unknown", None)
    if probe.listing is not None and probe.listing.regulation_links:
        return Verdict("verified", None, family or "unknown", probe.listing_url)
    return Verdict("unverified", f"no_documents: {family or 'unknown'} site without a feed or "
                                 f"links to regulations")


# --------------------------------------------------------------------------- the spider

class DiscoverySpider(scrapy.Spider):
    """Checks candidates region by region: one candidate of a region at a time, regions in
    parallel; yields one ``{"candidate", "probe", "verdict"}`` per candidate checked."""

    name = "discovery"

    def __init__(self, plan: dict[str, list[Candidate]], policy: Policy,
                 pinned: set[str] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.plan = plan
        self.policy = policy
        # crawler.safety lets a request reach a private address only on the source's own hosts:
        # here every host the operator pinned in a hosts file (the loopback world, a government
        # network), including where a candidate redirects
        self.source = SimpleNamespace(url=None, urls=[f"http://{h}/" for h in sorted(pinned or ())])
        self._found: set[str] = set()

    async def start(self):
        for code, cands in self.plan.items():
            if cands:
                yield self._home(code, 0, cands[0].url.split(":", 1)[0])

    # -- one candidate, step by step: home page, then feed paths
    def _home(self, code: str, i: int, scheme: str) -> scrapy.Request:
        cand = self.plan[code][i]
        scheme = scheme if scheme in self.policy.schemes else self.policy.schemes[0]
        url = self.policy.url(cand.url, scheme)
        state = {"code": code, "i": i, "scheme": scheme, "probe": Probe(url=url), "feeds": [],
                 "listings": []}
        return scrapy.Request(url, callback=self.parse_home, errback=self.home_failed,
                              cb_kwargs={"state": state}, dont_filter=True,
                              meta={"download_timeout": self.policy.timeout,
                                    "handle_httpstatus_list": [404, 410, 500, 502, 503, 504]})

    def parse_home(self, response, state: dict) -> Iterator[Any]:
        probe: Probe = state["probe"]
        probe.final_url, probe.http_status = response.url, response.status
        probe.redirects = list(response.meta.get("redirect_urls", []))
        cand = self.plan[state["code"]][state["i"]]
        if response.status >= 500:
            probe.error = f"http_{response.status}"
            yield from self._done(state)
            return
        headers = {k.decode("latin-1"): b", ".join(v).decode("latin-1")
                   for k, v in response.headers.items()}
        if response.status < 400:
            probe.home = fingerprint(response.url, response.body,
                                     headers.get("Content-Type"), headers)
            html = response.text if isinstance(response, TextResponse) else ""
            probe.identity = site_identity(html)
            named = regions_named(probe.identity)
            if not named and probe.home.family not in ("parked", "portal"):
                named = regions_named(re.sub(r"<[^>]+>", " ", html[:60_000]))
            probe.named = dict(named)
            state["listings"] = listing_candidates(response.url, html, limit=2)
        if probe.home is not None and probe.home.family in ("parked", "portal"):
            yield from self._done(state)
            return
        verdict = judge(state["code"], cand, probe)
        if verdict.status == "rejected":  # no need to look for its feed
            yield from self._done(state)
            return
        family = probe.home.family if probe.home else "unknown"
        paths = [cand.feed_url] if cand.feed_url else []
        paths += list(FAMILY_FEEDS.get(family, FEED_PATHS))
        base = probe.final_url if probe.home is not None else probe.url
        state["feeds"] = [self.policy.url(urljoin(base, p)) if p.startswith("http") else
                          urljoin(base, p) for p in dict.fromkeys(paths)]
        yield from self._next_feed(state)

    def home_failed(self, failure) -> Iterator[Any]:
        state = failure.request.cb_kwargs["state"]
        reason, detail = download_failure_reason(failure)
        cand = self.plan[state["code"]][state["i"]]
        other = [s for s in self.policy.schemes if s != state["scheme"]]
        if reason in ("connection_refused", "connection_error", "timeout") and other \
                and not state.get("retried_scheme"):
            req = self._home(state["code"], state["i"], other[0])
            req.cb_kwargs["state"]["retried_scheme"] = True
            yield req
            return
        state["probe"].error = reason
        logger.info("discovery: %s %s (%s)", cand.url, reason, detail[:200])
        yield from self._done(state)

    def _next_feed(self, state: dict) -> Iterator[Any]:
        if not state["feeds"]:
            yield from self._next_listing(state)
            return
        url = state["feeds"].pop(0)
        state["probe"].feeds_tried.append(url)
        yield scrapy.Request(url, callback=self.parse_feed, errback=self.feed_failed,
                             cb_kwargs={"state": state}, dont_filter=True,
                             meta={"download_timeout": self.policy.timeout, "dont_retry": True,
                                   "handle_httpstatus_list": [404, 410, 403, 500, 503]})

    def parse_feed(self, response, state: dict) -> Iterator[Any]:
        fp = feed_fingerprint(response.body) if response.status == 200 else None
        if fp is not None:
            state["probe"].feed, state["probe"].feed_url = fp, response.url
            state["feeds"] = []
        yield from self._next_feed(state)

    def feed_failed(self, failure) -> Iterator[Any]:
        yield from self._next_feed(failure.request.cb_kwargs["state"])

    def _next_listing(self, state: dict) -> Iterator[Any]:
        """A site with no feed and no family spider whose home links no regulation: look at
        (at most two of) the listings its home page links before judging it."""
        probe: Probe = state["probe"]
        home = probe.home
        looking = (probe.feed is None and home is not None and home.family not in CRAWLABLE
                   and not home.regulation_links
                   and not (probe.listing is not None and probe.listing.regulation_links))
        if not looking or not state["listings"]:
            yield from self._done(state)
            return
        url = state["listings"].pop(0)
        yield scrapy.Request(url, callback=self.parse_listing, errback=self.listing_failed,
                             cb_kwargs={"state": state}, dont_filter=True,
                             meta={"download_timeout": self.policy.timeout, "dont_retry": True,
                                   "handle_httpstatus_list": [404, 410, 403, 500, 503]})

    def parse_listing(self, response, state: dict) -> Iterator[Any]:
        if response.status == 200:
            headers = {k.decode("latin-1"): b", ".join(v).decode("latin-1")
                       for k, v in response.headers.items()}
            state["probe"].listing = fingerprint(response.url, response.body,
                                                 headers.get("Content-Type"), headers)
            state["probe"].listing_url = response.url
        yield from self._next_listing(state)

    def listing_failed(self, failure) -> Iterator[Any]:
        yield from self._next_listing(failure.request.cb_kwargs["state"])

    def _done(self, state: dict) -> Iterator[Any]:
        code, i = state["code"], state["i"]
        cands = self.plan[code]
        cand = cands[i]
        verdict = judge(code, cand, state["probe"])
        if verdict.status == "verified":
            self._found.add(code)
        yield {"candidate": cand, "probe": state["probe"], "verdict": verdict}
        nxt = i + 1
        # the registry's addresses are all checked (a region may have several sites); pattern
        # hosts only until the region has one
        if nxt < len(cands) and not (cands[nxt].origin == "pattern" and code in self._found):
            yield self._home(code, nxt, cands[nxt].url.split(":", 1)[0])


class DiscoveryPipeline:
    """Writes each candidate's verdict to ``jdih_site`` as soon as it is known (so a killed run
    loses at most the candidates in flight)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: dict) -> dict:
        state = self.crawler.pantau_discovery
        cand: Candidate = item["candidate"]
        verdict: Verdict = item["verdict"]
        probe: Probe = item["probe"]
        cat: Catalogue = state["cat"]
        with cat.session() as s:
            site = s.scalar(select(JdihSite).where(JdihSite.region_code == cand.region,
                                                   JdihSite.url == cand.url))
            if site is None:
                site = JdihSite(region_code=cand.region, url=cand.url, host=cand.host,
                                publisher=cand.publisher, origin=cand.origin, status="unverified",
                                evidence={"pattern": "naming pattern of regional JDIH domains"}
                                if cand.origin == "pattern" else {}, probe={})
                s.add(site)
            mark(site, verdict.status, verdict.reason,
                 probe.as_dict(verdict.family, verdict.listing_url))
        if verdict.status == "verified":
            state["verified"][(cand.region, cand.url)] = True
        state["results"].append((cand, verdict))
        self.crawler.stats.inc_value(f"discovery/{verdict.status}")
        return item


# --------------------------------------------------------------------------- running it

@dataclass
class DiscoveryReport:
    regions: list[str]
    results: list[tuple[Candidate, Verdict]]
    skipped: int = 0               # addresses checked within the recheck interval
    elapsed: float = 0.0
    requests: int = 0
    hosts: int = 0

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for _, v in self.results:
            out[v.status] = out.get(v.status, 0) + 1
        return out


def plan(cat: Catalogue, registry: list[RegistryRow], regions: list[str] | None,
         policy: Policy, now: datetime | None = None) -> tuple[dict[str, list[Candidate]], int]:
    """Candidates to check per region, leaving out addresses checked within ``recheck`` and (when
    no region is named) regions that already have a verified site."""
    now = now or datetime.now(timezone.utc)
    known = {w.kode for w in wilayah.all_regions()}
    unknown = [r for r in regions or [] if r not in known]
    if unknown:
        raise ValueError(f"not Kemendagri region codes: {', '.join(unknown)}")
    with cat.session() as s:
        checked = {(r.region_code, r.url): (r.status, as_utc(r.checked_at))
                   for r in s.scalars(select(JdihSite))}
    verified_regions = {code for (code, _), (st, _) in checked.items() if st == "verified"}
    targets = list(regions) if regions else [w.kode for w in wilayah.all_regions()
                                             if w.kode not in verified_regions]
    out: dict[str, list[Candidate]] = {}
    skipped = 0
    for code in targets:
        todo = []
        for cand in candidates(code, registry, policy.max_candidates):
            if cand.origin == "pattern" and code in verified_regions:
                break  # the region has its site: the registry's new addresses only
            status, when = checked.get((code, cand.url), (None, None))
            if when is not None and now - when < policy.recheck:
                skipped += 1
                continue
            todo.append(cand)
        if todo:
            out[code] = todo
    return out, skipped


def discover(cat: Catalogue, registry: list[RegistryRow], regions: list[str] | None = None,
             policy: Policy = Policy(), *, hosts: dict[str, str] | None = None,
             hosts_only: bool = False, log_level: str = "WARNING") -> DiscoveryReport:
    """Check the candidates of ``regions`` (default: every region without a verified site) and
    write each verdict to ``jdih_site``. Once per process (Twisted's reactor)."""
    global _reactor_used
    if _reactor_used:
        raise RuntimeError("crawler.discovery.discover() runs once per process")
    if hosts is None and cat.settings.hosts_file:
        hosts, hosts_only = load_hosts(cat.settings.hosts_file), bool(cat.settings.hosts_only)
    sync_registry(cat, registry)
    todo, skipped = plan(cat, registry, regions, policy)
    report = DiscoveryReport(regions=sorted(todo), results=[], skipped=skipped,
                             hosts=len({c.host for cs in todo.values() for c in cs}))
    if not todo:
        return report
    settings = scrapy_settings(cat.settings, log_level, hosts=hosts, hosts_only=hosts_only)
    settings.update({
        "ITEM_PIPELINES": {"crawler.discovery.DiscoveryPipeline": 300},
        "DOWNLOAD_DELAY": policy.delay, "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_TIMEOUT": policy.timeout, "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "RETRY_TIMES": 1,
        "RETRY_BACKOFF_BASE": policy.retry_backoff, "CLOSESPIDER_TIMEOUT": policy.max_seconds,
        "REDIRECT_MAX_TIMES": 5, "DOWNLOAD_MAXSIZE": 8 * 2**20, "DOWNLOAD_WARNSIZE": 4 * 2**20,
        "LOG_LEVEL": log_level})
    settings["DOWNLOADER_MIDDLEWARES"] = {
        k: v for k, v in settings["DOWNLOADER_MIDDLEWARES"].items()
        if "ConditionalRequest" not in k and "FamilyFingerprint" not in k}
    _reactor_used = True
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(DiscoverySpider)
    crawler.pantau_discovery = {"cat": cat, "results": report.results, "verified": {}}
    process.crawl(crawler, plan=todo, policy=policy, pinned=set(hosts or {}))
    process.start(install_signal_handlers=False)
    stats = crawler.stats.get_stats()
    report.elapsed = float(stats.get("elapsed_time_seconds") or 0.0)
    report.requests = int(stats.get("downloader/request_count") or 0)
    return report


def loopback_policy(port: int, **kw) -> Policy:
    """The policy for a loopback test world: plain http on ``port``, short delays and timeouts."""
    return replace(Policy(schemes=("http",), port=port, delay=0.05, timeout=2.0,
                          retry_backoff=0.1, max_seconds=300), **kw)
