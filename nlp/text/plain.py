"""Plain text: bytes decoded by BOM, declared charset, UTF-8 or windows-1252, as one page."""

from __future__ import annotations

from .cleanup import LIGATURES
from .model import ExtractedText, Page
from .quality import quality_of
from .sniff import PLAIN


def decode(data: bytes, declared: str | None) -> str:
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


def read_plain(data: bytes, charset: str | None) -> ExtractedText:
    text = decode(data, charset).replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(LIGATURES).strip()
    return ExtractedText(PLAIN, [Page(1, text, "text", quality_of(text))], {})
