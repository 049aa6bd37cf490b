"""The dashboard under gunicorn, configured here: `pantau serve` (and `pantau run`) start it.

Gunicorn's master process binds the port and keeps ``workers`` processes running, each with its
own app (``webapp.create_app``) and ``threads`` threads; a worker that dies or hangs past
``timeout`` is replaced. Access and error logs go to stdout/stderr (one line per request, with
the worker's pid and the time taken in ms), which is what a container's log collector reads.

Workers load the app after the fork (no ``preload_app``): each opens its own database pool and
search client, so no connection is ever shared between processes. Anything a worker caches is
its own, so every cache must stay correct when another process changes the catalogue (see the
national view's fingerprint in ``webapp/pages.py``); rate-limit counters are shared through
``PANTAU_RATE_LIMIT_STORAGE``.
"""

from __future__ import annotations

import os

from gunicorn.app.base import BaseApplication

from pantau.settings import Settings

ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms pid=%(p)s'


def worker_count(settings: Settings) -> int:
    """``PANTAU_WEB_WORKERS``, or for 0 gunicorn's rule of thumb (2 x CPUs + 1), at most 8: each
    worker holds a full app in memory."""
    if settings.web_workers > 0:
        return settings.web_workers
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def options(settings: Settings, host: str, port: int) -> dict:
    """The gunicorn configuration (every setting Pantau relies on is set here, not left to
    gunicorn's defaults or a stray gunicorn.conf.py in the working directory)."""
    return {
        "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
        "workers": worker_count(settings),
        "worker_class": "gthread",  # threads: a slow search does not hold a whole process
        "threads": max(1, settings.web_threads),
        "backlog": 2048,  # a burst of clients waits in the queue instead of being refused
        "timeout": 120,  # a worker stuck this long (no heartbeat) is killed and replaced
        "graceful_timeout": 20,  # SIGTERM (docker stop): finish requests in hand, then exit
        "keepalive": 5,
        "max_requests": 0,
        "limit_request_line": 8190,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "access_log_format": ACCESS_LOG_FORMAT,
        "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,
        "proc_name": "pantau-web",
        "control_socket_disable": True,  # gunicorn 24+: no control socket in $HOME (unused)
    }


class DashboardServer(BaseApplication):
    """gunicorn running ``webapp.create_app(settings)`` in each worker."""

    def __init__(self, settings: Settings, host: str, port: int, **overrides):
        self.settings = settings
        self.config_options = {**options(settings, host, port), **overrides}
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.config_options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self):
        from webapp import create_app
        return create_app(self.settings)


def serve(settings: Settings, host: str, port: int, **overrides) -> None:
    """Run gunicorn in this process until SIGTERM/SIGINT (then exits)."""
    DashboardServer(settings, host, port, **overrides).run()
