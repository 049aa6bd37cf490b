"""The crawler on a hostile site: redirects and links to private, loopback and link-local addresses
are refused and recorded (the source's own configured host still works), redirect loops end with
a recorded error, the size and time caps hold, and no file name a site sends can put a file
anywhere but the blob store."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from crawler import safety
from katalog.blobs import BlobStore
from katalog.db import Catalogue
from katalog.models import DocumentFile, Failure
from pantau.settings import load_settings
from tests.conftest import REAL
from tests.crawler.fixture_site import run_crawl

PDF = (REAL / "sosial-perbup-30-2024.pdf").read_bytes()
LONG = "a" * 3000


class Secret(BaseHTTPRequestHandler):
    """Stands for an internal service on 127.0.0.1: the crawler must never reach it."""

    def do_GET(self):  # noqa: N802
        self.server.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.end_headers()
        self.wfile.write(PDF)

    def log_message(self, *args):
        pass


class Hostile(BaseHTTPRequestHandler):
    """A JDIH-shaped site on 127.0.0.2 whose feed links to traps."""

    def do_GET(self):  # noqa: N802
        srv, path = self.server, self.path
        secret = f"127.0.0.1:{srv.secret_port}"
        redirects = {"/r/ten": "http://10.0.0.1/x.pdf",
                     "/r/metadata": "http://169.254.169.254/latest/meta-data/",
                     "/r/loopback": f"http://{secret}/secret.pdf",
                     "/r/ipv6": f"http://[::1]:{srv.secret_port}/secret.pdf",
                     "/r/name": f"http://localhost:{srv.secret_port}/secret.pdf"}
        if path == "/feed.json":
            files = ["/loop/0", *redirects, "/file/ok.pdf", "/file/big.pdf", "/file/slow.pdf",
                     "../../x.pdf", "/%2e%2e/%2e%2e/etc/passwd.pdf", "/file/nul%00.pdf",
                     f"/file/{LONG}.pdf", "/file/disposition.pdf", "http://10.0.0.2/direct.pdf"]
            body = json.dumps([{"idData": i, "judul": f"Peraturan Bupati Batang Nomor {i + 1} "
                                f"Tahun 2024 tentang Uji {i}", "noPeraturan": str(i + 1),
                                "jenis": "Peraturan Bupati", "tahun_pengundangan": 2024,
                                "urlDownload": f}
                               for i, f in enumerate(files)]).encode()
            return self._send(200, body, "application/json")
        if path.startswith("/loop/"):
            n = int(path.rsplit("/", 1)[1])
            return self._send(302, b"", "text/plain", {"Location": f"/loop/{n + 1}"})
        if path in redirects:
            return self._send(302, b"", "text/plain", {"Location": redirects[path]})
        if path == "/file/big.pdf":  # 2 MB, no Content-Length: the cap must cut it off
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(64):
                self.wfile.write(b"%PDF-1.4\n" + b"0" * 32_000)
            return
        if path == "/file/slow.pdf":
            time.sleep(3)
            return self._send(200, PDF, "application/pdf")
        if path == "/robots.txt":
            return self._send(404, b"", "text/plain")
        if path.startswith(("/file/", "/x.pdf", "/etc/")) or "passwd" in path:
            disposition = {"Content-Disposition":
                           'attachment; filename="../../../../../tmp/evil.pdf"; '
                           "filename*=UTF-8''%2F..%2F..%2Fevil%00.pdf"}
            return self._send(200, PDF + path.encode(), "application/pdf", disposition)
        return self._send(404, b"", "text/plain")

    def _send(self, status, body, ctype, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(handler, host: str) -> ThreadingHTTPServer:
    srv = ThreadingHTTPServer((host, 0), handler)
    srv.daemon_threads = True
    srv.hits = []
    srv.handle_error = lambda *a: None  # the crawler hanging up on /file/big.pdf is expected
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


@pytest.fixture
def crawled(tmp_path):
    secret = serve(Secret, "127.0.0.1")
    site = serve(Hostile, "127.0.0.2")
    site.secret_port = secret.server_address[1]
    base = f"http://127.0.0.2:{site.server_address[1]}"
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": [{
        "name": "hostile", "kind": "jdihn_feed", "url": f"{base}/feed.json", "region": "33.25",
        "rate_limit": 0, "retry_backoff": 0.05, "timeout": 1,
        # listed so that Scrapy's offsite rule does not stop them first: the address check must
        "allowed_domains": ["localhost", "10.0.0.1", "10.0.0.2", "169.254.169.254", "127.0.0.1"]}]}))
    data = tmp_path / "var"
    before = set(Path("/tmp").iterdir())
    summary = run_crawl(sources, data, env={"PANTAU_MAX_FILE_BYTES": "1000000"}, timeout=120)
    yield data, summary, secret.hits, before
    for srv in (site, secret):
        srv.shutdown()
        srv.server_close()


def test_hostile_site_crawl(crawled, tmp_path):
    data, summary, secret_hits, tmp_before = crawled
    assert summary[0]["status"] == "finished", summary
    assert secret_hits == [], "an internal service was reached through a redirect"
    cat = Catalogue(load_settings(data_dir=str(data), config_file=str(data / "none.toml")))
    with cat.session() as s:
        failures = {f.locator: (f.reason, f.detail) for f in s.scalars(select(Failure))}
        files = list(s.scalars(select(DocumentFile)))
    reasons = {}
    for loc, (reason, _) in failures.items():
        reasons.setdefault(reason, []).append(loc)
    private = reasons.get("private_address", [])
    for target in ("/r/ten", "/r/metadata", "/r/loopback", "/r/ipv6", "/r/name", "10.0.0.2/direct.pdf"):
        assert any(loc.endswith(target) for loc in private), (target, reasons)
    assert any("/loop/" in loc for loc in reasons.get("too_many_redirects", [])), reasons
    assert any(loc.endswith("/file/big.pdf") for loc in reasons.get("too_large", [])), reasons
    assert any(loc.endswith("/file/slow.pdf") for loc in reasons.get("timeout", [])), reasons
    # the source's own host works as configured, hostile names included: 6 distinct files
    assert len(files) == 6, [f.filename for f in files]
    store = BlobStore(data / "blobs")
    assert all(store.verify(f.sha256) for f in files)
    # nothing written outside the data directory's own places, whatever the names said
    allowed = {"blobs", "pantau.db", "pantau.db-wal", "pantau.db-shm", "logs", "cache", "index",
               "crawl-state"}
    assert {p.name for p in data.iterdir()} <= allowed, sorted(p.name for p in data.iterdir())
    for p in (data / "blobs").rglob("*"):
        assert p.is_dir() or len(p.name) == 64 or p.name.startswith(".tmp-"), p
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sources.yaml", "var"]
    assert not [p for p in set(Path("/tmp").iterdir()) - tmp_before if "evil" in p.name]
    cat.dispose()


@pytest.mark.parametrize("url,refused", [
    ("http://10.0.0.1/x.pdf", True), ("http://169.254.169.254/latest/meta-data/", True),
    ("http://127.0.0.2:8000/x", True), ("http://[::1]:8000/x", True), ("http://[::ffff:10.1.2.3]/", True),
    ("http://0.0.0.0:8000/", True), ("http://192.168.1.1/", True), ("http://[fe80::1]/", True),
    ("http://100.64.0.1/", True), ("http://127.0.0.1:9999/other-port.pdf", False),
    ("http://localhost:8765/same-host-other-name.pdf", False), ("http://8.8.8.8/", False),
])
def test_refusal_rules(url, refused):
    source = type("S", (), {"url": "http://127.0.0.1:8765/feed.json", "urls": []})()
    assert (safety.refusal(url, source) is not None) == refused


def test_name_resolving_to_private_is_refused_for_a_public_source(monkeypatch):
    table = {"jdih.example.go.id": frozenset({"203.0.113.10"}),
             "intranet.example.go.id": frozenset({"10.1.2.3"}),
             "rebind.example.go.id": frozenset({"203.0.113.11", "127.0.0.1"})}
    real = safety.resolve
    monkeypatch.setattr(safety, "resolve", lambda host: table.get(host) or real(host))
    source = type("S", (), {"url": "https://jdih.example.go.id/feed", "urls": []})()
    assert safety.refusal("https://jdih.example.go.id/a.pdf", source) is None
    assert "10.1.2.3" in safety.refusal("https://intranet.example.go.id/a.pdf", source)
    assert "127.0.0.1" in safety.refusal("https://rebind.example.go.id/a.pdf", source)
    # a source configured on a private host may use it (and only it)
    inside = type("S", (), {"url": "http://intranet.example.go.id/feed", "urls": []})()
    assert safety.refusal("http://intranet.example.go.id/b.pdf", inside) is None
    assert safety.refusal("http://169.254.169.254/", inside) is not None
