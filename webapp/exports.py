"""Bulk downloads: the export contract over HTTP, and the adoption matrix as CSV or XLSX."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, request, url_for

from katalog import export
from indices import queries
from indices.adoption import load_indicators

from . import context
from .citations import citation_text

bp = Blueprint("exports", __name__)



class _Chunks(io.TextIOBase):
    """A write target that collects text, so ``export.write`` can stream in pieces."""

    def __init__(self):
        self.parts: list[str] = []

    def write(self, s: str) -> int:
        self.parts.append(s)
        return len(s)


@bp.get("/ekspor/<what>.<fmt>")
def bulk(what: str, fmt: str):
    if what not in export.ROWS or fmt not in ("json", "csv"):
        abort(404)
    out = _Chunks()
    export.write(export.ROWS[what](context.catalogue()), what, fmt, out)
    mimetype = "application/json" if fmt == "json" else "text/csv"
    return Response("".join(out.parts), mimetype=f"{mimetype}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="pantau-{what}.{fmt}"'})


def matrix_table(args) -> tuple[list[str], list[list]]:
    _, indicators = load_indicators()
    rows = queries.matrix(context.catalogue(), kind=args.get("kind") or None, province=args.get("provinsi") or None,
                          indicator=args.get("indikator") or None, status=args.get("status") or None)
    header = ["kode", "nama", "kind", "kode_provinsi", "provinsi", "documents"]
    for i in indicators:
        header += [i.id, f"{i.id}_sejak"]
    table = []
    for r in rows:
        line = [r["kode"], r["nama"], r["kind"], r["kode_provinsi"], r["provinsi"], r["documents"]]
        for i in indicators:
            line += [r["statuses"][i.id]["status"], r["statuses"][i.id]["since"]]
        table.append(line)
    return header, table


def _safe_cell(value):
    """Spreadsheet formula injection: a text cell starting with = + - @ is prefixed with '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@bp.get("/matriks.<fmt>")
def matriks(fmt: str):
    header, table = matrix_table(request.args)
    return _table(header, table, fmt, "pantau-matriks", "matriks")


CITATION_COLUMNS = ("status", "since", "reg_key", "title", "clause", "pasal", "ayat", "date",
                    "source_url", "checked_on")


@bp.get("/kota.<fmt>")
def kota(fmt: str):
    """The Apeksi view: one row per city; per indicator its status and the evidence that backs
    it (instrument, clause, date, source URL, when it was last seen there) and the permalink."""
    _, indicators = load_indicators()
    rows = queries.region_table(context.catalogue(), kind="kota")
    header = ["kode", "nama", "kode_provinsi", "provinsi", "documents"]
    for i in indicators:
        header += [f"{i.id}_{c}" for c in CITATION_COLUMNS] + [f"{i.id}_permalink"]
    table = []
    for r in rows:
        line = [r["kode"], r["nama"], r["kode_provinsi"], r["provinsi"], r["documents"]]
        for i in indicators:
            c = r["cells"][i.id]
            line += [c[k] for k in CITATION_COLUMNS] + [_permalink(c)]
        table.append(line)
    return _table(header, table, fmt, "pantau-kota", "kota")


@bp.get("/siapa.<fmt>")
def siapa(fmt: str):
    """The journalists' list: the regions with ``ada`` for one indicator, one citation a row."""
    _, indicators = load_indicators()
    ind = next((i for i in indicators if i.id == request.args.get("indikator")), indicators[0])
    kind = request.args.get("kind") or None
    rows = queries.claims(context.catalogue(), ind.id,
                          kind=kind if kind in ("provinsi", "kabupaten", "kota") else None,
                          province=request.args.get("provinsi") or None)
    header = ["indicator", "kode", "nama", "kind", "kode_provinsi", "provinsi",
              *CITATION_COLUMNS, "permalink", "citation"]
    table = [[c["indicator"], c["kode"], c["nama"], c["kind"], c["kode_provinsi"], c["provinsi"],
              *[c[k] for k in CITATION_COLUMNS], _permalink(c), citation_text(c, _permalink(c))]
             for c in rows]
    return _table(header, table, fmt, f"pantau-siapa-{ind.id}", "siapa")


def _permalink(c: dict) -> str | None:
    if c["status"] not in ("ada", "diberitakan"):
        return None
    return url_for("pages.klaim", indicator=c["indicator"], kode=c["kode"], _external=True)


def _table(header: list[str], table: list[list], fmt: str, filename: str, sheet: str) -> Response:
    """A table as CSV (UTF-8, header row) or XLSX; text cells are guarded against formulas."""
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(header)
        w.writerows([[_safe_cell(v) for v in row] for row in table])
        return Response(buf.getvalue(), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})
    if fmt == "xlsx":
        from openpyxl import Workbook
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(sheet)
        ws.append(header)
        for row in table:
            ws.append([_safe_cell(v) for v in row])
        buf = io.BytesIO()
        wb.save(buf)
        return Response(buf.getvalue(),
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'})
    abort(404)
