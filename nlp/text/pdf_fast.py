"""Read a PDF's text layer fast: PDFium lines in reading order with their boxes, pdfplumber only for
pages that draw tables, and several processes for big documents.

PDFium gives the text in content-stream order, which is not reading order (Word often writes the
title block last), and its own line breaks sometimes run two printed lines together. So each
PDFium line is cut into printed segments with their boxes, and segments are regrouped into rows
top to bottom, left to right, the way pdfplumber builds lines from characters, at a fraction of
the cost. pdfplumber (about 40x slower) is opened only for pages whose vector graphics look like
a ruled table, and only to read the tables; the rest of such a page still comes from PDFium.
"""

from __future__ import annotations

import ctypes
import io
import logging
import multiprocessing
import os
import re
import statistics
import threading
import time
from dataclasses import dataclass, field

from .model import BBox, Line, TextExtractionError

log = logging.getLogger(__name__)

# pdfplumber's default x_tolerance (3 pt) glues words in PDFs whose writer encodes word gaps as
# small kerning offsets instead of space characters (the WPS Writer "abstrak" sheets came out as
# "SOSIALKETENAGAKERJAANBAGI…"). A gap relative to the font size, as poppler does, splits them.
X_TOLERANCE_RATIO = 0.15

# Below this many pages one process reads faster than two: forking and reopening cost ~20 ms.
PARALLEL_MIN_PAGES = 48
CHUNK_PAGES = 16

# PDFium marks a hyphen it judged to be a line-end hyphenation with U+FFFE (sometimes 0x02).
_PDFIUM_CHARS = str.maketrans({"\ufffe": "-", "\x02": "-", "\x00": None, "\r": None})


@dataclass
class PdfPageText:
    """What one page's text layer holds, before document-wide cleaning."""

    number: int
    lines: list[Line]
    size: tuple[float, float]  # displayed width, height in points
    chars: int = 0  # non-space characters in the text layer
    graphics: int = 0  # image, path and shading objects; 0: nothing to OCR beyond the text
    image_cover: float = 0.0  # share of the page area covered by images (a scan is ~1)
    table_hint: bool = False  # vector graphics look like a ruled table
    tables: list[list[list[str]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- geometry

def _transform(rotation: int, mediabox: tuple[float, float, float, float]):
    """Map a PDF-space box (l, b, r, t) to a displayed (x0, top, x1, bottom) box.

    Same convention as pdfplumber, which applies /Rotate (clockwise) and measures from the
    media box's top-left corner.
    """
    ml, mb, mr, mt = mediabox
    w, h = mr - ml, mt - mb

    def point(x: float, y: float) -> tuple[float, float]:
        x, y = x - ml, y - mb
        if rotation == 1:
            return y, x
        if rotation == 2:
            return w - x, y
        if rotation == 3:
            return h - y, w - x
        return x, h - y

    def box(l: float, b: float, r: float, t: float) -> BBox:
        ax, ay = point(l, b)
        bx, by = point(r, t)
        return (round(min(ax, bx), 2), round(min(ay, by), 2),
                round(max(ax, bx), 2), round(max(ay, by), 2))

    size = (h, w) if rotation in (1, 3) else (w, h)
    return box, size


def _union(boxes) -> BBox | None:
    boxes = [b for b in boxes if b is not None]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


# --------------------------------------------------------------------------- PDFium text

def _char_index(pdfium_c, tp, text_index: int, step: int, limit: int) -> int:
    """Char index of a text index, stepping over the few text positions PDFium inserted."""
    i = text_index
    while 0 <= i < limit:
        k = pdfium_c.FPDFText_GetCharIndexFromTextIndex(tp, i)
        if k >= 0:
            return k
        i += step
    return -1


def _split_by_chars(pdfium_c, tp, ca: int, cb: int, to_box) -> list[Line]:
    """Cut one PDFium line into printed lines using each character's box (the slow path)."""
    l, r, b, t = (ctypes.c_double() for _ in range(4))
    pieces: list[list] = []  # [chars, l, b, r, t] in PDF space
    cur = None
    for k in range(ca, cb + 1):
        u = pdfium_c.FPDFText_GetUnicode(tp, k)
        try:
            ch = chr(u) if u else ""
        except ValueError:
            ch = ""
        if ch.isspace() or not pdfium_c.FPDFText_GetCharBox(tp, k, l, r, b, t) \
                or t.value - b.value <= 0:
            if cur is not None:
                cur[0].append(" " if ch.isspace() else ch)
            continue
        cb_, ct_ = b.value, t.value
        if cur is not None:
            overlap = min(ct_, cur[4]) - max(cb_, cur[2])
            if overlap >= 0.3 * min(ct_ - cb_, cur[4] - cur[2]):
                cur[0].append(ch)
                cur[1], cur[2] = min(cur[1], l.value), min(cur[2], cb_)
                cur[3], cur[4] = max(cur[3], r.value), max(cur[4], ct_)
                continue
        cur = [[ch], l.value, cb_, r.value, ct_]
        pieces.append(cur)
    out = []
    for chars, pl, pb, pr, pt in pieces:
        text = "".join(chars).translate(_PDFIUM_CHARS).strip()
        if text:
            out.append(Line(text, to_box(pl, pb, pr, pt)))
    return out


def pdfium_segments(pdfium_c, textpage, to_box) -> tuple[list[Line], int]:
    """Printed text segments of a page with their boxes, and the count of non-space chars."""
    tp = textpage.raw if hasattr(textpage, "raw") else textpage
    n_chars = pdfium_c.FPDFText_CountChars(tp)
    if n_chars <= 0:
        return [], 0
    text = textpage.get_text_range(0, n_chars)
    l, t, r, b = (ctypes.c_double() for _ in range(4))
    segments: list[Line] = []
    visible = 0
    pos = 0
    n_text = len(text)
    for raw_line in text.split("\r\n"):
        start, end = pos, pos + len(raw_line)
        pos = end + 2
        stripped = raw_line.strip()
        if not stripped:
            continue
        visible += sum(1 for ch in stripped if not ch.isspace())
        ca = _char_index(pdfium_c, tp, start, 1, n_text)
        cb = _char_index(pdfium_c, tp, end - 1, -1, n_text)
        if ca < 0 or cb < ca:
            segments.append(Line(stripped.translate(_PDFIUM_CHARS)))
            continue
        n_rects = pdfium_c.FPDFText_CountRects(tp, ca, cb - ca + 1)
        rects = []
        for i in range(n_rects):
            if pdfium_c.FPDFText_GetRect(tp, i, l, t, r, b):
                rects.append((l.value, b.value, r.value, t.value))
        if not rects:
            segments.append(Line(stripped.translate(_PDFIUM_CHARS)))
            continue
        if len(rects) > 1:
            heights = [rt - rb for _, rb, _, rt in rects if rt - rb > 1]
            centres = [(rt + rb) / 2 for _, rb, _, rt in rects if rt - rb > 1]
            if heights and max(centres) - min(centres) > 0.7 * statistics.median(heights):
                # PDFium ran printed lines together (per-glyph text objects, or a hyphenation
                # it joined across the break): fall back to character boxes for this line.
                segments.extend(_split_by_chars(pdfium_c, tp, ca, cb, to_box))
                continue
        box = (min(x[0] for x in rects), min(x[1] for x in rects),
               max(x[2] for x in rects), max(x[3] for x in rects))
        segments.append(Line(stripped.translate(_PDFIUM_CHARS), to_box(*box)))
    return segments, visible


def assemble_rows(segments: list[Line]) -> list[Line]:
    """Group segments printed side by side into lines, top to bottom and left to right.

    Two segments share a line when they overlap vertically by half the smaller height, which
    keeps a hanging indent's marker ("a.", "1.") with its text and the label column
    ("Menimbang :") with its first item. Table rows (kind "row") are never merged.
    """
    placed = [s for s in segments if s.bbox is not None]
    unplaced = [s for s in segments if s.bbox is None]
    placed.sort(key=lambda s: (s.bbox[1], s.bbox[0]))
    rows: list[tuple[list[Line], float, float]] = []
    for seg in placed:
        top, bottom = seg.bbox[1], seg.bbox[3]
        joined = False
        if seg.kind != "row":
            # Look back a few rows: a tall segment (a bracket, a big initial) may have opened
            # a row that a later, smaller segment belongs to.
            for idx in range(len(rows) - 1, max(-1, len(rows) - 4), -1):
                members, rt, rb = rows[idx]
                if members[0].kind == "row":
                    continue
                overlap = min(bottom, rb) - max(top, rt)
                if overlap >= 0.5 * min(max(bottom - top, 0.1), max(rb - rt, 0.1)):
                    members.append(seg)
                    joined = True
                    break
                if rb < top:
                    break
        if not joined:
            rows.append(([seg], top, bottom))
    out = []
    for members, _, _ in sorted(rows, key=lambda r: r[1]):
        if len(members) == 1:
            out.append(members[0])
            continue
        members.sort(key=lambda s: s.bbox[0])
        # Text far apart on one height is two things side by side (a signature line and the
        # page number in the footer): keep them as separate lines, left first.
        group = [members[0]]
        for seg in members[1:]:
            prev = group[-1]
            height = max(prev.bbox[3] - prev.bbox[1], seg.bbox[3] - seg.bbox[1])
            if seg.bbox[0] - prev.bbox[2] > WIDE_GAP * height:
                out.append(_merge(group))
                group = []
            group.append(seg)
        out.append(_merge(group))
    return out + unplaced


WIDE_GAP = 3.0  # in line heights


def _merge(group: list[Line]) -> Line:
    if len(group) == 1:
        return group[0]
    return Line(" ".join(m.text for m in group), _union(m.bbox for m in group))


# --------------------------------------------------------------------------- graphics

_PATH, _IMAGE, _FORM, _TEXT = 2, 3, 5, 1


def _scan_objects(pdfium_c, page_raw, to_box, size) -> tuple[int, float, bool]:
    """(graphics, image cover, table hint) from the page's non-text objects."""
    lf, bf, rf, tf = (ctypes.c_float() for _ in range(4))
    h_rules = v_rules = boxes = grids = 0
    image_area = 0.0
    count = 0

    def visit(get_count, get_obj, parent, depth):
        nonlocal h_rules, v_rules, boxes, grids, image_area, count
        for i in range(get_count(parent)):
            obj = get_obj(parent, i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == _FORM and depth < 3:
                visit(pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject,
                      obj, depth + 1)
                continue
            if kind == _TEXT:
                continue
            count += 1
            if kind not in (_PATH, _IMAGE):
                continue
            if not pdfium_c.FPDFPageObj_GetBounds(obj, lf, bf, rf, tf):
                continue
            w, h = rf.value - lf.value, tf.value - bf.value
            if kind == _IMAGE:
                image_area += max(w, 0) * max(h, 0)
                continue
            if h <= 2.5 and w >= 15:
                h_rules += 1
            elif w <= 2.5 and h >= 8:
                v_rules += 1
            elif w >= 10 and h >= 8:
                segs = pdfium_c.FPDFPath_CountSegments(obj)
                if segs >= 12 and w >= 60 and h >= 30:
                    grids += 1  # one path drawing many ruling lines
                elif 0 < segs <= 6:
                    boxes += 1  # a rectangle: a cell border, or a background

    visit(pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, page_raw, 0)
    area = max(size[0] * size[1], 1.0)
    table_hint = grids > 0 or (h_rules >= 3 and v_rules >= 2) or boxes >= 6 \
        or (boxes >= 2 and h_rules + v_rules >= 4)
    return count, min(image_area / area, 1.0), table_hint


# --------------------------------------------------------------------------- pdfplumber tables

def iter_plumber_pages(pdf):
    """Yield ``(number, page, error)`` lazily, so a broken page tree still yields its first pages.

    pdfplumber's ``PDF.pages`` builds the whole list and loses everything when one page node is
    unreadable (typical of truncated downloads); this walks the tree one page at a time instead.
    """
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page as PlumberPage

    pages_iter = PDFPage.create_pages(pdf.doc)
    number = 0
    doctop = 0.0
    while True:
        try:
            page_obj = next(pages_iter)
        except StopIteration:
            return
        except Exception as exc:
            # The rest of the page tree is unreachable; record one error for where it broke.
            yield number + 1, None, f"page tree unreadable from here on: {describe(exc)}"
            return
        number += 1
        try:
            page = PlumberPage(pdf, page_obj, page_number=number, initial_doctop=doctop)
            doctop += page.height
        except Exception as exc:
            yield number, None, f"page cannot be opened: {describe(exc)}"
            continue
        yield number, page, None


def describe(exc: BaseException) -> str:
    msg = str(exc).strip()
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def _cell(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def plumber_tables(page) -> list[tuple[BBox, list[tuple[BBox, list[str]]]]]:
    """Ruled tables of a pdfplumber page: (table box, [(row box, cells)]). 1-row or 1-column
    "tables" (a frame around a signature or a heading) are not tables."""
    out = []
    for table in page.find_tables():
        rows = table.extract(x_tolerance_ratio=X_TOLERANCE_RATIO)
        boxes = [r.bbox for r in table.rows]
        if len(rows) < 2 or max((len(r) for r in rows), default=0) < 2:
            continue
        out.append((tuple(table.bbox), [(tuple(bx), [_cell(c) for c in row])
                                        for bx, row in zip(boxes, rows)]))
    return out


def _inside(box: BBox, area: BBox, slack: float = 1.0) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return area[0] - slack <= cx <= area[2] + slack and area[1] - slack <= cy <= area[3] + slack


def merge_tables(page: PdfPageText, segments: list[Line], tables) -> list[Line]:
    """Replace the segments printed inside tables by one line per table row (cells TAB-joined)."""
    areas = [t[0] for t in tables]
    kept = [s for s in segments if s.bbox is None or not any(_inside(s.bbox, a) for a in areas)]
    for _, rows in tables:
        page.tables.append([cells for _, cells in rows])
        for box, cells in rows:
            if any(cells):
                kept.append(Line("\t".join(cells), box, "row"))
    return kept


# --------------------------------------------------------------------------- pages

def read_pages(data: bytes, numbers: list[int], *, deadline: float | None = None,
               tables: bool = True, page_hook=None) -> tuple[list[PdfPageText], dict[int, str]]:
    """Read the text layer of the given 1-based pages; a page that fails is reported, not fatal.

    ``page_hook(number)``, if given, is called before each page (tests use it to break one).
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    doc = pdfium.PdfDocument(data)
    pages: list[PdfPageText] = []
    errors: dict[int, str] = {}
    segments_of: dict[int, list[Line]] = {}
    try:
        for number in numbers:
            if deadline is not None and time.monotonic() > deadline:
                raise TextExtractionError("timeout", f"time limit reached at page {number}")
            try:
                if page_hook is not None:
                    page_hook(number)
                page = doc[number - 1]
                try:
                    to_box, size = _transform(pdfium_c.FPDFPage_GetRotation(page.raw) % 4,
                                              page.get_mediabox())
                    textpage = page.get_textpage()
                    try:
                        segments, visible = pdfium_segments(pdfium_c, textpage, to_box)
                    finally:
                        textpage.close()
                    objects, cover, hint = _scan_objects(pdfium_c, page.raw, to_box, size)
                finally:
                    page.close()
            except TextExtractionError:
                raise
            except Exception as exc:  # one unreadable page must not cost the others
                log.warning("page %d: text extraction failed: %s", number, describe(exc))
                errors[number] = f"text extraction failed: {describe(exc)}"
                continue
            pages.append(PdfPageText(number, [], size, visible, objects, cover,
                                     hint and visible > 0))
            segments_of[number] = segments
    finally:
        doc.close()

    wanted = {p.number: p for p in pages if p.table_hint} if tables else {}
    if wanted:
        _add_tables(data, wanted, segments_of, deadline)
    for p in pages:
        p.lines = assemble_rows(segments_of[p.number])
    return pages, errors


def _add_tables(data: bytes, wanted: dict[int, PdfPageText], segments_of: dict[int, list[Line]],
                deadline: float | None) -> None:
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data), raise_unicode_errors=False)
    except Exception as exc:
        for p in wanted.values():
            p.notes.append(f"tables not read: {describe(exc)}")
        return
    try:
        last = max(wanted)
        for number, page, error in iter_plumber_pages(pdf):
            if number > last:
                break
            if number not in wanted:
                continue
            target = wanted[number]
            if error is not None:
                target.notes.append(f"tables not read: {error}")
                continue
            try:
                if deadline is not None and time.monotonic() > deadline:
                    raise TextExtractionError("timeout", f"time limit reached at page {number}")
                found = plumber_tables(page)
                if found:
                    segments_of[number] = merge_tables(target, segments_of[number], found)
            except TextExtractionError:
                raise
            except Exception as exc:
                log.warning("page %d: table extraction failed: %s", number, describe(exc))
                target.notes.append(f"tables not read: {describe(exc)}")
            finally:
                page.close()  # pdfplumber keeps every parsed object of a page until closed
    finally:
        pdf.flush_cache()


# --------------------------------------------------------------------------- processes

_FORK_DATA: bytes | None = None  # the PDF, inherited by forked workers instead of pickled


def _read_chunk(args):
    numbers, deadline, tables = args
    return read_pages(_FORK_DATA, numbers, deadline=deadline, tables=tables)


def can_fork() -> bool:
    """Forking is safe only from a single-threaded process on a platform that has it."""
    return hasattr(os, "fork") and threading.active_count() == 1 \
        and "fork" in multiprocessing.get_all_start_methods()


def read_pages_parallel(data: bytes, numbers: list[int], workers: int, *,
                        deadline: float | None = None,
                        tables: bool = True) -> tuple[list[PdfPageText], dict[int, str]]:
    """:func:`read_pages` over chunks of pages in ``workers`` forked processes."""
    global _FORK_DATA
    chunks = [numbers[i:i + CHUNK_PAGES] for i in range(0, len(numbers), CHUNK_PAGES)]
    ctx = multiprocessing.get_context("fork")
    _FORK_DATA = data
    try:
        with ctx.Pool(workers) as pool:
            results = pool.map(_read_chunk, [(c, deadline, tables) for c in chunks])
    finally:
        _FORK_DATA = None
    pages: list[PdfPageText] = []
    errors: dict[int, str] = {}
    for chunk_pages, chunk_errors in results:
        pages.extend(chunk_pages)
        errors.update(chunk_errors)
    return pages, errors
