"""Bulk downloads: the export contract over HTTP, and the adoption matrix as CSV or XLSX."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, request

from katalog import export
from indices import queries
from indices.adoption import load_indicators

from . import context

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
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(header)
        w.writerows([[_safe_cell(v) for v in row] for row in table])
        return Response(buf.getvalue(), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="pantau-matriks.csv"'})
    if fmt == "xlsx":
        from openpyxl import Workbook
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("matriks")
        ws.append(header)
        for row in table:
            ws.append([_safe_cell(v) for v in row])
        buf = io.BytesIO()
        wb.save(buf)
        return Response(buf.getvalue(),
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": 'attachment; filename="pantau-matriks.xlsx"'})
    abort(404)
