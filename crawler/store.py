"""Upserting crawled records and their downloaded files into the catalogue (in batches, one
transaction each), and what a crawl needs to know from earlier runs: validators, unchanged
pages, the listing entries already stored, and the checkpoints of a crawl that did not finish."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import delete, func, select

from nlp import text as nlp_text
from pantau import legal, wilayah

from katalog import importer
from katalog.blobs import BlobStore
from katalog.db import Catalogue
from katalog.models import CrawlCheckpoint, DocumentFile, Failure, Sighting, Source, SourceRun
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
    return touch_unchanged_many(cat, [url], source, run)


def touch_unchanged_many(cat: Catalogue, urls: list[str], source: Source, run: SourceRun) -> int:
    """:func:`touch_unchanged` for many URLs in one transaction (the documents of each URL count,
    as they would one URL at a time)."""
    now = datetime.now(timezone.utc)
    touched = 0
    with cat.session() as s:
        run_row = s.get(SourceRun, run.id)
        run_row.items += len(urls)
        docs_at: dict[str, set[int]] = {}
        for chunk in importer._chunks(list(dict.fromkeys(urls))):
            for sg in s.scalars(select(Sighting).where(Sighting.url.in_(chunk),
                                                       Sighting.source_id == source.id)):
                sg.last_seen, sg.last_run_id = now, run.id
                docs_at.setdefault(sg.url, set()).add(sg.document_id)
        touched = sum(len(docs_at.get(u, ())) for u in urls)
        run_row.docs_unchanged += touched
    return touched


def known_entries(cat: Catalogue, source_id: int) -> dict[str, dict]:
    """Detail URL -> what the catalogue holds from it: ``fingerprint`` (of the listing entry it
    was stored from, ``record["listing_fingerprint"]``), ``complete`` (its main file is stored,
    or the record lists no file) and, when not complete, the stored ``record``, so a crawl can
    fetch the missing file without reading the page again."""
    out: dict[str, dict] = {}
    with cat.session() as s:
        for url, record, sha in s.execute(select(Sighting.url, Sighting.record,
                                                 Sighting.file_sha256)
                                          .where(Sighting.source_id == source_id)):
            fp = record.get("listing_fingerprint") if isinstance(record, dict) else None
            if not fp:
                continue
            complete = bool(sha) or not record.get("files")
            out[url] = {"fingerprint": fp, "complete": complete,
                        **({} if complete else {"record": record})}
    return out


def save_checkpoint(cat: Catalogue, source_id: int, run_id: int, listing: str, page: int,
                    url: str, entries: list, last: bool) -> None:
    """Keep a listing page a crawl has read (``CrawlCheckpoint``); the same page again replaces it."""
    with cat.session() as s:
        row = s.scalar(select(CrawlCheckpoint).where(CrawlCheckpoint.source_id == source_id,
                                                     CrawlCheckpoint.listing == listing,
                                                     CrawlCheckpoint.page == page))
        if row is None:
            row = CrawlCheckpoint(source_id=source_id, listing=listing, page=page)
            s.add(row)
        row.url, row.entries, row.last, row.run_id = url, importer.jsonable(entries), last, run_id
        row.read_at = datetime.now(timezone.utc)


def load_checkpoints(cat: Catalogue, source_id: int) -> dict[str, dict[int, dict]]:
    """The listing pages of the source's open cycle: listing -> page -> {url, entries, last}."""
    out: dict[str, dict[int, dict]] = {}
    with cat.session() as s:
        for row in s.scalars(select(CrawlCheckpoint).where(CrawlCheckpoint.source_id == source_id)):
            out.setdefault(row.listing, {})[row.page] = {"url": row.url, "entries": row.entries,
                                                         "last": row.last}
    return out


def end_cycle(cat: Catalogue, source_id: int) -> int:
    """Every listing of the source was read to its end: drop its checkpoints, so the next crawl
    reads the listings afresh (new documents appear on their first pages)."""
    with cat.session() as s:
        return s.execute(delete(CrawlCheckpoint)
                         .where(CrawlCheckpoint.source_id == source_id)).rowcount or 0


def errors_by_reason(cat: Catalogue, run_id: int) -> dict[str, int]:
    """``{"fetch:http_500": 2, ...}`` for the failures recorded (last) by run ``run_id``."""
    with cat.session() as s:
        rows = s.execute(select(Failure.stage, Failure.reason, func.count())
                         .where(Failure.run_id == run_id)
                         .group_by(Failure.stage, Failure.reason)).all()
    return {f"{stage}:{reason}": n for stage, reason, n in sorted(rows)}


def import_item(cat: Catalogue, item: DocumentItem, fetched: list[FetchedFile], source: Source,
                run: SourceRun) -> Outcome:
    """Store one crawled ``DocumentItem`` with its ``FetchedFile``s; returns the outcome."""
    return import_items(cat, [(item, fetched)], source, run)[0]


def import_items(cat: Catalogue, batch: list[tuple[DocumentItem, list[FetchedFile]]],
                 source: Source, run: SourceRun) -> list[Outcome]:
    """Store crawled ``DocumentItem``s with their ``FetchedFile``s in one transaction; returns
    each item's outcome, in order. Failures are recorded, never raised.

    The writes are batched (one query finds the known files, documents and sightings of the
    whole batch; new rows go in one flush) with the same natural-key rules as one item at a time:
    files by SHA-256, documents by ``reg_key`` (:func:`katalog.importer.upsert_documents`),
    sightings by (document, URL).
    """
    blobs = BlobStore(cat.settings.blob_dir)
    stored: list[list[tuple[FetchedFile, str]]] = []  # per item: (fetched, sha256)
    for _, fetched in batch:
        stored.append([(f, blobs.put(f.body)[0]) for f in fetched if f.body])
    outcomes: list[Outcome | None] = [None] * len(batch)
    with cat.session() as s, s.no_autoflush:
        run_row = s.get(SourceRun, run.id)
        run_row.items += len(batch)
        for _, fetched in batch:
            for f in fetched:
                if f.error:
                    importer.record_failure(s, Stage.FETCH, f.url, f.error, f.detail or "",
                                            source_id=source.id, run_id=run.id)
        # files: the known ones in one query, the new ones added (a file fetched twice in the
        # batch is one row)
        shas = {sha for rows in stored for _, sha in rows}
        shas |= {f.skipped_known_sha256 for _, fetched in batch for f in fetched
                 if f.skipped_known_sha256}
        files_by_sha: dict[str, DocumentFile] = {}
        for chunk in importer._chunks(sorted(shas)):
            files_by_sha.update({f.sha256: f for f in s.scalars(
                select(DocumentFile).where(DocumentFile.sha256.in_(chunk)))})
        item_files: list[list[tuple[DocumentFile, FileRole, str]]] = []
        for (_item, fetched), rows in zip(batch, stored):
            files = []
            for f, sha in rows:
                file = files_by_sha.get(sha)
                if file is None:
                    file = DocumentFile(sha256=sha, media_type=_media_type(f), size=len(f.body),
                                        filename=f.url.rsplit("/", 1)[-1][:200])
                    s.add(file)
                    files_by_sha[sha] = file
                    run_row.files_new += 1
                files.append((file, f.role, f.url))
            for f in fetched:
                file = files_by_sha.get(f.skipped_known_sha256 or "")
                if file is not None:
                    files.append((file, f.role, f.url))
            item_files.append(files)
        importer.resolve_failures_many(s, [f.url for rows in stored for f, _ in rows],
                                       (Stage.FETCH,))
        s.flush()
        # documents: by reg_key (a provisional key from the main file when the identity is
        # not known yet)
        keyed: list[tuple[int, str, dict]] = []
        for i, ((item, _), files) in enumerate(zip(batch, item_files)):
            key, region = _reg_key(item)
            if key is None:
                main = next((x for x in files if x[1] == FileRole.UTAMA), None)
                existing = main[0].document if main else None
                if existing is not None:
                    key = existing.reg_key
                elif main is not None:
                    key = legal.provisional_key(main[0].sha256, item.kind)
                else:
                    importer.record_failure(
                        s, Stage.METADATA, item.url, "no_identity",
                        "record has neither a full identity (jenis, nomor, tahun, region) nor a "
                        "downloadable file", source_id=source.id, run_id=run.id)
                    outcomes[i] = Outcome.FAILED
                    continue
            values = item.model_dump(include={"jenis", "jenis_code", "nomor", "tahun", "judul",
                                              "tentang", "status", "tanggal_ditetapkan",
                                              "tanggal_diundangkan", "kind"})
            values["region_code"] = region
            values["evidence_grade"] = EvidenceGrade.of(item.kind)
            if item.kind == DocumentKind.NEWS and item.published:
                values["tanggal_diundangkan"] = None
            keyed.append((i, key, values))
        ups = importer.upsert_documents(s, [(k, v) for _, k, v in keyed], origin="feed")
        sightings: list[dict] = []
        for (i, _, _), up in zip(keyed, ups):
            item, files, doc = batch[i][0], item_files[i], up.document
            if item.kind == DocumentKind.NEWS:  # the outlet and date of a report
                doc.outlet = doc.outlet or item.outlet
                doc.published_on = doc.published_on or item.published
            main_sha = None
            for file, role, url in files:
                if file.document_id not in (None, doc.id):
                    continue  # the same bytes already belong to another document: keep that link
                file.document_id, file.role = doc.id, role
                sightings.append({"document": doc, "url": url, "source": source, "run": run_row,
                                  "file_sha256": file.sha256, "seen_at": item.crawled_at})
                if role == FileRole.UTAMA:
                    main_sha = file.sha256
            sightings.append({"document": doc, "url": item.url, "source": source, "run": run_row,
                              "file_sha256": main_sha, "record": item.record,
                              "seen_at": item.crawled_at})
            if doc.text_status == TextStatus.BELUM:
                main = next((f for f, r, _ in files if r == FileRole.UTAMA), None)
                if main is not None and main.text_status != TextStatus.BELUM:
                    doc.text_status = main.text_status
            setattr(run_row, f"docs_{up.outcome}", getattr(run_row, f"docs_{up.outcome}") + 1)
            outcomes[i] = up.outcome
        s.flush()
        importer.add_sightings(s, sightings)
        # the page was read and its record stored: earlier failures to fetch or read it are over
        importer.resolve_failures_many(s, [batch[i][0].url for i, _, _ in keyed],
                                       (Stage.METADATA, Stage.FETCH))
        # a record stored with its region settles an earlier problem reading it (region_ambiguous)
        importer.resolve_failures_many(s, [batch[i][0].url for i, _, v in keyed
                                           if v.get("region_code")], (Stage.CRAWL,))
    return [o or Outcome.FAILED for o in outcomes]


def _reg_key(item) -> tuple[str | None, str | None]:
    """(reg_key, region code) of an item: the region as the code it was issued under (a 2020
    Perbup of Kabupaten Merauke: 91.01, then in Provinsi Papua), which the key carries."""
    if item.kind == "news":
        return legal.news_key(item.url), item.region_code
    region = wilayah.issued_code(item.region_code,
                                 on=item.tanggal_ditetapkan or item.tanggal_diundangkan,
                                 year=item.tahun)
    return legal.make_reg_key(item.jenis_code, region, item.tahun, item.nomor), region


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
