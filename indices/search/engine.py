"""What every search engine does, and the one way an index is kept in step with the catalogue.

The catalogue is the store of record; an index is a disposable copy of it. ``sync`` compares the
``(reg_key, content_hash)`` pairs the engine itself holds with the records built from the
catalogue and sends only the difference, so it is idempotent, resumes after a crash or an engine
outage without any bookkeeping of its own, and notices an index that lost its data. There is no
separate "what is indexed" table that could disagree with the engine.

Every index is versioned behind a stable name (an alias, or the ``CURRENT`` pointer of the
embedded index): ``rebuild`` fills a fresh index and then moves the name in one atomic step, so
searches never see a half-built index; ``sync`` rebuilds by itself when the index behind the
name was built for another mapping version.
"""

from __future__ import annotations

import json
import logging
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from typing import Callable, Iterable

from sqlalchemy import select

from katalog.db import Catalogue
from katalog.models import Failure
from .parser import SearchRequest
from .records import iter_records
from .result import ResultPage

log = logging.getLogger(__name__)

WRITE_BATCH = 500
INDEX_STAGE = "index"  # Failure.stage for indexing problems


class SearchError(RuntimeError):
    """The engine answered, but not as expected (a mapping or query bug, a rejected request)."""


class EngineUnavailable(SearchError):
    """The engine cannot be reached (down, refusing connections, timing out, overloaded)."""


@lru_cache(maxsize=1)
def mapping() -> dict:
    """``indices/mappings/documents.json`` (settings, mappings and its ``version``)."""
    return json.loads((resources.files("indices") / "mappings" / "documents.json")
                      .read_text(encoding="utf-8"))


def mapping_version() -> int:
    return int(mapping()["version"])


def versioned_name(base: str, version: int | None = None) -> str:
    """``<base>-v<version>-<UTC timestamp>``, e.g. ``pantau-documents-v1-20250101t120000123456``."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dt%H%M%S%f")
    return f"{base}-v{version or mapping_version()}-{stamp}"


def version_of(name: str | None) -> int | None:
    """The mapping version a versioned index name was built for."""
    if not name:
        return None
    for part in reversed(name.split("-")):
        if part.startswith("v") and part[1:].isdigit():
            return int(part[1:])
    return None


@dataclass
class SyncReport:
    """What one ``sync`` or ``rebuild`` did."""

    engine: str
    index: str = ""
    new: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    rebuilt: bool = False
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (reg_key, reason)
    seconds: float = 0.0
    written: set[str] = field(default_factory=set, repr=False)

    def counts(self) -> dict[str, int]:
        """Documents per outcome, in the order ``pantau index`` reports them."""
        return {"new": self.new, "updated": self.updated, "deleted": self.deleted,
                "unchanged": self.unchanged}


class SearchIndex(ABC):
    """A search engine holding the catalogue's documents: search, sync, rebuild.

    Subclasses supply the engine primitives (``_current``, ``_create``, ``_state``, ``_write``,
    ``_delete``, ``_flush``, ``_swap``); syncing, rebuilding and failure bookkeeping live here.
    """

    name: str = ""
    location: str = ""

    def check_version(self) -> str | None:
        """Refuse (``SearchError``) a server this code and its client do not work with; returns
        the server's version. The embedded index is part of Pantau: nothing to check."""
        return None

    # ------------------------------------------------------------------ engine primitives
    @abstractmethod
    def _current(self) -> str | None:
        """The physical index behind the stable name, or None when there is none."""

    @abstractmethod
    def _create(self) -> str:
        """Create an empty physical index for the current mapping version; return its name."""

    @abstractmethod
    def _state(self, index: str) -> dict[str, str]:
        """``{reg_key: content_hash}`` of everything ``index`` holds."""

    @abstractmethod
    def _write(self, index: str, records: list[dict]) -> list[tuple[str, str]]:
        """Add or replace ``records``; return the ``(reg_key, reason)`` the engine rejected."""

    @abstractmethod
    def _delete(self, index: str, reg_keys: list[str]) -> None: ...

    @abstractmethod
    def _flush(self, index: str) -> None:
        """Make everything written so far durable and searchable."""

    @abstractmethod
    def _swap(self, new: str, old: str | None) -> None:
        """Point the stable name at ``new`` atomically, then drop ``old`` and stray versions."""

    @abstractmethod
    def _discard(self, index: str) -> None:
        """Drop a half-built index after a failed rebuild (best effort)."""

    def _abort(self, index: str) -> None:  # noqa: B027 - engines with transactions override it
        """Give up a sync that failed half-way (what was already written stays)."""

    @abstractmethod
    def count(self) -> int: ...

    @abstractmethod
    def _search(self, req: SearchRequest) -> ResultPage: ...

    def search(self, request: SearchRequest | str = "", *, filters=None, exact: bool = False,
               page: int = 1, per_page: int = 10, facets: bool = True) -> ResultPage:
        """Run a search: a ``SearchRequest``, or query text with loose filters (web style:
        unknown filters are ignored)."""
        req = (request if isinstance(request, SearchRequest)
               else SearchRequest.build(request or "", filters, exact=exact, page=page,
                                        per_page=per_page, facets=facets, strict=False))
        return self._search(req)

    def close(self) -> None:  # noqa: B027 - optional hook
        pass

    # ------------------------------------------------------------------ shared logic
    def current_index(self) -> str | None:
        return self._current()

    def sync(self, cat: Catalogue, progress: Callable[[str], None] | None = None) -> SyncReport:
        """Bring the index in line with the catalogue; rebuilds if the mapping version changed.

        Raises ``EngineUnavailable`` when the engine cannot be reached; the catalogue is only
        read, and the next ``sync`` sends whatever is still missing.
        """
        return self._guarded(cat, lambda: self.sync_records(iter_records(cat), progress))

    def rebuild(self, cat: Catalogue, progress: Callable[[str], None] | None = None) -> SyncReport:
        """Build a new index from the whole catalogue and swap it in; the old one serves meanwhile."""
        return self._guarded(cat, lambda: self.rebuild_records(iter_records(cat), progress))

    def sync_records(self, records: Iterable[dict],
                     progress: Callable[[str], None] | None = None) -> SyncReport:
        """``sync`` over records from anywhere (the bench feeds generated ones)."""
        current = self._current()
        if current is None or version_of(current) != mapping_version():
            return self.rebuild_records(records, progress)
        report = SyncReport(engine=self.name, index=current)
        started = time.monotonic()
        try:
            self._sync_into(current, records, report, progress)
        except BaseException:
            self._abort(current)
            raise
        report.seconds = time.monotonic() - started
        return report

    def _sync_into(self, current: str, records: Iterable[dict], report: SyncReport,
                   progress) -> None:
        indexed = self._state(current)
        seen: set[str] = set()
        pending: list[dict] = []
        for record in records:
            key = record["reg_key"]
            seen.add(key)
            known = indexed.get(key)
            if known == record["content_hash"]:
                report.unchanged += 1
                continue
            if known is None:
                report.new += 1
            else:
                report.updated += 1
            pending.append(record)
            report.written.add(key)
            if len(pending) >= WRITE_BATCH:
                report.rejected += self._write(current, pending)
                pending = []
            if progress:
                progress(key)
        if pending:
            report.rejected += self._write(current, pending)
        stale = sorted(set(indexed) - seen)
        if stale:
            self._delete(current, stale)
            report.deleted = len(stale)
        self._flush(current)

    def rebuild_records(self, records: Iterable[dict],
                        progress: Callable[[str], None] | None = None) -> SyncReport:
        """``rebuild`` from records from anywhere (the bench feeds generated ones)."""
        old = self._current()
        new = self._create()
        report = SyncReport(engine=self.name, index=new, rebuilt=True)
        started = time.monotonic()
        try:
            batch: list[dict] = []
            for record in records:
                batch.append(record)
                report.written.add(record["reg_key"])
                report.new += 1
                if len(batch) >= WRITE_BATCH:
                    report.rejected += self._write(new, batch)
                    batch = []
                if progress:
                    progress(record["reg_key"])
            if batch:
                report.rejected += self._write(new, batch)
            self._flush(new)
            self._swap(new, old)
        except BaseException:
            self._discard(new)
            raise
        report.seconds = time.monotonic() - started
        return report

    def _guarded(self, cat: Catalogue, run: Callable[[], SyncReport]) -> SyncReport:
        """Run a sync/rebuild, recording an outage or rejected documents as catalogue failures
        (``pantau status`` lists them) and resolving them once indexing succeeds."""
        from katalog.importer import record_failure, resolve_failures
        locator = f"{self.name}:{self.location}"
        try:
            report = run()
        except SearchError as exc:
            reason = "engine_unavailable" if isinstance(exc, EngineUnavailable) else "engine_error"
            try:
                with cat.session() as s:
                    record_failure(s, INDEX_STAGE, locator, reason, str(exc))
            except Exception:  # the catalogue being down too must not hide the first error
                log.exception("could not record the index failure")
            raise
        rejected = dict(report.rejected)
        with cat.session() as s:
            resolve_failures(s, locator, (INDEX_STAGE,))
            open_keys = set(s.scalars(select(Failure.locator).where(
                Failure.stage == INDEX_STAGE, Failure.resolved_at.is_(None))))
            for key in (open_keys & report.written) - set(rejected):
                resolve_failures(s, key, (INDEX_STAGE,))
            for key, reason in rejected.items():
                record_failure(s, INDEX_STAGE, key, "rejected", reason)
        return report


def batched(items: Iterable, size: int) -> Iterable[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
