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


def highlight(text: str, facts: list[dict], max_chars: int = 400_000, prefix: str = "f") -> str:
    """HTML of ``text`` with each fact's span in a ``<mark id="<prefix>-<i>">`` (``i``: its index
    in ``facts``) and an anchor at each Pasal heading; a fact inside one already marked is not
    marked again (``marked_ids`` says which were)."""
    return highlight_marked(text, facts, max_chars, prefix)[0]


def highlight_marked(text: str, facts: list[dict], max_chars: int = 400_000,
                     prefix: str = "f") -> tuple[str, set[int]]:
    """:func:`highlight`, and the indexes of the facts that got their own ``<mark>``."""
    text = text[:max_chars]
    marked: set[int] = set()
    events: list[tuple[int, int, str]] = []  # (offset, order, html): closes, anchors, then opens
    last_end = -1
    spans = sorted(((f.get("start"), f.get("end"), i, f) for i, f in enumerate(facts)
                    if isinstance(f.get("start"), int) and isinstance(f.get("end"), int)
                    and 0 <= f["start"] < f["end"] <= len(text)), key=lambda x: (x[0], -x[1]))
    for start, end, i, f in spans:
        if start < last_end:
            continue  # overlaps a fact already marked: keep the outer one only
        last_end = end
        marked.add(i)
        kind = re.sub(r"[^a-z_]", "", f.get("kind", ""))
        events.append((start, 2, f'<mark class="{kind}" id="{html.escape(prefix)}-{i}">'))
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
    return "".join(out).replace("\f", "\n"), marked


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


# ------------------------------------------------------------------ facts in words
def where(pasal: str | None, ayat: str | None) -> str:
    """Where in a regulation: ``Pasal 6 ayat (3)`` (the legal terms stay Indonesian), or a
    Keputusan's diktum (``KESATU``) as it is."""
    if not pasal:
        return ""
    head = pasal if pasal.isalpha() and pasal.isupper() and len(pasal) > 2 else f"Pasal {pasal}"
    return head + (f" ayat ({ayat})" if ayat else "")


def instrument(data: dict) -> str:
    """``Peraturan Bupati Nomor 30 Tahun 2024`` from a reference's or relation target's parts."""
    return " ".join(str(x) for x in (data.get("jenis"), data.get("nomor") and f"Nomor {data['nomor']}",
                                     data.get("tahun") and f"Tahun {data['tahun']}") if x)


def fact_label(kind: str, data: dict | None) -> tuple[str, str, bool]:
    """A fact in words for the document page: (heading, text, whether the text is the
    document's own Indonesian words), e.g. ("Target", "2 orang", False)."""
    from flask_babel import format_decimal, gettext

    from .i18n import label
    data = data or {}
    if kind == "target":
        value, unit = data.get("value"), data.get("unit") or ""
        # a unit without a label is shown as the document writes it, in Indonesian
        own = bool(unit) and label("unit", unit) == unit and unit.lower() not in ("%", "rp")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = format_decimal(value)
            text = {"amount": f"Rp {number}", "percent": f"{number}%"}.get(
                data.get("kind"), f"{number} {label('unit', unit)}".strip())
        else:
            text = f"{value or ''} {label('unit', unit) if value else ''}".strip()
        if data.get("per"):
            text += " " + gettext("per %(unit)s", unit=label("unit", data["per"]))
        bound = {"min": gettext("paling sedikit"), "max": gettext("paling banyak")}.get(data.get("bound"))
        text = f"{bound} {text}" if bound else text
        kind_name = label("target_kind", data.get("kind"))
        return gettext("Target"), f"{text} ({kind_name})" if kind_name else text, own
    if kind == "obligation":
        modality = label("modality", data.get("modality"))
        head = gettext("Kewajiban") + (f" ({modality})" if modality else "")
        words = " — ".join(x for x in (data.get("bearer"), data.get("action")) if x)
        return head, words, True
    if kind == "reference":
        return label("fact_kind", "reference"), instrument(data), True
    if kind == "relation":
        target = data.get("target") or {}
        return (label("relation", data.get("type") or "mengubah"),
                instrument(target) or target.get("reg_key") or "?", True)
    return label("fact_kind", kind), "", False
