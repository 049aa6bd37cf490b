"""Elasticsearch 8/9 and OpenSearch 2/3: one implementation, two clients (``clients.py``).

Index settings and mappings come from ``indices/mappings`` (``analysis.json`` +
``documents.json``); request bodies are built by :func:`search_body` and the responses read by
:func:`parse_response`, both pure functions shared by the two engines. Physical indices are
named ``<prefix>-documents-v<version>-<timestamp>`` behind the alias ``<prefix>-documents``.

Writes go through ``_bulk`` with retries and exponential backoff on connection errors, timeouts
and 429/502/503/504 (whole request or single items). When the engine stays unreachable the sync
stops with ``EngineUnavailable``: the catalogue was only read, and the next ``pantau index``
compares the engine's ``content_hash`` values with the catalogue and sends what is missing.
"""

from __future__ import annotations

import json
import logging
import re
import time
from urllib.parse import quote

from ..paging import offset
from .analysis import analysis_settings, token_key, words
from .clients import (RETRYABLE_STATUS, EngineVersionMismatch, ResponseError, Transport,
                      check_server, client_version, connect)
from .engine import EngineUnavailable, SearchError, SearchIndex, mapping, versioned_name
from .parser import SearchRequest
from .result import (ENGINE_FACET_SIZE, FACETS, FILTER_FIELDS, Hit, Passage, ResultPage,
                     facet_values, squash_spaces)

log = logging.getLogger(__name__)

TITLE_BOOST = 2.0
IDENTIFIER_BOOST = 100.0
FRAGMENT_CHARS = 200
CANDIDATE_FRAGMENTS = 5
# The highlighter wraps each match in these two Unicode noncharacters (reserved for a program's
# internal use, so not part of any document's text); ``unmark`` turns them into match offsets.
MATCH_START, MATCH_END = "\ufdd0", "\ufdd1"
_TAG = re.compile(f"[{MATCH_START}{MATCH_END}]")
HIGHLIGHT_TAGS = {"pre_tags": [MATCH_START], "post_tags": [MATCH_END]}
MAX_PASSAGES = 3
STATE_PAGE = 5000
BULK_BYTES = 8 * 2**20
SOURCE_FIELDS = ["reg_key", "kind", "title", "jenis_code", "nomor", "tahun", "region_code",
                 "kode_provinsi", "status", "programs", "has_obligation"]
PASSAGE_FIELDS = ["passages.kind", "passages.pasal", "passages.ayat", "passages.page",
                  "passages.start", "passages.end"]


def index_body(*, building: bool = False) -> dict:
    """Settings and mappings for a new physical index (``building``: refresh off while filling)."""
    m = mapping()
    settings = {"index": dict(m["settings"]["index"]), "analysis": analysis_settings()}
    if building:
        settings["index"]["refresh_interval"] = "-1"
    return {"settings": settings, "mappings": m["mappings"]}


# ---------------------------------------------------------------------- query body
def search_body(req: SearchRequest) -> dict:
    """The ``_search`` body for a request (same for Elasticsearch and OpenSearch)."""
    pq, exact = req.query, req.exact
    body_f, title_f = ("body.exact", "title.exact") if exact else ("body", "title")
    text_f = "passages.text.exact" if exact else "passages.text"
    must: list[dict] = []
    should: list[dict] = []
    must_not: list[dict] = []
    if pq.words:
        must.append({"match": {body_f: {"query": pq.text, "operator": "and",
                                        "zero_terms_query": "none"}}})
        should.append({"match": {title_f: {"query": pq.text, "boost": TITLE_BOOST}}})
    for phrase in pq.phrases:
        must.append({"match_phrase": {body_f: {"query": phrase, "zero_terms_query": "none"}}})
    for text in pq.excluded:
        must_not.append({"match_phrase": {body_f: text}})
    ident = pq.identifier
    if ident:
        if ident.reg_key:
            exact_doc = {"term": {"reg_key": ident.reg_key}}
        else:
            parts = [{"term": {"nomor_slug": ident.nomor}}, {"term": {"tahun": ident.tahun}}]
            if ident.jenis_codes:
                parts.append({"terms": {"jenis_code": list(ident.jenis_codes)}})
            exact_doc = {"bool": {"filter": parts}}
        must.append({"bool": {"should": [
            {"constant_score": {"filter": exact_doc, "boost": IDENTIFIER_BOOST}},
            {"match_phrase": {body_f: ident.citation}}]}})
    passage_text = [{"match": {text_f: pq.text}}] if pq.words else []
    passage_text += [{"match_phrase": {text_f: p}} for p in pq.phrases]
    if passage_text:
        # Passages (facts) only add evidence to a hit: boost 0 keeps ranking on the document text.
        should.append({"nested": {
            "path": "passages", "score_mode": "max", "boost": 0.0,
            "query": {"bool": {"should": passage_text}},
            "inner_hits": {"size": MAX_PASSAGES, "_source": False,
                           "docvalue_fields": PASSAGE_FIELDS,
                           "highlight": {**HIGHLIGHT_TAGS,
                                         "fields": {text_f: {"type": "fvh",
                                                             "number_of_fragments": 0}}}}}})
    scored = bool(must)
    query = {"bool": {"must": must or [{"match_all": {}}], "should": should,
                      "must_not": must_not, "filter": filters(req)}}
    body = {
        "query": query,
        "from": offset(req.page, req.per_page),
        "size": req.per_page,
        "track_total_hits": True,
        "_source": SOURCE_FIELDS,
        "highlight": {**HIGHLIGHT_TAGS,
                      "fields": {body_f: {"type": "fvh", "fragment_size": FRAGMENT_CHARS,
                                          "number_of_fragments": CANDIDATE_FRAGMENTS,
                                          "order": "score",
                                          "no_match_size": FRAGMENT_CHARS}}},
    }
    if not scored:
        body["sort"] = [{"tahun": {"order": "desc", "missing": "_last"}}, {"reg_key": "asc"}]
    if req.facets:
        body["aggs"] = {name: {"terms": {"field": field, "size": ENGINE_FACET_SIZE}}
                        for name, (field, _) in FACETS.items()}
    return body


def filters(req: SearchRequest) -> list[dict]:
    out = []
    for name, values in req.filters.items():
        field = FILTER_FIELDS[name]
        if name == "tahun":
            lo, hi = req.year_range
            rng = {k: v for k, v in (("gte", lo), ("lte", hi)) if v is not None}
            out.append({"range": {"tahun": rng}})
        elif name == "has_obligation":
            out.append({"term": {field: values[0] == "true"}})
        else:
            out.append({"terms": {field: list(values)}})
    return out


def parse_response(req: SearchRequest, resp: dict, engine: str) -> ResultPage:
    """A ``_search`` response as a result page."""
    body_f = "body.exact" if req.exact else "body"
    text_f = "passages.text.exact" if req.exact else "passages.text"
    result = ResultPage(request=req, engine=engine, took_ms=float(resp.get("took") or 0))
    total = resp["hits"]["total"]
    result.total = total["value"] if isinstance(total, dict) else int(total)
    for h in resp["hits"]["hits"]:
        src = h.get("_source") or {}
        frags = (h.get("highlight") or {}).get(body_f) or [""]
        highlights = [Passage("body", *squash_spaces(*_richest(frags, req.exact)))]
        inner = (h.get("inner_hits") or {}).get("passages", {}).get("hits", {}).get("hits", [])
        for ih in inner:
            fields = ih.get("fields") or {}
            first = lambda f, fields=fields: (fields.get(f) or [None])[0]  # noqa: E731
            marked = ((ih.get("highlight") or {}).get(text_f) or [""])[0]
            highlights.append(Passage("passage", *squash_spaces(*unmark(marked)),
                                      kind=first("passages.kind"), pasal=first("passages.pasal"),
                                      ayat=first("passages.ayat"), page=first("passages.page"),
                                      start=first("passages.start"), end=first("passages.end")))
        result.hits.append(Hit(
            reg_key=src.get("reg_key") or h["_id"], title=src.get("title") or h["_id"],
            score=float(h.get("_score") or 0.0), highlights=highlights, kind=src.get("kind"),
            jenis_code=src.get("jenis_code"), nomor=src.get("nomor"), tahun=src.get("tahun"),
            region_code=src.get("region_code"), kode_provinsi=src.get("kode_provinsi"),
            status=src.get("status"), programs=src.get("programs") or [],
            has_obligation=bool(src.get("has_obligation"))))
    aggs = resp.get("aggregations") or {}
    if req.facets:
        result.facets = {name: facet_values(name, {b["key"]: b["doc_count"]
                                                   for b in aggs.get(name, {}).get("buckets", [])})
                         for name in FACETS}
    return result


def unmark(fragment: str) -> tuple[str, list[tuple[int, int]]]:
    """A highlighted fragment as its plain text and the ``(start, end)`` offsets of its matches."""
    plain: list[str] = []
    matches: list[tuple[int, int]] = []
    pos = length = 0
    opened = None
    for tag in _TAG.finditer(fragment):
        plain.append(fragment[pos:tag.start()])
        length += tag.start() - pos
        pos = tag.end()
        if tag.group() == MATCH_START:
            opened = length if opened is None else opened
        elif opened is not None:
            matches.append((opened, length))
            opened = None
    plain.append(fragment[pos:])
    return "".join(plain), matches


def _richest(fragments: list[str], exact: bool) -> tuple[str, list[tuple[int, int]]]:
    """The fragment that matches the most distinct query terms (stems, or words in exact mode;
    the engine's order breaks ties), which is how the embedded highlighter chooses too."""
    def distinct(text: str, matches: list[tuple[int, int]]) -> int:
        # A match broken over a line (a phrase such as "BPJS\nKetenagakerjaan") is not counted,
        # as before passages were plain text; counting it would change the fragment shown.
        return len({token_key(w, exact=exact) for s, e in matches if "\n" not in text[s:e]
                    for w in words(text[s:e])})
    candidates = [unmark(f) for f in fragments]
    best = max(range(len(candidates)), key=lambda i: (distinct(*candidates[i]), -i))
    return candidates[best]


# ---------------------------------------------------------------------- the engine
class RemoteIndex(SearchIndex):
    """Documents in Elasticsearch or OpenSearch, behind the alias ``<prefix>-documents``."""

    def __init__(self, engine: str, url: str, prefix: str = "pantau", *,
                 transport: Transport | None = None, retries: int = 5, backoff: float = 0.5,
                 timeout: float = 30.0):
        if not url:
            raise SearchError(f"PANTAU_SEARCH_URL is required for the {engine} engine")
        self.name = engine
        self.location = url.rstrip("/")
        self.alias = f"{prefix}-documents"
        self.transport = transport or connect(engine, self.location, timeout=timeout)
        self.retries, self.backoff = retries, backoff
        self.server_version: str | None = None

    def check_version(self) -> str:
        """The server's version, after checking that it is this engine on a version the installed
        client supports (:func:`clients.check_server`); raises ``EngineVersionMismatch``, or
        ``EngineUnavailable`` when the server cannot be asked."""
        if self.server_version is None:
            client = client_version(self.name)
            try:
                info = self.transport.request("GET", "/")
            except ResponseError as exc:  # e.g. a server refusing the client's media types
                raise EngineVersionMismatch(
                    f"the search engine at {self.location} refused the {self.name} client "
                    f"{client} ({exc}); is it {self.name} of the same major version?") from exc
            self.server_version = check_server(self.name, info, client, self.location)
        return self.server_version

    def _req(self, method: str, path: str, **kw) -> dict:
        if self.server_version is None:  # the first request of any kind checks the versions
            self.check_version()
        return self.transport.request(method, path, **kw)

    def _current(self) -> str | None:
        try:
            resp = self._req("GET", f"/_alias/{self.alias}")
        except ResponseError as exc:
            if exc.status == 404:
                return None
            raise
        names = sorted(resp)
        return names[-1] if names else None

    def _create(self) -> str:
        name = versioned_name(self.alias)
        self._req("PUT", f"/{name}", body=index_body(building=True))
        return name

    def _state(self, index: str) -> dict[str, str]:
        state: dict[str, str] = {}
        after = None
        while True:
            body = {"size": STATE_PAGE, "_source": False, "docvalue_fields": ["content_hash"],
                    "sort": [{"reg_key": "asc"}], "query": {"match_all": {}}}
            if after:
                body["search_after"] = after
            hits = self._req("POST", f"/{index}/_search", body=body)["hits"]["hits"]
            for h in hits:
                state[h["_id"]] = (h.get("fields", {}).get("content_hash") or [""])[0]
            if len(hits) < STATE_PAGE:
                return state
            after = hits[-1]["sort"]

    def _write(self, index: str, records: list[dict]) -> list[tuple[str, str]]:
        actions = []
        meta = {"_index": index}
        for r in records:
            actions.append((r["reg_key"],
                            json.dumps({"index": {**meta, "_id": r["reg_key"]}}) + "\n"
                            + json.dumps(r, ensure_ascii=False) + "\n"))
        return self._bulk(actions)

    def _delete(self, index: str, reg_keys: list[str]) -> None:
        self._bulk([(k, json.dumps({"delete": {"_index": index, "_id": k}}) + "\n")
                    for k in reg_keys])

    def _bulk(self, actions: list[tuple[str, str]]) -> list[tuple[str, str]]:
        rejected: list[tuple[str, str]] = []
        chunk: list[tuple[str, str]] = []
        size = 0
        for action in actions:
            if chunk and size + len(action[1]) > BULK_BYTES:
                rejected += self._send(chunk)
                chunk, size = [], 0
            chunk.append(action)
            size += len(action[1])
        if chunk:
            rejected += self._send(chunk)
        return rejected

    def _send(self, actions: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """One bulk request; retries the whole request or its overloaded items with backoff."""
        rejected: list[tuple[str, str]] = []
        pending = actions
        attempt = 0
        while pending:
            try:
                resp = self._req("POST", "/_bulk", body="".join(a[1] for a in pending), ndjson=True)
            except EngineUnavailable as exc:
                attempt = self._backoff(attempt, exc)
                continue
            retry = []
            for (key, line), item in zip(pending, resp["items"]):
                op, res = next(iter(item.items()))
                status = res.get("status", 500)
                if status < 300 or (op == "delete" and status == 404):
                    continue
                if status in RETRYABLE_STATUS:
                    retry.append((key, line))
                else:
                    err = res.get("error") or {}
                    rejected.append((key, f"{err.get('type')}: {err.get('reason')}"))
            pending = retry
            if pending:
                attempt = self._backoff(attempt, EngineUnavailable(
                    f"{len(pending)} bulk items still rejected as overloaded"))
        return rejected

    def _backoff(self, attempt: int, exc: EngineUnavailable) -> int:
        if attempt >= self.retries:
            raise EngineUnavailable(f"{self.name} at {self.location} unavailable after "
                                    f"{attempt + 1} attempts: {exc}") from exc
        delay = self.backoff * (2 ** attempt)
        log.warning("%s: %s; retrying in %.1f s", self.name, exc, delay)
        time.sleep(delay)
        return attempt + 1

    def _flush(self, index: str) -> None:
        self._req("POST", f"/{index}/_refresh")

    def _swap(self, new: str, old: str | None) -> None:
        self._req("PUT", f"/{new}/_settings", body={"index": {"refresh_interval": None}})
        self._req("POST", f"/{new}/_refresh")
        actions = [{"add": {"index": new, "alias": self.alias}}]
        if old:
            actions.append({"remove": {"index": old, "alias": self.alias}})
        self._req("POST", "/_aliases", body={"actions": actions})
        for name in self._versions():
            if name != new:
                self._req("DELETE", f"/{quote(name)}")

    def _versions(self) -> list[str]:
        try:
            resp = self._req("GET", f"/{self.alias}-v*/_settings",
                             params={"filter_path": "*.settings.index.provided_name"})
        except ResponseError as exc:
            if exc.status == 404:
                return []
            raise
        return sorted(resp)

    def _discard(self, index: str) -> None:
        try:
            if index != self._current():
                self._req("DELETE", f"/{quote(index)}")
        except SearchError:  # the engine may be down; a later rebuild removes the leftover
            log.warning("could not delete half-built index %s", index)

    def count(self) -> int:
        try:
            return int(self._req("GET", f"/{self.alias}/_count")["count"])
        except ResponseError as exc:
            if exc.status == 404:
                return 0
            raise

    def _search(self, req: SearchRequest) -> ResultPage:
        try:
            resp = self._req("POST", f"/{self.alias}/_search", body=search_body(req))
        except ResponseError as exc:
            if exc.status == 404:  # nothing indexed yet
                return ResultPage(request=req, engine=self.name)
            raise
        return parse_response(req, resp, self.name)
