"""Keeping an index in step with the catalogue, on every engine: incremental sync, reindex behind
the alias without downtime, a mapping-version change, an engine that fails mid-index and catches
up, and (embedded) a ``kill -9`` in the middle of ``pantau index``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from katalog.models import Document, Failure, Fact
from indices.search import EngineUnavailable, SearchError, SearchRequest
from indices.search import engine as engine_mod
from indices.search.embedded import EmbeddedIndex
from indices.search.remote import RemoteIndex
from tests.indices.search import synthetic
from tests.indices.search.proxy import Proxy

REPO = Path(__file__).resolve().parents[3]


def doc_count(cat) -> int:
    with cat.session() as s:
        return s.scalar(select(func.count()).select_from(Document))


def open_failures(cat) -> list[tuple[str, str]]:
    with cat.session() as s:
        return [(f.locator, f.reason) for f in s.scalars(
            select(Failure).where(Failure.stage == "index", Failure.resolved_at.is_(None)))]


def total(idx, q="", **filters) -> int:
    return idx.search(SearchRequest.build(q, filters)).total


def retitle(cat, n: int, suffix: str) -> list[str]:
    """Change the ``tentang`` of the first ``n`` documents; returns their keys."""
    with cat.session() as s:
        docs = list(s.scalars(select(Document).order_by(Document.id).limit(n)))
        for d in docs:
            d.tentang = f"{d.tentang} {suffix}"
        return [d.reg_key for d in docs]


def test_sync_sends_only_what_changed(fresh_engine, catalogue):
    idx = fresh_engine()
    n = doc_count(catalogue)
    first = idx.sync(catalogue)
    assert (first.rebuilt, first.new, idx.count()) == (True, n, n)
    again = idx.sync(catalogue)
    assert again.counts() == {"new": 0, "updated": 0, "deleted": 0, "unchanged": n}
    assert not again.rebuilt and again.index == first.index

    retitle(catalogue, 1, "Xylofonika")
    with catalogue.session() as s:  # a document leaves the catalogue …
        gone = s.scalars(select(Document).order_by(Document.id.desc()).limit(1)).one()
        s.execute(delete(Fact).where(Fact.document_id == gone.id))
        for f in gone.files:
            f.document_id = None
        s.delete(gone)
        gone_key = gone.reg_key
    synthetic.store(catalogue, [synthetic.generate(5000, seed=99, size=1200)])  # … one arrives
    report = idx.sync(catalogue)
    assert report.counts() == {"new": 1, "updated": 1, "deleted": 1, "unchanged": n - 2}
    assert total(idx, "xylofonika") == 1
    assert gone_key not in [h.reg_key for h in idx.search(SearchRequest.build("", per_page=100)).hits]
    assert idx.count() == n


def test_reindex_swaps_the_alias_without_downtime(fresh_engine, catalogue, monkeypatch):
    idx = fresh_engine()
    idx.sync(catalogue)
    old = idx.current_index()
    before = total(idx, "jaminan sosial")
    assert before > 0
    during: list[tuple[str | None, int]] = []
    write = idx._write

    def write_and_search(index, records):  # searches keep answering from the old index
        during.append((idx.current_index(), total(idx, "jaminan sosial")))
        return write(index, records)

    monkeypatch.setattr(engine_mod, "WRITE_BATCH", 7)
    monkeypatch.setattr(idx, "_write", write_and_search)
    report = idx.rebuild(catalogue)
    new = idx.current_index()
    assert report.rebuilt and report.index == new != old
    assert new.split("-v")[0] == old.split("-v")[0] and f"-v{engine_mod.mapping_version()}-" in new
    assert len(during) >= 3 and all(d == (old, before) for d in during)
    assert total(idx, "jaminan sosial") == before and idx.count() == doc_count(catalogue)
    assert not _exists(idx, old)  # the old version is dropped after the swap


def _exists(idx, name: str) -> bool:
    if isinstance(idx, EmbeddedIndex):
        return (idx.root / name).exists()
    from indices.search.clients import ResponseError
    try:
        idx._req("GET", f"/{name}")
        return True
    except ResponseError as exc:
        assert exc.status == 404
        return False


def test_a_new_mapping_version_is_built_by_sync(fresh_engine, catalogue, monkeypatch):
    idx = fresh_engine()
    idx.sync(catalogue)
    old = idx.current_index()
    version = engine_mod.mapping_version() + 1
    monkeypatch.setattr(engine_mod, "mapping_version", lambda: version)
    monkeypatch.setattr("indices.search.embedded.mapping_version", lambda: version)
    report = idx.sync(catalogue)
    assert report.rebuilt and f"-v{version}-" in idx.current_index() and not _exists(idx, old)
    assert idx.sync(catalogue).unchanged == doc_count(catalogue)


@contextmanager
def broken(engine_name: str, idx, request):
    """The engine of ``idx`` failing: for OpenSearch, the node dies after one bulk request (a
    proxy that stops listening); for the embedded index, another process holds its writer."""
    if engine_name == "opensearch":
        with Proxy(request.getfixturevalue("opensearch_url"), down_after_bulk=1) as proxy:
            bad = RemoteIndex("opensearch", proxy.url, idx.alias[:-len("-documents")],
                              retries=2, backoff=0.05)
            bad.location = idx.location  # the same engine, reached through the proxy
            yield bad, EngineUnavailable
        return
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, tantivy\nfrom indices.search.embedded import schema\n"
         "w = tantivy.Index(schema(), path=sys.argv[1]).writer()\nprint('locked', flush=True)\n"
         "sys.stdin.read()", str(idx.root / idx.current_index())],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield EmbeddedIndex(idx.root), SearchError
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_engine_failing_mid_index_loses_nothing_and_catches_up(engine_name, fresh_engine,
                                                               catalogue, request, monkeypatch):
    idx = fresh_engine()
    n = doc_count(catalogue)
    idx.sync(catalogue)
    changed = retitle(catalogue, 20, "Xylofonika")
    monkeypatch.setattr(engine_mod, "WRITE_BATCH", 5)
    with broken(engine_name, idx, request) as (bad, error):
        with pytest.raises(error):
            bad.sync(catalogue)
    assert doc_count(catalogue) == n  # the catalogue is only read
    assert [r for _, r in open_failures(catalogue)] == [
        "engine_unavailable" if error is EngineUnavailable else "engine_error"]
    partial = total(idx, "xylofonika")
    assert partial < len(changed)  # the engine holds what it got before it failed
    report = idx.sync(catalogue)  # … and the next run sends exactly the rest
    assert report.updated == len(changed) - partial and report.unchanged == n - report.updated
    assert total(idx, "xylofonika") == len(changed) and idx.count() == n
    assert open_failures(catalogue) == []


def test_sync_against_a_closed_port_reports_and_keeps_the_catalogue(catalogue):
    idx = RemoteIndex("opensearch", "http://127.0.0.1:9", "closed", retries=1, backoff=0.01)
    started = time.monotonic()
    with pytest.raises(EngineUnavailable, match="unavailable|refused|Connection"):
        idx.sync(catalogue)
    assert time.monotonic() - started < 20
    assert open_failures(catalogue) == [("opensearch:http://127.0.0.1:9", "engine_unavailable")]
    with pytest.raises(EngineUnavailable):
        idx.search("jaminan")


CRASHING_INDEX = """
import sys, time
from indices.search import embedded, engine
embedded.COMMIT_EVERY, engine.WRITE_BATCH = 400, 200
write, calls = embedded.EmbeddedIndex._write, []
def write_then_hang(self, index, records):
    out = write(self, index, records)
    calls.append(len(records))
    if len(calls) == 3:  # 600 documents written, the first 400 committed
        print("CRASHPOINT", flush=True)
        time.sleep(120)
    return out
embedded.EmbeddedIndex._write = write_then_hang
from pantau_cli.cli import main
main(["index"])
"""


def test_kill_9_during_pantau_index_then_rerun_catches_up(tmp_path):
    """A real crash of the embedded engine: ``pantau index`` killed with SIGKILL after 600 of its
    writes (400 of them committed), then run again."""
    from tests.indices.search.conftest import new_catalogue
    cat = new_catalogue(tmp_path, synthetic_docs=700, real=False)
    env = {**os.environ, "PANTAU_DATA_DIR": str(cat.settings.data_dir),
           "PANTAU_SEARCH_ENGINE": "embedded", "PANTAU_CONFIG": str(tmp_path / "none.toml")}
    index = [sys.executable, "-m", "pantau_cli", "index"]
    first = subprocess.run(index, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    n = doc_count(cat)
    retitle(cat, n, "Xylofonika")  # every document changes
    proc = subprocess.Popen([sys.executable, "-c", CRASHING_INDEX], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "CRASHPOINT", proc.stderr.read()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    idx = EmbeddedIndex.for_catalogue(cat)
    assert idx.count() == n  # the last commit is intact and searchable
    assert total(idx, "xylofonika") == 400
    rerun = subprocess.run(index, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"0 baru, {n - 400} diperbarui, 0 dihapus, 400 tetap" in rerun.stdout
    assert total(idx, "xylofonika") == n and idx.count() == n
    cat.dispose()
