"""Extraction scale-out: files read per second by 1 and by 2 concurrent ``pantau extract``
processes against one PostgreSQL catalogue (a throwaway server, tests/support/postgres.py), on
the same stored files: ``BENCH_WORKERS_FILES`` (default 60) distinct PDFs with a text layer,
each a synthetic regulation of ~8,000 characters over 2-3 pages, stored as the crawler stores
them (attached to their documents, not read yet). One worker is the reference; the ratio is the
speed-up.

Two rates per run: wall time from start to the last process's exit (each process's start-up,
imports and the spaCy pipeline, included, as in a deployment), and the steady rate between the
first and the last file committed. The CPU cores the run kept busy are reported too: one worker
already reads a PDF's pages in up to two forked processes, so on a 2-CPU machine a second worker
finds little idle CPU; workers gain where there are CPUs to spare (other containers or hosts on
the same catalogue).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import time
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FILES = int(os.environ.get("BENCH_WORKERS_FILES", "60"))


def store_pdfs(cat, n: int) -> int:
    """``n`` distinct synthetic regulations as PDFs, stored and attached like a crawl's files."""
    from katalog import importer
    from katalog.blobs import BlobStore
    from tests.indices.search import synthetic
    from tests.nlp.pdfmaker import PageSpec, make_pdf

    store = BlobStore(cat.settings.blob_dir)
    with cat.session() as s:
        for doc in synthetic.corpus(n, seed=5, size=8000):
            text = doc.text.encode("cp1252", "replace").decode("cp1252")
            lines = [w for para in text.split("\n") for w in textwrap.wrap(para, 95) or [""]]
            pages = []
            for start in range(0, len(lines), 60):
                page = PageSpec()
                for i, line in enumerate(lines[start:start + 60]):
                    page.text(50, 50 + i * 12.5, line, size=9)
                pages.append(page)
            data = make_pdf(pages)
            sha, _ = store.put(data)
            up = importer.upsert_document(s, doc.reg_key, {
                "jenis": doc.jenis, "jenis_code": doc.jenis_code, "nomor": doc.nomor,
                "tahun": doc.tahun, "region_code": doc.region_code}, origin="feed")
            f, _ = importer.upsert_file(s, sha, media_type="application/pdf", size=len(data),
                                        filename=f"{doc.jenis_code}-{doc.nomor}-{doc.tahun}.pdf")
            importer.attach_file(s, f, up.document)
    return n


def _children_cpu() -> float:
    """CPU seconds used by this process's finished children (and theirs: page readers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _extract(url: str, data: Path, workers: int) -> dict:
    """Run ``workers`` concurrent `pantau extract -v` until the queue is empty."""
    env = {**os.environ, "PANTAU_DATA_DIR": str(data), "PANTAU_CONFIG": str(data / "none.toml"),
           "PANTAU_DATABASE_URL": url}
    done: list[float] = []  # when each file's line came: it is printed after its commit
    t0, cpu0 = time.perf_counter(), _children_cpu()
    procs = [subprocess.Popen([sys.executable, "-m", "pantau_cli", "extract", "-v"], cwd=REPO,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
             for _ in range(workers)]

    def read(proc) -> None:
        for line in proc.stdout:
            if line.startswith("sha256:"):
                done.append(time.perf_counter())

    readers = [threading.Thread(target=read, args=(p,)) for p in procs]
    for t in readers:
        t.start()
    for p in procs:
        p.wait(timeout=1800)
    for t in readers:
        t.join()
    seconds = time.perf_counter() - t0
    if any(p.returncode for p in procs):
        raise RuntimeError(f"pantau extract failed: {[p.returncode for p in procs]}")
    done.sort()
    return {"seconds": seconds, "read": len(done), "cores": (_children_cpu() - cpu0) / seconds,
            "steady": (len(done) - 1) / (done[-1] - done[0]) if len(done) > 1 else float("nan")}


def run(work: Path) -> list[dict]:
    from katalog.db import Catalogue
    from pantau.settings import load_settings
    from tests.support.postgres import fresh_database, running_postgres

    rows, ref = [], {}
    with running_postgres(work / "pg") as server:
        for workers in (1, 2):
            url = fresh_database(server, f"bench_workers_{workers}")
            data = work / f"var{workers}"
            cat = Catalogue(load_settings(data_dir=str(data), database_url=url,
                                          config_file=str(data / "none.toml")))
            cat.init()
            files = store_pdfs(cat, FILES)
            cat.dispose()
            res = _extract(url, data, workers)
            if res["read"] != files:
                raise RuntimeError(f"{workers} workers read {res['read']} of {files} files")
            tag = f"{workers} worker(s), {files} PDFs, PostgreSQL, {os.cpu_count()} CPUs"
            for key, label in (("wall", "files/s, start-up included"),
                               ("steady", "files/s between first and last file")):
                value = files / res["seconds"] if key == "wall" else res["steady"]
                ref.setdefault(key, value)
                rows.append({"measure": f"extract: {label} ({tag})", "value": value,
                             "unit": "files/s",
                             **({"reference": "1 worker, same files", "ref_value": ref[key],
                                 "ratio": value / ref[key]} if workers > 1 else {})})
            rows.append({"measure": f"extract: CPU cores busy on average ({tag})",
                         "value": res["cores"], "unit": "cores"})
    return rows


if __name__ == "__main__":
    import shutil
    shutil.rmtree(REPO / "bench" / ".work" / "workers", ignore_errors=True)
    for row in run(REPO / "bench" / ".work" / "workers"):
        print(row)
