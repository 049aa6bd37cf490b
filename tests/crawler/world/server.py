"""The simulated internet's one web server: every site of the world on one loopback port, told
apart by the ``Host`` header, as name-based virtual hosting does it.

A crawl reaches ``http://jdih.batangkab.go.id:<port>/`` because the hosts file the world writes
(:meth:`World.write_hosts_file`, used through ``PANTAU_HOSTS_FILE`` / ``PANTAU_HOSTS_ONLY``, see
:func:`env`) pins every live site's name to 127.0.0.1; names left out of it do not resolve at all.

What the server does itself, before a site's renderer sees the request:

- ``/robots.txt`` for every site: ``Disallow: /`` when ``options["robots"] == "disallow"``,
  ``Allow: /`` otherwise;
- ``options["slow"] = seconds``: sleeps that long before answering anything;
- a dead site (``options["dead"]``: ``True``/``"refused"`` or ``"nxdomain"``) is never served:
  the hosts file pins a refused one to 127.0.0.2, where nothing listens, and leaves an
  ``nxdomain`` one out; a request that names it anyway gets the unknown host's 404;
- ``HEAD`` is rendered as ``GET`` (``Request.method == "GET"``) and sent without its body;
- a 200 answer gets an ``ETag`` (unless the renderer set one), and ``If-None-Match`` with it
  gets ``304``;
- a renderer that raises answers 500 with the traceback, and the error is kept in
  :attr:`World.errors` (a test can assert there were none).
"""

from __future__ import annotations

import hashlib
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.crawler.world.model import Request, Response, WorldSite

REFUSED_ADDRESS = "127.0.0.2"   # loopback, but the world listens on 127.0.0.1 only
ROBOTS_ALLOW = b"User-agent: *\nAllow: /\n"
ROBOTS_DISALLOW = b"User-agent: *\nDisallow: /\n"


def dead_kind(site: WorldSite) -> str | None:
    """``"refused"``, ``"nxdomain"`` or None (the site is live)."""
    dead = site.options.get("dead")
    if not dead:
        return None
    return "nxdomain" if dead == "nxdomain" else "refused"


def env(hosts_file: str | Path) -> dict[str, str]:
    """The environment that makes a crawl (``python -m crawler``) resolve names by the world's
    hosts file, and no other name."""
    return {"PANTAU_HOSTS_FILE": str(hosts_file), "PANTAU_HOSTS_ONLY": "1"}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        self._serve("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    def _serve(self, method: str) -> None:
        world: World = self.server.world
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        host = (self.headers.get("Host") or "").split(":", 1)[0].strip().lower().rstrip(".")
        parts = urlsplit(self.path)
        path = parts.path or "/"
        site = world.live.get(host)
        world._enter(host)
        try:
            self._answer(world, site, host, method, parts, path, body)
        finally:
            world._leave(host)

    def _answer(self, world, site, host, method, parts, path, body) -> None:
        if site is None:
            resp = Response(404, {"Content-Type": "text/plain; charset=utf-8"}, b"no such site")
        else:
            slow = site.options.get("slow")
            if slow:
                time.sleep(float(slow))
            if path == "/robots.txt":
                robots = ROBOTS_DISALLOW if site.options.get("robots") == "disallow" \
                    else ROBOTS_ALLOW
                resp = Response(200, {"Content-Type": "text/plain"}, robots)
            else:
                req = Request(method="GET" if method == "HEAD" else method, path=path,
                              query=parse_qs(parts.query, keep_blank_values=True),
                              headers={k: v for k, v in self.headers.items()}, body=body,
                              base=f"http://{host}:{world.port}")
                resp = world.render(site, req)
        headers = dict(resp.headers)
        status, payload = resp.status, resp.body
        if status == 200 and method in ("GET", "HEAD"):
            etag = next((v for k, v in headers.items() if k.lower() == "etag"), None)
            if etag is None:
                etag = '"' + hashlib.sha1(payload).hexdigest()[:16] + '"'
                headers["ETag"] = etag
            if self.headers.get("If-None-Match") == etag:
                status, payload = 304, b""
        world._hit(host, method, self.path, status)
        try:
            self.send_response(status)
            for k, v in headers.items():
                if k.lower() != "content-length" and not (status == 304
                                                         and k.lower() == "content-type"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            self.close_connection = True

    def log_message(self, format, *args):  # noqa: A002
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # a hundred crawlers connect at once: with socketserver's default backlog of 5 the kernel
    # drops their SYNs and they retry after 1, 3, 7, 15, 31 s (a stall that is not the crawler's)
    request_queue_size = 1024

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up (a crawler's timeout, a refused robots.txt) is no error of the
        world; anything else is printed as usual."""
        import sys
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class World:
    """The world's server in a daemon thread (a context manager)::

        with World(spec.sites) as world:
            world.write_hosts_file(tmp / "hosts")
            urlopen(Request(world.base("jdih.batangkab.go.id") + "/", ...))
    """

    def __init__(self, sites: list[WorldSite]):
        self.sites = list(sites)
        by_host: dict[str, WorldSite] = {}
        for s in self.sites:
            host = s.host.lower()
            if host in by_host:
                raise ValueError(f"two sites on host {host}")
            by_host[host] = s
        self.by_host = by_host
        self.live = {h: s for h, s in by_host.items() if dead_kind(s) is None}
        self.hits: list[tuple[float, str, str, str, int]] = []  # (time, host, method, path, status)
        # requests being answered per host now, and the most at once since reset_peaks()
        self.in_flight: dict[str, int] = {}
        self.peak: dict[str, int] = {}
        self.errors: list[tuple[str, str, str]] = []            # (host, path, traceback)
        self._lock = threading.Lock()
        self._renderers: dict[str, object] = {}
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.world = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="world-server")

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def base(self, host: str) -> str:
        return f"http://{host}:{self.port}"

    def render(self, site: WorldSite, req: Request) -> Response:
        from tests.crawler.world.sites import renderer
        try:
            return renderer(site.family)(site, req)
        except Exception:  # noqa: BLE001 - a renderer bug is a 500 the test can see
            tb = traceback.format_exc()
            with self._lock:
                self.errors.append((site.host, req.path, tb))
            return Response(500, {"Content-Type": "text/plain; charset=utf-8"}, tb.encode())

    def _enter(self, host: str) -> None:
        with self._lock:
            n = self.in_flight.get(host, 0) + 1
            self.in_flight[host] = n
            self.peak[host] = max(self.peak.get(host, 0), n)

    def _leave(self, host: str) -> None:
        with self._lock:
            self.in_flight[host] -= 1

    def reset_peaks(self) -> None:
        """Start counting the most requests one host answered at once afresh (per phase)."""
        with self._lock:
            self.peak = {h: n for h, n in self.in_flight.items() if n}

    def _hit(self, host: str, method: str, path: str, status: int) -> None:
        with self._lock:
            self.hits.append((time.time(), host, method, path, status))

    def hosts_lines(self) -> list[str]:
        """The hosts file's lines: live sites on 127.0.0.1, refused ones on 127.0.0.2."""
        lines = [f"127.0.0.1 {h}" for h in self.live]
        lines += [f"{REFUSED_ADDRESS} {h}" for h, s in self.by_host.items()
                  if dead_kind(s) == "refused"]
        return lines

    def write_hosts_file(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text("# the simulated internet (tests/crawler/world)\n"
                        + "\n".join(self.hosts_lines()) + "\n", encoding="utf-8")
        return path

    def __enter__(self) -> World:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
