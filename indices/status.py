"""What the catalogue holds and how each source is doing, for ``pantau status`` and the web app."""

from __future__ import annotations

from sqlalchemy import func, select

from .catalogue import Catalogue
from .models import Document, DocumentFile, Fact, Failure, Region, Sighting, Source, SourceRun


def catalogue_status(cat: Catalogue) -> dict:
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
        for src in s.scalars(select(Source).order_by(Source.name)):
            last = s.scalar(select(SourceRun).where(SourceRun.source_id == src.id)
                            .order_by(SourceRun.id.desc()).limit(1))
            newest = s.scalar(select(func.min(Sighting.first_seen)).where(Sighting.source_id == src.id)
                              .group_by(Sighting.document_id)
                              .order_by(func.min(Sighting.first_seen).desc()).limit(1))
            out["sources"].append({
                "name": src.name, "kind": src.kind, "url": src.url, "region_code": src.region_code,
                "last_run": last.started_at.isoformat(timespec="seconds") if last else None,
                "last_status": last.status if last else None,
                "finish_reason": last.finish_reason if last else None,
                "items": last.items if last else 0, "docs_new": last.docs_new if last else 0,
                "errors": last.errors if last else 0,
                "last_new_document": newest.isoformat(timespec="seconds") if newest else None,
            })
        for f in s.scalars(select(Failure).where(Failure.resolved_at.is_(None))
                           .order_by(Failure.last_seen.desc()).limit(100)):
            out["failures"].append({"stage": f.stage, "locator": f.locator, "reason": f.reason,
                                    "detail": f.detail, "attempts": f.attempts,
                                    "last_seen": f.last_seen.isoformat(timespec="seconds")})
        return out
