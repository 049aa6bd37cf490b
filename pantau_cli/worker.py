"""The scheduled worker of a deployment: crawl the due sources, read new files, index; repeat.

Each step is its own ``pantau`` process (Scrapy's reactor cannot start twice in one process, and
a step that crashes must not take the loop down): ``pantau crawl --due``, ``pantau alerts`` (the
sources' alerts, ``katalog.alerts``), ``pantau extract -v``, ``pantau index``. Their output goes
to this process's stdout/stderr, each cycle is logged with its steps' exit codes, and a failed
step does not stop the ones after it (an engine that is down leaves the catalogue complete; the
next ``index`` catches up).

Liveness: while it runs, the worker rewrites ``<data_dir>/worker.heartbeat`` (JSON: cycle, step,
time) at least every ``HEARTBEAT_SECONDS``; ``pantau worker --check`` (the container's health
check) fails when that file is older than ``STALE_SECONDS``. SIGTERM/SIGINT (``docker stop``)
ends the step in hand with the same signal, then the worker exits 0.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from pantau.settings import Settings

HEARTBEAT_SECONDS = 15.0
STALE_SECONDS = 120.0
# `alerts` after the crawl: a source turns stale, and undelivered alerts are posted again, even
# in a cycle where no source was due
STEPS: tuple[tuple[str, ...], ...] = (("crawl", "--due"), ("alerts",), ("extract", "-v"),
                                      ("index",))


def heartbeat_path(settings: Settings) -> Path:
    return settings.data_dir / "worker.heartbeat"


def _beat(settings: Settings, cycle: int, step: str) -> None:
    path = heartbeat_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"cycle": cycle, "step": step, "pid": os.getpid(),
                               "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}))
    tmp.replace(path)  # a health check never reads half a file


def check(settings: Settings) -> tuple[bool, str]:
    """(healthy, why): the worker wrote its heartbeat less than ``STALE_SECONDS`` ago."""
    path = heartbeat_path(settings)
    try:
        age = time.time() - path.stat().st_mtime
        beat = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        return False, f"no heartbeat at {path}: {exc}"
    what = f"cycle {beat.get('cycle')}, {beat.get('step')}, {age:.0f} s ago"
    return age < STALE_SECONDS, what


def _command(settings: Settings, step: tuple[str, ...]) -> list[str]:
    argv = [sys.executable, "-m", "pantau_cli", "--data-dir", str(settings.data_dir)]
    if settings.config_file:
        argv += ["--config", settings.config_file]
    return argv + list(step)


def run(settings: Settings, interval: float, *, cycles: int | None = None, say=print) -> int:
    """Run cycles until a signal (or ``cycles`` of them); returns the exit status."""
    stopping: list[int] = []
    current: list[subprocess.Popen] = []

    def _stop(signum, _frame):
        stopping.append(signum)
        if signum == signal.SIGTERM:  # SIGINT from a terminal reaches the step's process already
            for proc in current:
                if proc.poll() is None:
                    proc.send_signal(signum)

    previous = {s: signal.signal(s, _stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        cycle = 0
        while not stopping and (cycles is None or cycle < cycles):
            cycle += 1
            started = time.monotonic()
            codes = {}
            for step in STEPS:
                if stopping:
                    break
                name = " ".join(step)
                say(f"pekerja: siklus {cycle}: pantau {name}")
                proc = subprocess.Popen(_command(settings, step))
                current[:] = [proc]
                while proc.poll() is None:
                    _beat(settings, cycle, name)
                    try:
                        proc.wait(HEARTBEAT_SECONDS)
                    except subprocess.TimeoutExpired:
                        pass
                codes[step[0]] = proc.returncode
            current.clear()
            _beat(settings, cycle, "menunggu")
            took = time.monotonic() - started
            say(f"pekerja: siklus {cycle} selesai dalam {took:.0f} s — "
                + ", ".join(f"{k} {v}" for k, v in codes.items()))
            deadline = time.monotonic() + interval
            while not stopping and (cycles is None or cycle < cycles) and time.monotonic() < deadline:
                _beat(settings, cycle, "menunggu")
                time.sleep(min(HEARTBEAT_SECONDS, max(0.0, deadline - time.monotonic())))
        if stopping:
            say(f"pekerja: berhenti (sinyal {signal.Signals(stopping[0]).name})")
        return 0
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
