"""Load: 50 concurrent clients for up to 60 s against the production server (``pantau serve``:
gunicorn, ``BENCH_LOAD_WORKERS`` processes x ``BENCH_LOAD_THREADS`` threads) on loopback, mixing
search (page and API), the national map (/) and region pages, over a catalogue and index of many
synthetic documents (default 100k, env BENCH_LOAD_DOCS; BENCH_LOAD_SECONDS, BENCH_LOAD_CLIENTS).
The reference is a static file requested in the same mix, so the ratio says what the dynamic
pages cost over serving bytes on the same loaded server. Zero errors expected; the target is a
p99 under 200 ms for every dynamic page.

Each client is a user: it sends a request, reads the answer, then thinks for a random time
(exponential, mean ``BENCH_LOAD_THINK`` s, default 1.0; 0 makes every client a closed loop that
sends as fast as the server answers, which measures saturation instead of response time).
The server runs in its own processes with the rate limit off; the load generator's threads run
in this process.
"""

from __future__ import annotations

import http.client
import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
N_DOCS = int(os.environ.get("BENCH_LOAD_DOCS", "100000"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
CLIENTS = int(os.environ.get("BENCH_LOAD_CLIENTS", "50"))
THINK = float(os.environ.get("BENCH_LOAD_THINK", "1.0"))
WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "0"))  # 0: gunicorn's 2 x CPUs + 1 (at most 8)
THREADS = int(os.environ.get("BENCH_LOAD_THREADS", "4"))
WORDS = ["pekerja rentan", "jaminan sosial", "iuran", "bpjs ketenagakerjaan", "stunting", "retribusi",
         "perangkat desa", '"jaminan kematian"', "perbup 30 2024", "sampah -retribusi", "desa wisata"]


def seed(data_dir: Path, n: int) -> dict:
    """A catalogue of ``n`` synthetic regulations (documents, adoption index) and their search
    index; returns timings and the region codes that have documents."""
    from sqlalchemy import insert

    from indices import adoption
    from katalog.db import Catalogue
    from katalog.models import Document, utcnow
    from indices.search import open_index
    from pantau.settings import load_settings
    from tests.indices.search import synthetic
    settings = load_settings(data_dir=str(data_dir), config_file=str(data_dir / "none.toml"))
    cat = Catalogue(settings)
    cat.init()
    t0 = time.perf_counter()
    docs = synthetic.corpus(n, seed=11, size=600)
    now = utcnow()
    with cat.session() as s:
        for i in range(0, n, 5000):
            s.execute(insert(Document), [
                {"reg_key": d.reg_key, "kind": d.kind, "evidence_grade": "dokumen", "jenis": d.jenis,
                 "jenis_code": d.jenis_code, "nomor": d.nomor, "tahun": d.tahun,
                 "region_code": d.region_code, "tentang": d.tentang, "judul": d.judul,
                 "status": d.status, "text_status": "ok", "created_at": now, "updated_at": now}
                for d in docs[i:i + 5000]])
    adoption.compute(cat)
    catalogue_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    open_index(settings).rebuild_records(synthetic.record(d) for d in docs)
    index_s = time.perf_counter() - t0
    regions = sorted({d.region_code for d in docs})
    cat.dispose()
    return {"catalogue_s": catalogue_s, "index_s": index_s, "regions": regions}


def start_server(data_dir: Path, workers: int = WORKERS,
                 threads: int = THREADS) -> tuple[subprocess.Popen, int]:
    """``pantau serve`` (gunicorn) on a free loopback port, once it answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PANTAU_RATE_LIMIT": "off", "PANTAU_EXPORT_RATE_LIMIT": "off",
           "PANTAU_DATA_DIR": str(data_dir), "PANTAU_CONFIG": str(data_dir / "none.toml"),
           "PANTAU_WEB_THREADS": str(threads), "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "pantau_cli", "serve", "--port", str(port),
                             "--workers", str(workers)], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/static/pantau.css")
            if conn.getresponse().status == 200:
                conn.close()
                return proc, port
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"pantau serve did not start (exit {proc.poll()})")
        time.sleep(0.2)


def generate(port: int, regions: list[str], *, seconds: float, clients: int,
             seed: int = 1, think: float = 0.0) -> dict[str, list]:
    """Run ``clients`` threads for ``seconds``; returns latencies (ms) per kind and the errors."""
    from urllib.parse import quote
    kinds = {"search page": 35, "search API": 10, "map (/)": 15, "region page": 30, "static": 10}
    lat: dict[str, list[float]] = {k: [] for k in kinds}
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def url_for(kind: str, rng: random.Random) -> str:
        if kind == "search page":
            return "/cari?q=" + quote(rng.choice(WORDS)) + ("&page=2" if rng.random() < 0.2 else "")
        if kind == "search API":
            return "/api/v1/search?q=" + quote(rng.choice(WORDS)) + "&per_page=20"
        if kind == "map (/)":
            return "/"
        if kind == "region page":
            return "/wilayah/" + rng.choice(regions)
        return "/static/pantau.css"

    def client(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        names, weights = list(kinds), list(kinds.values())
        if think > 0:  # users arrive spread over one think time, not all in the same millisecond
            time.sleep(rng.uniform(0, think))
        while time.monotonic() < deadline:
            kind = rng.choices(names, weights)[0]
            url = url_for(kind, rng)
            t0 = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", url)
                resp = conn.getresponse()
                resp.read()
                conn.close()
                ok = resp.status == 200
                why = f"{resp.status} {url}"
            except (OSError, http.client.HTTPException) as exc:
                ok, why = False, f"{type(exc).__name__} {url}"
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                if ok:
                    lat[kind].append(ms)
                else:
                    errors.append(why)
            if think > 0:
                time.sleep(min(rng.expovariate(1.0 / think), max(0.0, deadline - time.monotonic())))

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    return {"latencies": lat, "errors": errors}


def _get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")


def load(work: Path, *, docs: int, seconds: float, clients: int, think: float = 0.0,
         workers: int = WORKERS) -> dict:
    """Seed, serve, load; returns the raw outcome (used by the bench and by its bounded test)."""
    work.mkdir(parents=True, exist_ok=True)
    data = work / "var"
    seeded = seed(data, docs)
    proc, port = start_server(data, workers)
    try:
        # warm up: each worker renders the national view once (~1 s at 100k documents, then
        # cached until the catalogue changes), and every page kind is asked a few times
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(lambda _: _get(port, "/"), range(32)))
        generate(port, seeded["regions"], seconds=min(5.0, seconds), clients=8)
        out = generate(port, seeded["regions"], seconds=seconds, clients=clients, think=think)
    finally:
        proc.terminate()
        proc.wait(30)
    return {**seeded, **out, "seconds": seconds, "clients": clients, "docs": docs, "think": think}


def run(work: Path) -> list[dict]:
    res = load(work, docs=N_DOCS, seconds=SECONDS, clients=CLIENTS, think=THINK)
    lat, ref = res["latencies"], res["latencies"]["static"]
    total = sum(len(v) for v in lat.values())
    tag = f"{res['clients']} clients, think {res['think']:g} s, {res['docs']} docs, gunicorn"
    rows = [{"measure": f"load: requests/s ({tag})", "value": total / res["seconds"], "unit": "req/s"},
            {"measure": f"load: errors ({tag})", "value": len(res["errors"]), "unit": "responses",
             "reference": "expected", "ref_value": 0}]
    everything = [x for k, v in lat.items() if k != "static" for x in v]
    for name, values in [("all dynamic pages", everything)] + [(k, v) for k, v in lat.items() if k != "static"]:
        for q, label in ((0.5, "p50"), (0.99, "p99")):
            rows.append({"measure": f"load: {name} {label} ({tag})", "value": _p(values, q), "unit": "ms",
                         "reference": f"static file {label}, same load", "ref_value": _p(ref, q),
                         "ratio": _p(values, q) / _p(ref, q)})
    rows.append({"measure": f"load: seeding {res['docs']} documents (catalogue + adoption)",
                 "value": res["catalogue_s"], "unit": "s"})
    rows.append({"measure": f"load: indexing {res['docs']} documents (embedded)", "value": res["index_s"],
                 "unit": "s"})
    return rows


if __name__ == "__main__":
    for row in run(REPO / "bench" / ".work" / "load"):
        print(row)
