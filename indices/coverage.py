"""Which of the 552 regions a working source covers: per region, the sources that cover it (kind
and CMS family), the last successful check, the documents found and health, and for a region no
working source covers, why: no source at all (``tanpa_sumber``), sources never crawled yet
(``belum_dijelajahi``), or every source down since a given time (``sumber_mati``).

A source covers the regions of its registry entry (``region``, or ``regions`` of a BPK source,
all 552 for ``regions: all``). A run *works* when it finished and either brought items or ended
without errors (a site that answered only errors, or a crawl that failed to start, does not); an
interrupted or running crawl says nothing either way. A source is down from the first run that
did not work after its last one that did.

Each region also gets its coverage class (``CLASSES``), the primary source it rests on: a working
JDIH site of the region read by its family's spider or feed (``jdih_terverifikasi``: configured by
hand or verified by discovery), only a site read by the generic listing spider, whose guesses
about links are less certain (``jdih_generik``), only the BPK database (``hanya_bpk``), only news
(``hanya_berita``), or no working source (``tanpa_sumber``). ``jdih_sites`` counts the region's
addresses in the JDIH registry by discovery status (an unverified address is never a source).

``coverage(cat)`` is the one entry point (the adoption index uses it to say why a region is
``tidak_terpantau``); ``summary`` counts it for the home page and the API.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

from sqlalchemy import func, select

from katalog.db import Catalogue
from katalog.models import Document, JdihSite, Region, Sighting, Source, SourceRun
from katalog.types import as_utc
from katalog.vocab import DocumentKind, RunStatus

from .status import source_health

REASONS = ("tanpa_sumber", "belum_dijelajahi", "sumber_mati")
CLASSES = ("jdih_terverifikasi", "jdih_generik", "hanya_bpk", "hanya_berita", "tanpa_sumber")
GENERIC_FAMILY = "generic"   # jdih_cms:generic, the long-tail listing spider


@dataclass
class SourceCoverage:
    """One source as it covers one region."""

    name: str
    kind: str                  # jdihn_feed | jdih_cms | bpk | news
    family: str | None         # the CMS family of a jdih_cms source (baghukum, ildis)
    url: str | None
    working: bool              # its last judged run worked
    level: str                 # health (indices.status): ok | warn | fail | never | running
    last_success: datetime | None = None   # when its last working run finished
    down_since: datetime | None = None     # when its first failing run after that started
    documents: int = 0         # this region's documents this source has seen

    def as_dict(self) -> dict:
        out = asdict(self)
        for k in ("last_success", "down_since"):
            out[k] = out[k].isoformat(timespec="seconds") if out[k] else None
        return out


@dataclass
class RegionCoverage:
    """One region's coverage. ``monitored``: a working source covers it; otherwise ``reason``
    (one of :data:`REASONS`) says why not, and ``down_since`` when its sources went down."""

    kode: str
    nama: str
    kind: str
    kode_provinsi: str | None
    sources: list[SourceCoverage] = field(default_factory=list)
    documents: int = 0         # regulations of the region in the catalogue
    news: int = 0              # news articles placed in the region
    last_success: datetime | None = None
    health: str = "none"       # ok | warn | down | never | none
    monitored: bool = False
    reason: str | None = None
    down_since: datetime | None = None
    cakupan: str = "tanpa_sumber"                       # one of CLASSES
    jdih_sites: dict = field(default_factory=dict)      # registry status -> addresses

    def as_dict(self) -> dict:
        out = {k: getattr(self, k) for k in ("kode", "nama", "kind", "kode_provinsi", "documents",
                                             "news", "health", "monitored", "reason", "cakupan",
                                             "jdih_sites")}
        for k in ("last_success", "down_since"):
            v = getattr(self, k)
            out[k] = v.isoformat(timespec="seconds") if v else None
        out["sources"] = [s.as_dict() for s in self.sources]
        return out


def covered_regions(src: Source) -> set[str]:
    """The regions a catalogued source covers (its ``region``, and ``regions`` of its entry)."""
    config = src.config if isinstance(src.config, dict) else {}
    regions = {c for c in (config.get("regions") or []) if isinstance(c, str)}
    if src.region_code:
        regions.add(src.region_code)
    return regions


def run_works(status: str, items: int, errors: int) -> bool | None:
    """Whether a run worked (None: an interrupted or running crawl says nothing)."""
    if status == RunStatus.FAILED:
        return False
    if status != RunStatus.FINISHED:
        return None
    return items > 0 or errors == 0


def _source_state(runs: list[tuple]) -> tuple[bool | None, datetime | None, datetime | None]:
    """(working, last success, down since) from a source's runs, oldest first, each
    (status, items, errors, started_at, finished_at). working is None for no judged run."""
    working, last_ok, down = None, None, None
    for status, items, errors, started, finished in runs:
        works = run_works(status, items or 0, errors or 0)
        if works is None:
            continue
        working = works
        if works:
            last_ok, down = as_utc(finished or started), None
        elif down is None:
            down = as_utc(started)
    return working, last_ok, down


def coverage(cat: Catalogue, now: datetime | None = None) -> dict[str, RegionCoverage]:
    """Every region's coverage, by Kemendagri code (today's 552)."""
    now = now or datetime.now(timezone.utc)
    levels = {h.name: h.level for h in source_health(cat, now)}
    with cat.session() as s:
        out = {kode: RegionCoverage(kode, nama, kind, prov) for kode, nama, kind, prov in s.execute(
            select(Region.kode, Region.nama, Region.kind, Region.kode_provinsi)
            .order_by(Region.kode))}
        for code, kind, n in s.execute(select(Document.region_code, Document.kind, func.count())
                                       .where(Document.region_code.is_not(None))
                                       .group_by(Document.region_code, Document.kind)):
            if code in out:
                if kind == DocumentKind.NEWS:
                    out[code].news += n
                else:
                    out[code].documents += n
        seen: dict[tuple[int, str], int] = {
            (sid, code): n for sid, code, n in s.execute(
                select(Sighting.source_id, Document.region_code,
                       func.count(func.distinct(Document.id)))
                .join(Document, Document.id == Sighting.document_id)
                .where(Sighting.source_id.is_not(None), Document.region_code.is_not(None))
                .group_by(Sighting.source_id, Document.region_code))}
        runs: dict[int, list[tuple]] = defaultdict(list)
        for sid, *row in s.execute(select(SourceRun.source_id, SourceRun.status, SourceRun.items,
                                          SourceRun.errors, SourceRun.started_at,
                                          SourceRun.finished_at).order_by(SourceRun.id)):
            runs[sid].append(tuple(row))
        for code, status, n in s.execute(select(JdihSite.region_code, JdihSite.status,
                                                func.count()).group_by(JdihSite.region_code,
                                                                       JdihSite.status)):
            if code in out:
                out[code].jdih_sites[status] = n
        for src in s.scalars(select(Source).order_by(Source.name)):
            regions = covered_regions(src) & set(out)
            if not regions:
                continue
            working, last_ok, down = _source_state(runs.get(src.id, []))
            kind, _, family = src.kind.partition(":")
            for code in regions:
                out[code].sources.append(SourceCoverage(
                    name=src.name, kind=kind, family=family or None, url=src.url,
                    working=bool(working), level=levels.get(src.name, "never"),
                    last_success=last_ok, down_since=down if working is False else None,
                    documents=seen.get((src.id, code), 0)))
    for rc in out.values():
        _judge(rc)
    return out


def coverage_class(working: list[SourceCoverage]) -> str:
    """The class of a region from its working sources (best first, see :data:`CLASSES`)."""
    kinds = {(sc.kind, sc.family) for sc in working}
    if any(k in ("jdihn_feed", "jdih_cms") and f != GENERIC_FAMILY for k, f in kinds):
        return "jdih_terverifikasi"
    if ("jdih_cms", GENERIC_FAMILY) in kinds:
        return "jdih_generik"
    if any(k == "bpk" for k, _ in kinds):
        return "hanya_bpk"
    return "hanya_berita" if working else "tanpa_sumber"


def _judge(rc: RegionCoverage) -> None:
    working = [sc for sc in rc.sources if sc.working]
    rc.cakupan = coverage_class(working)
    successes = [sc.last_success for sc in rc.sources if sc.last_success]
    rc.last_success = max(successes) if successes else None
    if working:
        rc.monitored = True
        rc.health = "ok" if any(sc.level == "ok" for sc in working) else "warn"
        return
    if not rc.sources:
        rc.reason, rc.health = "tanpa_sumber", "none"
        return
    downs = [sc.down_since for sc in rc.sources if sc.down_since]
    if downs:
        # the region lost its last working source when the last of them went down
        rc.reason, rc.health, rc.down_since = "sumber_mati", "down", max(downs)
    else:
        rc.reason, rc.health = "belum_dijelajahi", "never"


def summary(cover: dict[str, RegionCoverage]) -> dict:
    """Counts for the home page and the API: regions, monitored, unmonitored by reason."""
    by_reason = dict.fromkeys(REASONS, 0)
    for rc in cover.values():
        if rc.reason:
            by_reason[rc.reason] += 1
    by_class = dict.fromkeys(CLASSES, 0)
    for rc in cover.values():
        by_class[rc.cakupan] += 1
    return {"regions": len(cover), "monitored": sum(rc.monitored for rc in cover.values()),
            "by_reason": by_reason, "by_class": by_class,
            "by_kind": {k: sum(rc.monitored for rc in cover.values() if rc.kind == k)
                        for k in ("provinsi", "kabupaten", "kota")}}


def filtered(cover: dict[str, RegionCoverage], *, monitored: bool | None = None,
             reason: str | None = None, kind: str | None = None,
             province: str | None = None, cakupan: str | None = None) -> list[RegionCoverage]:
    """The regions of ``cover`` that match every filter given, by code."""
    rows = []
    for rc in cover.values():
        if monitored is not None and rc.monitored != monitored:
            continue
        if reason and rc.reason != reason:
            continue
        if cakupan and rc.cakupan != cakupan:
            continue
        if kind and rc.kind != kind:
            continue
        if province and province not in (rc.kode, rc.kode_provinsi):
            continue
        rows.append(rc)
    return rows
