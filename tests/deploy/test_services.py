"""Each docker-compose.yml service's command, exactly as the compose file writes it, run here
against the real PostgreSQL server, the real OpenSearch node and a real Redis that the suite
starts (there is no Docker engine here, so no container is started).

What is taken from the compose file as resolved by ``docker-compose config`` with .env.example:
the ``command`` of ``web`` and ``worker``, their whole ``environment`` and their health-check
commands. What is mapped to this machine: the hosts (``postgres``, ``elasticsearch``, ``redis``
become the test servers), ``/data``, ``/app/sources.yaml`` (the loopback fixture sites shaped like
JDIH Batang), the published port, and the index prefix (unique per test on the shared node).
The compose file's ``PANTAU_SEARCH_ENGINE=elasticsearch`` runs through the test proxy that dresses
the OpenSearch node as Elasticsearch of the installed client's version (tests/indices/search/
proxy.py says exactly what that hides); the same commands also run with ``opensearch`` against
the node directly. Not verified here: the images themselves (the Dockerfile is not built), the
infrastructure services' own commands and health checks (elasticsearch, postgres and redis run
their upstream images), and a real Elasticsearch server.
"""

from __future__ import annotations

import json
import uuid

import elasticsearch
import pytest
import yaml
from sqlalchemy import func, select

from indices.search import SearchRequest, open_index
from katalog.db import Catalogue
from katalog.models import Document, DocumentFile
from katalog.readqueue import waiting
from pantau.settings import load_settings
from tests.crawler.fixture_site import FixtureSite
from tests.deploy.compose import resolved
from tests.deploy.server import Process, base_env, free_port, get
from tests.indices.search.proxy import Proxy
from tests.support.postgres import fresh_database
from tests.support.redis import running_redis

pytestmark = [pytest.mark.postgres, pytest.mark.search_engine, pytest.mark.slow]
BATANG = "33.25"
_dbs = iter(range(1000))


def as_written(service: str, port: int | None = None) -> tuple[list[str], list[str], dict]:
    """(command, health-check command, environment) of a compose service."""
    svc = resolved()["services"][service]
    health = svc["healthcheck"]["test"]
    assert health[0] == "CMD"
    health = health[1:]
    if port is not None:  # the container's port 5000 is published on a free port here
        health = [h.replace("127.0.0.1:5000", f"127.0.0.1:{port}") for h in health]
    return svc["command"], health, dict(svc["environment"])


def mapped(env: dict, **here: str) -> dict:
    """The compose environment with its hosts and paths replaced by this machine's."""
    out = {k: str(v) for k, v in env.items()}
    for key, value in here.items():
        assert key in out or key in ("PANTAU_HOST", "PANTAU_PORT"), key
        out[key] = value
    return out


def run_health(argv: list[str], env: dict) -> int:
    import subprocess
    from tests.deploy.server import REPO
    return subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=60).returncode


@pytest.mark.parametrize("engine", ["elasticsearch", "opensearch"])
def test_web_and_worker_commands_as_written(engine, postgres_url, opensearch_url, tmp_path):
    db = fresh_database(postgres_url, f"compose{next(_dbs)}_{engine[:2]}")
    prefix = f"c{uuid.uuid4().hex[:10]}"
    data = tmp_path / "data"
    port = free_port()
    web_cmd, web_health, web_env = as_written("web", port)
    worker_cmd, worker_health, worker_env = as_written("worker")
    assert web_env["PANTAU_SEARCH_ENGINE"] == worker_env["PANTAU_SEARCH_ENGINE"] == "elasticsearch"
    fast = {"rate_limit": 0, "retry_backoff": 0.05}
    with running_redis(tmp_path / "redis") as redis_url, FixtureSite("baghukum") as site, \
            Proxy(opensearch_url, elastic_product=True,
                  elastic_version=elasticsearch.__versionstr__) as proxy:
        sources = tmp_path / "sources.yaml"
        sources.write_text(yaml.safe_dump({"sources": [
            {"name": "jdih-batang", "kind": "jdih_cms:baghukum", "url": f"{site.base}/",
             "region": BATANG, **fast}]}), encoding="utf-8")
        here = {"PANTAU_DATA_DIR": str(data), "PANTAU_DATABASE_URL": db,
                "PANTAU_SEARCH_URL": proxy.url if engine == "elasticsearch" else opensearch_url,
                "PANTAU_SEARCH_INDEX_PREFIX": prefix, "PANTAU_RATE_LIMIT_STORAGE": redis_url,
                "PANTAU_SOURCES": str(sources)}
        if engine == "opensearch":
            here["PANTAU_SEARCH_ENGINE"] = "opensearch"
        web_env = base_env(data, **mapped(web_env, **here, PANTAU_HOST="127.0.0.1",
                                          PANTAU_PORT=str(port)))
        worker_env = base_env(data, **mapped(worker_env, **here))

        # web first, as compose orders them: it migrates the catalogue, then serves
        web = Process(web_cmd, web_env)
        worker = None
        try:
            web.wait_http(f"http://127.0.0.1:{port}/static/pantau.css", timeout=180)
            assert run_health(web_health, web_env) == 0
            worker = Process(worker_cmd, worker_env)
            worker.wait_for(lambda: any("siklus 1 selesai" in line for line in worker.out), 600,
                            "the worker's first cycle")
            done = next(line for line in worker.out if "siklus 1 selesai" in line)
            assert done.endswith("crawl 0, alerts 0, extract 0, index 0"), worker.log()
            assert any(line.startswith("sha256:") for line in worker.out)  # extract -v, logged
            assert run_health(worker_health, worker_env) == 0

            settings = load_settings(data_dir=str(data), database_url=db,
                                     config_file=str(data / "none.toml"))
            cat = Catalogue(settings)
            with cat.session() as s:
                documents = s.scalar(select(func.count()).select_from(Document))
                files = s.scalar(select(func.count()).select_from(DocumentFile))
                unread = s.scalar(select(func.count()).select_from(DocumentFile).where(waiting()))
            cat.dispose()
            assert documents >= 3 and files >= 3 and unread == 0
            # the worker indexed into the engine the web app reads
            node = open_index(settings, engine="opensearch", url=opensearch_url, prefix=prefix)
            assert node.count() == documents
            hits = node.search(SearchRequest.build("jaminan sosial")).total
            assert hits > 0

            base = f"http://127.0.0.1:{port}"
            status, html = get(f"{base}/cari?q=jaminan+sosial")
            assert status == 200 and "perbup/33.25/2024/30" in html
            status, body = get(f"{base}/api/v1/search?q=jaminan+sosial")
            assert status == 200 and json.loads(body)["total"] == hits
            assert get(f"{base}/")[0] == 200
            assert get(f"{base}/ekspor/documents.json")[0] == 200
            workers = int(web_env["PANTAU_WEB_WORKERS"])
            assert 1 <= len(web.pids()) <= workers
        finally:
            codes = {}
            if worker is not None:
                codes["worker"] = worker.stop(timeout=90)
            codes["web"] = web.stop(timeout=60)
    assert codes == {"worker": 0, "web": 0}, (codes, web.log())
    assert any("berhenti (sinyal SIGTERM)" in line for line in worker.out)
