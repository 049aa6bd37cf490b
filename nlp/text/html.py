"""Text of an HTML page: charset from the server or a meta tag, navigation and scripts dropped,
blocks on their own lines, table cells TAB-separated."""

from __future__ import annotations

import re

from .model import ExtractedText, Page
from .plain import decode
from .quality import quality_of
from .sniff import HTML

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DROP_TAGS = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript",
              "template", "iframe", "svg", "button", "select", "head")
_BLOCK_TAGS = frozenset(
    "address article blockquote body caption center dd details dialog dir div dl dt fieldset "
    "figcaption figure h1 h2 h3 h4 h5 h6 hr html legend li main menu ol p pre section summary "
    "table tbody tfoot thead tr ul".split())
_CELL_TAGS = frozenset({"td", "th"})


def read_html(data: bytes, charset: str | None) -> ExtractedText:
    import lxml.etree
    import lxml.html

    m = _META_CHARSET.search(data[:4096])
    declared = charset or (m.group(1).decode("ascii", "replace") if m else None)
    # control characters are not text, and lxml refuses them when a dropped element's tail moves
    markup = _CONTROL_CHARS.sub("", _XML_DECL.sub("", decode(data, declared)))
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
    return ExtractedText(HTML, [Page(1, text, "text", quality_of(text))], {})


def _tidy_lines(text: str) -> str:
    """Collapse runs of spaces inside lines and runs of blank lines, keeping paragraph breaks."""
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()
