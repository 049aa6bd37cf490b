"""Text of a Word .docx file, read straight from ``word/document.xml`` (a zip of XML).

Paragraphs become lines, table rows become lines of TAB-joined cells, explicit page breaks start
a new page, and Word's automatic list numbering ("a.", "1.") is written out, because the items of
Menimbang and Mengingat are numbered that way and their markers carry meaning.
"""

from __future__ import annotations

import io
import zipfile

from .cleanup import clean_glyphs
from .model import ExtractedText, Page, TextExtractionError
from .quality import quality_of
from .sniff import DOCX

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(data: bytes, *, max_bytes: int) -> ExtractedText:
    """A .docx as text, one page per explicit page break; raises TextExtractionError for a bad or
    huge file."""
    pages = []
    for number, (lines, tables) in enumerate(_pages(data, max_bytes=max_bytes), start=1):
        text = clean_glyphs("\n".join(lines))
        pages.append(Page(number, text, "text", quality_of(text), None, [], tables))
    return ExtractedText(DOCX, pages, {})


def _pages(data: bytes, *, max_bytes: int) -> list[tuple[list[str], list[list[list[str]]]]]:
    """Pages of a .docx as (lines, tables); raises TextExtractionError for a bad or huge file."""
    import lxml.etree

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        info = archive.getinfo("word/document.xml")
    except KeyError as exc:
        raise TextExtractionError("corrupt", "zip file has no word/document.xml: "
                                  "not a Word document") from exc
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TextExtractionError("corrupt", f"DOCX cannot be opened: {exc}") from exc
    # A small zip can inflate to gigabytes; refuse before inflating.
    if info.file_size > max_bytes * 20:
        raise TextExtractionError(
            "too_large", f"word/document.xml inflates to {info.file_size:,} bytes")
    try:
        parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = lxml.etree.fromstring(archive.read(info), parser)
        numbering = _numbering(archive, parser)
    except (lxml.etree.XMLSyntaxError, zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TextExtractionError("corrupt", f"DOCX cannot be read: {exc}") from exc

    body = root.find(f"{W}body")
    pages: list[tuple[list[str], list]] = [([], [])]
    counters: dict[tuple[str, int], int] = {}
    if body is None:
        return pages
    for el in body:
        if el.tag == f"{W}p":
            text, breaks = _paragraph(el, numbering, counters)
            parts = text.split("\f")
            for i, part in enumerate(parts):
                if i:
                    pages.append(([], []))
                if part.strip():
                    pages[-1][0].append(part.strip())
        elif el.tag == f"{W}tbl":
            rows = []
            for tr in el.iter(f"{W}tr"):
                cells = []
                for tc in tr.findall(f"{W}tc"):
                    paras = [_paragraph(p, numbering, counters)[0].replace("\f", " ")
                             for p in tc.iter(f"{W}p")]
                    cells.append(" ".join(" ".join(p.split()) for p in paras if p.strip()))
                rows.append(cells)
                if any(cells):
                    pages[-1][0].append("\t".join(cells))
            pages[-1][1].append(rows)
    return pages


def _paragraph(p, numbering, counters) -> tuple[str, int]:
    out: list[str] = []
    breaks = 0
    num = p.find(f"{W}pPr/{W}numPr")
    if num is not None:
        marker = _marker(num, numbering, counters)
        if marker:
            out.append(marker + " ")
    for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}delText"):
        tag = node.tag
        if tag == f"{W}t":
            out.append(node.text or "")
        elif tag == f"{W}tab":
            out.append("\t")
        elif tag == f"{W}br" and node.get(f"{W}type") == "page":
            out.append("\f")
            breaks += 1
        elif tag in (f"{W}br", f"{W}cr"):
            out.append("\n")
    return "".join(out), breaks


def _numbering(archive, parser) -> dict:
    """numId -> {level: (format, text pattern, start)} from word/numbering.xml."""
    import lxml.etree

    try:
        root = lxml.etree.fromstring(archive.read("word/numbering.xml"), parser)
    except KeyError:
        return {}
    abstract = {}
    for an in root.findall(f"{W}abstractNum"):
        levels = {}
        for lvl in an.findall(f"{W}lvl"):
            fmt = lvl.find(f"{W}numFmt")
            txt = lvl.find(f"{W}lvlText")
            start = lvl.find(f"{W}start")
            levels[int(lvl.get(f"{W}ilvl", "0"))] = (
                fmt.get(f"{W}val") if fmt is not None else "decimal",
                txt.get(f"{W}val") if txt is not None else "%1.",
                int(start.get(f"{W}val")) if start is not None else 1)
        abstract[an.get(f"{W}abstractNumId")] = levels
    out = {}
    for num in root.findall(f"{W}num"):
        ref = num.find(f"{W}abstractNumId")
        if ref is not None:
            out[num.get(f"{W}numId")] = abstract.get(ref.get(f"{W}val"), {})
    return out


def _marker(num_pr, numbering, counters) -> str:
    ilvl_el, id_el = num_pr.find(f"{W}ilvl"), num_pr.find(f"{W}numId")
    if id_el is None:
        return ""
    num_id = id_el.get(f"{W}val")
    level = int(ilvl_el.get(f"{W}val")) if ilvl_el is not None else 0
    levels = numbering.get(num_id)
    if not levels or level not in levels:
        return ""
    fmt, pattern, start = levels[level]
    counters[(num_id, level)] = counters.get((num_id, level), start - 1) + 1
    for deeper in [k for k in counters if k[0] == num_id and k[1] > level]:
        del counters[deeper]  # a new parent item restarts its children
    if fmt == "bullet":
        return "•"
    if fmt == "none":
        return ""

    def value(lvl: int) -> str:
        n = counters.get((num_id, lvl), levels.get(lvl, ("decimal", "", 1))[2])
        f = levels.get(lvl, ("decimal", "", 1))[0]
        return _format(n, f)

    out = pattern
    for lvl in range(level, -1, -1):
        out = out.replace(f"%{lvl + 1}", value(lvl))
    return out


def _format(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        s = ""
        while n > 0:
            n, r = divmod(n - 1, 26)
            s = chr(97 + r) + s
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman"):
        vals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
        s = ""
        for v, sym in vals:
            while n >= v:
                s += sym
                n -= v
        return s.upper() if fmt == "upperRoman" else s
    return str(n)
