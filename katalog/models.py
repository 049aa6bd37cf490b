"""The catalogue schema: the store of record from which every index is rebuilt.

Indonesian terms used as column names: *jenis* (type of instrument, e.g. Peraturan Bupati),
*nomor* (its number), *tahun* (year), *tentang* (its subject, the title after "TENTANG"),
*pasal*/*ayat* (article/paragraph), *kode* (Kemendagri region code such as ``33.25``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, BigInteger, Date, Float, ForeignKey, Index, Integer,
                        String, Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .types import UTCDateTime, utcnow
from .vocab import DocumentKind, EvidenceGrade, FileRole, RunStatus, TextStatus


class Base(DeclarativeBase):
    type_annotation_map = {dict: JSON, list: JSON}


class Region(Base):
    """A province, kabupaten or kota (552 in all), keyed by its Kemendagri code."""

    __tablename__ = "region"
    kode: Mapped[str] = mapped_column(String(16), primary_key=True)
    nama: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), index=True)  # provinsi | kabupaten | kota
    kode_provinsi: Mapped[str | None] = mapped_column(ForeignKey("region.kode"), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)


class Source(Base):
    """A site or feed we gather documents from (or ``lokal`` for files ingested by hand)."""

    __tablename__ = "source"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(Text)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.kode"), index=True)
    config: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SourceRun(Base):
    """One crawl (or ingest batch) of a source: when, what came back, what failed."""

    __tablename__ = "source_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.RUNNING)  # vocab.RunStatus
    finish_reason: Mapped[str | None] = mapped_column(String(200))
    requests: Mapped[int] = mapped_column(Integer, default=0)
    items: Mapped[int] = mapped_column(Integer, default=0)
    docs_new: Mapped[int] = mapped_column(Integer, default=0)
    docs_updated: Mapped[int] = mapped_column(Integer, default=0)
    docs_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    files_new: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    stats: Mapped[dict] = mapped_column(default=dict)

    source: Mapped[Source] = relationship()


class Document(Base):
    """One regulation, circular or news article, keyed by its legal identity ``reg_key``.

    ``reg_key`` is ``<jenis_code>/<region kode>/<tahun>/<nomor>`` (e.g. ``perbup/33.25/2024/30``).
    When the identity cannot be read yet (a scan awaiting OCR, a news article), the key is
    provisional: ``berkas/<sha256 prefix>`` or ``berita/<sha256 prefix>``.
    """

    __tablename__ = "document"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reg_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default=DocumentKind.REGULATION)  # vocab.DocumentKind
    evidence_grade: Mapped[str] = mapped_column(String(16), default=EvidenceGrade.DOKUMEN)  # vocab.EvidenceGrade
    jenis: Mapped[str | None] = mapped_column(String(100))
    jenis_code: Mapped[str | None] = mapped_column(String(32), index=True)
    nomor: Mapped[str | None] = mapped_column(String(100))
    tahun: Mapped[int | None] = mapped_column(Integer, index=True)
    # Today's region (the roll-up follows today's map); ``issued_region_code`` is the Kemendagri
    # code the document was issued under, which the reg_key carries: a 2020 Perbup of Kabupaten
    # Merauke has 91.01 (then in Provinsi Papua) there and 93.01 (Papua Selatan) here.
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.kode"), index=True)
    issued_region_code: Mapped[str | None] = mapped_column(String(16))
    judul: Mapped[str | None] = mapped_column(Text)
    tentang: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(64))
    tanggal_ditetapkan: Mapped[date | None] = mapped_column(Date)
    tanggal_diundangkan: Mapped[date | None] = mapped_column(Date)
    # News articles: the outlet and the date the article was published.
    outlet: Mapped[str | None] = mapped_column(String(200))
    published_on: Mapped[date | None] = mapped_column(Date)
    # Where the metadata above came from: "feed", "teks" (read from the text), "judul".
    metadata_origin: Mapped[str | None] = mapped_column(String(32))
    text_status: Mapped[str] = mapped_column(String(16), default=TextStatus.BELUM)  # vocab.TextStatus
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # indexed: the national view's cache key reads max(updated_at) on every request
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    files: Mapped[list[DocumentFile]] = relationship(back_populates="document",
                                                     order_by="DocumentFile.created_at")
    sightings: Mapped[list[Sighting]] = relationship(back_populates="document",
                                                     order_by="Sighting.id")


class DocumentFile(Base):
    """A file held in the blob store, addressed by its SHA-256.

    A file is stored even when it cannot be read (``document_id`` empty, see ``Failure``), so a
    later fix can process it without fetching it again.
    """

    __tablename__ = "document_file"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=FileRole.UTAMA)  # vocab.FileRole
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    pages: Mapped[int | None] = mapped_column(Integer)
    filename: Mapped[str | None] = mapped_column(Text)
    text_status: Mapped[str] = mapped_column(String(16), default=TextStatus.BELUM)  # vocab.TextStatus
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the file is queued to be read again (``pantau extract --all``), cleared when it has
    # been: with ``text_status == belum`` this is the extraction queue that workers share.
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    document: Mapped[Document | None] = relationship(back_populates="files")
    page_texts: Mapped[list[PageText]] = relationship(order_by="PageText.page",
                                                      cascade="all, delete-orphan")


class PageText(Base):
    """Extracted text of one page of a file, with how it was obtained."""

    __tablename__ = "page_text"
    sha256: Mapped[str] = mapped_column(ForeignKey("document_file.sha256"), primary_key=True)
    page: Mapped[int] = mapped_column(Integer, primary_key=True)
    method: Mapped[str] = mapped_column(String(16))  # text | ocr | none
    quality: Mapped[float] = mapped_column(Float, default=0.0)
    confidence: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text, default="")


class Sighting(Base):
    """Provenance: a document was seen at ``url`` (by a source), first and last in which runs."""

    __tablename__ = "sighting"
    __table_args__ = (UniqueConstraint("document_id", "url", name="uq_sighting_document_url"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"), index=True)
    file_sha256: Mapped[str | None] = mapped_column(ForeignKey("document_file.sha256"))
    first_run_id: Mapped[int | None] = mapped_column(ForeignKey("source_run.id"))
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("source_run.id"))
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    record: Mapped[dict] = mapped_column(default=dict)  # the raw listing record, as received

    document: Mapped[Document] = relationship(back_populates="sightings")
    source: Mapped[Source | None] = relationship()


class CrawlCheckpoint(Base):
    """One listing page a crawl has read, kept until the crawl of its source has read every
    listing to the end (a *cycle*): a killed crawl, or one stopped by a wave of 429/403, resumes
    from these rows instead of fetching the pages again.

    ``listing`` names the search or listing (for BPK ``<keywords>|<jenis code>``); ``entries`` holds
    what the page listed (for BPK the result cards), so the resumed crawl can go on to the
    detail pages it had not reached; ``last`` marks the page after which the listing ended.
    """

    __tablename__ = "crawl_checkpoint"
    __table_args__ = (UniqueConstraint("source_id", "listing", "page",
                                       name="uq_crawl_checkpoint_page"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), index=True)
    listing: Mapped[str] = mapped_column(String(500))
    page: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(Text)
    entries: Mapped[list] = mapped_column(default=list)
    last: Mapped[bool] = mapped_column(default=False)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("source_run.id"))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Fact(Base):
    """Something extracted from a document (obligation, target, reference, relation, ...).

    Every fact carries its evidence: pasal/ayat, page, character offsets into the document's
    extracted text, and the version of the extractor that made it.
    """

    __tablename__ = "fact"
    __table_args__ = (
        UniqueConstraint("document_id", "file_sha256", "kind", "start", "end", "extractor_version",
                         name="uq_fact_span"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    # The file whose extracted text the offsets point into.
    file_sha256: Mapped[str | None] = mapped_column(ForeignKey("document_file.sha256"), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    pasal: Mapped[str | None] = mapped_column(String(32))
    ayat: Mapped[str | None] = mapped_column(String(32))
    page: Mapped[int | None] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer, default=0)
    end: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(default=dict)
    extractor_version: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Failure(Base):
    """A recorded failure with its reason: nothing is dropped silently.

    Keyed by (stage, locator) so a re-run that fails again updates the row instead of adding
    one; a later success marks it resolved.
    """

    __tablename__ = "failure"
    __table_args__ = (UniqueConstraint("stage", "locator", name="uq_failure_stage_locator"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage: Mapped[str] = mapped_column(String(32))  # vocab.Stage
    locator: Mapped[str] = mapped_column(Text)  # URL, file path or sha256
    reason: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")
    sha256: Mapped[str | None] = mapped_column(String(64))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("source_run.id"))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AdoptionStatus(Base):
    """The derived status of one region for one indicator (``indices/adoption.py``); never typed by
    hand: recomputed from documents, facts and sources by ``pantau index``.

    ``status`` is ``ada`` (a regulation/circular satisfies it), ``diberitakan`` (only news reports
    it), ``belum_ditemukan`` (the region's sources were checked and nothing satisfies it) or
    ``tidak_terpantau`` (no source of the region is crawled). ``evidence`` holds the documents,
    Pasal and quotes, or the sources checked and when.
    """

    __tablename__ = "adoption_status"
    region_code: Mapped[str] = mapped_column(ForeignKey("region.kode"), primary_key=True)
    indicator: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    since: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[dict] = mapped_column(default=dict)
    indicator_version: Mapped[str] = mapped_column(String(32))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiKey(Base):
    """An API key for the write endpoints (upload). Only its SHA-256 is stored."""

    __tablename__ = "api_key"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown to tell keys apart
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)



class JdihSite(Base):
    """One address of a region's JDIH site, as the registry lists it and discovery checked it.

    Seeded from the registry file (``crawler/data/jdih_registry.csv``: every address seen in public
    material, with where it was seen) as ``unverified``; ``pantau sources discover`` probes it and
    the naming patterns of regional JDIH domains, and writes what answered: ``verified`` (this
    region's site, with its CMS ``family``), ``rejected`` (a site of another region, a parked
    domain, a redirect to a national portal... ``reason`` says which), ``unreachable`` (no DNS,
    refused, timeout, 5xx) or ``blocked`` (robots.txt forbids it). Only ``verified`` rows become
    sources. ``evidence`` says where the address was seen and when; ``probe`` what discovery saw
    (final URL, HTTP status, family markers, the region named, redirects, date).
    """

    __tablename__ = "jdih_site"
    __table_args__ = (UniqueConstraint("region_code", "url", name="uq_jdih_site_region_url"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.kode"), index=True)
    url: Mapped[str] = mapped_column(Text)
    host: Mapped[str] = mapped_column(String(255), index=True)
    publisher: Mapped[str] = mapped_column(String(16), default="pemda")  # pemda | dprd
    origin: Mapped[str] = mapped_column(String(16), default="registry")  # registry | pattern
    family: Mapped[str | None] = mapped_column(String(32))
    feed_url: Mapped[str | None] = mapped_column(Text)
    listing_url: Mapped[str | None] = mapped_column(Text)  # where its spider starts
    status: Mapped[str] = mapped_column(String(16), default="unverified", index=True)
    reason: Mapped[str | None] = mapped_column(String(200))
    evidence: Mapped[dict] = mapped_column(default=dict)
    probe: Mapped[dict] = mapped_column(default=dict)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SourceAlert(Base):
    """A source that broke: 0 items where it usually has N (``items_drop``), a site whose CMS
    fingerprint changed (``family_changed``), or no new document for far longer than its usual
    gap (``stale``). Opened by the run that saw it, resolved by a later run that no longer does;
    shown on the health page, in the Atom feed ``/feed/peringatan.atom`` and posted to the
    optional webhook."""

    __tablename__ = "source_alert"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict] = mapped_column(default=dict)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("source_run.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notify_error: Mapped[str | None] = mapped_column(Text)

    source: Mapped[Source] = relationship()

Index("ix_document_region_jenis", Document.region_code, Document.jenis_code)
