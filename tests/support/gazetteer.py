"""The 552 regions as the bundled data files write them, read without ``pantau.wilayah``: the
ground truth that tests of the resolver and of region assignment compare against."""

from __future__ import annotations

import csv
from pathlib import Path

GAZETTEER = Path(__file__).resolve().parents[2] / "pantau" / "data" / "wilayah"


def gazetteer_rows() -> list[dict]:
    """``{kode, nama, kind, prov}`` for every province, then every kabupaten/kota."""
    rows = []
    with (GAZETTEER / "provinsi_centroids.csv").open(encoding="utf-8") as fh:
        rows += [{"kode": r["kode"], "nama": r["nama"], "kind": "provinsi", "prov": r["kode"]}
                 for r in csv.DictReader(fh)]
    with (GAZETTEER / "kabkota_centroids.csv").open(encoding="utf-8") as fh:
        rows += [{"kode": r["kode"], "nama": r["nama"].strip(), "prov": r["kode_provinsi"],
                  "kind": "kota" if r["nama"].startswith("Kota ") else "kabupaten"}
                 for r in csv.DictReader(fh)]
    return rows
