"""How a source is doing, judged against its own history: the health ``pantau status`` and the
web app show, and the alerts a source that broke raises (``katalog.alerts``).

A source is compared with itself, so a quiet failure shows: a run that brought zero items from a
source that usually brings some, a site whose CMS fingerprint is not the one it usually shows,
and a last new document much older than the source's usual gap between new documents.

The judging is pure functions over plain values (``RunFacts``, lists of times), so it can be
tested without a database; :func:`run_history` reads those values from the catalogue.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import Sighting, SourceRun
from .types import as_utc
from .vocab import AlertKind, RunStatus

HISTORY_RUNS = 20        # earlier runs a source's last run is compared with
LATE_FACTOR = 2.0        # health: "no new document" is flagged after this many usual gaps
# Alerts are pushed to people (webhook, feed), so they wait longer than the health flag: a source
# is stale after STALE_FACTOR usual gaps *and* at least STALE_MIN_DAYS without a new document
# (regional regulations come in bursts: a quiet month or two is normal even for a busy JDIH).
STALE_FACTOR = 3.0
STALE_MIN_DAYS = 60.0


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
    id: int | None = None

    @property
    def not_modified(self) -> int:
        return int((self.stats or {}).get("pantau/not_modified", 0) or 0)

    @property
    def family_seen(self) -> str | None:
        """The CMS family the source's start page showed in this run (``crawler.fingerprint``,
        recorded by the crawl as ``pantau/family_seen``); None when it was not fingerprinted
        (no 200 answer from it, a run from before fingerprints were kept)."""
        return (self.stats or {}).get("pantau/family_seen") or None


@dataclass
class Finding:
    """One alert a run shows: what kind, in a sentence (Bahasa Indonesia, as stored), and the
    values it was judged on (``detail``, from which pages word it in the reader's language)."""

    kind: str
    message: str
    detail: dict = field(default_factory=dict)


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


def usual_family(earlier: list[RunFacts]) -> str | None:
    """The CMS family most of the earlier runs saw (earlier runs newest first); a tie goes to
    the family seen first, so a change becomes the usual only once most runs have seen it."""
    seen = [r.family_seen for r in reversed(earlier) if r.family_seen]
    return Counter(seen).most_common(1)[0][0] if seen else None


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


def alerts_of(last: RunFacts | None, earlier: list[RunFacts], *,
              days_since_new: float | None, gap_days: float | None) -> dict[str, Finding | None]:
    """What the latest run ``last`` says about each alert kind (earlier runs newest first).

    A kind maps to a :class:`Finding` when the source shows it, to None when the source shows it
    no longer (an open alert of that kind is resolved), and is absent when this run cannot tell
    (an open alert stays open, none is opened): a run still going, stopped by a shutdown or left
    interrupted by a killed process (for ``items_drop``), a
    start page that was not fingerprinted, a source without the history to compare with.

    - ``items_drop``: the run brought 0 items where the earlier finished runs' median
      (:func:`usual_items`) is above 0. A run that was answered "not modified" (304) or whose
      records were all older than ``--since`` brought nothing new because nothing was; it shows
      no drop. Later runs with 0 items keep the alert open (even once the median itself fell to
      0); it resolves on the first run with items.
    - ``family_changed``: the start page's CMS family is not :func:`usual_family`.
    - ``stale``: no new document for more than ``STALE_FACTOR`` × the median gap between new
      documents and more than ``STALE_MIN_DAYS`` days.
    """
    out: dict[str, Finding | None] = {}
    if last is None or last.status == RunStatus.RUNNING:
        return out
    stopped = last.status == RunStatus.INTERRUPTED \
        or (last.finish_reason or "").startswith("shutdown")
    answered = last.not_modified or (last.stats or {}).get("pantau/skipped_before_since")
    if last.items > 0 or answered:
        out[AlertKind.ITEMS_DROP] = None
    elif not stopped:
        usual = usual_items(earlier)
        if usual:
            why = last.finish_reason or ""
            out[AlertKind.ITEMS_DROP] = Finding(
                AlertKind.ITEMS_DROP,
                f"0 item (biasanya {usual:g})" + (f"; {why}" if why else ""),
                {"items": 0, "usual_items": usual, "errors": last.errors,
                 "finish_reason": why or None})
    seen, usual_fam = last.family_seen, usual_family(earlier)
    if seen and usual_fam:
        if seen == usual_fam:
            out[AlertKind.FAMILY_CHANGED] = None
        else:
            markers = (last.stats or {}).get("pantau/family_markers") or ""
            out[AlertKind.FAMILY_CHANGED] = Finding(
                AlertKind.FAMILY_CHANGED,
                f"situs berubah: {usual_fam} → {seen}" + (f" ({markers})" if markers else ""),
                {"family_before": usual_fam, "family_seen": seen, "markers": markers})
    if days_since_new is not None and gap_days is not None and gap_days > 0:
        limit = max(STALE_FACTOR * gap_days, STALE_MIN_DAYS)
        if days_since_new > limit:
            out[AlertKind.STALE] = Finding(
                AlertKind.STALE,
                f"tak ada dokumen baru {days_since_new:.0f} hari "
                f"(biasanya tiap {gap_days:.0f} hari)",
                {"days_since_new": round(days_since_new, 1), "median_gap_days": round(gap_days, 1),
                 "limit_days": round(limit, 1)})
        else:
            out[AlertKind.STALE] = None
    return out


# --------------------------------------------------------------------------- reading

@dataclass
class History:
    """A source's runs (newest first) and when new documents arrived, as health reads them."""

    runs: list[RunFacts]
    new_times: list[datetime]
    last_new: datetime | None

    @property
    def last(self) -> RunFacts | None:
        return self.runs[0] if self.runs else None

    @property
    def earlier(self) -> list[RunFacts]:
        return self.runs[1:]

    def days_since_new(self, now: datetime) -> float | None:
        return (now - self.last_new).total_seconds() / 86400 if self.last_new else None


def run_history(s: Session, source_id: int, history: int = HISTORY_RUNS) -> History:
    """The last ``history + 1`` runs of a source and the times its runs brought new documents
    (for a source whose documents predate kept runs: its newest sighting)."""
    runs = [RunFacts(started_at=as_utc(r.started_at), status=r.status, items=r.items,
                     docs_new=r.docs_new, errors=r.errors, finish_reason=r.finish_reason,
                     stats=r.stats or {}, id=r.id)
            for r in s.scalars(select(SourceRun).where(SourceRun.source_id == source_id)
                               .order_by(SourceRun.id.desc()).limit(history + 1))]
    new_times = [as_utc(t) for t in s.scalars(
        select(SourceRun.started_at).where(SourceRun.source_id == source_id,
                                           SourceRun.docs_new > 0))]
    last_new = max(new_times) if new_times else None
    if last_new is None:  # documents of a source that existed before runs were kept
        last_new = as_utc(s.scalar(select(func.max(Sighting.first_seen))
                                   .where(Sighting.source_id == source_id)))
    return History(runs=runs, new_times=new_times, last_new=last_new)
