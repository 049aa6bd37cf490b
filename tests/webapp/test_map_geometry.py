"""The dashboard's map geometry (webapp/data/peta.json): every region is there, neighbours share
their border exactly (simplified once, topologically), and the committed file is what
scripts/build_map.py makes from the bundled boundaries."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PETA = ROOT / "webapp" / "data" / "peta.json"


def _points(d: str) -> set[tuple[str, str]]:
    return set(re.findall(r"(-?\d+\.\d+),(-?\d+\.\d+)", d))


def test_every_region_has_a_shape_a_box_and_an_inside_point():
    from pantau import wilayah
    data = json.loads(PETA.read_text(encoding="utf-8"))
    kabkota = {w.kode for w in wilayah.all_regions() if w.kind != "provinsi"}
    provinces = {w.kode for w in wilayah.all_regions() if w.kind == "provinsi"}
    assert set(data["kabkota"]) == kabkota and set(data["provinsi"]) == provinces
    for kode, v in data["kabkota"].items():
        assert v["nasional"].startswith("M") and v["rinci"].startswith("M"), kode
        x0, y0, x1, y1 = v["bbox"]
        assert x0 <= v["pt"][0] <= x1 and y0 <= v["pt"][1] <= y1, kode


def test_neighbours_share_their_border_exactly():
    data = json.loads(PETA.read_text(encoding="utf-8"))
    for level in ("nasional", "rinci"):
        batang, kendal = (_points(data["kabkota"][k][level]) for k in ("33.25", "33.24"))
        pekalongan_kab, pekalongan_kota = (_points(data["kabkota"][k][level]) for k in ("33.26", "33.75"))
        # one simplification for both sides: the shared vertices are the same points
        assert len(batang & kendal) >= 3, level
        assert len(pekalongan_kab & pekalongan_kota) >= 3, level
    # a province's outline lies on its kabupaten/kota borders
    jateng = _points(data["provinsi"]["33"]["nasional"])
    members = set().union(*(_points(v["nasional"]) for v in data["kabkota"].values() if v["provinsi"] == "33"))
    assert len(jateng - members) <= len(jateng) * 0.02


def test_the_committed_geometry_is_what_the_script_builds():
    spec = importlib.util.spec_from_file_location("build_map", ROOT / "scripts" / "build_map.py")
    build_map = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_map)
    built = json.loads(json.dumps(build_map.build(), sort_keys=True))
    assert built == json.loads(PETA.read_text(encoding="utf-8"))


def test_province_view_fits_the_province_and_marks_small_regions():
    from webapp import geo
    national = geo.national()
    assert national.view_box[2] == geo.width()
    small = {s.kode for s in national.shapes if s.marker}
    assert {"31.71", "33.75"} <= small and "33.25" not in small  # Jakarta Pusat, Kota Pekalongan
    jateng = geo.province("33")
    assert jateng.view_box[2] < national.view_box[2] / 8
    assert {s.kode for s in jateng.shapes} >= {"33.25", "33.75"} and len(jateng.shapes) == 35
    assert not next(s for s in jateng.shapes if s.kode == "33.75").marker  # clickable there
    assert geo.province("99") is None and geo.province("33.25") is None
