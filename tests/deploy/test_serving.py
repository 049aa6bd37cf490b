"""Production serving: `pantau serve` runs gunicorn with several worker processes, and what
each worker keeps for itself stays correct.

- rate limits: with Redis as the storage (PANTAU_RATE_LIMIT_STORAGE) one client gets exactly the
  limit across all workers; with per-process memory it gets more (why the compose file uses
  Redis);
- the national view's page cache: every worker notices a change of the catalogue made by another
  process (its key holds the catalogue's fingerprint, read from the database on each request);
- SIGTERM stops the master and its workers.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from katalog import importer
from katalog.db import Catalogue
from pantau.settings import load_settings
from tests.deploy.server import Process, base_env, free_port, get
from tests.support.redis import running_redis

WORKERS = 3


def serve(data, port: int, workers: int = WORKERS, **env: str) -> Process:
    import sys
    proc = Process([sys.executable, "-m", "pantau_cli", "serve", "--port", str(port),
                    "--workers", str(workers)], base_env(data, **env))
    proc.wait_http(f"http://127.0.0.1:{port}/static/pantau.css")
    return proc


def burst(url: str, n: int, headers: dict | None = None) -> list[tuple[int, str]]:
    """``n`` requests at once, each on its own connection, so the workers share them."""
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(lambda _: get(url, headers), range(n)))


@pytest.fixture
def catalogue(tmp_path):
    data = tmp_path / "var"
    cat = Catalogue(load_settings(data_dir=str(data), config_file=str(data / "none.toml")))
    cat.init()
    yield cat
    cat.dispose()


@pytest.mark.parametrize("storage", ["redis", "memory"])
def test_rate_limit_is_one_budget_across_workers_only_with_a_shared_storage(
        catalogue, tmp_path, storage):
    limit = 10
    if storage == "redis":
        ctx = running_redis(tmp_path / "redis")
    else:
        from contextlib import nullcontext
        ctx = nullcontext("memory://")
    with ctx as uri:
        port = free_port()
        server = serve(catalogue.settings.data_dir, port, PANTAU_RATE_LIMIT=f"{limit}/minute",
                       PANTAU_RATE_LIMIT_STORAGE=uri)
        try:
            url = f"http://127.0.0.1:{port}/api/v1/indicators"
            start = len(server.out)
            codes = [status for status, _ in burst(url, 40)]
            for _ in range(5):  # more bursts until at least two workers have answered
                if len(server.pids(start)) >= 2:
                    break
                codes += [status for status, _ in burst(url, 40)]
            assert len(server.pids(start)) >= 2, server.log()
            assert set(codes) <= {200, 429}
        finally:
            assert server.stop() == 0
    allowed = codes.count(200)
    if storage == "redis":
        assert allowed == limit  # one budget, whichever worker answers
    else:
        assert allowed > limit  # each worker counts alone


def _summary(html: str) -> str:
    m = re.search(r'<p id="summary">(.*?)</p>', html, re.S)
    assert m, html[:500]
    return " ".join(m.group(1).split())


def bursts_until_every_worker(server: Process, url: str, workers: int) -> list[tuple[int, str]]:
    """Bursts of requests until each of the ``workers`` processes has answered at least once."""
    start, answers = len(server.out), []
    for _ in range(30):
        answers += burst(url, 24)
        if len(server.pids(start)) == workers:
            return answers
    raise AssertionError(f"only workers {server.pids(start)} answered\n{server.log()}")


def test_every_worker_sees_a_catalogue_change_on_the_national_view(catalogue):
    port, workers = free_port(), 2
    server = serve(catalogue.settings.data_dir, port, workers, PANTAU_RATE_LIMIT="off")
    try:
        url = f"http://127.0.0.1:{port}/"
        before = {(status, _summary(html)) for status, html in
                  bursts_until_every_worker(server, url, workers)}
        assert len(before) == 1  # every worker has the page in its cache
        with catalogue.session() as s:  # another process (here: the test) adds a document
            importer.upsert_document(s, "perbup/33.25/2030/1", {
                "jenis": "Peraturan Bupati", "jenis_code": "perbup", "nomor": "1", "tahun": 2030,
                "region_code": "33.25"}, origin="feed")
        after = {(status, _summary(html)) for status, html in
                 bursts_until_every_worker(server, url, workers)}
        assert len(after) == 1 and after != before  # no worker served its stale copy
        status, text = after.pop()
        assert status == 200 and re.search(r"\b1 dokumen\b", text), text  # one document now
    finally:
        assert server.stop() == 0
