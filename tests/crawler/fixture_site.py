"""Fixture sites on 127.0.0.1, plus the helper that runs one crawl in a subprocess.

- ``FixtureSite()`` (or ``FixtureSite("jdihn")``): JDIHN feeds with every quirk
  (tests/fixtures/sites/jdihn/README.md);
- ``FixtureSite("baghukum")``, ``FixtureSite("ildis")``, ``FixtureSite("bpk")``: HTML sites shaped
  like JDIH Batang's CMS, an ILDIS site and peraturan.bpk.go.id (their README.md files say which
  values are real). Pages carry an ``ETag`` and answer ``If-None-Match`` with ``304``; routes listed
  under ``flaky`` in a site's ``site.json`` fail once (429 with ``Retry-After: 1``, or 503) and then
  answer normally.

Each crawl runs in its own process (``python -m crawler``) because Scrapy's Twisted reactor can
start only once per process; the site runs in a thread of the test process, so the test sees
every request the crawler makes: ``log`` has (path, status) and ``requests`` has the time,
method, path, status and headers of each.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, urlsplit

REPO = Path(__file__).resolve().parents[2]
SITES = REPO / "tests" / "fixtures" / "sites"
SITE = SITES / "jdihn"
LAST_MODIFIED = "Mon, 01 Jul 2024 00:00:00 GMT"
REAL = REPO / "tests" / "fixtures" / "real"
USER, PASSWORD = "pantau", "rahasia"
SLOW_SECONDS = 2.5
BIG_BYTES = 1_500_000

REAL_FILES = {
    "/file/perbup-30-2024.pdf": "sosial-perbup-30-2024.pdf",
    "/mirror/perbup-30-2024.pdf": "sosial-perbup-30-2024.pdf",
    "/file/perda-2-2023.pdf": "sosial-perda-2-2023.pdf",
    "/auth/file/perda-2-2023.pdf": "sosial-perda-2-2023.pdf",
    "/file/abstrak-perda-2-2023.pdf": "sosial-abstrak-perda-2-2023.pdf",
    "/file/abstrak-perbup-20-2025.pdf": "sosial-abstrak-perbup-20-2025.pdf",
    "/private/perbup-15-2022.pdf": "sosial-perbup-30-2024.pdf",
}
NOT_FOUND_PAGE = (b"<!DOCTYPE html><html><head><title>JDIH</title></head><body>"
                  b"<h1>File tidak ditemukan</h1><p>Silakan kembali ke beranda.</p></body></html>")


@dataclass
class Hit:
    """One request the fixture site answered."""

    at: float
    method: str
    path: str
    status: int
    headers: dict
    form: dict | None = None


class _Tracking:
    """Concurrency and request records shared by the fixture handlers."""

    def _enter(self) -> None:
        with self.server.lock:
            self.server.inflight += 1
            self.server.max_inflight = max(self.server.max_inflight, self.server.inflight)

    def _leave(self) -> None:
        with self.server.lock:
            self.server.inflight -= 1

    def _record(self, method: str, path: str, status: int, form: dict | None = None) -> None:
        self.server.log.append((path if method == "GET" else f"{method} {path}", status))
        self.server.requests.append(Hit(time.monotonic(), method, path, status,
                                        dict(self.headers.items()), form))

    def _flaky(self, key: str) -> tuple[int, dict] | None:
        """A failure still to serve for ``key`` (429 with Retry-After: 1, or 503), if any."""
        with self.server.lock:
            pending = self.server.flaky.get(key)
            if pending:
                status = pending.pop(0)
                return status, ({"Retry-After": "1"} if status == 429 else {})
        return None

    def _etag(self, body: bytes) -> str:
        return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


class FixtureHandler(_Tracking, BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self._enter()
        try:
            self._get()
        finally:
            self._leave()

    def _get(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path
        full = path + (f"?{parts.query}" if parts.query else "")
        flaky = self._flaky(full)
        if flaky:
            status, headers = flaky
            self._record("GET", full, status)
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status, ctype, body = self._route(path, parse_qs(parts.query))
        extra = {}
        if status == 200 and path.startswith("/cond/"):  # a server that sends validators
            extra = {"ETag": self._etag(body), "Last-Modified": LAST_MODIFIED}
            if self.headers.get("If-None-Match") == extra["ETag"]:
                status, body = 304, b""
        self._record("GET", full, status)
        try:
            self.send_response(status)
            for k, v in extra.items():
                self.send_header(k, v)
            self.send_header("Content-Type", ctype)
            if path != "/file/big-stream.pdf":  # that one ends when the connection closes
                self.send_header("Content-Length", str(len(body)))
            if status == 401:
                self.send_header("WWW-Authenticate", 'Basic realm="jdih"')
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the crawler gave up (timeout, size)
            self.close_connection = True

    def _route(self, path: str, query: dict):
        if path.startswith("/auth/"):
            expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
            if self.headers.get("Authorization") != expected:
                return 401, "text/html", b"<html><body>401 Unauthorized</body></html>"
        if path == "/file/error500.pdf":
            return 500, "text/html", b"<html><body>500 Internal Server Error</body></html>"
        if path == "/file/not-found.pdf":
            return 200, "text/html; charset=UTF-8", NOT_FOUND_PAGE
        if path == "/file/slow.pdf":
            time.sleep(SLOW_SECONDS)
            return 200, "application/pdf", (REAL / "sosial-abstrak-perda-2-2023.pdf").read_bytes()
        if path in ("/file/big.pdf", "/file/big-stream.pdf"):
            return 200, "application/pdf", b"%PDF-1.4\n" + b"0" * BIG_BYTES
        if path in REAL_FILES:
            return 200, "application/pdf", (REAL / REAL_FILES[path]).read_bytes()
        rel = path.lstrip("/")
        if "page" in query:
            rel += f"__page{query['page'][0]}"
        version = self.server.version
        f = (SITE / rel).resolve()
        if version > 1 and (SITE / f"{rel}__v{version}").is_file():
            f = (SITE / f"{rel}__v{version}").resolve()
        if rel and SITE in f.parents and f.is_file():
            text = f.read_text(encoding="utf-8").replace("{{BASE}}", self.server.base)
            text = text.replace("{{OTHER}}", self.server.other)
            ctype = "text/plain" if f.name == "robots.txt" else "application/json"
            return 200, ctype, text.encode("utf-8")
        return 404, "text/html", b"<html><body>404</body></html>"

    def log_message(self, format, *args):  # noqa: A002
        pass


class CmsHandler(_Tracking, BaseHTTPRequestHandler):
    """The HTML fixture sites (baghukum, ildis, bpk): static pages under the site's directory,
    where ``/a/b?x=1&y=2`` is the file ``a/b__x=1&y=2.html`` (``a/b.html`` without a query,
    ``index.html`` for ``/``), the real PDFs of ``site.json``'s ``files``, and the routes below."""

    def do_GET(self) -> None:  # noqa: N802
        self._enter()
        try:
            self._serve("GET")
        finally:
            self._leave()

    def do_POST(self) -> None:  # noqa: N802
        self._enter()
        try:
            self._serve("POST")
        finally:
            self._leave()

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        full = parts.path + (f"?{parts.query}" if parts.query else "")
        form = None
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(parse_qsl(self.rfile.read(length).decode("utf-8"), keep_blank_values=True))
        flaky = self._flaky(full)
        if flaky:
            status, headers = flaky
            self._record(method, full, status, form)
            self._send(status, "text/html", b"<html><body>Too many requests</body></html>",
                       headers)
            return
        status, ctype, body = self._route(method, parts.path, parts.query, form)
        headers = {}
        if status == 200 and ctype.startswith("text/html") and method == "GET":
            headers = {"ETag": self._etag(body), "Last-Modified": LAST_MODIFIED}
            if self.headers.get("If-None-Match") == headers["ETag"]:
                status, body = 304, b""
        self._record(method, full, status, form)
        self._send(status, ctype, body, headers)

    def _send(self, status: int, ctype: str, body: bytes, headers: dict) -> None:
        try:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            if status != 304:
                self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _page(self, rel: str) -> bytes | None:
        root = self.server.root
        for cand in (rel, rel + ".html"):
            f = (root / cand).resolve()
            if root in f.parents and f.is_file():
                return (f.read_bytes().replace(b"{{BASE}}", self.server.base.encode())
                        .replace(b"{{OTHER}}", self.server.other.encode()))
        return None

    def _route(self, method: str, path: str, query: str, form: dict | None):
        site, conf = self.server.site, self.server.conf
        if path == "/robots.txt":
            return 200, "text/plain", self._page("robots.txt") or b""
        if path in conf.get("files", {}):
            real = REAL / conf["files"][path]
            return 200, conf.get("file_type", "application/pdf"), real.read_bytes()
        if site == "baghukum" and method == "POST" and path.startswith(
                "/page/load_data_dokumen_tag/"):
            return self._baghukum_listing(path.rsplit("/", 1)[-1], form or {})
        if site == "bpk" and path == "/Search":
            q = dict(parse_qsl(query, keep_blank_values=True))
            key = f"Search/jenis={q.get('jenis', '')}&p={q.get('p', '1')}"
            return 200, "text/html; charset=utf-8", self._page(key) or self._page("Search/empty")
        if site == "bpk" and path.startswith(("/Details/", "/Home/Details/")):
            body = self._page("Details/" + path.split("/Details/", 1)[1].split("/", 1)[0])
            if body:
                return 200, "text/html; charset=utf-8", body
        if method == "GET":
            rel = path.lstrip("/") or "index"
            if query:
                rel += "__" + "&".join(f"{k}={v}" for k, v in sorted(parse_qsl(query)))
            body = self._page(rel)
            if body is not None:
                return 200, "text/html", body
        return 404, "text/html", b"<html><body><h1>404 Halaman tidak ditemukan</h1></body></html>"

    def _baghukum_listing(self, page: str, form: dict):
        if form.get("action") != "fetch_data" or form.get("api_key") != self.server.conf["api_key"]:
            return 403, "application/json", b'{"status":false,"message":"Akses ditolak"}'
        body = self._page(f"ajax/{form.get('slug', '')}-{page}")
        payload = {"dokumen": body.decode("utf-8") if body else "",
                   "pagination_link": "" if not body else
                   f'<ul class="pagination"><li><a data-ci-pagination-page="{int(page) + 1}">'
                   f'&rsaquo;</a></li></ul>'}
        return 200, "application/json", json.dumps(payload).encode("utf-8")

    def log_message(self, format, *args):  # noqa: A002
        pass


class FixtureSite:
    """A fixture site in a daemon thread; ``log`` lists (path, status) of every request
    (``"POST <path>"`` for a POST), ``requests`` the full ``Hit``s."""

    def __init__(self, site: str = "jdihn", handler: type | None = None):
        handler = handler or (FixtureHandler if site == "jdihn" else CmsHandler)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.server.log = []
        self.server.requests = []
        self.server.lock = threading.Lock()
        self.server.inflight = self.server.max_inflight = 0
        self.server.version = 1
        self.server.site = site
        self.server.root = (SITES / site).resolve()
        conf_file = self.server.root / "site.json"
        self.server.conf = json.loads(conf_file.read_text()) if conf_file.is_file() else {}
        self.server.flaky = {k: list(v) for k, v in self.server.conf.get("flaky", {}).items()}
        port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{port}"
        self.server.base = self.base
        # the same server under another host name: "off the source's domains"
        self.other = f"http://localhost:{port}"
        self.server.other = self.other
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def log(self) -> list[tuple[str, int]]:
        return self.server.log

    @property
    def requests(self) -> list[Hit]:
        return self.server.requests

    def fail_next(self, path: str, *statuses: int) -> None:
        """Answer the next requests for ``path`` (with its query) with these statuses."""
        with self.server.lock:
            self.server.flaky.setdefault(path, []).extend(statuses)

    def __enter__(self) -> FixtureSite:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def closed_port() -> int:
    """A local port nothing listens on (for a source that is down)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_crawl(sources_file: Path, data_dir: Path, *, env: dict | None = None,
              only: list[str] | None = None, timeout: float = 120,
              extra: list[str] | None = None) -> list[dict]:
    """Run ``python -m crawler`` once; returns its JSON summaries (fails loudly on a crash)."""
    cmd = [sys.executable, "-m", "crawler", "--sources", str(sources_file),
           "--data-dir", str(data_dir), "--config", str(data_dir / "none.toml"), "--json"]
    for name in only or []:
        cmd += ["--only", name]
    cmd += extra or []
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run(cmd, cwd=REPO, env=full_env, capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, f"crawl failed ({proc.returncode}):\n{proc.stderr[-5000:]}"
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError as exc:  # pragma: no cover - diagnostic
        raise AssertionError(f"no JSON on stdout: {proc.stdout[-2000:]}\n{proc.stderr[-3000:]}") \
            from exc
