"""Search over the catalogue: one pipeline, an embedded index or Elasticsearch/OpenSearch behind it.

    request args ──parser──▶ SearchRequest (ParsedQuery + filters)
                 ──engine──▶ tantivy query (embedded.py) | ES/OS body (remote.search_body)
                 ──result──▶ ResultPage (hits with their passages and Pasal, facets, next/previous)

A passage is plain text with the offsets of the words that matched: the search layer makes no
HTML (the web app renders passages, ``webapp.render``).

Which engine runs is a setting: ``PANTAU_SEARCH_ENGINE``, one of ``pantau.settings.SEARCH_ENGINES``
(``embedded``, the default, ``opensearch`` or ``elasticsearch``), with ``PANTAU_SEARCH_URL`` and
``PANTAU_SEARCH_INDEX_PREFIX`` for the remote ones. Every engine is a :class:`SearchIndex` with
``search``, ``sync`` (catch up with the catalogue), ``rebuild`` (new versioned index, atomic
swap) and ``count``.
"""

from __future__ import annotations

from pantau.settings import SEARCH_ENGINES

from .clients import REMOTE_ENGINES
from .engine import EngineUnavailable, SearchError, SearchIndex, SyncReport
from .parser import FILTER_NAMES, Identifier, ParsedQuery, SearchRequest, parse_query
from .result import FACETS, FacetValue, Hit, Passage, ResultPage

__all__ = ["FACETS", "FILTER_NAMES", "EngineUnavailable", "FacetValue", "Hit", "Identifier",
           "ParsedQuery", "Passage", "ResultPage", "SearchError", "SearchIndex", "SearchRequest",
           "SyncReport", "open_index", "parse_query"]


def open_index(settings, *, engine: str | None = None, url: str | None = None,
               prefix: str | None = None, **options) -> SearchIndex:
    """The search index configured in ``settings`` (arguments override the settings)."""
    engine = (engine or settings.search_engine or "embedded").strip().lower()
    if engine == "embedded":
        from .embedded import EmbeddedIndex
        return EmbeddedIndex.for_settings(settings)
    if engine in REMOTE_ENGINES:
        from .remote import RemoteIndex
        return RemoteIndex(engine, url or settings.search_url,
                           prefix or settings.search_index_prefix or "pantau", **options)
    raise SearchError(f"unknown search engine {engine!r}; use one of {', '.join(SEARCH_ENGINES)}")
