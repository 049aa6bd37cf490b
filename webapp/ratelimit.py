"""Rate limits on search, the API and the bulk exports, with Flask-Limiter.

Two limits per client address, each one bucket shared by the routes it covers:

- ``PANTAU_RATE_LIMIT`` (default ``120/minute``): the search page ``/cari`` and every ``/api/``
  endpoint together;
- ``PANTAU_EXPORT_RATE_LIMIT`` (default ``10/minute``): the bulk downloads (``/ekspor/…``,
  ``/matriks.csv``/``.xlsx``), which read the whole catalogue.

A limit is written ``N/second``, ``N/minute``, ``N/hour`` (any Flask-Limiter string, e.g.
``5/second;100/hour``) or ``off``. Counting is a moving window. Beyond the limit the answer is
``429 Too Many Requests`` with ``Retry-After`` (JSON under ``/api/``, plain text elsewhere).

The counters live in ``PANTAU_RATE_LIMIT_STORAGE``: ``memory://`` (default) counts per process,
so under N gunicorn workers a client gets up to N times the limit; a server such as
``redis://host:6379`` is shared by every worker and every container. When that server cannot be
reached the limits fall back to per-process memory (logged) rather than failing the request.

The client is ``request.remote_addr``; behind a reverse proxy set ``PANTAU_PROXY_FIX`` so that
werkzeug's ProxyFix takes it from ``X-Forwarded-For`` (never trusted otherwise).
"""

from __future__ import annotations

from flask import Flask, jsonify, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many

OFF = ("", "0", "off", "none", "false")
MESSAGE = "Terlalu banyak permintaan; coba lagi nanti. / Too many requests."


def parse(spec: str | None) -> str | None:
    """The limit string, checked, or None for "off"; a malformed one raises ValueError at
    start-up instead of failing every request later."""
    spec = (spec or "").strip()
    if spec.lower() in OFF:
        return None
    try:
        parse_many(spec)
    except ValueError as exc:
        raise ValueError(f"rate limit {spec!r}: use e.g. '60/minute', '5/second' or 'off'") from exc
    return spec


def install(app: Flask, settings) -> Limiter | None:
    """Limit search + API and the exports of ``app`` (its blueprints must be registered)."""
    search = parse(app.config.get("RATE_LIMIT", settings.rate_limit))
    exports = parse(app.config.get("EXPORT_RATE_LIMIT", settings.export_rate_limit))
    if search is None and exports is None:
        return None
    limiter = Limiter(get_remote_address, app=app, storage_uri=settings.rate_limit_storage,
                      strategy="moving-window", headers_enabled=True,
                      in_memory_fallback_enabled=True, key_prefix="pantau")
    if search is not None:
        shared = limiter.shared_limit(search, scope="pencarian-api")
        shared(app.blueprints["api"])
        app.view_functions["pages.cari"] = shared(app.view_functions["pages.cari"])
    if exports is not None:
        limiter.shared_limit(exports, scope="ekspor")(app.blueprints["exports"])

    @app.errorhandler(429)
    def _too_many(_exc):
        if request.path.startswith("/api/"):
            resp = jsonify({"error": {"code": 429, "message": MESSAGE}})
        else:
            resp = app.response_class(MESSAGE, mimetype="text/plain")
        resp.status_code = 429
        return resp  # Flask-Limiter adds Retry-After (seconds until the window lets one in)

    return limiter
