"""Bringing a file into the catalogue: store the bytes, read the text, identify the document.

Used for files given on the command line (``pantau ingest``), uploads, and files fetched by the
crawler. Each file is one transaction, so a crash loses at most the file in hand, and every
failure is recorded with its reason while the rest of a batch goes on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from nlp import metadata as nlp_metadata
from nlp import text as nlp_text

from . import facts, importer
from .blobs import BlobStore
from .db import Catalogue
from .models import Document, DocumentFile, Source, SourceRun

LOCAL_SOURCE = "lokal"


@dataclass
class IngestResult:
    locator: str
    sha256: str | None = None
    reg_key: str | None = None
    outcome: str = "unchanged"  # new | updated | unchanged | failed
    reason: str | None = None
    detail: str | None = None


@dataclass
class BatchSummary:
    results: list[IngestResult] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    def line(self) -> str:
        return (f"{len(self.results)} berkas: {self.count('new')} baru, {self.count('updated')} "
                f"diperbarui, {self.count('unchanged')} tidak berubah, {self.count('failed')} gagal")


def provisional_key(sha256: str, kind: str = "regulation") -> str:
    return f"{'berita' if kind == 'news' else 'berkas'}/{sha256[:16]}"


def read_file(session: Session, blobs: BlobStore, file: DocumentFile, settings) -> nlp_text.ExtractedText:
    """Extract the text of a stored file into ``page_text``; raises TextExtractionError."""
    data = blobs.get(file.sha256)
    # In a child process with a hard time limit: no parser can hang the run. Scanned pages go
    # through OCR (cached by page-image hash under the data dir).
    extracted = nlp_text.extract_text_guarded(
        data, file.media_type, filename=file.filename, timeout=settings.document_timeout,
        max_bytes=settings.max_file_bytes, max_pages=settings.max_pages, ocr=True,
        cache_dir=settings.cache_dir / "ocr")
    importer.replace_page_texts(session, file, extracted.pages)
    file.text_status = text_status(extracted)
    return extracted


def text_status(extracted: nlp_text.ExtractedText) -> str:
    """``ok``; ``perlu_ocr`` when pages have no text and OCR was not possible; ``tidak_andal`` when
    the text is unreliable (poor OCR, garbled layer), so "not found" in it proves nothing."""
    if extracted.needs_ocr:
        return "perlu_ocr"
    return "tidak_andal" if extracted.unreliable else "ok"


def looks_like_abstrak(text: str) -> bool:
    """A JDIH catalogue "abstrak" sheet (a summary of a regulation), not the regulation itself."""
    head = text[:6000]
    return bool(re.search(r"(?m)^\s*ABSTRAK\s*:", head)) and bool(re.search(r"(?m)^\s*CATATAN\s*:", text))


def extract_facts(session: Session, doc: Document, file: DocumentFile,
                  extracted: nlp_text.ExtractedText) -> int:
    """Run the fact extractor on a file's text and store its facts (replacing earlier ones)."""
    from nlp.extract import extract_document
    result = extract_document(extracted.text, pages=extracted, region_hint=doc.region_code,
                              kind="news" if doc.kind == "news" else "regulation")
    facts.apply_document_metadata(doc, result.get("document") or {})
    return facts.store_extraction(session, doc, file.sha256, result)


def identify(extracted: nlp_text.ExtractedText, region_hint: str | None) -> nlp_metadata.DocumentMeta:
    return nlp_metadata.extract_metadata(extracted.text, region_hint=region_hint)


def meta_values(meta: nlp_metadata.DocumentMeta) -> dict:
    return {"jenis": meta.jenis, "jenis_code": meta.jenis_code, "nomor": meta.nomor,
            "tahun": meta.tahun, "region_code": meta.region_code, "tentang": meta.tentang}


def ingest_bytes(cat: Catalogue, data: bytes, *, locator: str, filename: str | None,
                 source: Source, run: SourceRun | None, url: str | None = None,
                 region_hint: str | None = None, kind: str = "regulation") -> IngestResult:
    """Store, read and catalogue one file in one transaction."""
    settings, blobs = cat.settings, BlobStore(cat.settings.blob_dir)
    result = IngestResult(locator=locator)
    run_id = run.id if run else None
    if not data:
        return _fail(cat, result, "store", "empty", "file is empty (0 bytes)", source, run_id)
    if len(data) > settings.max_file_bytes:
        return _fail(cat, result, "store", "too_large",
                     f"file is {len(data)} bytes, over the cap of {settings.max_file_bytes}",
                     source, run_id)
    sha, _ = blobs.put(data)  # before the transaction: a blob without a row is harmless
    result.sha256 = sha
    try:
        media_type = nlp_text.sniff_media_type(data, filename)
    except nlp_text.TextExtractionError as exc:
        return _fail(cat, result, "text", exc.reason, str(exc), source, run_id)
    if (filename or "").lower().endswith(".pdf") and media_type != "application/pdf":
        # an error page or a renamed file posing as a PDF: keep the bytes, catalogue nothing
        with cat.session() as s:
            file, _ = importer.upsert_file(s, sha, media_type=media_type, size=len(data),
                                           filename=filename)
            file.text_status = "gagal"
        head = data[:60].decode("utf-8", "replace").strip()
        return _fail(cat, result, "text", "not_pdf",
                     f"file is named .pdf but is {media_type} (starts with {head!r})", source, run_id)
    with cat.session() as s:
        file, _ = importer.upsert_file(s, sha, media_type=media_type, size=len(data),
                                       filename=filename)
        try:
            extracted = read_file(s, blobs, file, settings)
        except nlp_text.TextExtractionError as exc:
            file.text_status = "gagal"
            importer.record_failure(s, "text", locator, exc.reason, str(exc), sha256=sha,
                                    source_id=source.id, run_id=run_id)
            result.outcome, result.reason, result.detail = "failed", exc.reason, str(exc)
            return result
        meta = identify(extracted, region_hint)
        if file.document_id is not None:
            doc = s.get(Document, file.document_id)
            up = importer.upsert_document(s, doc.reg_key, meta_values(meta), origin="teks")
            if meta.reg_key and doc.reg_key != meta.reg_key and doc.reg_key.startswith(("berkas/", "berita/")):
                up.document = importer.rekey_document(s, doc, meta.reg_key)
        else:
            key = meta.reg_key or provisional_key(sha, kind)
            values = meta_values(meta) | {"kind": kind,
                                          "evidence_grade": "berita" if kind == "news" else "dokumen"}
            up = importer.upsert_document(s, key, values, origin="teks")
            importer.attach_file(s, file, up.document,
                                 "abstrak" if looks_like_abstrak(extracted.text) else "utama")
        doc = up.document
        if file.role == "utama":
            doc.text_status = file.text_status
        elif doc.text_status == "belum":
            doc.text_status = "hanya_abstrak"  # only the catalogue summary has been read
        importer.add_sighting(s, doc, url or locator, source=source, run=run, file_sha256=sha)
        extract_facts(s, doc, file, extracted)
        importer.resolve_failures(s, locator)
        result.reg_key, result.outcome = doc.reg_key, up.outcome
        if run is not None:
            r = s.get(SourceRun, run.id)
            r.items += 1
            setattr(r, f"docs_{up.outcome}", getattr(r, f"docs_{up.outcome}") + 1)
    return result


def ingest_paths(cat: Catalogue, paths: list[Path], *, region_hint: str | None = None,
                 kind: str = "regulation", progress=None) -> BatchSummary:
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
            res = _fail(cat, IngestResult(locator=locator), "store", "unreadable",
                        f"cannot read file: {exc.strerror or exc}", source, run.id)
        else:
            res = ingest_bytes(cat, data, locator=locator, filename=path.name, source=source,
                               run=run, region_hint=region_hint, kind=kind)
        summary.results.append(res)
        if progress:
            progress(res)
    with cat.session() as s:
        importer.finish_run(s, run, "finished", summary.line())
    return summary


def extract_pending(cat: Catalogue, *, everything: bool = False, progress=None) -> BatchSummary:
    """Read stored files not read yet (e.g. fetched by the crawler); ``everything`` re-reads all."""
    blobs = BlobStore(cat.settings.blob_dir)
    with cat.session() as s:
        q = select(DocumentFile.sha256)
        if not everything:
            q = q.where(DocumentFile.text_status == "belum")
        shas = list(s.scalars(q.order_by(DocumentFile.created_at)))
    summary = BatchSummary()
    for sha in shas:
        res = IngestResult(locator=f"sha256:{sha}", sha256=sha)
        with cat.session() as s:
            file = s.get(DocumentFile, sha)
            try:
                extracted = read_file(s, blobs, file, cat.settings)
            except (nlp_text.TextExtractionError, FileNotFoundError) as exc:
                reason = getattr(exc, "reason", "blob_missing")
                file.text_status = "gagal"
                importer.record_failure(s, "text", res.locator, reason, str(exc), sha256=sha)
                res.outcome, res.reason, res.detail = "failed", reason, str(exc)
            else:
                doc = s.get(Document, file.document_id) if file.document_id else None
                if doc is not None and file.role == "utama" and doc.kind != "news":
                    meta = identify(extracted, doc.region_code)
                    up = importer.upsert_document(s, doc.reg_key, meta_values(meta), origin="teks")
                    if meta.reg_key and doc.reg_key.startswith("berkas/"):
                        up = importer.Upserted(importer.rekey_document(s, doc, meta.reg_key), "updated")
                    doc = up.document
                    doc.text_status = file.text_status
                    res.reg_key, res.outcome = doc.reg_key, up.outcome
                elif doc is not None:
                    if file.role == "utama":
                        doc.text_status = file.text_status
                    elif doc.text_status == "belum":
                        doc.text_status = "hanya_abstrak"
                    res.reg_key, res.outcome = doc.reg_key, "unchanged"
                if doc is not None:
                    extract_facts(s, doc, file, extracted)
                importer.resolve_failures(s, res.locator)
        summary.results.append(res)
        if progress:
            progress(res)
    return summary


def _fail(cat: Catalogue, result: IngestResult, stage: str, reason: str, detail: str,
          source: Source, run_id: int | None) -> IngestResult:
    with cat.session() as s:
        importer.record_failure(s, stage, result.locator, reason, detail, sha256=result.sha256,
                                source_id=source.id, run_id=run_id)
    result.outcome, result.reason, result.detail = "failed", reason, detail
    return result



UPLOAD_SOURCE = "unggah"


def ingest_upload(cat: Catalogue, data: bytes, *, filename: str, region_hint: str | None = None,
                  kind: str = "regulation", source_url: str | None = None) -> IngestResult:
    """A file sent through the API (e.g. a circular a branch office received on paper): the same
    path as ``pantau ingest``, recorded as seen at ``source_url`` or as an upload."""
    safe_name = re.sub(r"[^\w.\- ]+", "_", filename)[:200] or "berkas"
    with cat.session() as s:
        source = importer.get_or_create_source(s, UPLOAD_SOURCE, "unggah")
    locator = source_url if source_url and source_url.startswith(("http://", "https://")) else \
        f"unggah:{safe_name}"
    return ingest_bytes(cat, data, locator=locator, filename=safe_name, source=source, run=None,
                        url=locator, region_hint=region_hint, kind=kind)
