"""Which sources are due for a crawl: those whose last finished run is older than their interval.

Each source's interval is its ``recrawl`` entry, or its kind's default (a day for feeds and news,
a week for HTML sites and BPK; ``crawler.sources.DEFAULT_RECRAWL``). A source that never
finished a run is always due; a run that failed does not count as a crawl.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from crawler.sources import SourceConfig
from katalog.db import Catalogue
from crawler.store import last_finished_runs
from katalog.types import as_utc

# A run started a little before the interval is over (cron drift) still counts as due.
SLACK = timedelta(minutes=5)


def is_due(source: SourceConfig, last_finished: datetime | None, now: datetime) -> bool:
    if last_finished is None:
        return True
    return now - as_utc(last_finished) >= source.recrawl_interval - SLACK


def next_due(source: SourceConfig, last_finished: datetime | None) -> datetime | None:
    """When ``source`` becomes due (None: it is due now, never having finished)."""
    if last_finished is None:
        return None
    return as_utc(last_finished) + source.recrawl_interval


def due_sources(cat: Catalogue, sources: list[SourceConfig],
                now: datetime | None = None) -> list[SourceConfig]:
    """The sources among ``sources`` that are due at ``now`` (default: the current time)."""
    now = now or datetime.now(timezone.utc)
    last = last_finished_runs(cat)
    return [s for s in sources if is_due(s, last.get(s.name), now)]
