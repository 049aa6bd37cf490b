"""Upserting crawled records and their downloaded files into the catalogue (one transaction each),
and the little a crawl needs to know from earlier runs (validators, unchanged pages)."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from nlp import text as nlp_text
from pantau import legal

from katalog import importer
from katalog.blobs import BlobStore
from katalog.db import Catalogue
from katalog.models import DocumentFile, Failure, Sighting, Source, SourceRun
from katalog.vocab import DocumentKind, EvidenceGrade, FileRole, Outcome, RunStatus, Stage, TextStatus

from .items import DocumentItem, FetchedFile


def known_file_for_url(cat: Catalogue, url: str) -> str | None:
    """SHA-256 of the file last seen at ``url``, if it is still in the blob store (so an
    unchanged URL is not fetched again; a blob lost from disk is fetched anew)."""
    with cat.session() as s:
        sha = s.scalar(select(Sighting.file_sha256)
                       .where(Sighting.url == url, Sighting.file_sha256.is_not(None))
                       .order_by(Sighting.last_seen.desc()).limit(1))
    if sha and not BlobStore(cat.settings.blob_dir).has(sha):
        return None
    return sha


def load_validators(cat: Catalogue, name: str) -> dict[str, dict]:
    """The per-URL validators the last runs of source ``name`` stored (``crawler.state``)."""
    with cat.session() as s:
        config = s.scalar(select(Source.config).where(Source.name == name))
    validators = (config or {}).get("validators") if isinstance(config, dict) else None
    return dict(validators) if isinstance(validators, dict) else {}


def save_validators(cat: Catalogue, source_id: int, validators: dict[str, dict]) -> None:
    """Keep ``validators`` in ``Source.config["validators"]`` for the next run.

    (A ``url_state`` table keyed by (source, url) would be the better home; see the crawler's
    notes. The JSON column is rewritten once per run, not per URL.)
    """
    with cat.session() as s:
        src = s.get(Source, source_id)
        if src is not None:
            src.config = {**(src.config or {}), "validators": validators}


def touch_unchanged(cat: Catalogue, url: str, source: Source, run: SourceRun) -> int:
    """A page or record at ``url`` is unchanged: refresh its sightings (last seen in this run)
    and count its documents as unchanged. Returns how many documents were touched."""
    now = datetime.now(timezone.utc)
    with cat.session() as s:
        run_row = s.get(SourceRun, run.id)
        run_row.items += 1
        sightings = s.scalars(select(Sighting).where(Sighting.url == url,
                                                     Sighting.source_id == source.id)).all()
        docs = {sg.document_id for sg in sightings}
        for sg in sightings:
            sg.last_seen, sg.last_run_id = now, run.id
        run_row.docs_unchanged += len(docs)
        return len(docs)


def errors_by_reason(cat: Catalogue, run_id: int) -> dict[str, int]:
    """``{"fetch:http_500": 2, ...}`` for the failures recorded (last) by run ``run_id``."""
    with cat.session() as s:
        rows = s.execute(select(Failure.stage, Failure.reason, func.count())
                         .where(Failure.run_id == run_id)
                         .group_by(Failure.stage, Failure.reason)).all()
    return {f"{stage}:{reason}": n for stage, reason, n in sorted(rows)}


def import_item(cat: Catalogue, item: DocumentItem, fetched: list[FetchedFile], source: Source,
                run: SourceRun) -> Outcome:
    """Store one crawled ``DocumentItem`` with its ``FetchedFile``s; returns the outcome.
    Failures are recorded, never raised."""
    blobs = BlobStore(cat.settings.blob_dir)
    stored: list[tuple[FetchedFile, str]] = []  # (fetched, sha256)
    for f in fetched:
        if f.body:
            sha, _ = blobs.put(f.body)
            stored.append((f, sha))
    with cat.session() as s:
        run_row = s.get(SourceRun, run.id)
        run_row.items += 1
        for f in fetched:
            if f.error:
                importer.record_failure(s, Stage.FETCH, f.url, f.error, f.detail or "",
                                        source_id=source.id, run_id=run.id)
        files: list[tuple[DocumentFile, FileRole, str]] = []  # (file, role, url)
        for f, sha in stored:
            mt = _media_type(f)
            file, new = importer.upsert_file(s, sha, media_type=mt, size=len(f.body),
                                             filename=f.url.rsplit("/", 1)[-1][:200])
            run_row.files_new += int(new)
            files.append((file, f.role, f.url))
            importer.resolve_failures(s, f.url, (Stage.FETCH,))
        for f in fetched:
            if f.skipped_known_sha256:
                file = s.get(DocumentFile, f.skipped_known_sha256)
                if file is not None:
                    files.append((file, f.role, f.url))
        key = _reg_key(item)
        if key is None:
            main = next((x for x in files if x[1] == FileRole.UTAMA), None)
            existing = main[0].document if main else None
            if existing is not None:
                key = existing.reg_key
            elif main is not None:
                key = legal.provisional_key(main[0].sha256, item.kind)
            else:
                importer.record_failure(s, Stage.METADATA, item.url, "no_identity",
                                        "record has neither a full identity (jenis, nomor, tahun, "
                                        "region) nor a downloadable file", source_id=source.id,
                                        run_id=run.id)
                return Outcome.FAILED
        values = item.model_dump(include={"jenis", "jenis_code", "nomor", "tahun", "judul",
                                          "tentang", "region_code", "status", "tanggal_ditetapkan",
                                          "tanggal_diundangkan", "kind"})
        values["evidence_grade"] = EvidenceGrade.of(item.kind)
        if item.kind == DocumentKind.NEWS and item.published:
            values["tanggal_diundangkan"] = None
        up = importer.upsert_document(s, key, values, origin="feed")
        doc = up.document
        if item.kind == DocumentKind.NEWS:  # the outlet and date of a report
            doc.outlet = doc.outlet or item.outlet
            doc.published_on = doc.published_on or item.published
        main_sha = None
        for file, role, url in files:
            if file.document_id not in (None, doc.id):
                continue  # the same bytes already belong to another document: keep that link
            importer.attach_file(s, file, doc, role)
            importer.add_sighting(s, doc, url, source=source, run=run_row, file_sha256=file.sha256,
                                  seen_at=item.crawled_at)
            if role == FileRole.UTAMA:
                main_sha = file.sha256
        importer.add_sighting(s, doc, item.url, source=source, run=run_row, file_sha256=main_sha,
                              record=item.record, seen_at=item.crawled_at)
        importer.resolve_failures(s, item.url, (Stage.METADATA,))
        if doc.text_status == TextStatus.BELUM and any(f.text_status != TextStatus.BELUM
                                                        for f, _, _ in files):
            doc.text_status = next(f.text_status for f, r, _ in files if r == FileRole.UTAMA) \
                if any(r == FileRole.UTAMA for _, r, _ in files) else doc.text_status
        setattr(run_row, f"docs_{up.outcome}", getattr(run_row, f"docs_{up.outcome}") + 1)
        return up.outcome


def _reg_key(item) -> str | None:
    if item.kind == "news":
        return legal.news_key(item.url)
    return legal.make_reg_key(item.jenis_code, item.region_code, item.tahun, item.nomor)


def _media_type(f) -> str:
    try:
        return nlp_text.sniff_media_type(f.body, f.url.rsplit("/", 1)[-1])
    except nlp_text.TextExtractionError:
        return f.content_type or "application/octet-stream"


def last_finished_runs(cat: Catalogue) -> dict[str, datetime]:
    """Source name -> when its latest finished run ended (sources that never finished: absent)."""
    with cat.session() as s:
        rows = s.execute(select(Source.name, func.max(SourceRun.finished_at))
                         .join(SourceRun, SourceRun.source_id == Source.id)
                         .where(SourceRun.status == RunStatus.FINISHED)
                         .group_by(Source.name)).all()
    return {name: when for name, when in rows if when is not None}
