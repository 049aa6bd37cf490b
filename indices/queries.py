"""Read-side queries for the web app and the API: regions with their statuses, documents with
their evidence, facts, and the adoption matrix. Views call these; they never query inline."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from . import paging
from .adoption import STATUSES as _STATUSES, load_indicators
from .claims import describe
from katalog.db import Catalogue
from katalog.models import (AdoptionStatus, Document, DocumentFile, Fact, JdihSite, PageText, Region,
                            Sighting, Source, SourceRun)
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
        # the region's JDIH addresses as the registry and discovery know them: where each was
        # seen, and what discovery found there (an unverified one is never a source)
        jdih_sites = [{"url": js.url, "status": js.status, "reason": js.reason,
                       "family": js.family, "publisher": js.publisher, "origin": js.origin,
                       "checked_at": js.checked_at, "http_status": (js.probe or {}).get("http_status"),
                       "seen_in": (js.evidence or {}).get("seen_in")}
                      for js in s.scalars(select(JdihSite).where(JdihSite.region_code == kode)
                                          .order_by(JdihSite.status != "verified", JdihSite.id))
                      if js.origin == "registry" or js.status == "verified"]
        return {
            "region": region_dict(r), "provinsi": parent.nama if parent else None,
            "documents": [document_summary(d) for d in docs if d.kind != "news"],
            "news": [document_summary(d) for d in docs if d.kind == "news"],
            "statuses": [_status_dict(i, sts.get(i.id)) for i in indicators],
            "sources": sources,
            "jdih_sites": jdih_sites,
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
        relations_in, seen = [], set()
        for f in s.scalars(select(Fact).where(Fact.kind == "relation")):
            target = (f.data or {}).get("target") or {}
            if target.get("reg_key") == reg_key and f.document_id != d.id:
                src = s.get(Document, f.document_id)
                kind = (f.data or {}).get("type")
                if (kind, src.reg_key) in seen:  # one amendment stated in several clauses
                    continue
                seen.add((kind, src.reg_key))
                relations_in.append({"type": kind, "reg_key": src.reg_key,
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


# ---------------------------------------------------------------- the three users' views
# Province roll-ups (a province and its kabupaten/kota), the Apeksi cities, and the journalists'
# "who has done it" list with a citation per claim, all read from the adoption index.

def status_counts_of(rows: list[dict], indicator: str) -> dict[str, int]:
    """How many of ``rows`` (matrix rows) have each status for ``indicator``."""
    counts = {st: 0 for st in _STATUSES}
    for r in rows:
        st = r["statuses"].get(indicator, {}).get("status", "tidak_terpantau")
        counts[st] = counts.get(st, 0) + 1
    return counts


def province_rollup(cat: Catalogue, kode: str, rows: list[dict] | None = None) -> dict | None:
    """A province's kabupaten/kota per indicator: counts per status and the regions of each
    status (by name); None when ``kode`` is no province. ``rows``: the matrix, if already read."""
    _, indicators = load_indicators()
    rows = rows if rows is not None else matrix(cat, province=kode)
    own = next((r for r in rows if r["kode"] == kode), None)
    if own is None or own["kind"] != "provinsi":
        return None
    members = [r for r in rows if r["kode_provinsi"] == kode and r["kind"] != "provinsi"]
    out = []
    for ind in indicators:
        by_status: dict[str, list[dict]] = {st: [] for st in _STATUSES}
        for r in members:
            st = r["statuses"][ind.id]
            by_status.setdefault(st["status"], []).append(
                {"kode": r["kode"], "nama": r["nama"], "since": st["since"]})
        for regions in by_status.values():
            regions.sort(key=lambda x: (x["since"] or "9999", x["nama"]))
        out.append({"indicator": ind.id, "nama": ind.nama, "name": ind.name,
                    "counts": {st: len(v) for st, v in by_status.items()}, "regions": by_status})
    return {"province": {k: own[k] for k in ("kode", "nama", "kind")}, "members": members,
            "documents": sum(r["documents"] for r in members) + own["documents"],
            "with_documents": sum(1 for r in members if r["documents"]),
            "indicators": out}


def by_province(rows: list[dict], indicator: str) -> list[dict]:
    """The national view grouped by province: per province its kabupaten/kota counted by status
    for ``indicator``, and their documents (``rows``: the matrix)."""
    groups: dict[str, dict] = {}
    for r in rows:
        if r["kind"] == "provinsi":
            groups.setdefault(r["kode"], {"kode": r["kode"], "nama": r["nama"], "members": []})
    for r in rows:
        if r["kind"] != "provinsi" and r["kode_provinsi"] in groups:
            groups[r["kode_provinsi"]]["members"].append(r)
    out = []
    for g in sorted(groups.values(), key=lambda g: g["kode"]):
        members = g.pop("members")
        out.append({**g, "regions": len(members), "counts": status_counts_of(members, indicator),
                    "documents": sum(m["documents"] for m in members),
                    "with_documents": sum(1 for m in members if m["documents"])})
    return out


def citation(status: AdoptionStatus | None, region: dict, indicator: str) -> dict:
    """One claim about one region and indicator, with everything a citation needs: the region,
    the instrument (or news article), its Pasal and clause, its date, the source URL and when
    Pantau last saw the document there (``checked_on``)."""
    st = status.status if status is not None else "tidak_terpantau"
    out = {"indicator": indicator, **region, "status": st,
           "since": status.since.isoformat() if status is not None and status.since else None,
           "reg_key": None, "title": None, "pasal": None, "ayat": None, "clause": None,
           "page": None, "quote": None, "matched": [], "date": None, "source_url": None,
           "checked_on": None, "evidence_grade": None, "computed_at": None}
    if status is None:
        return out
    out["computed_at"] = iso(status.computed_at, "seconds")
    evidence = status.evidence or {}
    entries = evidence.get("documents") if st == "ada" else evidence.get("news") if st == "diberitakan" else None
    if not entries:
        return out
    e = entries[0]
    clause = (e.get("clauses") or [{}])[0]
    sources = [s for s in e.get("sources") or [] if s.get("url")]
    web = [s for s in sources if str(s["url"]).startswith(("http://", "https://"))] or sources
    out.update({"reg_key": e.get("reg_key"), "title": e.get("title"), "pasal": e.get("pasal"),
                "ayat": e.get("ayat"), "clause": e.get("clause") or clause.get("label"),
                "page": e.get("page"), "quote": clause.get("quote") or e.get("quote"),
                "matched": clause.get("matched") or [],
                "date": e.get("since") if st == "ada" else e.get("published"),
                "source_url": web[0]["url"] if web else None,
                "checked_on": (web[0].get("last_seen") or "")[:10] or None if web else None,
                "evidence_grade": "dokumen" if st == "ada" else "berita",
                "amended_by": e.get("diubah_oleh") or []})
    return out


def _region_rows(s, kind: str | None, province: str | None, codes=None) -> dict[str, dict]:
    names = dict(s.execute(select(Region.kode, Region.nama).where(Region.kind == "provinsi")).all())
    q = select(Region.kode, Region.nama, Region.kind, Region.kode_provinsi)
    if kind in ("provinsi", "kabupaten", "kota"):
        q = q.where(Region.kind == kind)
    if province:
        q = q.where((Region.kode_provinsi == province) | (Region.kode == province))
    if codes is not None:
        q = q.where(Region.kode.in_(list(codes) or ["-"]))
    return {k: {"kode": k, "nama": n, "kind": rk, "kode_provinsi": p, "provinsi": names.get(p or "")}
            for k, n, rk, p in s.execute(q)}


def claims(cat: Catalogue, indicator: str, *, kind: str | None = None,
           province: str | None = None, status: str = "ada") -> list[dict]:
    """Who has done it: the regions with ``status`` (``ada`` by default) for ``indicator``, each
    with its citation, oldest instrument first (ties by name)."""
    with cat.session() as s:
        regions = _region_rows(s, kind, province)
        q = select(AdoptionStatus).where(AdoptionStatus.indicator == indicator,
                                         AdoptionStatus.status == status)
        out = [citation(st, regions[st.region_code], indicator)
               for st in s.scalars(q) if st.region_code in regions]
    out.sort(key=lambda c: (c["date"] or c["since"] or "9999", c["nama"], c["kode"]))
    return out


def claim(cat: Catalogue, indicator: str, kode: str) -> dict | None:
    """One region's claim for one indicator (its permalink), whatever its status now; None for an
    unknown region or indicator."""
    _, indicators = load_indicators()
    if not any(i.id == indicator for i in indicators):
        return None
    with cat.session() as s:
        regions = _region_rows(s, None, None, codes=[kode])
        if kode not in regions:
            return None
        st = s.scalar(select(AdoptionStatus).where(AdoptionStatus.indicator == indicator,
                                                   AdoptionStatus.region_code == kode))
        return citation(st, regions[kode], indicator)


def region_table(cat: Catalogue, *, kind: str | None = None, province: str | None = None,
                 codes=None) -> list[dict]:
    """One row per region, one citation per indicator (``cells``): the Apeksi view of the 98
    cities (``kind="kota"``) and the comparison of chosen regions (``codes``, in that order)."""
    _, indicators = load_indicators()
    with cat.session() as s:
        regions = _region_rows(s, kind, province, codes=codes)
        statuses: dict[tuple[str, str], AdoptionStatus] = {}
        q = select(AdoptionStatus).where(AdoptionStatus.region_code.in_(list(regions) or ["-"]))
        for st in s.scalars(q):
            statuses[(st.region_code, st.indicator)] = st
        docs = dict(s.execute(select(Document.region_code, func.count())
                              .where(Document.region_code.in_(list(regions) or ["-"]))
                              .group_by(Document.region_code)).all())
        rows = []
        order = list(codes) if codes is not None else sorted(regions)
        for kode in order:
            if kode not in regions:
                continue
            r = regions[kode]
            rows.append({**r, "documents": docs.get(kode, 0),
                         "cells": {i.id: citation(statuses.get((kode, i.id)), r, i.id)
                                   for i in indicators}})
    return rows
