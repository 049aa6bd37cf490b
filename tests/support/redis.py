"""Throwaway Redis server for tests (Debian's ``redis-server``, installed by
scripts/system-deps.sh): 127.0.0.1 on a free port, nothing saved to disk, stopped on exit.

    with running_redis(tmp_path) as url:      # "redis://127.0.0.1:41234/0"
        ...
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

MISSING_MESSAGE = "redis-server not found: run scripts/system-deps.sh"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_redis(base_dir: Path) -> Iterator[str]:
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).is_file():
        raise RuntimeError(MISSING_MESSAGE)
    base_dir.mkdir(parents=True, exist_ok=True)
    for attempt in range(5):
        port = _free_port()
        proc = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
             "--dir", str(base_dir), "--logfile", str(base_dir / "redis.log"),
             "--protected-mode", "yes"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                time.sleep(0.05)
        if proc.poll() is None:
            break
        if attempt == 4:
            log = (base_dir / "redis.log")
            raise RuntimeError("redis-server did not start:\n"
                               + (log.read_text(errors="replace")[-2000:] if log.exists() else ""))
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
