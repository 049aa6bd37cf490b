"""The bundled demo JDIH site: a JDIHN feed, the real Batang PDFs and the seed news, on 127.0.0.1.

    server, thread = serve_demo(port=0)      # port 0: any free port
    base = server.url                         # e.g. "http://127.0.0.1:41234"
    ...
    server.shutdown(); server.server_close()

What is served and where its data comes from: ``pantau_cli/data/demo/README.md``.
"""

from __future__ import annotations

import html
import json
import logging
import re
import threading
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources

DEMO = resources.files("pantau_cli") / "data" / "demo"
PLACEHOLDER = "http://jdih-batang.demo.invalid"
_ARTICLE_ID = re.compile(r"^[0-9A-Za-z_-]+$")
_PDF_NAME = re.compile(r"^[0-9A-Za-z_.-]+\.pdf$")
# "TRIBUNJATENG.COM, SEMARANG –", "BETANEWS.ID, KUDUS –", "Semarangpos.com, PEKALONGAN —"
_DATELINE_OUTLET = re.compile(r"^([A-Za-z][A-Za-z0-9-]*(?:\.[A-Za-z]{2,4}){1,2})\s*[,–—-]")

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _headlines() -> dict[str, str]:
    return json.loads((DEMO / "news.json").read_text(encoding="utf-8")).get("headlines", {})


def article_ids() -> list[str]:
    """Ids of the seed articles (file names without ``.txt``), in order."""
    return sorted(p.name[:-4] for p in (DEMO / "berita").iterdir() if p.name.endswith(".txt"))


def article(article_id: str) -> dict:
    """Headline, outlet (or None) and paragraphs of one seed article, all taken from its text."""
    text = (DEMO / "berita" / f"{article_id}.txt").read_text(encoding="utf-8")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    headline = _headlines().get(article_id)
    if headline not in lines:
        headline = lines[0] if lines else article_id
    paragraphs = list(lines)
    paragraphs.remove(headline)
    outlet = next((m.group(1) for m in map(_DATELINE_OUTLET.match, lines) if m), None)
    return {"id": article_id, "headline": headline, "outlet": outlet, "paragraphs": paragraphs}


def article_html(article_id: str) -> str:
    a = article(article_id)
    site = (f'<meta property="og:site_name" content="{html.escape(a["outlet"])}">\n'
            if a["outlet"] else "")
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in a["paragraphs"])
    return (f'<!DOCTYPE html>\n<html lang="id">\n<head>\n<meta charset="utf-8">\n'
            f'<title>{html.escape(a["headline"])}</title>\n{site}</head>\n<body>\n'
            f'<article>\n<h1>{html.escape(a["headline"])}</h1>\n{body}\n</article>\n'
            f'</body>\n</html>\n')


def index_html() -> str:
    items = "\n".join(f'<li><a href="/berita/{i}.html">{html.escape(article(i)["headline"])}'
                      f'</a></li>' for i in article_ids())
    return ('<!DOCTYPE html>\n<html lang="id">\n<head><meta charset="utf-8">'
            '<title>Berita</title></head>\n<body>\n<h1>Berita</h1>\n'
            f'<ul>\n{items}\n</ul>\n<p><a href="/">Beranda</a></p>\n</body>\n</html>\n')


HOME = ('<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8"><title>JDIH demo</title>'
        '</head><body><h1>JDIH demo (Pantau)</h1><ul>'
        '<li><a href="/feed/document.json">Feed JDIHN</a></li>'
        '<li><a href="/berita/">Berita</a></li></ul></body></html>\n')


class DemoHandler(BaseHTTPRequestHandler):
    server_version = "PantauDemo/1.0"

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._respond(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(send_body=False)

    def _base(self) -> str:
        host = self.headers.get("Host")
        if not host:
            h, p = self.server.server_address[:2]
            host = f"{h}:{p}"
        return f"http://{host}"

    def _respond(self, send_body: bool) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        try:
            found = self._route(path)
        except (OSError, ValueError):
            found = None
        if found is None:
            found = (404, "text/html; charset=utf-8",
                     b"<!DOCTYPE html><html><body><h1>404 Tidak ditemukan</h1></body></html>")
        status, ctype, body = found
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _route(self, path: str):
        if path == "/robots.txt":
            return 200, "text/plain; charset=utf-8", b"User-agent: *\nAllow: /\n"
        if path in ("/", "/index.html"):
            return 200, "text/html; charset=utf-8", HOME.encode()
        if path == "/feed/document.json":
            feed = (DEMO / "feed.json").read_text(encoding="utf-8")
            feed = feed.replace(PLACEHOLDER, self._base())
            return 200, "application/json; charset=utf-8", feed.encode("utf-8")
        if path.startswith("/file/"):
            name = path[len("/file/"):]
            if _PDF_NAME.match(name) and (DEMO / name).is_file():
                return 200, "application/pdf", (DEMO / name).read_bytes()
            return None
        if path in ("/berita", "/berita/"):
            return 200, "text/html; charset=utf-8", index_html().encode("utf-8")
        if path.startswith("/berita/") and path.endswith(".html"):
            aid = path[len("/berita/"):-len(".html")]
            if _ARTICLE_ID.match(aid) and aid in article_ids():
                return 200, "text/html; charset=utf-8", article_html(aid).encode("utf-8")
        return None

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server signature)
        logger.debug("demo %s - %s", self.address_string(), format % args)


def serve_demo(host: str = "127.0.0.1",
               port: int = 8765) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Start the demo site in a daemon thread; ``port=0`` picks a free port.

    The returned server has ``server.url`` (``http://host:port``) and ``server.server_address``;
    stop it with ``server.shutdown(); server.server_close()``.
    """
    server = ThreadingHTTPServer((host, port), DemoHandler)
    server.daemon_threads = True
    bound_host, bound_port = server.server_address[:2]
    server.url = f"http://{bound_host}:{bound_port}"  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, name="pantau-demo", daemon=True)
    thread.start()
    return server, thread
