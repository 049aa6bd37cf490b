"""The shapes that document text travels in: pages, lines with boxes, and the extraction error.

Kept in a module of their own so the readers of :mod:`nlp.text` (PDF, OCR, DOCX, HTML, plain text)
share them without importing each other; :mod:`nlp.text` re-exports everything here.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

__all__ = ["BBox", "Line", "Page", "ExtractedText", "TextExtractionError", "PAGE_SEPARATOR"]

PAGE_SEPARATOR = "\n\f\n"

# (x0, top, x1, bottom) in PDF points, origin at the top-left of the page as displayed
# (the same convention as pdfplumber).
BBox = tuple[float, float, float, float]


@dataclass
class Line:
    """One line of a page in reading order, with where it is printed."""

    text: str
    bbox: BBox | None = None
    kind: str = "text"  # "text" | "row": a table row whose cells are joined by TAB


@dataclass
class Page:
    number: int  # 1-based
    text: str
    method: str  # "text" (text layer) | "ocr" (tesseract) | "none" (no usable text: needs OCR)
    quality: float  # 0..1: how much of the text looks like words of a language; 0 for empty
    # Mean tesseract word confidence 0..1 (weighted by word length) for OCR pages, else None.
    confidence: float | None = None
    # (start, end, bbox) of each line of ``text``, end exclusive; empty when positions are unknown.
    spans: list[tuple[int, int, BBox | None]] = field(default_factory=list, repr=False,
                                                      compare=False)
    # Tables found on the page, as rows of cell strings (their rows are also lines of ``text``).
    tables: list[list[list[str]]] = field(default_factory=list, repr=False, compare=False)
    size: tuple[float, float] | None = field(default=None, repr=False, compare=False)  # pt
    # What the OCR normalisation layer (nlp.text.normalise) repaired on this page, by kind
    # ("confusable", "letter_spaced", "running"); None where it did not run: a clean text layer
    # is never repaired.
    normalised: dict[str, int] | None = field(default=None, repr=False, compare=False)
    # For OCR pages: degrees the scan was turned clockwise to stand upright before recognition,
    # and the tilt of its text lines found (degrees counter-clockwise).
    rotation: int = field(default=0, repr=False, compare=False)
    skew: float = field(default=0.0, repr=False, compare=False)

    def bbox_at(self, offset: int) -> BBox | None:
        """Box of the line holding character ``offset`` of this page's text, if known."""
        if not self.spans:
            return None
        i = bisect.bisect_right([s[0] for s in self.spans], offset) - 1
        if i < 0:
            return None
        start, end, bbox = self.spans[i]
        return bbox if offset <= end else None


@dataclass
class ExtractedText:
    media_type: str  # "application/pdf" | "text/html" | "text/plain" | DOCX type
    pages: list[Page]
    # Page number -> reason, for pages that failed. Those pages are absent from ``pages``.
    page_errors: dict[int, str] = field(default_factory=dict)
    # Doubts about the whole file that did not stop extraction, e.g. a truncated download.
    warnings: list[str] = field(default_factory=list)
    # Why the text cannot be trusted to be complete (scans left without OCR, low OCR confidence,
    # garbage text layers, lost pages). When non-empty, "not found in this text" is no proof
    # that the document does not say it.
    unreliable_reasons: list[str] = field(default_factory=list)
    # Counters for logs and benchmarks: pages by method, table pages, OCR cache hits, seconds.
    stats: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def text(self) -> str:
        """All pages joined by a form feed on its own line. Built on each call: keep the result."""
        return PAGE_SEPARATOR.join(p.text for p in self.pages)

    @property
    def needs_ocr(self) -> bool:
        return any(p.method == "none" for p in self.pages)

    @property
    def unreliable(self) -> bool:
        return bool(self.unreliable_reasons)

    def _starts(self) -> list[int]:
        starts: list[int] = []
        pos = 0
        for p in self.pages:
            starts.append(pos)
            pos += len(p.text) + len(PAGE_SEPARATOR)
        return starts

    def _index(self, offset: int) -> tuple[int, int]:
        """(index into ``pages``, offset inside that page's text)."""
        starts = self._starts()
        total = starts[-1] + len(self.pages[-1].text) if self.pages else 0
        if not self.pages or offset < 0 or offset > total:
            raise IndexError(f"offset {offset} outside text of length {total}")
        i = bisect.bisect_right(starts, offset) - 1
        return i, min(offset - starts[i], len(self.pages[i].text))

    def page_at(self, offset: int) -> int:
        """Number of the page holding character ``offset`` of :attr:`text`.

        A separator belongs to the page before it; ``offset == len(text)`` (an end offset) maps
        to the last page.
        """
        return self.pages[self._index(offset)[0]].number

    def locate(self, offset: int) -> tuple[int, BBox | None]:
        """Page number and box of the printed line holding character ``offset`` of :attr:`text`.

        The box is None when positions are unknown (HTML, plain text, DOCX, pdfminer fallback).
        """
        i, inner = self._index(offset)
        page = self.pages[i]
        return page.number, page.bbox_at(inner)


class TextExtractionError(Exception):
    """The file as a whole could not be turned into text.

    ``reason`` is a short machine code: ``empty``, ``not_pdf``, ``encrypted``, ``corrupt``,
    ``too_large``, ``too_many_pages``, ``unsupported_type`` or ``timeout``; ``str(exc)`` is
    the human explanation.
    """

    REASONS = frozenset({"empty", "not_pdf", "encrypted", "corrupt", "too_large",
                         "too_many_pages", "unsupported_type", "timeout"})

    def __init__(self, reason: str, message: str | None = None):
        if reason not in self.REASONS:
            raise ValueError(f"unknown extraction failure reason {reason!r}")
        self.reason = reason
        super().__init__(message or reason)

    def __reduce__(self):  # crosses process boundaries (parallel pages, guarded extraction)
        return (type(self), (self.reason, str(self)))
