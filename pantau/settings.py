"""One settings object, read from environment variables and an optional ``pantau.toml``.

Precedence: environment variable > ``pantau.toml`` > default. All state lives under ``data_dir``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

# The values ``search_engine`` takes: the embedded index (tantivy, no server) or a node of one of
# the two remote engines at ``search_url``.
SEARCH_ENGINES = ("embedded", "opensearch", "elasticsearch")

# name -> (environment variable, default); defaults that depend on data_dir are filled in later.
_SPEC: dict[str, tuple[str, object]] = {
    "data_dir": ("PANTAU_DATA_DIR", "./var"),
    "database_url": ("PANTAU_DATABASE_URL", ""),
    "search_engine": ("PANTAU_SEARCH_ENGINE", "embedded"),
    "search_url": ("PANTAU_SEARCH_URL", ""),
    "search_index_prefix": ("PANTAU_SEARCH_INDEX_PREFIX", "pantau"),
    "sources_file": ("PANTAU_SOURCES", ""),
    "user_agent": ("PANTAU_USER_AGENT",
                   "PantauBot/0.1 (+https://github.com/pantau-id/pantau; pemantauan regulasi Jamsostek)"),
    "max_file_bytes": ("PANTAU_MAX_FILE_BYTES", 100 * 2**20),
    "max_pages": ("PANTAU_MAX_PAGES", 2000),
    "document_timeout": ("PANTAU_DOCUMENT_TIMEOUT", 300),
    "host": ("PANTAU_HOST", "127.0.0.1"),
    "port": ("PANTAU_PORT", 5000),
    "demo_port": ("PANTAU_DEMO_PORT", 8765),
    # Serving (gunicorn, see pantau_cli/serving.py): worker processes (0 = 2 x CPUs + 1, at most
    # 8) and threads per worker.
    "web_workers": ("PANTAU_WEB_WORKERS", 0),
    "web_threads": ("PANTAU_WEB_THREADS", 4),
    # Rate limits (Flask-Limiter): search + API, and the bulk exports; "off" disables. The storage
    # is shared by every worker only when it is a server (redis://host:6379); memory:// is per
    # process, so N workers allow N times the limit.
    "rate_limit": ("PANTAU_RATE_LIMIT", "120/minute"),
    "export_rate_limit": ("PANTAU_EXPORT_RATE_LIMIT", "10/minute"),
    "rate_limit_storage": ("PANTAU_RATE_LIMIT_STORAGE", "memory://"),
    # Behind a reverse proxy: how many proxies to trust for X-Forwarded-For/-Proto/-Host/-Port
    # (werkzeug's ProxyFix); 0 trusts no header, so a client cannot forge its address.
    "proxy_fix": ("PANTAU_PROXY_FIX", 0),
    # `pantau worker`: seconds between the starts of two cycles (crawl --due → extract → index)
    "worker_interval": ("PANTAU_WORKER_INTERVAL", 3600),
    # The crawler's name overrides (crawler/resolver.py): a hosts file (/etc/hosts format) whose
    # names resolve to the addresses it gives; with hosts_only=1 no other name resolves (the
    # loopback test world). Empty: the system resolver answers every name.
    "hosts_file": ("PANTAU_HOSTS_FILE", ""),
    "hosts_only": ("PANTAU_HOSTS_ONLY", 0),
    # Alerts of sources that broke (katalog/alerts.py): each newly opened or resolved one is POSTed
    # as JSON to this URL (empty: none is sent). public_url is where the dashboard is served
    # (https://pantau.example.id), for the links in them; empty: links are paths.
    "alert_webhook_url": ("PANTAU_ALERT_WEBHOOK_URL", ""),
    "public_url": ("PANTAU_PUBLIC_URL", ""),
}


@dataclass(frozen=True)
class Settings:
    """Runtime configuration. See README "Konfigurasi / Configuration" for each key."""

    data_dir: Path
    database_url: str
    search_engine: str
    search_url: str
    search_index_prefix: str
    sources_file: str
    user_agent: str
    max_file_bytes: int
    max_pages: int
    document_timeout: int
    host: str
    port: int
    demo_port: int
    web_workers: int = 0
    web_threads: int = 4
    rate_limit: str = "120/minute"
    export_rate_limit: str = "10/minute"
    rate_limit_storage: str = "memory://"
    proxy_fix: int = 0
    worker_interval: int = 3600
    hosts_file: str = ""
    hosts_only: int = 0
    alert_webhook_url: str = ""
    public_url: str = ""
    config_file: str | None = field(default=None)

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


def load_settings(config_file: str | os.PathLike | None = None, **overrides) -> Settings:
    """Build the settings. ``overrides`` (e.g. from CLI flags) win over everything."""
    env = os.environ
    path = Path(config_file or env.get("PANTAU_CONFIG") or "pantau.toml")
    file_values: dict = {}
    if path.is_file():
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
        file_values = raw.get("pantau", raw)
    values: dict[str, object] = {}
    for name, (var, default) in _SPEC.items():
        value = overrides.get(name)
        if value is None:
            value = env.get(var)
        if value is None or value == "":
            value = file_values.get(name, default)
        if isinstance(default, int):
            value = int(value)
        values[name] = value
    data_dir = Path(str(values["data_dir"])).expanduser().resolve()
    values["data_dir"] = data_dir
    if not values["database_url"]:
        values["database_url"] = f"sqlite:///{data_dir / 'pantau.db'}"
    known = {f.name for f in fields(Settings)}
    return Settings(**{k: v for k, v in values.items() if k in known},
                    config_file=str(path) if path.is_file() else None)
