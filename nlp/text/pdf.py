"""Read a PDF into pages: open it, read the text layer (PDFium, or pdfminer for broken files), decide
which pages need OCR and run tesseract on them, repair OCR misreadings on those pages only
(:mod:`nlp.text.normalise`, recorded per page), clean across pages, and say what is unreliable."""

from __future__ import annotations

import logging
import os
from collections import Counter
import subprocess
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from . import ocr as ocr_mod
from . import pdf_fast
from .cleanup import attach_labels, clean_lines, join_lines, repair_hyphenation_lines, running_lines
from .model import ExtractedText, Line, Page, TextExtractionError
from .normalise import normalise_lines
from .pdf_fast import X_TOLERANCE_RATIO, PdfPageText, describe
from .quality import quality_of
from .sniff import PDF

log = logging.getLogger(__name__)

# Fewer non-space characters than this on a PDF page means there is no real text layer
# (a scan, or only a stray page number): the page needs OCR.
MIN_TEXT_CHARS = 20
# A text layer scoring below this is garbage (broken font encoding, symbol fonts): OCR it.
GARBAGE_QUALITY = 0.5
# A page mostly covered by images and holding less text than this is a scan with a stamp or a
# page number in its text layer: OCR it.
IMAGE_PAGE_COVER, IMAGE_PAGE_MAX_CHARS = 0.5, 200
# OCR pages below this mean word confidence make the document unreliable.
LOW_OCR_CONFIDENCE = 0.7

# Test hook: called with each page number before the page is read (in whichever process).
_PAGE_HOOK = None


def _workers(workers: int | None) -> int:
    if workers is not None:
        return max(1, workers)
    return max(1, min(2, os.cpu_count() or 1))


def read_pdf(data: bytes, *, max_pages: int, timeout: float | None, ocr: bool,
             ocr_lang: str, ocr_dpi: int, cache_dir, workers: int | None, tables: bool,
             ocr_orient: bool = True,
             engine: str) -> ExtractedText:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    started = time.monotonic()
    deadline = started + timeout if timeout is not None else None
    n_workers = _workers(workers)
    warnings: list[str] = []
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise TextExtractionError(
                "encrypted", "PDF is encrypted with a password; text cannot be read") from exc
        # PDFium gave up on the structure; pdfminer rebuilds more leniently and may salvage
        # pages (without positions, and without OCR: nothing can render them).
        doc = None
        engine = "pdfplumber"
        warnings.append(f"PDFium cannot open the file ({exc}); read with pdfminer instead")

    try:
        if doc is not None:
            count = len(doc)
            if count > max_pages:
                raise TextExtractionError(
                    "too_many_pages", f"PDF has {count} pages, over the limit of {max_pages}")
            if count == 0:
                raise TextExtractionError("corrupt", "PDF has no pages")
        if engine == "pdfplumber":
            raw, errors = _read_with_pdfplumber(data, max_pages=max_pages, deadline=deadline)
            parallel = 1
        else:
            numbers = list(range(1, count + 1))
            parallel = n_workers if (n_workers > 1 and count >= pdf_fast.PARALLEL_MIN_PAGES
                                     and pdf_fast.can_fork() and _PAGE_HOOK is None) else 1
            if parallel > 1:
                raw, errors = pdf_fast.read_pages_parallel(data, numbers, parallel,
                                                           deadline=deadline, tables=tables)
            else:
                raw, errors = pdf_fast.read_pages(data, numbers, deadline=deadline,
                                                  tables=tables, page_hook=_PAGE_HOOK)
        if not raw:
            if errors:
                first = min(errors)
                raise TextExtractionError(
                    "corrupt", f"no page of the PDF could be read (page {first}: {errors[first]})")
            raise TextExtractionError("corrupt", "PDF has no pages")
        _check_deadline(deadline, "after reading the text layer")
        if b"%%EOF" not in data[-2048:]:
            # The parser then rebuilds the document from the objects it finds, and for a file
            # saved with incremental updates those can be an earlier revision: a truncated copy
            # of Perbup Batang 30/2024 reads "NOMOR 33" where the final file says "NOMOR 30".
            warnings.append("PDF looks truncated (no %%EOF at the end): pages may be missing "
                            "or come from an earlier revision of the file")
        return _finish_pdf(doc, raw, errors, warnings, started=started, deadline=deadline,
                           ocr=ocr, ocr_lang=ocr_lang, ocr_dpi=ocr_dpi, ocr_orient=ocr_orient,
                           cache_dir=cache_dir,
                           workers=n_workers, parallel=parallel)
    finally:
        if doc is not None:
            doc.close()


def _check_deadline(deadline: float | None, where: str) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise TextExtractionError("timeout", f"time limit reached {where}")


def _read_with_pdfplumber(data: bytes, *, max_pages: int,
                          deadline: float | None) -> tuple[list[PdfPageText], dict[int, str]]:
    """Every page through pdfplumber: lines without boxes. Slow; the fallback engine."""
    import io

    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError
    from pdfminer.pdftypes import resolve1
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data), raise_unicode_errors=False)
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFEncryptionError):
            raise TextExtractionError(
                "encrypted", "PDF is encrypted with a password; text cannot be read") from exc
        raise TextExtractionError("corrupt", f"PDF cannot be parsed: {describe(cause)}") from exc
    except Exception as exc:  # pdfminer raises bare errors on some malformed files
        raise TextExtractionError("corrupt", f"PDF cannot be parsed: {describe(exc)}") from exc

    pages: list[PdfPageText] = []
    errors: dict[int, str] = {}
    try:
        # Refuse huge documents before parsing any page; /Count may be wrong, so re-check below.
        try:
            declared = resolve1(resolve1(pdf.doc.catalog.get("Pages")).get("Count"))
        except Exception:
            declared = None
        if isinstance(declared, int) and declared > max_pages:
            raise TextExtractionError(
                "too_many_pages", f"PDF has {declared} pages, over the limit of {max_pages}")
        for number, page, error in pdf_fast.iter_plumber_pages(pdf):
            if number > max_pages:
                raise TextExtractionError("too_many_pages", f"PDF has more than {max_pages} pages")
            _check_deadline(deadline, f"at page {number}")
            if error is not None:
                errors[number] = error
                continue
            try:
                if _PAGE_HOOK is not None:
                    _PAGE_HOOK(number)
                text = page.extract_text(x_tolerance_ratio=X_TOLERANCE_RATIO) or ""
                size = (float(page.width), float(page.height))
            except Exception as exc:  # one unreadable page must not cost the others
                log.warning("page %d: text extraction failed: %s", number, describe(exc))
                errors[number] = f"text extraction failed: {describe(exc)}"
                continue
            finally:
                page.close()  # pdfplumber keeps every parsed object of a page until closed
            lines = [Line(t.strip()) for t in text.split("\n") if t.strip()]
            visible = sum(1 for ch in text if not ch.isspace())
            pages.append(PdfPageText(number, lines, size, visible, graphics=1))
    finally:
        # Not pdf.close(): it would walk the whole page tree again just to close pages we closed.
        pdf.flush_cache()
    return pages, errors


def _finish_pdf(doc, raw: list[PdfPageText], errors: dict[int, str], warnings: list[str], *,
                started: float, deadline: float | None, ocr: bool, ocr_lang: str, ocr_dpi: int,
                ocr_orient: bool = True,
                cache_dir, workers: int, parallel: int) -> ExtractedText:
    """Decide each page's method, OCR what needs it, clean across pages, and build the result."""
    raw = sorted(raw, key=lambda p: p.number)
    unreliable: list[str] = []
    lines_of: dict[int, list[Line]] = {}
    method: dict[int, str] = {}
    confidence: dict[int, float | None] = {}
    tables_of: dict[int, list] = {p.number: list(p.tables) for p in raw}
    to_ocr: dict[int, str] = {}  # page -> why
    # pages the OCR normalisation layer repairs (read by OCR, or an unreliable text layer kept)
    repairs: dict[int, Counter] = {}
    turned: dict[int, tuple[int, float]] = {}
    for p in raw:
        for note in p.notes:
            warnings.append(f"page {p.number}: {note}")
        lines = clean_lines(p.lines)
        visible = sum(1 for ln in lines for ch in ln.text if not ch.isspace())
        text_quality = quality_of("\n".join(ln.text for ln in lines))
        lines_of[p.number] = lines
        method[p.number] = "text"
        confidence[p.number] = None
        if visible < MIN_TEXT_CHARS:
            lines_of[p.number] = []  # a stray page number or a few glyphs on a scan are noise
            if p.graphics:  # something is drawn there: a scan, or text drawn as outlines
                method[p.number] = "none"
                to_ocr[p.number] = "no text layer"
        elif text_quality < GARBAGE_QUALITY:
            to_ocr[p.number] = f"garbled text layer (quality {text_quality:.2f})"
        elif p.image_cover >= IMAGE_PAGE_COVER and visible < IMAGE_PAGE_MAX_CHARS:
            to_ocr[p.number] = "image page with little text"

    stats = {"pages": len(raw), "workers": parallel,
             "table_pages": sum(1 for p in raw if p.tables), "ocr_pages": 0,
             "ocr_cache_hits": 0, "ocr_seconds": 0.0}
    if to_ocr:
        problem = None
        if not ocr:
            problem = "OCR is turned off"
        elif doc is None:
            problem = "the file cannot be rendered"
        else:
            problem = ocr_mod.tesseract_problem(ocr_lang)
        if problem is None:
            t0 = time.monotonic()
            results = _ocr_pages(doc, sorted(to_ocr), lang=ocr_lang, dpi=ocr_dpi, orient=ocr_orient,
                                 cache_dir=cache_dir, workers=workers, deadline=deadline)
            stats["ocr_seconds"] = round(time.monotonic() - t0, 3)
            stats["ocr_workers"] = workers
            failed = []
            for number, result in sorted(results.items()):
                if isinstance(result, str):
                    failed.append(number)
                    warnings.append(f"page {number}: OCR failed: {result}")
                    continue
                stats["ocr_pages"] += 1
                stats["ocr_cache_hits"] += int(result.cached)
                ocr_lines, fixed = normalise_lines(clean_lines(result.lines))
                ocr_quality = quality_of("\n".join(ln.text for ln in ocr_lines))
                kept = lines_of[number]
                if to_ocr[number].startswith("garbled") and \
                        quality_of("\n".join(ln.text for ln in kept)) >= ocr_quality:
                    continue  # the text layer, poor as it is, reads better than the OCR
                lines_of[number] = ocr_lines
                fixed["letter_spaced"] += result.letter_spaced
                repairs[number] = fixed
                turned[number] = (result.rotation, result.skew)
                if result.rotation:
                    warnings.append(f"page {number}: scanned turned, read after turning it "
                                    f"{result.rotation}° clockwise")
                method[number] = "ocr"
                confidence[number] = result.confidence
                tables_of[number] = result.tables
                if result.columnar:
                    warnings.append(f"page {number}: scanned table read column by column; "
                                    "rows rebuilt from word positions")
                    unreliable.append(f"page {number}: scanned table, rows rebuilt from word "
                                      "positions (cells may be misaligned)")
            if failed:
                unreliable.append(f"OCR failed on page(s) {_ranges(failed)}")
        else:
            blank = sorted(n for n, why in to_ocr.items() if method[n] == "none")
            kept = sorted(n for n in to_ocr if method[n] != "none")
            if blank:
                unreliable.append(f"{len(blank)} of {len(raw)} page(s) are images without a "
                                  f"text layer and were not OCRed ({problem}): "
                                  f"pages {_ranges(blank)}")
            if kept:
                unreliable.append(f"page(s) {_ranges(kept)} need OCR and were not OCRed "
                                  f"({problem}): {', '.join(sorted(set(to_ocr[n] for n in kept)))}")

    for number in to_ocr:
        if method[number] == "text" and number not in repairs:
            # an unreliable text layer kept as it is (OCR off, failed or worse): repaired too
            lines_of[number], repairs[number] = normalise_lines(lines_of[number])
    sizes = {p.number: p.size for p in raw}
    drop = running_lines({n: ls for n, ls in lines_of.items()}, sizes, loose=frozenset(repairs))
    for number, fixed in repairs.items():
        fixed["running"] += len(drop.get(number, ()))
    pages: list[Page] = []
    for p in raw:
        number = p.number
        lines = [ln for i, ln in enumerate(lines_of[number]) if i not in drop.get(number, ())]
        lines = attach_labels(lines)
        lines = repair_hyphenation_lines(lines)
        text, spans = join_lines(lines)
        quality = quality_of(text)
        fixed = repairs.get(number)
        rotation, skew = turned.get(number, (0, 0.0))
        pages.append(Page(number, text, method[number], quality, confidence[number], spans,
                          tables_of[number], p.size,
                          normalised=None if fixed is None else {k: v for k, v in fixed.items() if v},
                          rotation=rotation, skew=skew))
    low = [pg.number for pg in pages
           if pg.method == "ocr" and pg.confidence is not None
           and pg.confidence < LOW_OCR_CONFIDENCE]
    if low:
        unreliable.append(f"low OCR confidence on page(s) {_ranges(low)}")
    if errors:
        unreliable.append(f"{len(errors)} page(s) could not be read: {_ranges(sorted(errors))}")
    if any("truncated" in w for w in warnings):
        unreliable.append("the file looks truncated")
    for m in ("text", "ocr", "none"):
        stats[f"{m}_pages"] = sum(1 for pg in pages if pg.method == m)
    stats["normalised_pages"] = len(repairs)
    stats["rotated_pages"] = sum(1 for r, _ in turned.values() if r)
    stats["seconds"] = round(time.monotonic() - started, 3)
    return ExtractedText(PDF, pages, errors, warnings, unreliable, stats)


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> "1-3, 7"."""
    out, run = [], []
    for n in numbers:
        if run and n == run[-1] + 1:
            run.append(n)
            continue
        if run:
            out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [n]
    if run:
        out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ", ".join(out)


def _ocr_pages(doc, numbers: list[int], *, lang: str, dpi: int, cache_dir, workers: int,
               orient: bool = True,
               deadline: float | None) -> dict[int, ocr_mod.OcrResult | str]:
    """OCR pages with up to ``workers`` tesseract processes at once.

    Pages are rendered here, one at a time (PDFium is not thread-safe), while earlier pages are
    being read by tesseract in threads; at most ``workers + 1`` rendered images wait in memory.
    A page that fails is reported as a string; running out of time raises ``timeout``.
    """
    results: dict[int, ocr_mod.OcrResult | str] = {}
    pending: deque = deque()

    def collect() -> None:
        number, future = pending.popleft()
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        try:
            results[number] = future.result(timeout=remaining)
        except FutureTimeout:
            raise TextExtractionError(
                "timeout", f"time limit reached during OCR of page {number}") from None
        except subprocess.TimeoutExpired:
            if deadline is not None and time.monotonic() >= deadline:
                raise TextExtractionError(
                    "timeout", f"time limit reached during OCR of page {number}") from None
            results[number] = "tesseract took too long"
        except Exception as exc:
            results[number] = describe(exc)

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr") as pool:
        try:
            for number in numbers:
                _check_deadline(deadline, f"before OCR of page {number}")
                while len(pending) > workers:
                    collect()
                try:
                    page = doc[number - 1]
                    try:
                        image, used_dpi = ocr_mod.render_page(page, dpi)
                    finally:
                        page.close()
                except Exception as exc:
                    results[number] = f"page cannot be rendered: {describe(exc)}"
                    continue
                limit = ocr_mod.TESSERACT_TIMEOUT
                if deadline is not None:
                    limit = max(1.0, min(limit, deadline - time.monotonic()))
                pending.append((number, pool.submit(
                    ocr_mod.ocr_image, image, dpi=used_dpi, lang=lang, cache_dir=cache_dir,
                    orient=orient,
                    timeout=limit)))
                del image
            while pending:
                collect()
        except BaseException:
            for _, future in pending:
                future.cancel()
            raise
    return results
