"""Run a long-lived ``pantau`` process (gunicorn, the worker) in tests and read its logs live."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_PID = re.compile(r"pid=<?(\d+)>?")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(data: Path, **extra: str) -> dict[str, str]:
    import sys
    env = {**os.environ, "PANTAU_DATA_DIR": str(data), "PANTAU_CONFIG": str(data / "none.toml"),
           "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
           "PYTHONUNBUFFERED": "1"}
    env.update(extra)
    return env


class Process:
    """A process whose stdout and stderr lines are collected as they come."""

    def __init__(self, argv: list[str], env: dict[str, str]):
        self.argv = argv
        self.proc = subprocess.Popen(argv, cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True)
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, sink in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=self._drain, args=(stream, sink), daemon=True).start()

    @staticmethod
    def _drain(stream, sink: list[str]) -> None:
        for line in stream:
            sink.append(line.rstrip("\n"))

    def log(self) -> str:
        return "\n".join(self.out[-60:] + ["--- stderr ---"] + self.err[-60:])

    def wait_for(self, predicate, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            assert self.proc.poll() is None, f"{what}: process exited {self.proc.returncode}\n{self.log()}"
            assert time.monotonic() < deadline, f"{what}: timed out\n{self.log()}"
            time.sleep(0.2)

    def wait_http(self, url: str, timeout: float = 120) -> None:
        def up() -> bool:
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    return r.status == 200
            except (OSError, urllib.error.HTTPError):
                return False
        self.wait_for(up, timeout, f"GET {url}")

    def pids(self, since: int = 0) -> set[int]:
        """The gunicorn worker pids in the access log lines from ``since`` on."""
        return {int(m.group(1)) for line in self.out[since:] if (m := _PID.search(line))}

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM (what `docker stop` sends), then wait; kills the group if it does not stop."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            raise AssertionError(f"{self.argv} ignored SIGTERM\n{self.log()}") from None


def get(url: str, headers: dict | None = None) -> tuple[int, str]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")
