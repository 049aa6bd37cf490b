"""The registry of regional JDIH sites: a data file of every address seen in public material, its
state in the catalogue (``jdih_site``: unverified, verified, rejected …), and the sources list
that the verified rows become.

``crawler/data/jdih_registry.csv`` has one row per region and address: Kemendagri code, name,
publisher (``pemda``, or ``dprd`` for a Sekretariat DPRD's JDIH), URL, CMS family as far as the
evidence tells (``FAMILY_NOTES``), feed URL if one was seen, the raw family note, where the
address was seen (repository@commit:path or "public code") and when it was recorded. Every row
ships ``unverified``: nothing in it was fetched when it was written. ``pantau sources discover``
checks it (``crawler.discovery``); only a row discovery verified becomes a source
(:func:`registry_sources`). A region may have several sites; two regions never share one, except
a province's site that also hosts its kabupaten/kota (:func:`check_rows`).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from crawler.fingerprint import GENERIC_KIND, SPIDER_KIND
from crawler.sources import SourceConfig
from katalog.db import Catalogue
from katalog.models import JdihSite
from pantau import wilayah

DATA_FILE = resources.files("crawler") / "data" / "jdih_registry.csv"
STATUSES = ("unverified", "verified", "rejected", "unreachable", "blocked")
# When the research file the registry was seeded from was written: the date every address was
# last known to be in public material (not the date it last answered: none was fetched).
RECORDED = "2026-12-06"
# family as the research notes name it -> family id (crawler.fingerprint.FAMILIES, plus the ones
# no fingerprint tells apart: yii, api, custom)
FAMILY_NOTES = (("baghukum", "baghukum"), ("jdih-cms", "jdihcms"), ("ildis-like", "yii"),
                ("ildis", "ildis"), ("aceh-dih", "acehdih"), ("wordpress", "wordpress"),
                ("drupal", "drupal"), ("laravel", "laravel"), ("codeigniter", "codeigniter"),
                ("yii", "yii"), ("spa", "api"), ("api-backed", "api"), ("legacy php", "custom"),
                ("custom", "custom"))


class RegistryError(ValueError):
    """The registry file cannot be used; the message names the row."""


@dataclass
class RegistryRow:
    """One address of a region's JDIH, as the registry file lists it."""

    kode: str
    nama: str
    publisher: str
    url: str
    family: str
    feed_url: str
    family_note: str
    seen_in: str
    recorded: str
    status: str = "unverified"

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()


COLUMNS = [f.name for f in fields(RegistryRow)]


def family_of(note: str) -> str:
    low = (note or "").lower()
    return next((fam for word, fam in FAMILY_NOTES if word in low), "")


def from_research(text: str) -> list[RegistryRow]:
    """Registry rows from the research file's rows (``kode,nama,url,cms_family,feed_url,
    seen_in``): every address, plus those its evidence names as ``also <url>``."""
    rows: list[RegistryRow] = []
    for rec in csv.DictReader(io.StringIO(text)):
        nama = rec["nama"].strip()
        dprd = "(Sekretariat DPRD)" in nama
        base = dict(kode=rec["kode"].strip(), nama=nama.replace(" (Sekretariat DPRD)", ""),
                    publisher="dprd" if dprd else "pemda", family=family_of(rec["cms_family"]),
                    family_note=" ".join(rec["cms_family"].split()),
                    seen_in=" ".join(rec["seen_in"].split()), recorded=RECORDED)
        rows.append(RegistryRow(url=rec["url"].strip(), feed_url=rec["feed_url"].strip(), **base))
        for also in re.findall(r"\balso (https?://[^\s,;)]+)", rec["seen_in"]):
            rows.append(RegistryRow(url=also, feed_url="", **{**base, "family": "",
                                                                   "family_note": ""}))
    return rows


def parse_registry(text: str, origin: str = "registry") -> list[RegistryRow]:
    """Read and check registry rows: known region codes, absolute URLs, a known status, and no
    address shared between regions (but a province's site hosting its kabupaten/kota)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = set(COLUMNS) - set(reader.fieldnames or [])
    if missing:
        raise RegistryError(f"{origin}: missing column(s) {', '.join(sorted(missing))}")
    rows, problems = [], []
    for n, rec in enumerate(reader, 2):
        row = RegistryRow(**{k: (rec.get(k) or "").strip() for k in COLUMNS})
        if row.kode not in wilayah.by_code():
            problems.append(f"line {n}: {row.kode!r} is not a Kemendagri code")
        if not row.url.startswith(("http://", "https://")) or not row.host:
            problems.append(f"line {n}: url {row.url!r} is not an absolute http(s) URL")
        if row.feed_url and not row.feed_url.startswith(("http://", "https://")):
            problems.append(f"line {n}: feed_url {row.feed_url!r} is not absolute")
        if row.status not in STATUSES:
            problems.append(f"line {n}: status {row.status!r} (one of {', '.join(STATUSES)})")
        if row.publisher not in ("pemda", "dprd"):
            problems.append(f"line {n}: publisher {row.publisher!r} (pemda or dprd)")
        rows.append(row)
    problems += check_rows(rows)
    if problems:
        raise RegistryError(f"{origin}: " + "; ".join(problems[:20]))
    return rows


def check_rows(rows: list[RegistryRow]) -> list[str]:
    """Addresses two regions share, unless one is a province and the others its kab/kota."""
    by_host: dict[str, set[str]] = {}
    for row in rows:
        by_host.setdefault(row.host, set()).add(row.kode)
    regions = wilayah.by_code()
    problems = []
    for host, codes in sorted(by_host.items()):
        if len(codes) < 2:
            continue
        provinces = [c for c in codes if regions[c].kind == "provinsi"]
        if len(provinces) == 1 and all(regions[c].kode_provinsi == provinces[0]
                                       for c in codes - set(provinces)):
            continue
        problems.append(f"{host} is listed for several regions ({', '.join(sorted(codes))})")
    return problems


def load_registry(path: str | Path | None = None) -> list[RegistryRow]:
    """The shipped registry (or the file at ``path``)."""
    text = Path(path).read_text(encoding="utf-8") if path else DATA_FILE.read_text(encoding="utf-8")
    return parse_registry(text, str(path or "crawler/data/jdih_registry.csv"))


def write_registry(rows: list[RegistryRow]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for row in rows:
        w.writerow(asdict(row))
    return out.getvalue()


# --------------------------------------------------------------------------- the catalogue side

def sync_registry(cat: Catalogue, rows: list[RegistryRow]) -> int:
    """Add the registry's addresses the catalogue does not hold yet (as the file says:
    unverified); rows discovery already checked keep their state. Returns how many were added."""
    added = 0
    with cat.session() as s:
        have = {(r.region_code, r.url): r for r in s.scalars(select(JdihSite))}
        for row in rows:
            evidence = {"seen_in": row.seen_in, "recorded": row.recorded,
                        "family_note": row.family_note, "nama": row.nama,
                        "weak": "weak" in row.seen_in.lower()}
            site = have.get((row.kode, row.url))
            if site is not None:
                site.evidence = {**(site.evidence or {}), **evidence}
                if not site.feed_url and row.feed_url:
                    site.feed_url = row.feed_url
                continue
            site = JdihSite(region_code=row.kode, url=row.url, host=row.host,
                            publisher=row.publisher, origin="registry",
                            family=row.family or None, feed_url=row.feed_url or None,
                            status=row.status, evidence=evidence, probe={})
            s.add(site)
            have[(row.kode, row.url)] = site
            added += 1
    return added


def sites(cat: Catalogue, *, regions: list[str] | None = None,
          status: str | None = None) -> list[JdihSite]:
    with cat.session() as s:
        q = select(JdihSite).order_by(JdihSite.region_code, JdihSite.id)
        if regions:
            q = q.where(JdihSite.region_code.in_(regions))
        if status:
            q = q.where(JdihSite.status == status)
        rows = list(s.scalars(q))
        for r in rows:
            s.expunge(r)
    return rows


def source_name(site: JdihSite) -> str:
    return f"jdih-{site.region_code}-{site.host}"[:200]


def site_source(site: JdihSite, **overrides) -> SourceConfig:
    """The source a verified site becomes: its family's spider (the generic listing spider for a
    family without one), the feed when discovery found one, its region, and its evidence."""
    return SourceConfig.model_validate(site_entry(site, **overrides))


def site_entry(site: JdihSite, **overrides) -> dict:
    """:func:`site_source` as a ``sources.yaml`` entry (what ``pantau sources export`` writes)."""
    if site.status != "verified":
        raise ValueError(f"{site.url}: only a verified site becomes a source ({site.status})")
    probe = site.probe or {}
    if probe.get("feed_url"):
        kind, url = "jdihn_feed", probe["feed_url"]
    else:
        kind = SPIDER_KIND.get(site.family or "", GENERIC_KIND)
        url = probe.get("listing_url") or probe.get("final_url") or site.url
    seen = (site.evidence or {}).get("seen_in")
    verified = (f"discovery {probe.get('checked_at', '')[:10]}: HTTP {probe.get('http_status')} "
                f"at {probe.get('final_url') or site.url}, family {site.family}"
                + (f"; address seen in {seen}" if seen else "; found by the naming pattern"))
    entry = {"name": source_name(site), "kind": kind, "url": url, "region": site.region_code,
             "rate_limit": 3.0, "retry_backoff": 10.0, "recrawl": "7d", "verified": verified,
             **overrides}
    return entry


def registry_sources(cat: Catalogue, **overrides) -> list[SourceConfig]:
    """Every verified site as a source; never an unverified, rejected or unreachable one."""
    return [site_source(site, **overrides) for site in sites(cat, status="verified")]


def registry_entries(cat: Catalogue, **overrides) -> list[dict]:
    """:func:`registry_sources` as ``sources.yaml`` entries."""
    return [site_entry(site, **overrides) for site in sites(cat, status="verified")]


def with_registry(cat: Catalogue, configured: list[SourceConfig], **overrides) -> list[SourceConfig]:
    """The configured sources plus the verified registry sites they do not already cover (a site
    whose host a configured source of the same region crawls is left to that entry)."""
    taken = {((urlsplit(s.url or "").hostname or "").lower(), s.region) for s in configured}
    names = {s.name for s in configured}
    out = list(configured)
    for src in registry_sources(cat, **overrides):
        if ((urlsplit(src.url or "").hostname or "").lower(), src.region) in taken \
                or src.name in names:
            continue
        out.append(src)
    return out


def mark(site: JdihSite, status: str, reason: str | None, probe: dict) -> None:
    """Write a discovery verdict onto a row (the caller's session commits it)."""
    now = datetime.now(timezone.utc)
    site.status, site.reason, site.probe, site.checked_at = status, reason, probe, now
    if status == "verified":
        site.verified_at = now
        site.family = probe.get("family") or site.family
        site.listing_url = probe.get("listing_url") or site.listing_url
        site.feed_url = probe.get("feed_url") or site.feed_url


if __name__ == "__main__":  # python -m crawler.registry RESEARCH_CSV > crawler/data/jdih_registry.csv
    import sys
    rows = from_research(Path(sys.argv[1]).read_text(encoding="utf-8"))
    problems = check_rows(rows)
    if problems:
        sys.exit("; ".join(problems))
    sys.stdout.write(write_registry(rows))
