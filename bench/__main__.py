"""Run every benchmark (``make bench``), print a table and write ``bench/results.json``.

Each benchmark module ``bench/bench_<name>.py`` has ``run(work: Path) -> list[Result]``. Numbers are
reported as ratios against a reference measured in the same run on the same input, since absolute
speeds depend on the machine.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m bench")
    ap.add_argument("only", nargs="*", help="benchmark names (default: all)")
    args = ap.parse_args()
    names = sorted(p.stem[len("bench_"):] for p in HERE.glob("bench_*.py"))
    selected = [n for n in names if not args.only or n in args.only]
    work = HERE / ".work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    results = []
    for name in selected:
        mod = importlib.import_module(f"bench.bench_{name}")
        for r in mod.run(work / name):
            results.append({"benchmark": name, **r})
    table = Table("benchmark", "measure", "value", "reference", "ref. value", "ratio", title="Pantau bench")
    for r in results:
        table.add_row(r["benchmark"], r["measure"], f"{r['value']:.4g} {r['unit']}", r.get("reference", ""),
                      f"{r['ref_value']:.4g} {r['unit']}" if r.get("ref_value") is not None else "",
                      f"{r['ratio']:.2f}×" if r.get("ratio") is not None else "")
    Console(width=200).print(table)
    out = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
           "machine": {"python": sys.version.split()[0], "platform": platform.platform(),
                       "cpus": __import__("os").cpu_count()},
           "results": results}
    (HERE / "results.json").write_text(json.dumps(out, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
