"""Rendering text as safe HTML: a document's extracted text (facts highlighted, Pasal anchored)
and the passages of a search result (matches highlighted), which the search API publishes too.

All text comes from untrusted sites, so every character is escaped; only our own ``<mark>`` and
``<span id>`` tags are added, at offsets from the catalogue or the search index.
"""

from __future__ import annotations

import html
import re
from dataclasses import asdict

from indices.search.result import Hit, Passage, ResultPage
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


def quote_html(quote: str | None, matched: list[dict] | None) -> str:
    """An evidence quote as HTML with the terms that satisfied the rule in ``<mark>``."""
    text = quote or ""
    spans = sorted({(m["quote_start"], m["quote_end"]) for m in matched or []
                    if isinstance(m.get("quote_start"), int) and isinstance(m.get("quote_end"), int)
                    and 0 <= m["quote_start"] < m["quote_end"] <= len(text)})
    out, pos = [], 0
    for start, end in spans:
        if start < pos:
            continue  # overlapping terms: the first one is marked
        out.append(html.escape(text[pos:start]))
        out.append('<mark class="term">' + html.escape(text[start:end]) + "</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def passage_html(passage: Passage | None) -> str:
    """A search passage as HTML: each match in a ``<mark>``, "…" where the text was cut."""
    if passage is None:
        return ""
    text = passage.text
    out = ["…" if passage.clipped_start else ""]
    pos = 0
    for start, end in passage.matches:
        out.append(html.escape(text[pos:start]))
        out.append("<mark>" + html.escape(text[start:end]) + "</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    out.append("…" if passage.clipped_end else "")
    return "".join(out)


def search_page(result: ResultPage) -> dict:
    """A search result page as ``/api/v1/search`` and ``pantau search --json`` publish it: each
    passage as HTML (``html``), the body fragment again as ``snippet_html``."""
    req = result.request
    return {
        "query": req.q,
        "exact": req.exact,
        "filters": {k: list(v) for k, v in req.filters.items()},
        "engine": result.engine,
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "next": result.next_url,
        "previous": result.previous_url,
        "hits": [_hit(h) for h in result.hits],
        "facets": {name: [asdict(v) for v in values] for name, values in result.facets.items()},
    }


def _hit(hit: Hit) -> dict:
    return {
        "reg_key": hit.reg_key, "title": hit.title, "score": round(hit.score, 4),
        "highlights": [{"field": p.field, "html": passage_html(p), "kind": p.kind,
                        "pasal": p.pasal, "ayat": p.ayat, "page": p.page, "start": p.start,
                        "end": p.end} for p in hit.highlights],
        "kind": hit.kind, "jenis_code": hit.jenis_code, "nomor": hit.nomor, "tahun": hit.tahun,
        "region_code": hit.region_code, "kode_provinsi": hit.kode_provinsi, "status": hit.status,
        "programs": list(hit.programs), "has_obligation": hit.has_obligation,
        "snippet_html": passage_html(hit.snippet),
    }
