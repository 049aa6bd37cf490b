"""The world builder: a deterministic simulated internet of regional JDIH sites, with the truth a
crawl and a discovery run are scored against.

``build_world(families=None, seed=0)`` gives a :class:`WorldSpec`:

- ``sites``: about 120 hosts: ~100 real sites (25 JDIHN feeds, 15 each ILDIS / baghukum /
  jdih-cms, 10 each Aceh dih / WordPress / generic), the traps (dead, slow, 5xx, robots-disallow,
  redirects to another region's site, another region's site on this region's name, parked
  domains, redirects to the national portal) and the portal itself;
- ``registry_rows``: what the registry (``crawler/registry.py`` columns) knows: every trap, every
  site on an odd host, and about a third of the pattern hosts;
- ``expected``: host -> (status, reason prefix or None, region code): the verdict discovery must
  reach on every host it will check for the world's regions, in the order ``probes`` gives;
- ``docs_by_region``: the documents a crawl of ``sources(port)`` must bring in, by region.

Regions come from ``pantau.wilayah``, spread over the provinces (kabupaten, kota and provinsi;
Aceh's for the Aceh family), each region used once, and only regions whose name the fingerprint
reads back unambiguously and whose pattern host names no other region. Each region is either a
real site's or a trap's, never both, so a region's verdicts never depend on each other; only a
redirect trap points at another (real) region's site, and a site posing as region A names a
region B that has no site of its own.

Hosts: most real sites are on ``pattern_hosts(code)[0]`` (``jdih.<name>kab.go.id``), some on a
later pattern host (discovery first checks the earlier ones, which do not resolve), some on a host
only the registry knows (``<name>kab.jdih.id``, ``jdih.setda-<name>.go.id``); two JDIHN sites
publish their feed at a path only the registry's ``feed_url`` tells.

``families`` restricts the world to sites whose family is listed (default: every family with a
renderer module, ``sites.available()``); trap kinds count as families (``parked``, ``portal``,
``redirect``, ``error5xx``, ``slow``, ``robots``, ``dead``, and ``other_region``, which also
needs ``jdihn_feed``, as do ``redirect``, ``slow`` and ``robots``). The regions and documents of
the sites kept do not depend on which families are kept.
"""

from __future__ import annotations

import csv
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from crawler.discovery import pattern_hosts
from crawler.fingerprint import GENERIC_KIND, SPIDER_KIND, host_region, regions_named
from crawler.registry import COLUMNS, RECORDED
from pantau import wilayah
from tests.crawler.world.model import WorldDoc, WorldSite
from tests.crawler.world.sites import available, start_path
from tests.crawler.world.sites.jdihn import SINGKATAN
from tests.nlp.pdfmaker import PageSpec, make_pdf

REAL_FAMILIES = {"jdihn_feed": 25, "ildis": 15, "baghukum": 15, "jdihcms": 15, "acehdih": 10,
                 "wordpress": 10, "generic": 10}
# trap kind -> (how many, the verdict discovery must reach on its host)
TRAPS = {
    "dead_refused": (2, ("unreachable", "connection_refused")),
    "dead_nxdomain": (2, ("unreachable", "dns_error")),
    "slow": (2, ("unreachable", "timeout")),
    "error5xx": (3, ("unreachable", "http_500")),
    "robots": (2, ("blocked", "robots_forbidden")),
    "redirect": (3, ("rejected", "redirect_to_other_region")),
    "other_region": (3, ("rejected", "other_region_site")),
    "parked": (2, ("rejected", "parked_domain")),
    "portal": (2, ("rejected", "redirect_to_portal")),
}
# the trap kind -> the families that must be in the world for it
TRAP_NEEDS = {"dead_refused": ("dead",), "dead_nxdomain": ("dead",), "slow": ("slow", "jdihn_feed"),
              "error5xx": ("error5xx",), "robots": ("robots", "jdihn_feed"),
              "redirect": ("redirect", "jdihn_feed"), "other_region": ("jdihn_feed",),
              "parked": ("parked",), "portal": ("portal",)}
ALL_FAMILIES = (*REAL_FAMILIES, "parked", "portal", "redirect", "error5xx", "slow", "robots",
                "dead", "other_region")
SLOW_SECONDS = 4.0                     # tests give discovery a 2 s timeout
FEED_PATHS = ("/integrasi", "/integrasi.php", "/api/integrasi", "/api/jdih")
REGISTRY_ONLY_FEED = "/api/v2/jdihn/dokumen"   # no probe finds it: only the registry's feed_url
PORTAL_HOST = "jdihn.go.id"
SEEN_IN = "tests/crawler/world (simulated)"
FAST = {"rate_limit": 0, "retry_backoff": 0.3}

TOPICS = (
    "Pajak Daerah dan Retribusi Daerah", "Rencana Pembangunan Jangka Menengah Daerah",
    "Penyelenggaraan Perlindungan Anak", "Pengelolaan Sampah Rumah Tangga",
    "Kedudukan, Susunan Organisasi, Tugas dan Fungsi Dinas Kesehatan",
    "Tata Cara Pemberian Hibah dan Bantuan Sosial", "Penanggulangan Kemiskinan Daerah",
    "Pengelolaan Barang Milik Daerah", "Penyelenggaraan Administrasi Kependudukan",
    "Standar Pelayanan Minimal Bidang Kesehatan", "Pengembangan Desa Wisata",
    "Penjabaran Anggaran Pendapatan dan Belanja Daerah", "Pencegahan dan Penanganan Stunting",
    "Pengelolaan Keuangan Desa", "Sistem Pemerintahan Berbasis Elektronik",
)
BPJS_TOPICS = (
    "Perlindungan Jaminan Sosial Ketenagakerjaan bagi Pekerja Rentan",
    "Kepesertaan Pegawai Non Aparatur Sipil Negara dalam Program BPJS Ketenagakerjaan",
    "Bantuan Iuran Jaminan Sosial Ketenagakerjaan bagi Pekerja Bukan Penerima Upah",
    "Optimalisasi Pelaksanaan Program Jaminan Sosial Ketenagakerjaan BPJS Ketenagakerjaan",
)


@dataclass
class WorldSpec:
    """A built world: its sites, what the registry knows, and the truth to score against."""

    sites: list[WorldSite]
    registry_rows: list[dict]
    expected: dict[str, tuple[str, str | None, str]]
    probes: dict[str, list[str]]          # region -> hosts discovery checks, in order
    docs_by_region: dict[str, list[WorldDoc]]
    seed: int = 0
    families: tuple[str, ...] = field(default_factory=tuple)

    def site(self, host: str) -> WorldSite:
        return next(s for s in self.sites if s.host == host)

    def crawlable(self) -> list[WorldSite]:
        """The real, live sites (what a crawl of ``sources`` covers)."""
        return [s for s in self.sites if "trap" not in s.options and s.family in REAL_FAMILIES]

    def sources(self, port: int) -> list[dict]:
        """``sources.yaml`` entries for every crawlable site, fast (no delay between requests)."""
        out = []
        for s in self.crawlable():
            out.append({"name": f"world-{s.host}", "kind": SPIDER_KIND.get(s.family, GENERIC_KIND),
                        "url": f"http://{s.host}:{port}{start_path(s)}",
                        "region": s.region_code, **FAST})
        return out

    def write_sources(self, path: str | Path, port: int, families: tuple[str, ...] | None = None
                      ) -> Path:
        """``sources.yaml`` for the crawlable sites (of ``families``, when given)."""
        entries = [e for e, s in zip(self.sources(port), self.crawlable())
                   if families is None or s.family in families]
        path = Path(path)
        path.write_text(yaml.safe_dump({"sources": entries}, sort_keys=False), encoding="utf-8")
        return path

    def write_registry(self, path: str | Path) -> Path:
        """The registry rows as a ``crawler/registry.py`` CSV file."""
        path = Path(path)
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
            w.writeheader()
            w.writerows(self.registry_rows)
        return path


# --------------------------------------------------------------------------- regions

def region_name(w: wilayah.Wilayah) -> str:
    """How a site names its region: "Kabupaten Batang", "Kota Batu", "Provinsi Jawa Tengah"."""
    return f"Provinsi {w.nama}" if w.kind == "provinsi" else w.nama


def _slug(w: wilayah.Wilayah) -> str:
    return pattern_hosts(w.kode)[0].split(".", 1)[1].removesuffix(".go.id")  # batangkab


def _plain_slug(w: wilayah.Wilayah) -> str:
    return pattern_hosts(w.kode)[-1].split(".")[1]                          # batang


@lru_cache(maxsize=4)
def _usable() -> tuple[wilayah.Wilayah, ...]:
    """Regions a world site can stand for: their name reads back as exactly them (in a page, a
    host name and every ``teuBadan`` form), and no other region shares their host names."""
    regions = [w for w in wilayah.all_regions() if w.valid_until is None]
    shared = Counter(pattern_hosts(w.kode)[-1] for w in regions)
    out = []
    for w in regions:
        name, hosts = region_name(w), pattern_hosts(w.kode)
        if shared[hosts[-1]] > 1 or host_region(hosts[0]) != w.kode:
            continue
        if dict(regions_named(f"JDIH {name} | Hukum {name}")) != {w.kode: 2}:
            continue
        prov = wilayah.by_code()[w.kode_provinsi].nama if w.kode_provinsi else None
        teus = [name, f"Pemerintah {name}"] + ([f"{prov}.{name}"] if prov else [])
        if all(wilayah.resolve(t, catalogue_field=True) == w.kode for t in teus):
            out.append(w)
    return tuple(out)


def _spread(regions: list[wilayah.Wilayah], rng: random.Random) -> list[wilayah.Wilayah]:
    """The regions shuffled and interleaved province by province (one of each in turn)."""
    groups: dict[str, list[wilayah.Wilayah]] = defaultdict(list)
    for w in regions:
        groups[w.kode_provinsi or w.kode].append(w)
    order = sorted(groups)
    rng.shuffle(order)
    for g in order:
        rng.shuffle(groups[g])
    out = []
    while any(groups.values()):
        for g in order:
            if groups[g]:
                out.append(groups[g].pop())
    return out


# --------------------------------------------------------------------------- documents

@lru_cache(maxsize=2048)
def document_pdf(region: str, jenis: str, nomor: str, tahun: int, judul: str) -> bytes:
    """A one-page PDF whose text states the regulation: issuer, jenis, number, year, subject."""
    issuer = {"Peraturan Bupati": "BUPATI", "Keputusan Bupati": "BUPATI",
              "Peraturan Gubernur": "GUBERNUR", "Keputusan Gubernur": "GUBERNUR"}.get(jenis)
    if issuer is None and "Wali" in jenis:
        issuer = "WALI KOTA"
    name = re.sub(r"^(?:Provinsi|Kabupaten|Kota) ", "", region)
    head = f"{issuer} {name}".upper() if issuer else region.upper()
    lines = [head, f"{jenis} {region}".upper(), f"NOMOR {nomor} TAHUN {tahun}", "TENTANG"]
    words, line = judul.upper().split(), ""
    for w in words:
        if len(line) + len(w) > 70:
            lines.append(line)
            line = ""
        line = f"{line} {w}".strip()
    lines += [line, "", f"Ditetapkan di {name} pada tahun {tahun}.",
              f"Diundangkan dalam Lembaran Daerah {region} Tahun {tahun}."]
    page = PageSpec()
    for i, text in enumerate(lines):
        page.text(60, 60 + 16 * i, text, size=11)
    return make_pdf([page])


def _jenis_choices(w: wilayah.Wilayah, rng: random.Random) -> list[str]:
    head = {"kabupaten": "Bupati", "kota": "Wali Kota", "provinsi": "Gubernur"}[w.kind]
    if w.kind == "kota" and rng.random() < 0.3:
        head = "Walikota"                    # as many kota sites write it
    daerah = "Qanun" if w.kode.startswith("11") else "Peraturan Daerah"
    return [f"Peraturan {head}", daerah, f"Peraturan {head}", f"Keputusan {head}"]


def make_docs(w: wilayah.Wilayah, rng: random.Random, n: int | None = None) -> list[WorldDoc]:
    """2-4 regulations of region ``w`` (about a third of them on BPJS Ketenagakerjaan)."""
    n = n or rng.randint(2, 4)
    choices = _jenis_choices(w, rng)
    nomors = rng.sample(range(1, 90), n)
    docs = []
    for i in range(n):
        jenis = choices[0] if i == 0 else rng.choice(choices)
        tahun = rng.randint(2018, 2025)
        judul = rng.choice(BPJS_TOPICS if rng.random() < 0.35 else TOPICS)
        nomor = str(nomors[i])
        short = (SINGKATAN.get(jenis) or re.sub(r"[^a-z]", "", jenis.lower())[:8]).lower()
        docs.append(WorldDoc(
            region_code=w.kode, jenis=jenis, nomor=nomor, tahun=tahun, judul=judul,
            pdf=document_pdf(region_name(w), jenis, nomor, tahun, judul),
            slug=f"{short}-{nomor}-{tahun}",
            tanggal=date(tahun, rng.randint(1, 12), rng.randint(1, 28))))
    return docs


# --------------------------------------------------------------------------- the world

def _odd_host(w: wilayah.Wilayah, k: int) -> str:
    """A host no naming pattern gives: only the registry knows it."""
    return f"{_slug(w)}.jdih.id" if k % 2 == 0 else f"jdih.setda-{_plain_slug(w)}.go.id"


def _row(w: wilayah.Wilayah, host: str, family: str = "", feed_url: str = "", k: int = 0) -> dict:
    scheme = "https" if k % 2 == 0 else "http"
    row = {"kode": w.kode, "nama": region_name(w), "publisher": "pemda",
           "url": f"{scheme}://{host}" + ("/" if k % 3 else ""), "family": family,
           "feed_url": feed_url, "family_note": f"{family or 'unknown'} (simulated)",
           "seen_in": SEEN_IN, "recorded": RECORDED, "status": "unverified"}
    return {c: row[c] for c in COLUMNS}


def _site_options(family: str, k: int) -> dict:
    if family != "jdihn_feed":
        return {}
    return {"feed_path": FEED_PATHS[k % len(FEED_PATHS)],
            "feed_shape": "status" if k % 3 == 1 else "bare",
            "teu_style": ("dotted", "plain", "pemerintah")[k % 3 if k % 5 else 2]}


def build_world(families: list[str] | tuple[str, ...] | None = None, seed: int = 0) -> WorldSpec:
    """The world (see the module docstring); the same ``seed`` gives the same world."""
    keep = set(families) if families is not None else _available_families()
    unknown = keep - set(ALL_FAMILIES) - {"portal_home"}
    if unknown:
        raise ValueError(f"unknown families {sorted(unknown)} (known: {', '.join(ALL_FAMILIES)})")
    rng = random.Random(seed)
    usable = list(_usable())
    aceh = [w for w in usable if w.kode.startswith("11.")]
    aceh = sorted(aceh, key=lambda w: (w.kind != "kabupaten", w.kode))
    aceh_pick = aceh[:1] + rng.sample(aceh[1:], REAL_FAMILIES["acehdih"] - 1)
    pool = _spread([w for w in usable if w not in aceh_pick], rng)

    sites: list[WorldSite] = []
    rows: list[dict] = []
    verdicts: dict[str, tuple[str, str | None]] = {}   # host -> verdict for the region it poses as
    posing: dict[str, str] = {}                       # host -> region it is listed/named for
    jdihn_pattern: list[WorldSite] = []               # redirect targets

    # the real sites
    for family, count in REAL_FAMILIES.items():
        regions = aceh_pick if family == "acehdih" else [pool.pop(0) for _ in range(count)]
        for k, w in enumerate(regions):
            hosts = pattern_hosts(w.kode)
            odd = k % 7 == 5
            host = _odd_host(w, k) if odd else hosts[1 + k % 2] if k % 7 == 3 else hosts[0]
            opts = _site_options(family, k)
            feed_url = ""
            if family == "jdihn_feed" and k in (8, 20):
                opts["feed_path"] = REGISTRY_ONLY_FEED
                feed_url = f"http://{host}{REGISTRY_ONLY_FEED}"
            elif family == "jdihn_feed" and k % 3 == 0:
                feed_url = f"http://{host}{opts['feed_path']}"
            site = WorldSite(host, family, w.kode, region_name(w), make_docs(w, rng), opts)
            sites.append(site)
            verdicts[host], posing[host] = ("verified", None), w.kode
            if odd or feed_url or k % 3 == 0:
                rows.append(_row(w, host, "" if family in ("jdihn_feed", "generic") else family,
                                 feed_url, k))
            if family == "jdihn_feed" and host == hosts[0] and w.kind != "provinsi":
                jdihn_pattern.append(site)

    # the traps: each for a region of its own, listed in the registry
    n = 0
    for kind, (count, verdict) in TRAPS.items():
        for j in range(count):
            w = pool.pop(0)
            host = pattern_hosts(w.kode)[0] if n % 2 == 0 else _odd_host(w, n // 2)
            name = region_name(w)
            trap = {"trap": kind}
            if kind in ("dead_refused", "dead_nxdomain"):
                site = WorldSite(host, "dead", w.kode, name, [],
                                 {**trap, "dead": kind.removeprefix("dead_")})
            elif kind in ("slow", "robots"):
                extra = {"slow": SLOW_SECONDS} if kind == "slow" else {"robots": "disallow"}
                site = WorldSite(host, kind, w.kode, name, make_docs(w, rng),
                                 {**trap, **extra, "feed_path": FEED_PATHS[j % 4]})
            elif kind == "redirect":
                target = next(t for t in jdihn_pattern[j * 5:]
                              if t.region_code not in (w.kode, w.kode_provinsi))
                site = WorldSite(host, "redirect", w.kode, name, [], {**trap, "to": target.host})
            elif kind == "other_region":
                b = next(x for x in pool if x.kind != "provinsi" and x.kode_provinsi != w.kode
                         and x.kode != w.kode_provinsi)
                pool.remove(b)
                site = WorldSite(host, "jdihn_feed", b.kode, region_name(b), make_docs(b, rng),
                                 {**trap, "poses_as": w.kode, "feed_path": FEED_PATHS[j % 4]})
            else:
                site = WorldSite(host, kind, w.kode, name, [], trap)
            sites.append(site)
            verdicts[host], posing[host] = verdict, w.kode
            rows.append(_row(w, host, k=n))
            n += 1
    sites.append(WorldSite(PORTAL_HOST, "portal_home", None, "JDIH Nasional", [],
                           {"trap": "portal_home"}))

    sites = [s for s in sites if _kept(s, keep)]
    hosts_kept = {s.host for s in sites}
    rows = [r for r in rows if _host(r["url"]) in hosts_kept]
    expected, probes = _expectations(sites, rows, verdicts, posing)
    docs: dict[str, list[WorldDoc]] = defaultdict(list)
    for s in sites:
        if "trap" not in s.options:
            docs[s.region_code].extend(s.docs)
    return WorldSpec(sites, rows, expected, probes, dict(docs), seed, tuple(sorted(keep)))


def _available_families() -> set[str]:
    present = set(available())
    keep = {f for f in REAL_FAMILIES if f in present}
    if "parked" in present:  # traps.py is there
        keep |= {"parked", "portal", "redirect", "error5xx", "slow", "robots", "dead",
                 "other_region"}
    return keep


def _kept(site: WorldSite, keep: set[str]) -> bool:
    trap = site.options.get("trap")
    if trap == "portal_home":
        return "portal" in keep
    if trap:
        return all(f in keep for f in TRAP_NEEDS[trap])
    return site.family in keep


def _host(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[0].lower()


def _expectations(sites: list[WorldSite], rows: list[dict],
                  verdicts: dict[str, tuple[str, str | None]], posing: dict[str, str]):
    """What discovery checks for each region of the world and what it must conclude: the
    registry's hosts in order, then the pattern hosts (at most 10 in all) until one is verified;
    a host that is no site of the world does not resolve."""
    present = {s.host for s in sites}
    regions = list(dict.fromkeys(posing[s.host] for s in sites if s.host in posing))
    expected: dict[str, tuple[str, str | None, str]] = {}
    probes: dict[str, list[str]] = {}
    for code in regions:
        registry = list(dict.fromkeys(_host(r["url"]) for r in rows if r["kode"] == code))
        cands = [(h, "registry") for h in registry]
        cands += [(h, "pattern") for h in pattern_hosts(code) if h not in registry]
        cands = cands[:max(10, len(registry))]
        found, order = False, []
        for host, origin in cands:
            if origin == "pattern" and found:
                break
            status, reason = verdicts[host] if host in present else ("unreachable", "dns_error")
            expected[host] = (status, reason, code)
            order.append(host)
            found = found or status == "verified"
        probes[code] = order
    return expected, probes
