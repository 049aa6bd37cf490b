"""Clean page text: unmappable glyphs and ligatures, running page numbers, repeated headers and
footers, catchwords, Menimbang/Mengingat labels printed beside their items, and line-end
hyphenation."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from rapidfuzz import fuzz

from .model import BBox, Line

# pdfminer writes "(cid:12)" for glyphs it cannot map to Unicode (fonts without ToUnicode);
# they carry no text, and a page made of them needs OCR like a scan.
_CID = re.compile(r"\(cid:\d+\)")
LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                           "\ufb04": "ffl", "\u00a0": " ", "\u00ad": "", "\u200b": "",
                           "\ufeff": ""})


def clean_glyphs(text: str) -> str:
    return _CID.sub("", text.translate(LIGATURES))


def clean_lines(lines: list[Line]) -> list[Line]:
    out = []
    for ln in lines:
        text = clean_glyphs(ln.text)
        text = text.strip() if ln.kind == "row" else re.sub(r"[ \t]+", " ", text).strip()
        if text.strip():
            out.append(Line(text, ln.bbox, ln.kind))
    return out


def join_lines(lines: list[Line]) -> tuple[str, list[tuple[int, int, BBox | None]]]:
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


# As OCR reads "- 3 -": a dash lost or read as another stroke ("-3", "~ 3 -", "— 3 =", "3 -").
_DASHES = r"[-–—~=_.·•*»«]"
_OCR_PAGE_NUMBER_LINE = re.compile(
    r"^\s*" + _DASHES + r"{0,2}\s*(?P<value>\d{1,4})\s*" + _DASHES + r"{1,2}\s*$"
    r"|^\s*" + _DASHES + r"{1,2}\s*(?P<value2>\d{1,4})\s*$")


def _page_number_value(line: str, loose: bool = False) -> tuple[int, bool] | None:
    """``(value, decorated)`` when the line is only a page number, else None. ``loose``: as OCR
    may read a decorated number."""
    m = _PAGE_NUMBER_LINE.match(line)
    if not m and loose:
        mo = _OCR_PAGE_NUMBER_LINE.match(line)
        if mo:
            return int(mo.group("value") or mo.group("value2")), True
    if not m:
        return None
    if m.group("plain"):
        return int(m.group("plain")), False
    return int(m.group("dashed") or m.group("worded")), True


def _page_number_lines(pages: dict[int, list[str]], loose=frozenset()) -> dict[int, set[int]]:
    """Indices of the lines that are running page numbers, printed at the top or bottom.

    The first and last line of a page are page numbers when they hold only a number that is
    plausible as one. Word sometimes puts a signature or footnote box below the footer, so the
    page number can also be the second line or one of the last three; those are removed only
    when their value matches the numbering the rest of the document follows (same offset
    between physical page and printed number), so a lone number in the body is kept. On pages
    in ``loose`` (OCR) a decoration misread is forgiven ("-3", "~ 3 =").
    """
    if not pages:
        return {}
    limit = max(pages) + 5
    offsets: Counter[int] = Counter()
    bodies = {n: [i for i, line in enumerate(lines) if line.strip()] for n, lines in pages.items()}
    for n, lines in pages.items():
        body = bodies[n]
        for i in (body[:1] + body[-1:]) if body else []:
            v = _page_number_value(lines[i], n in loose)
            if v and 0 <= v[0] <= limit:
                offsets[n - v[0]] += 1
    usual = offsets.most_common(1)[0][0] if offsets else None

    out: dict[int, set[int]] = {}
    for n, lines in pages.items():
        body = bodies[n]
        drop: set[int] = set()
        if body:
            for i in {body[0], body[-1]}:
                v = _page_number_value(lines[i], n in loose)
                if v and (v[1] or 0 <= v[0] <= limit):
                    drop.add(i)
            for i in body[1:2] + body[-3:-1]:
                v = _page_number_value(lines[i], n in loose)
                if v and usual is not None and n - v[0] == usual:
                    drop.add(i)
        out[n] = drop
    return out


def strip_page_numbers(raw: dict[int, str]) -> dict[int, str]:
    """Remove running page numbers from page texts (see :func:`_page_number_lines`)."""
    lines_by_page = {n: t.split("\n") for n, t in raw.items()}
    drop = _page_number_lines(lines_by_page)
    return {n: "\n".join(line.rstrip() for i, line in enumerate(lines)
                         if i not in drop[n]).strip("\n")
            for n, lines in lines_by_page.items()}


_DIGITS = re.compile(r"\d+")
HEADER_BAND = 0.15  # share of the page height at the top (and bottom) where running lines sit


def running_lines(pages: dict[int, list[Line]],
                  sizes: dict[int, tuple[float, float] | None],
                  loose=frozenset()) -> dict[int, set[int]]:
    """Indices of running page numbers, repeated headers/footers and catchwords on each page.

    A header or footer is one of the first or last two lines of a page (inside the top or bottom
    15 % when its box is known) whose text, digits aside, recurs on at least half of the pages
    (and three). It is removed where the text is the same everywhere, or where its number
    follows the page number ("Perbup 30/2024 hal. 4"); so "Pasal 5" opening many pages stays.
    Table rows are never headers: a Lampiran table repeats its header row on purpose.

    On pages in ``loose`` (read by OCR) the same header is read a little differently each time:
    there texts are compared letters only, and one within ``OCR_SIMILARITY`` of another is the
    same; a decorated page number is found wherever OCR put it in the top or bottom band.
    Catchwords are removed on every page (:func:`_catchwords`).
    """
    keys = {n: [i for i, ln in enumerate(lines) if ln.kind != "row"] for n, lines in pages.items()}
    texts = {n: [lines[i].text for i in keys[n]] for n, lines in pages.items()}
    numbered = _page_number_lines(texts, loose)
    drop = {n: {keys[n][j] for j in numbered.get(n, ())} for n in pages}
    for n in loose:
        height = (sizes.get(n) or (0, 0))[1]
        for i in keys.get(n, ()):
            ln = pages[n][i]
            if height and ln.bbox and (ln.bbox[3] <= PAGE_NUMBER_BAND * height
                                       or ln.bbox[1] >= (1 - PAGE_NUMBER_BAND) * height) \
                    and _page_number_value(ln.text, True):
                drop[n].add(i)
    with_text = [n for n, lines in pages.items() if lines]
    if len(with_text) < 3:
        return _with_catchwords(drop, pages, keys, sizes, loose)
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
                if n in loose:
                    norm = _loose_key(norm, where, found)
                if len(norm) <= 120:
                    found[(where, norm)].append((n, i, ln.text))
    for occurrences in found.values():
        if len({n for n, _, _ in occurrences}) < need:
            continue
        same = Counter(" ".join(t.split()) for _, _, t in occurrences)
        if any(n in loose for n, _, _ in occurrences):
            # OCR reads the same header a little differently on each page: count readings alike
            # (same digits, letters within OCR_SIMILARITY) as the same text
            same = _alike_counts([t for _, _, t in occurrences])
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
    return _with_catchwords(drop, pages, keys, sizes, loose)


PAGE_NUMBER_BAND = 0.08  # top and bottom share of an OCR page where a number alone is its page number
OCR_SIMILARITY = 85  # rapidfuzz ratio (0-100) at which two OCR readings of a header are the same


def _loose_key(norm: str, where: str, found: dict) -> str:
    """The key of a header read by OCR: letters and digit marks only, merged into an existing
    key of the same band when they are within ``OCR_SIMILARITY``."""
    key = re.sub(r"[^a-z#]+", "", norm)
    if len(key) < 6:
        return norm  # too short to compare loosely ("#", "a.")
    for (w, other) in found:
        if w == where and len(other) >= 6 and fuzz.ratio(key, other) >= OCR_SIMILARITY:
            return other
    return key


def _alike_counts(texts: list[str]) -> Counter:
    """For each text (whitespace collapsed), how many of ``texts`` read alike: the same digits
    and letters within ``OCR_SIMILARITY`` ("Pasal 15" and "Pasal 16" are not alike)."""
    keys = [(re.sub(r"\D", "", x), re.sub(r"[^a-z]", "", x.casefold())) for x in texts]
    out: Counter = Counter()
    for x, (digits, letters) in zip(texts, keys):
        out[" ".join(x.split())] = max(out[" ".join(x.split())], sum(
            1 for d, l in keys if d == digits and fuzz.ratio(letters, l) >= OCR_SIMILARITY))
    return out


# A catchword: the words that open the next page printed at the foot of this one, ending in dots
# ("Pasal 8 . . .", "b. bahwa …", "/ (2) Penerima …").
_CATCHWORD = re.compile(r"^\s*/?\s*(?P<words>\S.{0,60}?)\s*(?:\.\s?){3,}\s*$|^\s*/?\s*(?P<words2>\S.{0,60}?)\s*…\s*$")


def _with_catchwords(drop, pages, keys, sizes, loose):
    """``drop`` and the catchwords, found once headers and page numbers are set aside."""
    for n, i in _catchwords(pages, keys, drop, sizes, loose):
        drop[n].add(i)
    return drop


def _catchwords(pages: dict[int, list[Line]], keys: dict[int, list[int]], drop: dict[int, set[int]],
                sizes: dict, loose) -> list[tuple[int, int]]:
    """(page, line index) of catchwords: the last line of a page, a few words ending in dots
    (and right of the middle when its box is known), that the next page begins with."""
    out = []
    numbers = sorted(pages)
    for n, nxt in zip(numbers, numbers[1:]):
        body = [i for i in keys[n] if i not in drop[n]]
        following = [i for i in keys[nxt] if i not in drop[nxt]]
        if not body or not following:
            continue
        last = pages[n][body[-1]]
        m = _CATCHWORD.match(last.text)
        if not m:
            continue
        words = " ".join((m.group("words") or m.group("words2")).split()).casefold()
        width = (sizes.get(n) or (0, 0))[0]
        if len(words.split()) > 6 or (last.bbox and width and last.bbox[0] < 0.4 * width):
            continue
        opening = " ".join(pages[nxt][following[0]].text.split()).casefold()[:len(words) + 2]
        if opening.startswith(words) or (n in loose and fuzz.partial_ratio(words, opening) >= OCR_SIMILARITY):
            out.append((n, body[-1]))
    return out


# Labels of the considerations and legal bases, printed in a column left of their items.
_LABEL = re.compile(r"^(?:(?:menimbang|mengingat|memperhatikan|mendengar|menetapkan)\s*:?|:)$",
                    re.IGNORECASE)


def attach_labels(lines: list[Line]) -> list[Line]:
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

        def in_column(ln: Line, column: float = column) -> bool:
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


def repair_hyphenation_lines(lines: list[Line]) -> list[Line]:
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


def repair_hyphenation(text: str) -> str:
    """:func:`repair_hyphenation_lines` on a text's lines."""
    return "\n".join(ln.text for ln in repair_hyphenation_lines(
        [Line(t) for t in text.split("\n")]))
