"""The result page every engine returns: hits with their matching passages, facets, and paging.

Both engines fill the same dataclasses, so callers (CLI, web app, tests) never see which one ran.
A passage is plain text with the offsets of the words that matched; making HTML of it (escaping,
``<mark>``) is the web app's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pantau import wilayah

from ..paging import Page
from .parser import SearchRequest
from .records import PROGRAMS, STATUS_UNKNOWN

# facet name -> (record field, how many values a page shows at most)
FACETS: dict[str, tuple[str, int]] = {
    "province": ("kode_provinsi", 38),
    "region": ("region_code", 30),
    "jenis": ("jenis_code", 20),
    "tahun": ("tahun", 40),
    "status": ("status", 10),
    "program": ("programs", 10),
}
# filter name -> record field (facets plus the two filters without a facet)
FILTER_FIELDS = {**{k: v[0] for k, v in FACETS.items()}, "has_obligation": "has_obligation",
                 "kind": "kind"}
# Engines are asked for every bucket and the page keeps the top ones, so counts are exact.
ENGINE_FACET_SIZE = 1000

_STATUS_LABELS = {"berlaku": "Berlaku", "dicabut": "Dicabut / tidak berlaku", "diubah": "Diubah",
                  STATUS_UNKNOWN: "Tidak diketahui"}


@dataclass
class Passage:
    """A stretch of text a search matched: plain text and the offsets of its matched words.

    ``field`` is ``body`` for a fragment of the document text (what a result list shows under
    the title) or ``passage`` for a fact (an obligation or a target), which then carries its
    ``kind``, Pasal, ayat, page and character offsets in the extracted text (``start``, ``end``).
    In ``text`` every run of whitespace is one space; ``matches`` are ``(start, end)`` offsets
    into ``text``, in order and not overlapping. ``clipped_start``/``clipped_end``: the fragment
    was cut out of a longer text there.
    """

    field: str
    text: str
    matches: list[tuple[int, int]]
    kind: str | None = None
    pasal: str | None = None
    ayat: str | None = None
    page: int | None = None
    start: int | None = None
    end: int | None = None
    clipped_start: bool = False
    clipped_end: bool = False

    @property
    def excerpt(self) -> str:
        """The text as a result list prints it, with "…" where it was cut."""
        return ("…" if self.clipped_start else "") + self.text + ("…" if self.clipped_end else "")


_SPACE = re.compile(r"\s+")


def squash_spaces(text: str, matches: list[tuple[int, int]], *,
                  strip: bool = True) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with each run of whitespace as one space (and with ``strip`` none before the
    first match or after the last), and ``matches`` moved along. A run is never merged across
    a match boundary, so every match keeps its own first and last character."""
    cuts = sorted({0, len(text), *(x for span in matches for x in span)})
    moved = {0: 0}
    pieces: list[str] = []
    length = 0
    for a, b in zip(cuts, cuts[1:]):
        piece = _SPACE.sub(" ", text[a:b])
        pieces.append(piece)
        length += len(piece)
        moved[b] = length
    out = "".join(pieces)
    spans = [(moved[s], moved[e]) for s, e in matches]
    if strip:
        lead = len(out) - len(out.lstrip(" "))
        trail = len(out) - len(out.rstrip(" "))
        if spans:
            lead = min(lead, spans[0][0])
            trail = min(trail, len(out) - spans[-1][1])
        out = out[lead:len(out) - trail]
        spans = [(s - lead, e - lead) for s, e in spans]
    return out, spans


@dataclass
class Hit:
    reg_key: str
    title: str
    score: float
    highlights: list[Passage] = field(default_factory=list)  # the body fragment, then facts
    kind: str | None = None
    jenis_code: str | None = None
    nomor: str | None = None
    tahun: int | None = None
    region_code: str | None = None
    kode_provinsi: str | None = None
    status: str | None = None
    programs: list[str] = field(default_factory=list)
    has_obligation: bool = False

    @property
    def snippet(self) -> Passage | None:
        """The document-text fragment (what a result list shows under the title)."""
        return next((h for h in self.highlights if h.field == "body"), None)

    @property
    def passages(self) -> list[Passage]:
        """The facts (obligations, targets) that matched, with their Pasal."""
        return [h for h in self.highlights if h.field == "passage"]


@dataclass
class FacetValue:
    value: str | int
    count: int
    label: str


@dataclass(kw_only=True)
class ResultPage(Page):
    """A page of hits (``items``, also ``hits``) for ``request``, with facets over every match."""

    request: SearchRequest
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    engine: str = ""
    took_ms: float = 0.0

    def __post_init__(self):
        self.page, self.per_page = self.request.page, self.request.per_page

    @property
    def hits(self) -> list[Hit]:
        return self.items

    @property
    def query(self) -> str:
        return self.request.q

    @property
    def next_url(self) -> str | None:
        return self.request.url(self.next_page) if self.has_next else None

    @property
    def previous_url(self) -> str | None:
        return self.request.url(self.previous_page) if self.has_previous else None


def facet_values(name: str, counts: dict) -> list[FacetValue]:
    """Counts by value, largest first (ties by value), cut to the facet's size, with labels."""
    limit = FACETS[name][1]
    items = []
    for value, count in counts.items():
        if value is None or value == "" or not count:
            continue
        if name == "tahun":
            value = int(float(value))
        elif name == "status" or name == "jenis" or name == "program":
            value = str(value)
        items.append((value, int(count)))
    items.sort(key=lambda vc: (-vc[1], str(vc[0])))
    return [FacetValue(v, c, facet_label(name, v)) for v, c in items[:limit]]


def facet_label(name: str, value) -> str:
    if name in ("province", "region"):
        w = _regions().get(str(value))
        return w.nama if w else str(value)
    if name == "jenis":
        return _jenis_names().get(str(value), str(value))
    if name == "status":
        return _STATUS_LABELS.get(str(value), str(value))
    if name == "program":
        return PROGRAMS.get(str(value), str(value))
    return str(value)


@lru_cache(maxsize=1)
def _regions():
    return wilayah.by_code()


@lru_cache(maxsize=1)
def _jenis_names() -> dict[str, str]:
    from pantau.legal import JENIS
    return dict(JENIS)
