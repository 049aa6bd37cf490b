"""The export contract: regions, documents and facts as rows (JSON array or CSV on stdout).

Columns listed in ``COLUMNS`` are stable; new columns may be added at the end, none removed.
In CSV, list-valued columns (``sources``, ``files``, ``data``) hold JSON text.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Iterable, Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .db import Catalogue
from .models import Document, Fact, Region
from .types import iso

COLUMNS = {
    "regions": ["kode", "nama", "kind", "kode_provinsi", "lat", "lng", "documents"],
    "documents": ["reg_key", "kind", "evidence_grade", "jenis", "jenis_code", "nomor", "tahun",
                  "region_code", "tentang", "judul", "status", "tanggal_ditetapkan",
                  "tanggal_diundangkan", "text_status", "sources", "files", "issued_region_code"],
    "facts": ["reg_key", "kind", "pasal", "ayat", "page", "start", "end", "text", "data",
              "extractor_version"],
}


def region_rows(cat: Catalogue) -> Iterator[dict]:
    with cat.session() as s:
        counts = dict(s.execute(select(Document.region_code, func.count())
                                .group_by(Document.region_code)).all())
        for r in s.scalars(select(Region).order_by(Region.kode)):
            yield {"kode": r.kode, "nama": r.nama, "kind": r.kind, "kode_provinsi": r.kode_provinsi,
                   "lat": r.lat, "lng": r.lng, "documents": counts.get(r.kode, 0)}


def document_rows(cat: Catalogue) -> Iterator[dict]:
    with cat.session() as s:
        q = (select(Document).options(selectinload(Document.sightings),
                                      selectinload(Document.files))
             .order_by(Document.reg_key))
        for d in s.scalars(q):
            yield {
                "reg_key": d.reg_key, "kind": d.kind, "evidence_grade": d.evidence_grade,
                "jenis": d.jenis, "jenis_code": d.jenis_code, "nomor": d.nomor, "tahun": d.tahun,
                "region_code": d.region_code, "tentang": d.tentang, "judul": d.judul,
                "status": d.status,
                "tanggal_ditetapkan": _iso(d.tanggal_ditetapkan),
                "tanggal_diundangkan": _iso(d.tanggal_diundangkan),
                "text_status": d.text_status,
                "sources": [{"url": x.url, "first_seen": _iso(x.first_seen),
                             "last_seen": _iso(x.last_seen),
                             "source": x.source.name if x.source else None} for x in d.sightings],
                "files": [{"sha256": f.sha256, "media_type": f.media_type, "size": f.size,
                           "pages": f.pages, "role": f.role} for f in d.files],
                "issued_region_code": d.issued_region_code,
            }


def fact_rows(cat: Catalogue) -> Iterator[dict]:
    with cat.session() as s:
        keys = dict(s.execute(select(Document.id, Document.reg_key)).all())
        for f in s.scalars(select(Fact).order_by(Fact.document_id, Fact.start, Fact.id)):
            yield {"reg_key": keys.get(f.document_id), "kind": f.kind, "pasal": f.pasal,
                   "ayat": f.ayat, "page": f.page, "start": f.start, "end": f.end, "text": f.text,
                   "data": f.data, "extractor_version": f.extractor_version}


ROWS = {"regions": region_rows, "documents": document_rows, "facts": fact_rows}


def write(rows: Iterable[dict], what: str, fmt: str, out: io.TextIOBase) -> int:
    """Write rows as one JSON array or as CSV with the contract's columns; returns row count."""
    n = 0
    if fmt == "json":
        out.write("[")
        for row in rows:
            out.write(("," if n else "") + "\n" + json.dumps(row, ensure_ascii=False))
            n += 1
        out.write("\n]\n" if n else "]\n")
        return n
    writer = csv.DictWriter(out, fieldnames=COLUMNS[what], extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                         for k, v in row.items()})
        n += 1
    return n


def _iso(value):
    if isinstance(value, datetime):
        return iso(value)
    return value.isoformat() if value is not None else None
