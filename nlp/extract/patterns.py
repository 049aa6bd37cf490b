"""Load the extraction patterns (``nlp/patterns/*.yaml``) once per process and version them.

The patterns are data, not code: they describe Indonesian drafting conventions and are reviewed
like any other source file. Every fact carries :data:`EXTRACTOR_VERSION`; a change to a pattern
file without a bump of ``VERSION`` in ``nlp/patterns/VERSION.json`` fails the tests.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

PATTERN_FILES = ("modality.yaml", "terms.yaml", "numbers.yaml", "references.yaml",
                 "relations.yaml", "structure.yaml", "news.yaml", "claims.yaml")


def _dir():
    return resources.files("nlp") / "patterns"


@lru_cache(maxsize=1)
def load_patterns() -> dict[str, Any]:
    """``{"modality": {...}, "terms": {...}, …}``, parsed once."""
    return {name.removesuffix(".yaml"): yaml.safe_load((_dir() / name).read_text(encoding="utf-8"))
            for name in PATTERN_FILES}


def patterns_digest() -> str:
    """SHA-256 over the pattern files, in a fixed order."""
    h = hashlib.sha256()
    for name in PATTERN_FILES:
        h.update(name.encode())
        h.update((_dir() / name).read_bytes())
    return h.hexdigest()


@lru_cache(maxsize=1)
def version_record() -> dict[str, str]:
    return json.loads((_dir() / "VERSION.json").read_text(encoding="utf-8"))


def extractor_version() -> str:
    return version_record()["version"]
