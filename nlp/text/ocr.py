"""OCR of page images with the ``tesseract`` command: lines with boxes and a confidence per page.

Pages are rendered by the caller (PDFium, 300 dpi grey). Each is first stood upright
(:mod:`nlp.text.orient`: a page fed sideways is turned a quarter, a tilt of two degrees or more is
taken out) and written as PGM to a temporary file for tesseract: reading the same image from
stdin costs tesseract 0.2-0.3 s more per page (measured with tesseract 5.3 / leptonica 1.82). Its
TSV output gives every word's box (mapped back onto the page as scanned) and confidence. A page
read with a confidence under ``FLIP_BELOW`` is read again the other way up, and the better
reading kept: an upside-down page reads at about 0.25, an upright one at 0.9.

Tesseract runs with ``OMP_THREAD_LIMIT=1``: on two cores its OpenMP threads make it ~5x slower,
so parallelism is one tesseract process per core instead. Results are cached by a hash of the
upright page image (plus the tesseract version, language and settings), so a re-run costs a
render, the orientation check and a hash per page.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import io
import os
import re
import shutil
import statistics
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .model import Line
from .orient import Orientation, detect, turn, unturn_box

__all__ = ["OcrResult", "tesseract_problem", "tesseract_version", "render_page", "ocr_image",
           "parse_tsv"]

DEFAULT_LANG = "ind"
# One uniform block of text. Tesseract's default psm 3 (and psm 4, one column) first cut the page
# into blocks, and a stamp or signature over the text makes a block of its own whose lines are
# then lost. Measured with the `ind` model on the Batang pages rendered at 200 dpi with a stamp,
# a signature, a slight tilt and JPEG noise: 94.8 % of words and 96.4 % of numbers read with
# psm 6 against 88.3 % and 87.8 % with psm 4, and no slower; on the real Batang scan and on
# clean renders the two are level (99.5 % of words). But as one block, a ruled table loses most
# of its rows (on the scanned Lampiran of tests/nlp/test_ocr.py, 1 of 5): a page with the rules
# of a table (three or more vertical ones) is read with TABLE_PSM.
DEFAULT_PSM = 6
TABLE_PSM = 4
DEFAULT_DPI = 300
# A page image larger than this (pixels) is rendered at a lower resolution: a 2 m wide poster
# page at 300 dpi would need gigabytes.
MAX_PIXELS = 40_000_000
TESSERACT_TIMEOUT = 180.0  # seconds for one page
FLIP_BELOW = 0.5  # mean word confidence under which the page is read the other way up too
# Temporary page images go to memory where the system offers it.
_TMP_DIR = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


@dataclass
class OcrResult:
    lines: list[Line]  # boxes in points from the page's top-left corner
    confidence: float | None  # mean word confidence 0..1 weighted by word length; None: no words
    words: int
    columnar: bool = False  # tesseract read a table column by column; lines were rebuilt as rows
    cached: bool = False
    tables: list[list[list[str]]] = field(default_factory=list)
    rotation: int = 0  # degrees the page image was turned clockwise to stand upright
    skew: float = 0.0  # tilt of the text lines found, degrees counter-clockwise
    letter_spaced: int = 0  # lines of spaced capitals ("T E N T A N G") read as words


@functools.lru_cache(maxsize=8)
def tesseract_problem(lang: str = DEFAULT_LANG) -> str | None:
    """None when tesseract with ``lang`` can run here, else why not."""
    exe = shutil.which("tesseract")
    if not exe:
        return "tesseract is not installed"
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30,
                             env=_env())
    except (OSError, subprocess.SubprocessError) as exc:
        return f"tesseract cannot run: {exc}"
    langs = {line.strip() for line in (out.stdout + out.stderr).splitlines()}
    missing = [part for part in lang.split("+") if part not in langs]
    if missing:
        return f"tesseract language data missing: {', '.join(missing)}"
    return None


@functools.lru_cache(maxsize=1)
def tesseract_version() -> str:
    exe = shutil.which("tesseract")
    if not exe:
        return "none"
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30, env=_env())
    first = (out.stdout or out.stderr).strip().splitlines()
    return first[0] if first else "unknown"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


def render_page(page, dpi: int = DEFAULT_DPI) -> tuple[bytes, float]:
    """A PDFium page as a binary PGM image at ``dpi`` (lowered for huge pages), and the dpi used."""
    width, height = page.get_size()
    pixels = (width * dpi / 72) * (height * dpi / 72)
    if pixels > MAX_PIXELS:
        dpi = dpi * (MAX_PIXELS / pixels) ** 0.5 * 0.999  # stay under after rounding
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    try:
        image = bitmap.to_pil()
        if image.mode != "L":
            image = image.convert("L")
        header = f"P5\n{image.width} {image.height}\n255\n".encode()
        return header + image.tobytes(), dpi
    finally:
        bitmap.close()


def run_tesseract(image: bytes, *, lang: str, psm: int, dpi: float,
                  timeout: float = TESSERACT_TIMEOUT) -> str:
    """Tesseract's TSV for one image given as bytes (any format leptonica reads)."""
    exe = shutil.which("tesseract")
    if not exe:
        raise RuntimeError("tesseract is not installed")
    fd, path = tempfile.mkstemp(prefix="pantau-ocr-", suffix=".pnm", dir=_TMP_DIR)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(image)
        cmd = [exe, path, "stdout", "-l", lang, "--psm", str(psm), "--dpi", str(round(dpi)), "tsv"]
        out = subprocess.run(cmd, capture_output=True, timeout=timeout, env=_env())
    finally:
        os.unlink(path)
    if out.returncode != 0:
        err = out.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"tesseract failed ({out.returncode}): {err[-1] if err else ''}")
    return out.stdout.decode("utf-8", "replace")


def cache_key(image: bytes, *, lang: str, psm: int, dpi: float) -> str:
    h = hashlib.sha256(f"{tesseract_version()}|{lang}|psm{psm}|dpi{round(dpi)}|".encode())
    h.update(image)
    return h.hexdigest()


def _cache_get(cache_dir: Path | None, key: str) -> str | None:
    if cache_dir is None:
        return None
    try:
        return (cache_dir / key[:2] / f"{key}.tsv").read_text(encoding="utf-8")
    except OSError:
        return None


def _cache_put(cache_dir: Path | None, key: str, tsv: str) -> None:
    if cache_dir is None:
        return
    folder = cache_dir / key[:2]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a killed run never leaves half a file that a later run trusts.
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(tsv)
        os.replace(tmp, folder / f"{key}.tsv")
    except OSError:
        pass  # a cache that cannot be written only costs time


def ocr_image(image: bytes, *, dpi: float, lang: str = DEFAULT_LANG, psm: int | None = None,
              cache_dir: str | Path | None = None,
              timeout: float = TESSERACT_TIMEOUT, orient: bool = True) -> OcrResult:
    """OCR one page image; same image and settings -> same result, from the cache if present.

    ``psm`` (tesseract's page segmentation mode) defaults to ``DEFAULT_PSM`` for prose and
    ``TABLE_PSM`` for a page with the rules of a table.

    With ``orient`` the page is first stood upright (:mod:`nlp.text.orient`) and, when the
    reading's confidence is under ``FLIP_BELOW``, read again the other way up; boxes are always
    on the page as scanned.
    """
    from PIL import Image

    folder = Path(cache_dir) if cache_dir is not None else None
    page = Image.open(io.BytesIO(image))
    if page.mode != "L":
        page = page.convert("L")
    orientation = detect(page) if orient else Orientation()
    settings = {"dpi": dpi, "lang": lang, "psm": psm, "folder": folder, "timeout": timeout}
    result = _read(page, image, orientation, **settings)
    if orient and result.confidence is not None and result.confidence < FLIP_BELOW:
        other = _read(page, image, orientation.flipped(), **settings)
        if (other.confidence or 0.0) > result.confidence:
            result = other
    return result


def _read(page, raw: bytes, orientation: Orientation, *, dpi: float, lang: str, psm: int | None,
          folder: Path | None, timeout: float) -> OcrResult:
    """One reading of ``page`` stood as ``orientation`` says; boxes mapped back onto the scan."""
    upright = turn(page, orientation)
    data = raw if upright is page else _pgm(upright)
    rules = ruling_lines(upright) if may_have_rules(upright) else ([], [])
    if psm is None:
        psm = TABLE_PSM if len(rules[0]) >= 3 else DEFAULT_PSM
    key = cache_key(data, lang=lang, psm=psm, dpi=dpi) if folder is not None else ""
    tsv = _cache_get(folder, key)
    cached = tsv is not None
    if tsv is None:
        tsv = run_tesseract(data, lang=lang, psm=psm, dpi=dpi, timeout=timeout)
        _cache_put(folder, key, tsv)
    scale = 72.0 / dpi
    result = parse_tsv(tsv, scale=scale, rules=rules)
    result.cached = cached
    result.rotation, result.skew = orientation.degrees, orientation.skew
    if upright is not page:
        size = (page.width * scale, page.height * scale)
        for line in result.lines:
            if line.bbox:
                line.bbox = unturn_box(line.bbox, orientation, size)
    return result


def _pgm(image) -> bytes:
    return f"P5\n{image.width} {image.height}\n255\n".encode() + image.tobytes()


# --------------------------------------------------------------------------- TSV

@dataclass
class _Word:
    text: str
    conf: float
    left: float
    top: float
    right: float
    bottom: float


def parse_tsv(tsv: str, scale: float = 1.0, rules=None) -> OcrResult:
    """Lines (tesseract's order), page confidence and a column-by-column check from TSV output.

    ``scale`` converts pixels to the unit wanted for boxes (72/dpi for points); ``rules`` are
    the page image's :func:`ruling_lines`, used to cut a scanned table into rows and cells.
    """
    lines: dict[tuple[int, int, int], list[_Word]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        if not text:
            continue
        try:
            left, top, width, height = (float(v) for v in cols[6:10])
            conf = float(cols[10])
        except ValueError:
            continue
        key = (int(cols[2]), int(cols[3]), int(cols[4]))
        lines.setdefault(key, []).append(
            _Word(text, conf, left * scale, top * scale, (left + width) * scale,
                  (top + height) * scale))
    words = [w for ws in lines.values() for w in ws]
    scored = [(w.conf, len(w.text)) for w in words if w.conf >= 0]
    weight = sum(n for _, n in scored)
    confidence = round(sum(c * n for c, n in scored) / weight / 100, 4) if weight else None
    out = []
    spaced = 0
    for ws in lines.values():
        text, joined = _join_words(ws)
        spaced += joined
        out.append(Line(text, (min(w.left for w in ws), min(w.top for w in ws),
                               max(w.right for w in ws), max(w.bottom for w in ws))))
    out = [_fix_list_marker(line) for line in out]
    result = OcrResult(out, confidence, len(words), letter_spaced=spaced)
    columnar = is_columnar(out)
    table = ruled_table(list(lines.values()), rules, scale) if rules else None
    if table is not None:
        result.lines, result.tables = table
        result.columnar = columnar
    elif columnar:
        result.columnar = True
        result.lines, result.tables = rows_from_columns(list(lines.values()))
    return result


LETTER_RUN = 4  # single letters in a row that make a spaced-out word ("T E N T A N G")


def _join_words(ws: list[_Word]) -> tuple[str, int]:
    """A line's text from its words, with letter-spaced headings closed up: a run of at least
    ``LETTER_RUN`` one-letter words is one word, cut where the gap is twice the run's usual gap
    ("P E R A T U R A N   B U P A T I" -> "PERATURAN BUPATI"). Returns (text, 1 if repaired)."""
    parts: list[str] = []
    repaired = 0
    i = 0
    while i < len(ws):
        j = i
        while j < len(ws) and len(ws[j].text) == 1 and ws[j].text.isalpha():
            j += 1
        if j - i >= LETTER_RUN:
            run = ws[i:j]
            gaps = [b.left - a.right for a, b in zip(run, run[1:])]
            usual = statistics.median(gaps)
            word = run[0].text
            for gap, w in zip(gaps, run[1:]):
                if gap > 2 * max(usual, 1e-6):
                    parts.append(word)
                    word = w.text
                else:
                    word += w.text
            parts.append(word)
            repaired = 1
            i = j
        else:
            parts.append(ws[i].text)
            i += 1
    return " ".join(parts), repaired


# --------------------------------------------------------------------------- scanned tables

_RULE = re.compile(r"[|¦]+")  # a ruling line read as a character
RULE_DARK = 110  # mean grey of a band (0 black .. 255 white) under which a rule crosses it
RULE_BANDS = 64


def ruling_lines(image) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
    """Long vertical and horizontal rules of a page image (PIL image or image bytes), in pixels.

    The image is averaged down to 64 bands across the rule's direction; a pixel column that is
    dark in three or more consecutive bands is a candidate, kept if at full resolution it is
    dark on nearly every pixel of that stretch (text is broken up between lines; a rule is not).
    Horizontal rules likewise, with bands across the width. Returns
    ``([(x, top, bottom)], [(y, left, right)])``.
    """
    from PIL import Image

    img = Image.open(io.BytesIO(image)) if isinstance(image, (bytes, bytearray)) else image
    if img.mode != "L":
        img = img.convert("L")
    return _rules(img, vertical=True), _rules(img, vertical=False)


RULE_MIN_BANDS = 3
RULE_SOLID = 0.95  # share of the stretch's pixels a rule must cover


def may_have_rules(img) -> bool:
    """Whether a page image may hold a ruled table, from a quarter-size copy (a millisecond):
    a column or row of it dark without a break over RULE_MIN_BANDS / RULE_BANDS of the page.
    Pages of prose have none, and are spared :func:`ruling_lines` (20-30 ms at 300 dpi)."""
    import numpy as np

    small = np.asarray(img.reduce(4)) < 170
    if small.size == 0:
        return False
    for dark, length in ((small, small.shape[0]), (small.T, small.shape[1])):
        need = max(2, int(length * RULE_MIN_BANDS / RULE_BANDS))
        # longest run of dark pixels in each column: count of consecutive darks via cumsum reset
        run = np.zeros(dark.shape[1], dtype=np.int32)
        best = np.zeros(dark.shape[1], dtype=np.int32)
        for row in dark:
            run = (run + 1) * row
            np.maximum(best, run, out=best)
        if best.max() >= need:
            return True
    return False


def _rules(img, *, vertical: bool) -> list[tuple[int, int, int]]:
    """Rules of an image: vertical ones as (x, top, bottom), horizontal ones as (y, left, right),
    in pixels. Vectorised over the pixel lines (numpy): for each, its first longest run of
    dark bands."""
    import numpy as np
    from PIL import Image

    w, h = img.size
    length_px, across = (h, w) if vertical else (w, h)
    band = length_px / RULE_BANDS
    if vertical:
        dark = np.asarray(img.resize((w, RULE_BANDS), Image.BOX)) < RULE_DARK  # bands x columns
    else:
        dark = (np.asarray(img.resize((RULE_BANDS, h), Image.BOX)) < RULE_DARK).T  # bands x rows
    run_start = np.full(across, -1)
    best_first = np.zeros(across, dtype=int)
    best_len = np.zeros(across, dtype=int)  # 0: no run of RULE_MIN_BANDS yet
    for b in range(RULE_BANDS + 1):
        row = dark[b] if b < RULE_BANDS else np.zeros(across, dtype=bool)
        run_start[row & (run_start < 0)] = b
        ending = ~row & (run_start >= 0)
        length = b - run_start
        better = ending & (length >= RULE_MIN_BANDS) & (length > best_len)
        best_first[better] = run_start[better]
        best_len[better] = length[better]
        run_start[ending] = -1
    found = np.nonzero(best_len)[0]
    out: list[tuple[int, int, int]] = []
    if not len(found):
        return out
    for group in np.split(found, np.nonzero(np.diff(found) > 1)[0] + 1):
        first = int(best_first[group].min())
        last = int((best_first[group] + best_len[group] - 1).max())
        lo, hi = int(first * band), min(length_px, int((last + 1) * band))
        a0, a1 = max(0, int(group[0]) - 2), min(across, int(group[-1]) + 3)
        if vertical:
            strip = np.asarray(img.crop((a0, lo, a1, hi)).resize((1, hi - lo), Image.BOX))
        else:
            strip = np.asarray(img.crop((lo, a0, hi, a1)).resize((hi - lo, 1), Image.BOX))
        if int((strip < 170).sum()) >= RULE_SOLID * (hi - lo):
            out.append(((int(group[0]) + int(group[-1])) // 2, lo, hi))
    return out


def ruled_table(word_lines: list[list[_Word]], rules, scale: float):
    """Rows and cells of a ruled table on a scanned page, cut along its printed rules.

    Columns are the spaces between vertical rules; rows the spaces between horizontal rules
    (or, without them, words at the same height). This holds whether tesseract read the table
    row by row or column by column. Returns (lines of the page, [table]) or None.
    """
    verticals, horizontals = rules
    v = [(x * scale, top * scale, bottom * scale) for x, top, bottom in verticals]
    if len(v) < 3:
        return None
    top, bottom = min(r[1] for r in v), max(r[2] for r in v)
    xs = sorted(r[0] for r in v)
    width = xs[-1] - xs[0]
    ys = sorted(y * scale for y, left, right in horizontals
                if top - 5 <= y * scale <= bottom + 5 and (right - left) * scale >= 0.5 * width)
    inside: list[_Word] = []
    outside: list[list[_Word]] = []
    for ws in word_lines:
        keep = []
        for w in ws:
            cx, cy = (w.left + w.right) / 2, (w.top + w.bottom) / 2
            if xs[0] <= cx <= xs[-1] and top <= cy <= bottom:
                if not _RULE.fullmatch(w.text):
                    inside.append(w)
            elif not _RULE.fullmatch(w.text):
                keep.append(w)
        if keep:
            outside.append(keep)
    if not inside:
        return None
    heights = sorted(w.bottom - w.top for w in inside)
    h = heights[len(heights) // 2]
    bands: list[list[_Word]] = []
    if len(ys) >= 2:
        by_band: dict[int, list[_Word]] = {}
        for w in inside:
            i = bisect.bisect_right(ys, (w.top + w.bottom) / 2)
            by_band.setdefault(i, []).append(w)
        bands = [by_band[i] for i in sorted(by_band)]
    else:
        for w in sorted(inside, key=lambda w: (w.top + w.bottom) / 2):
            cy = (w.top + w.bottom) / 2
            if bands and cy - max(x.bottom for x in bands[-1]) < 0.3 * h:
                bands[-1].append(w)
            else:
                bands.append([w])
    rows, table = [], []
    for band in bands:
        cells = []
        for left, right in zip(xs, xs[1:]):
            ws = [w for w in band if left <= (w.left + w.right) / 2 < right]
            cells.append(_cell_text(ws, h))
        table.append(cells)
        box = (min(w.left for w in band), min(w.top for w in band),
               max(w.right for w in band), max(w.bottom for w in band))
        rows.append(Line("\t".join(cells), box, "row"))
    before = [ws for ws in outside if min(w.top for w in ws) < top]
    after = [ws for ws in outside if min(w.top for w in ws) >= top]
    lines = [_fix_list_marker(_line(ws)) for ws in before] + rows \
        + [_fix_list_marker(_line(ws)) for ws in after]
    return lines, [table]


def _line(ws: list[_Word]) -> Line:
    return Line(" ".join(w.text for w in ws),
                (min(w.left for w in ws), min(w.top for w in ws),
                 max(w.right for w in ws), max(w.bottom for w in ws)))


def _cell_text(ws: list[_Word], h: float) -> str:
    """Words of one cell in reading order: text lines top to bottom, words left to right."""
    lines: list[list[_Word]] = []
    for w in sorted(ws, key=lambda w: w.top):
        if lines and w.top - lines[-1][0].top < 0.5 * h:
            lines[-1].append(w)
        else:
            lines.append([w])
    return " ".join(w.text for line in lines for w in sorted(line, key=lambda w: w.left))


def _fix_list_marker(line: Line) -> Line:
    # Tesseract reads a list item "c." as "Cc." (seen on the Batang scans).
    if line.text.startswith("Cc. "):
        line.text = "c. " + line.text[4:]
    return line


def _v_overlap(a, b) -> float:
    return min(a[3], b[3]) - max(a[1], b[1])


def is_columnar(lines: list[Line]) -> bool:
    """True when tesseract emitted side-by-side text one column after the other (a table).

    Lines that share a printed row (overlap vertically, disjoint horizontally) but are far apart
    in tesseract's order show that it read down each column instead of across the rows.
    """
    boxed = [(i, ln.bbox) for i, ln in enumerate(lines) if ln.bbox]
    if len(boxed) < 8:
        return False
    scattered = set()
    for a in range(len(boxed)):
        ia, ba = boxed[a]
        ha = ba[3] - ba[1]
        for b in range(a + 2, len(boxed)):  # a+1 would be the natural next line
            ib, bb = boxed[b]
            hb = bb[3] - bb[1]
            if _v_overlap(ba, bb) >= 0.5 * min(ha, hb) and (bb[0] >= ba[2] or ba[0] >= bb[2]):
                scattered.update((ia, ib))
    return len(scattered) >= max(6, 0.3 * len(boxed))


def rows_from_columns(word_lines: list[list[_Word]]) -> tuple[list[Line], list[list[str]]]:
    """Rebuild rows from tesseract lines read column by column: lines printed at the same height
    become one row, their texts (cells) ordered left to right and joined by TAB."""
    cells = [(" ".join(w.text for w in ws),
              (min(w.left for w in ws), min(w.top for w in ws),
               max(w.right for w in ws), max(w.bottom for w in ws))) for ws in word_lines if ws]
    cells.sort(key=lambda c: (c[1][1], c[1][0]))
    heights = [c[1][3] - c[1][1] for c in cells]
    tolerance = 0.5 * (statistics.median(heights) if heights else 0)
    rows: list[list[tuple[str, tuple]]] = []
    for cell in cells:
        centre = (cell[1][1] + cell[1][3]) / 2
        if rows:
            last = rows[-1]
            band = (min(c[1][1] for c in last), max(c[1][3] for c in last))
            if band[0] - tolerance <= centre <= band[1] and _v_overlap(last[0][1], cell[1]) > 0:
                last.append(cell)
                continue
        rows.append([cell])
    lines, table = [], []
    for row in rows:
        row.sort(key=lambda c: c[1][0])
        texts = [c[0] for c in row]
        box = (min(c[1][0] for c in row), min(c[1][1] for c in row),
               max(c[1][2] for c in row), max(c[1][3] for c in row))
        lines.append(Line("\t".join(texts), box, "row" if len(row) > 1 else "text"))
        if len(row) > 1:
            table.append(texts)
    return lines, ([table] if table else [])



