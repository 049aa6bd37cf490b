"""The embedded search index (tantivy, BM25): no server, the default for ``pantau run``.

Why tantivy and not SQLite FTS5: on the same machine and the same 100k synthetic regulations,
FTS5 answered 2–3-word queries with a snippet and a facet at p99 213 ms (it scores, counts and
groups every match in SQL) against 3.7 ms for tantivy; ``bench/bench_search.py`` measures both
again on every run. tantivy also has real aggregations for facets and positions for phrases.

Indonesian analysis happens in Python (``analysis.py``: the word lists of
``indices/mappings/analysis.json`` and a port of Lucene's Indonesian stemmer), and tantivy indexes
the resulting whitespace-separated token streams: ``body_stem`` (stemmed, stop words as position
gaps, like ``body`` in Elasticsearch) and ``body_exact`` (lowercased tokens, like ``body.exact``).
The original text is stored and highlighted in Python (``highlight.py``).

Layout, under ``<data_dir>/index/search/``::

    CURRENT                      the name of the live index directory (the "alias")
    documents-v1-<timestamp>/    one tantivy index per build

Crash consistency: a tantivy commit writes new segment files, fsyncs them, then atomically
replaces ``meta.json``; a crash before that leaves the previous commit intact and the writer lock
is an OS file lock that dies with the process. ``CURRENT`` is replaced with ``os.replace`` after
the new index is committed, so it always names a complete index. Each document carries its
``reg_key`` and ``content_hash`` (``sync_key``), and ``sync`` compares those with the catalogue:
whatever a crash lost is simply sent again by the next ``pantau index``.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import zlib
from pathlib import Path

import tantivy
from tantivy import Occur, Query

from ..paging import offset
from . import analysis
from .engine import SearchError, SearchIndex, mapping_version, version_of, versioned_name
from .highlight import Highlighter, best_fragment, leading_fragment, whole
from .parser import Identifier, ParsedQuery, SearchRequest
from .result import ENGINE_FACET_SIZE, FACETS, FILTER_FIELDS, Hit, Passage, ResultPage, facet_values

POINTER = "CURRENT"
BASE = "documents"
KEYWORDS = ("kind", "jenis_code", "nomor_slug", "region_code", "kode_provinsi", "status",
            "programs", "fact_kinds")
SOURCE_FIELDS = ("reg_key", "kind", "title", "jenis_code", "nomor", "tahun", "region_code",
                 "kode_provinsi", "status", "programs", "has_obligation", "body", "passages")
SYNC_SEP = "\x1f"
PARTS = 1 << 16  # documents are spread over ``part`` values so state reads stay under
STATE_CHUNK = 40_000  # tantivy's 65,000-bucket aggregation limit
COMMIT_EVERY = 20_000
TITLE_BOOST = 2.0
IDENTIFIER_BOOST = 100.0
MAX_PASSAGES = 3


def schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("reg_key", stored=True, fast=True, tokenizer_name="raw")
    sb.add_text_field("sync_key", fast=True, tokenizer_name="raw")
    sb.add_integer_field("part", indexed=True, fast=True)
    for f in ("title_stem", "title_exact", "body_stem", "body_exact"):
        sb.add_text_field(f, tokenizer_name="whitespace")
    for f in KEYWORDS:
        sb.add_text_field(f, fast=True, tokenizer_name="raw")
    sb.add_integer_field("tahun", indexed=True, fast=True)
    sb.add_boolean_field("has_obligation", indexed=True, fast=True)
    sb.add_bytes_field("source", stored=True)
    return sb.build()


class EmbeddedIndex(SearchIndex):
    name = "embedded"

    def __init__(self, root: Path):
        self.root = Path(root)
        self.location = str(self.root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._schema = schema()
        self._lock = threading.Lock()
        self._opened: dict[str, tantivy.Index] = {}
        self._writers: dict[str, tuple[tantivy.IndexWriter, list[int]]] = {}
        self._compatible: dict[str, bool] = {}

    @classmethod
    def for_settings(cls, settings) -> "EmbeddedIndex":
        return cls(settings.index_dir / "search")

    @classmethod
    def for_catalogue(cls, cat) -> "EmbeddedIndex":
        return cls.for_settings(cat.settings)

    # ------------------------------------------------------------------ the "alias"
    def _current(self) -> str | None:
        try:
            name = (self.root / POINTER).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        if not name or not (self.root / name / "meta.json").exists():
            return None
        if name not in self._compatible:
            check = getattr(tantivy.Index, "is_compatible", None)
            self._compatible[name] = not check or check(str(self.root / name))
        return name if self._compatible[name] else None  # another tantivy format: sync rebuilds

    def _open(self, name: str) -> tantivy.Index:
        with self._lock:
            idx = self._opened.get(name)
            if idx is None:
                idx = tantivy.Index(self._schema, path=str(self.root / name), reuse=True)
                self._opened = {name: idx, **{k: v for k, v in self._opened.items()
                                              if k in self._writers}}
            return idx

    def _create(self) -> str:
        name = versioned_name(BASE)
        (self.root / name).mkdir(parents=True)
        tantivy.Index(self._schema, path=str(self.root / name), reuse=False)
        return name

    def _swap(self, new: str, old: str | None) -> None:
        tmp = self.root / (POINTER + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(new + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.root / POINTER)
        fd = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        for path in self.root.glob(BASE + "-v*"):
            if path.name != new and path.name not in self._writers:
                self._opened.pop(path.name, None)
                shutil.rmtree(path, ignore_errors=True)  # open readers keep their mmaps

    def _abort(self, index: str) -> None:
        w = self._writers.pop(index, None)
        if w is not None:
            w[0].rollback()  # back to the last commit, as a crash would leave it

    def _discard(self, index: str) -> None:
        self._writers.pop(index, None)
        self._opened.pop(index, None)
        if index != self._current():
            shutil.rmtree(self.root / index, ignore_errors=True)

    # ------------------------------------------------------------------ writing
    def _writer(self, index: str) -> tuple[tantivy.IndexWriter, list[int]]:
        w = self._writers.get(index)
        if w is None:
            try:
                w = (self._open(index).writer(heap_size=256_000_000), [0])
            except ValueError as exc:  # another process holds the writer lock
                raise SearchError(f"embedded index {self.root / index} is being written by "
                                  f"another process: {exc}") from exc
            self._writers[index] = w
        return w

    def _state(self, index: str) -> dict[str, str]:
        idx = self._open(index)
        idx.reload()
        searcher = idx.searcher()
        chunks = max(1, -(-searcher.num_docs // STATE_CHUNK))
        state: dict[str, str] = {}
        step = -(-PARTS // chunks)
        for lo in range(0, PARTS, step):
            q = Query.range_query(self._schema, "part", tantivy.FieldType.Integer, lo,
                                  min(PARTS, lo + step) - 1)
            res = searcher.aggregate(q, {"k": {"terms": {"field": "sync_key", "size": 65_000}}})
            for b in res["k"]["buckets"]:
                key, _, h = b["key"].partition(SYNC_SEP)
                state[key] = h
        return state

    def _write(self, index: str, records: list[dict]) -> list[tuple[str, str]]:
        writer, since_commit = self._writer(index)
        rejected = []
        for r in records:
            try:
                doc = self._document(r)
            except (ValueError, TypeError, OverflowError) as exc:
                rejected.append((r["reg_key"], f"{type(exc).__name__}: {exc}"))
                continue
            writer.delete_documents_by_term("reg_key", r["reg_key"])
            writer.add_document(doc)
            since_commit[0] += 1
        if since_commit[0] >= COMMIT_EVERY:  # bound what a crash can cost
            writer.commit()
            since_commit[0] = 0
        return rejected

    def _delete(self, index: str, reg_keys: list[str]) -> None:
        writer, _ = self._writer(index)
        for key in reg_keys:
            writer.delete_documents_by_term("reg_key", key)

    def _flush(self, index: str) -> None:
        w = self._writers.pop(index, None)
        if w is not None:
            writer, _ = w
            writer.commit()
            writer.wait_merging_threads()  # also releases the writer lock
        self._open(index).reload()

    def _document(self, r: dict) -> tantivy.Document:
        d = tantivy.Document()
        key = r["reg_key"]
        d.add_text("reg_key", key)
        d.add_text("sync_key", key + SYNC_SEP + r["content_hash"])
        d.add_integer("part", zlib.crc32(key.encode("utf-8")) % PARTS)
        title_stem, title_exact = analysis.index_streams(r["title"] or "")
        body_stem, body_exact = analysis.index_streams(r["body"] or "")
        d.add_text("title_stem", title_stem)
        d.add_text("title_exact", title_exact)
        d.add_text("body_stem", body_stem)
        d.add_text("body_exact", body_exact)
        for f in KEYWORDS:
            value = r.get(f)
            for v in (value if isinstance(value, list) else [value]):
                if v not in (None, ""):
                    d.add_text(f, str(v))
        if r.get("tahun") is not None:
            d.add_integer("tahun", int(r["tahun"]))
        d.add_boolean("has_obligation", bool(r.get("has_obligation")))
        d.add_bytes("source", json.dumps({k: r.get(k) for k in SOURCE_FIELDS},
                                         ensure_ascii=False).encode("utf-8"))
        return d

    # ------------------------------------------------------------------ reading
    def _searcher(self) -> tantivy.Searcher | None:
        name = self._current()
        if name is None or version_of(name) != mapping_version():
            return None
        idx = self._open(name)
        idx.reload()  # cheap; picks up commits made by another process (pantau index)
        return idx.searcher()

    def count(self) -> int:
        searcher = self._searcher()
        return searcher.num_docs if searcher else 0

    def _search(self, req: SearchRequest) -> ResultPage:
        result = ResultPage(request=req, engine=self.name)
        searcher = self._searcher()
        if searcher is None:
            return result
        query, scored = self._query(req)
        skip = offset(req.page, req.per_page)
        if scored:
            found = searcher.search(query, req.per_page, count=True, offset=skip)
        else:
            found = searcher.search(query, req.per_page, count=True, offset=skip,
                                    order_by_field="tahun", order=tantivy.Order.Desc)
        result.total = found.count
        marker = Highlighter(_highlight_keys(req.query, req.exact), exact=req.exact)
        for score, address in found.hits:
            src = json.loads(searcher.doc(address).get_first("source"))
            result.hits.append(_hit(src, float(score) if scored else 0.0, marker))
        if req.facets:
            aggs = {name: {"terms": {"field": field, "size": ENGINE_FACET_SIZE}}
                    for name, (field, _) in FACETS.items()}
            res = searcher.aggregate(query, aggs)
            result.facets = {name: facet_values(name, {b["key"]: b["doc_count"]
                                                       for b in res[name]["buckets"]})
                             for name in FACETS}
        return result

    # ------------------------------------------------------------------ query
    def _query(self, req: SearchRequest) -> tuple[Query, bool]:
        """The tantivy query for a request, and whether it ranks by relevance."""
        pq, exact = req.query, req.exact
        body, title = ("body_exact", "title_exact") if exact else ("body_stem", "title_stem")
        must: list[Query] = []
        should: list[Query] = []
        must_not: list[Query] = []
        if pq.words:
            groups = analysis.query_groups(pq.text, exact=exact)
            if not groups:
                must.append(Query.empty_query())  # only stop words: matches nothing, as in ES
            for group in groups:
                must.append(self._any(body, group))
                should.append(Query.boost_query(self._any(title, group), TITLE_BOOST))
        for phrase in pq.phrases:
            must.append(self._any(body, analysis.phrase_alternatives(phrase, exact=exact)))
        for text in pq.excluded:
            alts = analysis.phrase_alternatives(text, exact=exact)
            if alts:
                must_not.append(self._any(body, alts))
        if pq.identifier:
            must.append(self._identifier(pq.identifier, body, exact))
        scored = bool(must)
        clauses = [(Occur.Must, q) for q in must] or [(Occur.Must, Query.all_query())]
        clauses += [(Occur.Should, q) for q in should]
        clauses += [(Occur.MustNot, q) for q in must_not]
        clauses += [(Occur.Must, Query.const_score_query(f, 0.0)) for f in self._filters(req)]
        return Query.boolean_query(clauses), scored

    def _any(self, field: str, alternatives: list[analysis.Alternative]) -> Query:
        qs = [self._alternative(field, a) for a in alternatives]
        if not qs:
            return Query.empty_query()
        return qs[0] if len(qs) == 1 else Query.boolean_query([(Occur.Should, q) for q in qs])

    def _alternative(self, field: str, alt: analysis.Alternative) -> Query:
        words = [(i, t) for i, t in enumerate(alt.terms) if t is not None]
        if len(words) == 1:
            return Query.term_query(self._schema, field, words[0][1])
        return Query.phrase_query(self._schema, field, words)

    def _identifier(self, ident: Identifier, body: str, exact: bool) -> Query:
        if ident.reg_key:
            exact_doc = Query.term_query(self._schema, "reg_key", ident.reg_key)
        else:
            parts = [Query.term_query(self._schema, "nomor_slug", ident.nomor),
                     Query.term_query(self._schema, "tahun", ident.tahun)]
            if ident.jenis_codes:
                parts.append(Query.term_set_query(self._schema, "jenis_code", list(ident.jenis_codes)))
            exact_doc = Query.boolean_query([(Occur.Must, q) for q in parts])
        citation = self._any(body, analysis.phrase_alternatives(ident.citation, exact=exact))
        return Query.boolean_query([
            (Occur.Should, Query.const_score_query(exact_doc, IDENTIFIER_BOOST)),
            (Occur.Should, citation)])

    def _filters(self, req: SearchRequest) -> list[Query]:
        out = []
        for name, values in req.filters.items():
            field = FILTER_FIELDS[name]
            if name == "tahun":
                lo, hi = req.year_range
                out.append(Query.range_query(self._schema, "tahun", tantivy.FieldType.Integer,
                                             lo if lo is not None else -(2**31),
                                             hi if hi is not None else 2**31 - 1))
            elif name == "has_obligation":
                out.append(Query.term_query(self._schema, field, values[0] == "true"))
            else:
                out.append(Query.term_set_query(self._schema, field, list(values)))
        return out


def _highlight_keys(pq: ParsedQuery, exact: bool) -> set[str]:
    keys = analysis.highlight_keys(pq.highlight_text, exact=exact)
    if pq.identifier and not pq.identifier.reg_key:
        keys |= {pq.identifier.nomor, str(pq.identifier.tahun)}
    return keys


def _hit(src: dict, score: float, marker: Highlighter) -> Hit:
    body = src.get("body") or ""
    highlights = [best_fragment(body, marker.matches(body)) or leading_fragment(body)]
    ranked = []
    passages = src.get("passages") or []
    if len(passages) > 2 * MAX_PASSAGES:  # rank cheaply first, then mark only the best few
        passages = sorted(passages, key=lambda p: -marker.candidates(p["text"]))[:2 * MAX_PASSAGES]
    for p in passages:
        found = marker.matches(p["text"])
        if found:
            ranked.append((-len({k for _, _, k in found}), -len(found), p["start"], p, found))
    ranked.sort(key=lambda x: x[:3])
    for *_, p, found in ranked[:MAX_PASSAGES]:
        highlights.append(Passage("passage", *whole(p["text"], found), kind=p["kind"],
                                  pasal=p.get("pasal"), ayat=p.get("ayat"), page=p.get("page"),
                                  start=p.get("start"), end=p.get("end")))
    return Hit(reg_key=src["reg_key"], title=src.get("title") or src["reg_key"], score=score,
               highlights=highlights, kind=src.get("kind"), jenis_code=src.get("jenis_code"),
               nomor=src.get("nomor"), tahun=src.get("tahun"), region_code=src.get("region_code"),
               kode_provinsi=src.get("kode_provinsi"), status=src.get("status"),
               programs=src.get("programs") or [], has_obligation=bool(src.get("has_obligation")))

