"""Read-side queries for the web app and the API: regions with their statuses, documents with
their evidence, facts, and the adoption matrix. Views call these; they never query inline."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from . import paging
from .adoption import load_indicators
from .claims import describe
from katalog.db import Catalogue
from katalog.models import AdoptionStatus, Document, DocumentFile, Fact, PageText, Region, Sighting, Source, SourceRun
from katalog.types import iso

MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000


def clamp(page, per_page) -> tuple[int, int]:
    """Page number and size of a listing from request arguments (50 a page unless asked)."""
    return paging.clamp(page, per_page, default_per_page=50, max_per_page=MAX_PER_PAGE,
                        max_page=MAX_PAGE)


def region_dict(r: Region) -> dict:
    return {"kode": r.kode, "nama": r.nama, "kind": r.kind, "kode_provinsi": r.kode_provinsi,
            "lat": r.lat, "lng": r.lng}


def matrix(cat: Catalogue, *, kind: str | None = None, province: str | None = None,
           indicator: str | None = None, status: str | None = None) -> list[dict]:
    """Every region (filtered) with its status per indicator and its document count.

    Column queries rather than ORM objects: this backs the national view on every request."""
    _, indicators = load_indicators()
    with cat.session() as s:
        q = select(Region.kode, Region.nama, Region.kind, Region.kode_provinsi, Region.lat,
                   Region.lng).order_by(Region.kode)
        if kind in ("provinsi", "kabupaten", "kota"):
            q = q.where(Region.kind == kind)
        if province:
            q = q.where((Region.kode_provinsi == province) | (Region.kode == province))
        regions = s.execute(q).all()
        names = dict(s.execute(select(Region.kode, Region.nama).where(Region.kind == "provinsi")).all())
        counts = dict(s.execute(select(Document.region_code, func.count())
                                .group_by(Document.region_code)).all())
        statuses: dict[str, dict] = defaultdict(dict)
        for code, ind, st, since in s.execute(select(AdoptionStatus.region_code, AdoptionStatus.indicator,
                                                     AdoptionStatus.status, AdoptionStatus.since)):
            statuses[code][ind] = {"status": st, "since": since.isoformat() if since else None}
    missing = {"status": "tidak_terpantau", "since": None}
    rows = []
    for kode, nama, rkind, kode_provinsi, lat, lng in regions:
        row_statuses = statuses.get(kode, {})
        row = {"kode": kode, "nama": nama, "kind": rkind, "kode_provinsi": kode_provinsi, "lat": lat,
               "lng": lng, "provinsi": names.get(kode_provinsi or ""), "documents": counts.get(kode, 0),
               "statuses": {i.id: row_statuses.get(i.id, missing) for i in indicators}}
        if indicator and status and row["statuses"].get(indicator, {}).get("status") != status:
            continue
        rows.append(row)
    return rows


def status_counts(cat: Catalogue, indicator: str, kind: str | None = None) -> dict[str, int]:
    with cat.session() as s:
        q = (select(AdoptionStatus.status, func.count()).join(Region, Region.kode == AdoptionStatus.region_code)
             .where(AdoptionStatus.indicator == indicator).group_by(AdoptionStatus.status))
        if kind:
            q = q.where(Region.kind == kind)
        else:
            q = q.where(Region.kind != "provinsi")
        return dict(s.execute(q).all())


def region_detail(cat: Catalogue, kode: str) -> dict | None:
    _, indicators = load_indicators()
    with cat.session() as s:
        r = s.get(Region, kode)
        if r is None:
            return None
        parent = s.get(Region, r.kode_provinsi) if r.kode_provinsi else None
        docs = list(s.scalars(select(Document).where(Document.region_code == kode)
                              .order_by(Document.tahun.desc().nulls_last(), Document.reg_key)))
        sts = {st.indicator: st for st in s.scalars(select(AdoptionStatus)
                                                    .where(AdoptionStatus.region_code == kode))}
        sources = []
        for src in s.scalars(select(Source)):
            regions = set((src.config or {}).get("regions") or []) | ({src.region_code} if src.region_code else set())
            if kode in regions:
                last = s.scalar(select(SourceRun).where(SourceRun.source_id == src.id)
                                .order_by(SourceRun.id.desc()).limit(1))
                sources.append({"name": src.name, "kind": src.kind, "url": src.url,
                                "last_run": last.finished_at or last.started_at if last else None,
                                "last_status": last.status if last else None})
        return {
            "region": region_dict(r), "provinsi": parent.nama if parent else None,
            "documents": [document_summary(d) for d in docs if d.kind != "news"],
            "news": [document_summary(d) for d in docs if d.kind == "news"],
            "statuses": [_status_dict(i, sts.get(i.id)) for i in indicators],
            "sources": sources,
        }


def _status_dict(ind, st: AdoptionStatus | None) -> dict:
    """One indicator's status for a region, with its evidence and why it is what it is."""
    if st is None:  # the adoption index has not been computed for this region yet
        return {"indicator": ind.id, "nama": ind.nama, "name": ind.name,
                "status": "tidak_terpantau", "since": None, "evidence": {},
                "why": {"rule": describe(ind.rule), "definition": ind.definisi,
                        "decision": "tidak_terpantau",
                        "reason": "Indeks adopsi belum dihitung (`pantau index`)"}}
    evidence = dict(st.evidence or {})
    why = evidence.pop("why", None) or {"rule": describe(ind.rule), "definition": ind.definisi,
                                        "decision": st.status, "reason": ""}
    return {"indicator": ind.id, "nama": ind.nama, "name": ind.name, "status": st.status,
            "since": st.since.isoformat() if st.since else None, "evidence": evidence, "why": why}


def document_summary(d: Document) -> dict:
    return {"reg_key": d.reg_key, "kind": d.kind, "evidence_grade": d.evidence_grade, "jenis": d.jenis,
            "jenis_code": d.jenis_code, "nomor": d.nomor, "tahun": d.tahun, "region_code": d.region_code,
            "judul": d.judul, "tentang": d.tentang, "status": d.status, "text_status": d.text_status,
            "outlet": d.outlet,
            "published_on": d.published_on.isoformat() if d.published_on else None,
            "tanggal_ditetapkan": d.tanggal_ditetapkan.isoformat() if d.tanggal_ditetapkan else None,
            "tanggal_diundangkan": d.tanggal_diundangkan.isoformat() if d.tanggal_diundangkan else None,
            "created_at": iso(d.created_at, "seconds")}


def documents(cat: Catalogue, *, region: str | None = None, province: str | None = None,
              jenis: str | None = None, tahun: int | None = None, kind: str | None = None,
              page=1, per_page=50) -> paging.Page:
    page, per_page = clamp(page, per_page)
    with cat.session() as s:
        q = select(Document)
        if region:
            q = q.where(Document.region_code == region)
        if province:
            sub = select(Region.kode).where((Region.kode_provinsi == province) | (Region.kode == province))
            q = q.where(Document.region_code.in_(sub))
        if jenis:
            q = q.where(Document.jenis_code == jenis)
        if tahun:
            q = q.where(Document.tahun == tahun)
        if kind:
            q = q.where(Document.kind == kind)
        total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
        rows = s.scalars(q.order_by(Document.id.desc()).limit(per_page)
                         .offset(paging.offset(page, per_page)))
        return paging.Page([document_summary(d) for d in rows], total, page, per_page)


def document_detail(cat: Catalogue, reg_key: str) -> dict | None:
    with cat.session() as s:
        d = s.scalar(select(Document).where(Document.reg_key == reg_key)
                     .options(selectinload(Document.sightings).selectinload(Sighting.source),
                              selectinload(Document.files).selectinload(DocumentFile.page_texts)))
        if d is None:
            return None
        region = s.get(Region, d.region_code) if d.region_code else None
        facts = list(s.scalars(select(Fact).where(Fact.document_id == d.id)
                               .order_by(Fact.file_sha256, Fact.start)))
        relations_in = []
        for f in s.scalars(select(Fact).where(Fact.kind == "relation")):
            target = (f.data or {}).get("target") or {}
            if target.get("reg_key") == reg_key and f.document_id != d.id:
                src = s.get(Document, f.document_id)
                relations_in.append({"type": (f.data or {}).get("type"), "reg_key": src.reg_key,
                                     "judul": src.judul or src.tentang})
        files = []
        for f in d.files:
            files.append({"sha256": f.sha256, "media_type": f.media_type, "size": f.size, "pages": f.pages,
                          "role": f.role, "text_status": f.text_status, "filename": f.filename,
                          "pages_text": [{"page": p.page, "method": p.method, "quality": p.quality,
                                          "confidence": p.confidence, "text": p.text} for p in f.page_texts]})
        return {
            **document_summary(d),
            "region": region_dict(region) if region else None,
            "sources": [{"url": x.url, "source": x.source.name if x.source else None,
                         "first_seen": iso(x.first_seen, "seconds"),
                         "last_seen": iso(x.last_seen, "seconds")} for x in d.sightings],
            "files": files,
            "facts": [fact_dict(f) for f in facts],
            "relations_in": relations_in,
        }


def fact_dict(f: Fact) -> dict:
    return {"kind": f.kind, "pasal": f.pasal, "ayat": f.ayat, "page": f.page, "start": f.start,
            "end": f.end, "text": f.text, "data": f.data, "file_sha256": f.file_sha256,
            "extractor_version": f.extractor_version}


def facts(cat: Catalogue, *, reg_key: str | None = None, kind: str | None = None, page=1,
          per_page=50) -> paging.Page:
    page, per_page = clamp(page, per_page)
    with cat.session() as s:
        q = select(Fact, Document.reg_key).join(Document, Document.id == Fact.document_id)
        if reg_key:
            q = q.where(Document.reg_key == reg_key)
        if kind:
            q = q.where(Fact.kind == kind)
        total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
        rows = s.execute(q.order_by(Fact.id).limit(per_page)
                         .offset(paging.offset(page, per_page))).all()
        return paging.Page([{"reg_key": key, **fact_dict(f)} for f, key in rows], total, page,
                           per_page)


def new_documents(cat: Catalogue, *, region: str | None = None, province: str | None = None,
                  reg_keys: list[str] | None = None, limit: int = 50) -> list[dict]:
    """Newest documents first (by when Pantau first catalogued them), for the Atom feeds."""
    with cat.session() as s:
        q = select(Document).order_by(Document.created_at.desc(), Document.id.desc()).limit(limit)
        if region:
            q = q.where(Document.region_code == region)
        if province:
            sub = select(Region.kode).where((Region.kode_provinsi == province) | (Region.kode == province))
            q = q.where(Document.region_code.in_(sub))
        if reg_keys is not None:
            q = q.where(Document.reg_key.in_(reg_keys or ["-"]))
        return [document_summary(d) for d in s.scalars(q)]


def page_text(cat: Catalogue, sha256: str) -> list[tuple[int, str]]:
    with cat.session() as s:
        return list(s.execute(select(PageText.page, PageText.text).where(PageText.sha256 == sha256)
                              .order_by(PageText.page)).all())
