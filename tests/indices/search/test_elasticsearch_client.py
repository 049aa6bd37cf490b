"""The Elasticsearch code path (``elasticsearch`` client) against the real node.

There is no Elasticsearch 8/9 node here (no Docker daemon, and Elastic's server is not on a
package registry), and the ``elasticsearch`` client refuses servers that do not answer
``X-Elastic-Product: Elasticsearch``. So the client talks to the OpenSearch node through a proxy
that adds that header, rewrites the client's ``compatible-with`` media types (which OpenSearch
answers with 406) and reports an Elasticsearch version in ``GET /``. This exercises everything
Pantau does differently for Elasticsearch (client construction, version check, requests,
errors); it does not prove that an Elasticsearch server accepts the mapping, the analysers or
the queries (same REST API, not tested here; ``tests/indices/search/proxy.py`` lists exactly
what the proxy hides).
"""

from __future__ import annotations

import uuid

import elasticsearch
import pytest

from indices.search import EngineUnavailable, SearchError, SearchRequest
from indices.search.remote import RemoteIndex
from tests.indices.search.proxy import Proxy
from webapp.render import search_page

pytestmark = pytest.mark.search_engine


def test_elasticsearch_client_refuses_a_server_that_is_not_elasticsearch(opensearch_url):
    idx = RemoteIndex("elasticsearch", opensearch_url, "plain")
    with pytest.raises(SearchError, match="not Elasticsearch"):
        idx._req("GET", "/")


def test_elasticsearch_client_indexes_searches_and_reindexes(opensearch_url, catalogue):
    prefix = f"es{uuid.uuid4().hex[:8]}"
    # dressed as an Elasticsearch server of the installed client's version (the version check)
    with Proxy(opensearch_url, elastic_product=True,
               elastic_version=elasticsearch.__versionstr__) as proxy:
        es = RemoteIndex("elasticsearch", proxy.url, prefix, retries=1, backoff=0.01)
        report = es.sync(catalogue)
        assert report.rebuilt and report.new == es.count() > 0
        req = SearchRequest.build("mendaftarkan pekerjanya", {"has_obligation": "true"})
        via_es = search_page(es.search(req))
        via_os = search_page(RemoteIndex("opensearch", opensearch_url, prefix).search(req))
        assert via_es.pop("engine") == "elasticsearch" and via_os.pop("engine") == "opensearch"
        assert via_es == via_os and via_es["total"] > 0
        old = es.current_index()
        es.rebuild(catalogue)
        assert es.current_index() != old and es.sync(catalogue).unchanged == report.new
        assert proxy.requests > 10
    with pytest.raises(EngineUnavailable):  # the proxy is gone: connection refused
        es.sync(catalogue)
