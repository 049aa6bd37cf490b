"""Choose the reader for a file (PDF, DOCX, HTML or plain text) from its bytes, the media type the
server claimed and its name, and refuse what cannot be read."""

from __future__ import annotations

import re
from pathlib import Path

from .docx import read_docx
from .html import read_html
from .model import ExtractedText, TextExtractionError
from .ocr import DEFAULT_DPI, DEFAULT_LANG
from .pdf import read_pdf
from .plain import read_plain
from .sniff import (
    DOCX,
    HTML,
    PDF,
    PLAIN,
    UNINFORMATIVE,
    XHTML,
    extension_type,
    looks_textual,
    magic_type,
    sniff_media_type,
    split_media_type,
)


def extract_text(data: bytes, media_type: str | None = None, *, filename: str | None = None,
                 max_bytes: int = 100 * 2**20, max_pages: int = 2000,
                 timeout: float | None = None, ocr: bool = False,
                 ocr_lang: str = DEFAULT_LANG, ocr_dpi: int = DEFAULT_DPI, ocr_orient: bool = True,
                 cache_dir: str | Path | None = None, workers: int | None = None,
                 tables: bool = True, engine: str = "pdfium") -> ExtractedText:
    """Extract per-page text from a PDF, HTML page, DOCX or plain-text file.

    ``media_type`` is what the server claimed (parameters such as ``charset`` are used); when it
    is missing or uninformative the type is sniffed. PDF magic bytes always win over a claim,
    but a claim of PDF (by type or by a ``.pdf`` filename) on bytes that are not a PDF raises
    ``not_pdf``, because that is almost always an error page served in place of the document.

    ``timeout`` (seconds) is checked between pages and between OCR pages; for a limit that holds
    whatever a parser does, use :func:`extract_text_guarded`. ``ocr`` turns on tesseract for
    pages without a usable text layer (``ocr_lang``, ``ocr_dpi``; ``ocr_orient=False`` skips
    the check of which way up a page lies, for pages known to be upright); OCR results are cached in
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
    claimed, charset = split_media_type(media_type)
    if claimed in UNINFORMATIVE:
        claimed = ""
    head = data[:1024]
    magic = magic_type(head)
    by_ext = extension_type(filename)
    if magic == PDF:
        return read_pdf(data, max_pages=max_pages, timeout=timeout, ocr=ocr,
                        ocr_lang=ocr_lang, ocr_dpi=ocr_dpi, ocr_orient=ocr_orient, cache_dir=cache_dir,
                        workers=workers, tables=tables, engine=engine)
    if claimed == PDF or (not claimed and by_ext == PDF):
        raise TextExtractionError("not_pdf", f"file is not a PDF (starts with {_preview(data)})")
    if magic == "application/zip" and (claimed == DOCX or by_ext == DOCX):
        return read_docx(data, max_bytes=max_bytes)
    if magic and magic != HTML:
        raise TextExtractionError(
            "unsupported_type", f"cannot extract text from {sniff_media_type(data, filename)}")
    if magic == HTML or claimed in (HTML, XHTML) or (not claimed and by_ext == HTML):
        return read_html(data, charset)
    if claimed.startswith("text/") or (not claimed and by_ext in (PLAIN, None)
                                       and looks_textual(head)):
        return read_plain(data, charset)
    kind = claimed or sniff_media_type(data, filename)
    raise TextExtractionError("unsupported_type", f"cannot extract text from {kind} "
                              f"(file starts with {_preview(data)})")


def _preview(data: bytes, n: int = 40) -> str:
    head = data[:n].decode("latin-1")
    head = re.sub(r"\s+", " ", head).strip()
    head = "".join(ch if ch.isprintable() else "?" for ch in head)
    return repr(head)
