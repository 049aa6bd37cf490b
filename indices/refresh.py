"""Bringing every index up to date with the catalogue: the adoption index, then the search index.

One entry point for every caller (``pantau index``/``reindex``/``run`` and the API upload), so a
document is never in the catalogue and missing from one index because its caller forgot a step.
Indexes are derived: a refresh that fails half-way changes nothing in the catalogue, and the next
refresh catches up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from katalog.db import Catalogue
from katalog.integrity import Problem

from . import adoption
from .search import SearchError


@dataclass
class RefreshReport:
    """What a refresh did: statuses per adoption status, and the search index's sync report
    (``None`` with ``error`` set when the search engine could not be reached)."""

    statuses: dict[str, int] = field(default_factory=dict)
    search: object | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def refresh(cat: Catalogue, index, *, rebuild: bool = False) -> RefreshReport:
    """Recompute the adoption index, then sync (``rebuild``: rebuild and swap) the search index."""
    report = RefreshReport(statuses=adoption.compute(cat))
    try:
        report.search = index.rebuild(cat) if rebuild else index.sync(cat)
    except SearchError as exc:  # engine down or refusing: nothing in the catalogue changed
        report.error = str(exc)
    return report


def verify_index(cat: Catalogue, index) -> list[Problem]:
    """Problems when the search index does not hold exactly as many documents as the catalogue."""
    from sqlalchemy import func, select

    from katalog.models import Document
    with cat.session() as s:
        documents = s.scalar(select(func.count()).select_from(Document)) or 0
    try:
        indexed = index.count()
    except SearchError as exc:
        return [Problem("index_unavailable", index.name, str(exc))]
    if indexed != documents:
        return [Problem("index_count", index.name,
                        f"{indexed} documents indexed, {documents} in the catalogue "
                        "(run `pantau index`)")]
    return []
