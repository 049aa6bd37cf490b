"""The catalogue's closed vocabularies, one ``StrEnum`` each, with what every value means.

The values are the text stored in the database and shown in exports and the API, so they never
change; a ``StrEnum`` compares equal to its text, so rows read back as plain strings still match.
"""

from __future__ import annotations

from enum import StrEnum


class DocumentKind(StrEnum):
    """What a catalogued document is."""

    REGULATION = "regulation"  # a regulation, decree, instruction or circular (or its abstrak)
    NEWS = "news"  # a news article reporting on one


class EvidenceGrade(StrEnum):
    """How strong a document is as evidence of what a region has done."""

    DOKUMEN = "dokumen"  # the instrument itself
    BERITA = "berita"  # a news report of it

    @classmethod
    def of(cls, kind: str) -> EvidenceGrade:
        return cls.BERITA if kind == DocumentKind.NEWS else cls.DOKUMEN


class TextStatus(StrEnum):
    """Whether a file's (and its document's) text has been read, and how far it can be trusted."""

    BELUM = "belum"  # not read yet
    OK = "ok"
    PERLU_OCR = "perlu_ocr"  # scanned pages, and OCR was not possible
    TIDAK_ANDAL = "tidak_andal"  # unreliable text (poor OCR, garbled layer): "not found" proves nothing
    GAGAL = "gagal"  # unreadable
    HANYA_ABSTRAK = "hanya_abstrak"  # only the JDIH catalogue summary (abstrak) has been read


UNREADABLE = (TextStatus.PERLU_OCR, TextStatus.GAGAL)


class FileRole(StrEnum):
    """What a file is to its document."""

    UTAMA = "utama"  # the document's own text
    ABSTRAK = "abstrak"  # the JDIH catalogue summary of it
    LAMPIRAN = "lampiran"  # an annex


class RunStatus(StrEnum):
    """The state of one crawl (or ingest batch) of a source."""

    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"  # the source could not be crawled at all
    INTERRUPTED = "interrupted"  # left running by a killed process; closed by the next run


class AlertKind(StrEnum):
    """Why a source raised an alert (``SourceAlert.kind``; judged in ``katalog.health``)."""

    ITEMS_DROP = "items_drop"  # a run brought 0 items where the source usually brings some
    FAMILY_CHANGED = "family_changed"  # the site's CMS fingerprint is not the one it usually shows
    STALE = "stale"  # no new document for far longer than the source's usual gap


class Outcome(StrEnum):
    """What storing one item or file did to the catalogue."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"


class Stage(StrEnum):
    """The pipeline stage a failure was recorded at."""

    CRAWL = "crawl"  # a listing or feed could not be read
    FETCH = "fetch"  # a file could not be downloaded
    STORE = "store"  # a file could not be stored (empty, too large, unreadable on disk)
    TEXT = "text"  # a file's text could not be read
    METADATA = "metadata"  # a record had no identity and no file
    INDEX = "index"  # the search engine refused a document
