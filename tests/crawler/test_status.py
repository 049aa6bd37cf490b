"""Source health: each run's counts judged against the source's own history (katalog.health,
read by indices.status), and ``pantau status`` showing it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from katalog import importer
from katalog.db import Catalogue
from katalog.models import SourceRun
from crawler.store import last_finished_runs
from indices.status import source_health
from katalog.health import RunFacts, health_of, median_gap_days, usual_items
from pantau_cli.cli import main
from pantau.settings import load_settings

# "now" is real: `pantau status` judges against the current time
NOW = datetime.now(timezone.utc).replace(microsecond=0)


def run(items=12, status="finished", docs_new=0, errors=0, days_ago=0.0, **stats) -> RunFacts:
    return RunFacts(started_at=NOW - timedelta(days=days_ago), status=status, items=items,
                    docs_new=docs_new, errors=errors, finish_reason="finished", stats=stats)


def test_usual_items_and_gaps():
    assert usual_items([run(12), run(10), run(14), run(0, status="failed")]) == 12
    assert usual_items([]) is None
    t = [NOW - timedelta(days=d) for d in (0, 7, 14, 30)]
    assert median_gap_days(t) == 7
    assert median_gap_days(t[:1]) is None


@pytest.mark.parametrize("last,earlier,since,gap,level,flags", [
    (run(0), [run(12)] * 5, 3, 7, "warn", ["⚠ 0 item (biasanya 12)"]),
    (run(0, **{"pantau/not_modified": 1}), [run(12)] * 5, 3, 7, "ok", ["tidak berubah (304)"]),
    (run(0), [], None, None, "ok", []),  # a source that never had items is not "quiet"
    (run(0, errors=2), [], None, None, "warn", ["⚠ 0 item", "⚠ 2 galat"]),
    (run(12), [run(12)] * 3, 30, 7, "warn", ["⚠ tak ada dokumen baru 30 hari (biasanya tiap 7 hari)"]),
    (run(12), [run(12)] * 3, 10, 7, "ok", []),
    (run(0, status="failed"), [run(12)], None, None, "fail", ["✗ gagal: finished"]),
    (None, [], None, None, "never", ["belum pernah dijelajahi"]),
])
def test_health_of(last, earlier, since, gap, level, flags):
    assert health_of(last, earlier, days_since_new=since, gap_days=gap) == (level, flags)


@pytest.fixture
def history(tmp_path):
    """A catalogue where 'jdih-kendal' brought 12 items a run and new documents weekly, then a
    run with nothing; 'bpk' is fine; 'baru' has never finished a run."""
    settings = load_settings(data_dir=str(tmp_path / "var"), config_file=str(tmp_path / "x.toml"))
    cat = Catalogue(settings)
    cat.init()
    with cat.session() as s:
        kendal = importer.get_or_create_source(s, "jdih-kendal", "jdihn_feed", "https://k.id/f")
        bpk = importer.get_or_create_source(s, "bpk", "bpk", "https://peraturan.bpk.go.id/")
        importer.get_or_create_source(s, "baru", "news", "https://b.id/")
        for days_ago in (35, 28, 21, 14, 7):
            start = NOW - timedelta(days=days_ago)
            s.add(SourceRun(source_id=kendal.id, started_at=start, finished_at=start,
                            status="finished", finish_reason="finished", items=12,
                            docs_new=3, stats={}))
        s.add(SourceRun(source_id=kendal.id, started_at=NOW - timedelta(hours=2),
                        finished_at=NOW - timedelta(hours=1), status="finished",
                        finish_reason="finished", items=0, docs_new=0, stats={}))
        s.add(SourceRun(source_id=bpk.id, started_at=NOW - timedelta(days=1),
                        finished_at=NOW - timedelta(days=1), status="finished",
                        finish_reason="finished", items=4, docs_new=1, errors=1,
                        stats={"errors_by_reason": {"fetch:http_503": 1}}))
    yield settings, cat
    cat.dispose()


def test_source_health_from_the_catalogue(history):
    settings, cat = history
    health = {h.name: h for h in source_health(cat, now=NOW)}
    k = health["jdih-kendal"]
    assert (k.level, k.items, k.usual_items, k.runs) == ("warn", 0, 12, 6)
    assert k.median_gap_days == 7 and round(k.days_since_new) == 7
    assert k.flags == ["⚠ 0 item (biasanya 12)"]
    b = health["bpk"]
    assert (b.level, b.flags, b.errors_by_reason) == ("warn", ["⚠ 1 galat"], {"fetch:http_503": 1})
    assert health["baru"].level == "never"
    last = last_finished_runs(cat)
    assert set(last) == {"jdih-kendal", "bpk"}
    assert last["jdih-kendal"] == NOW - timedelta(hours=1)


def test_pantau_status_shows_the_flags(history):
    settings, _ = history
    args = ["--data-dir", str(settings.data_dir), "--config", str(settings.data_dir / "x.toml")]
    out = CliRunner().invoke(main, args + ["status"], terminal_width=220)
    assert out.exit_code == 0, out.output
    assert "⚠ 0 item (biasanya 12)" in out.output
    assert "belum pernah dijelajahi" in out.output
    assert "http_503 1" in out.output
    as_json = CliRunner().invoke(main, args + ["status", "--json"])
    rows = {r["name"]: r for r in json.loads(as_json.output)["sources"]}
    assert rows["jdih-kendal"]["flags"] == ["⚠ 0 item (biasanya 12)"]
    assert rows["jdih-kendal"]["last_run"] == (NOW - timedelta(hours=2)).isoformat()
