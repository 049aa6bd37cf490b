"""HTML pages: the region list with document counts, search, and a document page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from indices.models import Document, Region

bp = Blueprint("pages", __name__)


def _cat():
    return current_app.extensions["pantau.catalogue"]


@bp.get("/")
def beranda():
    kind = request.args.get("kind") or None
    with _cat().session() as s:
        counts = dict(s.execute(select(Document.region_code, func.count())
                                .group_by(Document.region_code)).all())
        q = select(Region).order_by(Region.kode)
        if kind in ("provinsi", "kabupaten", "kota"):
            q = q.where(Region.kind == kind)
        regions = list(s.scalars(q))
        provinces = {r.kode: r.nama for r in s.scalars(select(Region).where(Region.kind == "provinsi"))}
        total_docs = s.scalar(select(func.count()).select_from(Document)) or 0
    rows = [(r, provinces.get(r.kode_provinsi or ""), counts.get(r.kode, 0)) for r in regions]
    return render_template("beranda.html", rows=rows, kind=kind, total_docs=total_docs,
                           with_docs=sum(1 for _, _, n in rows if n))


@bp.get("/cari")
def cari():
    q = (request.args.get("q") or "").strip()[:500]
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    result = current_app.extensions["pantau.search"].search(q, page=page) if q else None
    return render_template("cari.html", q=q, result=result)


@bp.get("/wilayah/<kode>")
def wilayah(kode: str):
    with _cat().session() as s:
        region = s.get(Region, kode)
        if region is None:
            abort(404)
        docs = list(s.scalars(select(Document).where(Document.region_code == kode)
                              .order_by(Document.tahun.desc(), Document.reg_key)))
    return render_template("wilayah.html", region=region, docs=docs)


@bp.get("/dokumen/<path:reg_key>")
def dokumen(reg_key: str):
    with _cat().session() as s:
        doc = s.scalar(select(Document).where(Document.reg_key == reg_key)
                       .options(selectinload(Document.sightings), selectinload(Document.files)))
        if doc is None:
            abort(404)
        region = s.get(Region, doc.region_code) if doc.region_code else None
        sightings = [(x, x.source.name if x.source else None) for x in doc.sightings]
    return render_template("dokumen.html", doc=doc, region=region, sightings=sightings)
