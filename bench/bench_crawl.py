"""Crawl throughput on a loopback site with many documents, throttling off, against a plain
``urllib`` loop fetching the same URLs in the same run.

Two generated sites, both pointing at small real PDFs (the JDIH abstrak sheet of
``tests/fixtures/real``, each copy made unique by a trailing comment so every file is stored):

- a JDIHN feed of ``N`` records (one request for the feed, then one per PDF);
- an ILDIS-shaped HTML site: ``N / 20`` listing pages, ``N`` detail pages, ``N`` PDFs, served
  with ``ETag``s, so its re-crawl is all ``304``s and downloads nothing.

- the national BPK fixture (``tests/crawler/bpk_national.py``: 577 regulations of all 552
  regions, ``regions: all``, three keyword searches): regions per hour and items per second, and
  its unchanged re-crawl (search pages only). The same crawl at the registry's 5 s per request is
  projected from its request count.

Each crawl is ``python -m crawler --no-throttle`` in a subprocess (Scrapy's reactor runs once per
process) into a fresh catalogue; its time is Scrapy's ``elapsed_time_seconds`` (spider open to
close: fetching, parsing, storing, cataloguing), so interpreter start-up is not counted. Politeness
other than the delay stays on (robots.txt, at most 2 requests at a time per host).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import yaml

REPO = Path(__file__).resolve().parents[1]
PDF = (REPO / "tests" / "fixtures" / "real" / "sosial-abstrak-perda-2-2023.pdf").read_bytes()
N = 200
PER_PAGE = 20


def _pdf(i: int) -> bytes:
    return PDF + f"\n% pantau bench copy {i}\n".encode()


def _detail(base: str, i: int) -> str:
    return f"""<!DOCTYPE html><html lang="id"><head><meta charset="UTF-8"><title>{i}</title></head>
<body><section class="blogs"><div class="container"><div class="row">
<div class="col-lg-8"><div class="post-title"><h5>Peraturan Bupati Batang Nomor {i} Tahun 2024
tentang Uji Beban Nomor {i}</h5></div>
<div class="row align-items-end">
<div class="col-lg-6 col-md-6 mb-3">Tempat Terbit<br><span class="x">Batang</span></div>
<div class="col-lg-6 col-md-6 mb-3">Tanggal Penetapan<br><span class="x">2 Januari 2024</span></div>
</div></div>
<div class="col-lg-4"><ul class="list-group mt-2"><li class="list-group-item">JENIS DOKUMEN</li>
<li class="list-group-item"><strong>Peraturan Bupati</strong></li></ul>
<ul class="list-group mt-2"><li class="list-group-item">STATUS</li>
<li class="list-group-item"><strong>Berlaku</strong></li></ul>
<ul class="widget-list"><a class="btn" href="{base}/common/dokumen/f{i}.pdf">f{i}.pdf</a></ul></div>
</div></div></section></body></html>"""


def _listing(base: str, page: int) -> str:
    pages = N // PER_PAGE
    items = "\n".join(
        f'<div class="item" data-key="{i}"><h4><a href="{base}/dokumen/view?id={i}">Peraturan '
        f'Bupati Batang Nomor {i} Tahun 2024 tentang Uji Beban Nomor {i}</a></h4></div>'
        for i in range((page - 1) * PER_PAGE + 1, page * PER_PAGE + 1))
    nxt = (f'<li class="next"><a href="{base}/dokumen/peraturan?page={page + 1}">&raquo;</a></li>'
           if page < pages else '<li class="next disabled"><span>&raquo;</span></li>')
    return (f'<!DOCTYPE html><html><head><meta charset="UTF-8"></head><body>'
            f'<div class="list-view">{items}<ul class="pagination">{nxt}</ul></div></body></html>')


class _Site(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        parts = urlsplit(self.path)
        base = self.server.base
        path, query = parts.path, parts.query
        ctype, body = "text/html; charset=utf-8", None
        if path == "/robots.txt":
            ctype, body = "text/plain", b"User-agent: *\nAllow: /\n"
        elif path == "/feed/document.json":
            ctype, body = "application/json", self.server.feed
        elif path.startswith(("/file/p", "/common/dokumen/f")) and path.endswith(".pdf"):
            ctype, body = "application/pdf", _pdf(int(path.rsplit("/", 1)[-1][1:-4]))
        elif path == "/dokumen/peraturan":
            page = int(query.split("=", 1)[1]) if query.startswith("page=") else 1
            body = _listing(base, page).encode()
        elif path == "/dokumen/view" and query.startswith("id="):
            body = _detail(base, int(query[3:])).encode()
        status, headers = (200, {}) if body is not None else (404, {})
        body = body or b"not found"
        if status == 200 and ctype.startswith("text/html"):
            headers["ETag"] = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == headers["ETag"]:
                status, body = 304, b""
        self.server.hits += 1
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _serve():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    server.daemon_threads = True
    server.hits = 0
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    server.feed = json.dumps([{
        "idData": str(i), "tahun_pengundangan": "2024", "jenis": "Peraturan Bupati",
        "noPeraturan": str(i), "judul": f"Peraturan Bupati Nomor {i} Tahun 2024 Tentang Uji {i}",
        "status": "Berlaku", "urlDownload": f"{server.base}/file/p{i}.pdf",
        "operasi": "4", "display": "1"} for i in range(1, N + 1)]).encode()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _crawl(work: Path, sources: Path, name: str) -> dict:
    """One crawl of source ``name`` into the catalogue under ``work`` (one per site)."""
    work.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "crawler", "--sources", str(sources), "--only", name,
           "--data-dir", str(work / "var"), "--config", str(work / "none.toml"), "--json",
           "--no-throttle"]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PANTAU_USER_AGENT": "PantauBot/bench (+https://example.invalid)"})
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    (summary,) = json.loads(proc.stdout)
    from katalog.db import Catalogue
    from katalog.models import SourceRun
    from pantau.settings import load_settings
    cat = Catalogue(load_settings(data_dir=str(work / "var"), config_file=str(work / "none.toml")))
    with cat.session() as s:
        stats = s.get(SourceRun, summary["run_id"]).stats
    cat.dispose()
    summary["elapsed"] = float(stats["elapsed_time_seconds"])
    return summary


def _urllib(urls: list[str]) -> float:
    t0 = time.perf_counter()
    for u in urls:
        with urllib.request.urlopen(u, timeout=30) as r:
            r.read()
    return time.perf_counter() - t0


def _national(work: Path) -> list[dict]:
    """The national BPK fixture with ``regions: all``: regions/hour and items/s."""
    sys.path.insert(0, str(REPO))
    from tests.crawler.bpk_national import KEYWORDS, NationalBpkSite, load
    site = NationalBpkSite(load())
    site.server.flaky = {}  # no Retry-After waits: the bench measures the crawl
    with site:
        sources = work / "bpk.yaml"
        sources.write_text(yaml.safe_dump({"sources": [{
            "name": "bench-bpk", "kind": "bpk", "url": f"{site.base}/", "regions": "all",
            "jenis": ["perda", "qanun", "pergub", "perbup", "perwal"], "keywords": KEYWORDS,
            "rate_limit": 0, "timeout": 30}]}), encoding="utf-8")
        first = _crawl(work / "bpk", sources, "bench-bpk")
        urls = [site.base + h.path for h in site.requests if h.status == 200
                and h.path != "/robots.txt"]
        again = _crawl(work / "bpk", sources, "bench-bpk")
        _urllib(urls[:5])
        t_ref = min(_urllib(urls) for _ in range(2))
    assert first["errors"] <= 2 and again["docs_unchanged"] == first["items"], (first, again)
    regions = 552
    per_hour = regions / first["elapsed"] * 3600
    polite_hours = first["requests"] * 5 / 3600
    return [
        {"measure": f"national BPK crawl, regions: all: regions/hour ({regions} regions, "
                    f"{first['items']} regulations, {first['requests']} requests)",
         "value": per_hour, "unit": "regions/h",
         "reference": "urllib loop, same URLs (regions/h)", "ref_value": regions / t_ref * 3600,
         "ratio": t_ref / first["elapsed"]},
        {"measure": "national BPK crawl: items/s", "value": first["items"] / first["elapsed"],
         "unit": "items/s", "reference": "urllib loop, same URLs (items/s)",
         "ref_value": first["items"] / t_ref, "ratio": t_ref / first["elapsed"]},
        {"measure": f"national BPK re-crawl, unchanged ({again['requests']} requests: search "
                    f"pages only)", "value": first["items"] / again["elapsed"], "unit": "items/s",
         "reference": "first crawl", "ref_value": first["items"] / first["elapsed"],
         "ratio": first["elapsed"] / again["elapsed"]},
        {"measure": f"national BPK crawl at 5 s/request (sources.yaml): regions/hour, projected "
                    f"({polite_hours:.1f} h for {first['requests']} requests)",
         "value": regions / polite_hours, "unit": "regions/h"},
    ]


def run(work: Path) -> list[dict]:
    work.mkdir(parents=True, exist_ok=True)
    national = _national(work)
    server = _serve()
    base = server.base
    try:
        sources = work / "sources.yaml"
        common = {"rate_limit": 0, "region": "33.25", "timeout": 30}
        sources.write_text(yaml.safe_dump({"sources": [
            {"name": "bench-feed", "kind": "jdihn_feed", "url": f"{base}/feed/document.json",
             **common},
            {"name": "bench-ildis", "kind": "jdih_cms:ildis", "url": f"{base}/dokumen/peraturan",
             **common}]}), encoding="utf-8")
        feed = _crawl(work / "feed", sources, "bench-feed")
        ildis = _crawl(work / "ildis", sources, "bench-ildis")
        hits = server.hits
        again = _crawl(work / "ildis", sources, "bench-ildis")
        again_hits = server.hits - hits
        feed_urls = [f"{base}/feed/document.json"] + [f"{base}/file/p{i}.pdf"
                                                      for i in range(1, N + 1)]
        html_urls = ([f"{base}/dokumen/peraturan?page={p}" for p in range(1, N // PER_PAGE + 1)]
                     + [f"{base}/dokumen/view?id={i}" for i in range(1, N + 1)]
                     + [f"{base}/common/dokumen/f{i}.pdf" for i in range(1, N + 1)])
        _urllib(feed_urls[:5])  # warm-up
        t_feed = min(_urllib(feed_urls) for _ in range(2))
        t_html = min(_urllib(html_urls) for _ in range(2))
    finally:
        server.shutdown()
        server.server_close()
    assert feed["docs_new"] == N and feed["files_new"] == N and feed["errors"] == 0, feed
    assert ildis["docs_new"] == N and ildis["errors"] == 0, ildis
    assert again["docs_unchanged"] == N and again["files_new"] == 0, again
    feed_req, html_req = len(feed_urls), len(html_urls)
    return [
        {"measure": f"JDIHN feed crawl: documents/s ({N} records + {N} PDFs, fresh catalogue)",
         "value": N / feed["elapsed"], "unit": "doc/s",
         "reference": "urllib loop, same URLs (doc/s)", "ref_value": N / t_feed,
         "ratio": t_feed / feed["elapsed"]},
        {"measure": f"JDIHN feed crawl: requests/s ({feed['requests']} requests)",
         "value": feed["requests"] / feed["elapsed"], "unit": "req/s",
         "reference": "urllib loop, same URLs", "ref_value": feed_req / t_feed,
         "ratio": (feed["requests"] / feed["elapsed"]) / (feed_req / t_feed)},
        {"measure": f"ILDIS HTML crawl: documents/s ({N // PER_PAGE} listings, {N} pages, {N} PDFs)",
         "value": N / ildis["elapsed"], "unit": "doc/s",
         "reference": "urllib loop, same URLs (doc/s)", "ref_value": N / t_html,
         "ratio": t_html / ildis["elapsed"]},
        {"measure": f"ILDIS HTML crawl: requests/s ({ildis['requests']} requests)",
         "value": ildis["requests"] / ildis["elapsed"], "unit": "req/s",
         "reference": "urllib loop, same URLs", "ref_value": html_req / t_html,
         "ratio": (ildis["requests"] / ildis["elapsed"]) / (html_req / t_html)},
        {"measure": f"ILDIS re-crawl, unchanged site: documents/s ({again_hits} requests, "
                    f"{again['files_new']} files fetched, all 304)",
         "value": N / again["elapsed"], "unit": "doc/s",
         "reference": "first crawl of the same site", "ref_value": N / ildis["elapsed"],
         "ratio": ildis["elapsed"] / again["elapsed"]},
    ] + national
