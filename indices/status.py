"""What the catalogue holds and how each source is doing, for ``pantau status`` and the web app.

Source health compares a source's last run with its own history, so a quiet failure shows:
a run that brought zero items from a source that usually brings some is flagged
("⚠ 0 item (biasanya 12)"), and so is a source whose last new document is much older than its
usual gap between new documents. The judging is done by pure functions (``usual_items``,
``median_gap_days``, ``health_of``) over plain values, so it can be tested without a database.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

from sqlalchemy import func, select

from katalog.db import Catalogue
from katalog.models import Document, DocumentFile, Fact, Failure, Region, Sighting, Source, SourceRun
from katalog.types import as_utc, iso
from katalog.vocab import RunStatus

HISTORY_RUNS = 20        # earlier runs a source's last run is compared with
LATE_FACTOR = 2.0        # "no new document" is flagged after this many usual gaps


@dataclass
class RunFacts:
    """The parts of a ``SourceRun`` that health is judged on."""

    started_at: datetime
    status: str
    items: int = 0
    docs_new: int = 0
    errors: int = 0
    finish_reason: str | None = None
    stats: dict = field(default_factory=dict)

    @property
    def not_modified(self) -> int:
        return int((self.stats or {}).get("pantau/not_modified", 0) or 0)


@dataclass
class SourceHealth:
    """One source's health, as shown by ``pantau status``."""

    name: str
    kind: str
    url: str | None
    region_code: str | None
    level: str                     # ok | warn | fail | never (no run yet) | running
    flags: list[str]
    last_run: datetime | None = None
    last_status: str | None = None
    finish_reason: str | None = None
    requests: int = 0
    items: int = 0
    docs_new: int = 0
    docs_updated: int = 0
    docs_unchanged: int = 0
    errors: int = 0
    errors_by_reason: dict = field(default_factory=dict)
    usual_items: float | None = None
    runs: int = 0
    last_new_document: datetime | None = None
    days_since_new: float | None = None
    median_gap_days: float | None = None

    def as_dict(self) -> dict:
        out = asdict(self)
        for k in ("last_run", "last_new_document"):
            out[k] = out[k].isoformat(timespec="seconds") if out[k] else None
        return out


# --------------------------------------------------------------------------- pure judging

def usual_items(earlier: list[RunFacts]) -> float | None:
    """The median item count of the earlier finished runs (None without any)."""
    counts = [r.items for r in earlier if r.status == RunStatus.FINISHED]
    return statistics.median(counts) if counts else None


def median_gap_days(times: list[datetime]) -> float | None:
    """The median gap, in days, between consecutive times new documents arrived (None with
    fewer than two)."""
    ts = sorted(as_utc(t) for t in times)
    gaps = [(b - a).total_seconds() / 86400 for a, b in zip(ts, ts[1:])]
    return statistics.median(gaps) if gaps else None


def health_of(last: RunFacts | None, earlier: list[RunFacts], *,
              days_since_new: float | None, gap_days: float | None) -> tuple[str, list[str]]:
    """(level, flags) for a source whose latest run is ``last`` (earlier runs newest first)."""
    if last is None:
        return "never", ["belum pernah dijelajahi"]
    flags: list[str] = []
    level = "ok"
    if last.status == RunStatus.RUNNING:
        return "running", ["sedang berjalan"]
    if last.status == RunStatus.FAILED:
        return "fail", [f"✗ gagal: {last.finish_reason or 'tanpa alasan'}"]
    if last.status == RunStatus.INTERRUPTED:
        level = "warn"
        flags.append("⚠ terputus sebelum selesai")
    usual = usual_items(earlier)
    if last.items == 0:
        if last.not_modified:
            flags.append("tidak berubah (304)")
        elif usual:
            level = "warn"
            flags.append(f"⚠ 0 item (biasanya {usual:g})")
        elif last.errors:
            level = "warn"
            flags.append("⚠ 0 item")
    if last.errors:
        level = "warn"
        flags.append(f"⚠ {last.errors} galat")
    if days_since_new is not None and gap_days is not None and gap_days > 0 \
            and days_since_new > LATE_FACTOR * gap_days:
        level = "warn"
        flags.append(f"⚠ tak ada dokumen baru {days_since_new:.0f} hari "
                     f"(biasanya tiap {gap_days:.0f} hari)")
    return level, flags


# --------------------------------------------------------------------------- queries

def source_health(cat: Catalogue, now: datetime | None = None,
                  history: int = HISTORY_RUNS) -> list[SourceHealth]:
    """Health of every source, by name."""
    now = now or datetime.now(timezone.utc)
    out: list[SourceHealth] = []
    with cat.session() as s:
        for src in s.scalars(select(Source).order_by(Source.name)):
            runs = [RunFacts(started_at=as_utc(r.started_at), status=r.status, items=r.items,
                             docs_new=r.docs_new, errors=r.errors,
                             finish_reason=r.finish_reason, stats=r.stats or {})
                    for r in s.scalars(select(SourceRun).where(SourceRun.source_id == src.id)
                                       .order_by(SourceRun.id.desc()).limit(history + 1))]
            new_times = [as_utc(t) for t in s.scalars(
                select(SourceRun.started_at).where(SourceRun.source_id == src.id,
                                                   SourceRun.docs_new > 0))]
            last_new = max(new_times) if new_times else None
            if last_new is None:  # documents of a source that existed before runs were kept
                last_new = as_utc(s.scalar(select(func.max(Sighting.first_seen))
                                           .where(Sighting.source_id == src.id)))
            last = runs[0] if runs else None
            since = (now - last_new).total_seconds() / 86400 if last_new else None
            gap = median_gap_days(new_times)
            level, flags = health_of(last, runs[1:], days_since_new=since, gap_days=gap)
            row = s.scalar(select(SourceRun).where(SourceRun.source_id == src.id)
                           .order_by(SourceRun.id.desc()).limit(1))
            h = SourceHealth(name=src.name, kind=src.kind, url=src.url,
                             region_code=src.region_code, level=level, flags=flags,
                             usual_items=usual_items(runs[1:]), runs=len(runs),
                             last_new_document=last_new, days_since_new=since,
                             median_gap_days=gap)
            if row is not None:
                h.last_run, h.last_status = as_utc(row.started_at), row.status
                h.finish_reason = row.finish_reason
                h.requests, h.items, h.docs_new = row.requests, row.items, row.docs_new
                h.docs_updated, h.docs_unchanged = row.docs_updated, row.docs_unchanged
                h.errors = row.errors
                h.errors_by_reason = dict((row.stats or {}).get("errors_by_reason") or {})
            out.append(h)
    return out


def catalogue_status(cat: Catalogue, now: datetime | None = None) -> dict:
    with cat.session() as s:
        count = lambda model: s.scalar(select(func.count()).select_from(model)) or 0  # noqa: E731
        out = {
            "documents": count(Document), "files": count(DocumentFile), "facts": count(Fact),
            "regions": count(Region),
            "regions_with_documents": s.scalar(select(func.count(func.distinct(Document.region_code)))
                                               .where(Document.region_code.is_not(None))) or 0,
            "open_failures": s.scalar(select(func.count()).select_from(Failure)
                                      .where(Failure.resolved_at.is_(None))) or 0,
            "sources": [], "failures": [],
        }
        for f in s.scalars(select(Failure).where(Failure.resolved_at.is_(None))
                           .order_by(Failure.last_seen.desc()).limit(100)):
            out["failures"].append({"stage": f.stage, "locator": f.locator, "reason": f.reason,
                                    "detail": f.detail, "attempts": f.attempts,
                                    "last_seen": iso(f.last_seen, "seconds")})
    out["sources"] = [h.as_dict() for h in source_health(cat, now)]
    return out
