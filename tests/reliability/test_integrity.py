"""``pantau verify``, ``pantau backup`` and ``pantau restore`` on a catalogue built from the real PDFs:
verify finds damaged, missing and stray blobs and an index out of step; a backup survives a wiped
data directory (backup → wipe → restore → reindex → verify → the same export)."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from katalog import integrity
from katalog.blobs import BlobStore
from katalog.ingest import ingest_paths
from katalog.models import DocumentFile
from indices.search import open_index
from pantau_cli.cli import main


def pantau(settings, *args):
    res = CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), "--config",
                                    str(settings.data_dir / "none.toml"), *args])
    return res.exit_code, res.output


@pytest.fixture
def built(sqlite_catalogue, real_pdfs):
    """A catalogue with two real regulations (text, facts) and an up-to-date embedded index."""
    summary = ingest_paths(sqlite_catalogue, [real_pdfs["sosial-perbup-30-2024"],
                                              real_pdfs["sosial-perda-2-2023"]])
    assert summary.count("failed") == 0
    code, out = pantau(sqlite_catalogue.settings, "index")
    assert code == 0, out
    return sqlite_catalogue


def test_verify_passes_then_lists_each_kind_of_damage(built):
    settings = built.settings
    code, out = pantau(settings, "verify")
    assert code == 0 and "utuh" in out, out
    store = BlobStore(settings.blob_dir)
    with built.session() as s:
        shas = sorted(s.scalars(select(DocumentFile.sha256)))
    assert len(shas) == 2
    damaged, missing = shas
    p = store.path(damaged)
    p.write_bytes(p.read_bytes()[:-10] + b"0123456789")  # same size, different bytes
    store.path(missing).unlink()
    (settings.blob_dir / "stray.pdf").write_bytes(b"%PDF")
    (store.path(damaged).parent / ".tmp-killed").write_bytes(b"half")
    open_index(settings).rebuild_records([])  # the index no longer matches the catalogue
    code, out = pantau(settings, "verify")
    assert code == 1, out
    kinds = {(line.split(":", 1)[0].split()[-1], line.split(":", 2)[1].strip().split(" ")[0])
             for line in out.splitlines() if line.startswith(("MASALAH", "catatan"))}
    assert ("blob_corrupt", damaged) in kinds
    assert ("blob_missing", missing) in kinds
    assert any(k == "stray_file" for k, _ in kinds)
    assert any(k == "temp_file" for k, _ in kinds)
    assert any(k == "index_count" for k, _ in kinds)
    problems = integrity.verify(built)
    missing_refs = next(p for p in problems if p.kind == "blob_missing")
    assert "document_file" in missing_refs.detail and "fact" in missing_refs.detail


def test_backup_wipe_restore_round_trip(built, tmp_path):
    settings = built.settings
    code, before = pantau(settings, "export", "documents", "--format", "json")
    assert code == 0
    code, facts_before = pantau(settings, "export", "facts", "--format", "json")
    assert len(json.loads(facts_before)) > 0
    dest = tmp_path / "cadangan"
    code, out = pantau(settings, "backup", str(dest))
    assert code == 0, out
    manifest = json.loads((dest / "manifest.json").read_text())
    assert manifest["database"]["kind"] == "sqlite" and len(manifest["blobs"]) == 2
    assert integrity.check_backup(dest) == []
    code, out = pantau(settings, "backup", str(dest))  # never overwrites a backup
    assert code != 0 and "not empty" in out

    built.dispose()
    shutil.rmtree(settings.data_dir)
    code, out = pantau(settings, "restore", str(dest))
    assert code == 0, out
    code, out = pantau(settings, "verify")  # the index is not in a backup: verify says so
    assert code == 1 and "index_count" in out
    code, out = pantau(settings, "reindex")
    assert code == 0, out
    code, out = pantau(settings, "verify")
    assert code == 0, out
    assert pantau(settings, "export", "documents", "--format", "json")[1] == before
    assert pantau(settings, "export", "facts", "--format", "json")[1] == facts_before


def test_restore_refuses_a_damaged_or_incomplete_backup(built, tmp_path):
    dest = tmp_path / "cadangan"
    integrity.backup(built, dest)
    blob = next(p for p in (dest / "blobs").rglob("*") if p.is_file())
    blob.write_bytes(b"rusak")
    with pytest.raises(integrity.BackupError, match="damaged"):
        integrity.restore(built.settings, dest)
    (dest / "manifest.json").unlink()
    code, out = pantau(built.settings, "restore", str(dest))
    assert code != 0 and "manifest.json" in out


@pytest.mark.postgres
def test_backup_restore_on_postgresql(postgres_url, settings, real_pdfs, tmp_path):
    from katalog.db import Catalogue
    from pantau.settings import load_settings
    from tests.support.postgres import fresh_database
    url = fresh_database(postgres_url, "backup_src")
    pg = load_settings(data_dir=str(settings.data_dir), database_url=url,
                       config_file=str(settings.data_dir / "none.toml"))
    cat = Catalogue(pg)
    cat.init()
    ingest_paths(cat, [real_pdfs["sosial-perbup-30-2024"]])
    from katalog import export as ex
    before = list(ex.ROWS["documents"](cat))
    dest = tmp_path / "pg-cadangan"
    manifest = integrity.backup(cat, dest)
    assert manifest["database"]["kind"] == "postgresql"
    target_url = fresh_database(postgres_url, "backup_dst")
    target = load_settings(data_dir=str(tmp_path / "var2"), database_url=target_url,
                           config_file=str(tmp_path / "none.toml"))
    integrity.restore(target, dest)
    restored = Catalogue(target)
    assert list(ex.ROWS["documents"](restored)) == before
    assert [p for p in integrity.verify(restored) if integrity.is_error(p)] == []
    cat.dispose()
    restored.dispose()
