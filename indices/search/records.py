"""What the search indices hold: one record per catalogue document, built the same way for every engine.

A record is a plain dict (it is the Elasticsearch/OpenSearch ``_source``): the document's identity
and text, keyword fields for filters and facets, and its facts as *passages* that keep their
evidence (kind, Pasal, ayat, page, character offsets). ``content_hash`` fingerprints everything
else, so an engine holding the same hash for a ``reg_key`` is up to date with the catalogue.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Iterator

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from katalog.db import Catalogue
from katalog.models import Document, DocumentFile, Fact, Region

# Fact kinds shown as searchable passages; "obligation" also sets ``has_obligation``.
PASSAGE_KINDS = ("obligation", "target")
OBLIGATION_KINDS = frozenset({"obligation"})

# The programmes of BPJS Ketenagakerjaan. Acronyms count only in capitals, and "JP" alone is too
# short to trust: it counts only when another programme is named too.
PROGRAMS = {
    "JKK": "Jaminan Kecelakaan Kerja",
    "JKM": "Jaminan Kematian",
    "JHT": "Jaminan Hari Tua",
    "JP": "Jaminan Pensiun",
    "JKP": "Jaminan Kehilangan Pekerjaan",
}
_PROGRAM_NAME = {code: re.compile(r"\b" + name.replace(" ", r"\s+") + r"\b", re.I)
                 for code, name in PROGRAMS.items()}
_PROGRAM_ACRONYM = {code: re.compile(r"\b" + code + r"\b") for code in PROGRAMS}

STATUS_UNKNOWN = "tidak_diketahui"
BATCH = 200


def programs_in(text: str) -> list[str]:
    """Programme codes named in ``text`` (by full name or capitalised acronym), in PROGRAMS order."""
    found = {c for c in PROGRAMS if _PROGRAM_NAME[c].search(text)}
    acronyms = {c for c in PROGRAMS if _PROGRAM_ACRONYM[c].search(text)}
    found |= acronyms - {"JP"}
    if "JP" in acronyms and (found - {"JP"}):
        found.add("JP")
    return [c for c in PROGRAMS if c in found]


def normalise_status(status: str | None) -> str:
    """``berlaku`` (in force), ``dicabut`` (revoked or no longer in force), ``diubah`` (amended),
    or ``tidak_diketahui`` when the catalogue does not know."""
    s = (status or "").strip().lower()
    if not s:
        return STATUS_UNKNOWN
    if "cabut" in s or "tidak berlaku" in s:
        return "dicabut"
    if "ubah" in s:
        return "diubah"
    if "berlaku" in s:
        return "berlaku"
    return re.sub(r"\W+", "_", s).strip("_") or STATUS_UNKNOWN


def nomor_slug(nomor: str | None) -> str | None:
    """The nomor as ``reg_key`` writes it: lowercase, "/" → "-", numeric without leading zeros."""
    if not nomor:
        return None
    slug = re.sub(r"\s+", "", str(nomor).lower()).replace("/", "-")
    slug = re.sub(r"[^a-z0-9.\-]", "", slug).strip("-.")
    if slug.isdigit():
        slug = str(int(slug))
    return slug or None


def title_of(doc: Document, text: str) -> str:
    if doc.judul:
        return doc.judul
    parts = [doc.jenis, f"Nomor {doc.nomor}" if doc.nomor else None,
             f"Tahun {doc.tahun}" if doc.tahun else None,
             f"tentang {doc.tentang}" if doc.tentang else None]
    if doc.jenis or doc.nomor:
        return " ".join(p for p in parts if p)
    for line in text.splitlines():  # a news report: its headline is its first line
        line = line.strip()
        if len(line) >= 12:
            return line[:200]
    return doc.reg_key


def build_record(doc: Document, facts: list[Fact], kode_provinsi: str | None,
                 fact_kinds: set[str] | None = None) -> dict:
    """The index record of one document (``doc.files`` and their page texts loaded).

    ``facts`` are its passage facts; ``fact_kinds`` every kind of fact it has (default: those).
    """
    pages = [p.text for f in doc.files for p in f.page_texts if p.text]
    text = "\n".join(pages)
    title = title_of(doc, text)
    head = [title]
    if doc.tentang and doc.tentang.lower() not in text[:5000].lower():
        head.append(doc.tentang)
    body = "\n".join(head + ([text] if text else []))
    passages = []
    for f in sorted(facts, key=lambda f: (f.start, f.end, f.kind)):
        if f.kind not in PASSAGE_KINDS or not (f.text or "").strip():
            continue
        data = f.data or {}
        progs = data.get("programs") or ([data["program"]] if data.get("program") else [])
        progs = sorted({str(p).upper() for p in progs} | set(programs_in(f.text)))
        passages.append({"kind": f.kind, "pasal": f.pasal, "ayat": f.ayat, "page": f.page,
                         "start": f.start, "end": f.end, "programs": progs, "text": f.text})
    fact_kinds = sorted(fact_kinds if fact_kinds is not None else {f.kind for f in facts})
    programs = set(programs_in(body))
    for p in passages:
        programs.update(p["programs"])
    record = {
        "reg_key": doc.reg_key,
        "kind": doc.kind,
        "title": title,
        "body": body,
        "jenis": doc.jenis,
        "jenis_code": doc.jenis_code,
        "nomor": doc.nomor,
        "nomor_slug": nomor_slug(doc.nomor),
        "tahun": doc.tahun,
        "region_code": doc.region_code,
        "kode_provinsi": kode_provinsi,
        "status": normalise_status(doc.status),
        "programs": [c for c in PROGRAMS if c in programs],
        "fact_kinds": fact_kinds,
        "has_obligation": any(k in OBLIGATION_KINDS for k in fact_kinds),
        "passages": passages,
    }
    record["content_hash"] = content_hash(record)
    return record


def content_hash(record: dict) -> str:
    canon = json.dumps({k: v for k, v in record.items() if k != "content_hash"},
                       ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


def province_of(region_code: str | None, parents: dict[str, str | None]) -> str | None:
    if not region_code or region_code not in parents:
        return None
    return parents[region_code] or region_code  # a province is its own province


def iter_records(cat: Catalogue, *, batch: int = BATCH) -> Iterator[dict]:
    """Every catalogue document as an index record, ``batch`` documents per database round trip."""
    with cat.session() as s:
        parents = dict(s.execute(select(Region.kode, Region.kode_provinsi)).all())
        ids = list(s.scalars(select(Document.id).order_by(Document.id)))
    for i in range(0, len(ids), batch):
        chunk = ids[i:i + batch]
        with cat.session() as s:
            docs = s.scalars(select(Document).where(Document.id.in_(chunk)).order_by(Document.id)
                             .options(selectinload(Document.files)
                                      .selectinload(DocumentFile.page_texts))).all()
            facts: dict[int, list[Fact]] = {}
            for f in s.scalars(select(Fact).where(Fact.document_id.in_(chunk),
                                                  Fact.kind.in_(PASSAGE_KINDS))):
                facts.setdefault(f.document_id, []).append(f)
            kinds: dict[int, set[str]] = {}
            for doc_id, kind in s.execute(select(Fact.document_id, Fact.kind).distinct()
                                          .where(Fact.document_id.in_(chunk))):
                kinds.setdefault(doc_id, set()).add(kind)
            for doc in docs:
                yield build_record(doc, facts.get(doc.id, []),
                                   province_of(doc.region_code, parents), kinds.get(doc.id, set()))
