"""The validated records spiders yield. Spiders never write to the database; they yield these."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field, field_validator

from katalog.vocab import DocumentKind, FileRole


class FileLink(BaseModel):
    """A file to download for a document: the regulation itself, its abstrak, a lampiran."""

    url: str
    role: FileRole = FileRole.UTAMA


class DocumentItem(BaseModel):
    """One document as a source lists it. Every item carries where and when it was seen."""

    source: str                      # name of the source in the registry
    url: str                         # the page or feed record where it was seen
    crawled_at: datetime
    kind: DocumentKind = DocumentKind.REGULATION
    jenis: str | None = None         # e.g. "Peraturan Bupati"
    jenis_code: str | None = None    # e.g. "perbup"
    nomor: str | None = None
    tahun: int | None = None
    judul: str | None = None         # the full title as listed
    tentang: str | None = None
    region_code: str | None = None   # Kemendagri code of the issuing region
    status: str | None = None        # as listed: "Berlaku", "Dicabut", ...
    tanggal_ditetapkan: date | None = None
    tanggal_diundangkan: date | None = None
    files: list[FileLink] = Field(default_factory=list)
    record: dict = Field(default_factory=dict)  # the raw record as received
    # news articles (evidence grade berita): the page itself is the document
    outlet: str | None = None
    published: date | None = None
    body: bytes | None = None
    media_type: str | None = None

    @field_validator("url")
    @classmethod
    def _absolute(cls, v: str) -> str:
        if not v.startswith(("http://", "https://", "file://")):
            raise ValueError(f"url must be absolute: {v!r}")
        return v


class FetchedFile(BaseModel):
    """The outcome of downloading one ``FileLink``: bytes, or the reason there are none."""

    url: str
    role: FileRole = FileRole.UTAMA
    status: int | None = None
    content_type: str | None = None
    body: bytes | None = None
    error: str | None = None         # machine reason: http_500, not_pdf, too_large, timeout, ...
    detail: str | None = None
    skipped_known_sha256: str | None = None  # not downloaded again: the URL's file is known
