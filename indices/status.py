"""What the catalogue holds and how each source is doing, for ``pantau status`` and the web app.

Source health compares a source's last run with its own history, so a quiet failure shows:
a run that brought zero items from a source that usually brings some is flagged
("⚠ 0 item (biasanya 12)"), and so is a source whose last new document is much older than its
usual gap between new documents. The judging is done by pure functions over plain values
(``usual_items``, ``median_gap_days``, ``health_of`` in ``katalog.health``, where the alerts of
``katalog.alerts`` are judged too); this module reads the catalogue for them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

from sqlalchemy import func, select

from katalog.db import Catalogue
from katalog.health import HISTORY_RUNS, health_of, median_gap_days, run_history, usual_items
from katalog.models import Document, DocumentFile, Fact, Failure, Region, Source, SourceRun
from katalog.types import as_utc, iso


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


# --------------------------------------------------------------------------- queries

def source_health(cat: Catalogue, now: datetime | None = None,
                  history: int = HISTORY_RUNS) -> list[SourceHealth]:
    """Health of every source, by name."""
    now = now or datetime.now(timezone.utc)
    out: list[SourceHealth] = []
    with cat.session() as s:
        for src in s.scalars(select(Source).order_by(Source.name)):
            hist = run_history(s, src.id, history)
            runs, last_new, last = hist.runs, hist.last_new, hist.last
            since = hist.days_since_new(now)
            gap = median_gap_days(hist.new_times)
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
