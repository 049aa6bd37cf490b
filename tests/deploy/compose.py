"""docker-compose.yml as Debian's ``docker-compose`` CLI resolves it (no Docker daemon needed)."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"
ENV_EXAMPLE = REPO / ".env.example"


def docker_compose(*args: str) -> subprocess.CompletedProcess:
    binary = shutil.which("docker-compose")
    assert binary, "docker-compose not found: run scripts/system-deps.sh"
    return subprocess.run([binary, "--project-directory", str(REPO), "-f", str(COMPOSE),
                           "--env-file", str(ENV_EXAMPLE), *args],
                          cwd=REPO, capture_output=True, text=True, timeout=120)


@lru_cache(maxsize=1)
def resolved() -> dict:
    """The compose file with .env.example's values filled in, anchors and merges resolved."""
    proc = docker_compose("config")
    assert proc.returncode == 0, proc.stderr
    return yaml.safe_load(proc.stdout)


def env_example() -> dict[str, str]:
    out = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            out[key.strip()] = value.strip()
    return out
