"""Map geometry for the server-side SVG: the whole country, or one province filling the view.

The shapes are precomputed by ``scripts/build_map.py`` into ``webapp/data/peta.json`` (the bundled
boundaries, MIT, simplified once and topologically, so neighbours stay joined); nothing here
needs shapely. A region too small to click at the current scale gets a visible marker (a circle
at a point inside it) in the same link as its shape.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# A region narrower than this share of the view is too small to click: it gets a marker.
MIN_CLICK = 0.006
MARKER_RADIUS = 0.004  # of the view's width
PADDING = 0.04  # around a province, of its size


@dataclass(frozen=True)
class Shape:
    kode: str
    d: str
    marker: tuple[float, float, float] | None  # (x, y, r) of a marker, or None


@dataclass(frozen=True)
class MapView:
    view_box: tuple[float, float, float, float]  # x, y, width, height
    shapes: tuple[Shape, ...]  # the regions shown, each a link
    context: tuple[str, ...] = ()  # neighbouring regions drawn for orientation, not links

    @property
    def view_box_attr(self) -> str:
        return " ".join(f"{v:.1f}" for v in self.view_box)


@lru_cache(maxsize=1)
def _data() -> dict:
    with (resources.files("webapp") / "data" / "peta.json").open(encoding="utf-8") as fh:
        return json.load(fh)


def width() -> float:
    return _data()["width"]


def height() -> float:
    return _data()["height"]


def region_paths(level: str = "kabkota") -> dict[str, str]:
    """Kemendagri code -> SVG path ``d`` on the national canvas, for ``kabkota`` (514) or
    ``provinsi`` (38)."""
    return {kode: v["nasional"] for kode, v in _data()[_level(level)].items()}


def _level(level: str) -> str:
    return "provinsi" if level == "provinsi" else "kabkota"


def _marker(entry: dict, view_w: float) -> tuple[float, float, float] | None:
    x0, y0, x1, y1 = entry["bbox"]
    if max(x1 - x0, y1 - y0) >= MIN_CLICK * view_w:
        return None
    x, y = entry["pt"]
    return (x, y, round(MARKER_RADIUS * view_w, 2))


@lru_cache(maxsize=2)
def national(level: str = "kabkota") -> MapView:
    """The whole country: kabupaten/kota (or provinces), each with its marker if too small."""
    w = width()
    shapes = tuple(Shape(kode, v["nasional"], _marker(v, w))
                   for kode, v in sorted(_data()[_level(level)].items()))
    return MapView((0.0, 0.0, w, height()), shapes)


@lru_cache(maxsize=64)
def province(kode: str) -> MapView | None:
    """One province's kabupaten/kota in detail, the view fitted to the province, its neighbours
    drawn faintly around it; None for a code that is no province on the map."""
    data = _data()
    prov = data["provinsi"].get(kode)
    if prov is None:
        return None
    x0, y0, x1, y1 = prov["bbox"]
    pad = PADDING * max(x1 - x0, y1 - y0, 1.0)
    box = (x0 - pad, y0 - pad, (x1 - x0) + 2 * pad, (y1 - y0) + 2 * pad)
    members, context = [], []
    for k, v in sorted(data["kabkota"].items()):
        if v["provinsi"] == kode:
            members.append(Shape(k, v["rinci"], _marker(v, box[2])))
        elif _overlaps(v["bbox"], box):
            context.append(v["nasional"])
    return MapView(box, tuple(members), tuple(context))


def _overlaps(bbox, box) -> bool:
    x0, y0, x1, y1 = bbox
    bx, by, bw, bh = box
    return x0 < bx + bw and x1 > bx and y0 < by + bh and y1 > by
