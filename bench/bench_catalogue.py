"""Catalogue writes of a crawl: crawled items (document + record sighting) imported by
``crawler.store.import_items`` in the pipeline's batches, against a bare ``executemany`` insert of
the same rows into plain SQLite tables in the same run; one item per transaction (the import
before batching); an unchanged re-import; and an unchanged BPK card (a sighting touched, nothing
fetched). Target of issue 13: ≥ 500 items/s for the batched import.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path

N = 2000
ONE_BY_ONE = 300  # items imported one per transaction (slow: a subset is enough)


def _items(n: int, offset: int = 0) -> list:
    from crawler.items import DocumentItem
    from pantau import wilayah
    codes = [w.kode for w in wilayah.all_regions() if w.kind != "provinsi"]
    now = datetime.now(timezone.utc)
    out = []
    for i in range(offset, offset + n):
        code = codes[i % len(codes)]
        out.append(DocumentItem(
            source="bench", url=f"http://127.0.0.1/Details/{i}/perbup-{i}", crawled_at=now,
            jenis="Peraturan Bupati", jenis_code="perbup", nomor=str(i), tahun=2015 + i % 11,
            judul=f"Peraturan Bupati Nomor {i} Tahun {2015 + i % 11} tentang Uji {i}",
            tentang=f"Jaminan Sosial Ketenagakerjaan bagi Pekerja Rentan {i}", region_code=code,
            status="Berlaku",
            record={"Judul": f"Peraturan Bupati Nomor {i}", "T.E.U. Badan": code, "Nomor": str(i),
                    "Status": "Berlaku", "card": {"heading": f"Perbup {i}"},
                    "listing_fingerprint": f"{i:016x}", "files": []}))
    return out


def _catalogue(work: Path):
    from katalog import importer
    from katalog.db import Catalogue
    from pantau.settings import load_settings
    cat = Catalogue(load_settings(data_dir=str(work / "var"), config_file=str(work / "none.toml")))
    cat.init()
    with cat.session() as s:
        src = importer.get_or_create_source(s, "bench", "bpk")
        run = importer.start_run(s, src)
        s.flush()
        s.expunge(src)
        s.expunge(run)
    return cat, src, run


def run(work: Path) -> list[dict]:
    from crawler.pipelines import BATCH_SIZE
    from crawler.store import import_items, touch_unchanged_many
    work.mkdir(parents=True, exist_ok=True)
    items = _items(N)
    cat, src, run_ = _catalogue(work / "batched")
    t0 = time.perf_counter()
    for i in range(0, N, BATCH_SIZE):
        outcomes = import_items(cat, [(it, []) for it in items[i:i + BATCH_SIZE]], src, run_)
        assert all(o == "new" for o in outcomes), outcomes
    t_batched = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i in range(0, N, BATCH_SIZE):
        outcomes = import_items(cat, [(it, []) for it in items[i:i + BATCH_SIZE]], src, run_)
        assert all(o == "unchanged" for o in outcomes), outcomes
    t_again = time.perf_counter() - t0
    urls = [it.url for it in items]
    t0 = time.perf_counter()
    for i in range(0, N, BATCH_SIZE):
        assert touch_unchanged_many(cat, urls[i:i + BATCH_SIZE], src, run_) == \
            len(urls[i:i + BATCH_SIZE])
    t_touch = time.perf_counter() - t0
    cat.dispose()

    cat1, src1, run1 = _catalogue(work / "one-by-one")
    few = _items(ONE_BY_ONE)
    t0 = time.perf_counter()
    for it in few:
        import_items(cat1, [(it, [])], src1, run1)
    t_one = (time.perf_counter() - t0) * N / ONE_BY_ONE  # as if all N
    cat1.dispose()

    rows = [(f"perbup/{it.region_code}/{it.tahun}/{it.nomor}", it.jenis, it.jenis_code, it.nomor,
             it.tahun, it.region_code, it.tentang) for it in items]
    raw = sqlite3.connect(work / "raw.db")
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("CREATE TABLE d(reg_key TEXT UNIQUE, jenis, code, nomor, tahun, region, tentang)")
    raw.execute("CREATE TABLE s(doc TEXT, url TEXT, record TEXT, UNIQUE(doc, url))")
    import json
    t0 = time.perf_counter()
    raw.executemany("INSERT INTO d VALUES (?,?,?,?,?,?,?)", rows)
    raw.executemany("INSERT INTO s VALUES (?,?,?)",
                    [(r[0], it.url, json.dumps(it.record)) for r, it in zip(rows, items)])
    raw.commit()
    t_raw = time.perf_counter() - t0
    raw.close()
    return [
        {"measure": f"crawl import, batched ({BATCH_SIZE}/transaction): items/s ({N} new; "
                    f"target ≥ 500)", "value": N / t_batched, "unit": "items/s",
         "reference": "bare sqlite executemany, same rows", "ref_value": N / t_raw,
         "ratio": t_raw / t_batched},
        {"measure": "crawl import, one item per transaction (before batching)",
         "value": N / t_one, "unit": "items/s", "reference": "batched import",
         "ref_value": N / t_batched, "ratio": t_batched / t_one},
        {"measure": f"crawl import, unchanged re-import ({N})", "value": N / t_again,
         "unit": "items/s", "reference": "first import", "ref_value": N / t_batched,
         "ratio": t_batched / t_again},
        {"measure": f"unchanged BPK card: sightings touched, nothing fetched ({N})",
         "value": N / t_touch, "unit": "items/s", "reference": "first import",
         "ref_value": N / t_batched, "ratio": t_batched / t_touch},
    ]
