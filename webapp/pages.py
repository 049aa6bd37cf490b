"""HTML pages: national map and matrix, region and document pages with evidence, search,
methodology, source health, and the archived files."""

from __future__ import annotations

from collections import OrderedDict
from urllib.parse import urlencode

from flask import Blueprint, abort, g, render_template, request, send_file
from markupsafe import Markup
from sqlalchemy import func, select

from indices import coverage as coverage_index
from indices import queries
from indices.adoption import STATUSES, load_indicators, timeline
from katalog.blobs import BlobStore
from katalog.models import AdoptionStatus, Document, Region, SourceRun
from indices.search import SearchError, SearchRequest

from . import context, geo, render

bp = Blueprint("pages", __name__)



def _provinces() -> list[tuple[str, str]]:
    with context.catalogue().session() as s:
        return list(s.execute(select(Region.kode, Region.nama).where(Region.kind == "provinsi")
                              .order_by(Region.kode)).all())


def _indicator(arg: str | None):
    _, indicators = load_indicators()
    return next((i for i in indicators if i.id == arg), indicators[0]), indicators


_NATIONAL_CACHE: OrderedDict = OrderedDict()
_NATIONAL_CACHE_SIZE = 64


def _catalogue_fingerprint() -> tuple:
    """Changes whenever anything the national view shows can have changed: documents (added,
    removed, updated) and the adoption index (recomputed by ``pantau index``).

    Read from the database on every request, so each gunicorn worker's cache notices a change
    made by any other process at once. One query per value: each is answered from an index
    (max of the primary key, of ``updated_at``) or the engine's row count, where one query for
    all three would scan every document (~30 ms at 100k documents)."""
    with context.catalogue().session() as s:
        return (s.scalar(select(func.count()).select_from(Document)),
                s.scalar(select(func.max(Document.id))),
                s.scalar(select(func.max(Document.updated_at))),
                s.scalar(select(func.max(AdoptionStatus.computed_at))),
                # crawl runs: the coverage statement changes when a source starts or ends a run
                s.scalar(select(func.max(SourceRun.id))),
                s.scalar(select(func.max(SourceRun.finished_at))))


@bp.get("/")
def beranda():
    """The national view. Rendering 514 map paths and 552 rows costs ~40 ms, so the page is kept
    per (arguments, language) until the catalogue's fingerprint changes."""
    key = (request.query_string, g.get("lang"), _catalogue_fingerprint())
    page = _NATIONAL_CACHE.get(key)
    if page is None:
        page = _render_beranda()
        _NATIONAL_CACHE[key] = page
        while len(_NATIONAL_CACHE) > _NATIONAL_CACHE_SIZE:
            _NATIONAL_CACHE.popitem(last=False)
    else:
        _NATIONAL_CACHE.move_to_end(key)
    return page


def _render_beranda():
    kind = request.args.get("kind") or None
    kind = kind if kind in ("provinsi", "kabupaten", "kota") else None
    province = request.args.get("provinsi") or None
    indicator, indicators = _indicator(request.args.get("indikator"))
    all_rows = queries.matrix(context.catalogue())
    rows = [r for r in all_rows if (kind is None or r["kind"] == kind)
            and (province is None or province in (r["kode_provinsi"], r["kode"]))]
    level = "provinsi" if kind == "provinsi" else "kabkota"
    paths = geo.region_paths(level)
    shown = {r["kode"] for r in rows}
    map_rows = [{"kode": r["kode"], "nama": r["nama"], "d": paths[r["kode"]],
                 "status": r["statuses"][indicator.id]["status"], "dim": r["kode"] not in shown}
                for r in all_rows if r["kode"] in paths
                and (r["kind"] == "provinsi") == (level == "provinsi")]
    counted = [r for r in rows if r["kind"] != "provinsi"] if kind is None else rows
    counts: dict[str, int] = {}
    for r in counted:
        st = r["statuses"][indicator.id]["status"]
        counts[st] = counts.get(st, 0) + 1
    with context.catalogue().session() as s:
        total_docs = s.scalar(select(func.count()).select_from(Document)) or 0
    return render_template(
        "beranda.html", rows=rows, kind=kind, province=province, indicator=indicator,
        indicators=indicators, provinces=_provinces(), statuses=STATUSES, counts=counts,
        total_regions=len(counted), map_rows=map_rows, map_width=int(geo.WIDTH), map_height=geo.HEIGHT,
        timeline=timeline(context.catalogue(), indicator.id), total_docs=total_docs,
        with_docs=sum(1 for r in rows if r["documents"]),
        coverage=coverage_index.summary(coverage_index.coverage(context.catalogue())))


@bp.get("/cakupan")
def cakupan():
    """National coverage: for every region, the sources that cover it, when they last worked,
    the documents found, and why a region no working source covers is not covered."""
    cover = coverage_index.coverage(context.catalogue())
    status = request.args.get("status") or None
    args = {"status": status if status in ("terpantau", "tidak") else None,
            "alasan": request.args.get("alasan") if request.args.get("alasan")
            in coverage_index.REASONS else None,
            "kind": request.args.get("kind") if request.args.get("kind")
            in ("provinsi", "kabupaten", "kota") else None,
            "provinsi": request.args.get("provinsi") or None}
    rows = coverage_index.filtered(
        cover, monitored={"terpantau": True, "tidak": False}.get(args["status"] or ""),
        reason=args["alasan"], kind=args["kind"], province=args["provinsi"])
    api_args = {"monitored": {"terpantau": "true", "tidak": "false"}.get(args["status"] or ""),
                "reason": args["alasan"], "kind": args["kind"], "province": args["provinsi"]}
    return render_template("cakupan.html", rows=rows, summary=coverage_index.summary(cover),
                           reasons=coverage_index.REASONS, provinces=_provinces(),
                           names=dict(_provinces()), args=args,
                           api_args={k: v for k, v in api_args.items() if v})


@bp.get("/matriks")
def matriks():
    _, indicators = load_indicators()
    args = {k: request.args.get(k) or None for k in ("kind", "provinsi", "indikator", "status")}
    rows = queries.matrix(context.catalogue(), kind=args["kind"], province=args["provinsi"],
                          indicator=args["indikator"], status=args["status"])
    sort = request.args.get("sort") or "kode"
    desc = request.args.get("dir") == "desc"
    order = {s: i for i, s in enumerate(STATUSES)}
    if sort in ("kode", "nama", "documents"):
        rows.sort(key=lambda r: r[sort], reverse=desc)
    elif any(i.id == sort for i in indicators):
        rows.sort(key=lambda r: (order[r["statuses"][sort]["status"]], r["kode"]), reverse=desc)

    def sort_query(column: str) -> str:
        q = {k: v for k, v in args.items() if v}
        q["sort"] = column
        q["dir"] = "desc" if (column == sort and not desc) else "asc"
        return urlencode(q)

    filter_args = {k: v for k, v in args.items() if v}
    return render_template("matriks.html", rows=rows, indicators=indicators, statuses=STATUSES,
                           provinces=_provinces(), kind=args["kind"], province=args["provinsi"],
                           indicator=args["indikator"], status=args["status"], sort_query=sort_query,
                           filter_args=filter_args)


@bp.app_template_filter("quote_html")
def quote_html(item) -> Markup:
    """An evidence quote with its matched terms marked; ``render.quote_html`` escapes all text."""
    return Markup(render.quote_html(item.get("quote"), item.get("matched")))


@bp.app_template_filter("passage_html")
def passage_html(passage) -> Markup:
    """A search passage in a page; ``render.passage_html`` escapes all of its text."""
    return Markup(render.passage_html(passage))


@bp.get("/cari")
def cari():
    req = SearchRequest.from_args(request.args)
    try:
        result = context.search_index().search(req) if req.q else None
    except SearchError:  # the search engine is down: say so, do not show a stack trace
        abort(503)
    return render_template("cari.html", q=req.q, result=result)


@bp.get("/wilayah/<kode>")
def wilayah(kode: str):
    detail = queries.region_detail(context.catalogue(), kode)
    if detail is None:
        abort(404)
    return render_template("wilayah.html", d=detail)


@bp.get("/dokumen/<path:reg_key>")
def dokumen(reg_key: str):
    doc = queries.document_detail(context.catalogue(), reg_key)
    if doc is None:
        abort(404)
    facts_by_file: dict[str | None, list[dict]] = {}
    for f in doc["facts"]:
        # a clause record spans a whole ayat: it is evidence for the adoption index (shown on the
        # region page), not a fact to mark in the text over the obligations it holds
        if f["kind"] not in ("relevance", "clause"):
            facts_by_file.setdefault(f["file_sha256"], []).append(f)
    bodies, summary = [], []
    for file in doc["files"]:
        facts = facts_by_file.get(file["sha256"], [])
        text = render.document_text([(p["page"], p["text"]) for p in file["pages_text"]])
        bodies.append({"role": file["role"], "html": render.highlight(text, facts)})
        for i, f in enumerate(facts):
            data = f["data"] or {}
            label = data.get("modality") or data.get("kind") or data.get("type") or ""
            if f["kind"] == "reference":
                label = " ".join(str(x) for x in (data.get("jenis"), data.get("nomor") and f"Nomor {data['nomor']}",
                                                  data.get("tahun") and f"Tahun {data['tahun']}") if x)
            elif f["kind"] == "target" and data.get("value") is not None:
                label = f"{data.get('kind', '')}: {data.get('value')} {data.get('unit') or ''}".strip()
            summary.append({"kind": f["kind"], "pasal": f["pasal"], "ayat": f["ayat"], "anchor": i,
                            "label": label})
    relations_out = []
    seen = set()
    for f in doc["facts"]:
        if f["kind"] == "relation":
            data = f["data"] or {}
            target = data.get("target") or {}
            key = (data.get("type"), target.get("reg_key") or str(target))
            if key in seen:
                continue
            seen.add(key)
            label = " ".join(str(x) for x in (target.get("jenis"), target.get("nomor") and f"Nomor {target['nomor']}",
                                              target.get("tahun") and f"Tahun {target['tahun']}") if x)
            relations_out.append({"type": data.get("type") or "mengubah", "reg_key": target.get("reg_key"),
                                  "label": label or target.get("reg_key") or "?"})
    return render_template("dokumen.html", doc=doc, bodies=bodies, facts_summary=summary,
                           relations_out=relations_out)


@bp.get("/berkas/<sha256>")
def berkas(sha256: str):
    """Pantau's archived copy, by SHA-256. Only a hex digest names a file, so nothing outside the
    blob store can be reached; anything but a PDF is served as a download, never rendered."""
    store = BlobStore(context.settings().blob_dir)
    try:
        path = store.path(sha256)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    with context.catalogue().session() as s:
        from katalog.models import DocumentFile
        file = s.get(DocumentFile, sha256)
        media_type = file.media_type if file else "application/octet-stream"
    if media_type == "application/pdf":
        resp = send_file(path, mimetype="application/pdf", download_name=f"{sha256}.pdf")
        resp.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return resp
    return send_file(path, mimetype="application/octet-stream", as_attachment=True,
                     download_name=sha256)


@bp.get("/metodologi")
def metodologi():
    version, indicators = load_indicators()
    return render_template("metodologi.html", version=version, indicators=indicators, statuses=STATUSES)


@bp.get("/sumber")
def sumber():
    from indices.status import catalogue_status
    return render_template("sumber.html", st=catalogue_status(context.catalogue()))
