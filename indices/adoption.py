"""The adoption index: for each of the 552 regions and each indicator, a status with evidence.

Statuses are derived, never typed by hand: ``compute`` reads documents, facts, sightings and
source runs from the catalogue, evaluates the indicator rules in ``indicators.yaml`` clause by
clause (``indices.claims``) and rewrites the ``adoption_status`` table in one transaction
(``pantau index`` runs it).

- ``ada``: one normative clause of a regulation/circular of the region satisfies the indicator
  (which document, which clause, the matched terms, since when);
- ``diberitakan``: only news reports it: an article saying the region issued, or has, an
  instrument or official instruction with the indicator's content (which article, which paragraph);
- ``belum_ditemukan``: the region's sources were checked (which, when) and nothing satisfies it;
- ``tidak_terpantau``: no source of the region is crawled.

Every status carries ``why``: the rule, and the clause and terms that decided it (or why nothing
did). A repealed instrument (status "dicabut"/"tidak berlaku", or the target of a ``mencabut``
relation) no longer counts from its repeal date; an amendment counts with the instrument it amends.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import lru_cache
from importlib import resources

import yaml
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from katalog.db import Catalogue
from katalog.models import AdoptionStatus, Document, Fact, Region, Sighting, Source, SourceRun
from katalog.types import iso
from katalog.vocab import UNREADABLE, EvidenceGrade, RunStatus

from .claims import ClauseResult, describe, evaluate_clause, news_gate
from .coverage import RegionCoverage, coverage

STATUSES = ("ada", "diberitakan", "belum_ditemukan", "tidak_terpantau")
REPEALED_STATUS = re.compile(r"(?i)\b(dicabut|tidak\s+berlaku|dibatalkan)\b")
QUOTE_CHARS = 600
MAX_CLAUSES = 5  # evidence clauses kept per document


@dataclass(frozen=True)
class Indicator:
    id: str
    nama: str
    name: str
    definisi: str
    definition: str
    rule: dict


@lru_cache(maxsize=1)
def load_indicators() -> tuple[str, tuple[Indicator, ...]]:
    """(version, indicators) from the versioned data file."""
    raw = yaml.safe_load((resources.files("indices") / "indicators.yaml").read_text(encoding="utf-8"))
    inds = tuple(Indicator(i["id"], i["nama"], i["name"], " ".join(i["definisi"].split()),
                           " ".join(i["definition"].split()), i["rule"]) for i in raw["indicators"])
    return str(raw["version"]), inds


@dataclass
class DocFacts:
    """What the rules look at for one document."""

    doc_id: int
    reg_key: str
    region_code: str | None
    grade: str  # katalog.vocab.EvidenceGrade
    title: str
    since: date | None  # signed (ditetapkan), else promulgated, else 1 January of its year
    published: date | None  # a news article's date
    status: str | None
    relevance: dict = field(default_factory=dict)
    clauses: list[dict] = field(default_factory=list)
    relations: list[dict] = field(default_factory=list)
    text_status: str = "ok"


def _merge_relevance(into: dict, rel: dict) -> None:
    for k, v in rel.items():
        if isinstance(v, bool):
            into[k] = bool(into.get(k)) or v
        elif isinstance(v, list):
            merged = into.get(k) or []
            into[k] = merged + [x for x in v if x not in merged]
        elif isinstance(v, (int, float)):
            into[k] = max(into.get(k) or 0, v)
        elif k not in into or (k == "implements_basis" and v == "citation"):
            into[k] = v


def document_date(d: Document) -> date | None:
    """When an instrument was made: signed (ditetapkan), else promulgated (diundangkan), else its
    year; a news article: its publication date."""
    return (d.tanggal_ditetapkan or d.tanggal_diundangkan or d.published_on
            or (date(d.tahun, 1, 1) if d.tahun else None))


def load_documents(session: Session, region: str | None = None) -> list[DocFacts]:
    """Every document with a region (or of ``region``), with its clauses, relations, relevance."""
    docs: dict[int, DocFacts] = {}
    q = select(Document).where(Document.region_code.is_not(None))
    if region:
        q = q.where(Document.region_code == region)
    for d in session.scalars(q):
        docs[d.id] = DocFacts(d.id, d.reg_key, d.region_code, d.evidence_grade,
                              d.judul or d.tentang or d.reg_key, document_date(d), d.published_on,
                              d.status, text_status=d.text_status)
    fq = select(Fact.document_id, Fact.kind, Fact.data).where(
        Fact.kind.in_(("clause", "relation", "relevance")))
    if region:
        fq = fq.where(Fact.document_id.in_(list(docs) or [-1]))
    for doc_id, kind, data in session.execute(fq):
        d = docs.get(doc_id)
        if d is None:
            continue
        if kind == "relevance":
            _merge_relevance(d.relevance, data or {})
        elif kind == "clause":
            d.clauses.append(data or {})
        elif kind == "relation":
            d.relations.append(data or {})
    for d in docs.values():
        d.clauses.sort(key=lambda c: c.get("start") or 0)
    return list(docs.values())


def _amendments(docs: list[DocFacts]) -> dict[str, list[str]]:
    """reg_key of an amended instrument -> the instruments amending it."""
    out: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        for r in d.relations:
            target = (r.get("target") or {}).get("reg_key")
            if r.get("type") == "mengubah" and target and d.reg_key not in out[target]:
                out[target].append(d.reg_key)
    return out


def _repeals(docs: list[DocFacts]) -> dict[str, tuple[str, date | None]]:
    """reg_key of a repealed instrument -> (repealing reg_key, repeal date)."""
    out = {}
    for d in docs:
        if d.grade != EvidenceGrade.DOKUMEN:
            continue
        for r in d.relations:
            target = (r.get("target") or {}).get("reg_key")
            if r.get("type") == "mencabut" and target:
                out[target] = (d.reg_key, d.since)
    return out


def _monitoring(session: Session) -> dict[str, list[dict]]:
    """region code -> the sources that cover it, with their last finished run."""
    last = {sid: ts for sid, ts in session.execute(
        select(SourceRun.source_id, SourceRun.finished_at).where(SourceRun.status == RunStatus.FINISHED)
        .order_by(SourceRun.finished_at))}
    out: dict[str, list[dict]] = defaultdict(list)
    for src in session.scalars(select(Source)):
        regions = set((src.config or {}).get("regions") or [])
        if src.region_code:
            regions.add(src.region_code)
        for code in regions:
            out[code].append({"source": src.name, "url": src.url, "kind": src.kind,
                              "last_checked": iso(last.get(src.id), "seconds")})
    return out


# --------------------------------------------------------------------------- evaluation

def _document_ok(rule: dict, d: DocFacts) -> str | None:
    """Why the document as a whole cannot satisfy ``rule`` (None: it can)."""
    for key, want in (rule.get("document") or {}).items():
        if bool(d.relevance.get(key)) != bool(want):
            if key == "implements_inpres_2_2021":
                return ("dokumen tidak mengutip Inpres 2/2021 dan bukan instrumen sejak 2021 yang "
                        "menurut judul atau bab-nya tentang jaminan sosial ketenagakerjaan")
            return f"dokumen tidak memenuhi {key}"
    return None


def evaluate_document(ind: Indicator, d: DocFacts) -> tuple[list[ClauseResult], list[ClauseResult], str | None]:
    """(clauses satisfying the indicator, near misses, why the whole document cannot) for one
    document. A near miss is a clause that meets part of the rule, with what it lacks."""
    news = d.grade == EvidenceGrade.BERITA
    # a document condition is about instruments; news is gated by its date and what it reports
    blocked = None if news else _document_ok(ind.rule, d)
    hits, near = [], []
    for clause in d.clauses:
        res = evaluate_clause(ind.rule, clause, news=news)
        if res.ok and news:
            gate = news_gate(ind.rule, res, published=d.published, relevance=d.relevance)
            if gate:
                res.ok, res.missing = False, [gate]
        if res.ok and blocked:
            res.ok, res.missing = False, [blocked]
        if res.ok:
            hits.append(res)
        elif res.matched:
            near.append(res)
    # a clause that says it in its own words first, then document order
    hits.sort(key=lambda r: (r.inherited_only, r.clause.get("start") or 0))
    return hits, near, blocked


def _marked(res: ClauseResult) -> list[dict]:
    """The matched terms, with offsets into the clause's quote where they fall inside it."""
    c = res.clause
    out = []
    for t in res.matched:
        item = {"requirement": t.get("requirement"), "category": t.get("category"),
                "code": t.get("code"), "text": t.get("text"), "how": t.get("how"),
                "via": t.get("via")}
        if t.get("how") == "own" and t.get("start") is not None:
            item["start"], item["end"] = t["start"], t["end"]
            # where the term sits in the quote (the clause text with whitespace collapsed)
            pos = (c.get("text") or "").find(" ".join(str(t.get("text") or "").split()))
            if pos >= 0:
                item["quote_start"], item["quote_end"] = pos, pos + len(" ".join(str(t["text"]).split()))
        out.append(item)
    return out


def _clause_evidence(res: ClauseResult) -> dict:
    c = res.clause
    return {"label": c.get("label"), "cite": c.get("cite"), "pasal": c.get("pasal"),
            "ayat": c.get("ayat"), "diktum": c.get("diktum"), "point": c.get("point"),
            "page": c.get("page"), "start": c.get("start"), "end": c.get("end"),
            "quote": (c.get("text") or "")[:QUOTE_CHARS], "matched": _marked(res),
            "inherited_only": res.inherited_only}


def _entry(d: DocFacts, hits: list[ClauseResult], urls) -> dict:
    clauses = [_clause_evidence(r) for r in hits[:MAX_CLAUSES]]
    first = clauses[0]
    return {"reg_key": d.reg_key, "title": d.title,
            "since": d.since.isoformat() if d.since else None,
            "published": d.published.isoformat() if d.published else None,
            "pasal": first["pasal"] or first["cite"] or None, "ayat": first["ayat"],
            "page": first["page"], "quote": first["quote"], "start": first["start"],
            "end": first["end"], "clause": first["label"], "clauses": clauses,
            "sources": urls.get(d.doc_id, [])[:5]}


UNMONITORED = {
    "tanpa_sumber": "Tidak ada sumber yang mencakup wilayah ini",
    "belum_dijelajahi": "Sumber wilayah ini belum pernah dijelajahi",
    "sumber_mati": "Sumber wilayah ini tidak berfungsi sejak {since}",
}


def _why(ind: Indicator, status: str, *, entry: dict | None = None, checked: int = 0,
         near: int = 0, sources: list[dict] | None = None, unmonitored: str | None = None,
         down_since=None) -> dict:
    why = {"rule": describe(ind.rule), "definition": ind.definisi, "decision": status}
    if entry:
        first = entry["clauses"][0]
        why.update({"document": entry["reg_key"], "clause": first["label"],
                    "matched": first["matched"]})
        why["reason"] = (f"{first['label']} {entry['reg_key']} memenuhi aturan"
                         + (" (berita)" if status == "diberitakan" else ""))
    elif status == "belum_ditemukan":
        why["reason"] = (f"Tidak ada ketentuan dari {checked} dokumen yang dikenal yang memenuhi "
                         f"aturan ({near} ketentuan hampir memenuhi; lihat `pantau claims explain`)")
        why["sources_checked"] = [s["source"] for s in sources or []]
    else:
        why["reason"] = UNMONITORED.get(unmonitored or "tanpa_sumber", UNMONITORED["tanpa_sumber"]
                                        ).format(since=iso(down_since, "seconds") or "?")
        why["unmonitored"] = unmonitored or "tanpa_sumber"
    return why


def compute(cat: Catalogue, today: date | None = None) -> dict[str, int]:
    """Recompute every region × indicator status; returns counts per status.

    Region by region: a region's documents, clauses and sightings are loaded together and
    dropped before the next, so memory stays bounded by the largest region, not the country
    (amendments and repeals are made by a region's own instruments).
    """
    today = today or datetime.now(timezone.utc).date()
    version, indicators = load_indicators()
    counts = dict.fromkeys(STATUSES, 0)
    cov = coverage(cat)  # which regions a working source covers, and why not
    with cat.session() as s:
        monitoring = _monitoring(s)
        with_documents = {code for (code,) in s.execute(
            select(Document.region_code).where(Document.region_code.is_not(None)).distinct())}
        s.execute(delete(AdoptionStatus))
        for (kode,) in s.execute(select(Region.kode).order_by(Region.kode)).all():
            docs = load_documents(s, region=kode) if kode in with_documents else []
            urls: dict[int, list[dict]] = defaultdict(list)
            if docs:
                for doc_id, url, last_seen in s.execute(
                        select(Sighting.document_id, Sighting.url, Sighting.last_seen)
                        .where(Sighting.document_id.in_([d.doc_id for d in docs]))):
                    urls[doc_id].append({"url": url, "last_seen": iso(last_seen, "seconds")})
            repeals, amended = _repeals(docs), _amendments(docs)
            for ind in indicators:
                status, since, evidence = region_status(ind, docs, repeals, amended,
                                                        monitoring.get(kode, []), urls, today,
                                                        coverage=cov.get(kode))
                counts[status] += 1
                s.add(AdoptionStatus(region_code=kode, indicator=ind.id, status=status,
                                     since=since, evidence=evidence, indicator_version=version))
    return counts


def _repealed(d: DocFacts, repeals, today: date) -> tuple[bool, str | None]:
    by = repeals.get(d.reg_key)
    gone = bool(REPEALED_STATUS.search(d.status or "")) or (
        by is not None and (by[1] is None or by[1] <= today))
    return gone, (by[0] if by else None)


def region_status(ind: Indicator, docs: list[DocFacts], repeals, amended, sources: list[dict],
                  urls, today: date, coverage: RegionCoverage | None = None):
    """(status, since, evidence) of one region for one indicator. With ``coverage``, "not found"
    needs a source that works: a region whose sources are all down is ``tidak_terpantau``."""
    found, news, history = [], [], []
    near = 0
    for d in docs:
        hits, misses, _ = evaluate_document(ind, d)
        near += len(misses)
        if not hits:
            continue
        entry = _entry(d, hits, urls)
        if amended.get(d.reg_key):
            entry["diubah_oleh"] = amended[d.reg_key]
        if d.grade == EvidenceGrade.DOKUMEN:
            if d.since:
                history.append(d.since)
            gone, by = _repealed(d, repeals, today)
            if gone:
                continue
            found.append((d, entry))
        else:
            news.append((d, entry))
    unreadable = [d.reg_key for d in docs if d.text_status in UNREADABLE]
    first = min(history) if history else None
    if found:
        found.sort(key=lambda x: (x[0].since or date.max, x[0].reg_key))
        entries = [e for _, e in found]
        since = found[0][0].since or first
        return "ada", since, {"documents": entries, "first_met": first.isoformat() if first else None,
                              "why": _why(ind, "ada", entry=entries[0])}
    if news:
        news.sort(key=lambda x: (x[0].published or date.max, x[0].reg_key))
        entries = [e for _, e in news]
        since = news[0][0].published
        return "diberitakan", since, {"news": entries, "why": _why(ind, "diberitakan", entry=entries[0])}
    if coverage is not None and not coverage.monitored:
        sources = []
    if sources:
        return "belum_ditemukan", None, {
            "sources_checked": sources, "unreadable_documents": unreadable,
            "documents_checked": len(docs),
            "why": _why(ind, "belum_ditemukan", checked=len(docs), near=near, sources=sources)}
    reason = coverage.reason if coverage is not None else "tanpa_sumber"
    down = coverage.down_since if coverage is not None else None
    evidence = {"documents_known": len(docs), "reason": reason,
                "down_since": iso(down, "seconds"),
                "why": _why(ind, "tidak_terpantau", unmonitored=reason, down_since=down)}
    return "tidak_terpantau", None, evidence


def explain(cat: Catalogue, region: str, indicator: str, today: date | None = None) -> dict:
    """The decision for one region × indicator and every clause that came near, with why each
    counted or did not (``pantau claims explain``)."""
    today = today or datetime.now(timezone.utc).date()
    _, indicators = load_indicators()
    ind = next((i for i in indicators if i.id == indicator), None)
    if ind is None:
        raise KeyError(f"unknown indicator {indicator!r}; one of {', '.join(i.id for i in indicators)}")
    with cat.session() as s:
        docs = load_documents(s, region=region)
        repeals = _repeals(docs)
        status, since, evidence = region_status(ind, docs, repeals, _amendments(docs),
                                                _monitoring(s).get(region, []), {}, today,
                                                coverage=coverage(cat).get(region))
        rows = []
        for d in docs:
            hits, near, blocked = evaluate_document(ind, d)
            gone, by = _repealed(d, repeals, today)
            for res in hits + near:
                rows.append({"document": d.reg_key, "grade": d.grade, "since": d.since,
                             "clause": res.clause.get("label"), "counted": res.ok and not gone,
                             "why": ("dicabut oleh " + (by or "?")) if res.ok and gone else
                             ("memenuhi aturan" if res.ok else "; ".join(res.missing)),
                             "matched": [f"{t.get('requirement')}: {t.get('text')}"
                                         + (f" (lewat {t['via']})" if t.get("via") else "")
                                         for t in res.matched],
                             "quote": (res.clause.get("text") or "")[:240]})
            if not hits and not near and blocked:
                rows.append({"document": d.reg_key, "grade": d.grade, "since": d.since,
                             "clause": None, "counted": False, "why": blocked, "matched": [],
                             "quote": ""})
    return {"region": region, "indicator": ind.id, "rule": describe(ind.rule), "status": status,
            "since": since.isoformat() if since else None, "why": evidence.get("why"),
            "clauses": rows}


def timeline(cat: Catalogue, indicator: str, start_year: int = 2021) -> list[dict]:
    """Cumulative number of regions meeting ``indicator`` at the end of each year since 2021
    (regions that met it earlier count from the start)."""
    with cat.session() as s:
        rows = s.execute(select(AdoptionStatus.since).where(AdoptionStatus.indicator == indicator,
                                                            AdoptionStatus.status == "ada")).all()
    firsts = sorted(r[0] for r in rows if r[0] is not None)
    this_year = datetime.now(timezone.utc).year
    return [{"tahun": y, "wilayah": sum(1 for f in firsts if f.year <= y)}
            for y in range(start_year, this_year + 1)]
