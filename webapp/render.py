"""Rendering a document's extracted text as safe HTML: facts highlighted, Pasal anchored.

All text comes from untrusted sites, so every character is escaped; only our own ``<mark>`` and
``<span id>`` tags are added, at offsets from the catalogue.
"""

from __future__ import annotations

import html
import re

from nlp.text import PAGE_SEPARATOR

_PASAL = re.compile(r"(?m)^[ \t]*Pasal[ \t]+(\d+[A-Z]?)[ \t]*$")


def document_text(pages: list[tuple[int, str]]) -> str:
    """The file's text exactly as the extractor saw it (pages joined as ``ExtractedText.text``)."""
    return PAGE_SEPARATOR.join(text for _, text in pages)


def highlight(text: str, facts: list[dict], max_chars: int = 400_000) -> str:
    """HTML of ``text`` with each fact's span in a ``<mark>`` and an anchor at each Pasal heading."""
    text = text[:max_chars]
    events: list[tuple[int, int, str]] = []  # (offset, order, html): closes, anchors, then opens
    last_end = -1
    spans = sorted(((f.get("start"), f.get("end"), i, f) for i, f in enumerate(facts)
                    if isinstance(f.get("start"), int) and isinstance(f.get("end"), int)
                    and 0 <= f["start"] < f["end"] <= len(text)), key=lambda x: (x[0], -x[1]))
    for start, end, i, f in spans:
        if start < last_end:
            continue  # overlaps a fact already marked: keep the outer one only
        last_end = end
        kind = re.sub(r"[^a-z_]", "", f.get("kind", ""))
        events.append((start, 2, f'<mark class="{kind}" id="f-{i}">'))
        events.append((end, 0, "</mark>"))
    seen: set[str] = set()
    for m in _PASAL.finditer(text):
        anchor = m.group(1)
        if anchor not in seen:  # the first heading of that number (later ones are citations)
            seen.add(anchor)
            events.append((m.start(), 1, f'<span id="pasal-{html.escape(anchor)}"></span>'))
    events.sort(key=lambda e: (e[0], e[1]))
    out, pos = [], 0
    for offset, _, tag in events:
        out.append(html.escape(text[pos:offset]))
        out.append(tag)
        pos = offset
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\f", "\n")
