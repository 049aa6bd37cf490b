"""``python -m crawler``: one crawl in a fresh process (the way tests and scripts run crawls).

    python -m crawler --sources pantau_cli/data/demo/sources.yaml [--only NAME ...] [--due]
                      [--since YYYY-MM-DD] [--data-dir DIR] [--json]

Initialises the catalogue if needed, runs ``crawler.runner.crawl`` once, and prints one line per
source (or a JSON list of summaries with ``--json``). The exit status is 0 even when sources
failed: failures are data, recorded in the catalogue. Use ``pantau crawl`` for everyday work.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from katalog.db import Catalogue
from pantau.settings import load_settings

from crawler.runner import crawl
from crawler.sources import SourceConfigError, load_sources


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m crawler", description=__doc__.splitlines()[0])
    ap.add_argument("--sources", required=True, help="registry file (sources.yaml)")
    ap.add_argument("--only", action="append", default=[], help="crawl only this source")
    ap.add_argument("--data-dir", help="Pantau data directory (default: settings)")
    ap.add_argument("--config", help="pantau.toml to read")
    ap.add_argument("--due", action="store_true", help="only the sources due for a crawl")
    ap.add_argument("--since", type=date.fromisoformat, help="skip what is dated before this")
    ap.add_argument("--no-throttle", action="store_true",
                    help="AutoThrottle off (benchmarks on loopback only; never for real sites)")
    ap.add_argument("--log-level", default="WARNING")
    ap.add_argument("--json", action="store_true", help="print the summaries as JSON")
    args = ap.parse_args(argv)
    try:
        sources = load_sources(args.sources)
    except SourceConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    overrides = {"data_dir": args.data_dir} if args.data_dir else {}
    settings = load_settings(args.config, **overrides)
    cat = Catalogue(settings)
    if not cat.is_initialised():
        cat.init()
    try:
        summaries = crawl(cat, sources, args.only or None, due=args.due, since=args.since,
                          log_level=args.log_level,
                          scrapy_overrides={"AUTOTHROTTLE_ENABLED": False}
                          if args.no_throttle else None)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        cat.dispose()
    if args.json:
        print(json.dumps([s.as_dict() for s in summaries], indent=2))
    else:
        for s in summaries:
            print(f"{s.name}: {s.status} ({s.finish_reason}); {s.items} items, "
                  f"{s.docs_new} new / {s.docs_updated} updated / {s.docs_unchanged} unchanged, "
                  f"{s.files_new} new files, {s.errors} errors, {s.requests} requests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
