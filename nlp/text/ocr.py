"""OCR of page images with the ``tesseract`` command: lines with boxes and a confidence per page.

Pages are rendered by the caller (PDFium, 300 dpi grey) and sent to tesseract as PGM on stdin;
its TSV output gives every word's box and confidence. Tesseract runs with
``OMP_THREAD_LIMIT=1``: on two cores its OpenMP threads make it ~5x slower, so parallelism is one
tesseract process per core instead. Results are cached by a hash of the page image (plus the
tesseract version, language and settings), so a re-run costs a render and a hash per page.
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

__all__ = ["OcrResult", "tesseract_problem", "tesseract_version", "render_page", "ocr_image",
           "parse_tsv"]

DEFAULT_LANG = "ind"
# One column of text of varying sizes. Measured on the scanned Batang Perbup with the `ind`
# model: 99.55 % of characters right with psm 4, 98.28 % with tesseract's default psm 3.
DEFAULT_PSM = 4
DEFAULT_DPI = 300
# A page image larger than this (pixels) is rendered at a lower resolution: a 2 m wide poster
# page at 300 dpi would need gigabytes.
MAX_PIXELS = 40_000_000
TESSERACT_TIMEOUT = 180.0  # seconds for one page


@dataclass
class OcrResult:
    lines: list[Line]  # boxes in points from the page's top-left corner
    confidence: float | None  # mean word confidence 0..1 weighted by word length; None: no words
    words: int
    columnar: bool = False  # tesseract read a table column by column; lines were rebuilt as rows
    cached: bool = False
    tables: list[list[list[str]]] = field(default_factory=list)


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
    cmd = [exe, "stdin", "stdout", "-l", lang, "--psm", str(psm), "--dpi", str(round(dpi)), "tsv"]
    out = subprocess.run(cmd, input=image, capture_output=True, timeout=timeout, env=_env())
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


def ocr_image(image: bytes, *, dpi: float, lang: str = DEFAULT_LANG, psm: int = DEFAULT_PSM,
              cache_dir: str | Path | None = None,
              timeout: float = TESSERACT_TIMEOUT) -> OcrResult:
    """OCR one page image; same image and settings -> same result, from the cache if present."""
    folder = Path(cache_dir) if cache_dir is not None else None
    key = cache_key(image, lang=lang, psm=psm, dpi=dpi)
    tsv = _cache_get(folder, key)
    cached = tsv is not None
    if tsv is None:
        tsv = run_tesseract(image, lang=lang, psm=psm, dpi=dpi, timeout=timeout)
        _cache_put(folder, key, tsv)
    result = parse_tsv(tsv, scale=72.0 / dpi, rules=ruling_lines(image))
    result.cached = cached
    return result


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
    out = [Line(" ".join(w.text for w in ws),
                (min(w.left for w in ws), min(w.top for w in ws),
                 max(w.right for w in ws), max(w.bottom for w in ws)))
           for ws in lines.values()]
    out = [_fix_list_marker(line) for line in out]
    result = OcrResult(out, confidence, len(words))
    columnar = is_columnar(out)
    table = ruled_table(list(lines.values()), rules, scale) if rules else None
    if table is not None:
        result.lines, result.tables = table
        result.columnar = columnar
    elif columnar:
        result.columnar = True
        result.lines, result.tables = rows_from_columns(list(lines.values()))
    return result


# --------------------------------------------------------------------------- scanned tables

_RULE = re.compile(r"[|¦]+")  # a ruling line read as a character
RULE_DARK = 110  # mean grey of a band (0 black .. 255 white) under which a rule crosses it
RULE_BANDS = 64


def ruling_lines(image: bytes) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
    """Long vertical and horizontal rules of a page image, in pixels.

    The image is averaged down to 64 bands across the rule's direction; a pixel column that is
    dark in three or more consecutive bands is a candidate, kept if at full resolution it is
    dark on nearly every pixel of that stretch (text is broken up between lines; a rule is not).
    Horizontal rules likewise on the image turned a quarter. Returns
    ``([(x, top, bottom)], [(y, left, right)])``.
    """
    from PIL import Image

    img = Image.open(io.BytesIO(image))
    if img.mode != "L":
        img = img.convert("L")
    # Turned a quarter counter-clockwise, pixel (x, y) lands at (y, width - 1 - x).
    turned = img.transpose(Image.Transpose.ROTATE_90)
    w = img.width
    return _rules(img), [(y, w - 1 - b, w - 1 - a) for y, a, b in _rules(turned)]


_DARK = bytes(1 if v < RULE_DARK else 0 for v in range(256))
RULE_MIN_BANDS = 3
RULE_SOLID = 0.95  # share of the stretch's pixels a rule must cover


def _rules(img) -> list[tuple[int, int, int]]:
    """Vertical rules of an image: (x, top, bottom) in pixels."""
    from PIL import Image

    w, h = img.size
    band = h / RULE_BANDS
    data = img.resize((w, RULE_BANDS), Image.BOX).tobytes()
    run_start = [-1] * w
    best: dict[int, tuple[int, int]] = {}  # x -> longest run of dark bands (first, last)
    for b in range(RULE_BANDS + 1):
        row = data[b * w:(b + 1) * w].translate(_DARK) if b < RULE_BANDS else bytes(w)
        for x in range(w):
            if row[x]:
                if run_start[x] < 0:
                    run_start[x] = b
            elif run_start[x] >= 0:
                first, last = run_start[x], b - 1
                if last - first + 1 >= RULE_MIN_BANDS and \
                        last - first > best.get(x, (0, -1))[1] - best.get(x, (0, -1))[0]:
                    best[x] = (first, last)
                run_start[x] = -1
    out: list[tuple[int, int, int]] = []
    group: list[int] = []
    for x in sorted(best) + [-10]:
        if group and x == group[-1] + 1:
            group.append(x)
            continue
        if group:
            first = min(best[i][0] for i in group)
            last = max(best[i][1] for i in group)
            top, bottom = int(first * band), min(h, int((last + 1) * band))
            x0, x1 = max(0, group[0] - 2), min(w, group[-1] + 3)
            strip = img.crop((x0, top, x1, bottom)).resize((1, bottom - top), Image.BOX)
            dark = sum(1 for v in strip.tobytes() if v < 170)
            if dark >= RULE_SOLID * (bottom - top):
                out.append(((group[0] + group[-1]) // 2, top, bottom))
        group = [x]
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



