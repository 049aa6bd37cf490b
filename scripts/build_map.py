"""Builds the dashboard's map geometry (webapp/data/peta.json) from the bundled boundaries, once.

Run by hand after the boundaries change (``.venv/bin/python scripts/build_map.py``; needs
shapely >= 2.2 with GEOS >= 3.14, which the app itself does not need) and commit the output.

Why a precomputed, topological simplification: simplifying each region on its own moves a shared
border differently on each side, so neighbours drift apart (gaps and overlaps on the map). Here
the 514 kabupaten/kota are projected onto the map canvas, cleaned into a polygonal *coverage*
(shapely.coverage_clean: shared edges made identical, slivers closed) and simplified together
(shapely.coverage_simplify), which moves every shared edge once for both neighbours. Provinces
are the union of their kabupaten/kota at the same level, so their borders lie exactly on the
kabupaten/kota borders.

Two levels: ``nasional`` (the whole archipelago on ~1000 px) and ``rinci`` (a province filling
the view). Each region also gets its bounding box (to zoom to it) and an inside point (where a
region too small to click gets a marker).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "pantau" / "data" / "wilayah" / "kabkota_boundaries.geojson"
OUT = ROOT / "webapp" / "data" / "peta.json"

# Equirectangular projection of Indonesia's bounding box onto a 1000-unit-wide canvas.
LNG0, LNG1, LAT0, LAT1 = 94.5, 141.5, 6.5, -11.5
WIDTH = 1000.0
SCALE = WIDTH / (LNG1 - LNG0)
HEIGHT = round((LAT0 - LAT1) * SCALE, 1)

# level -> (coverage_simplify tolerance (~ square root of the triangle area removed, in canvas
# units), smallest island kept (canvas units²), decimals written)
LEVELS = {"nasional": (1.0, 0.5, 1), "rinci": (0.12, 0.004, 2)}


def _polygons(geom) -> list:
    if geom.geom_type == "Polygon":
        return [geom]
    if geom.geom_type == "MultiPolygon":
        return list(geom.geoms)
    return [p for g in getattr(geom, "geoms", []) for p in _polygons(g)]


def _drop_specks(geom, min_area: float):
    """Islands smaller than ``min_area`` are invisible at this level; a region keeps at least its
    largest part (its marker shows where it is)."""
    parts = [p for p in _polygons(geom) if not p.is_empty]
    keep = [p for p in parts if p.area >= min_area] or [max(parts, key=lambda p: p.area)]
    return keep


def _path(parts, decimals: int) -> str:
    out = []
    fmt = f"{{:.{decimals}f}}"
    for poly in parts:
        for ring in [poly.exterior, *poly.interiors]:
            pts, last = [], None
            for x, y in ring.coords[:-1]:
                p = (fmt.format(x), fmt.format(y))
                if p != last:
                    pts.append(p)
                    last = p
            if len(pts) >= 3:
                out.append("M" + "L".join(f"{x},{y}" for x, y in pts) + "Z")
    return "".join(out)


def _r(values, decimals=1) -> list[float]:
    return [round(float(v), decimals) for v in values]


def build() -> dict:
    data = json.loads(SOURCE.read_text(encoding="utf-8"))
    props = [f["properties"] for f in data["features"]]
    to_canvas = [SCALE, 0, 0, -SCALE, -LNG0 * SCALE, LAT0 * SCALE]
    geoms = []
    for f in data["features"]:
        g = affinity.affine_transform(shapely.make_valid(shape(f["geometry"])), to_canvas)
        geoms.append(shapely.MultiPolygon(_polygons(g)))
    clean = shapely.coverage_clean(np.array(geoms, dtype=object), gap_width=0.05,
                                   snapping_distance=0.01)
    out = {"source": "pantau/data/wilayah/kabkota_boundaries.geojson (cahyadsn/wilayah_boundaries, MIT)",
           "projection": {"lng0": LNG0, "lng1": LNG1, "lat0": LAT0, "lat1": LAT1},
           "width": WIDTH, "height": HEIGHT, "levels": list(LEVELS), "kabkota": {}, "provinsi": {}}
    for i, p in enumerate(props):
        g = clean[i]
        point = g.representative_point() if not g.is_empty else shapely.Point(
            (p["lng"] - LNG0) * SCALE, (LAT0 - p["lat"]) * SCALE)
        out["kabkota"][p["kode"]] = {"bbox": _r(g.bounds if not g.is_empty else point.buffer(0.5).bounds, 2),
                                     "pt": _r((point.x, point.y), 2), "provinsi": p["kode_provinsi"]}
    by_province: dict[str, list[int]] = {}
    for i, p in enumerate(props):
        by_province.setdefault(p["kode_provinsi"], []).append(i)
    for level, (tolerance, min_area, decimals) in LEVELS.items():
        simple = shapely.coverage_simplify(clean, tolerance)
        for i, p in enumerate(props):
            out["kabkota"][p["kode"]][level] = _path(_drop_specks(simple[i], min_area), decimals)
        for prov, members in sorted(by_province.items()):
            if level != "nasional":
                continue  # a province is shown whole only on the national canvas
            union = shapely.coverage_union_all(simple[members])
            entry = out["provinsi"].setdefault(prov, {})
            entry[level] = _path(_drop_specks(union, min_area), decimals)
            point = union.representative_point()
            entry["bbox"] = _r(union.bounds, 2)
            entry["pt"] = _r((point.x, point.y), 2)
    return out


def main() -> None:
    out = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, separators=(",", ":"), sort_keys=True), encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(out['kabkota'])} kabupaten/kota, "
          f"{len(out['provinsi'])} provinsi, {OUT.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
