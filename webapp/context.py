"""What every view works with: the catalogue, the search index and the settings of this app.

Created once by :func:`webapp.create_app` and kept on the app; views ask here instead of reaching
into ``current_app`` themselves.
"""

from __future__ import annotations

from flask import current_app

from katalog.db import Catalogue
from pantau.settings import Settings

_CATALOGUE = "pantau.catalogue"
_SEARCH = "pantau.search"


def install(app, settings: Settings, catalogue: Catalogue, search_index) -> None:
    app.config["SETTINGS"] = settings
    app.extensions[_CATALOGUE] = catalogue
    app.extensions[_SEARCH] = search_index


def catalogue() -> Catalogue:
    return current_app.extensions[_CATALOGUE]


def search_index():
    return current_app.extensions[_SEARCH]


def settings() -> Settings:
    return current_app.config["SETTINGS"]
