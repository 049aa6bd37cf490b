"""A fixture JDIH site on 127.0.0.1 (see tests/fixtures/sites/jdihn/README.md), plus the helper
that runs one crawl in a subprocess.

Each crawl runs in its own process (``python -m crawler``) because Scrapy's Twisted reactor can
start only once per process; the site runs in a thread of the test process, so the test sees
every request the crawler makes.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "tests" / "fixtures" / "sites" / "jdihn"
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


class FixtureHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        path = parts.path
        status, ctype, body = self._route(path, parse_qs(parts.query))
        self.server.log.append((path + (f"?{parts.query}" if parts.query else ""), status))
        try:
            self.send_response(status)
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
        f = (SITE / rel).resolve()
        if rel and SITE in f.parents and f.is_file():
            text = f.read_text(encoding="utf-8").replace("{{BASE}}", self.server.base)
            ctype = "text/plain" if f.name == "robots.txt" else "application/json"
            return 200, ctype, text.encode("utf-8")
        return 404, "text/html", b"<html><body>404</body></html>"

    def log_message(self, format, *args):  # noqa: A002
        pass


class FixtureSite:
    """The fixture site in a daemon thread; ``log`` lists (path, status) of every request."""

    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), FixtureHandler)
        self.server.daemon_threads = True
        self.server.log = []
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.server.base = self.base
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def log(self) -> list[tuple[str, int]]:
        return self.server.log

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
              only: list[str] | None = None, timeout: float = 120) -> list[dict]:
    """Run ``python -m crawler`` once; returns its JSON summaries (fails loudly on a crash)."""
    cmd = [sys.executable, "-m", "crawler", "--sources", str(sources_file),
           "--data-dir", str(data_dir), "--config", str(data_dir / "none.toml"), "--json"]
    for name in only or []:
        cmd += ["--only", name]
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run(cmd, cwd=REPO, env=full_env, capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, f"crawl failed ({proc.returncode}):\n{proc.stderr[-5000:]}"
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError as exc:  # pragma: no cover - diagnostic
        raise AssertionError(f"no JSON on stdout: {proc.stdout[-2000:]}\n{proc.stderr[-3000:]}") \
            from exc
