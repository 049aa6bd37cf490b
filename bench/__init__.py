"""Benchmarks: each ``bench/bench_*.py`` measures one stage against a reference measured in the same run."""
