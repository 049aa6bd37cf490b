"""Offsets, pages and sentences: the small helpers every extractor needs to cite its evidence."""

from __future__ import annotations

import bisect
import re

__all__ = ["PageMap", "squash", "sentence_bounds"]

PAGE_SEPARATOR = "\n\f\n"  # as nlp.text joins pages


class PageMap:
    """Offset -> 1-based page number.

    ``pages`` is an :class:`nlp.text.ExtractedText` (its ``page_at`` is used), a list of page
    texts joined by ``"\\n\\f\\n"`` to make the document text, or None (page numbers are then
    counted from form feeds in the text itself).
    """

    def __init__(self, text: str, pages=None):
        self._page_at = None
        self._ocr: list[tuple[int, int]] = []
        self._numbers: list[int] = []
        self._starts: list[int] = []
        if pages is not None and hasattr(pages, "page_at"):
            self._page_at = pages.page_at
            self._ocr = _ocr_spans(text, pages)
            return
        if pages is not None:
            pos = 0
            for i, page in enumerate(pages):
                found = text.find(page, pos) if page else pos
                start = found if found >= 0 else pos
                self._starts.append(start)
                self._numbers.append(i + 1)
                pos = start + len(page)
            return
        self._starts = [0] + [m.end() for m in re.finditer(r"\f", text)]
        self._numbers = list(range(1, len(self._starts) + 1))

    def ocr_spans(self) -> list[tuple[int, int]]:
        """[start, end) of the text that came from OCR (or from a text layer marked unreliable),
        where words may be misread; empty when the text's origin is not known."""
        return self._ocr

    def page(self, offset: int) -> int | None:
        if self._page_at is not None:
            try:
                return self._page_at(offset)
            except IndexError:
                return None
        if not self._starts:
            return None
        i = bisect.bisect_right(self._starts, offset) - 1
        return self._numbers[max(i, 0)]


def _ocr_spans(text: str, extracted) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for page in getattr(extracted, "pages", ()):
        start, pos = pos, pos + len(page.text) + len(PAGE_SEPARATOR)
        if page.method == "ocr" or getattr(page, "normalised", None) is not None:
            out.append((start, min(start + len(page.text), len(text))))
    return out


def squash(text: str) -> str:
    """Whitespace (line and page breaks included) collapsed to single spaces; hyphenated line
    breaks are already joined by nlp.text."""
    return re.sub(r"\s+", " ", text).strip()


# Abbreviations after which a "." does not end a sentence.
_ABBREV = frozenset("no nomor rp pj plt plh kab kec kel prov jl bpk ibu tn ny dr drs ir h hj st "
                    "sh mh se mm sos kom pd spd mpd sp prof tbk pt cv ud ttd dkk s.h m.h "
                    "yth a.n u.b". split())
# A blank line ends a paragraph; a page break ("\n\f\n") does not end a sentence.
_BOUNDARY = re.compile(r"[;!?]|\.(?=\s+[\"“(A-Z0-9]|\s*$)|\n[ \t]*\n")
_NEWS_BOUNDARY = re.compile(r"[;!?]|\.(?=\s+[\"“(A-Z0-9]|\s*$)|\n|[”\"](?=\s+[A-Z])")


def _is_abbrev(text: str, dot: int) -> bool:
    m = re.search(r"([A-Za-z.]+)$", text[max(0, dot - 12):dot])
    if not m:
        return False
    word = m.group(1).lower().strip(".")
    return word in _ABBREV or len(word) == 1


def sentence_bounds(text: str, lo: int, hi: int, pos: int, *, news: bool = False) -> tuple[int, int]:
    """[start, end) of the sentence around ``pos`` inside ``text[lo:hi]``.

    A sentence ends at ";", "!", "?", a "." before a capital or the end (not after "No.", "Rp."
    or an initial), or a blank line (not a page break); in news, at every line break too (lines are paragraphs).
    The end includes the closing punctuation.
    """
    rx = _NEWS_BOUNDARY if news else _BOUNDARY
    start, end = lo, hi
    # the last boundary before pos: look back through growing windows (a clause is short, the
    # node holding it may be a whole article)
    window = 400
    while True:
        a = max(lo, pos - window)
        last = None
        for m in rx.finditer(text, a, pos):
            if m.group() == "." and _is_abbrev(text, m.start()):
                continue
            if m.end() <= pos:
                last = m
        if last is not None:
            start = last.end()
            break
        if a == lo:
            break
        window *= 4
    pos_search = pos
    while True:
        m = rx.search(text, pos_search, hi)
        if m is None:
            break
        if m.group() == "." and _is_abbrev(text, m.start()):
            pos_search = m.end()
            continue
        end = m.end() if m.group() in ";!?." else m.start()
        break
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
