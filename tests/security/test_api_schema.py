"""Schemathesis against /api/v1/openapi.json on the in-process WSGI app with demo-like data: no
500s, and every response matches the schema it is documented with.

Bounded examples per operation; ``make fuzz`` sets ``PANTAU_SCHEMATHESIS_EXAMPLES``.
"""

from __future__ import annotations

import os

import pytest
import schemathesis  # a test dependency: missing it is a failure, never a skip
from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("PANTAU_SCHEMATHESIS_EXAMPLES", "25"))
CASES = {"n": 0}


@pytest.fixture(scope="module")
def wsgi_app(tmp_path_factory):
    from katalog.db import Catalogue
    from indices.search.embedded import EmbeddedIndex
    from pantau.settings import load_settings
    from tests.indices.search import synthetic
    from webapp import create_app
    data = tmp_path_factory.mktemp("schema")
    os.environ["PANTAU_RATE_LIMIT"] = "off"
    try:
        cat = Catalogue(load_settings(data_dir=str(data), config_file=str(data / "none.toml")))
        cat.init()
        synthetic.store(cat, synthetic.corpus(60, seed=3, size=1500))
        EmbeddedIndex.for_catalogue(cat).sync(cat)
        from indices import adoption
        adoption.compute(cat)
        app = create_app(cat.settings)
    finally:
        os.environ.pop("PANTAU_RATE_LIMIT", None)
    return app


def test_api_matches_its_schema(wsgi_app, capsys):
    from hypothesis import given
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    cases: dict[str, int] = {}
    failures: dict[str, str] = {}
    for result in schema.get_all_operations():
        op = result.ok()
        label = f"{op.method.upper()} {op.path}"
        cases[label] = 0

        @given(case=op.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                  suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            cases[label] += 1  # noqa: B023 (run() is called in this iteration)
            case.call_and_validate()

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failures
            failures[label] = f"{type(exc).__name__}: {str(exc)[:1500]}"
    with capsys.disabled():
        print(f"\nschemathesis cases per operation: {cases} (total {sum(cases.values())})")
    assert not failures, "\n\n".join(f"{k}: {v}" for k, v in failures.items())
