"""A migration that fails half-way (a crash, a bug in a revision) leaves the SQLite catalogue as it
was, so the next run migrates it from the start: Python's sqlite3 commits each CREATE TABLE on its
own unless the migration holds a real transaction."""

from __future__ import annotations

import shutil
from importlib import resources

import pytest
from sqlalchemy import inspect

from katalog.db import Catalogue, make_engine, migrate

BOOM = '''"""A revision that fails after creating a table (the test's crash)."""
from alembic import op
import sqlalchemy as sa

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("boom", sa.Column("id", sa.Integer, primary_key=True))
    raise RuntimeError("killed half-way")


def downgrade():
    pass
'''


def _head() -> str:
    versions = resources.files("katalog") / "migrations" / "versions"
    return max(p.name.split("_", 1)[0] for p in versions.iterdir() if p.name[:4].isdigit())


def test_a_failed_migration_leaves_nothing_and_the_next_run_completes(settings, tmp_path):
    scripts = tmp_path / "migrations"
    shutil.copytree(resources.files("katalog") / "migrations", scripts)
    (scripts / "versions" / "9999_boom.py").write_text(BOOM.format(head=_head()))
    engine = make_engine(settings.database_url)
    with pytest.raises(RuntimeError, match="killed half-way"):
        migrate(engine, script_location=str(scripts))
    assert inspect(engine).get_table_names() == []
    engine.dispose()
    cat = Catalogue(settings)
    assert cat.init() == 552
    assert {"region", "document", "jdih_site", "alembic_version"} <= \
        set(inspect(cat.engine).get_table_names())
    assert cat.init() == 0
    cat.dispose()
