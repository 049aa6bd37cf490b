"""Client and server always agree: the search engine's version is checked against the installed
client before anything is sent, and a mismatch is refused with both versions named.

The decision (``clients.check_server``) is tested on the answers each product gives to ``GET /``;
the refusal end to end runs the real ``pantau`` command against the real OpenSearch node, dressed
by the test proxy as Elasticsearch of another major version (there is no Elasticsearch server
here: see ``proxy.py`` for exactly what the dressing hides).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import elasticsearch
import opensearchpy
import pytest

from indices.search import SearchError
from indices.search.clients import EngineVersionMismatch, check_server
from indices.search.remote import RemoteIndex
from tests.indices.search.proxy import Proxy

REPO = Path(__file__).resolve().parents[3]
ES_CLIENT = elasticsearch.__versionstr__
OS_CLIENT = opensearchpy.__versionstr__


def es(number: str) -> dict:
    return {"version": {"number": number, "build_flavor": "default"},
            "tagline": "You Know, for Search"}


def opensearch(number: str) -> dict:
    return {"version": {"distribution": "opensearch", "number": number},
            "tagline": "The OpenSearch Project: https://opensearch.org/"}


def test_elasticsearch_needs_the_clients_major_version():
    assert check_server("elasticsearch", es("8.19.10"), "8.19.3") == "8.19.10"
    assert check_server("elasticsearch", es("8.15.3"), "8.19.3") == "8.15.3"
    with pytest.raises(EngineVersionMismatch) as exc:
        check_server("elasticsearch", es("9.1.0"), "8.19.3", "http://es:9200")
    assert "9.1.0" in str(exc.value) and "8.19.3" in str(exc.value)
    assert "http://es:9200" in str(exc.value)
    with pytest.raises(EngineVersionMismatch, match=r"8\.15\.3.*9\.0\.1"):
        check_server("elasticsearch", es("8.15.3"), "9.0.1")  # the case, other way round


def test_opensearch_client_covers_servers_up_to_its_major():
    assert check_server("opensearch", opensearch("2.19.1"), "3.2.0") == "2.19.1"
    assert check_server("opensearch", opensearch("3.1.0"), "3.2.0") == "3.1.0"
    with pytest.raises(EngineVersionMismatch, match=r"3\.1\.0.*opensearch-py 2\.8\.0"):
        check_server("opensearch", opensearch("3.1.0"), "2.8.0")


def test_the_wrong_product_and_nonsense_are_refused():
    with pytest.raises(EngineVersionMismatch, match="PANTAU_SEARCH_ENGINE=opensearch"):
        check_server("elasticsearch", opensearch("2.19.1"), "8.19.3")
    with pytest.raises(EngineVersionMismatch, match="PANTAU_SEARCH_ENGINE=elasticsearch"):
        check_server("opensearch", es("8.19.0"), "3.2.0")
    for info in ({}, {"version": "8"}, {"version": {"number": "x.y"}}, []):
        with pytest.raises(EngineVersionMismatch):
            check_server("elasticsearch", info, "8.19.3")


@pytest.mark.search_engine
def test_the_real_node_passes_the_check_and_requests_go_through(opensearch_url):
    idx = RemoteIndex("opensearch", opensearch_url, "versions")
    assert idx.check_version().startswith("2.")  # the test node is OpenSearch 2.19
    assert idx.count() == 0  # nothing indexed under this prefix: the check let the request by


@pytest.mark.search_engine
def test_every_request_waits_for_the_check(opensearch_url):
    with Proxy(opensearch_url, elastic_product=True, elastic_version="9.1.0") as proxy:
        idx = RemoteIndex("elasticsearch", proxy.url, "versions")
        with pytest.raises(EngineVersionMismatch, match=r"9\.1\.0.*" + ES_CLIENT.replace(".", r"\.")):
            idx.count()
        assert proxy.requests == 1  # only GET /: nothing else was sent to a mismatched server


def _pantau(url: str, data: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PANTAU_DATA_DIR": str(data), "PANTAU_CONFIG": str(data / "none.toml"),
           "PANTAU_SEARCH_ENGINE": "elasticsearch", "PANTAU_SEARCH_URL": url}
    return subprocess.run([sys.executable, "-m", "pantau_cli", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.search_engine
@pytest.mark.parametrize("command", [("index",), ("serve", "--port", "1"), ("search", "iuran")])
def test_a_mismatch_is_refused_by_the_command_with_both_versions(opensearch_url, tmp_path, command):
    with Proxy(opensearch_url, elastic_product=True, elastic_version="9.1.0") as proxy:
        proc = _pantau(proxy.url, tmp_path / "var", *command)
    assert proc.returncode == 1, proc.stderr
    assert "9.1.0" in proc.stderr and ES_CLIENT in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "Dasbor" not in proc.stderr  # serve refused before gunicorn started


@pytest.mark.search_engine
def test_opensearch_named_as_elasticsearch_is_refused(opensearch_url, tmp_path):
    with Proxy(opensearch_url, elastic_product=True) as proxy:  # product header only
        proc = _pantau(proxy.url, tmp_path / "var", "index")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "OpenSearch 2." in proc.stderr and "PANTAU_SEARCH_ENGINE=opensearch" in proc.stderr
    assert isinstance(EngineVersionMismatch("x"), SearchError)
