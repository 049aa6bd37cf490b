"""Search: indexing throughput and query latency of the embedded index (tantivy) and OpenSearch,
in the same run on the same synthetic regulations, with SQLite FTS5 as the reference that the
embedded choice was made against.

Corpus: ``tests/indices/search/synthetic.py`` — regulation-like documents of about 5 KB (title, Menimbang,
Mengingat, Pasal with obligations, amounts, targets, sanctions, village and person names) over
the 38 provinces / 514 kabupaten-kota, years 2005–2025, jenis by region kind, with obligation and
target facts as passages. Sizes: ``BENCH_SEARCH_SIZES`` (default ``10000,100000``).

Queries: 2–3 words, all must match — runs of words taken from documents, topical pairs, and a
rare village name with a common word — each returning the top 10 with highlights (body and fact
passages) plus six facets over all matches and the exact total. Latency is measured per query on
a warm second pass; OpenSearch latency includes the HTTP round trip from Python.
"""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TOPICAL = ["iuran pekerja rentan", "sanksi administratif denda", "posyandu balita",
           "bank sampah desa", "retribusi pelayanan pasar", "kepesertaan perangkat desa",
           "jaminan kematian", "desa wisata", "teguran tertulis", "data terpadu kesejahteraan",
           "pekerja bukan penerima upah", "anggaran iuran jkk", "bpjs ketenagakerjaan",
           "bantuan sosial keluarga", "makanan tambahan", "kas daerah retribusi"]
FTS5_QUERIES_AT_100K = 100  # FTS5 takes a tenth of a second per broad query there


def _sizes() -> list[int]:
    return [int(x) for x in os.environ.get("BENCH_SEARCH_SIZES", "10000,100000").split(",") if x.strip()]


def _queries(records: list[dict], n: int = 240, seed: int = 5) -> list[str]:
    from indices.search import analysis
    rng = random.Random(seed)
    stop = analysis.stopwords()
    out: list[str] = []
    while len(out) < n // 2:  # runs of 2–3 content words from a document
        words = [w for w in analysis.words(rng.choice(records)["body"])
                 if w.isalpha() and len(w) >= 4 and w not in stop]
        k = rng.choice((2, 3))
        i = rng.randrange(0, max(1, len(words) - k))
        out.append(" ".join(words[i:i + k]))
    out += [rng.choice(TOPICAL) for _ in range(n // 4)]
    while len(out) < n:  # a rare village name with a common word
        body = rng.choice(records)["body"]
        i = body.find("Desa ")
        if i >= 0:
            out.append(f"{body[i + 5:].split()[0].strip('.,;')} {rng.choice(['desa', 'pasal'])}")
    rng.shuffle(out)
    return out


def _percentiles(times: list[float]) -> tuple[float, float]:
    s = sorted(times)
    return statistics.median(s) * 1000, s[min(len(s) - 1, int(round(0.99 * (len(s) - 1))))] * 1000


def _latency(search, queries: list[str]) -> tuple[float, float, float]:
    for q in queries:  # warm-up pass
        search(q)
    times, totals = [], []
    for q in queries:
        t0 = time.perf_counter()
        totals.append(search(q))
        times.append(time.perf_counter() - t0)
    p50, p99 = _percentiles(times)
    return p50, p99, statistics.mean(totals)


def _engine_search(idx):
    from indices.search import SearchRequest

    def run(q: str) -> int:
        res = idx.search(SearchRequest.build(q, per_page=10))
        assert res.facets and (res.total == 0 or res.hits[0].highlights)
        return res.total
    return run


# ---------------------------------------------------------------------- FTS5 reference
FACET_COLUMNS = ("kode_provinsi", "region_code", "jenis_code", "tahun", "status")


def _fts5_build(path: Path, records: list[dict]) -> float:
    db = sqlite3.connect(path)
    db.executescript("""
        PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144;
        CREATE TABLE docs(id INTEGER PRIMARY KEY, reg_key TEXT, title TEXT, body TEXT,
                          kode_provinsi TEXT, region_code TEXT, jenis_code TEXT, tahun INT, status TEXT);
        CREATE TABLE doc_program(doc_id INT, program TEXT);
        CREATE VIRTUAL TABLE docs_fts USING fts5(title, body, content='docs', content_rowid='id',
                                                 tokenize='unicode61 remove_diacritics 2');
    """)
    t0 = time.perf_counter()
    with db:
        for i in range(0, len(records), 1000):
            chunk = records[i:i + 1000]
            db.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?)", [
                (i + j + 1, r["reg_key"], r["title"], r["body"], r["kode_provinsi"],
                 r["region_code"], r["jenis_code"], r["tahun"], r["status"])
                for j, r in enumerate(chunk)])
            db.executemany("INSERT INTO doc_program VALUES (?,?)", [
                (i + j + 1, p) for j, r in enumerate(chunk) for p in r["programs"]])
        db.execute("INSERT INTO docs_fts(docs_fts) VALUES('rebuild')")
        db.execute("INSERT INTO docs_fts(docs_fts) VALUES('optimize')")
    elapsed = time.perf_counter() - t0
    db.close()
    return elapsed


def _fts5_search(path: Path):
    db = sqlite3.connect(path)

    def run(q: str) -> int:
        expr = " ".join('"' + w.replace('"', '""') + '"' for w in q.split())
        db.execute("DROP TABLE IF EXISTS temp.m")
        db.execute("CREATE TEMP TABLE m AS SELECT rowid AS id FROM docs_fts WHERE docs_fts MATCH ?",
                   (expr,))
        total = db.execute("SELECT count(*) FROM m").fetchone()[0]
        db.execute("SELECT d.reg_key, bm25(docs_fts, 2.0, 1.0) s, "
                   "snippet(docs_fts, 1, '<mark>', '</mark>', '…', 24) FROM docs_fts "
                   "JOIN docs d ON d.id = docs_fts.rowid WHERE docs_fts MATCH ? ORDER BY s LIMIT 10",
                   (expr,)).fetchall()
        for col in FACET_COLUMNS:
            db.execute(f"SELECT d.{col}, count(*) FROM m JOIN docs d ON d.id = m.id GROUP BY 1").fetchall()
        db.execute("SELECT p.program, count(*) FROM m JOIN doc_program p ON p.doc_id = m.id "
                   "GROUP BY 1").fetchall()
        return total
    return run


# ---------------------------------------------------------------------- run
def run(work: Path) -> list[dict]:
    from indices.search.embedded import EmbeddedIndex
    from indices.search.remote import RemoteIndex
    from tests.engines.opensearch_node import running_opensearch
    from tests.indices.search import synthetic

    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PANTAU_OPENSEARCH_HEAP", "1g")
    results: list[dict] = []
    with running_opensearch(work / "opensearch") as url:
        for n in _sizes():
            t0 = time.perf_counter()
            records = [synthetic.record(d) for d in synthetic.corpus(n, seed=2024, size=5000)]
            gen = time.perf_counter() - t0
            mean_kb = statistics.mean(len(r["body"]) for r in records[:2000]) / 1024
            queries = _queries(records)

            emb = EmbeddedIndex(work / f"embedded-{n}")
            t0 = time.perf_counter()
            emb.rebuild_records(records)
            t_emb = time.perf_counter() - t0

            ops = RemoteIndex("opensearch", url, f"bench{n}", timeout=120)
            t0 = time.perf_counter()
            report = ops.rebuild_records(records)
            t_ops = time.perf_counter() - t0
            assert not report.rejected and ops.count() == n, report

            fts_path = work / f"fts5-{n}.sqlite"
            t_fts = _fts5_build(fts_path, records)

            e50, e99, e_hits = _latency(_engine_search(emb), queries)
            o50, o99, o_hits = _latency(_engine_search(ops), queries)
            fts_queries = queries if n < 100_000 else queries[:FTS5_QUERIES_AT_100K]
            f50, f99, _ = _latency(_fts5_search(fts_path), fts_queries)
            del records

            size = f"{n:,} docs of {mean_kb:.1f} KB"
            results += [
                {"measure": f"embedded (tantivy) indexing, {size} (generated in {gen:.0f} s)",
                 "value": n / t_emb, "unit": "docs/s", "reference": "OpenSearch bulk indexing",
                 "ref_value": n / t_ops, "ratio": t_ops / t_emb},
                {"measure": f"embedded query p50, {size}, {len(queries)} queries of 2–3 words, "
                            f"highlights + 6 facets (mean {e_hits:.0f} matches)",
                 "value": e50, "unit": "ms", "reference": "OpenSearch p50", "ref_value": o50,
                 "ratio": o50 / e50},
                {"measure": f"embedded query p99, {size}", "value": e99, "unit": "ms",
                 "reference": "OpenSearch p99", "ref_value": o99, "ratio": o99 / e99},
                {"measure": f"SQLite FTS5 query p50, {size} ({len(fts_queries)} queries, no stemming)",
                 "value": f50, "unit": "ms", "reference": "embedded p50", "ref_value": e50,
                 "ratio": e50 / f50},
                {"measure": f"SQLite FTS5 query p99, {size}", "value": f99, "unit": "ms",
                 "reference": "embedded p99", "ref_value": e99, "ratio": e99 / f99},
                {"measure": f"SQLite FTS5 indexing, {size}", "value": n / t_fts, "unit": "docs/s",
                 "reference": "embedded indexing", "ref_value": n / t_emb, "ratio": t_emb / t_fts},
            ]
            assert abs(e_hits - o_hits) <= 0.01 * max(1.0, o_hits), (e_hits, o_hits)
    return results


if __name__ == "__main__":  # pragma: no cover - `python bench/bench_search.py [WORK_DIR]`
    import json
    work = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "bench" / ".work" / "search"
    for row in run(work):
        print(json.dumps(row, ensure_ascii=False))
