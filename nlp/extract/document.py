"""Run every extractor over one document's text and assemble the output contract."""

from __future__ import annotations

import re
from enum import StrEnum

from pantau import wilayah

from ..identity import extract_enactment, extract_metadata, readable_tentang
from .clauses import read_clauses
from .news import Skipper, find_regions, furniture_spans, headline_spans, primary_region
from .obligations import extract_obligations
from .patterns import extractor_version
from .pipeline import analyse, warm_matchers
from .regions import regulation_regions
from .references import extract_references, find_citations, same_instrument, unnumbered_news_instruments
from .relations import extract_relations
from .relevance import assess_relevance
from .spans import PageMap, sentence_bounds
from .structure import parse_structure
from .targets import extract_targets

__all__ = ["extract_document", "warm_up", "KINDS", "TextGrade"]

KINDS = ("regulation", "news")


class TextGrade(StrEnum):
    """What an extracted text is as evidence (the ``evidence_grade`` of the extraction contract).

    Finer than the catalogue's grade (``dokumen`` covers both ``naskah`` and ``abstrak``; ``berita``
    is ``news``): an abstrak summarises an instrument, it does not enact it.
    """

    NASKAH = "naskah"  # the instrument's own text
    ABSTRAK = "abstrak"  # the JDIH catalogue summary of an instrument
    NEWS = "news"  # a news report
LEDE_CHARS = 600  # headline and first paragraph of a news article


def _region_kind(code: str | None) -> str | None:
    region = wilayah.by_code().get(code or "")
    return region.kind if region else None


def extract_document(text: str, *, pages=None, region_hint: str | None = None,
                     kind: str = "regulation", include_structure: bool = False) -> dict:
    """Facts of one document, each with its evidence (Pasal, ayat, page, character offsets).

    ``text`` is the document text (for a PDF, ``ExtractedText.text``); ``pages`` maps offsets to
    pages: the ``ExtractedText`` itself or the list of page texts joined into ``text`` with
    ``"\\n\\f\\n"``. ``region_hint`` is the Kemendagri code of the region whose site listed the
    document. ``kind`` is "regulation" (a regulation, decree, circular or JDIH abstract) or
    "news" (a lower grade of evidence: no identity of its own; regions mentioned, instruments
    and figures reported). Offsets are into ``text``; quoted ``text`` fields have their
    whitespace collapsed.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    # Windows and old Mac line ends become "\n" without moving any offset.
    text = (text or "").replace("\r\n", " \n").replace("\r", "\n")
    news = kind == "news"
    pagemap = PageMap(text, pages)
    structure = parse_structure(text)
    lexical = analyse(text)  # spaCy: deontic cues and domain terms
    skip = Skipper(furniture_spans(text)) if news else None
    # rules and figures come from sentences, not from headlines
    skip_lines = Skipper(sorted(set(furniture_spans(text)) | set(headline_spans(text)))) if news else None

    regions: list[dict] = []
    if news:
        regions = find_regions(text, skip)
        region_code = primary_region(regions, LEDE_CHARS)
        document = {"jenis": None, "jenis_code": None, "nomor": None, "tahun": None,
                    "region_code": region_code, "tentang": None, "tanggal_ditetapkan": None,
                    "tanggal_diundangkan": None, "reg_key": None, "signatory": None, "form": None}
    else:
        meta = extract_metadata(text, region_hint=region_hint)
        enact = extract_enactment(text)
        region_code = meta.region_code
        if meta.tentang:
            meta.tentang = _title_block(text, meta.tentang)
            # a circular's title runs into its "Dasar:" list or "Yth." line in some layouts
            meta.tentang = re.sub(r"\s+(?:Dasar(?:\s+Hukum)?|Yth\.?|Kepada(?:\s+Yth\.?)?)\s*:?\s*$", "",
                                  meta.tentang, flags=re.IGNORECASE) or meta.tentang
        document = {"jenis": meta.jenis, "jenis_code": meta.jenis_code, "nomor": meta.nomor,
                    "tahun": meta.tahun, "region_code": meta.region_code, "tentang": meta.tentang,
                    "tanggal_ditetapkan": enact.tanggal_ditetapkan,
                    "tanggal_diundangkan": enact.tanggal_diundangkan, "reg_key": meta.reg_key,
                    "signatory": enact.signatory, "form": meta.form}
    region_kind = _region_kind(region_code)
    own_key = ((document["jenis_code"], (document["nomor"] or "").lower(), document["tahun"])
               if document["jenis_code"] and document["nomor"] else None)

    citations = find_citations(text, context_region=region_code, region_kind=region_kind, news=news)
    if news:
        sentences = _news_sentences(text)
        citations += unnumbered_news_instruments(text, sentences, citations, region_kind=region_kind,
                                                 region_code=region_code, skip=skip)
        citations.sort(key=lambda c: c.start)
    else:
        regions = regulation_regions(text, structure, citations, own_key, pagemap)
    references = extract_references(citations, structure, pagemap, kind=kind, own_key=own_key, skip=skip)
    relations = [] if news else extract_relations(
        text, document["tentang"], citations, structure, own_key=own_key, region_code=region_code,
        region_kind=region_kind)
    obligations = extract_obligations(text, lexical.cues, structure, pagemap, kind=kind,
                                      skip=skip_lines)
    exclude = [(c.start, c.end) for c in citations]
    targets = extract_targets(text, structure, pagemap, exclude=exclude, skip=skip_lines)
    # Words inside another instrument's cited title describe that instrument, not this one;
    # except in this document's own title and enacting formula, and for an instrument it amends.
    targets_of = {(r["target"]["jenis_code"], (r["target"]["nomor"] or "").lower(), r["target"]["tahun"])
                  for r in relations if r["type"] == "mengubah"}
    cited_spans = sorted((c.start, c.tentang_end or c.end) for c in citations
                         if not same_instrument(own_key, c.key) and c.key not in targets_of
                         and structure.locate(c.start).section not in ("judul", "menetapkan"))
    terms = [t for t in lexical.terms if not any(a <= t.start < b for a, b in cited_spans)]
    relevance = assess_relevance([t for t in terms if not t.concept], structure, pagemap,
                                 kind=kind, document=document, references=references, skip=skip)
    mentions, clauses = read_clauses(text, structure, terms, pagemap, kind=kind,
                                     form=document.get("form"), targets=targets,
                                     skip=skip, headlines=Skipper(headline_spans(text)) if news
                                     else None)
    out = {
        "extractor_version": extractor_version(),
        "kind": kind,
        "evidence_grade": TextGrade.NEWS if news else (
            TextGrade.ABSTRAK if document["form"] == "abstrak" else TextGrade.NASKAH),
        "document": document,
        "relevance": relevance,
        "obligations": obligations,
        "targets": targets,
        "references": references,
        "relations": relations,
        "regions": regions,
        "mentions": mentions,
        "clauses": clauses,
    }
    if include_structure:
        out["structure"] = [n.to_dict() for n in structure.root.children]
    return out


def _title_block(text: str, tentang: str) -> str:
    """Cut a title that ran past the heading into the body.

    Titles are set in capitals; when the lines after "TENTANG" are capitals and the title read
    by nlp.identity goes on past them (a circular with no blank line before its first
    paragraph), keep only the capitals.
    """
    m = re.search(r"^[ \t]*TENTANG[ \t]*:?[ \t]*$", text[:3000], re.MULTILINE)
    if not m:
        return tentang
    lines = []
    for line in text[m.end():m.end() + 1200].lstrip("\n").split("\n"):
        letters = [ch for ch in line if ch.isalpha()]
        if not letters or sum(ch.isupper() for ch in letters) / len(letters) < 0.9:
            break
        lines.append(line.strip())
    block = " ".join(lines)
    squashed = re.sub(r"\s+", " ", block).lower()
    if block and tentang.lower().startswith(squashed) and len(tentang) > len(squashed) + 1:
        return readable_tentang(block) or tentang
    return tentang


def _news_sentences(text: str) -> list[tuple[int, int]]:
    out = []
    for m in re.finditer(r"[^\n]+", text):
        pos = m.start()
        while pos < m.end():
            s, e = sentence_bounds(text, m.start(), m.end(), pos, news=True)
            if e <= pos:
                break
            out.append((s, e))
            pos = e + 1
    return out


def warm_up() -> None:
    """Build the pipeline, matchers and compiled patterns now (2-3 s), not on the first document."""
    warm_matchers()
    extract_document("PERATURAN BUPATI BATANG\nNOMOR 1 TAHUN 2024\nTENTANG\nJAMINAN SOSIAL\n"
                     "Menimbang : a. bahwa;\nMengingat : 1. Undang-Undang Nomor 1 Tahun 2000;\n"
                     "Pasal 1\n(1) Dinas wajib membayar Rp1.000 (seribu rupiah) per bulan.\n")
    extract_document("Kabupaten Batang menargetkan 5 persen pekerja.", kind="news")
