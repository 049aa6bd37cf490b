"""The queue of stored files waiting to be read, shared by every ``pantau extract`` process.

A file waits when it has never been read (``text_status == belum``) or when it was queued to be
read again (``queued_at`` set by ``pantau extract --all``); reading it clears both.

On PostgreSQL any number of processes or containers drain the queue together, with PostgreSQL's
own row locks rather than a queue of ours: a worker takes the next waiting file with
``SELECT … FOR NO KEY UPDATE SKIP LOCKED`` and keeps that transaction, and so the lock, until
the file's text and facts are committed in it. Another worker skips a locked file, so no two
workers take the same one; a worker that is killed loses its connection, PostgreSQL rolls its
transaction back and releases the lock, and the file is waiting again for the next worker. (The
``NO KEY`` strength lets the crawler keep adding sightings that refer to the file meanwhile.)
The transaction stays open while the file is read, OCR included, so a server setting
``idle_in_transaction_session_timeout`` must allow ``PANTAU_DOCUMENT_TIMEOUT`` and more.

``pantau extract --all`` is a pass: the first process queues every file; processes started
while that pass runs join it instead of queuing everything again (a PostgreSQL advisory lock,
held shared by each process of the pass, tells whether one is running; a killed process's share
goes with its connection).

SQLite has no row locks: there one process reads the queue, outside any transaction (a write
transaction would lock the whole database for the length of an OCR).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import func, or_, select, text, update
from sqlalchemy.orm import Session

from .db import Catalogue
from .models import DocumentFile
from .types import utcnow
from .vocab import TextStatus

PASS_LOCK = 0x70616E74  # advisory lock key of an `extract --all` pass ("pant")
POLL_SECONDS = 0.5  # how often a worker with nothing to take looks again while others work
MAX_CONFLICTS = 3  # a file whose store keeps colliding with other workers' commits is a bug


def waiting():
    """The SQL condition of a file that waits to be read."""
    return or_(DocumentFile.text_status == TextStatus.BELUM, DocumentFile.queued_at.is_not(None))


def shared(cat: Catalogue) -> bool:
    """Whether several processes can drain this catalogue's queue together."""
    return cat.engine.dialect.name == "postgresql"


def claim_next(session: Session) -> DocumentFile | None:
    """Lock and return the oldest waiting file no other worker holds (PostgreSQL), or None.
    The lock lasts until ``session`` commits or rolls back."""
    return session.scalars(
        select(DocumentFile).where(waiting())
        .order_by(DocumentFile.created_at, DocumentFile.sha256).limit(1)
        .with_for_update(skip_locked=True, key_share=True)).first()


def waiting_count(session: Session) -> int:
    """Files still waiting, including those other workers hold right now."""
    return session.scalar(select(func.count()).select_from(DocumentFile).where(waiting())) or 0


def waiting_shas(session: Session) -> list[str]:
    return list(session.scalars(select(DocumentFile.sha256).where(waiting())
                                .order_by(DocumentFile.created_at, DocumentFile.sha256)))


def mark_read(file: DocumentFile) -> None:
    file.queued_at = None


def queue_everything(cat: Catalogue) -> int:
    """Queue every stored file to be read again; returns how many."""
    with cat.session() as s:
        return s.execute(update(DocumentFile).values(queued_at=utcnow())).rowcount


@contextmanager
def reread_pass(cat: Catalogue) -> Iterator[bool]:
    """Take part in an ``extract --all`` pass for as long as the block runs; yields whether this
    process started the pass (queued every file) or joined one already running."""
    if not shared(cat):
        queue_everything(cat)
        yield True
        return
    conn = cat.engine.connect()
    try:
        started = bool(conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": PASS_LOCK}))
        conn.commit()
        if started:  # no other process is in a pass: start one
            queue_everything(cat)
            conn.execute(text("SELECT pg_advisory_lock_shared(:k)"), {"k": PASS_LOCK})
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PASS_LOCK})
        else:  # waits while a starting process is queuing, then joins its pass
            conn.execute(text("SELECT pg_advisory_lock_shared(:k)"), {"k": PASS_LOCK})
        conn.commit()
        yield started
    finally:
        try:
            conn.execute(text("SELECT pg_advisory_unlock_all()"))  # the pooled connection keeps none
            conn.commit()
        finally:
            conn.close()


def is_waiting(file: DocumentFile) -> bool:
    return file.text_status == TextStatus.BELUM or file.queued_at is not None
