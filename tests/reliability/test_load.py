"""A bounded run of bench/bench_load.py: 20 concurrent clients (no think time) for 10 s against
the production server (`pantau serve`, gunicorn) over 1,500 synthetic documents (search, map,
region pages, API search): zero errors."""

from __future__ import annotations

import statistics

from bench import bench_load


def test_twenty_clients_ten_seconds_no_errors(tmp_path, capsys):
    res = bench_load.load(tmp_path / "load", docs=1500, seconds=10, clients=20)
    assert res["errors"] == [], res["errors"][:10]
    lat = res["latencies"]
    assert all(lat[k] for k in lat), {k: len(v) for k, v in lat.items()}
    dynamic = [x for k, v in lat.items() if k != "static" for x in v]
    with capsys.disabled():
        print(f"\nload: {len(dynamic)} dynamic requests in 10 s, p50 {statistics.median(dynamic):.0f} ms, "
              f"p99 {bench_load._p(dynamic, 0.99):.0f} ms")
    assert bench_load._p(dynamic, 0.99) < 10_000
