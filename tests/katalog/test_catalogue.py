"""The catalogue on SQLite and on a real PostgreSQL: schema, regions, natural-key upserts."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from katalog import importer
from katalog.blobs import BlobStore
from katalog.models import Document, DocumentFile, Failure, Region, Sighting


def _count(cat, model):
    with cat.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_init_loads_all_regions_once(catalogue):
    assert _count(catalogue, Region) == 552
    with catalogue.session() as s:
        kinds = dict(s.execute(select(Region.kind, func.count()).group_by(Region.kind)).all())
        batang = s.get(Region, "33.25")
        assert (batang.nama, batang.kind, batang.kode_provinsi) == ("Kabupaten Batang", "kabupaten", "33")
        assert s.get(Region, "33.75").kind == "kota"  # Kota Pekalongan
    assert kinds == {"provinsi": 38, "kabupaten": 416, "kota": 98}
    assert catalogue.init() == 0  # re-running init adds nothing
    assert _count(catalogue, Region) == 552


def test_migrations_match_models(catalogue):
    """Every model change must come with an Alembic migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from katalog.models import Base
    with catalogue.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_document_upsert_by_natural_key(catalogue):
    with catalogue.session() as s:
        up = importer.upsert_document(s, "perbup/33.25/2024/30", {
            "jenis": "Peraturan Bupati", "jenis_code": "perbup", "nomor": "30", "tahun": 2024,
            "region_code": "33.25", "status": "Berlaku"}, origin="feed")
        assert up.outcome == "new"
    with catalogue.session() as s:
        again = importer.upsert_document(s, "perbup/33.25/2024/30", {
            "jenis": "Peraturan Bupati", "nomor": "30", "tahun": 2024, "tentang": None}, origin="feed")
        assert again.outcome == "unchanged"
        more = importer.upsert_document(s, "perbup/33.25/2024/30", {
            "tentang": "Jaminan Sosial Ketenagakerjaan Bagi Pekerja Rentan",
            "tanggal_diundangkan": date(2024, 6, 3)}, origin="teks")
        assert more.outcome == "updated"
        # an empty value never erases a known one; text does not override catalogue status
        importer.upsert_document(s, "perbup/33.25/2024/30", {"status": "Dicabut"}, origin="teks")
    with catalogue.session() as s:
        doc = s.scalar(select(Document))
        assert doc.status == "Berlaku" and doc.tentang.startswith("Jaminan")
        assert doc.tanggal_diundangkan == date(2024, 6, 3)
    assert _count(catalogue, Document) == 1


def test_unknown_region_code_is_not_stored(catalogue):
    with catalogue.session() as s:
        up = importer.upsert_document(s, "perbup/99.99/2024/1", {"region_code": "99.99"}, origin="feed")
        assert up.document.region_code is None


def test_sightings_and_failures_never_duplicate(catalogue):
    with catalogue.session() as s:
        src = importer.get_or_create_source(s, "jdih-batang-feed", "jdihn_feed", "http://127.0.0.1/f.json",
                                            "33.25")
        run1 = importer.start_run(s, src)
        doc = importer.upsert_document(s, "perda/33.25/2023/2", {}, origin="feed").document
        importer.add_sighting(s, doc, "http://127.0.0.1/d/2", source=src, run=run1)
        importer.record_failure(s, "fetch", "http://127.0.0.1/x.pdf", "http_500", "500", run_id=run1.id)
    with catalogue.session() as s:
        src = importer.get_or_create_source(s, "jdih-batang-feed", "jdihn_feed")
        run2 = importer.start_run(s, src)
        doc = s.scalar(select(Document))
        importer.add_sighting(s, doc, "http://127.0.0.1/d/2", source=src, run=run2)
        f = importer.record_failure(s, "fetch", "http://127.0.0.1/x.pdf", "http_500", "500 again",
                                    run_id=run2.id)
        assert f.attempts == 2
    assert _count(catalogue, Sighting) == 1 and _count(catalogue, Failure) == 1
    with catalogue.session() as s:
        sighting = s.scalar(select(Sighting))
        assert (sighting.first_run_id, sighting.last_run_id) == (run1.id, run2.id)
        runs = {r.id: r.status for r in s.scalars(select(importer.SourceRun))}
        assert runs[run1.id] == "interrupted"  # the first run was never finished
        importer.resolve_failures(s, "http://127.0.0.1/x.pdf")
    with catalogue.session() as s:
        assert s.scalar(select(Failure)).resolved_at is not None


def test_rekey_merges_provisional_document(catalogue, tmp_path):
    blobs = BlobStore(tmp_path / "blobs")
    sha, _ = blobs.put(b"%PDF-1.4 scanned")
    with catalogue.session() as s:
        real = importer.upsert_document(s, "perbup/33.25/2025/20", {}, origin="feed").document
        importer.add_sighting(s, real, "http://127.0.0.1/detail/20")
        prov = importer.upsert_document(s, f"berkas/{sha[:16]}", {}, origin="teks").document
        file, _ = importer.upsert_file(s, sha, media_type="application/pdf", size=16)
        importer.attach_file(s, file, prov)
        importer.add_sighting(s, prov, "file:///tmp/scan.pdf", file_sha256=sha)
        importer.add_sighting(s, prov, "http://127.0.0.1/detail/20")
        merged = importer.rekey_document(s, prov, "perbup/33.25/2025/20")
        assert merged.id == real.id
    with catalogue.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 1
        assert s.get(DocumentFile, sha).document_id == real.id
        assert sorted(x.url for x in s.scalars(select(Sighting))) == [
            "file:///tmp/scan.pdf", "http://127.0.0.1/detail/20"]


def test_blob_store_is_content_addressed_and_atomic(tmp_path):
    store = BlobStore(tmp_path / "blobs")
    sha, new = store.put(b"hello")
    assert new and store.has(sha) and store.verify(sha)
    assert store.put(b"hello") == (sha, False)
    assert store.path(sha).relative_to(tmp_path / "blobs").parts[:2] == (sha[:2], sha[2:4])
    assert not list((tmp_path / "blobs").rglob(".tmp-*"))
    for bad in ("../../etc/passwd", sha[:-1] + "/", "A" * 64, ""):
        with pytest.raises(ValueError):
            store.path(bad)
    store.path(sha).write_bytes(b"tampered")
    assert not store.verify(sha)
    (store.path(sha).parent / ".tmp-leftover").write_bytes(b"x")
    assert store.sweep_temp() == 1


def test_a_document_keeps_the_code_it_was_issued_under(catalogue):
    """A 2020 Perbup of Kabupaten Merauke was issued under Provinsi Papua (91.01); today the
    region is 93.01 in Papua Selatan, and every roll-up counts it there."""
    with catalogue.session() as s:
        up = importer.upsert_document(s, "perbup/91.01/2020/5", {
            "jenis_code": "perbup", "nomor": "5", "tahun": 2020, "region_code": "91.01"},
            origin="feed")
        assert (up.document.region_code, up.document.issued_region_code) == ("93.01", "91.01")
        # a reader without the date gives today's code: it never replaces the former one
        again = importer.upsert_document(s, "perbup/91.01/2020/5", {"region_code": "93.01"},
                                         origin="teks")
        assert again.outcome == "unchanged" and again.document.issued_region_code == "91.01"
        today = importer.upsert_document(s, "perbup/33.25/2024/30", {"region_code": "33.25"},
                                         origin="feed")
        assert (today.document.region_code, today.document.issued_region_code) == ("33.25", "33.25")
    with catalogue.session() as s:
        province = s.scalar(select(Region.kode_provinsi).join(Document, Document.region_code == Region.kode)
                            .where(Document.reg_key == "perbup/91.01/2020/5"))
    assert province == "93"


def test_batched_upserts_follow_the_same_rules_as_one_at_a_time(catalogue):
    rows = [("perbup/33.25/2024/30", {"jenis": "Peraturan Bupati", "nomor": "30", "tahun": 2024,
                                      "region_code": "33.25", "status": "Berlaku"}),
            ("perda/33.25/2023/2", {"jenis": "Peraturan Daerah", "region_code": "33.25"}),
            # the same key twice in one batch is one document; the second row updates it
            ("perbup/33.25/2024/30", {"tentang": "Jaminan Sosial Ketenagakerjaan"})]
    with catalogue.session() as s:
        ups = importer.upsert_documents(s, rows, origin="feed")
        assert [u.outcome for u in ups] == ["new", "new", "updated"]
        assert ups[0].document is ups[2].document
    with catalogue.session() as s:
        ups = importer.upsert_documents(s, [
            ("perbup/33.25/2024/30", {"status": "Dicabut", "tentang": None}),  # text: not owner
            ("perda/33.25/2023/2", {"jenis": "Peraturan Daerah"}),
            ("perwal/33.75/2021/5", {"region_code": "99.99"})], origin="teks")
        assert [u.outcome for u in ups] == ["unchanged", "unchanged", "new"]
        assert ups[2].document.region_code is None  # a code the catalogue does not hold
    with catalogue.session() as s:
        doc = s.scalar(select(Document).where(Document.reg_key == "perbup/33.25/2024/30"))
        assert (doc.status, doc.tentang) == ("Berlaku", "Jaminan Sosial Ketenagakerjaan")
        src = importer.get_or_create_source(s, "bpk", "bpk")
        run = importer.start_run(s, src)
        sightings = importer.add_sightings(s, [
            {"document": doc, "url": "http://127.0.0.1/d/30", "source": src, "run": run},
            {"document": doc, "url": "http://127.0.0.1/d/30", "source": src, "run": run,
             "record": {"Nomor": "30"}}])
        assert sightings[0] is sightings[1]
    assert _count(catalogue, Document) == 3 and _count(catalogue, Sighting) == 1
