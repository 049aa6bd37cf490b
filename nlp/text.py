"""Turn a downloaded file (PDF, HTML or plain text) into clean per-page text, or say why it cannot.

Pages keep their 1-based number so every later fact can cite a page. A page without a usable
text layer (a scan) is returned empty with ``method="none"`` so the caller can route it to OCR;
this module never does OCR itself.
"""

from __future__ import annotations

import bisect
import io
import logging
import re
import time
from collections import Counter
from dataclasses import dataclass, field

__all__ = [
    "Page",
    "ExtractedText",
    "TextExtractionError",
    "PAGE_SEPARATOR",
    "sniff_media_type",
    "extract_text",
]

log = logging.getLogger(__name__)

PAGE_SEPARATOR = "\n\f\n"

PDF = "application/pdf"
HTML = "text/html"
XHTML = "application/xhtml+xml"
PLAIN = "text/plain"
OCTET = "application/octet-stream"

# Fewer non-space characters than this on a PDF page means there is no real text layer
# (a scan, or only a stray page number): the page needs OCR.
MIN_TEXT_CHARS = 20

# pdfplumber's default x_tolerance (3 pt) glues words in PDFs whose writer encodes word gaps as
# small kerning offsets instead of space characters (the WPS Writer "abstrak" sheets came out as
# "SOSIALKETENAGAKERJAANBAGI…"). A gap relative to the font size, as poppler does, splits them.
X_TOLERANCE_RATIO = 0.15


@dataclass
class Page:
    number: int  # 1-based
    text: str
    method: str  # "text" (text layer) | "none" (no usable text layer: needs OCR)
    quality: float  # 0..1, share of tokens that look like words; 0 for empty


@dataclass
class ExtractedText:
    media_type: str  # "application/pdf" | "text/html" | "text/plain"
    pages: list[Page]
    # Page number -> reason, for pages that failed. Those pages are absent from ``pages``.
    page_errors: dict[int, str] = field(default_factory=dict)
    # Doubts about the whole file that did not stop extraction, e.g. a truncated download.
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """All pages joined by a form feed on its own line. Built on each call: keep the result."""
        return PAGE_SEPARATOR.join(p.text for p in self.pages)

    @property
    def needs_ocr(self) -> bool:
        return any(p.method == "none" for p in self.pages)

    def page_at(self, offset: int) -> int:
        """Number of the page holding character ``offset`` of :attr:`text`.

        A separator belongs to the page before it; ``offset == len(text)`` (an end offset) maps
        to the last page.
        """
        starts: list[int] = []
        pos = 0
        for p in self.pages:
            starts.append(pos)
            pos += len(p.text) + len(PAGE_SEPARATOR)
        total = pos - len(PAGE_SEPARATOR) if self.pages else 0
        if not self.pages or offset < 0 or offset > total:
            raise IndexError(f"offset {offset} outside text of length {total}")
        return self.pages[bisect.bisect_right(starts, offset) - 1].number


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


# --------------------------------------------------------------------------- entry point

def extract_text(data: bytes, media_type: str | None = None, *, filename: str | None = None,
                 max_bytes: int = 100 * 2**20, max_pages: int = 2000,
                 timeout: float | None = None) -> ExtractedText:
    """Extract per-page text from a PDF, HTML page or plain-text file.

    ``media_type`` is what the server claimed (parameters such as ``charset`` are used); when it
    is missing or uninformative the type is sniffed. PDF magic bytes always win over a claim,
    but a claim of PDF (by type or by a ``.pdf`` filename) on bytes that are not a PDF raises
    ``not_pdf``, because that is almost always an error page served in place of the document.
    ``timeout`` (seconds, checked between pages) bounds the time spent on one PDF.

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
        return _extract_pdf(data, max_pages=max_pages, timeout=timeout)
    if claimed == PDF or (not claimed and by_ext == PDF):
        raise TextExtractionError("not_pdf", f"file is not a PDF (starts with {_preview(data)})")
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


def _preview(data: bytes, n: int = 40) -> str:
    head = data[:n].decode("latin-1")
    head = re.sub(r"\s+", " ", head).strip()
    head = "".join(ch if ch.isprintable() else "?" for ch in head)
    return repr(head)


# --------------------------------------------------------------------------- PDF

def _extract_pdf(data: bytes, *, max_pages: int, timeout: float | None) -> ExtractedText:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError
    from pdfplumber.utils.exceptions import PdfminerException

    started = time.monotonic()
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

    try:
        raw, errors = _read_pdf_pages(pdf, max_pages=max_pages, timeout=timeout, started=started)
    finally:
        # Not pdf.close(): it would walk the whole page tree again just to close pages we closed.
        pdf.flush_cache()

    if not raw:
        if errors:
            first = min(errors)
            raise TextExtractionError(
                "corrupt", f"no page of the PDF could be read (page {first}: {errors[first]})")
        raise TextExtractionError("corrupt", "PDF has no pages")

    warnings = []
    if b"%%EOF" not in data[-2048:]:
        # pdfminer then rebuilds the document from the objects it finds, and for a file saved
        # with incremental updates those can be an earlier revision: a truncated copy of Perbup
        # Batang 30/2024 reads "NOMOR 33" where the final file says "NOMOR 30".
        warnings.append("PDF looks truncated (no %%EOF at the end): pages may be missing "
                        "or come from an earlier revision of the file")
    texts = _strip_page_numbers({n: _clean_glyphs(t) for n, t in raw.items()})
    pages = []
    for number in sorted(texts):
        text = _repair_hyphenation(texts[number])
        visible = sum(1 for ch in text if not ch.isspace())
        method = "text" if visible >= MIN_TEXT_CHARS else "none"
        if method == "none":
            text = ""  # a stray page number or a few glyphs on a scan are noise, not content
        pages.append(Page(number, text, method, _quality(text)))
    return ExtractedText(PDF, pages, errors, warnings)


def _read_pdf_pages(pdf, *, max_pages: int, timeout: float | None,
                    started: float) -> tuple[dict[int, str], dict[int, str]]:
    """Raw pdfplumber text of each readable page, and the reason for each unreadable one."""
    from pdfminer.pdftypes import resolve1

    # Refuse huge documents before parsing any page; /Count may be wrong, so the loop re-checks.
    try:
        declared = resolve1(resolve1(pdf.doc.catalog.get("Pages")).get("Count"))
    except Exception:
        declared = None
    if isinstance(declared, int) and declared > max_pages:
        raise TextExtractionError(
            "too_many_pages", f"PDF has {declared} pages, over the limit of {max_pages}")

    raw: dict[int, str] = {}
    errors: dict[int, str] = {}
    for number, page, error in _iter_pdf_pages(pdf):
        if number > max_pages:
            raise TextExtractionError(
                "too_many_pages", f"PDF has more than {max_pages} pages")
        if timeout is not None and time.monotonic() - started > timeout:
            raise TextExtractionError(
                "timeout", f"gave up after {timeout:g} s, at page {number}")
        if error is not None:
            errors[number] = error
            continue
        try:
            raw[number] = page.extract_text(x_tolerance_ratio=X_TOLERANCE_RATIO) or ""
        except Exception as exc:  # one unreadable page must not cost the others
            log.warning("page %d: text extraction failed: %s", number, _describe(exc))
            errors[number] = f"text extraction failed: {_describe(exc)}"
        finally:
            page.close()  # pdfplumber keeps every parsed object of a page until closed
    return raw, errors


def _iter_pdf_pages(pdf):
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
            yield number + 1, None, f"page tree unreadable from here on: {_describe(exc)}"
            return
        number += 1
        try:
            page = PlumberPage(pdf, page_obj, page_number=number, initial_doctop=doctop)
            doctop += page.height
        except Exception as exc:
            yield number, None, f"page cannot be opened: {_describe(exc)}"
            continue
        yield number, page, None


def _describe(exc: BaseException) -> str:
    msg = str(exc).strip()
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


# pdfminer writes "(cid:12)" for glyphs it cannot map to Unicode (fonts without ToUnicode);
# they carry no text, and a page made of them needs OCR like a scan.
_CID = re.compile(r"\(cid:\d+\)")
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                            "\ufb04": "ffl", "\u00a0": " ", "\u00ad": "", "\u200b": ""})


def _clean_glyphs(text: str) -> str:
    return _CID.sub("", text.translate(_LIGATURES))


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


def _strip_page_numbers(raw: dict[int, str]) -> dict[int, str]:
    """Remove running page numbers printed at the top or bottom of pages.

    The first and last line of a page are page numbers when they hold only a number that is
    plausible as one. Word sometimes puts a signature or footnote box below the footer, so the
    page number can also be the second line or one of the last three; those are removed only
    when their value matches the numbering the rest of the document follows (same offset
    between physical page and printed number), so a lone number in the body is kept.
    """
    lines_by_page = {n: t.split("\n") for n, t in raw.items()}
    limit = max(raw) + 5
    offsets: Counter[int] = Counter()
    for n, lines in lines_by_page.items():
        body = [i for i, line in enumerate(lines) if line.strip()]
        for i in (body[:1] + body[-1:]) if body else []:
            v = _page_number_value(lines[i])
            if v and 0 <= v[0] <= limit:
                offsets[n - v[0]] += 1
    usual = offsets.most_common(1)[0][0] if offsets else None

    out: dict[int, str] = {}
    for n, lines in lines_by_page.items():
        body = [i for i, line in enumerate(lines) if line.strip()]
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
        kept = [line.rstrip() for i, line in enumerate(lines) if i not in drop]
        out[n] = "\n".join(kept).strip("\n")
    return out


# "perundang-" + "undangan": reduplication (kata ulang) keeps its hyphen in Indonesian.
_HYPHEN_BREAK = re.compile(r"(?P<left>[^\W\d_]+)-\n(?P<right>[a-z]\S*)[ \t]*\n?")


def _is_reduplication(left: str, right: str) -> bool:
    """True for Indonesian kata ulang split at its hyphen: masing-masing, perundang-undangan,
    sebaik-baiknya, sayur-mayur. Detected as a shared stem of at least three letters."""
    a, b = left.lower(), re.sub(r"\W+$", "", right.lower())
    if len(a) < 2 or len(b) < 2:
        return False
    size = min(len(a), len(b), 3)
    return any(b[j:j + size] in a for j in range(len(b) - size + 1))


def _repair_hyphenation(text: str) -> str:
    """Join words broken across lines, moving the continuation up to the first line.

    Only a letter word + hyphen at line end followed by a lowercase continuation is joined:
    "Undang-\\nUndang" (capital) is a real compound and stays. Indonesian typesetting rarely
    hyphenates, so most line-end hyphens are real ones inside kata ulang; those keep the hyphen.
    """
    def join(m: re.Match[str]) -> str:
        left, right = m.group("left"), m.group("right")
        hyphen = "-" if _is_reduplication(left, right) else ""
        # The continuation's line loses its first word; if nothing else was on it, it goes too.
        return f"{left}{hyphen}{right}" + ("\n" if m.end() < len(m.string) else "")

    return _HYPHEN_BREAK.sub(join, text)


_WORDLIKE = re.compile(
    r"[(\[\"'“‘]*[^\W_]+(?:[-/.,'’&:][^\W_]+)*[)\]\"'”’.,;:!?%]*")


def _quality(text: str) -> float:
    tokens = text.split()
    if not tokens:
        return 0.0
    good = sum(1 for t in tokens if _WORDLIKE.fullmatch(t))
    return round(good / len(tokens), 4)


# --------------------------------------------------------------------------- HTML and plain text

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")


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
    markup = _XML_DECL.sub("", _decode(data, declared))
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
