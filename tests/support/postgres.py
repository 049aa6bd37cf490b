"""Throwaway PostgreSQL server for tests.

Uses the Debian server binaries in ``/usr/lib/postgresql/<ver>/bin`` (newest
version), never the system cluster or systemd.  The server listens only on
127.0.0.1 on a free port, with fsync off, and is always stopped on exit.

Postgres refuses to run as root, so when the tests run as root ``initdb`` and
``pg_ctl`` are run as the ``postgres`` OS user through ``runuser``.

    with running_postgres(tmp_path) as url:
        engine = sqlalchemy.create_engine(url)
        other = fresh_database(url, "case_42")
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

import psycopg
from sqlalchemy.engine import make_url

PG_ROOT = Path("/usr/lib/postgresql")
MISSING_MESSAGE = "PostgreSQL server binaries not found: run scripts/system-deps.sh"
ROLE = "pantau"
DATABASE = "pantau"
OS_USER = "postgres"  # used only when running as root

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def find_bindir() -> Path:
    """Return the bin dir of the newest installed PostgreSQL server version."""
    candidates = []
    if PG_ROOT.is_dir():
        for entry in PG_ROOT.iterdir():
            bindir = entry / "bin"
            if (
                entry.name.isdigit()
                and (bindir / "initdb").is_file()
                and (bindir / "pg_ctl").is_file()
                and (bindir / "postgres").is_file()
            ):
                candidates.append((int(entry.name), bindir))
    if not candidates:
        raise RuntimeError(MISSING_MESSAGE)
    return max(candidates)[1]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Runner:
    """Runs server commands as the right OS user and hands it directories."""

    def __init__(self) -> None:
        self.as_root = os.geteuid() == 0
        self.uid = self.gid = None
        if self.as_root:
            try:
                pw = pwd.getpwnam(OS_USER)
            except KeyError:
                raise RuntimeError(
                    f"running as root but OS user {OS_USER!r} does not exist: "
                    "run scripts/system-deps.sh"
                ) from None
            self.uid, self.gid = pw.pw_uid, pw.pw_gid
            self.runuser = shutil.which("runuser") or "/usr/sbin/runuser"

    def give(self, path: Path) -> None:
        """Make ``path`` owned by the server user (no-op when not root)."""
        if self.as_root:
            os.chown(path, self.uid, self.gid)

    def can_use(self, path: Path) -> bool:
        """Whether the server user can traverse into ``path``."""
        if not self.as_root:
            return True
        r = subprocess.run(
            [self.runuser, "-u", OS_USER, "--", "/usr/bin/test", "-x", str(path)],
            cwd="/",
            capture_output=True,
        )
        return r.returncode == 0

    def run(self, argv: Sequence[str], *, timeout: float = 120) -> subprocess.CompletedProcess:
        if self.as_root:
            argv = [self.runuser, "-u", OS_USER, "--", *argv]
        env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
        for var in ("PGDATA", "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD"):
            env.pop(var, None)
        # cwd "/" so the server user never has to read the caller's cwd.
        return subprocess.run(
            list(argv), cwd="/", env=env, capture_output=True, text=True, timeout=timeout
        )


def _check(proc: subprocess.CompletedProcess, what: str, log: Path | None = None) -> None:
    if proc.returncode == 0:
        return
    detail = (proc.stdout or "") + (proc.stderr or "")
    if log is not None and log.exists():
        detail += "\n--- server log ---\n" + log.read_text(errors="replace")[-4000:]
    raise RuntimeError(f"{what} failed (exit {proc.returncode}):\n{detail.strip()}")


@contextmanager
def running_postgres(base_dir: Path) -> Iterator[str]:
    """Start a throwaway PostgreSQL server; yield its SQLAlchemy URL.

    The URL is ``postgresql+psycopg://pantau@127.0.0.1:<port>/pantau``; role
    ``pantau`` is a superuser (so tests may create databases and extensions),
    authentication is ``trust``.  The server is stopped on exit.
    """
    bindir = find_bindir()
    runner = _Runner()
    base_dir = Path(base_dir).resolve()
    base_dir.mkdir(parents=True, exist_ok=True)

    # pytest's tmp_path lives under /tmp/pytest-of-root (mode 0700), which the
    # postgres user cannot traverse.  In that case keep the cluster in a
    # private /tmp directory (removed on exit; the server log is copied to
    # base_dir/postgres.log).
    cleanup: list[Path] = []
    if runner.can_use(base_dir):
        work = base_dir / "postgres"
        work.mkdir(exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="pantau-pg-"))
        cleanup.append(work)
    runner.give(work)
    # Unix socket paths are limited to ~107 bytes, so use a short directory.
    sockdir = Path(tempfile.mkdtemp(prefix="pantau-pgs-"))
    cleanup.append(sockdir)
    runner.give(sockdir)

    datadir = work / "data"
    log = work / "server.log"
    try:
        _check(
            runner.run(
                [
                    str(bindir / "initdb"),
                    "-D", str(datadir),
                    "-U", "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            "initdb",
        )

        port = 0
        for attempt in range(5):
            port = _free_port()
            opts = (
                f"-k {sockdir} -c listen_addresses=127.0.0.1 -p {port} "
                "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
            )
            proc = runner.run(
                [str(bindir / "pg_ctl"), "-D", str(datadir), "-l", str(log),
                 "-w", "-t", "60", "-o", opts, "start"],
                timeout=90,
            )
            if proc.returncode == 0:
                break
            # Lost the race for the port to someone else?  Try another one.
            text = log.read_text(errors="replace") if log.exists() else ""
            if "Address already in use" not in text or attempt == 4:
                _check(proc, "pg_ctl start", log)

        with psycopg.connect(
            host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE ROLE "{ROLE}" LOGIN SUPERUSER')
            conn.execute(f'CREATE DATABASE "{DATABASE}" OWNER "{ROLE}"')

        yield f"postgresql+psycopg://{ROLE}@127.0.0.1:{port}/{DATABASE}"
    finally:
        try:
            if (datadir / "postmaster.pid").exists():
                runner.run(
                    [str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "immediate", "-w", "stop"],
                    timeout=60,
                )
        finally:
            if work in cleanup and log.exists():
                try:
                    shutil.copyfile(log, base_dir / "postgres.log")
                except OSError:
                    pass
            for path in cleanup:
                shutil.rmtree(path, ignore_errors=True)


def fresh_database(url: str, name: str) -> str:
    """Create a new empty database ``name`` on the server at ``url``; return its URL."""
    if not _IDENT.match(name):
        raise ValueError(f"invalid database name: {name!r}")
    u = make_url(url)
    with psycopg.connect(
        host=u.host,
        port=u.port,
        user=u.username,
        password=u.password,
        dbname=u.database or "postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    return u.set(database=name).render_as_string(hide_password=False)
