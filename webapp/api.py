"""JSON API under /api/v1/: regions, documents, facts, indicators, statuses, search, upload.

Paginated with ``page``/``per_page`` (max 200) and ``next``/``previous`` links. The OpenAPI
document is served at /api/v1/openapi.json. The only write endpoint (upload) needs an API key.
"""

from __future__ import annotations

import json
from importlib import resources

from flask import Blueprint, abort, jsonify, request, url_for

from katalog import apikeys
from indices import queries
from indices.adoption import STATUSES, load_indicators
from indices.paging import Page

from . import context, render

bp = Blueprint("api", __name__, url_prefix="/api/v1")



def _paged(page: Page, endpoint: str, **args) -> dict:
    def link(n):
        if n is None:
            return None
        return url_for(endpoint, page=n, per_page=page.per_page, **{k: v for k, v in args.items() if v})
    return {"items": page.items, "total": page.total, "page": page.page, "per_page": page.per_page,
            "next": link(page.next_page), "previous": link(page.previous_page)}


def _int_arg(name: str) -> int | None:
    value = request.args.get(name)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError:
        abort(400, description=f"{name} must be an integer")
    if not -2**31 <= number < 2**31:  # the database's integers are 32/64-bit
        abort(400, description=f"{name} is out of range")
    return number


@bp.errorhandler(400)
@bp.errorhandler(401)
@bp.errorhandler(404)
@bp.errorhandler(405)
@bp.errorhandler(413)
@bp.errorhandler(415)
def _json_error(exc):
    return jsonify({"error": {"code": exc.code, "message": exc.description}}), exc.code


@bp.app_errorhandler(400)
@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
def _json_error_outside_routes(exc):
    """A URL under /api/ that matches no route still gets a JSON error, as documented."""
    if request.path.startswith(bp.url_prefix + "/"):
        return _json_error(exc)
    return exc


@bp.get("/openapi.json")
def openapi():
    spec = json.loads((resources.files("webapp") / "openapi.json").read_text(encoding="utf-8"))
    return jsonify(spec)


@bp.get("/regions")
def regions():
    kind, province = request.args.get("kind"), request.args.get("province")
    rows = queries.matrix(context.catalogue(), kind=kind, province=province)
    page, per_page = queries.clamp(request.args.get("page"), request.args.get("per_page"))
    return jsonify(_paged(Page.of(rows, page, per_page), "api.regions",
                          kind=kind, province=province))


@bp.get("/regions/<kode>")
def region(kode: str):
    detail = queries.region_detail(context.catalogue(), kode)
    if detail is None:
        abort(404, description=f"region {kode!r} not found")
    return jsonify(detail)


@bp.get("/documents")
def documents():
    args = {"region": request.args.get("region"), "province": request.args.get("province"),
            "jenis": request.args.get("jenis"), "kind": request.args.get("kind")}
    tahun = _int_arg("tahun")
    page = queries.documents(context.catalogue(), **args, tahun=tahun, page=request.args.get("page"),
                             per_page=request.args.get("per_page"))
    return jsonify(_paged(page, "api.documents", **args, tahun=tahun))


@bp.get("/documents/<path:reg_key>")
def document(reg_key: str):
    detail = queries.document_detail(context.catalogue(), reg_key)
    if detail is None:
        abort(404, description=f"document {reg_key!r} not found")
    for f in detail["files"]:
        f.pop("pages_text", None)  # the text is served per page by the web page, not here
    return jsonify(detail)


@bp.get("/facts")
def facts():
    reg_key, kind = request.args.get("reg_key"), request.args.get("kind")
    page = queries.facts(context.catalogue(), reg_key=reg_key, kind=kind, page=request.args.get("page"),
                         per_page=request.args.get("per_page"))
    return jsonify(_paged(page, "api.facts", reg_key=reg_key, kind=kind))


@bp.get("/indicators")
def indicators():
    version, inds = load_indicators()
    out = []
    for i in inds:
        out.append({"id": i.id, "nama": i.nama, "name": i.name, "definisi": i.definisi,
                    "definition": i.definition, "rule": i.rule,
                    "counts": queries.status_counts(context.catalogue(), i.id)})
    return jsonify({"version": version, "statuses": list(STATUSES), "items": out})


@bp.get("/statuses")
def statuses():
    indicator = request.args.get("indicator")
    status = request.args.get("status")
    if status and status not in STATUSES:
        abort(400, description=f"status must be one of {', '.join(STATUSES)}")
    kind, province = request.args.get("kind"), request.args.get("province")
    rows = queries.matrix(context.catalogue(), kind=kind, province=province, indicator=indicator, status=status)
    page, per_page = queries.clamp(request.args.get("page"), request.args.get("per_page"))
    return jsonify(_paged(Page.of(rows, page, per_page), "api.statuses",
                          indicator=indicator, status=status, kind=kind, province=province))


@bp.get("/coverage")
def coverage_list():
    """Every region's coverage (indices.coverage): its sources, last successful check, documents,
    health, and why a region without a working source is not covered; ``summary`` counts all."""
    from indices import coverage as coverage_index
    monitored = request.args.get("monitored")
    if monitored not in (None, "", "true", "false"):
        abort(400, description="monitored must be true or false")
    reason = request.args.get("reason") or None
    if reason and reason not in coverage_index.REASONS:
        abort(400, description=f"reason must be one of {', '.join(coverage_index.REASONS)}")
    kind, province = request.args.get("kind") or None, request.args.get("province") or None
    cls = request.args.get("class") or None
    if cls and cls not in coverage_index.CLASSES:
        abort(400, description=f"class must be one of {', '.join(coverage_index.CLASSES)}")
    cover = coverage_index.coverage(context.catalogue())
    rows = coverage_index.filtered(cover, monitored={"true": True, "false": False}.get(monitored or ""),
                                   reason=reason, kind=kind, province=province, cakupan=cls)
    page, per_page = queries.clamp(request.args.get("page"), request.args.get("per_page"))
    out = _paged(Page.of([r.as_dict() for r in rows], page, per_page), "api.coverage_list",
                 monitored=monitored, reason=reason, kind=kind, province=province,
                 **({"class": cls} if cls else {}))
    return jsonify({"summary": coverage_index.summary(cover), **out})


@bp.post("/documents")
def upload():
    """Add a document (a circular received on paper or by e-mail) through the ingest pipeline."""
    key = request.headers.get("X-API-Key") or ""
    if apikeys.verify(context.catalogue(), key) is None:
        abort(401, description="a valid X-API-Key header is required")
    f = request.files.get("file")
    if f is None or not f.filename:
        abort(400, description="multipart field 'file' is required")
    data = f.read(context.settings().max_file_bytes + 1)
    if len(data) > context.settings().max_file_bytes:
        abort(413, description="file too large")
    region = request.form.get("region") or None
    if region is not None and len(region) > 16:
        abort(400, description="region must be a Kemendagri code such as 33.24")
    kind = "news" if request.form.get("kind") == "news" else "regulation"
    from katalog.ingest import ingest_upload
    res = ingest_upload(context.catalogue(), data, filename=f.filename, region_hint=region, kind=kind,
                        source_url=request.form.get("url") or None)
    body = {"outcome": res.outcome, "reg_key": res.reg_key, "sha256": res.sha256,
            "reason": res.reason, "detail": res.detail}
    if res.outcome == "failed":
        return jsonify({"error": {"code": 415 if res.reason in ("not_pdf", "unsupported_type") else 422,
                                  "message": res.detail, "reason": res.reason}, **body}), \
            415 if res.reason in ("not_pdf", "unsupported_type") else 422
    if res.outcome != "unchanged":
        # the adoption and search indexes take the new document in now, not at the next
        # `pantau index`; an engine that is down only delays the search part
        from indices.refresh import refresh
        refresh(context.catalogue(), context.search_index())
    return jsonify(body), 201 if res.outcome == "new" else 200


@bp.get("/search")
def search():
    """Full-text search, the same request and result as the /cari page (``q``, ``exact``, ``page``,
    ``per_page`` and any filter); ``next``/``previous`` point back here."""
    from indices.search import SearchError, SearchRequest
    req = SearchRequest.from_args(request.args)
    try:
        result = context.search_index().search(req)
    except SearchError:
        return jsonify({"error": {"code": 503, "message": "search engine unavailable"}}), 503
    out = render.search_page(result)
    base = url_for("api.search")
    for key in ("next", "previous"):
        if out[key]:
            out[key] = base + out[key]
    return jsonify(out)



@bp.get("/claims")
def claims():
    """Who has done it: the regions with ``ada`` for ``indicator`` (default: the first), oldest
    instrument first, each with its citation (region, instrument, clause, date, source URL,
    when it was last seen there) and ``permalink``."""
    _, inds = load_indicators()
    indicator = request.args.get("indicator") or inds[0].id
    if not any(i.id == indicator for i in inds):
        abort(400, description=f"indicator must be one of {', '.join(i.id for i in inds)}")
    kind, province = request.args.get("kind") or None, request.args.get("province") or None
    if kind and kind not in ("provinsi", "kabupaten", "kota"):
        abort(400, description="kind must be provinsi, kabupaten or kota")
    rows = queries.claims(context.catalogue(), indicator, kind=kind, province=province)
    for c in rows:
        c["permalink"] = url_for("pages.klaim", indicator=indicator, kode=c["kode"], _external=True)
    page, per_page = queries.clamp(request.args.get("page"), request.args.get("per_page"))
    return jsonify(_paged(Page.of(rows, page, per_page), "api.claims", indicator=indicator,
                          kind=kind, province=province))
