"""Ingest throughput: ``pantau ingest`` (store + text + metadata + catalogue) on the real text-layer PDFs,
against bare pdfplumber ``extract_text()`` and bare pypdfium2 on the same files, in the same run."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pdfplumber
import pypdfium2

REAL = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "real"
TEXT_LAYER = ["sosial-perbup-30-2024.pdf", "sosial-perda-2-2023.pdf",
              "sosial-abstrak-perbup-20-2025.pdf", "sosial-abstrak-perda-2-2023.pdf"]
REPEAT = 5


def _pages(paths) -> int:
    return sum(len(pypdfium2.PdfDocument(str(p))) for p in paths)


def _plumber(paths) -> None:
    for p in paths:
        with pdfplumber.open(p) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()


def _pdfium(paths) -> None:
    for p in paths:
        doc = pypdfium2.PdfDocument(str(p))
        for i in range(len(doc)):
            doc[i].get_textpage().get_text_bounded()
        doc.close()


def _ingest_fresh(work: Path, paths, n: int) -> None:
    from katalog.db import Catalogue
    from katalog.ingest import ingest_paths
    from pantau.settings import load_settings
    cat = Catalogue(load_settings(data_dir=str(work / f"var{n}"), config_file=str(work / "none.toml")))
    cat.init()
    t0 = time.perf_counter()
    summary = ingest_paths(cat, list(paths))
    _ingest_fresh.elapsed = time.perf_counter() - t0
    assert summary.count("failed") == 0, summary.line()
    cat.dispose()


def _median(fn, *args) -> float:
    times = []
    for i in range(REPEAT):
        t0 = time.perf_counter()
        fn(*args, i) if fn is _ingest_fresh else fn(*args)
        times.append(getattr(fn, "elapsed", None) or (time.perf_counter() - t0))
    return statistics.median(times)


def run(work: Path) -> list[dict]:
    work.mkdir(parents=True, exist_ok=True)
    paths = [REAL / n for n in TEXT_LAYER]
    pages = _pages(paths)
    _plumber(paths)  # warm-up: imports and file cache
    t_plumber = _median(_plumber, paths)
    t_pdfium = _median(_pdfium, paths)
    t_ingest = _median(_ingest_fresh, work, paths)
    return [
        {"measure": f"ingest pages/s ({pages} pages, {len(paths)} PDFs, fresh catalogue)",
         "value": pages / t_ingest, "unit": "pages/s", "reference": "pdfplumber extract_text",
         "ref_value": pages / t_plumber, "ratio": t_plumber / t_ingest},
        {"measure": "pypdfium2 pages/s (fastest library, same PDFs)", "value": pages / t_pdfium,
         "unit": "pages/s", "reference": "pantau ingest", "ref_value": pages / t_ingest,
         "ratio": t_ingest / t_pdfium},
    ]
