"""Extraction scales out: several ``pantau extract`` processes against one PostgreSQL catalogue.

36 stored files (the real Batang PDFs with a text layer, each in nine byte-distinct copies, as a
crawler stores them: attached to their documents, not read yet) are read by three concurrent
``pantau extract -v`` processes; one of them is killed with SIGKILL while it holds a file.
PostgreSQL itself counts the reads: a trigger logs every committed change that takes a file
off the queue, so a read that was rolled back (the killed worker's) leaves no trace and a file
read twice would show two rows. Then two concurrent ``pantau extract --all`` processes must
share one pass: every file read exactly once more.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from katalog import importer
from katalog.blobs import BlobStore
from katalog.db import Catalogue
from katalog.models import DocumentFile, Fact, PageText
from katalog.vocab import FileRole
from pantau.settings import load_settings
from tests.conftest import REAL
from tests.support.postgres import fresh_database

pytestmark = pytest.mark.postgres

REPO = Path(__file__).resolve().parents[2]
TEXT_LAYER = ["sosial-perbup-30-2024.pdf", "sosial-perda-2-2023.pdf",
              "sosial-abstrak-perbup-20-2025.pdf", "sosial-abstrak-perda-2-2023.pdf"]
COPIES = 9

READ_LOG = """
CREATE TABLE read_log (sha256 text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());
CREATE FUNCTION log_read() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (OLD.text_status = 'belum' OR OLD.queued_at IS NOT NULL)
     AND NEW.text_status <> 'belum' AND NEW.queued_at IS NULL THEN
    INSERT INTO read_log (sha256) VALUES (NEW.sha256);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER log_read AFTER UPDATE ON document_file FOR EACH ROW EXECUTE FUNCTION log_read();
"""


def stored_like_a_crawl(cat: Catalogue, copies: int = COPIES) -> list[str]:
    """Files in the blob store and the catalogue, each attached to its own document, unread
    (also the input of bench/bench_workers.py)."""
    store = BlobStore(cat.settings.blob_dir)
    shas = []
    with cat.session() as s:
        for n, name in enumerate(TEXT_LAYER):
            original = (REAL / name).read_bytes()
            for copy in range(copies):
                # bytes after %%EOF are ignored by PDF readers: the same document, another file
                data = original + f"\n% salinan {copy}\n".encode()
                sha, _ = store.put(data)
                nomor = str(n * copies + copy + 1)
                doc = importer.upsert_document(s, f"perbup/33.25/2030/{nomor}", {
                    "jenis": "Peraturan Bupati", "jenis_code": "perbup", "tahun": 2030,
                    "nomor": nomor, "region_code": "33.25"},
                    origin="feed").document
                f, _ = importer.upsert_file(s, sha, media_type="application/pdf", size=len(data),
                                            filename=name)
                importer.attach_file(s, f, doc, FileRole.LAMPIRAN)
                shas.append(sha)
    assert len(set(shas)) == len(TEXT_LAYER) * copies
    return shas


def _psql(url: str) -> psycopg.Connection:
    u = make_url(url)
    return psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database,
                           autocommit=True)


def start_worker(url: str, data: Path, name: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PANTAU_DATA_DIR": str(data), "PANTAU_CONFIG": str(data / "none.toml"),
           "PANTAU_DATABASE_URL": url, "PGAPPNAME": name}
    return subprocess.Popen([sys.executable, "-m", "pantau_cli", "extract", "-v", *args],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def done_shas(stdout: str) -> list[str]:
    return [line.split()[0].removeprefix("sha256:") for line in stdout.splitlines()
            if line.startswith("sha256:")]


def read_counts(conn) -> dict[str, int]:
    return dict(conn.execute("SELECT sha256, count(*) FROM read_log GROUP BY sha256").fetchall())


def test_three_workers_read_each_file_once_and_survive_a_kill_9(postgres_url, tmp_path):
    url = fresh_database(postgres_url, "extract_workers")
    data = tmp_path / "var"
    settings = load_settings(data_dir=str(data), database_url=url,
                             config_file=str(data / "none.toml"))
    cat = Catalogue(settings)
    cat.init()
    shas = stored_like_a_crawl(cat)
    conn = _psql(url)
    conn.execute(READ_LOG)

    workers = [start_worker(url, data, f"pantau-w{i}") for i in range(3)]
    victim = workers[0]
    # kill the first worker while it holds a file: its connection is "idle in transaction"
    # (the row lock is held while the text is read) once it has committed at least one file
    deadline = time.monotonic() + 240
    killed_holding = False
    while time.monotonic() < deadline and victim.poll() is None:
        state = conn.execute("SELECT state FROM pg_stat_activity WHERE application_name = "
                             "'pantau-w0'").fetchone()
        committed = conn.execute("SELECT count(*) FROM read_log").fetchone()[0]
        if committed >= 3 and state and state[0] == "idle in transaction":
            # SELECT … FOR NO KEY UPDATE holds RowShareLock on the table until it commits
            held = conn.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE a.application_name = 'pantau-w0' AND l.mode = 'RowShareLock' "
                "AND l.relation = 'document_file'::regclass").fetchone()[0]
            victim.send_signal(signal.SIGKILL)
            killed_holding = held > 0
            break
        time.sleep(0.02)
    assert killed_holding, "the worker was not caught holding a file"
    victim_out, _ = victim.communicate(timeout=60)
    outputs = [victim_out]
    for w in workers[1:]:
        out, err = w.communicate(timeout=600)
        assert w.returncode == 0, err[-3000:]
        outputs.append(out)
        assert done_shas(out), "each surviving worker took part"

    # every file read exactly once, as PostgreSQL committed it and as the workers reported it
    counts = read_counts(conn)
    assert sorted(counts) == sorted(shas) and set(counts.values()) == {1}
    reported = [sha for out in outputs for sha in done_shas(out)]
    assert sorted(reported) == sorted(shas)  # the killed worker's file in hand: done by another
    with cat.session() as s:
        files = list(s.scalars(select(DocumentFile)))
        assert all(f.text_status == "ok" and f.queued_at is None for f in files)
        assert {sha for (sha,) in s.execute(select(PageText.sha256).distinct())} == set(shas)
        with_facts = {sha for (sha,) in s.execute(select(Fact.file_sha256).distinct())}
        assert with_facts == set(shas)

    # --all from two processes at once: one pass, each file read once more
    both = [start_worker(url, data, f"pantau-all{i}", "--all") for i in range(2)]
    outs = []
    for w in both:
        out, err = w.communicate(timeout=600)
        assert w.returncode == 0, err[-3000:]
        outs.append(out)
    counts = read_counts(conn)
    assert set(counts.values()) == {2}, counts
    assert all(done_shas(o) for o in outs)  # the second process joined the first one's pass
    assert sorted(s for o in outs for s in done_shas(o)) == sorted(shas)
    conn.close()
    cat.dispose()
