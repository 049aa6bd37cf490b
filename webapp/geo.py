"""Server-side choropleth geometry: the bundled boundaries, simplified and projected to SVG paths.

No JavaScript and no CDN: the map is an inline SVG whose paths are computed once per process from
``pantau/data/wilayah/*.geojson`` (MIT, see the licence file beside them).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

# Equirectangular projection of Indonesia's bounding box onto a 1000-unit-wide canvas.
LNG0, LNG1, LAT0, LAT1 = 94.5, 141.5, 6.5, -11.5
WIDTH = 1000.0
SCALE = WIDTH / (LNG1 - LNG0)
HEIGHT = round((LAT0 - LAT1) * SCALE, 1)
TOLERANCE = 0.5  # in canvas units (≈ 2.3 km): invisible at this scale, shrinks the paths ~10×


def _project(lng: float, lat: float) -> tuple[float, float]:
    return (lng - LNG0) * SCALE, (LAT0 - lat) * SCALE


def _simplify(points: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas–Peucker, iterative (rings may have thousands of points)."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    tol2 = tol * tol
    while stack:
        i, j = stack.pop()
        (x1, y1), (x2, y2) = points[i], points[j]
        dx, dy = x2 - x1, y2 - y1
        norm = dx * dx + dy * dy
        best, best_d = -1, tol2
        for k in range(i + 1, j):
            px, py = points[k]
            if norm == 0:
                d = (px - x1) ** 2 + (py - y1) ** 2
            else:
                t = ((px - x1) * dx + (py - y1) * dy) / norm
                t = 0 if t < 0 else 1 if t > 1 else t
                d = (px - x1 - t * dx) ** 2 + (py - y1 - t * dy) ** 2
            if d > best_d:
                best, best_d = k, d
        if best >= 0:
            keep[best] = True
            stack.append((i, best))
            stack.append((best, j))
    return [p for p, k in zip(points, keep) if k]


def _path(geometry: dict) -> str:
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    parts = []
    for poly in polys:
        for ring in poly:
            pts = _simplify([_project(lng, lat) for lng, lat in ring], TOLERANCE)
            if len(pts) < 4:
                xs = [p[0] for p in pts]
                if not xs or max(xs) - min(xs) < TOLERANCE:
                    continue  # a speck: too small to draw
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z")
    return "".join(parts)


@lru_cache(maxsize=2)
def region_paths(level: str = "kabkota") -> dict[str, str]:
    """Kemendagri code -> SVG path ``d`` for ``kabkota`` (514) or ``provinsi`` (38)."""
    name = "kabkota_boundaries.geojson" if level == "kabkota" else "provinsi_boundaries.geojson"
    with (resources.files("pantau") / "data" / "wilayah" / name).open(encoding="utf-8") as fh:
        data = json.load(fh)
    out = {}
    for feat in data["features"]:
        d = _path(feat["geometry"])
        if not d:  # a region too small to draw at this scale still gets a clickable marker
            x, y = _project(feat["properties"]["lng"], feat["properties"]["lat"])
            d = f"M{x:.1f},{y - 1.5:.1f}L{x + 1.5:.1f},{y:.1f}L{x:.1f},{y + 1.5:.1f}L{x - 1.5:.1f},{y:.1f}Z"
        out[feat["properties"]["kode"]] = d
    return out
