"""Data flows one way; a lower layer never imports a higher one (checked on the source, by AST).

Layers, lowest first: pantau.settings/pantau.wilayah (configuration and reference data) → nlp (pure
functions) → indices catalogue (store of record: models, blobs, importer, ingest) → crawler →
indices search/adoption → webapp → pantau.cli (orchestration).
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OURS = ("pantau", "nlp", "indices", "crawler", "webapp", "bench", "tests")

# For each package: the packages of ours it may import.
ALLOWED = {
    "nlp": {"nlp", "pantau.wilayah"},
    "indices": {"indices", "nlp", "pantau.settings", "pantau.wilayah"},
    "crawler": {"crawler", "indices", "nlp", "pantau.settings", "pantau.wilayah"},
    "webapp": {"webapp", "indices", "nlp", "pantau.settings", "pantau.wilayah"},
    "pantau.settings": set(),
    "pantau.wilayah": set(),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return {n for n in names if n.split(".")[0] in OURS}


def _allowed(name: str, allowed: set[str]) -> bool:
    return any(name == a or name.startswith(a + ".") for a in allowed)


def test_no_layer_imports_a_higher_one():
    violations = []
    for layer, allowed in ALLOWED.items():
        base = REPO / Path(*layer.split("."))
        files = [base.with_suffix(".py")] if base.with_suffix(".py").exists() else base.rglob("*.py")
        for f in files:
            for name in _imports(f):
                # search/adoption indices may not be used by the crawler
                if layer == "crawler" and name.startswith(("indices.search", "indices.adoption")):
                    violations.append(f"{f.relative_to(REPO)} imports {name}")
                elif not _allowed(name, allowed):
                    violations.append(f"{f.relative_to(REPO)} imports {name}")
    assert violations == []


def test_nothing_imports_the_cli():
    offenders = [str(f.relative_to(REPO)) for pkg in ("nlp", "indices", "crawler", "webapp")
                 for f in (REPO / pkg).rglob("*.py") if any(n.startswith("pantau.cli") for n in _imports(f))]
    assert offenders == []
