"""Turn a downloaded file (PDF, HTML, DOCX or plain text) into clean per-page text, or say why it cannot.

Pages keep their 1-based number, and every line of a PDF page keeps its box, so each later fact
can cite a page and a place on it (:meth:`ExtractedText.locate`). PDFs are read by PDFium in
reading order (:mod:`nlp.text.pdf_fast`), with pdfplumber only for pages that draw ruled tables; a
page without a usable text layer is OCRed page by page with tesseract (:mod:`nlp.text.ocr`) when
``ocr=True``, and otherwise returned empty with ``method="none"``: each scanned page is first
stood upright (a page fed sideways or upside down is turned, a tilt taken out), and on pages read
by OCR, and only there, what OCR misreads inside words and numbers is repaired and recorded per
page (``Page.normalised``). Running page numbers, repeated headers and footers and catchwords are
removed and line-end hyphenation is repaired across the document. :func:`extract_text_guarded` runs the whole thing in a child process that is killed
when its time is up, so no parser can hang a batch.

The package, one concern per module, each importing only those listed before it:

- ``model``: the shapes text travels in (:class:`Page`, :class:`Line`, :class:`ExtractedText`) and
  :class:`TextExtractionError`;
- ``sniff``: media types from magic bytes, markup and file names;
- ``quality``: how much of a text reads as language;
- ``cleanup``: glyphs, running page numbers, headers and footers, catchwords, labels,
  hyphenation;
- ``normalise``: the OCR normalisation layer (letters and digits OCR confuses);
- ``orient``: which way up a page image lies and how far it is tilted;
- ``pdf_fast`` and ``ocr``: the PDF text layer (PDFium, pdfplumber for tables) and tesseract;
- ``plain``, ``html``, ``docx``, ``pdf``: one reader per kind of file;
- ``dispatch``: :func:`extract_text`, which picks the reader;
- ``guard``: :func:`extract_text_guarded`, the same in a child process with a hard time limit.
"""

from __future__ import annotations

from .dispatch import extract_text
from .guard import extract_text_guarded
from .model import PAGE_SEPARATOR, BBox, ExtractedText, Line, Page, TextExtractionError
from .sniff import DOCX, HTML, OCTET, PDF, PLAIN, XHTML, sniff_media_type

__all__ = [
    "Page",
    "Line",
    "BBox",
    "ExtractedText",
    "TextExtractionError",
    "PAGE_SEPARATOR",
    "PDF",
    "HTML",
    "XHTML",
    "PLAIN",
    "OCTET",
    "DOCX",
    "sniff_media_type",
    "extract_text",
    "extract_text_guarded",
]
