"""Opening the catalogue database, migrating it, and loading the region gazetteer."""

from __future__ import annotations

from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from pantau import wilayah
from pantau.settings import Settings

from .models import Region


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _transactional_sqlite(url: str) -> Engine:
    """An engine whose transactions hold DDL too. Python's sqlite3 opens a transaction only before
    INSERT/UPDATE/DELETE and runs each CREATE TABLE on its own, so a migration killed half-way left
    tables without their ``alembic_version`` and no later run could finish it ("table region
    already exists"). Here the driver leaves transactions alone and ``BEGIN IMMEDIATE`` opens one
    (SQLAlchemy's recipe for pysqlite): a migration is all or nothing."""
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, record):
        _sqlite_pragmas(dbapi_conn, record)
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("katalog") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(engine: Engine, script_location: str | None = None) -> None:
    """Bring the schema to the newest Alembic revision (idempotent), in one transaction: a run
    killed or failing half-way leaves the schema as it was."""
    url = engine.url.render_as_string(hide_password=False)
    cfg = alembic_config(url)
    if script_location:
        cfg.set_main_option("script_location", script_location)
    target = _transactional_sqlite(url) if engine.dialect.name == "sqlite" else engine
    try:
        with target.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    finally:
        if target is not engine:
            target.dispose()


def load_regions(session: Session) -> int:
    """Upsert the 552 bundled regions; returns how many were added."""
    existing = {k for (k,) in session.execute(select(Region.kode))}
    added = 0
    for w in wilayah.all_regions():  # provinces come first, so parents exist before children
        row = session.get(Region, w.kode) if w.kode in existing else None
        if row is None:
            session.add(Region(kode=w.kode, nama=w.nama, kind=w.kind,
                               kode_provinsi=w.kode_provinsi, lat=w.lat, lng=w.lng))
            added += 1
        else:
            row.nama, row.kind, row.kode_provinsi, row.lat, row.lng = (
                w.nama, w.kind, w.kode_provinsi, w.lat, w.lng)
        if w.kind == "provinsi":
            session.flush()
    return added


class Catalogue:
    """The catalogue of one installation: engine, sessions, and the blob store beside it."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.engine = make_engine(settings.database_url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def init(self) -> int:
        """Create or migrate the schema and load regions; returns regions added."""
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        migrate(self.engine)
        with self.session() as s:
            return load_regions(s)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on any error."""
        s = self._sessions()
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    def is_initialised(self) -> bool:
        from sqlalchemy import inspect
        if not inspect(self.engine).has_table("region"):
            return False
        with self.session() as s:
            return (s.scalar(select(func.count()).select_from(Region)) or 0) > 0

    def dispose(self) -> None:
        self.engine.dispose()
