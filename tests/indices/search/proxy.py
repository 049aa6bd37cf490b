"""An HTTP proxy in front of the real test node, to break it or dress it up on purpose.

- ``down_after_bulk=N``: forwards N ``_bulk`` requests, then drops the connection of the next one
  and stops listening, as a node that dies in the middle of indexing (clients then get
  "connection refused");
- ``elastic_product=True``: answers ``X-Elastic-Product: Elasticsearch`` and turns the
  ``compatible-with`` media types of the ``elasticsearch`` client into plain JSON, so that client
  can be exercised against the OpenSearch node (same REST API for what Pantau uses). This proves
  the Elasticsearch code path (client construction, requests, errors), not Elasticsearch itself;
- ``elastic_version="8.19.0"``: the node's ``GET /`` answer says Elasticsearch of that version
  instead of OpenSearch 2.x (``distribution`` removed), for the client/server version check.

Exactly what the proxy hides, then: the ``X-Elastic-Product`` header an Elasticsearch server
sends; whether the server accepts the ``application/vnd.elasticsearch+json; compatible-with=N``
media types (OpenSearch answers 406 to them; Elasticsearch N accepts them); with
``elastic_version``, the version the server reports. Everything else (paths, request bodies,
mappings, analysers, queries, highlighting, responses and errors) is the OpenSearch node's own,
so it does not show how an Elasticsearch server would treat them.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

_COMPAT = re.compile(r"application/vnd\.elasticsearch\+([\w-]+)(;\s*compatible-with=\d+)?")
_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class Proxy:
    def __init__(self, upstream: str, *, down_after_bulk: int | None = None,
                 elastic_product: bool = False, elastic_version: str | None = None):
        parts = urlsplit(upstream)
        self.host, self.port = parts.hostname, parts.port
        self.down_after_bulk = down_after_bulk
        self.elastic_product = elastic_product
        self.elastic_version = elastic_version
        self.bulk_requests = 0
        self.requests = 0
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _forward(self):
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else None
                with proxy._lock:
                    proxy.requests += 1
                    if "/_bulk" in self.path:
                        proxy.bulk_requests += 1
                        if (proxy.down_after_bulk is not None
                                and proxy.bulk_requests > proxy.down_after_bulk):
                            proxy._go_down()
                            self.close_connection = True
                            self.connection.close()  # the node "died" mid-request
                            return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
                if proxy.elastic_product:
                    headers = {k: _COMPAT.sub(r"application/\1", v) for k, v in headers.items()}
                conn = http.client.HTTPConnection(proxy.host, proxy.port, timeout=60)
                try:
                    conn.request(self.command, self.path, body=body, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                finally:
                    conn.close()
                if proxy.elastic_version and self.command == "GET" and self.path == "/":
                    info = json.loads(data)
                    info["version"].pop("distribution", None)
                    info["version"]["number"] = proxy.elastic_version
                    info["tagline"] = "You Know, for Search"
                    data = json.dumps(info).encode()
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in _HOP:
                        self.send_header(k, v)
                if proxy.elastic_product:
                    self.send_header("X-Elastic-Product", "Elasticsearch")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

            def setup(self):
                super().setup()
                with proxy._lock:
                    proxy._connections.add(self.connection)

            def finish(self):
                with proxy._lock:
                    proxy._connections.discard(self.connection)
                try:
                    super().finish()
                except OSError:
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        self._down = False

    def _go_down(self) -> None:
        if not self._down:
            self._down = True
            threading.Thread(target=self._stop, daemon=True).start()

    def _stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        with self._lock:  # kept-alive client connections die with the "node" too
            for conn in list(self._connections):
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        if not self._down:
            self._down = True
            self._stop()

    def __enter__(self) -> "Proxy":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
