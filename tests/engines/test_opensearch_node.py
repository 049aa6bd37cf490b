"""A real OpenSearch node starts, analyses Indonesian the way Pantau needs, indexes, searches, stops.

With PANTAU_TEST_SEARCH_URL set the same checks run against that engine instead (nothing is
started or stopped then).
"""

from __future__ import annotations

import os
import time
import uuid

import pytest
from opensearchpy import OpenSearch

from tests.engines.opensearch_node import URL_ENV, port_is_open, running_opensearch

pytestmark = pytest.mark.search_engine

# Modal words decide what a regulation obliges; they must survive the stop filter.  (The
# built-in `_indonesian_` list drops harus/dapat/tidak/paling, hence a custom list.)
MODALS = ["wajib", "harus", "dapat", "tidak", "paling"]
STOPWORDS = ["setiap", "yang", "dan", "di", "ke", "dari", "dalam", "untuk", "pada", "oleh", "atau", "ini", "itu"]

INDEX_BODY = {
    "settings": {
        "number_of_shards": 1,
        "number_of_replicas": 0,
        "analysis": {
            "filter": {
                "id_stop": {"type": "stop", "stopwords": STOPWORDS},
                "id_keywords": {"type": "keyword_marker", "keywords": ["pemberi"]},
                "id_stemmer": {"type": "stemmer", "language": "indonesian"},
                "id_synonyms": {
                    "type": "synonym_graph",
                    "synonyms": ["bpjs tk, bpjs ketenagakerjaan", "perda, peraturan daerah"],
                },
            },
            "analyzer": {
                "id_text": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["lowercase", "id_stop", "id_keywords", "id_stemmer"],
                },
                "id_search": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["lowercase", "id_synonyms", "id_stop", "id_keywords", "id_stemmer"],
                },
            },
        },
    },
    "mappings": {
        "properties": {
            "title": {"type": "keyword"},
            "body": {"type": "text", "analyzer": "id_text", "search_analyzer": "id_search"},
        }
    },
}

DOCS = {
    "perbup-1": {
        "title": "Perbup 1/2023",
        "body": "Setiap Pemberi Kerja wajib mendaftarkan pekerjanya dalam program BPJS Ketenagakerjaan "
        "paling lambat 30 hari.",
    },
    "pergub-2": {
        "title": "Pergub 2/2022",
        "body": "Gubernur dapat memberikan sanksi administratif kepada perusahaan yang tidak patuh.",
    },
}


def _tokens(client: OpenSearch, index: str, analyzer: str, text: str) -> list[str]:
    resp = client.indices.analyze(index=index, body={"analyzer": analyzer, "text": text})
    return [t["token"] for t in resp["tokens"]]


def _hits(client: OpenSearch, index: str, query: str) -> list[str]:
    resp = client.search(index=index, body={"query": {"match": {"body": query}}})
    return sorted(h["_id"] for h in resp["hits"]["hits"])


def test_real_node_indonesian_analysis_index_search_and_stop(tmp_path):
    external = bool(os.environ.get(URL_ENV, "").strip())
    index = f"pantau-node-check-{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    with running_opensearch(tmp_path / "opensearch") as url:
        start_seconds = time.monotonic() - started
        client = OpenSearch(url, timeout=60)
        info = client.info()
        if not external:
            assert url.startswith("http://127.0.0.1:")
            assert info["cluster_name"] == "pantau-test"
            assert info["version"]["distribution"] == "opensearch"
            assert client.cluster.health()["status"] in ("green", "yellow")

        client.indices.create(index=index, body=INDEX_BODY)
        try:
            # Modal words kept, "setiap" dropped, "mendaftarkan"/"pekerjanya" stemmed,
            # "pemberi" protected by keyword_marker (the stemmer alone would give "beri").
            assert _tokens(
                client, index, "id_text",
                "Setiap Pemberi Kerja wajib mendaftarkan pekerjanya paling lambat",
            ) == ["pemberi", "kerja", "wajib", "daftar", "kerja", "paling", "lambat"]
            kept = _tokens(client, index, "id_text", "wajib harus dapat tidak paling yang dan")
            assert kept == MODALS
            # synonym_graph: a multi-word synonym expands at search time
            assert "tenagakerja" in _tokens(client, index, "id_search", "BPJS TK")

            for doc_id, doc in DOCS.items():
                resp = client.index(index=index, id=doc_id, body=doc, refresh="wait_for")
                assert resp["result"] == "created"
            assert client.count(index=index)["count"] == 2

            assert _hits(client, index, "pendaftaran pekerja") == ["perbup-1"]  # daftar + kerja
            assert _hits(client, index, "diberikan sanksi") == ["pergub-2"]  # beri, via the stemmer
            assert _hits(client, index, "BPJS TK") == ["perbup-1"]  # synonym at search time
            assert _hits(client, index, "tidak") == ["pergub-2"]  # modal word is indexed
            assert _hits(client, index, "yang") == []  # stop word is not
            resp = client.search(index=index, body={"query": {"term": {"title": "Pergub 2/2022"}}})
            assert [h["_id"] for h in resp["hits"]["hits"]] == ["pergub-2"]
        finally:
            client.indices.delete(index=index, ignore_unavailable=True)
        stop_started = time.monotonic()

    print(f"\nopensearch start {start_seconds:.1f}s, stop {time.monotonic() - stop_started:.1f}s")
    if not external:
        assert not port_is_open(url), f"{url} still answers after the node was stopped"
