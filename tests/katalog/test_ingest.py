"""``pantau ingest`` on the real Batang PDFs: documents identified, re-runs add nothing, bad files are
recorded with a reason while the rest of the batch goes through, and ``kill -9`` loses nothing."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from katalog.blobs import BlobStore
from katalog.ingest import ingest_paths
from katalog.models import Document, DocumentFile, Failure, Sighting

REPO = Path(__file__).resolve().parents[2]


def snapshot(cat) -> dict:
    """Everything a re-run must reproduce exactly (ids and timestamps aside)."""
    with cat.session() as s:
        docs = {d.reg_key: (d.jenis_code, d.nomor, d.tahun, d.region_code, d.text_status)
                for d in s.scalars(select(Document))}
        keys = dict(s.execute(select(Document.id, Document.reg_key)).all())
        files = {f.sha256: (keys.get(f.document_id), f.role, f.media_type, f.pages, f.text_status)
                 for f in s.scalars(select(DocumentFile))}
        sightings = sorted((keys[x.document_id], x.url) for x in s.scalars(select(Sighting)))
        failures = sorted((f.stage, f.locator, f.reason) for f in s.scalars(select(Failure))
                          if f.resolved_at is None)
    return {"documents": docs, "files": files, "sightings": sightings, "failures": failures}


def test_ingest_real_pdfs(catalogue, real_pdfs):
    summary = ingest_paths(catalogue, list(real_pdfs.values()))
    assert summary.count("failed") == 0, summary.line()
    snap = snapshot(catalogue)
    docs = snap["documents"]
    assert docs["perbup/33.25/2024/30"][:4] == ("perbup", "30", 2024, "33.25")
    assert docs["perda/33.25/2023/2"][:4] == ("perda", "2", 2023, "33.25")
    # the scan is read by OCR and identified: it and its abstrak sheet are one document
    assert docs["perbup/33.25/2025/20"][:4] == ("perbup", "20", 2025, "33.25")
    assert not [k for k in docs if k.startswith("berkas/")]
    roles = sorted((doc, role) for doc, role, *_ in snap["files"].values())
    assert roles == sorted([("perbup/33.25/2024/30", "utama"), ("perda/33.25/2023/2", "utama"),
                            ("perda/33.25/2023/2", "abstrak"), ("perbup/33.25/2025/20", "abstrak"),
                            ("perbup/33.25/2025/20", "utama")])
    with catalogue.session() as s:
        scan = s.scalar(select(Document).where(Document.reg_key == "perbup/33.25/2025/20"))
        main = next(f for f in scan.files if f.role == "utama")
        assert [p.method for p in main.page_texts] == ["ocr"] * 3
        assert all(p.confidence and p.confidence > 0.5 for p in main.page_texts)
        assert "pekerja rentan" in " ".join(p.text for p in main.page_texts).lower()
    with catalogue.session() as s:
        perbup = s.scalar(select(Document).where(Document.reg_key == "perbup/33.25/2024/30"))
        assert "pekerja rentan" in (perbup.tentang or "").lower()
        assert perbup.files[0].pages == 9
        assert "Pekerja Rentan" in " ".join(p.text for p in perbup.files[0].page_texts)
    store = BlobStore(catalogue.settings.blob_dir)
    assert all(store.verify(sha) for sha in snap["files"])
    # re-running the same files adds nothing
    again = ingest_paths(catalogue, list(real_pdfs.values()))
    assert again.count("new") == 0 and again.count("failed") == 0
    assert snapshot(catalogue) == snap


def test_bad_files_are_recorded_and_the_batch_goes_on(sqlite_catalogue, real_pdfs, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "kosong.pdf").write_bytes(b"")
    (bad / "rusak.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(4000))
    (bad / "bukan-pdf.pdf").write_bytes(b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>")
    good = real_pdfs["sosial-perbup-30-2024"]
    files = [bad / "kosong.pdf", bad / "rusak.pdf", good, bad / "bukan-pdf.pdf"]
    summary = ingest_paths(sqlite_catalogue, files)
    outcomes = {Path(r.locator).name: (r.outcome, r.reason) for r in summary.results}
    assert outcomes["sosial-perbup-30-2024.pdf"] == ("new", None)
    assert outcomes["kosong.pdf"] == ("failed", "empty")
    assert outcomes["rusak.pdf"] == ("failed", "corrupt")
    # an HTML error page saved as .pdf is not a PDF; it must not become a document either
    assert outcomes["bukan-pdf.pdf"] == ("failed", "not_pdf")
    snap = snapshot(sqlite_catalogue)
    reasons = {Path(loc).name: reason for _, loc, reason in snap["failures"]}
    assert reasons["kosong.pdf"] == "empty" and reasons["rusak.pdf"] == "corrupt"
    assert set(snap["documents"]) >= {"perbup/33.25/2024/30"}
    # the unreadable bytes are kept (nothing lost), unattached to any document
    with sqlite_catalogue.session() as s:
        broken = s.scalar(select(DocumentFile).where(DocumentFile.text_status == "gagal"))
        assert broken is not None and broken.document_id is None
        detail = s.scalar(select(Failure.detail).where(Failure.reason == "corrupt"))
        assert detail  # a human-readable reason is stored


def test_html_renamed_pdf_is_recorded_not_catalogued_as_regulation(sqlite_catalogue, tmp_path):
    p = tmp_path / "surat.pdf"
    p.write_bytes(b"<!DOCTYPE html><html><head><title>Error</title></head><body>Server error</body></html>")
    summary = ingest_paths(sqlite_catalogue, [p])
    res = summary.results[0]
    assert (res.outcome, res.reason) == ("failed", "not_pdf")
    assert snapshot(sqlite_catalogue)["documents"] == {}


def _pantau(data_dir: Path, *args: str, **kw) -> subprocess.Popen:
    env = {**os.environ, "PANTAU_DATA_DIR": str(data_dir), "PANTAU_CONFIG": str(data_dir / "none.toml")}
    return subprocess.Popen([sys.executable, "-m", "pantau_cli", *args], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def _variants(real_pdfs: dict[str, Path], tmp_path: Path, n: int) -> list[Path]:
    """Distinct files (distinct SHA-256) with the same content: bytes appended after %%EOF."""
    out = []
    srcs = [real_pdfs[k] for k in ("sosial-perbup-30-2024", "sosial-perda-2-2023",
                                   "sosial-abstrak-perda-2-2023")]
    (tmp_path / "batch").mkdir()
    for i in range(n):
        src = srcs[i % len(srcs)]
        dst = tmp_path / "batch" / f"{i:02d}-{src.name}"
        dst.write_bytes(src.read_bytes() + f"\n% salinan {i}\n".encode())
        out.append(dst)
    (tmp_path / "batch" / "99-rusak.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00" * 100)
    return out + [tmp_path / "batch" / "99-rusak.pdf"]


def test_kill_9_mid_ingest_then_rerun_matches_clean_run(real_pdfs, tmp_path):
    from katalog.db import Catalogue
    from pantau.settings import load_settings
    files = [str(p) for p in _variants(real_pdfs, tmp_path, 30)]

    clean_dir = tmp_path / "clean"
    started = time.monotonic()
    proc = _pantau(clean_dir, "ingest", *files)
    out, errs = proc.communicate(timeout=300)
    clean_seconds = time.monotonic() - started
    assert proc.returncode == 0, errs.decode()
    clean = Catalogue(load_settings(data_dir=str(clean_dir), config_file=str(clean_dir / "none.toml")))
    expected = snapshot(clean)
    assert len(expected["files"]) == 31 and len(expected["failures"]) == 1

    rng = random.Random(20211)
    killed_dir = tmp_path / "killed"
    kills = 0
    for _attempt in range(8):
        proc = _pantau(killed_dir, "ingest", *files)
        # kill somewhere in the run: after start-up (imports), before the clean run's duration
        time.sleep(rng.uniform(0.4, 0.95) * clean_seconds)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.communicate(timeout=120)
    assert kills >= 4, f"only {kills} of 8 runs could be killed before they finished"
    proc = _pantau(killed_dir, "ingest", *files)
    out, errs = proc.communicate(timeout=300)
    assert proc.returncode == 0, errs.decode()
    survivor = Catalogue(load_settings(data_dir=str(killed_dir), config_file=str(killed_dir / "none.toml")))
    got = snapshot(survivor)
    assert got == expected
    store = BlobStore(survivor.settings.blob_dir)
    assert all(store.verify(sha) for sha in got["files"])
    # a writer killed mid-write may leave a temp file, never a half-written blob under a real name
    named = [p for p in survivor.settings.blob_dir.rglob("*") if p.is_file() and not p.name.startswith(".tmp-")]
    assert named and all(store.verify(p.name) for p in named)


def test_cli_ingest_and_export_contract(real_pdfs, tmp_path):
    data = tmp_path / "var"
    p = _pantau(data, "ingest", str(real_pdfs["sosial-perbup-30-2024"]), str(real_pdfs["sosial-perda-2-2023"]))
    out, errs = p.communicate(timeout=120)
    assert p.returncode == 0, errs.decode()
    assert "2 berkas: 2 baru" in out.decode()
    p = _pantau(data, "export", "documents", "--format", "json")
    out, _ = p.communicate(timeout=60)
    rows = json.loads(out)
    assert isinstance(rows, list) and len(rows) == 2
    required = {"reg_key", "jenis", "jenis_code", "nomor", "tahun", "region_code", "tentang", "status",
                "sources", "files"}
    for row in rows:
        assert required <= row.keys()
        assert row["sources"][0]["url"].startswith("file://") and row["sources"][0]["first_seen"]
        assert len(row["files"][0]["sha256"]) == 64 and row["files"][0]["media_type"] == "application/pdf"
        assert row["files"][0]["pages"] in (9, 20)
    p = _pantau(data, "export", "regions", "--format", "csv")
    out, _ = p.communicate(timeout=60)
    lines = out.decode().splitlines()
    assert lines[0].startswith("kode,nama,kind,kode_provinsi") and len(lines) == 553
    assert any(line.startswith("33.25,Kabupaten Batang,kabupaten,33,") and line.endswith(",2")
               for line in lines)
    p = _pantau(data, "export", "facts", "--format", "json")
    facts = json.loads(p.communicate(timeout=60)[0])
    assert {f["reg_key"] for f in facts} == {"perbup/33.25/2024/30", "perda/33.25/2023/2"}
    for f in facts:
        assert {"reg_key", "kind", "pasal", "ayat", "page", "start", "end", "text", "data",
                "extractor_version"} <= f.keys()
    obligations = [f for f in facts if f["kind"] == "obligation"]
    assert obligations and all(f["pasal"] and f["text"] and f["end"] > f["start"] for f in obligations)
    berkewajiban = [f for f in obligations if f["reg_key"] == "perbup/33.25/2024/30"
                    and "BPJS Ketenagakerjaan berkewajiban" in f["text"]]
    assert berkewajiban and berkewajiban[0]["data"]["modality"] == "wajib"  # cue "berkewajiban"
    assert berkewajiban[0]["pasal"] == "19"


def test_end_to_end_ingest_index_search_status(real_pdfs, tmp_path):
    """The whole embedded path: ingest → text → metadata → catalogue → search index → search, status."""
    data = tmp_path / "var"
    p = _pantau(data, "ingest", *[str(x) for x in real_pdfs.values()])
    assert p.wait(timeout=180) == 0
    p = _pantau(data, "index")
    out, errs = p.communicate(timeout=60)
    assert p.returncode == 0, errs.decode()
    assert "Indeks: 3 dokumen" in out.decode()
    p = _pantau(data, "search", "iuran pekerja rentan", "--json")
    res = json.loads(p.communicate(timeout=60)[0])
    assert res["total"] >= 1 and res["hits"][0]["reg_key"] == "perbup/33.25/2024/30"
    assert "<mark>" in res["hits"][0]["snippet_html"]
    p = _pantau(data, "search", '"penyelenggaraan jaminan sosial"', "--filter", "jenis_code=perda", "--json")
    res = json.loads(p.communicate(timeout=60)[0])
    assert [h["reg_key"] for h in res["hits"]] == ["perda/33.25/2023/2"]
    p = _pantau(data, "search", "pekerja rentan -iuran", "--json")
    res = json.loads(p.communicate(timeout=60)[0])
    assert "perbup/33.25/2024/30" not in [h["reg_key"] for h in res["hits"]]
    p = _pantau(data, "index")  # a second index run changes nothing
    assert "0 baru, 0 diperbarui, 0 dihapus, 3 tetap" in p.communicate(timeout=60)[0].decode()
    p = _pantau(data, "status")
    out = p.communicate(timeout=60)[0].decode()
    assert "Dokumen: 3" in out and "lokal" in out


def test_cli_extract_file_json_is_the_schema_contract(real_pdfs, tmp_path):
    """`pantau extract FILE --json` prints the extraction contract and touches no catalogue."""
    import jsonschema
    schema = json.loads((REPO / "nlp" / "schema" / "extract.schema.json").read_text(encoding="utf-8"))
    data = tmp_path / "var"
    p = _pantau(data, "extract", str(real_pdfs["sosial-perbup-20-2025"]), "--json")  # a scan: OCR
    out, errs = p.communicate(timeout=300)
    assert p.returncode == 0, errs.decode()
    result = json.loads(out)
    jsonschema.validate(result, schema)
    assert result["document"]["reg_key"] == "perbup/33.25/2025/20"
    assert [r["target"]["reg_key"] for r in result["relations"]][:1] == ["perbup/33.25/2024/30"]
    assert not (data / "pantau.db").exists()


def test_a_document_keeps_the_region_it_was_issued_under(tmp_path):
    """A 2020 Perbup of Kabupaten Merauke was issued under Provinsi Papua (91.01); since the 2022
    pemekaran the region is 93.01 in Papua Selatan. Its key keeps 91.01, the catalogue files it
    under today's region."""
    from sqlalchemy import select

    from katalog.db import Catalogue
    from katalog.models import Document
    from pantau.settings import load_settings
    text = ("BUPATI MERAUKE\nPERATURAN BUPATI MERAUKE\nNOMOR 12 TAHUN 2020\nTENTANG\n"
            "JAMINAN SOSIAL KETENAGAKERJAAN\nMenimbang : a. bahwa pekerja perlu dilindungi;\n"
            "MEMUTUSKAN:\nMenetapkan : PERATURAN BUPATI TENTANG JAMINAN SOSIAL KETENAGAKERJAAN.\n"
            "Pasal 1\nSetiap pemberi kerja wajib mendaftarkan pekerjanya pada BPJS Ketenagakerjaan.\n"
            "Ditetapkan di Merauke\npada tanggal 3 Maret 2020\nBUPATI MERAUKE,\nttd\nFREDERIKUS GEBZE\n")
    f = tmp_path / "perbup-merauke.txt"
    f.write_text(text, encoding="utf-8")
    cat = Catalogue(load_settings(data_dir=str(tmp_path / "var"), config_file=str(tmp_path / "none.toml")))
    cat.init()
    res = ingest_paths(cat, [f]).results[0]
    assert res.reg_key == "perbup/91.01/2020/12"
    with cat.session() as s:
        d = s.scalar(select(Document).where(Document.reg_key == res.reg_key))
        assert (d.region_code, d.issued_region_code) == ("93.01", "91.01")
    cat.dispose()
