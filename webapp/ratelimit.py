"""Rate limiting of search and the API: a token bucket per client address, in process.

``PANTAU_RATE_LIMIT`` (environment) or ``app.config["RATE_LIMIT"]`` sets it as ``N/second``,
``N/minute`` or ``N/hour`` (default ``120/minute``); ``off`` (or ``0``) turns it off, e.g. for
benchmarks. A client may burst up to N requests, then gets one more every period/N; beyond that
the answer is ``429 Too Many Requests`` with ``Retry-After``. The client is ``remote_addr``: behind
a reverse proxy, let the proxy set it (werkzeug's ``ProxyFix``), never trust a header here.
Buckets live in this process only; several worker processes each keep their own.
"""

from __future__ import annotations

import math
import os
import re
import threading
import time

from flask import Flask, jsonify, request

DEFAULT = "120/minute"
_PERIODS = {"second": 1.0, "minute": 60.0, "hour": 3600.0}
_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(second|minute|hour)s?\s*$", re.IGNORECASE)
MAX_CLIENTS = 50_000  # beyond this, idle (full) buckets are forgotten


def parse(spec: str | None) -> tuple[int, float] | None:
    """(requests, period seconds), or None for "off"."""
    spec = (spec if spec is not None else DEFAULT).strip().lower()
    if spec in ("", "0", "off", "none", "false"):
        return None
    m = _SPEC.match(spec)
    if not m:
        raise ValueError(f"rate limit {spec!r}: use e.g. '60/minute', '5/second' or 'off'")
    n = int(m.group(1))
    return (n, _PERIODS[m.group(2)]) if n > 0 else None


class TokenBucket:
    """Buckets of ``capacity`` tokens per key, refilled at ``capacity / period`` per second."""

    def __init__(self, capacity: int, period: float, clock=time.monotonic):
        self.capacity = capacity
        self.rate = capacity / period
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last update)
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take a token for ``key``: 0.0 when allowed, else the seconds until one is available."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.capacity), now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                if len(self._buckets) > MAX_CLIENTS:
                    self._forget_idle(now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def _forget_idle(self, now: float) -> None:
        for key, (tokens, last) in list(self._buckets.items()):
            if tokens + (now - last) * self.rate >= self.capacity:
                del self._buckets[key]


def limited(path: str) -> bool:
    """Search (the page and the API) and every API endpoint; pages and files are not limited."""
    return path.startswith("/api/") or path == "/cari"


def install(app: Flask) -> None:
    limit = parse(app.config.get("RATE_LIMIT", os.environ.get("PANTAU_RATE_LIMIT")))
    if limit is None:
        return
    bucket = TokenBucket(*limit)
    app.extensions["pantau.ratelimit"] = bucket

    @app.before_request
    def _rate_limit():
        if not limited(request.path):
            return None
        wait = bucket.take(request.remote_addr or "-")
        if wait <= 0:
            return None
        retry = str(max(1, math.ceil(wait)))
        message = "Terlalu banyak permintaan; coba lagi nanti. / Too many requests."
        if request.path.startswith("/api/"):
            resp = jsonify({"error": {"code": 429, "message": message}})
        else:
            resp = app.response_class(message, mimetype="text/plain")
        resp.status_code = 429
        resp.headers["Retry-After"] = retry
        return resp
