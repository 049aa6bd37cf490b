"""The lint run of ``make test``: ruff with the rules of ``[tool.ruff]`` in pyproject.toml finds
nothing in the project's own code (pyflakes, pycodestyle errors, bugbear)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _ruff(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    ruff = Path(sys.executable).with_name("ruff")
    return subprocess.run([str(ruff), "check", "--no-cache", "--output-format", "concise", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=300)


def test_ruff_finds_nothing():
    proc = _ruff(".")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def test_ruff_reads_the_project_rules(tmp_path):
    # the same configuration catches a planted unused import and a closure over a loop variable,
    # so the check above cannot pass by reading no rules or no files
    rules = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"]
    assert {"F", "B"} <= set(rules["lint"]["select"])
    (tmp_path / "pyproject.toml").write_text((REPO / "pyproject.toml").read_text(encoding="utf-8"),
                                             encoding="utf-8")
    (tmp_path / "planted.py").write_text(
        "import os\n\nfns = []\nfor k in range(3):\n    fns.append(lambda: k)\n", encoding="utf-8")
    proc = _ruff(".", cwd=tmp_path)
    assert proc.returncode == 1
    assert "F401" in proc.stdout and "B023" in proc.stdout
