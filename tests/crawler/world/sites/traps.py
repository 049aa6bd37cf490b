"""The simulated internet's traps: addresses a region's JDIH is said (or guessed) to have that are
not its site, each of which discovery must turn down for the right reason.

Families:

- ``parked``: a domain-parking / for-sale page on every path (``fingerprint`` says ``parked``);
- ``portal``: every path redirects (302) to the national portal, ``http://jdihn.go.id:<port>/``;
- ``portal_home``: the portal itself (``jdihn.go.id``), a "JDIH Nasional" page;
- ``redirect``: every path redirects (302) to the same path on another region's site
  (``options["to"]`` = that site's host);
- ``error5xx``: every path answers 500;
- ``dead``: nothing (the server never serves a dead site: see ``server.py``);
- ``slow``, ``robots``: a real JDIHN-feed site (``sites.jdihn``); what makes them traps is done by
  the server: ``options["slow"]`` seconds before any answer, ``options["robots"] = "disallow"``.

Dead sites need no renderer (the server never serves them), and a site that poses as one region
while naming another is an ordinary family site with the other region's name (``build.py``).
"""

from __future__ import annotations

from tests.crawler.world.model import Request, Response, WorldSite
from tests.crawler.world.sites import jdihn

PORTAL_HOST = "jdihn.go.id"
HTML = {"Content-Type": "text/html; charset=utf-8"}

PARKED_PAGE = (
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{host}</title></head><body>"
    "<h1>{host}</h1><p>This domain is for sale! Buy this domain today.</p>"
    "<p>Domain ini dijual. Hubungi kami untuk penawaran terbaik.</p>"
    "<a href=\"https://www.hugedomains.com/domain_profile.cfm?d={host}\">Make an offer</a>"
    "<script src=\"https://www.parkingcrew.net/park.js\"></script></body></html>")
PORTAL_PAGE = (
    "<!DOCTYPE html><html lang=\"id\"><head><meta charset=\"utf-8\">"
    "<title>JDIH Nasional - Jaringan Dokumentasi dan Informasi Hukum Nasional</title></head>"
    "<body><a class=\"navbar-brand\" href=\"/\">JDIH Nasional</a>"
    "<h1>Jaringan Dokumentasi dan Informasi Hukum Nasional</h1>"
    "<p>Portal JDIH Nasional, dikelola Badan Pembinaan Hukum Nasional.</p></body></html>")
ERROR_PAGE = (b"<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body>"
              b"<h1>Internal Server Error</h1><p>The server encountered an internal error.</p>"
              b"</body></html>")


def start_path(site: WorldSite) -> str:
    return jdihn.start_path(site) if site.family in ("slow", "robots") else "/"


def _port(request: Request) -> str:
    netloc = request.base.split("://", 1)[-1]
    return netloc.rsplit(":", 1)[1] if ":" in netloc else ""


def _moved(url: str) -> Response:
    return Response(302, {"Location": url, "Content-Type": "text/html; charset=utf-8"},
                    f"<html><body><a href=\"{url}\">Moved</a></body></html>".encode())


def render(site: WorldSite, request: Request) -> Response:
    fam = site.family
    if fam == "parked":
        return Response(200, dict(HTML), PARKED_PAGE.format(host=site.host).encode())
    if fam == "portal":
        return _moved(f"http://{PORTAL_HOST}:{_port(request)}/")
    if fam == "portal_home":
        if request.path in ("/", "/index.php"):
            return Response(200, dict(HTML), PORTAL_PAGE.encode())
        return Response(404, dict(HTML), b"<html><body>404</body></html>")
    if fam == "redirect":
        return _moved(f"http://{site.options['to']}:{_port(request)}{request.path}")
    if fam == "error5xx":
        return Response(500, dict(HTML), ERROR_PAGE)
    if fam in ("slow", "robots"):
        return jdihn.render(site, request)
    if fam == "dead":  # never asked: the server does not serve a dead site
        return Response(503, dict(HTML), b"<html><body>503 Service Unavailable</body></html>")
    raise ValueError(f"traps: no trap family {fam!r}")
