"""The adoption index: for each of the 552 regions and each indicator, a status with evidence.

Statuses are derived, never typed by hand: ``compute`` reads documents, facts, sightings and
source runs from the catalogue, evaluates the indicator rules in ``indicators.yaml`` and rewrites
the ``adoption_status`` table in one transaction (``pantau index`` runs it).

- ``ada``: a regulation/circular of the region satisfies the indicator (which document, Pasal, since when);
- ``diberitakan``: only news reports it (which article);
- ``belum_ditemukan``: the region's sources were checked (which, when) and nothing satisfies it;
- ``tidak_terpantau``: no source of the region is crawled.

A repealed instrument (status "dicabut"/"tidak berlaku", or the target of a ``mencabut`` relation)
no longer counts from its repeal date; an amendment counts with the instrument it amends.
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

STATUSES = ("ada", "diberitakan", "belum_ditemukan", "tidak_terpantau")
JAMSOSTEK_WORDS = ["ketenagakerjaan", "jkk", "jkm", "jht", "jkp", "pekerja", "iuran"]
REPEALED_STATUS = re.compile(r"(?i)\b(dicabut|tidak\s+berlaku|dibatalkan)\b")


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


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", str(s).lower())


@dataclass
class DocFacts:
    """What the rules look at for one document."""

    doc_id: int
    reg_key: str
    region_code: str | None
    grade: str  # katalog.vocab.EvidenceGrade
    title: str
    since: date | None
    status: str | None
    relevance: dict = field(default_factory=dict)
    obligations: list[dict] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)
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
        elif k not in into:
            into[k] = v


def evaluate(rule: dict, d: DocFacts) -> dict | None:
    """If ``d`` satisfies ``rule``, the evidence (best fact) — else None."""
    rel = d.relevance
    rr = rule.get("relevance") or {}
    for key, want in rr.items():
        if key.endswith("_any"):
            have = {_norm(x) for x in rel.get(key[:-4]) or []}
            if not have & {_norm(x) for x in want}:
                return None
        elif bool(rel.get(key)) != bool(want):
            return None
    evidence: dict = {}
    if rule.get("obligation_text_all"):
        pats = [re.compile(p) for p in rule["obligation_text_all"]]
        hit = next((o for o in d.obligations if all(p.search(o.get("text") or "") for p in pats)), None)
        if hit is None:
            return None
        evidence = hit
    if rule.get("target"):
        want = rule["target"]
        hit = next((t for t in d.targets if all(t.get(k) == v for k, v in want.items())), None)
        if hit is None:
            return None
        evidence = hit
    if not evidence:
        # the strongest quote: an obligation in a Pasal naming the group/funding of the rule and
        # employment social security (not, say, the health-insurance Pasal of the same Perda)
        words = [_norm(x) for k in ("groups_any", "funding_any") for x in rr.get(k, [])]
        if rr.get("funding_any"):
            words.append("anggaran")
        words += JAMSOSTEK_WORDS

        def weight(o: dict) -> tuple:
            text = _norm(o.get("text", ""))
            return (-sum(w in text for w in words), "kesehatan" in text, o.get("pasal") is None,
                    o.get("start", 0))
        ranked = sorted(d.obligations, key=weight)
        evidence = ranked[0] if ranked else {}
    return {"pasal": evidence.get("pasal"), "ayat": evidence.get("ayat"), "page": evidence.get("page"),
            "quote": (evidence.get("text") or "")[:600], "start": evidence.get("start"),
            "end": evidence.get("end")}


def _load(session: Session) -> list[DocFacts]:
    docs: dict[int, DocFacts] = {}
    for d in session.scalars(select(Document).where(Document.region_code.is_not(None))):
        since = d.tanggal_diundangkan or d.tanggal_ditetapkan or d.published_on or (
            date(d.tahun, 1, 1) if d.tahun else None)
        docs[d.id] = DocFacts(d.id, d.reg_key, d.region_code, d.evidence_grade,
                              d.judul or d.tentang or d.reg_key, since, d.status,
                              text_status=d.text_status)
    for doc_id, kind, data, pasal, ayat, page, start, end, text in session.execute(
            select(Fact.document_id, Fact.kind, Fact.data, Fact.pasal, Fact.ayat, Fact.page, Fact.start,
                   Fact.end, Fact.text)):
        d = docs.get(doc_id)
        if d is None:
            continue
        item = {**(data or {}), "pasal": pasal, "ayat": ayat, "page": page, "start": start,
                "end": end, "text": text}
        if kind == "relevance":
            _merge_relevance(d.relevance, data or {})
        elif kind == "obligation":
            d.obligations.append(item)
        elif kind == "target":
            d.targets.append(item)
        elif kind == "relation":
            d.relations.append(item)
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


def compute(cat: Catalogue, today: date | None = None) -> dict[str, int]:
    """Recompute every region × indicator status; returns counts per status."""
    today = today or datetime.now(timezone.utc).date()
    version, indicators = load_indicators()
    counts = dict.fromkeys(STATUSES, 0)
    with cat.session() as s:
        docs = _load(s)
        repeals = _repeals(docs)
        amended = _amendments(docs)
        monitoring = _monitoring(s)
        urls: dict[int, list[dict]] = defaultdict(list)
        for doc_id, url, last_seen in s.execute(select(Sighting.document_id, Sighting.url,
                                                       Sighting.last_seen)):
            urls[doc_id].append({"url": url, "last_seen": iso(last_seen, "seconds")})
        by_region: dict[str, list[DocFacts]] = defaultdict(list)
        for d in docs:
            by_region[d.region_code].append(d)
        s.execute(delete(AdoptionStatus))
        for region in s.scalars(select(Region)):
            for ind in indicators:
                status, since, evidence = _status(ind, by_region.get(region.kode, []), repeals,
                                                  amended, monitoring.get(region.kode, []), urls, today)
                counts[status] += 1
                s.add(AdoptionStatus(region_code=region.kode, indicator=ind.id, status=status,
                                     since=since, evidence=evidence, indicator_version=version))
    return counts


def _status(ind: Indicator, docs: list[DocFacts], repeals, amended, sources: list[dict], urls,
            today: date):
    found, news, history = [], [], []
    for d in docs:
        ev = evaluate(ind.rule, d)
        if ev is None:
            continue
        repealed = repeals.get(d.reg_key)
        is_repealed = bool(REPEALED_STATUS.search(d.status or "")) or (
            repealed is not None and (repealed[1] is None or repealed[1] <= today))
        entry = {"reg_key": d.reg_key, "title": d.title, "since": d.since.isoformat() if d.since else None,
                 **ev, "sources": urls.get(d.doc_id, [])[:5]}
        if amended.get(d.reg_key):
            entry["diubah_oleh"] = amended[d.reg_key]
        if d.grade == EvidenceGrade.DOKUMEN:
            if d.since:
                history.append(d.since)
            if is_repealed:
                entry["dicabut_oleh"] = repealed[0] if repealed else None
                continue
            found.append(entry)
        else:
            news.append(entry)
    unreadable = [d.reg_key for d in docs if d.text_status in UNREADABLE]
    first = min(history) if history else None
    if found:
        found.sort(key=lambda e: (e["since"] or "9999"))
        since = date.fromisoformat(found[0]["since"]) if found[0]["since"] else first
        return "ada", since, {"documents": found, "first_met": first.isoformat() if first else None}
    if news:
        news.sort(key=lambda e: (e["since"] or "9999"))
        return "diberitakan", None, {"news": news}
    if sources:
        return "belum_ditemukan", None, {"sources_checked": sources, "unreadable_documents": unreadable,
                                         "documents_checked": len(docs)}
    return "tidak_terpantau", None, {"documents_known": len(docs)}


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
