"""Catalogue upserts: documents + sightings through the natural-key importer (SQLite), against a bare
``executemany`` insert of the same rows into a plain SQLite table in the same run."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

N = 2000


def run(work: Path) -> list[dict]:
    from katalog import importer
    from katalog.db import Catalogue
    from pantau.settings import load_settings
    work.mkdir(parents=True, exist_ok=True)
    cat = Catalogue(load_settings(data_dir=str(work / "var"), config_file=str(work / "none.toml")))
    cat.init()
    rows = [(f"perbup/33.25/{2000 + i % 25}/{i}", "Peraturan Bupati", "perbup", str(i), 2000 + i % 25,
             "33.25", f"Tentang hal nomor {i}") for i in range(N)]
    t0 = time.perf_counter()
    with cat.session() as s:
        src = importer.get_or_create_source(s, "bench", "jdihn_feed")
        run_ = importer.start_run(s, src)
        for key, jenis, code, nomor, tahun, region, tentang in rows:
            doc = importer.upsert_document(s, key, {"jenis": jenis, "jenis_code": code, "nomor": nomor,
                                                    "tahun": tahun, "region_code": region,
                                                    "tentang": tentang}, origin="feed").document
            importer.add_sighting(s, doc, f"http://127.0.0.1/d/{nomor}", source=src, run=run_)
    t_first = time.perf_counter() - t0
    t0 = time.perf_counter()
    with cat.session() as s:  # the re-run: everything is unchanged
        src = importer.get_or_create_source(s, "bench", "jdihn_feed")
        for key, jenis, code, nomor, tahun, region, tentang in rows:
            importer.upsert_document(s, key, {"jenis": jenis, "nomor": nomor}, origin="feed")
    t_rerun = time.perf_counter() - t0
    raw = sqlite3.connect(work / "raw.db")
    raw.execute("CREATE TABLE d(reg_key TEXT UNIQUE, jenis, code, nomor, tahun, region, tentang)")
    t0 = time.perf_counter()
    raw.executemany("INSERT INTO d VALUES (?,?,?,?,?,?,?)", rows)
    raw.execute("CREATE TABLE s(doc TEXT, url TEXT, UNIQUE(doc, url))")
    raw.executemany("INSERT INTO s VALUES (?,?)", [(r[0], f"http://127.0.0.1/d/{r[3]}") for r in rows])
    raw.commit()
    t_raw = time.perf_counter() - t0
    cat.dispose()
    return [
        {"measure": f"document+sighting upserts/s ({N}, new)", "value": N / t_first, "unit": "docs/s",
         "reference": "bare sqlite executemany", "ref_value": N / t_raw, "ratio": t_raw / t_first},
        {"measure": f"document upserts/s ({N}, unchanged re-run)", "value": N / t_rerun, "unit": "docs/s",
         "reference": "first run", "ref_value": N / t_first, "ratio": t_first / t_rerun},
    ]
