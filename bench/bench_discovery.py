"""Discovery and the crawl of what it found, on the simulated internet (tests/crawler/world: ~120
hosts of every CMS family and trap on loopback, names pinned by a hosts file, no real DNS).

- discovery: ``pantau sources discover`` over every region of the world (registry addresses, then
  the naming patterns; most pattern hosts do not resolve, a few time out): **hosts checked per
  minute**, against a plain ``urllib`` loop fetching each reachable candidate's home page once, in
  the same run (the bare cost of asking);
- crawl: ``python -m crawler`` over the sources discovery verified (every family's spider, the
  generic one included, all sources side by side in one process), throttling off: **documents
  per second**, against a ``urllib`` loop replaying the crawl's own GET requests one after
  another (fetching without parsing, storing or cataloguing).

Discovery runs with a 0.02 s delay between requests to one host and a 2 s timeout (the slow hosts
cost two timeouts); its time is Scrapy's ``elapsed_time_seconds``, so interpreter start-up is not
counted. Politeness other than the delay stays on (robots.txt, one request at a time per host for
discovery, two for the crawl).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def _get(port: int, host: str, path: str, timeout: float = 2.0) -> bytes:
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                 headers={"Host": f"{host}:{port}"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.read()
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        return b""


def run(work: Path) -> list[dict]:
    sys.path.insert(0, str(REPO))
    from crawler.registry import registry_entries
    from katalog.db import Catalogue
    from pantau.settings import load_settings
    from tests.crawler.world.build import build_world
    from tests.crawler.world.server import World, env

    work.mkdir(parents=True, exist_ok=True)
    spec = build_world()
    data = work / "var"
    data.mkdir()
    out: list[dict] = []
    with World(spec.sites) as world:
        hosts = world.write_hosts_file(work / "hosts")
        registry = spec.write_registry(work / "registry.csv")
        cmd = [sys.executable, "-m", "pantau_cli", "--data-dir", str(data), "--config",
               str(work / "none.toml"), "sources", "discover", "--registry", str(registry),
               "--port", str(world.port), "--delay", "0.02", "--timeout", "2",
               "--retry-backoff", "0.1", "--json"]
        for code in sorted(spec.probes):
            cmd += ["--region", code]
        proc = subprocess.run(cmd, cwd=REPO, env={**os.environ, **env(hosts)},
                              capture_output=True, text=True, timeout=1200, check=True)
        report = json.loads(proc.stdout)
        checked, elapsed = report["checked"], report["elapsed"]

        # reference: one GET of every reachable candidate's home page, one after another
        live = {s.host for s in spec.sites if not s.options.get("dead")}
        t0 = time.perf_counter()
        for host in spec.expected:
            if host in live:
                _get(world.port, host, "/")
        ref = time.perf_counter() - t0
        reachable = sum(1 for h in spec.expected if h in live)
        out.append({"measure": f"discovery: {checked} hosts checked ({report['counts']})",
                    "value": checked / elapsed * 60, "unit": "hosts/min",
                    "reference": f"urllib: GET / of each host ({reachable} reachable; the "
                                 f"others cost it nothing)",
                    "ref_value": len(spec.expected) / ref * 60,
                    "ratio": (checked / elapsed * 60) / (len(spec.expected) / ref * 60)})

        cat = Catalogue(load_settings(data_dir=str(data), config_file=str(work / "none.toml")))
        sources = registry_entries(cat, rate_limit=0, retry_backoff=0.3)
        cat.dispose()
        (work / "sources.yaml").write_text(yaml.safe_dump({"sources": sources}),
                                           encoding="utf-8")
        n0 = len(world.hits)
        proc = subprocess.run([sys.executable, "-m", "crawler", "--sources",
                               str(work / "sources.yaml"), "--data-dir", str(data), "--config",
                               str(work / "none.toml"), "--json", "--no-throttle"],
                              cwd=REPO, env={**os.environ, **env(hosts)}, capture_output=True,
                              text=True, timeout=1800, check=True)
        summaries = json.loads(proc.stdout)
        docs = sum(s["docs_new"] for s in summaries)
        # the sources run side by side: the crawl's time is from the first run's start to the
        # last one's end, as the catalogue recorded them
        from katalog.models import SourceRun
        cat = Catalogue(load_settings(data_dir=str(data), config_file=str(work / "none.toml")))
        with cat.session() as s:
            runs = [s.get(SourceRun, x["run_id"]) for x in summaries]
            crawl_s = (max(r.finished_at for r in runs) - min(r.started_at for r in runs)
                       ).total_seconds()
        cat.dispose()
        # reference: the crawl's own GET requests (pages, feeds, PDFs) replayed one after another
        gets = [(h, p) for _, h, m, p, _st in list(world.hits)[n0:] if m == "GET"]
        t0 = time.perf_counter()
        for host, path in gets:
            _get(world.port, host, path)
        ref = time.perf_counter() - t0
        out.append({"measure": f"crawl of the {len(sources)} verified sites: {docs} documents "
                               f"in {crawl_s:.0f} s",
                    "value": docs / crawl_s if crawl_s else 0.0, "unit": "docs/s",
                    "reference": f"urllib: the crawl's {len(gets)} GETs replayed",
                    "ref_value": docs / ref,
                    "ratio": (docs / crawl_s) / (docs / ref) if crawl_s and docs else None})
    return out


if __name__ == "__main__":  # python -m bench discovery
    for row in run(REPO / "bench" / ".work" / "discovery"):
        print(row)
