"""Turn a downloaded file (PDF, HTML, DOCX or plain text) into clean per-page text, or say why it cannot.

Pages keep their 1-based number, and every line of a PDF page keeps its box, so each later fact
can cite a page and a place on it (:meth:`ExtractedText.locate`). PDFs are read by PDFium in
reading order (:mod:`nlp.text.pdf_fast`), with pdfplumber only for pages that draw ruled tables; a
page without a usable text layer is OCRed page by page with tesseract (:mod:`nlp.text.ocr`) when
``ocr=True``, and otherwise returned empty with ``method="none"``. Running page numbers,
repeated headers and footers are removed and line-end hyphenation is repaired across the
document. :func:`extract_text_guarded` runs the whole thing in a child process that is killed
when its time is up, so no parser can hang a batch.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import re
import signal
import subprocess
import time
from collections import Counter, defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from . import ocr as ocr_mod
from . import pdf_fast
from .model import (
    PAGE_SEPARATOR,
    BBox,
    ExtractedText,
    Line,
    Page,
    TextExtractionError,
)
from .pdf_fast import X_TOLERANCE_RATIO, PdfPageText, describe as _describe

__all__ = [
    "Page",
    "Line",
    "ExtractedText",
    "TextExtractionError",
    "PAGE_SEPARATOR",
    "sniff_media_type",
    "extract_text",
    "extract_text_guarded",
]

log = logging.getLogger(__name__)

PDF = "application/pdf"
HTML = "text/html"
XHTML = "application/xhtml+xml"
PLAIN = "text/plain"
OCTET = "application/octet-stream"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

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


# --------------------------------------------------------------------------- media type

_HTML_MARKERS = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<title>",
                           re.IGNORECASE)
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"GIF8", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),  # old .doc/.xls
    (b"Rar!", "application/vnd.rar"),
    (b"\x1f\x8b", "application/gzip"),
)
_BY_EXTENSION = {
    "pdf": PDF, "html": HTML, "htm": HTML, "xhtml": HTML, "txt": PLAIN, "text": PLAIN,
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "rtf": "application/rtf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
    "tif": "image/tiff", "tiff": "image/tiff", "zip": "application/zip", "rar": "application/vnd.rar",
}
# Labels that servers send when they do not know; they say nothing about the content.
_UNINFORMATIVE = {"", OCTET, "binary/octet-stream", "application/x-download", "application/download",
                  "application/force-download", "application/unknown"}


def _extension_type(filename: str | None) -> str | None:
    if not filename or "." not in filename:
        return None
    ext = filename.rsplit(".", 1)[-1].split("?")[0].lower()
    return _BY_EXTENSION.get(ext)


def _looks_textual(head: bytes) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls <= len(head) // 100


def _magic_type(head: bytes) -> str | None:
    """Media type told by the content itself, or None for text without HTML markers."""
    # The PDF spec allows junk before the header, and real servers prepend BOMs or blank lines.
    if b"%PDF-" in head:
        return PDF
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    if _HTML_MARKERS.search(head):
        return HTML
    return None


def sniff_media_type(data: bytes, filename: str | None = None) -> str:
    """Media type of ``data``: magic bytes first, then HTML markers, then the filename extension.

    Returns ``"text/plain"`` for other text and ``"application/octet-stream"`` for unrecognised
    binary data; raises :class:`TextExtractionError` (``empty``) for zero bytes.
    """
    if not data:
        raise TextExtractionError("empty", "file is empty (0 bytes)")
    head = data[:1024]
    magic = _magic_type(head)
    by_ext = _extension_type(filename)
    # A .docx is a zip; only the name tells them apart without unpacking.
    if magic == "application/zip" and by_ext and by_ext not in (PDF, HTML, PLAIN):
        return by_ext
    if magic:
        return magic
    if by_ext:
        return by_ext
    return PLAIN if _looks_textual(head) else OCTET


def _split_media_type(media_type: str | None) -> tuple[str, str | None]:
    """``"text/html; charset=UTF-8"`` -> ``("text/html", "utf-8")``."""
    if not media_type:
        return "", None
    parts = [p.strip() for p in media_type.split(";")]
    charset = None
    for p in parts[1:]:
        k, _, v = p.partition("=")
        if k.strip().lower() == "charset" and v.strip():
            charset = v.strip().strip("\"'").lower()
    return parts[0].lower(), charset


# --------------------------------------------------------------------------- entry points

def extract_text(data: bytes, media_type: str | None = None, *, filename: str | None = None,
                 max_bytes: int = 100 * 2**20, max_pages: int = 2000,
                 timeout: float | None = None, ocr: bool = False,
                 ocr_lang: str = ocr_mod.DEFAULT_LANG, ocr_dpi: int = ocr_mod.DEFAULT_DPI,
                 cache_dir: str | Path | None = None, workers: int | None = None,
                 tables: bool = True, engine: str = "pdfium") -> ExtractedText:
    """Extract per-page text from a PDF, HTML page, DOCX or plain-text file.

    ``media_type`` is what the server claimed (parameters such as ``charset`` are used); when it
    is missing or uninformative the type is sniffed. PDF magic bytes always win over a claim,
    but a claim of PDF (by type or by a ``.pdf`` filename) on bytes that are not a PDF raises
    ``not_pdf``, because that is almost always an error page served in place of the document.

    ``timeout`` (seconds) is checked between pages and between OCR pages; for a limit that holds
    whatever a parser does, use :func:`extract_text_guarded`. ``ocr`` turns on tesseract for
    pages without a usable text layer (``ocr_lang``, ``ocr_dpi``); OCR results are cached in
    ``cache_dir`` by page-image hash. ``workers`` (default: up to 2, the cores) bounds the
    processes reading big PDFs and the tesseract processes run at once. ``tables=False`` skips
    pdfplumber table reading. ``engine="pdfplumber"`` reads every page with pdfplumber (slow;
    it is also the fallback for files PDFium cannot open).

    Raises :class:`TextExtractionError` when nothing usable can be returned.
    """
    if not data:
        raise TextExtractionError("empty", "file is empty (0 bytes)")
    if len(data) > max_bytes:
        raise TextExtractionError(
            "too_large", f"file is {len(data):,} bytes, over the limit of {max_bytes:,}")
    claimed, charset = _split_media_type(media_type)
    if claimed in _UNINFORMATIVE:
        claimed = ""
    head = data[:1024]
    magic = _magic_type(head)
    by_ext = _extension_type(filename)
    if magic == PDF:
        return _extract_pdf(data, max_pages=max_pages, timeout=timeout, ocr=ocr,
                            ocr_lang=ocr_lang, ocr_dpi=ocr_dpi, cache_dir=cache_dir,
                            workers=workers, tables=tables, engine=engine)
    if claimed == PDF or (not claimed and by_ext == PDF):
        raise TextExtractionError("not_pdf", f"file is not a PDF (starts with {_preview(data)})")
    if magic == "application/zip" and (claimed == DOCX or by_ext == DOCX):
        return _extract_docx(data, max_bytes=max_bytes)
    if magic and magic != HTML:
        raise TextExtractionError(
            "unsupported_type", f"cannot extract text from {sniff_media_type(data, filename)}")
    if magic == HTML or claimed in (HTML, XHTML) or (not claimed and by_ext == HTML):
        return _extract_html(data, charset)
    if claimed.startswith("text/") or (not claimed and by_ext in (PLAIN, None)
                                       and _looks_textual(head)):
        return _extract_plain(data, charset)
    kind = claimed or sniff_media_type(data, filename)
    raise TextExtractionError("unsupported_type", f"cannot extract text from {kind} "
                              f"(file starts with {_preview(data)})")


def extract_text_guarded(data: bytes, media_type: str | None = None, *, timeout: float = 600.0,
                         **kwargs) -> ExtractedText:
    """:func:`extract_text` in a child process that is killed after ``timeout`` seconds.

    The child leads its own process group, so the kill also ends the page workers and tesseract
    processes it started. Raises ``TextExtractionError("timeout")`` when time runs out and
    ``corrupt`` when the child dies (a parser crash, or the memory killer).
    """
    ctx = multiprocessing.get_context("fork" if pdf_fast.can_fork() else "spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    # The child also checks the limit between pages, so it usually stops itself cleanly.
    kwargs.setdefault("timeout", timeout * 0.95)
    proc = ctx.Process(target=_guarded_child, args=(sender, receiver, data, media_type, kwargs),
                       name="pantau-extract", daemon=False)
    proc.start()
    sender.close()
    try:
        os.setpgid(proc.pid, proc.pid)
    except OSError:
        pass  # the child does it too; whoever is first wins
    try:
        if not receiver.poll(timeout):
            raise TextExtractionError("timeout", f"gave up after {timeout:g} s (process killed)")
        try:
            outcome = receiver.recv()
        except (EOFError, OSError):
            proc.join(5)
            raise TextExtractionError(
                "corrupt", f"extraction process died (exit code {proc.exitcode})") from None
    finally:
        _kill_group(proc)
        receiver.close()
    if outcome[0] == "ok":
        return outcome[1]
    if outcome[0] == "error":
        raise TextExtractionError(outcome[1], outcome[2])
    raise TextExtractionError("corrupt", f"extraction failed: {outcome[1]}")


def _guarded_child(sender, receiver, data, media_type, kwargs) -> None:
    # The forked copy of the read end must go: if the parent dies, a write of a large result would
    # otherwise block forever on a pipe only this process still reads.
    receiver.close()
    _die_with_parent()
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    try:
        outcome = ("ok", extract_text(data, media_type, **kwargs))
    except TextExtractionError as exc:
        outcome = ("error", exc.reason, str(exc))
    except Exception as exc:  # reported to the parent as a failure of this one file
        outcome = ("crash", _describe(exc))
    sender.send(outcome)
    sender.close()


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (a killed ``pantau`` run must not
    leave extraction children behind). A no-op elsewhere."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
        if os.getppid() == 1:  # the parent died before prctl took effect
            os._exit(1)
    except (OSError, AttributeError):
        pass


def _kill_group(proc) -> None:
    if proc.is_alive():
        proc.join(0.05)
    try:
        if os.getpgid(proc.pid) == proc.pid:
            os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass
    if proc.is_alive():
        proc.kill()
    proc.join()


def _preview(data: bytes, n: int = 40) -> str:
    head = data[:n].decode("latin-1")
    head = re.sub(r"\s+", " ", head).strip()
    head = "".join(ch if ch.isprintable() else "?" for ch in head)
    return repr(head)


# --------------------------------------------------------------------------- PDF

def _workers(workers: int | None) -> int:
    if workers is not None:
        return max(1, workers)
    return max(1, min(2, os.cpu_count() or 1))


def _extract_pdf(data: bytes, *, max_pages: int, timeout: float | None, ocr: bool,
                 ocr_lang: str, ocr_dpi: int, cache_dir, workers: int | None, tables: bool,
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
                           ocr=ocr, ocr_lang=ocr_lang, ocr_dpi=ocr_dpi, cache_dir=cache_dir,
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
        raise TextExtractionError("corrupt", f"PDF cannot be parsed: {_describe(cause)}") from exc
    except Exception as exc:  # pdfminer raises bare errors on some malformed files
        raise TextExtractionError("corrupt", f"PDF cannot be parsed: {_describe(exc)}") from exc

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
                log.warning("page %d: text extraction failed: %s", number, _describe(exc))
                errors[number] = f"text extraction failed: {_describe(exc)}"
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
                cache_dir, workers: int, parallel: int) -> ExtractedText:
    """Decide each page's method, OCR what needs it, clean across pages, and build the result."""
    raw = sorted(raw, key=lambda p: p.number)
    unreliable: list[str] = []
    lines_of: dict[int, list[Line]] = {}
    method: dict[int, str] = {}
    confidence: dict[int, float | None] = {}
    tables_of: dict[int, list] = {p.number: list(p.tables) for p in raw}
    to_ocr: dict[int, str] = {}  # page -> why
    for p in raw:
        for note in p.notes:
            warnings.append(f"page {p.number}: {note}")
        lines = _clean_lines(p.lines)
        visible = sum(1 for ln in lines for ch in ln.text if not ch.isspace())
        text_quality = _quality("\n".join(ln.text for ln in lines))
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
            results = _ocr_pages(doc, sorted(to_ocr), lang=ocr_lang, dpi=ocr_dpi,
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
                ocr_lines = _clean_lines(result.lines)
                ocr_quality = _quality("\n".join(ln.text for ln in ocr_lines))
                kept = lines_of[number]
                if to_ocr[number].startswith("garbled") and \
                        _quality("\n".join(ln.text for ln in kept)) >= ocr_quality:
                    continue  # the text layer, poor as it is, reads better than the OCR
                lines_of[number] = ocr_lines
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

    sizes = {p.number: p.size for p in raw}
    drop = _running_lines({n: ls for n, ls in lines_of.items()}, sizes)
    pages: list[Page] = []
    for p in raw:
        number = p.number
        lines = [ln for i, ln in enumerate(lines_of[number]) if i not in drop.get(number, ())]
        lines = _attach_labels(lines)
        lines = _repair_hyphenation_lines(lines)
        text, spans = _join(lines)
        quality = _quality(text)
        pages.append(Page(number, text, method[number], quality, confidence[number], spans,
                          tables_of[number], p.size))
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
            results[number] = _describe(exc)

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
                    results[number] = f"page cannot be rendered: {_describe(exc)}"
                    continue
                limit = ocr_mod.TESSERACT_TIMEOUT
                if deadline is not None:
                    limit = max(1.0, min(limit, deadline - time.monotonic()))
                pending.append((number, pool.submit(
                    ocr_mod.ocr_image, image, dpi=used_dpi, lang=lang, cache_dir=cache_dir,
                    timeout=limit)))
                del image
            while pending:
                collect()
        except BaseException:
            for _, future in pending:
                future.cancel()
            raise
    return results


# --------------------------------------------------------------------------- cleaning

# pdfminer writes "(cid:12)" for glyphs it cannot map to Unicode (fonts without ToUnicode);
# they carry no text, and a page made of them needs OCR like a scan.
_CID = re.compile(r"\(cid:\d+\)")
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                            "\ufb04": "ffl", "\u00a0": " ", "\u00ad": "", "\u200b": "",
                            "\ufeff": ""})


def _clean_glyphs(text: str) -> str:
    return _CID.sub("", text.translate(_LIGATURES))


def _clean_lines(lines: list[Line]) -> list[Line]:
    out = []
    for ln in lines:
        text = _clean_glyphs(ln.text)
        text = text.strip() if ln.kind == "row" else re.sub(r"[ \t]+", " ", text).strip()
        if text.strip():
            out.append(Line(text, ln.bbox, ln.kind))
    return out


def _join(lines: list[Line]) -> tuple[str, list[tuple[int, int, BBox | None]]]:
    spans = []
    pos = 0
    for ln in lines:
        spans.append((pos, pos + len(ln.text), ln.bbox))
        pos += len(ln.text) + 1
    return "\n".join(ln.text for ln in lines), spans


# A running page number: "3", "- 3 -", "– 3 –", "Halaman 3", "Hal. 3 dari 9", "Page 3 of 9".
_PAGE_NUMBER_LINE = re.compile(
    r"^\s*(?:(?P<plain>\d{1,4})"
    r"|[-–—]\s*(?P<dashed>\d{1,4})\s*[-–—]"
    r"|(?:halaman|hal\.?|page)\s*(?P<worded>\d{1,4})(?:\s*(?:dari|of|/)\s*\d{1,4})?)\s*$",
    re.IGNORECASE)


def _page_number_value(line: str) -> tuple[int, bool] | None:
    """``(value, decorated)`` when the line is only a page number, else None."""
    m = _PAGE_NUMBER_LINE.match(line)
    if not m:
        return None
    if m.group("plain"):
        return int(m.group("plain")), False
    return int(m.group("dashed") or m.group("worded")), True


def _page_number_lines(pages: dict[int, list[str]]) -> dict[int, set[int]]:
    """Indices of the lines that are running page numbers, printed at the top or bottom.

    The first and last line of a page are page numbers when they hold only a number that is
    plausible as one. Word sometimes puts a signature or footnote box below the footer, so the
    page number can also be the second line or one of the last three; those are removed only
    when their value matches the numbering the rest of the document follows (same offset
    between physical page and printed number), so a lone number in the body is kept.
    """
    if not pages:
        return {}
    limit = max(pages) + 5
    offsets: Counter[int] = Counter()
    bodies = {n: [i for i, line in enumerate(lines) if line.strip()] for n, lines in pages.items()}
    for n, lines in pages.items():
        body = bodies[n]
        for i in (body[:1] + body[-1:]) if body else []:
            v = _page_number_value(lines[i])
            if v and 0 <= v[0] <= limit:
                offsets[n - v[0]] += 1
    usual = offsets.most_common(1)[0][0] if offsets else None

    out: dict[int, set[int]] = {}
    for n, lines in pages.items():
        body = bodies[n]
        drop: set[int] = set()
        if body:
            for i in {body[0], body[-1]}:
                v = _page_number_value(lines[i])
                if v and (v[1] or 0 <= v[0] <= limit):
                    drop.add(i)
            for i in body[1:2] + body[-3:-1]:
                v = _page_number_value(lines[i])
                if v and usual is not None and n - v[0] == usual:
                    drop.add(i)
        out[n] = drop
    return out


def _strip_page_numbers(raw: dict[int, str]) -> dict[int, str]:
    """Remove running page numbers from page texts (see :func:`_page_number_lines`)."""
    lines_by_page = {n: t.split("\n") for n, t in raw.items()}
    drop = _page_number_lines(lines_by_page)
    return {n: "\n".join(line.rstrip() for i, line in enumerate(lines)
                         if i not in drop[n]).strip("\n")
            for n, lines in lines_by_page.items()}


_DIGITS = re.compile(r"\d+")
HEADER_BAND = 0.15  # share of the page height at the top (and bottom) where running lines sit


def _running_lines(pages: dict[int, list[Line]],
                   sizes: dict[int, tuple[float, float] | None]) -> dict[int, set[int]]:
    """Indices of running page numbers and repeated headers/footers on each page.

    A header or footer is one of the first or last two lines of a page (inside the top or bottom
    15 % when its box is known) whose text, digits aside, recurs on at least half of the pages
    (and three). It is removed where the text is the same everywhere, or where its number
    follows the page number ("Perbup 30/2024 hal. 4"); so "Pasal 5" opening many pages stays.
    Table rows are never headers: a Lampiran table repeats its header row on purpose.
    """
    keys = {n: [i for i, ln in enumerate(lines) if ln.kind != "row"] for n, lines in pages.items()}
    texts = {n: [lines[i].text for i in keys[n]] for n, lines in pages.items()}
    numbered = _page_number_lines(texts)
    drop = {n: {keys[n][j] for j in numbered.get(n, ())} for n in pages}

    with_text = [n for n, lines in pages.items() if lines]
    if len(with_text) < 3:
        return drop
    need = max(3, math.ceil(0.5 * len(with_text)))
    found: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
    for n in with_text:
        lines = pages[n]
        body = [i for i in keys[n] if i not in drop[n]]
        height = (sizes.get(n) or (0, 0))[1]
        for where, idxs in (("top", body[:2]), ("bottom", body[-2:])):
            for i in idxs:
                ln = lines[i]
                if ln.bbox and height:
                    if where == "top" and ln.bbox[3] > HEADER_BAND * height:
                        continue
                    if where == "bottom" and ln.bbox[1] < (1 - HEADER_BAND) * height:
                        continue
                norm = _DIGITS.sub("#", " ".join(ln.text.split()).casefold())
                if len(norm) <= 120:
                    found[(where, norm)].append((n, i, ln.text))
    for (_, norm), occurrences in found.items():
        if len({n for n, _, _ in occurrences}) < need:
            continue
        same = Counter(" ".join(t.split()) for _, _, t in occurrences)
        offsets: Counter[int] = Counter()
        for n, _, t in occurrences:
            for v in {int(d) for d in _DIGITS.findall(t)}:
                offsets[n - v] += 1
        usual, hits = offsets.most_common(1)[0] if offsets else (None, 0)
        for n, i, t in occurrences:
            if same[" ".join(t.split())] >= need:
                drop[n].add(i)
            elif hits >= need and any(n - int(d) == usual for d in _DIGITS.findall(t)):
                drop[n].add(i)
    return drop


# Labels of the considerations and legal bases, printed in a column left of their items.
_LABEL = re.compile(r"^(?:(?:menimbang|mengingat|memperhatikan|mendengar|menetapkan)\s*:?|:)$",
                    re.IGNORECASE)


def _attach_labels(lines: list[Line]) -> list[Line]:
    """Put a Menimbang/Mengingat label that stands alone on its line in front of its first item.

    Word lays these out as a table: label column, ":" column, then the items with hanging
    indents. When the label cell is vertically centred or a point off the first item's
    baseline, reading top to bottom puts it in the middle of (or above) the items. The items
    are the lines just around the label that start right of it, within a narrow band (marker
    and hanging indent); the label goes to the first of them.
    """
    out = list(lines)
    i = 0
    while i < len(out):
        label = out[i]
        if label.kind != "text" or not label.bbox or not _LABEL.match(label.text.strip()):
            i += 1
            continue
        right = label.bbox[2]
        near = [ln.bbox[0] for ln in out[max(0, i - 3):i + 4]
                if ln is not label and ln.bbox and ln.bbox[0] >= right - 1]
        if not near:
            i += 1
            continue
        column = min(near)

        def in_column(ln: Line) -> bool:
            return (ln.kind == "text" and ln.bbox is not None
                    and column - 2 <= ln.bbox[0] <= column + 40
                    and not _LABEL.match(ln.text.strip()))

        first = i
        while first > 0 and in_column(out[first - 1]) \
                and out[first - 1].bbox[1] >= label.bbox[1] - 40 * 14:
            first -= 1
        if first == i:
            if i + 1 < len(out) and in_column(out[i + 1]):
                target = i + 1
            else:
                i += 1
                continue
        else:
            target = first
        item = out[target]
        box = item.bbox
        merged = Line(f"{label.text.strip()} {item.text}",
                      (min(label.bbox[0], box[0]), box[1], max(label.bbox[2], box[2]), box[3]))
        out[target] = merged
        del out[i]
        i = target + 1 if target < i else i
    return out


# "perundang-" + "undangan": reduplication (kata ulang) keeps its hyphen in Indonesian.
_HYPHEN_END = re.compile(r"(?P<left>[^\W\d_]+)-$")
_CONTINUATION = re.compile(r"(?P<right>[a-z]\S*)[ \t]*")


def _is_reduplication(left: str, right: str) -> bool:
    """True for Indonesian kata ulang split at its hyphen: masing-masing, perundang-undangan,
    sebaik-baiknya, sayur-mayur. Detected as a shared stem of at least three letters."""
    a, b = left.lower(), re.sub(r"\W+$", "", right.lower())
    if len(a) < 2 or len(b) < 2:
        return False
    size = min(len(a), len(b), 3)
    return any(b[j:j + size] in a for j in range(len(b) - size + 1))


def _repair_hyphenation_lines(lines: list[Line]) -> list[Line]:
    """Join words broken across lines, moving the continuation up to the first line.

    Only a letter word + hyphen at line end followed by a lowercase continuation is joined:
    "Undang-\\nUndang" (capital) is a real compound and stays. Indonesian typesetting rarely
    hyphenates, so most line-end hyphens are real ones inside kata ulang; those keep the hyphen.
    The continuation's line loses its first word; if nothing else was on it, it goes too.
    """
    out = list(lines)
    i = 0
    while i < len(out) - 1:
        a, b = out[i], out[i + 1]
        m = _HYPHEN_END.search(a.text) if a.kind == "text" and b.kind == "text" else None
        c = _CONTINUATION.match(b.text) if m else None
        if m and c:
            hyphen = "-" if _is_reduplication(m.group("left"), c.group("right")) else ""
            out[i] = Line(a.text[:-1] + hyphen + c.group("right"), a.bbox, a.kind)
            rest = b.text[c.end():]
            if rest:
                out[i + 1] = Line(rest, b.bbox, b.kind)
                i += 1
            else:
                del out[i + 1]
            continue
        i += 1
    return out


def _repair_hyphenation(text: str) -> str:
    """:func:`_repair_hyphenation_lines` on a text's lines."""
    return "\n".join(ln.text for ln in _repair_hyphenation_lines(
        [Line(t) for t in text.split("\n")]))


_WORDLIKE = re.compile(
    r"[(\[\"'“‘]*[^\W_]+(?:[-/.,'’&:][^\W_]+)*[)\]\"'”’.,;:!?%]*")
_LETTERS = re.compile(r"[^\W\d_]{2,}")
# Frequent words of Indonesian regulations and news (plus a few English function words, so an
# English page is not taken for garbage). Real text has a quarter or more of its words here; a
# broken font encoding or OCR noise has almost none.
_LEXICON = frozenset("""
ada adalah agar akan antara apabila atas atau bagi bagian bahwa baik bab banyak baru batang
belanja berdasarkan berlaku bersama besar bidang bupati camat dalam dan dapat daerah dari
dasar dengan desa di diatur diberikan dilakukan dimaksud dinas diubah dua empat hak hal harus
hari hukum huruf ini itu jaminan jawa jika juga jumlah kabupaten kami karena ke kecamatan kepada
kepala kerja kesehatan ketentuan ketenagakerjaan kewajiban kota kegiatan keuangan lain lainnya
lampiran lebih lembaran maka masyarakat melalui memutuskan menetapkan mengenai menimbang
mengingat menjadi menurut mulai negara nomor oleh orang pada paling paragraf pasal pegawai
pekerja pelaksanaan pembangunan pemerintah pemerintahan penduduk pengelolaan penyelenggaraan
peraturan perangkat perubahan perlu perundang-undangan pertama peserta program provinsi pusat
rakyat republik rp sampai satu secara sebagai sebagaimana sebelum sejak sektor selanjutnya
sesuai setelah setiap sosial sudah surat tahun tambahan tanggal tata telah tentang terhadap
tersebut tiga tidak tiap umum undang-undang untuk urusan usaha wajib walikota wilayah yaitu
yang indonesia ayat biaya data anggaran bantuan berita tugas fungsi kepala
the of and to in for is on with by that this be are as or from at an
""".split())


def _quality(text: str) -> float:
    """How much of ``text`` reads as language, 0..1.

    The share of tokens shaped like words, numbers or amounts, discounted when a page of text
    has almost no common Indonesian (or English) words: that is the mark of a garbled text
    layer, whose tokens can be word-shaped ("Shudwxudq Exsdwl") and still be noise.
    """
    tokens = text.split()
    if not tokens:
        return 0.0
    shape = sum(1 for t in tokens if _WORDLIKE.fullmatch(t)) / len(tokens)
    words = [w.casefold() for w in _LETTERS.findall(text)]
    language = 1.0
    if len(words) >= 12:
        known = sum(1 for w in words if w in _LEXICON) / len(words)
        language = min(1.0, known / 0.12)
    return round(shape * language, 4)


# --------------------------------------------------------------------------- DOCX

def _extract_docx(data: bytes, *, max_bytes: int) -> ExtractedText:
    from .docx import read_docx

    pages = []
    for number, (lines, tables) in enumerate(read_docx(data, max_bytes=max_bytes), start=1):
        text = _clean_glyphs("\n".join(lines))
        pages.append(Page(number, text, "text", _quality(text), None, [], tables))
    return ExtractedText(DOCX, pages, {})


# --------------------------------------------------------------------------- HTML and plain text

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _decode(data: bytes, declared: str | None) -> str:
    """Decode with BOM, then the declared charset, then UTF-8, then windows-1252.

    Latin-1 labels are read as windows-1252 (as browsers do): pages labelled ISO-8859-1 use
    the 0x80-0x9F quotes and dashes of cp1252 all the time.
    """
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace")
    if declared:
        enc = declared.lower()
        if enc in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "iso8859-1"):
            enc = "windows-1252"
        try:
            return data.decode(enc)
        except LookupError:
            pass  # unknown label: fall through to guessing
        except UnicodeDecodeError:
            if enc not in ("utf-8", "utf8"):
                return data.decode(enc, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("windows-1252", errors="replace")


_DROP_TAGS = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript",
              "template", "iframe", "svg", "button", "select", "head")
_BLOCK_TAGS = frozenset(
    "address article blockquote body caption center dd details dialog dir div dl dt fieldset "
    "figcaption figure h1 h2 h3 h4 h5 h6 hr html legend li main menu ol p pre section summary "
    "table tbody tfoot thead tr ul".split())
_CELL_TAGS = frozenset({"td", "th"})


def _extract_html(data: bytes, charset: str | None) -> ExtractedText:
    import lxml.etree
    import lxml.html

    m = _META_CHARSET.search(data[:4096])
    declared = charset or (m.group(1).decode("ascii", "replace") if m else None)
    # control characters are not text, and lxml refuses them when a dropped element's tail moves
    markup = _CONTROL_CHARS.sub("", _XML_DECL.sub("", _decode(data, declared)))
    if not markup.strip():
        return ExtractedText(HTML, [Page(1, "", "text", 0.0)], {})
    try:
        root = lxml.html.document_fromstring(markup)
    except (lxml.etree.ParserError, ValueError):
        return ExtractedText(HTML, [Page(1, "", "text", 0.0)], {})
    for el in list(root.iter(*_DROP_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()

    parts: list[str] = []

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None:  # comment or processing instruction: its text is not content
            if el.tail:
                parts.append(el.tail)
            return
        tag = tag.lower()
        block = tag in _BLOCK_TAGS
        if block:
            parts.append("\n")
        if tag == "br":
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
        if tag in _CELL_TAGS:
            parts.append("\t")
        if block:
            parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    text = _tidy_lines("".join(parts))
    return ExtractedText(HTML, [Page(1, text, "text", _quality(text))], {})


def _tidy_lines(text: str) -> str:
    """Collapse runs of spaces inside lines and runs of blank lines, keeping paragraph breaks."""
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _extract_plain(data: bytes, charset: str | None) -> ExtractedText:
    text = _decode(data, charset).replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_LIGATURES).strip()
    return ExtractedText(PLAIN, [Page(1, text, "text", _quality(text))], {})
