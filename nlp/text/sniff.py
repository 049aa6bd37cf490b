"""Tell what a downloaded file is: its media type from magic bytes, HTML markers or its name, and
the charset a server declared with it."""

from __future__ import annotations

import re

from .model import TextExtractionError

PDF = "application/pdf"
HTML = "text/html"
XHTML = "application/xhtml+xml"
PLAIN = "text/plain"
OCTET = "application/octet-stream"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

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
    "docx": DOCX,
    "rtf": "application/rtf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
    "tif": "image/tiff", "tiff": "image/tiff", "zip": "application/zip", "rar": "application/vnd.rar",
}
# Labels that servers send when they do not know; they say nothing about the content.
UNINFORMATIVE = {"", OCTET, "binary/octet-stream", "application/x-download", "application/download",
                 "application/force-download", "application/unknown"}


def extension_type(filename: str | None) -> str | None:
    if not filename or "." not in filename:
        return None
    ext = filename.rsplit(".", 1)[-1].split("?")[0].lower()
    return _BY_EXTENSION.get(ext)


def looks_textual(head: bytes) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls <= len(head) // 100


def magic_type(head: bytes) -> str | None:
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
    magic = magic_type(head)
    by_ext = extension_type(filename)
    # A .docx is a zip; only the name tells them apart without unpacking.
    if magic == "application/zip" and by_ext and by_ext not in (PDF, HTML, PLAIN):
        return by_ext
    if magic:
        return magic
    if by_ext:
        return by_ext
    return PLAIN if looks_textual(head) else OCTET


def split_media_type(media_type: str | None) -> tuple[str, str | None]:
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
