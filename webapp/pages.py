"""HTML pages: national map and matrix, region and document pages with evidence, search,
methodology, source health, and the archived files."""

from __future__ import annotations

from collections import OrderedDict
from urllib.parse import urlencode

from flask import Blueprint, abort, g, render_template, request, send_file, url_for
from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import func, select

from indices import coverage as coverage_index
from indices import queries
from indices.adoption import STATUSES, load_indicators, timeline
from katalog.alerts import open_alerts, recently_resolved
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
    provinces = _provinces()
    province = request.args.get("provinsi") or None
    province = province if province in dict(provinces) else None
    group = "provinsi" if request.args.get("kelompok") == "provinsi" else None
    indicator, indicators = _indicator(request.args.get("indikator"))
    all_rows = queries.matrix(context.catalogue())
    rows = [r for r in all_rows if (kind is None or r["kind"] == kind)
            and (province is None or province in (r["kode_provinsi"], r["kode"]))]
    counted = [r for r in rows if r["kind"] != "provinsi"] if kind is None else rows
    with context.catalogue().session() as s:
        total_docs = s.scalar(select(func.count()).select_from(Document)) or 0
    return render_template(
        "beranda.html", rows=rows, kind=kind, province=province, group=group,
        province_name=dict(provinces).get(province or ""), indicator=indicator,
        indicators=indicators, provinces=provinces, statuses=STATUSES,
        counts=queries.status_counts_of(counted, indicator.id), total_regions=len(counted),
        groups=queries.by_province(all_rows, indicator.id) if group else [],
        timeline=timeline(context.catalogue(), indicator.id), total_docs=total_docs,
        with_docs=sum(1 for r in rows if r["documents"]),
        coverage=coverage_index.summary(coverage_index.coverage(context.catalogue())),
        **_map(all_rows, indicator.id, level="provinsi" if kind == "provinsi" else "kabkota",
               province=province, shown={r["kode"] for r in rows}))


def _map(rows: list[dict], indicator_id: str, *, level: str = "kabkota", province: str | None = None,
         shown: set[str] | None = None) -> dict:
    """What ``_peta.html`` needs: the whole country, or one province's kabupaten/kota filling the
    view; regions not in ``shown`` are dimmed; the legend counts the regions drawn."""
    view = geo.province(province) if province and level != "provinsi" else None
    view = view or geo.national(level)
    status_of = {r["kode"]: r["statuses"][indicator_id]["status"] for r in rows}
    drawn = [status_of.get(sh.kode, "tidak_terpantau") for sh in view.shapes
             if shown is None or sh.kode in shown]
    indicator = next(i for i in load_indicators()[1] if i.id == indicator_id)
    name = indicator.nama if g.get("lang") == "id" else indicator.name
    return {"m": view, "status_of": status_of, "names": {r["kode"]: r["nama"] for r in rows},
            "dim": {sh.kode for sh in view.shapes if shown is not None and sh.kode not in shown},
            "map_counts": {st: drawn.count(st) for st in STATUSES},
            "map_title": gettext("Peta status wilayah: %(indicator)s", indicator=name)}


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
            "provinsi": request.args.get("provinsi") or None,
            "kelas": request.args.get("kelas") if request.args.get("kelas")
            in coverage_index.CLASSES else None}
    rows = coverage_index.filtered(
        cover, monitored={"terpantau": True, "tidak": False}.get(args["status"] or ""),
        reason=args["alasan"], kind=args["kind"], province=args["provinsi"],
        cakupan=args["kelas"])
    api_args = {"monitored": {"terpantau": "true", "tidak": "false"}.get(args["status"] or ""),
                "reason": args["alasan"], "kind": args["kind"], "province": args["provinsi"],
                "class": args["kelas"]}
    return render_template("cakupan.html", rows=rows, summary=coverage_index.summary(cover),
                           reasons=coverage_index.REASONS, classes=coverage_index.CLASSES,
                           provinces=_provinces(),
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
    # Regulations and news are two tabs, regulations first: a search without a kind filter shows
    # the regulations, and the other tab's count comes from a second, count-only search.
    asked = req.filters.get("kind") or ()
    tab = asked[0] if len(asked) == 1 else "regulation"
    other = "news" if tab == "regulation" else "regulation"
    result, counts = None, {}
    try:
        if req.q:
            result = context.search_index().search(SearchRequest.build(
                req.q, {**req.filters, "kind": [tab]}, exact=req.exact, page=req.page,
                per_page=req.per_page, strict=False))
            counts = {tab: result.total, other: context.search_index().search(SearchRequest.build(
                req.q, {**req.filters, "kind": [other]}, exact=req.exact, per_page=1,
                facets=False, strict=False)).total}
    except SearchError:  # the search engine is down: say so, do not show a stack trace
        abort(503)

    def tab_url(kind: str) -> str:
        args = [(k, v) for k, v in (result.request.to_args() if result else []) if k != "kind"]
        return "?" + urlencode(args + [("kind", kind)])
    return render_template("cari.html", q=req.q, result=result, tab=tab, counts=counts,
                           tab_url=tab_url)


@bp.get("/wilayah/<kode>")
def wilayah(kode: str):
    detail = queries.region_detail(context.catalogue(), kode)
    if detail is None:
        abort(404)
    extra: dict = {"rollup": None}
    if detail["region"]["kind"] == "provinsi":
        # a province: its own instruments, and its kabupaten/kota rolled up on a zoomed map
        indicator, indicators = _indicator(request.args.get("indikator"))
        rows = queries.matrix(context.catalogue(), province=kode)
        extra = {"rollup": queries.province_rollup(context.catalogue(), kode, rows=rows),
                 "indicator": indicator, "indicators": indicators, "statuses": STATUSES,
                 **_map(rows, indicator.id, province=kode)}
    return render_template("wilayah.html", d=detail, **extra)


@bp.get("/dokumen/<path:reg_key>")
def dokumen(reg_key: str):
    doc = queries.document_detail(context.catalogue(), reg_key)
    if doc is None:
        abort(404)
    facts_by_file: dict[str | None, list[dict]] = {}
    for f in doc["facts"]:
        # a clause record spans a whole ayat: it is evidence for the adoption index (shown on the
        # region page), not a fact to mark in the text over the obligations it holds
        if f["kind"] not in ("relevance", "clause", "relation"):
            facts_by_file.setdefault(f["file_sha256"], []).append(f)
    bodies, summary = [], []
    for n, file in enumerate(doc["files"], start=1):
        facts = facts_by_file.get(file["sha256"], [])
        text = render.document_text([(p["page"], p["text"]) for p in file["pages_text"]])
        body, marked = render.highlight_marked(text, facts, prefix=f"f{n}")
        bodies.append({"role": file["role"], "html": body, "n": n})
        for i, f in enumerate(facts):
            head, words, own = render.fact_label(f["kind"], f["data"])
            where = render.where(f["pasal"], f["ayat"])
            # a fact inside another one's mark is reached through that Pasal's anchor
            anchor = f"f{n}-{i}" if i in marked else (f"pasal-{f['pasal']}" if f["pasal"] else None)
            summary.append({"kind": f["kind"], "head": head, "text": words, "own": own,
                            "where": where, "page": f["page"], "anchor": anchor})
    relations_out, seen = [], set()
    for f in doc["facts"]:
        if f["kind"] == "relation":
            data = f["data"] or {}
            target = data.get("target") or {}
            key = (data.get("type"), target.get("reg_key") or render.instrument(target))
            if key in seen:  # one amendment is stated in several clauses
                continue
            seen.add(key)
            relations_out.append({"type": data.get("type") or "mengubah", "reg_key": target.get("reg_key"),
                                  "label": render.instrument(target) or target.get("reg_key") or "?"})
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
    """Source health: the open alerts and those resolved lately (``katalog.alerts``), then every
    source's last run judged against its history."""
    from indices.status import catalogue_status
    cat = context.catalogue()
    return render_template("sumber.html", st=catalogue_status(cat), alerts=open_alerts(cat),
                           resolved=recently_resolved(cat))


@bp.get("/kota")
def kota():
    """Apeksi's view: the 98 cities, one column per indicator, each cell linking to its evidence;
    grouped by province (Apeksi's regional commissions could not be established, see the page)."""
    _, indicators = load_indicators()
    rows = queries.region_table(context.catalogue(), kind="kota")
    group = "" if request.args.get("kelompok") == "" else "provinsi"
    if group:
        groups: dict[str, dict] = {}
        for r in rows:
            groups.setdefault(r["kode_provinsi"], {"kode": r["kode_provinsi"], "nama": r["provinsi"],
                                                   "rows": []})["rows"].append(r)
        grouped = [groups[k] for k in sorted(groups)]
    else:
        grouped = [{"kode": None, "nama": None, "rows": rows}]
    ada = {i.id: sum(1 for r in rows if r["cells"][i.id]["status"] == "ada") for i in indicators}
    return render_template("kota.html", rows=rows, groups=grouped, group=group,
                           indicators=indicators, ada=ada)


def _claim_filters(args) -> dict:
    kind = args.get("kind") or None
    return {"kind": kind if kind in ("provinsi", "kabupaten", "kota") else None,
            "provinsi": args.get("provinsi") or None}


@bp.get("/siapa")
def siapa():
    """Journalists' list: per indicator the regions with ``ada``, by date, each with a citation."""
    indicator, indicators = _indicator(request.args.get("indikator"))
    f = _claim_filters(request.args)
    rows = queries.claims(context.catalogue(), indicator.id, kind=f["kind"], province=f["provinsi"])
    filter_args = {"indikator": indicator.id, **{k: v for k, v in f.items() if v}}
    return render_template("siapa.html", claims=rows, indicator=indicator, indicators=indicators,
                           kind=f["kind"], province=f["provinsi"], provinces=_provinces(),
                           filter_args=filter_args,
                           feed_args={k: v for k, v in f.items() if v})


@bp.get("/klaim/<indicator>/<kode>")
def klaim(indicator: str, kode: str):
    """The permalink of one claim (a region × an indicator), with its citation; it stays valid
    when the status changes and then says so."""
    c = queries.claim(context.catalogue(), indicator, kode)
    if c is None:
        abort(404)
    ind = next(i for i in load_indicators()[1] if i.id == indicator)
    return render_template("klaim.html", c=c, indicator=ind,
                           permalink=url_for("pages.klaim", indicator=indicator, kode=kode,
                                             _external=True))


MAX_COMPARE = 6


@bp.get("/banding")
def banding():
    """Side-by-side comparison of two or more regions (``?w=33.25&w=Kota Pekalongan``)."""
    from pantau import wilayah as gazetteer
    _, indicators = load_indicators()
    asked = [w.strip() for w in request.args.getlist("w") if w.strip()][:MAX_COMPARE]
    with context.catalogue().session() as s:
        all_regions = list(s.execute(select(Region.kode, Region.nama).order_by(Region.kode)).all())
    known = dict(all_regions)
    codes, unknown = [], []
    for w in asked:
        code = w if w in known else gazetteer.resolve(w)
        if code in known and code not in codes:
            codes.append(code)
        elif code not in known:
            unknown.append(w)
    rows = queries.region_table(context.catalogue(), codes=codes) if codes else []
    return render_template("banding.html", rows=rows, asked=asked, unknown=unknown,
                           indicators=indicators, all_regions=all_regions,
                           slots=max(4, len(asked) + 1) if len(asked) < MAX_COMPARE else MAX_COMPARE)
