"""The renderers of the simulated internet, one module per CMS family (plus ``traps``), each
exporting ``render(site, request) -> Response`` and ``start_path(site) -> str`` (where a crawl
source of that site starts).

Modules are imported lazily, by family name, so a world can be built and served with only the
families whose module exists (:func:`available`); :func:`renderer` of a missing one raises
:class:`MissingFamily`.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Callable

from tests.crawler.world.model import Renderer, WorldSite

# family -> module under tests.crawler.world.sites
MODULES = {
    "jdihn_feed": "jdihn", "ildis": "ildis", "baghukum": "baghukum", "acehdih": "acehdih",
    "wordpress": "wordpress", "jdihcms": "jdihcms", "generic": "generic",
    # traps: sites discovery must turn down
    "parked": "traps", "portal": "traps", "portal_home": "traps", "redirect": "traps",
    "error5xx": "traps", "slow": "traps", "robots": "traps", "dead": "traps",
}
TRAP_FAMILIES = ("parked", "portal", "portal_home", "redirect", "error5xx", "slow", "robots",
                 "dead")


class MissingFamily(LookupError):
    """No renderer module (yet) for a family."""


class _Renderers(dict):
    """``RENDERERS[family]``: the family's ``render``, imported on first use."""

    def __missing__(self, family: str) -> Renderer:
        fn = _module(family).render
        self[family] = fn
        return fn

    def __contains__(self, family: object) -> bool:
        return isinstance(family, str) and family in MODULES and _exists(MODULES[family])


RENDERERS: dict[str, Renderer] = _Renderers()


def _exists(module: str) -> bool:
    return importlib.util.find_spec(f"{__name__}.{module}") is not None


def _module(family: str):
    module = MODULES.get(family)
    if module is None:
        raise MissingFamily(f"unknown family {family!r} (known: {', '.join(MODULES)})")
    if not _exists(module):
        raise MissingFamily(f"family {family!r} has no renderer yet: "
                            f"tests/crawler/world/sites/{module}.py does not exist")
    return importlib.import_module(f"{__name__}.{module}")


def renderer(family: str) -> Renderer:
    """The ``render`` of ``family`` (``MissingFamily`` when its module is not there)."""
    return RENDERERS[family]


def start_path(site: WorldSite) -> str:
    """Where a crawl source of ``site`` starts (the module's ``start_path``, "/" without one)."""
    fn: Callable[[WorldSite], str] | None = getattr(_module(site.family), "start_path", None)
    return fn(site) if fn else "/"


def available() -> list[str]:
    """The families whose renderer module exists."""
    return [f for f, m in MODULES.items() if _exists(m)]
