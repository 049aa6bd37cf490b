"""The only engine-specific code: building a client and sending one REST request through it.

Elasticsearch and OpenSearch speak the same REST API for everything Pantau uses (index creation,
aliases, bulk, search, aggregations, nested inner hits, highlighting), so ``remote.py`` builds
every request body once and sends it through a :class:`Transport`. The two clients differ only
in construction and errors; the ``elasticsearch`` client also refuses any server that does not
answer ``X-Elastic-Product: Elasticsearch`` and sends versioned ``compatible-with`` media types.
"""

from __future__ import annotations

from typing import Any, Protocol

from pantau.settings import SEARCH_ENGINES

from .engine import EngineUnavailable, SearchError

REMOTE_ENGINES = tuple(e for e in SEARCH_ENGINES if e != "embedded")
RETRYABLE_STATUS = frozenset({429, 502, 503, 504})


class ResponseError(SearchError):
    """The engine answered with an HTTP error."""

    def __init__(self, status: int, body: Any):
        self.status, self.body = status, body
        reason = body
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            err = body["error"]
            reason = f"{err.get('type')}: {err.get('reason')}"
        super().__init__(f"HTTP {status}: {reason}")


class EngineVersionMismatch(SearchError):
    """The search engine and the installed client are not versions that work together."""


def client_version(engine: str) -> str:
    """The version of the Python client installed for ``engine``."""
    if engine == "elasticsearch":
        import elasticsearch
        return elasticsearch.__versionstr__
    import opensearchpy
    return opensearchpy.__versionstr__


def _major(version: str) -> int | None:
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else None


def check_server(engine: str, info: dict, client: str, url: str = "") -> str:
    """The server's version when it is the configured engine on a version the installed client
    supports; otherwise raise :class:`EngineVersionMismatch` naming both versions.

    ``info`` is the engine's answer to ``GET /``. Elastic supports a client only against servers
    of its own major version (a 9.x client's ``compatible-with=9`` media types are refused by an
    8.x server, and the reverse is not supported). An OpenSearch client of major N supports
    OpenSearch 1.x to N.x.
    """
    version = info.get("version") if isinstance(info, dict) else None
    version = version if isinstance(version, dict) else {}
    number = str(version.get("number") or "?")
    product = "OpenSearch" if version.get("distribution") == "opensearch" else "Elasticsearch"
    where = f" at {url}" if url else ""
    package = "elasticsearch" if engine == "elasticsearch" else "opensearch-py"
    if (engine == "elasticsearch") != (product == "Elasticsearch"):
        other = "opensearch" if product == "OpenSearch" else "elasticsearch"
        raise EngineVersionMismatch(
            f"the search engine{where} is {product} {number}, but PANTAU_SEARCH_ENGINE is {engine} "
            f"(client {package} {client}); set PANTAU_SEARCH_ENGINE={other}")
    server_major, client_major = _major(number), _major(client)
    if engine == "elasticsearch":
        ok = server_major is not None and server_major == client_major
        need = f"an Elasticsearch {client_major}.x server, or the client 'elasticsearch>={server_major},<{(server_major or 0) + 1}'"
    else:
        ok = server_major is not None and client_major is not None and 1 <= server_major <= client_major
        need = f"OpenSearch 1.x to {client_major}.x, or the client 'opensearch-py>={server_major}'"
    if not ok:
        raise EngineVersionMismatch(
            f"{product} server {number}{where} does not work with the installed client {package} "
            f"{client}: use {need}")
    return number


class Transport(Protocol):
    def request(self, method: str, path: str, *, body: Any = None, params: dict | None = None,
                ndjson: bool = False) -> dict: ...


def connect(engine: str, url: str, *, timeout: float = 30.0) -> Transport:
    if engine == "opensearch":
        return OpenSearchTransport(url, timeout)
    if engine == "elasticsearch":
        return ElasticsearchTransport(url, timeout)
    raise ValueError(f"unknown search engine {engine!r}; "
                     f"use embedded, {' or '.join(REMOTE_ENGINES)}")


class OpenSearchTransport:
    def __init__(self, url: str, timeout: float):
        from opensearchpy import OpenSearch
        # retries are ours (remote.py), with backoff, so the client's own are off
        self.client = OpenSearch(url, timeout=timeout, max_retries=0, retry_on_timeout=False)

    def request(self, method, path, *, body=None, params=None, ndjson=False) -> dict:
        import opensearchpy
        headers = {"content-type": "application/x-ndjson"} if ndjson else None
        try:
            return self.client.transport.perform_request(method, path, params=params, body=body,
                                                         headers=headers)
        except opensearchpy.ConnectionError as exc:  # also ConnectionTimeout
            raise EngineUnavailable(f"opensearch: {exc}") from exc
        except opensearchpy.TransportError as exc:
            status = exc.status_code if isinstance(exc.status_code, int) else 0
            raise (EngineUnavailable(f"opensearch: HTTP {status}") if status in RETRYABLE_STATUS
                   else ResponseError(status, exc.info)) from exc


class ElasticsearchTransport:
    def __init__(self, url: str, timeout: float):
        from elasticsearch import Elasticsearch
        self.client = Elasticsearch(url, request_timeout=timeout, max_retries=0,
                                    retry_on_timeout=False)

    def request(self, method, path, *, body=None, params=None, ndjson=False) -> dict:
        import elastic_transport
        import elasticsearch
        headers = {"accept": "application/json"}
        if body is not None:
            headers["content-type"] = "application/x-ndjson" if ndjson else "application/json"
        try:
            resp = self.client.perform_request(method, path, params=params, headers=headers,
                                               body=body)
        except (elastic_transport.ConnectionError, elastic_transport.ConnectionTimeout) as exc:
            raise EngineUnavailable(f"elasticsearch: {exc}") from exc
        except elasticsearch.UnsupportedProductError as exc:
            raise SearchError("the server is not Elasticsearch (no 'X-Elastic-Product' header); "
                              "for OpenSearch set PANTAU_SEARCH_ENGINE=opensearch") from exc
        except elasticsearch.ApiError as exc:
            status = exc.meta.status
            raise (EngineUnavailable(f"elasticsearch: HTTP {status}") if status in RETRYABLE_STATUS
                   else ResponseError(status, exc.body)) from exc
        return resp.body
