"""The bundled demo, crawled, read and indexed once per test session, and served on loopback:
the browser tests of every web view share it (``pantau run --no-serve`` takes a minute)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from pantau.settings import load_settings

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory):
    """`pantau run --no-serve` on the bundled demo source: crawl, read (OCR), extract, index."""
    data = tmp_path_factory.mktemp("demo") / "var"
    env = {**os.environ, "PANTAU_DATA_DIR": str(data), "PANTAU_CONFIG": str(data / "none.toml"),
           "PANTAU_DEMO_PORT": str(free_port())}
    proc = subprocess.run([sys.executable, "-m", "pantau_cli", "run", "--no-serve"], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return load_settings(data_dir=str(data), config_file=str(data / "none.toml"))


@pytest.fixture(scope="session")
def live(demo_settings):
    from webapp import create_app
    app = create_app(demo_settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
