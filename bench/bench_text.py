"""Text extraction speed: ``nlp.text.extract_text`` against bare pdfplumber ``extract_text()`` and bare
pypdfium2 ``get_text_bounded()`` on the same PDFs in the same run, and OCR seconds per page against
bare ``tesseract`` on the same page images.

Inputs: the real text-layer PDFs, a 180-page regulation-like PDF made by concatenating them (pypdf),
and the same with 8 ruled-table pages added (the pdfplumber path); for OCR the 3 scanned pages of
Perbup Batang 20/2025 and a noisy scan of the 9 pages of Perbup Batang 30/2024 (tests/nlp/noisy.py),
with and without the check of which way up each page lies.
"""

from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pdfplumber
import pypdf
import pypdfium2

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "fixtures" / "real"
TEXT_LAYER = ["sosial-perbup-30-2024.pdf", "sosial-perda-2-2023.pdf",
              "sosial-abstrak-perbup-20-2025.pdf", "sosial-abstrak-perda-2-2023.pdf"]
SCAN = "sosial-perbup-20-2025.pdf"
REPEAT = 3
OCR_ROUNDS = 5


def _concat(parts: list[bytes], pages: int) -> bytes:
    writer = pypdf.PdfWriter()
    while len(writer.pages) < pages:
        for data in parts:
            for page in pypdf.PdfReader(io.BytesIO(data)).pages:
                if len(writer.pages) < pages:
                    writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _table_pages(n: int) -> bytes:
    sys.path.insert(0, str(ROOT))
    from tests.nlp.pdfmaker import PageSpec, make_pdf

    pages = []
    for k in range(n):
        p = PageSpec()
        p.text(200, 50, f"LAMPIRAN {k + 1}", 12)
        xs = [50, 80, 260, 330, 400, 470, 545]
        tops = [80 + 24 * i for i in range(29)]
        p.grid(xs, tops)
        for r in range(28):
            cells = [str(r + 1), f"Indikator kinerja nomor {r + 1}", "persen",
                     f"{r},5", f"{r + 1},0", f"{r + 2},5"]
            for c, cell in enumerate(cells):
                p.text(xs[c] + 3, tops[r] + 7, cell, 9)
        pages.append(p)
    return make_pdf(pages)


def _plumber(data: bytes) -> None:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()


def _pdfium(data: bytes) -> None:
    doc = pypdfium2.PdfDocument(data)
    for i in range(len(doc)):
        page = doc[i]
        tp = page.get_textpage()
        tp.get_text_bounded()
        tp.close()
        page.close()
    doc.close()


def _ours(data: bytes, **kw) -> None:
    from nlp.text import extract_text

    extract_text(data, **kw)


def _best(fn, *args, repeat: int = REPEAT, **kw) -> float:
    """Median wall time of ``repeat`` runs after one warm-up."""
    fn(*args, **kw)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(*args, **kw)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _pages(data: bytes) -> int:
    return len(pypdfium2.PdfDocument(data))


def _speed_rows(label: str, data: bytes, plumber_repeat: int = REPEAT) -> list[dict]:
    n = _pages(data)
    t_ours = _best(_ours, data)
    t_one = _best(_ours, data, workers=1)
    t_pdfium = _best(_pdfium, data)
    t_plumber = _best(_plumber, data, repeat=plumber_repeat)
    return [
        {"measure": f"extract_text pages/s, {label} ({n} p)", "value": n / t_ours,
         "unit": "pages/s", "reference": "pdfplumber extract_text", "ref_value": n / t_plumber,
         "ratio": t_plumber / t_ours},
        {"measure": f"extract_text pages/s, {label} ({n} p)", "value": n / t_ours,
         "unit": "pages/s", "reference": "pypdfium2 get_text_bounded", "ref_value": n / t_pdfium,
         "ratio": t_pdfium / t_ours},
        {"measure": f"extract_text workers=1 pages/s, {label} ({n} p)", "value": n / t_one,
         "unit": "pages/s", "reference": "extract_text default workers", "ref_value": n / t_ours,
         "ratio": t_ours / t_one},
    ]


def _ocr_inputs() -> list[bytes]:
    """Image-only PDFs: the 3 pages of the scanned Perbup Batang 20/2025 and the 9 pages of
    Perbup Batang 30/2024 as a poor scan (200 dpi, a tilt, stamp, signature, JPEG)."""
    sys.path.insert(0, str(ROOT))
    from tests.nlp.noisy import noisy_scan

    return [(REAL / SCAN).read_bytes(),
            noisy_scan((REAL / "sosial-perbup-30-2024.pdf").read_bytes(), dpi=200, seed=7)]


def _ocr_rows(work: Path) -> list[dict]:
    """OCR through ``extract_text`` (render, orientation check, tesseract, parse, normalisation,
    cleaning) against bare ``tesseract`` on the same page images (rendered once, as PGM files,
    read with the same page segmentation mode), both two pages at once and one document after
    the other, no cache; bare tesseract is also timed with all pages in one pool (no core idle
    at a document's end), the stricter reference. The four are run in turns (bare, ours, ours
    without the orientation check, bare pooled) ``OCR_ROUNDS`` times; each ratio is the median
    of the rounds' ratios, so a busy machine slows both sides of a round."""
    from nlp.text import extract_text, ocr

    if ocr.tesseract_problem("ind"):
        return [{"measure": f"OCR skipped: {ocr.tesseract_problem('ind')}", "value": 0,
                 "unit": "", "reference": None, "ref_value": None, "ratio": None}]
    inputs = _ocr_inputs()
    groups: list[list[Path]] = []  # the page images of each document
    for k, data in enumerate(inputs):
        doc = pypdfium2.PdfDocument(data)
        groups.append([])
        for i in range(len(doc)):
            image, _ = ocr.render_page(doc[i], 300)
            path = work / f"doc{k}-page{i + 1}.pgm"
            path.write_bytes(image)
            groups[-1].append(path)
    images = [path for group in groups for path in group]
    n = len(images)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def bare(path: Path) -> None:
        subprocess.run(["tesseract", str(path), "stdout", "-l", "ind", "--psm",
                        str(ocr.DEFAULT_PSM), "--dpi", "300", "tsv"],
                       capture_output=True, check=True, env=env)

    def bare_parallel() -> None:
        # document by document, as extract_text reads them: each ends with one core idle
        for group in groups:
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(bare, group))

    def bare_pooled() -> None:
        # every page of every document in one pool: the stricter reference (no idle core
        # between documents), reported beside the same-scheduling one
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(bare, images))

    def ours(orient: bool) -> None:
        for data in inputs:
            extract_text(data, ocr=True, ocr_orient=orient)

    def timed(fn, *args) -> float:
        t0 = time.perf_counter()
        fn(*args)
        return time.perf_counter() - t0

    ours(True)  # warm-up: imports, page cache
    rounds = []
    for _ in range(OCR_ROUNDS):
        rounds.append((timed(bare_parallel), timed(ours, True), timed(ours, False),
                       timed(bare_pooled)))
    t_bare = statistics.median(r[0] for r in rounds)
    t_ours = statistics.median(r[1] for r in rounds)
    t_plain = statistics.median(r[2] for r in rounds)
    t_pooled = statistics.median(r[3] for r in rounds)
    ratio = statistics.median(r[1] / r[0] for r in rounds)
    ratio_plain = statistics.median(r[2] / r[0] for r in rounds)
    ratio_pooled = statistics.median(r[1] / r[3] for r in rounds)
    with tempfile.TemporaryDirectory(dir=work) as cache:
        for data in inputs:
            extract_text(data, ocr=True, cache_dir=cache)
        t_cached = timed(lambda: [extract_text(d, ocr=True, cache_dir=cache) for d in inputs])
    from PIL import Image

    from nlp.text.orient import detect

    pages = [Image.open(path) for path in images[:4]]
    t_detect = timed(lambda: [detect(p) for p in pages]) / len(pages)
    t_serial = timed(lambda: [bare(p) for p in images[:4]]) / 4
    return [
        {"measure": f"OCR s/page, with rotation detection ({n} pages, 2 tesseract at once, "
                    f"no cache, median of {OCR_ROUNDS} paired rounds)", "value": t_ours / n,
         "unit": "s/page", "reference": "bare tesseract, same images and psm, 2 at once, "
                                        "document by document",
         "ref_value": t_bare / n, "ratio": ratio},
        {"measure": f"OCR s/page, with rotation detection ({n} pages)", "value": t_ours / n,
         "unit": "s/page", "reference": "bare tesseract, same images and psm, 2 at once, "
                                        "all pages in one pool",
         "ref_value": t_pooled / n, "ratio": ratio_pooled},
        {"measure": f"OCR s/page, without rotation detection ({n} pages)", "value": t_plain / n,
         "unit": "s/page", "reference": "bare tesseract, same images and psm, 2 at once",
         "ref_value": t_bare / n, "ratio": ratio_plain},
        {"measure": "rotation and tilt detection alone, s/page", "value": t_detect,
         "unit": "s/page", "reference": "bare tesseract, one page", "ref_value": t_serial,
         "ratio": t_detect / t_serial},
        {"measure": "OCR s/page, second run (cache hits)", "value": t_cached / n,
         "unit": "s/page", "reference": "first run", "ref_value": t_ours / n,
         "ratio": t_cached / t_ours},
    ]


def run(work: Path) -> list[dict]:
    work.mkdir(parents=True, exist_ok=True)
    real = [(REAL / n).read_bytes() for n in TEXT_LAYER]
    big = _concat(real, 180)
    tables = _table_pages(8)
    mixed = _concat([big, tables], 188)
    rows = []
    t_real = {"ours": 0.0, "pdfium": 0.0, "plumber": 0.0}
    pages = 0
    for data in real:
        pages += _pages(data)
        t_real["ours"] += _best(_ours, data)
        t_real["pdfium"] += _best(_pdfium, data)
        t_real["plumber"] += _best(_plumber, data)
    rows.append({"measure": f"extract_text pages/s, 4 real PDFs ({pages} p)",
                 "value": pages / t_real["ours"], "unit": "pages/s",
                 "reference": "pdfplumber extract_text", "ref_value": pages / t_real["plumber"],
                 "ratio": t_real["plumber"] / t_real["ours"]})
    rows.append({"measure": f"extract_text pages/s, 4 real PDFs ({pages} p)",
                 "value": pages / t_real["ours"], "unit": "pages/s",
                 "reference": "pypdfium2 get_text_bounded", "ref_value": pages / t_real["pdfium"],
                 "ratio": t_real["pdfium"] / t_real["ours"]})
    rows += _speed_rows("real pages concatenated", big, plumber_repeat=1)
    rows += _speed_rows("same + 8 ruled-table pages", mixed, plumber_repeat=1)
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        rows += _ocr_rows(Path(tmp))
    return rows
