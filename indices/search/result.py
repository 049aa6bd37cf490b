"""The result page every engine returns: hits with highlights, facets, and paging.

Both engines fill the same dataclasses, so callers (CLI, web app, tests) never see which one ran.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
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
class Highlight:
    """A highlighted fragment (HTML-escaped, matches in ``<mark>``) and where it stands.

    ``field`` is ``body`` for the document text or ``passage`` for a fact (an obligation or a
    target), which then carries its ``kind``, Pasal, ayat, page and character offsets.
    """

    field: str
    html: str
    kind: str | None = None
    pasal: str | None = None
    ayat: str | None = None
    page: int | None = None
    start: int | None = None
    end: int | None = None


@dataclass
class Hit:
    reg_key: str
    title: str
    score: float
    highlights: list[Highlight] = field(default_factory=list)
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
    def snippet_html(self) -> str:
        """The document-text fragment (what a result list shows under the title)."""
        return next((h.html for h in self.highlights if h.field == "body"), "")

    @property
    def passages(self) -> list[Highlight]:
        return [h for h in self.highlights if h.field == "passage"]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["score"] = round(self.score, 4)
        d["snippet_html"] = self.snippet_html
        return d


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

    def to_dict(self) -> dict:
        return {
            "query": self.request.q,
            "exact": self.request.exact,
            "filters": {k: list(v) for k, v in self.request.filters.items()},
            "engine": self.engine,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "next": self.next_url,
            "previous": self.previous_url,
            "hits": [h.to_dict() for h in self.hits],
            "facets": {name: [asdict(v) for v in values] for name, values in self.facets.items()},
        }


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
    from nlp.metadata import JENIS
    return dict(JENIS)
