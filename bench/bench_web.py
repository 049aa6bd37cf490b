"""Page and API latency of the web app with 552 regions and many documents (default 100k, env
BENCH_WEB_DOCS), served in-process; the reference is a static file served by the same app in the
same run. Targets: national view p99 < 200 ms, API pages p99 < 100 ms. Also the views of issue 16
(province page with its roll-up and zoomed map, national view grouped by province, the 98 cities,
the journalists' list, a comparison) and the national view rendered afresh (its cache emptied
before every request: what the first reader after a catalogue change waits)."""

from __future__ import annotations

import os
import random
import statistics
import time
from pathlib import Path

N_DOCS = int(os.environ.get("BENCH_WEB_DOCS", "100000"))
ROUNDS = int(os.environ.get("BENCH_WEB_ROUNDS", "60"))


def _seed(cat) -> None:
    from sqlalchemy import insert, select

    from indices import adoption
    from katalog.models import Document, Region, Source, SourceRun, utcnow
    rng = random.Random(7)
    with cat.session() as s:
        kabkota = [k for (k,) in s.execute(select(Region.kode).where(Region.kind != "provinsi"))]
        src = Source(name="bench", kind="jdihn_feed", url="http://127.0.0.1/", config={"regions": kabkota[:300]})
        s.add(src)
        s.flush()
        s.add(SourceRun(source_id=src.id, status="finished", finished_at=utcnow()))
        now = utcnow()
        rows = []
        for i in range(N_DOCS):
            region = rng.choice(kabkota)
            tahun = rng.randint(2010, 2026)
            rows.append({"reg_key": f"perbup/{region}/{tahun}/{i}", "kind": "regulation",
                         "evidence_grade": "dokumen", "jenis": "Peraturan Bupati", "jenis_code": "perbup",
                         "nomor": str(i), "tahun": tahun, "region_code": region,
                         "tentang": f"Pengaturan nomor {i}", "text_status": "ok",
                         "created_at": now, "updated_at": now})
            if len(rows) == 5000:
                s.execute(insert(Document), rows)
                rows = []
        if rows:
            s.execute(insert(Document), rows)
    adoption.compute(cat)


def _latencies(client, urls: list[str], rounds: int = ROUNDS) -> list[float]:
    out = []
    for _ in range(rounds):
        for url in urls:
            t0 = time.perf_counter()
            r = client.get(url)
            out.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, (url, r.status_code)
    return out


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def run(work: Path) -> list[dict]:
    from katalog.db import Catalogue
    from pantau.settings import load_settings
    from webapp import create_app
    work.mkdir(parents=True, exist_ok=True)
    # the page's cost, not the rate limiter's answer: one client sends hundreds of requests
    settings = load_settings(data_dir=str(work / "var"), config_file=str(work / "none.toml"),
                             rate_limit="off", export_rate_limit="off")
    cat = Catalogue(settings)
    cat.init()
    t0 = time.perf_counter()
    _seed(cat)
    seed_s = time.perf_counter() - t0
    client = create_app(settings).test_client()
    client.get("/")  # warm: map geometry, templates
    ref = _latencies(client, ["/static/pantau.css"])
    national = _latencies(client, ["/", "/?indikator=pekerja_rentan_apbd&kind=kota"])
    api = _latencies(client, ["/api/v1/regions?per_page=100", "/api/v1/regions/33.25",
                              "/api/v1/documents?region=33.25", "/api/v1/statuses?indicator=inpres_2_2021&status=ada",
                              "/api/v1/documents?page=50&per_page=50"])
    region_page = _latencies(client, ["/wilayah/33.25", "/wilayah/11.01"])
    views = _latencies(client, ["/wilayah/33", "/?kelompok=provinsi", "/?provinsi=33", "/kota",
                                "/siapa?indikator=inpres_2_2021", "/banding?w=33.25&w=33.74&w=11.01"])
    from webapp import pages
    uncached = []
    for _ in range(max(5, ROUNDS // 6)):
        pages._NATIONAL_CACHE.clear()
        uncached += _latencies(client, ["/"], rounds=1)
    ref50 = statistics.median(ref)
    rows = []
    for name, lat in (("national view (/)", national), ("API pages", api), ("region page", region_page),
                      ("issue-16 views (province, grouped, kota, siapa, banding)", views),
                      ("national view, cache emptied before each request", uncached)):
        rows.append({"measure": f"{name} p50 ({N_DOCS} docs)", "value": statistics.median(lat), "unit": "ms",
                     "reference": "static file p50", "ref_value": ref50, "ratio": statistics.median(lat) / ref50})
        rows.append({"measure": f"{name} p99 ({N_DOCS} docs)", "value": _p(lat, 0.99), "unit": "ms",
                     "reference": "static file p99", "ref_value": _p(ref, 0.99), "ratio": _p(lat, 0.99) / _p(ref, 0.99)})
    rows.append({"measure": f"seeding {N_DOCS} documents + adoption index", "value": seed_s, "unit": "s"})
    cat.dispose()
    return rows
