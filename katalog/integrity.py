"""Checking that the catalogue, the blob store and the search index agree, and backing up and
restoring the catalogue with its blobs.

A backup is a directory::

    DEST/manifest.json     format, when, database kind, SHA-256 and size of every file below
    DEST/catalogue.sqlite  (SQLite: a consistent copy made with the online backup API)
    DEST/catalogue.pgdump  (PostgreSQL: ``pg_dump --format=custom``; needs the pg_dump client)
    DEST/blobs/ab/cd/<sha256>

The search index is not backed up: it is derived from the catalogue (``pantau reindex``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from .blobs import BlobStore
from .models import DocumentFile, Fact, Sighting

MANIFEST = "manifest.json"
FORMAT = "pantau-backup/1"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BackupError(Exception):
    """A backup could not be made or restored (missing tool, damaged or incomplete backup)."""


@dataclass(frozen=True)
class Problem:
    """One disagreement found by :func:`verify`: what kind, where, and a human-readable detail."""

    kind: str  # blob_corrupt | blob_missing | stray_file | temp_file | index_count | index_unavailable
    locator: str
    detail: str

    def line(self) -> str:
        return f"{self.kind}: {self.locator} — {self.detail}"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _blob_files(root: Path):
    """(path, name) of every file under the blob root, temp files included."""
    if root.is_dir():
        for p in sorted(root.rglob("*")):
            if p.is_file():
                yield p


def verify(cat, *, progress=None) -> list[Problem]:
    """Re-hash every blob and check that every catalogue reference to a file points at a stored
    blob. (Whether the search index agrees with the catalogue is ``indices.refresh.verify_index``.)"""
    store = BlobStore(cat.settings.blob_dir)
    problems: list[Problem] = []
    on_disk: set[str] = set()
    for p in _blob_files(store.root):
        if progress:
            progress(p)
        if p.name.startswith(".tmp-"):
            # left by a killed writer; harmless (never under a real name), swept by the next run
            problems.append(Problem("temp_file", str(p), "temporary file left by an interrupted write"))
            continue
        if not _SHA256.match(p.name) or p != store.path(p.name):
            problems.append(Problem("stray_file", str(p), "not a blob name or not at its place"))
            continue
        actual = sha256_file(p)
        if actual != p.name:
            problems.append(Problem("blob_corrupt", p.name, f"content hashes to {actual}"))
        on_disk.add(p.name)
    with cat.session() as s:
        refs: dict[str, list[str]] = {}
        for sha, size in s.execute(select(DocumentFile.sha256, DocumentFile.size)):
            refs.setdefault(sha, []).append("document_file")
            if sha in on_disk and store.path(sha).stat().st_size != size:
                problems.append(Problem("blob_corrupt", sha,
                                        f"size {store.path(sha).stat().st_size}, catalogue says {size}"))
        for (sha,) in s.execute(select(Sighting.file_sha256).where(Sighting.file_sha256.is_not(None))
                                .distinct()):
            refs.setdefault(sha, []).append("sighting")
        for (sha,) in s.execute(select(Fact.file_sha256).where(Fact.file_sha256.is_not(None)).distinct()):
            refs.setdefault(sha, []).append("fact")
    for sha, where in sorted(refs.items()):
        if sha not in on_disk:
            problems.append(Problem("blob_missing", sha, "referenced by " + ", ".join(where)))
    return problems


def is_error(problem: Problem) -> bool:
    """Temp files are reported but do not fail a verification; everything else does."""
    return problem.kind != "temp_file"


# ---- backup ---------------------------------------------------------------------------------


def _kind(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return "sqlite"
    if backend == "postgresql":
        return "postgresql"
    raise BackupError(f"backup of a {backend} catalogue is not supported")


def _sqlite_path(url: str) -> Path:
    db = make_url(url).database
    if not db or db == ":memory:":
        raise BackupError("an in-memory catalogue cannot be backed up")
    return Path(db)


def _libpq_url(url: str) -> str:
    """The catalogue URL as pg_dump/pg_restore understand it (no SQLAlchemy driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"a PostgreSQL catalogue needs the {name} client (apt install postgresql-client)")
    return path


def backup(cat, dest: Path, *, progress=None) -> dict:
    """Write a backup of the catalogue and every blob to ``dest`` (must not exist or be empty);
    returns the manifest. The manifest is written last: a backup without one is incomplete."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty")
    dest.mkdir(parents=True, exist_ok=True)
    url = cat.engine.url.render_as_string(hide_password=False)
    kind = _kind(url)
    files: dict[str, dict] = {}
    if kind == "sqlite":
        db_name = "catalogue.sqlite"
        src = sqlite3.connect(str(_sqlite_path(url)))
        dst = sqlite3.connect(str(dest / db_name))
        try:
            with dst:
                src.backup(dst)  # consistent even while writers are active
            dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        finally:
            dst.close()
            src.close()
    else:
        db_name = "catalogue.pgdump"
        proc = subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl",
                               "--file", str(dest / db_name), _libpq_url(url)],
                              capture_output=True, text=True, timeout=3600)
        if proc.returncode != 0:
            raise BackupError(f"pg_dump failed: {proc.stderr.strip()[:500]}")
    files[db_name] = {"sha256": sha256_file(dest / db_name), "size": (dest / db_name).stat().st_size}
    store = BlobStore(cat.settings.blob_dir)
    blobs: dict[str, int] = {}
    for p in _blob_files(store.root):
        if p.name.startswith(".tmp-") or not _SHA256.match(p.name):
            continue
        target = dest / "blobs" / p.relative_to(store.root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, target)
        actual = sha256_file(target)
        if actual != p.name:  # copy the damage into the backup? no: refuse and say so
            raise BackupError(f"blob {p.name} is damaged (hashes to {actual}); run `pantau verify`")
        blobs[p.name] = target.stat().st_size
        if progress:
            progress(p)
    manifest = {"format": FORMAT, "created": datetime.now(timezone.utc).isoformat(),
                "database": {"kind": kind, "file": db_name}, "files": files, "blobs": blobs}
    tmp = dest / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, dest / MANIFEST)
    return manifest


def read_manifest(src: Path) -> dict:
    path = Path(src) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{src} has no {MANIFEST}: not a backup, or an incomplete one")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def check_backup(src: Path) -> list[str]:
    """Problems with a backup directory (files missing or not matching the manifest)."""
    src = Path(src)
    manifest = read_manifest(src)
    problems = []
    for name, meta in manifest["files"].items():
        p = src / name
        if not p.is_file() or sha256_file(p) != meta["sha256"]:
            problems.append(f"{name}: missing or does not match the manifest")
    for sha in manifest["blobs"]:
        p = src / "blobs" / sha[:2] / sha[2:4] / sha
        if not _SHA256.match(sha) or not p.is_file() or sha256_file(p) != sha:
            problems.append(f"blob {sha}: missing or damaged")
    return problems


def restore(settings, src: Path, *, progress=None) -> dict:
    """Replace the catalogue and blobs of ``settings`` with the backup in ``src`` after checking it
    against its manifest. Blobs already present are kept (content-addressed, so identical); the
    search index must be rebuilt afterwards (``pantau reindex``)."""
    src = Path(src)
    manifest = read_manifest(src)
    problems = check_backup(src)
    if problems:
        raise BackupError("backup is damaged: " + "; ".join(problems[:5]))
    url = settings.database_url
    kind = _kind(url)
    if kind != manifest["database"]["kind"]:
        raise BackupError(f"backup holds a {manifest['database']['kind']} catalogue, "
                          f"this installation uses {kind}")
    store = BlobStore(settings.blob_dir)
    for sha in manifest["blobs"]:
        if not store.verify(sha):
            store.put((src / "blobs" / sha[:2] / sha[2:4] / sha).read_bytes())
        if progress:
            progress(sha)
    db_file = src / manifest["database"]["file"]
    if kind == "sqlite":
        target = _sqlite_path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".restore-tmp")
        shutil.copyfile(db_file, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        # the old database's WAL must not be replayed onto the restored file
        for suffix in ("-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        os.replace(tmp, target)
    else:
        proc = subprocess.run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
                               "--no-acl", "--single-transaction", "--dbname", _libpq_url(url),
                               str(db_file)], capture_output=True, text=True, timeout=3600)
        if proc.returncode != 0:
            raise BackupError(f"pg_restore failed: {proc.stderr.strip()[:500]}")
    return manifest
