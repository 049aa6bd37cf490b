"""Indicator rules as clause-level predicates: does one clause of a document say what the
indicator claims, which of its terms say it, and if not, what is missing.

A rule (``indicators.yaml``) is evaluated on the clause records ``nlp.extract`` stored as facts
of kind ``clause``. Every answer carries its reasons, so a status can explain itself (``why``)
and an analyst can see every near miss (``pantau claims explain``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

__all__ = ["ClauseResult", "evaluate_clause", "news_gate", "describe", "CONCEPT_NAMES"]

EMPLOYMENT = ("jamsostek", "program")
HEADING_LIKE = ("heading", "article")
# Groups named as the ones who act or are excluded are not groups covered.
NOT_COVERED = ("actor", "excluded")

# How a requirement reads to a user (Indonesian first, English second).
CONCEPT_NAMES = {
    "group": ("kelompok pekerja", "group of workers"),
    "funding": ("sumber anggaran daerah", "regional budget source"),
    "contribution": ("iuran atau anggaran", "contribution or budget"),
    "payment": ("pemerintah daerah membayar atau menganggarkan", "the regional government pays or budgets"),
    "actor": ("pemerintah daerah", "the regional government"),
    "payer": ("pemerintah daerah sendiri membayar atau menganggarkan", "the regional government itself pays or budgets"),
    "licence": ("izin, rekomendasi atau pengadaan", "licence, recommendation or procurement"),
    "membership": ("kepesertaan", "membership"),
    "coverage": ("cakupan perlindungan", "coverage"),
    "program": ("program BPJS Ketenagakerjaan", "BPJS Ketenagakerjaan programme"),
    "jamsostek": ("jaminan sosial ketenagakerjaan", "employment social security"),
}


def _norm(code: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", str(code).lower())


@dataclass
class ClauseResult:
    """One clause against one rule: ``ok``, the terms that satisfied it (``matched``), what is
    missing (``missing``, readable), and whether a requirement holds only through what the clause
    cites, defines or stands under (``inherited_only``)."""

    clause: dict
    ok: bool
    matched: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    inherited_only: bool = False

    @property
    def satisfied(self) -> int:
        return len(self.matched)


def _terms(clause: dict, own_only: bool = False) -> list[dict]:
    own = [dict(t, how="own") for t in clause.get("terms") or []]
    if own_only:
        return own
    return own + [dict(t) for t in clause.get("inherited") or []]


def _requirement(req: dict, clause: dict) -> tuple[bool, list[dict], list[str]]:
    """(holds, matched terms, missing descriptions) for one requirement mapping or combinator."""
    if "all" in req:
        matched, missing, ok = [], [], True
        for sub in req["all"]:
            o, m, miss = _requirement(sub, clause)
            matched += m
            if not o:
                ok = False
                missing += miss
        return ok, (matched if ok else matched), missing
    if "any" in req:
        best: tuple[bool, list[dict], list[str]] | None = None
        for sub in req["any"]:
            o, m, miss = _requirement(sub, clause)
            if o:
                return True, m, []
            if best is None or len(m) > len(best[1]):
                best = (o, m, miss)
        alts = " atau ".join(_describe_req(sub) for sub in req["any"])
        return False, best[1] if best else [], [alts]
    own_only = bool(req.get("own"))
    for category, codes in req.items():
        if category == "own":
            continue
        wanted = {_norm(c) for c in codes}
        hits = [t for t in _terms(clause, own_only) if t["category"] == category
                and _norm(t["code"]) in wanted
                and not (category == "group" and t.get("role") in NOT_COVERED)]
        if not hits:
            return False, [], [_describe_req(req)]
        hits.sort(key=lambda t: (t.get("how") != "own", t["start"]))
        return True, [dict(hits[0], requirement=_describe_req(req))], []
    return True, [], []


def _describe_req(req: dict) -> str:
    if "all" in req:
        return " dan ".join(_describe_req(r) for r in req["all"])
    if "any" in req:
        return "(" + " atau ".join(_describe_req(r) for r in req["any"]) + ")"
    parts = []
    for category, codes in req.items():
        if category == "own":
            continue
        name = CONCEPT_NAMES.get(category, (category, category))[0]
        parts.append(f"{name}: {', '.join(str(c) for c in codes)}")
    where = " (dalam ketentuan itu sendiri)" if req.get("own") else ""
    return "; ".join(parts) + where


def _employment(clause: dict) -> tuple[bool, list[dict], str | None]:
    """Whether a clause is about employment social security rather than health insurance.

    The clause's own words and what it cites decide; its headings (or a news article's headline)
    break a tie and speak when those say nothing. A Pasal under "BAB II JAMINAN KESEHATAN" that
    names JKK only to exclude what JKK already pays is a health clause.
    """
    terms = _terms(clause)
    direct = [t for t in terms if t.get("how") not in HEADING_LIKE]
    context = [t for t in terms if t.get("how") in HEADING_LIKE]
    emp = [t for t in direct if t["category"] in EMPLOYMENT]
    health = any(t["category"] == "health" for t in direct)
    ctx_emp = [t for t in context if t["category"] in EMPLOYMENT]
    ctx_health = any(t["category"] == "health" for t in context)
    if emp and health and ctx_health and not ctx_emp:
        emp = []  # a health clause naming employment insurance in passing
    if not emp and not health:
        emp = ctx_emp if not (ctx_health and not ctx_emp) else []
        health = health or (ctx_health and not ctx_emp)
    if emp:
        emp.sort(key=lambda t: (t.get("how") != "own", t["start"]))
        return True, [dict(emp[0], requirement="jaminan sosial ketenagakerjaan")], None
    if health:
        return False, [], "tentang jaminan kesehatan (JKN/BPJS Kesehatan), bukan BPJS Ketenagakerjaan"
    return False, [], "tidak menyebut jaminan sosial ketenagakerjaan (BPJS Ketenagakerjaan)"


def _figure(want: dict, clause: dict) -> tuple[bool, list[dict], str | None]:
    figs = [f for f in clause.get("figures") or [] if f.get("kind") == want.get("kind")]
    hits = [f for f in figs if f.get("claim") == want.get("claim")]
    if hits:
        f = hits[0]
        return True, [{"category": "figure", "code": f.get("claim"), "text": f.get("text"),
                       "start": f.get("start"), "end": f.get("end"), "how": "own",
                       "requirement": f"angka {want.get('kind')} sebagai {want.get('claim')}"}], None
    if figs:
        kinds = ", ".join(f"{f.get('text')} ({f.get('claim')})" for f in figs)
        return False, [], f"angka yang ada bukan {want.get('claim')}: {kinds}"
    return False, [], f"tidak ada angka {want.get('kind')}"


def evaluate_clause(rule: dict, clause: dict, *, news: bool = False) -> ClauseResult:
    """The clause-level part of ``rule`` on one clause record."""
    spec = rule.get("clause") or {}
    matched: list[dict] = []
    missing: list[str] = []
    if not news and not clause.get("normative"):
        section = clause.get("section")
        why = {"definisi": "definisi tidak pernah membuat klaim sendiri",
               "menimbang": "Menimbang tidak pernah membuat klaim sendiri",
               "mengingat": "Mengingat tidak pernah membuat klaim sendiri",
               "penjelasan": "Penjelasan tidak mengikat"}.get(section)
        if clause.get("purpose"):
            why = "ketentuan maksud/tujuan/ruang lingkup tidak mengatur"
        missing.append(why or f"bagian {section} bukan ketentuan yang mengatur")
    if spec.get("employment"):
        ok, m, why = _employment(clause)
        matched += m
        if not ok:
            missing.append(why)
    body = {k: v for k, v in spec.items() if k in ("all", "any")}
    if body:
        ok, m, miss = _requirement(body, clause)
        matched += m
        missing += miss
    if spec.get("figure"):
        ok, m, why = _figure(spec["figure"], clause)
        matched += m
        if not ok:
            missing.append(why)
    result = ClauseResult(clause, not missing, matched, missing)
    # a clause that says it in its own words is better evidence than one that needs what it cites
    result.inherited_only = any(t.get("how") != "own" for t in matched
                                if t.get("category") not in EMPLOYMENT)
    return result


def news_gate(rule: dict, result: ClauseResult, *, published: date | None,
              relevance: dict) -> str | None:
    """Why a news paragraph cannot make this indicator ``diberitakan`` (None: it can). What the
    indicator needs must be said where the article reports the instrument or the instruction:
    in that sentence or the one after it."""
    clause = result.clause
    flags = clause.get("news") or {}
    if not (flags.get("instrument") or flags.get("instruction")):
        if flags.get("draft"):
            return "memberitakan rancangan, bukan instrumen yang terbit"
        return "tidak memberitakan instrumen yang terbit atau instruksi resmi"
    content = [t for t in result.matched if t.get("how") == "own" and t.get("start") is not None
               and t.get("category") not in EMPLOYMENT]
    needs_employment = any(t.get("category") in EMPLOYMENT and t.get("how") == "own"
                           for t in result.matched)
    own_employment = [t["start"] for t in clause.get("terms") or [] if t["category"] in EMPLOYMENT]

    def fits(a: int, b: int) -> bool:
        return all(a <= t["start"] < b for t in content) and (
            not needs_employment or any(a <= x < b for x in own_employment))

    if not any(fits(a, b) for a, b in flags.get("anchors") or []):
        return ("isi indikator tidak disebut pada kalimat yang memberitakan instrumen atau "
                "instruksi itu")
    spec = rule.get("news") or {}
    if spec.get("not_before"):
        cutoff = date.fromisoformat(spec["not_before"])
        if published is not None and published < cutoff:
            return f"berita bertanggal {published.isoformat()}, sebelum {cutoff.isoformat()}"
        if published is None and (relevance or {}).get("implements_basis") != "citation":
            return "berita tanpa tanggal yang tidak mengutip Inpres 2/2021"
    if spec.get("instrument_since") and flags.get("instrument_years"):
        if max(flags["instrument_years"]) < int(spec["instrument_since"]):
            return (f"instrumen yang diberitakan terbit {max(flags['instrument_years'])}, "
                    f"sebelum {spec['instrument_since']}")
    return None


def describe(rule: dict) -> str:
    """A rule in one readable line (for ``why`` and ``pantau claims explain``)."""
    spec = rule.get("clause") or {}
    parts = []
    if rule.get("document", {}).get("implements_inpres_2_2021"):
        parts.append("dokumen mengutip Inpres 2/2021 atau (sejak 2021) tentang jaminan sosial "
                     "ketenagakerjaan")
    parts.append("satu ketentuan mengatur")
    if spec.get("employment"):
        parts.append("tentang BPJS Ketenagakerjaan (bukan jaminan kesehatan)")
    body = {k: v for k, v in spec.items() if k in ("all", "any")}
    if body:
        parts.append("dengan " + _describe_req(body))
    if spec.get("figure"):
        parts.append(f"dan angka {spec['figure'].get('kind')} sebagai {spec['figure'].get('claim')}")
    return ", ".join(parts)
