"""The shapes shared by the simulated internet's sites: a site, its documents, one request and
one response, and the renderer contract every CMS family implements (``sites/<family>.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable


@dataclass(frozen=True)
class WorldDoc:
    """One regulation a fixture site publishes; ``region_code`` is the truth the crawl is scored on."""

    region_code: str
    jenis: str            # as the site writes it: "Peraturan Bupati", "Perwal", "Qanun"...
    nomor: str
    tahun: int
    judul: str            # the "tentang" part
    pdf: bytes            # the file served (a real PDF)
    slug: str = ""
    tanggal: date | None = None


@dataclass
class WorldSite:
    """One host of the simulated internet; ``family`` picks the renderer."""

    host: str
    family: str
    region_code: str | None      # None for traps that belong to nobody (parked, portal)
    region_name: str             # how the site names itself ("Kabupaten Batang")
    docs: list[WorldDoc] = field(default_factory=list)
    options: dict = field(default_factory=dict)   # per-family knobs (feed path, page size, ...)


@dataclass(frozen=True)
class Request:
    method: str
    path: str                        # without the query string
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    base: str                        # "http://<host>:<port>" as the client addressed it


@dataclass
class Response:
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    body: bytes = b""


Renderer = Callable[[WorldSite, Request], Response]
