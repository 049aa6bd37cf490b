"""Is a document about jaminan sosial ketenagakerjaan, which programmes, groups of workers and
sources of money does it name, and does it implement Inpres 2/2021?

*Implements* is "citation" when the document cites Inpres 2/2021, and "subject" when a regional
instrument made after the Inpres (25 March 2021) is about Jamsostek by its title or one of its
chapter headings; the Batang documents, like most, never cite the Inpres.
"""

from __future__ import annotations

from functools import lru_cache

from pantau.legal import JENIS_LEVEL

from .patterns import load_patterns
from .pipeline import Term
from .spans import PageMap
from .structure import Structure

__all__ = ["assess_relevance"]

EVIDENCE_PER_CODE = 3  # first mentions kept as evidence for each programme, group, source


@lru_cache(maxsize=1)
def _conf():
    t = load_patterns()["terms"]
    return {"weak": frozenset(t["weak_acronyms"]), "weak_groups": frozenset(t["weak_group_acronyms"]),
            "inpres": t["inpres_2_2021"], "jamsostek": [p.lower() for p in t["jamsostek"]],
            "group_acronyms": {a for v in t["group_acronyms"].values() for a in v},
            "group_phrases": [p.lower() for v in t["groups"].values() for p in v if len(p) > 4]}


def _phrase_in(text: str, phrase: str) -> bool:
    import re
    return re.search(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", text.lower()) is not None


def _mentions_jamsostek(text: str | None) -> bool:
    t = " ".join((text or "").lower().split())
    return any(p in t for p in _conf()["jamsostek"])


def assess_relevance(terms: list[Term], structure: Structure, pages: PageMap, *, kind: str,
                     document: dict, references: list[dict], skip=None) -> dict:
    c = _conf()
    evidence: list[dict] = []
    found: dict[str, dict[str, list[Term]]] = {"program": {}, "group": {}, "funding": {}, "jamsostek": {}}
    for term in terms:
        if skip is not None and skip(term.start):
            continue
        loc = structure.locate(term.start)
        if loc.section == "mengingat":
            continue  # a cited title is not the document's own subject
        if term.category == "program" and loc.in_definitions:
            continue  # "BPJS Ketenagakerjaan adalah badan … program JKK, JHT, JP, JKM, JKP"
        found[term.category].setdefault(term.code, []).append(term)
    programs = dict(found["program"])
    for code in c["weak"]:
        if code in programs and len(programs) == 1:
            del programs[code]
    groups = dict(found["group"])
    for code, mentions in list(groups.items()):
        if all(m.text in c["weak_groups"] for m in mentions):
            del groups[code]
    funding = found["funding"]
    jam = found["jamsostek"].get("jamsostek", [])

    for category, table in (("jamsostek", {"jamsostek": jam}), ("program", programs),
                            ("group", groups), ("funding", funding)):
        for code, mentions in table.items():
            for m in mentions[:EVIDENCE_PER_CODE]:
                evidence.append({"category": category, "code": code, "text": m.text,
                                 "start": m.start, "end": m.end, "page": pages.page(m.start)})

    inpres = c["inpres"]
    cited = next((r for r in references if r["jenis_code"] == inpres["jenis_code"]
                  and r["nomor"] == inpres["nomor"] and r["tahun"] == inpres["tahun"]), None)
    in_title = _mentions_jamsostek(document.get("tentang"))
    in_headings = any(_mentions_jamsostek(n.title) for kind_ in ("bab", "bagian", "paragraf")
                      for n in structure.headings(kind_))
    # "Perlindungan Pekerja Informal" whose Pasal enrol them in jaminan sosial ketenagakerjaan
    tentang = document.get("tentang") or ""
    group_in_title = any(document.get("tentang") and structure.locate(m.start).section == "judul"
                         for ms in groups.values() for m in ms) or any(
        _phrase_in(tentang, p) for p in _conf()["group_phrases"])
    in_body = any(structure.locate(m.start).section in ("batang_tubuh", "diktum", "body") for m in jam)
    regional = JENIS_LEVEL.get(document.get("jenis_code") or "") not in ("id", None) \
        or document.get("jenis_code") in ("se",)
    tahun = document.get("tahun")
    basis = None
    if cited:
        basis = "citation"
        evidence.append({"category": "inpres_2_2021", "code": "citation", "text": "Inpres 2/2021",
                         "start": cited["start"], "end": cited["end"], "page": cited["page"]})
    elif kind == "regulation" and regional and (tahun is None or tahun >= 2021) \
            and (in_title or in_headings or (group_in_title and in_body)):
        basis = "subject"

    score = (0.4 * in_title + 0.15 * in_headings + min(0.25, 0.05 * len(jam))
             + min(0.1, 0.03 * len(programs)) + 0.1 * bool(cited) + 0.05 * bool(groups))
    return {
        "jamsostek": bool(jam) or in_title,
        "score": round(min(score, 1.0), 2),
        "programs": sorted(programs),
        "groups": sorted(groups),
        "funding": sorted(funding),
        "implements_inpres_2_2021": basis is not None,
        "implements_basis": basis,
        "evidence": sorted(evidence, key=lambda e: e["start"]),
    }
