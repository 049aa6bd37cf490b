"""Bringing a file into the catalogue: store the bytes, read the text, identify the document.

Used for files given on the command line (``pantau ingest``), uploads, and files fetched by the
crawler. Each file is one transaction, so a crash loses at most the file in hand, and every
failure is recorded with its reason while the rest of a batch goes on.
"""

from __future__ import annotations

import re
import time
from datetime import date
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from nlp.extract.news import date_in_text, text_article_regions
from nlp.identity import DocumentMeta, extract_enactment, extract_metadata
from nlp import text as nlp_text
from pantau import wilayah
from pantau.legal import is_provisional, make_reg_key, provisional_key

from . import facts, importer, readqueue
from .blobs import BlobStore
from .db import Catalogue
from .models import Document, DocumentFile, Source, SourceRun
from .vocab import DocumentKind, EvidenceGrade, FileRole, Outcome, RunStatus, Stage, TextStatus

LOCAL_SOURCE = "lokal"


@dataclass
class IngestResult:
    locator: str
    sha256: str | None = None
    reg_key: str | None = None
    outcome: Outcome = Outcome.UNCHANGED
    reason: str | None = None
    detail: str | None = None


@dataclass
class BatchSummary:
    results: list[IngestResult] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    def line(self) -> str:
        return (f"{len(self.results)} berkas: {self.count(Outcome.NEW)} baru, "
                f"{self.count(Outcome.UPDATED)} diperbarui, {self.count(Outcome.UNCHANGED)} tidak "
                f"berubah, {self.count(Outcome.FAILED)} gagal")


def text_status(extracted: nlp_text.ExtractedText) -> TextStatus:
    """``ok``; ``perlu_ocr`` when pages have no text and OCR was not possible; ``tidak_andal`` when
    the text is unreliable (poor OCR, garbled layer), so "not found" in it proves nothing."""
    if extracted.needs_ocr:
        return TextStatus.PERLU_OCR
    return TextStatus.TIDAK_ANDAL if extracted.unreliable else TextStatus.OK


def looks_like_abstrak(text: str) -> bool:
    """A JDIH catalogue "abstrak" sheet (a summary of a regulation), not the regulation itself."""
    head = text[:6000]
    return bool(re.search(r"(?m)^\s*ABSTRAK\s*:", head)) and bool(re.search(r"(?m)^\s*CATATAN\s*:", text))


def _identity(text: str, region_hint: str | None) -> tuple[str | None, dict]:
    """(reg_key, identity values) a regulation's text states. The region is the code it was
    issued under on its date (a 2020 Perbup of Kabupaten Merauke: 91.01, in Provinsi Papua),
    which the key carries; the catalogue files it under today's region (93.01)."""
    meta: DocumentMeta = extract_metadata(text, region_hint=region_hint)
    enacted = extract_enactment(text)
    on = enacted.tanggal_ditetapkan or enacted.tanggal_diundangkan
    region = wilayah.issued_code(meta.region_code, on=date.fromisoformat(on) if on else None,
                                 year=meta.tahun)
    key = make_reg_key(meta.jenis_code, region, meta.tahun, meta.nomor) if meta.reg_key else None
    return key, {"jenis": meta.jenis, "jenis_code": meta.jenis_code, "nomor": meta.nomor,
                 "tahun": meta.tahun, "region_code": region, "tentang": meta.tentang}


@dataclass
class StoredRead:
    """What reading one stored file did: its document (None for a file of no document) and the
    outcome for that document."""

    document: Document | None
    outcome: Outcome


def read_stored_text(data: bytes, media_type: str | None, filename: str | None,
                     settings) -> nlp_text.ExtractedText:
    """The text of a stored file's bytes, read in a child process with a hard time limit (scans
    go through OCR, cached by page-image hash). Never inside a catalogue transaction: OCR can
    take minutes, and a forked child must not inherit an open database connection mid-use.

    Raises ``nlp.text.TextExtractionError`` when the file cannot be read.
    """
    return nlp_text.extract_text_guarded(
        data, media_type, filename=filename, timeout=settings.document_timeout,
        max_bytes=settings.max_file_bytes, max_pages=settings.max_pages, ocr=True,
        cache_dir=settings.cache_dir / "ocr")


def read_stored_file(session: Session, file: DocumentFile, extracted: nlp_text.ExtractedText, *,
                     region_hint: str | None = None, kind: str = DocumentKind.REGULATION,
                     create: bool = False) -> StoredRead:
    """Store a file's text (from :func:`read_stored_text`) into ``page_text``, identify its
    document and store its facts: the one path for every file, whether fetched by the crawler,
    ingested by hand or uploaded.

    - the file's ``text_status`` says how far its text can be trusted;
    - a file of no document gets one only when ``create`` (ingest and upload): keyed by the
      identity its text states, else provisionally by its SHA-256;
    - the main file (``utama``) of a regulation states the document's identity: what it says is
      upserted (``origin="teks"``), and a provisional key is replaced by the real one (merging
      with a document already known under it). News has no legal identity of its own; an
      abstrak or lampiran does not speak for its document's identity;
    - the document's facts from this file are replaced.
    """
    importer.replace_page_texts(session, file, extracted.pages)
    file.text_status = text_status(extracted)
    doc = session.get(Document, file.document_id) if file.document_id is not None else None
    outcome = Outcome.UNCHANGED
    if doc is None and create:
        values = {"kind": kind, "evidence_grade": EvidenceGrade.of(kind)}
        key = None
        if kind == DocumentKind.NEWS:
            # a report is not an instrument: no identity, but the region it is about and its
            # date, read exactly as the crawler reads them from an article page
            values["region_code"] = region_hint or text_article_regions(extracted.text)[0]
            values["published_on"] = date_in_text(extracted.text)
        else:
            key, identity = _identity(extracted.text, region_hint)
            values = identity | values
        up = importer.upsert_document(session, key or provisional_key(file.sha256, kind), values,
                                      origin="teks")
        importer.attach_file(session, file, up.document, FileRole.ABSTRAK
                             if looks_like_abstrak(extracted.text) else FileRole.UTAMA)
        doc, outcome = up.document, up.outcome
    elif doc is not None and file.role == FileRole.UTAMA and doc.kind != DocumentKind.NEWS:
        key, identity = _identity(extracted.text, region_hint or doc.region_code)
        up = importer.upsert_document(session, doc.reg_key, identity, origin="teks")
        doc, outcome = up.document, up.outcome
        if key and is_provisional(doc.reg_key):
            doc, outcome = importer.rekey_document(session, doc, key), Outcome.UPDATED
    if doc is not None:
        if file.role == FileRole.UTAMA:
            doc.text_status = file.text_status
        elif doc.text_status == TextStatus.BELUM:
            doc.text_status = TextStatus.HANYA_ABSTRAK  # only the catalogue summary has been read
        _store_facts(session, doc, file, extracted)
    return StoredRead(doc, outcome)


def _store_facts(session: Session, doc: Document, file: DocumentFile,
                 extracted: nlp_text.ExtractedText) -> int:
    """Run the fact extractor on a file's text and store its facts (replacing earlier ones)."""
    from nlp.extract import extract_document
    result = extract_document(extracted.text, pages=extracted, region_hint=doc.region_code,
                              kind=DocumentKind.NEWS if doc.kind == DocumentKind.NEWS
                              else DocumentKind.REGULATION)
    facts.apply_document_metadata(doc, result.get("document") or {})
    return facts.store_extraction(session, doc, file.sha256, result)


def ingest_bytes(cat: Catalogue, data: bytes, *, locator: str, filename: str | None,
                 source: Source, run: SourceRun | None, url: str | None = None,
                 region_hint: str | None = None, kind: str = DocumentKind.REGULATION) -> IngestResult:
    """Store, read and catalogue one file in one transaction."""
    settings, blobs = cat.settings, BlobStore(cat.settings.blob_dir)
    result = IngestResult(locator=locator)
    run_id = run.id if run else None
    if not data:
        return _fail(cat, result, Stage.STORE, "empty", "file is empty (0 bytes)", source, run_id)
    if len(data) > settings.max_file_bytes:
        return _fail(cat, result, Stage.STORE, "too_large",
                     f"file is {len(data)} bytes, over the cap of {settings.max_file_bytes}",
                     source, run_id)
    sha, _ = blobs.put(data)  # before the transaction: a blob without a row is harmless
    result.sha256 = sha
    try:
        media_type = nlp_text.sniff_media_type(data, filename)
    except nlp_text.TextExtractionError as exc:
        return _fail(cat, result, Stage.TEXT, exc.reason, str(exc), source, run_id)
    if (filename or "").lower().endswith(".pdf") and media_type != nlp_text.PDF:
        # an error page or a renamed file posing as a PDF: keep the bytes, catalogue nothing
        with cat.session() as s:
            file, _ = importer.upsert_file(s, sha, media_type=media_type, size=len(data),
                                           filename=filename)
            file.text_status = TextStatus.GAGAL
        head = data[:60].decode("utf-8", "replace").strip()
        return _fail(cat, result, Stage.TEXT, "not_pdf",
                     f"file is named .pdf but is {media_type} (starts with {head!r})", source, run_id)
    try:
        extracted = read_stored_text(data, media_type, filename, settings)
    except nlp_text.TextExtractionError as exc:
        with cat.session() as s:
            file, _ = importer.upsert_file(s, sha, media_type=media_type, size=len(data),
                                           filename=filename)
            file.text_status = TextStatus.GAGAL
            importer.record_failure(s, Stage.TEXT, locator, exc.reason, str(exc), sha256=sha,
                                    source_id=source.id, run_id=run_id)
        result.outcome, result.reason, result.detail = Outcome.FAILED, exc.reason, str(exc)
        return result
    with cat.session() as s:
        file, _ = importer.upsert_file(s, sha, media_type=media_type, size=len(data),
                                       filename=filename)
        read = read_stored_file(s, file, extracted, region_hint=region_hint, kind=kind, create=True)
        doc = read.document
        importer.add_sighting(s, doc, url or locator, source=source, run=run, file_sha256=sha)
        importer.resolve_failures(s, locator)
        result.reg_key, result.outcome = doc.reg_key, read.outcome
        if run is not None:
            r = s.get(SourceRun, run.id)
            r.items += 1
            setattr(r, f"docs_{read.outcome}", getattr(r, f"docs_{read.outcome}") + 1)
    return result


def ingest_paths(cat: Catalogue, paths: list[Path], *, region_hint: str | None = None,
                 kind: str = DocumentKind.REGULATION, progress=None) -> BatchSummary:
    """Ingest local files (e.g. a circular received by e-mail) as one run of the ``lokal`` source."""
    summary = BatchSummary()
    with cat.session() as s:
        source = importer.get_or_create_source(s, LOCAL_SOURCE, "lokal")
        run = importer.start_run(s, source)
    for path in paths:
        locator = path.resolve().as_uri()
        try:
            data = path.read_bytes()
        except OSError as exc:
            res = _fail(cat, IngestResult(locator=locator), Stage.STORE, "unreadable",
                        f"cannot read file: {exc.strerror or exc}", source, run.id)
        else:
            res = ingest_bytes(cat, data, locator=locator, filename=path.name, source=source,
                               run=run, region_hint=region_hint, kind=kind)
        summary.results.append(res)
        if progress:
            progress(res)
    with cat.session() as s:
        importer.finish_run(s, run, RunStatus.FINISHED, summary.line())
    return summary


def extract_pending(cat: Catalogue, *, everything: bool = False, progress=None) -> BatchSummary:
    """Read the stored files waiting in the extraction queue (``katalog.readqueue``): those not
    read yet, e.g. fetched by the crawler, and those queued to be read again; ``everything``
    first queues every file (or joins the ``--all`` pass another process is running).

    On PostgreSQL any number of processes run this together: each file is read by exactly one of
    them, under its row lock, and a file whose worker was killed is taken by the next one (a
    worker with nothing left to take waits until the files others hold are done). On SQLite one
    process reads, each file outside any transaction.
    """
    blobs = BlobStore(cat.settings.blob_dir)
    summary = BatchSummary()

    def done(res: IngestResult) -> None:
        summary.results.append(res)
        if progress:
            progress(res)

    with readqueue.reread_pass(cat) if everything else nullcontext():
        if readqueue.shared(cat):
            conflicts: dict[str, int] = {}
            while True:
                sha = None
                try:
                    with cat.session() as s:
                        file = readqueue.claim_next(s)
                        busy = readqueue.waiting_count(s) if file is None else 0
                        if file is not None:  # read under the lock, store in the same transaction
                            sha = file.sha256
                            res = _read_waiting(s, file, _stored_text(cat, blobs, file))
                except (IntegrityError, OperationalError):
                    # another worker stored the same document first (unique key) or a deadlock:
                    # rolled back, so the file waits again and is retried against their commit
                    conflicts[sha] = conflicts.get(sha, 0) + 1
                    if sha is None or conflicts[sha] > readqueue.MAX_CONFLICTS:
                        raise
                    continue
                if file is not None:
                    done(res)
                elif busy:
                    time.sleep(readqueue.POLL_SECONDS)
                else:
                    break
        else:
            with cat.session() as s:
                shas = readqueue.waiting_shas(s)
            for sha in shas:
                with cat.session() as s:
                    file = s.get(DocumentFile, sha)
                    if file is None or not readqueue.is_waiting(file):
                        continue
                extracted = _stored_text(cat, blobs, file)  # outside any transaction
                with cat.session() as s:
                    done(_read_waiting(s, s.get(DocumentFile, sha), extracted))
    return summary


def _stored_text(cat: Catalogue, blobs: BlobStore, file: DocumentFile):
    """The text of a stored file, or the ``TextExtractionError``/``FileNotFoundError`` that
    reading it raised (stored as a failure by :func:`_read_waiting`)."""
    try:
        return read_stored_text(blobs.get(file.sha256), file.media_type, file.filename, cat.settings)
    except (nlp_text.TextExtractionError, FileNotFoundError) as exc:
        return exc


def _read_waiting(s: Session, file: DocumentFile, extracted) -> IngestResult:
    """Store what reading a waiting file gave (its text, or its failure) and take it off the
    queue, in the caller's transaction."""
    res = IngestResult(locator=f"sha256:{file.sha256}", sha256=file.sha256)
    readqueue.mark_read(file)
    if isinstance(extracted, Exception):
        reason = getattr(extracted, "reason", "blob_missing")
        file.text_status = TextStatus.GAGAL
        importer.record_failure(s, Stage.TEXT, res.locator, reason, str(extracted), sha256=file.sha256)
        res.outcome, res.reason, res.detail = Outcome.FAILED, reason, str(extracted)
        return res
    read = read_stored_file(s, file, extracted)
    if read.document is not None:
        res.reg_key, res.outcome = read.document.reg_key, read.outcome
    importer.resolve_failures(s, res.locator)
    return res


def _fail(cat: Catalogue, result: IngestResult, stage: str, reason: str, detail: str,
          source: Source, run_id: int | None) -> IngestResult:
    with cat.session() as s:
        importer.record_failure(s, stage, result.locator, reason, detail, sha256=result.sha256,
                                source_id=source.id, run_id=run_id)
    result.outcome, result.reason, result.detail = Outcome.FAILED, reason, detail
    return result



UPLOAD_SOURCE = "unggah"


def ingest_upload(cat: Catalogue, data: bytes, *, filename: str, region_hint: str | None = None,
                  kind: str = DocumentKind.REGULATION,
                  source_url: str | None = None) -> IngestResult:
    """A file sent through the API (e.g. a circular a branch office received on paper): the same
    path as ``pantau ingest``, recorded as seen at ``source_url`` or as an upload."""
    safe_name = re.sub(r"[^\w.\- ]+", "_", filename)[:200] or "berkas"
    with cat.session() as s:
        source = importer.get_or_create_source(s, UPLOAD_SOURCE, "unggah")
    locator = source_url if source_url and source_url.startswith(("http://", "https://")) else \
        f"unggah:{safe_name}"
    return ingest_bytes(cat, data, locator=locator, filename=safe_name, source=source, run=None,
                        url=locator, region_hint=region_hint, kind=kind)
