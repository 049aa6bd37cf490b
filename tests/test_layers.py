"""One floor per folder: import-linter's contracts (``[tool.importlinter]`` in pyproject.toml) hold.

Floors, ground first: pantau (settings, gazetteer, legal vocabulary) → nlp → katalog (store of
record) → crawler | indices → webapp → pantau_cli. The contracts also forbid import cycles inside
any package and keep the database, HTTP and web framework out of the floors that must not use them.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOT_LAYERS = {"tests", "bench"}  # they may import anything


def _config() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]


def test_import_linter_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint), "--no-cache"], cwd=REPO, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


def test_every_top_level_package_is_a_floor_of_the_contract():
    packages = {p.parent.name for p in REPO.glob("*/__init__.py")} - NOT_LAYERS
    config = _config()
    assert set(config["root_packages"]) == packages
    floors = next(c for c in config["contracts"] if c["id"] == "floors")["layers"]
    named = {name.strip() for layer in floors for name in layer.split("|")}
    assert named == packages


def test_a_violation_is_reported(tmp_path):
    """The linter really fails on an upward import (the contract is not a no-op)."""
    for pkg in ("low", "high"):
        (tmp_path / pkg).mkdir()
        (tmp_path / pkg / "__init__.py").write_text("")
    (tmp_path / "low" / "leak.py").write_text("import high\n")
    (tmp_path / ".importlinter").write_text(
        "[importlinter]\nroot_packages =\n    low\n    high\n\n"
        "[importlinter:contract:floors]\nname = floors\ntype = layers\nlayers =\n    high\n    low\n")
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint), "--no-cache"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert proc.returncode != 0
    assert "low.leak -> high" in proc.stdout
