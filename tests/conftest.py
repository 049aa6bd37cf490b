"""Shared fixtures: settings in a temp data dir, and a catalogue on SQLite or a real PostgreSQL."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from pantau.settings import load_settings

REPO = Path(__file__).resolve().parents[1]
REAL = REPO / "tests" / "fixtures" / "real"
_db_counter = itertools.count()


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory):
    """A real PostgreSQL server for the whole session (started by the test command's scripts)."""
    from tests.support.postgres import running_postgres
    with running_postgres(tmp_path_factory.mktemp("pg")) as url:
        yield url


@pytest.fixture(scope="session")
def opensearch_url(tmp_path_factory):
    """The real OpenSearch node, one per session (tests/engines/opensearch_node.py), shared by the
    search suite and the deployment tests; ``PANTAU_TEST_SEARCH_URL`` points them elsewhere."""
    from tests.engines.opensearch_node import running_opensearch
    with running_opensearch(tmp_path_factory.mktemp("opensearch")) as url:
        yield url


@pytest.fixture
def settings(tmp_path):
    return load_settings(data_dir=str(tmp_path / "var"), config_file=str(tmp_path / "none.toml"))


def _catalogue(settings, url=None):
    from katalog.db import Catalogue
    if url:
        settings = load_settings(data_dir=str(settings.data_dir), database_url=url,
                                 config_file=str(settings.data_dir / "none.toml"))
    cat = Catalogue(settings)
    cat.init()
    return cat


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def catalogue(request, settings):
    """An initialised catalogue, once on SQLite and once on PostgreSQL."""
    url = None
    if request.param == "postgres":
        from tests.support.postgres import fresh_database
        url = fresh_database(request.getfixturevalue("postgres_url"), f"t{next(_db_counter)}")
    cat = _catalogue(settings, url)
    yield cat
    cat.dispose()


@pytest.fixture
def sqlite_catalogue(settings):
    cat = _catalogue(settings)
    yield cat
    cat.dispose()


@pytest.fixture
def real_pdfs(tmp_path) -> dict[str, Path]:
    """Copies of the real Batang PDFs (tests may corrupt their copies)."""
    out = {}
    for p in sorted(REAL.glob("*.pdf")):
        dst = tmp_path / "real" / p.name
        dst.parent.mkdir(exist_ok=True)
        shutil.copy(p, dst)
        out[p.stem] = dst
    return out
