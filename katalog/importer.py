"""Writes into the catalogue by natural key: sources, runs, files, documents, sightings, failures.

Every function here is an upsert: calling it again with the same input changes nothing, which is
what makes re-runs and runs after a crash safe (the Open States importer pattern).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from pantau import wilayah

from .models import (Document, DocumentFile, Failure, Fact, PageText, Region, Sighting, Source,
                     SourceRun, utcnow)
from .vocab import FileRole, Outcome, RunStatus

# Document fields that the importer may set from metadata.
DOCUMENT_FIELDS = ("kind", "evidence_grade", "jenis", "jenis_code", "nomor", "tahun", "region_code",
                   "judul", "tentang", "status", "tanggal_ditetapkan", "tanggal_diundangkan",
                   "outlet", "published_on")
# Fields a catalogue record (feed, JDIH page) knows better than the text does.
CATALOGUE_OWNED = ("status", "tanggal_ditetapkan", "tanggal_diundangkan", "judul")


def get_or_create_source(session: Session, name: str, kind: str, url: str | None = None,
                         region_code: str | None = None, config: dict | None = None) -> Source:
    src = session.scalar(select(Source).where(Source.name == name))
    if src is None:
        src = Source(name=name, kind=kind, url=url, region_code=region_code, config=config or {})
        session.add(src)
        session.flush()
    else:
        src.kind, src.url, src.region_code = kind, url or src.url, region_code or src.region_code
        if config is not None:
            src.config = config
    return src


def start_run(session: Session, source: Source) -> SourceRun:
    """Open a run; runs of this source left open by a killed process are closed as interrupted."""
    session.execute(
        update(SourceRun)
        .where(SourceRun.source_id == source.id, SourceRun.status == RunStatus.RUNNING)
        .values(status=RunStatus.INTERRUPTED, finish_reason="process ended before the run finished"))
    run = SourceRun(source_id=source.id, status=RunStatus.RUNNING, stats={})
    session.add(run)
    session.flush()
    return run


def finish_run(session: Session, run: SourceRun, status: RunStatus = RunStatus.FINISHED,
               reason: str = "finished") -> SourceRun:
    run = session.merge(run)
    run.status, run.finish_reason, run.finished_at = status, reason, utcnow()
    return run


def record_failure(session: Session, stage: str, locator: str, reason: str, detail: str = "", *,
                   sha256: str | None = None, source_id: int | None = None,
                   run_id: int | None = None) -> Failure:
    """Record (or re-record) why something failed; one row per (stage, locator)."""
    f = session.scalar(select(Failure).where(Failure.stage == stage, Failure.locator == locator))
    if f is None:
        f = Failure(stage=stage, locator=locator, reason=reason, detail=detail[:4000], sha256=sha256,
                    source_id=source_id, run_id=run_id)
        session.add(f)
    else:
        f.reason, f.detail, f.attempts = reason, detail[:4000], f.attempts + 1
        f.last_seen, f.resolved_at, f.run_id = utcnow(), None, run_id or f.run_id
        f.sha256 = sha256 or f.sha256
    if run_id is not None:
        session.execute(update(SourceRun).where(SourceRun.id == run_id)
                        .values(errors=SourceRun.errors + 1))
    session.flush()
    return f


def resolve_failures(session: Session, locator: str, stages: tuple[str, ...] | None = None) -> None:
    q = update(Failure).where(Failure.locator == locator, Failure.resolved_at.is_(None))
    if stages:
        q = q.where(Failure.stage.in_(stages))
    session.execute(q.values(resolved_at=utcnow()))


def upsert_file(session: Session, sha256: str, *, media_type: str, size: int,
                filename: str | None = None) -> tuple[DocumentFile, bool]:
    f = session.get(DocumentFile, sha256)
    if f is not None:
        return f, False
    f = DocumentFile(sha256=sha256, media_type=media_type, size=size, filename=filename)
    session.add(f)
    session.flush()
    return f, True


def replace_page_texts(session: Session, file: DocumentFile, pages) -> None:
    """Store a file's pages (objects with number/text/method/quality[/confidence])."""
    file.page_texts.clear()
    session.flush()
    for p in pages:
        file.page_texts.append(PageText(page=p.number, method=p.method, quality=p.quality,
                                        confidence=getattr(p, "confidence", None), text=p.text))
    file.pages = len(pages)


@dataclass
class Upserted:
    document: Document
    outcome: Outcome


def _region_codes(session: Session) -> frozenset[str]:
    """The region codes the catalogue holds (read once per session: 552 rows)."""
    codes = session.info.get("pantau.region_codes")
    if codes is None:
        codes = frozenset(session.scalars(select(Region.kode)))
        session.info["pantau.region_codes"] = codes
    return codes


def clean_values(session: Session, values: dict) -> dict:
    """The document fields of ``values`` worth writing: known fields, no empty values, and the
    region split in two. ``region_code`` may be the code a document was issued under (91.01 for
    a 2020 Perbup Merauke): it is kept as ``issued_region_code`` and ``region_code`` becomes
    today's region (93.01), so every roll-up follows today's map. A code the catalogue does not
    hold is dropped."""
    clean = {k: v for k, v in values.items() if k in DOCUMENT_FIELDS and v not in (None, "")}
    code = clean.pop("region_code", None)
    if code is not None:
        today = wilayah.current_code(code) or code
        if today in _region_codes(session):
            clean["region_code"] = today
            clean["issued_region_code"] = code if wilayah.current_code(code) else today
    return clean


def merge_values(doc: Document, clean: dict, origin: str) -> bool:
    """Write ``clean`` (from :func:`clean_values`) into an existing document by the importer's
    rules; True when anything changed. Empty values never erase known ones; catalogue-owned
    fields (status, dates, full title) are taken from catalogue records (``origin="feed"``);
    identity fields read from the text itself (``origin="teks"``) win over a listing's guess."""
    changed = False
    for k, v in clean.items():
        if k == "issued_region_code":
            continue  # follows region_code, below
        current = getattr(doc, k)
        if current in (None, ""):
            take = True
        elif current == v:
            take = False
        elif k in CATALOGUE_OWNED:
            take = origin == "feed"
        else:
            take = origin == "teks" or doc.metadata_origin != "teks"
        if take and current != v:
            setattr(doc, k, v)
            changed = True
    issued = clean.get("issued_region_code")
    if issued and doc.region_code == clean.get("region_code") and doc.issued_region_code != issued:
        # a former code (read with the document's date) is more precise than today's code, which
        # a reader without the date gives: today's code never replaces it
        stored_is_former = doc.issued_region_code not in (None, doc.region_code) and \
            wilayah.current_code(doc.issued_region_code) == doc.region_code
        if not (stored_is_former and issued == doc.region_code):
            doc.issued_region_code = issued
            changed = True
    if changed:
        doc.updated_at = utcnow()
    return changed


def upsert_document(session: Session, reg_key: str, values: dict, *,
                    origin: str) -> Upserted:
    """Create or update a document by ``reg_key`` (rules: :func:`merge_values`)."""
    doc = session.scalar(select(Document).where(Document.reg_key == reg_key))
    clean = clean_values(session, values)
    if doc is None:
        doc = Document(reg_key=reg_key, metadata_origin=origin, **clean)
        session.add(doc)
        session.flush()
        return Upserted(doc, Outcome.NEW)
    changed = merge_values(doc, clean, origin)
    return Upserted(doc, Outcome.UPDATED if changed else Outcome.UNCHANGED)


def upsert_documents(session: Session, rows: list[tuple[str, dict]], *,
                     origin: str) -> list[Upserted]:
    """:func:`upsert_document` for many documents at once: one query finds the known ones, the
    new ones are inserted in one flush. A key listed twice is one document (the second row
    updates what the first made). Results are in the order of ``rows``."""
    keys = list(dict.fromkeys(k for k, _ in rows))
    known: dict[str, Document] = {}
    for chunk in _chunks(keys):
        known.update({d.reg_key: d for d in session.scalars(
            select(Document).where(Document.reg_key.in_(chunk)))})
    out: list[Upserted] = []
    for key, values in rows:
        clean = clean_values(session, values)
        doc = known.get(key)
        if doc is None:
            doc = Document(reg_key=key, metadata_origin=origin, **clean)
            session.add(doc)
            known[key] = doc
            out.append(Upserted(doc, Outcome.NEW))
            continue
        changed = merge_values(doc, clean, origin)
        out.append(Upserted(doc, Outcome.UPDATED if changed else Outcome.UNCHANGED))
    session.flush()
    return out


def add_sightings(session: Session, rows: list[dict]) -> list[Sighting]:
    """:func:`add_sighting` for many rows at once (each a dict of its keyword arguments plus
    ``document`` and ``url``): one query finds the known (document, url) pairs."""
    doc_ids = list({r["document"].id for r in rows})
    known: dict[tuple[int, str], Sighting] = {}
    for chunk in _chunks(doc_ids):
        for sg in session.scalars(select(Sighting).where(Sighting.document_id.in_(chunk))):
            known[(sg.document_id, sg.url)] = sg
    out = []
    for r in rows:
        doc, url = r["document"], r["url"]
        source, run = r.get("source"), r.get("run")
        when = r.get("seen_at") or utcnow()
        record, sha = r.get("record"), r.get("file_sha256")
        sg = known.get((doc.id, url))
        if sg is None:
            sg = Sighting(document_id=doc.id, url=url, source_id=source.id if source else None,
                          first_run_id=run.id if run else None, last_run_id=run.id if run else None,
                          file_sha256=sha, record=jsonable(record or {}),
                          first_seen=when, last_seen=when)
            session.add(sg)
            known[(doc.id, url)] = sg
        else:
            sg.last_seen = when
            if run is not None:
                sg.last_run_id = run.id
            if sha:
                sg.file_sha256 = sha
            if record:
                sg.record = jsonable(record)
        out.append(sg)
    session.flush()
    return out


def resolve_failures_many(session: Session, locators: list[str],
                          stages: tuple[str, ...] | None = None) -> None:
    """:func:`resolve_failures` for many locators in a few statements."""
    for chunk in _chunks(list(dict.fromkeys(locators))):
        q = update(Failure).where(Failure.locator.in_(chunk), Failure.resolved_at.is_(None))
        if stages:
            q = q.where(Failure.stage.in_(stages))
        session.execute(q.values(resolved_at=utcnow()))


def _chunks(values: list, size: int = 500):
    """``values`` in slices short enough for any database's limit on bound parameters."""
    for i in range(0, len(values), size):
        yield values[i:i + size]


def add_sighting(session: Session, document: Document, url: str, *, source: Source | None = None,
                 run: SourceRun | None = None, file_sha256: str | None = None,
                 record: dict | None = None, seen_at: datetime | None = None) -> Sighting:
    """Note that ``document`` was seen at ``url``; the same (document, url) is one row."""
    return add_sightings(session, [{"document": document, "url": url, "source": source,
                                    "run": run, "file_sha256": file_sha256, "record": record,
                                    "seen_at": seen_at}])[0]


def attach_file(session: Session, file: DocumentFile, document: Document,
                role: FileRole = FileRole.UTAMA) -> None:
    if file.document_id != document.id:
        file.document_id = document.id
    file.role = role
    session.flush()


def rekey_document(session: Session, doc: Document, new_key: str) -> Document:
    """Give a provisional document its real key; merge into an existing one if needed."""
    if doc.reg_key == new_key:
        return doc
    target = session.scalar(select(Document).where(Document.reg_key == new_key))
    if target is None:
        doc.reg_key = new_key
        doc.updated_at = utcnow()
        session.flush()
        return doc
    session.execute(update(DocumentFile).where(DocumentFile.document_id == doc.id)
                    .values(document_id=target.id))
    for sg in session.scalars(select(Sighting).where(Sighting.document_id == doc.id)).all():
        dup = session.scalar(select(Sighting).where(Sighting.document_id == target.id,
                                                    Sighting.url == sg.url))
        if dup is None:
            sg.document_id = target.id
        else:
            dup.first_seen = min(dup.first_seen, sg.first_seen)
            dup.last_seen = max(dup.last_seen, sg.last_seen)
            dup.file_sha256 = dup.file_sha256 or sg.file_sha256
            session.delete(sg)
    session.execute(delete(Fact).where(Fact.document_id == doc.id))
    session.flush()
    session.expire(doc)
    session.expire(target)
    session.delete(doc)
    session.flush()
    return target


def jsonable(value):
    """``value`` with dates as ISO text and unknown objects as text, safe for a JSON column."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
