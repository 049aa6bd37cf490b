"""``pantau index``, ``reindex`` and ``search`` on each engine, chosen by PANTAU_SEARCH_ENGINE."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from indices.search.records import iter_records
from tests.indices.search.conftest import new_catalogue

REPO = Path(__file__).resolve().parents[3]


def pantau(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pantau_cli", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


def test_index_search_reindex_from_the_command_line(engine_name, request, tmp_path):
    cat = new_catalogue(tmp_path, synthetic_docs=20)
    n = len(list(iter_records(cat)))
    cat.dispose()
    env = {**os.environ, "PANTAU_DATA_DIR": str(tmp_path / "var"),
           "PANTAU_CONFIG": str(tmp_path / "none.toml"), "PANTAU_SEARCH_ENGINE": engine_name}
    if engine_name == "opensearch":
        env["PANTAU_SEARCH_INDEX_PREFIX"] = f"cli{uuid.uuid4().hex[:8]}"
        env["PANTAU_SEARCH_URL"] = "http://127.0.0.1:9"  # nothing listens there
        down = pantau(env, "index")
        assert down.returncode == 1 and "Indeks gagal (opensearch, http://127.0.0.1:9)" in down.stderr
        assert "Katalog tidak berubah" in down.stderr
        env["PANTAU_SEARCH_URL"] = request.getfixturevalue("opensearch_url")

    out = pantau(env, "index")
    assert out.returncode == 0, out.stderr
    assert f"Indeks: {n} dokumen — {n} baru, 0 diperbarui, 0 dihapus, 0 tetap" in out.stdout
    assert f"[{engine_name}, " in out.stdout
    out = pantau(env, "index")
    assert f"0 baru, 0 diperbarui, 0 dihapus, {n} tetap" in out.stdout

    out = pantau(env, "search", "iuran pekerja rentan", "--filter", "province=33",
                 "--filter", "tahun=2020..2025", "--json")
    assert out.returncode == 0, out.stderr
    page = json.loads(out.stdout)
    assert page["engine"] == engine_name and page["total"] >= 1
    assert page["filters"] == {"province": ["33"], "tahun": ["2020..2025"]}
    hit = page["hits"][0]
    assert hit["reg_key"] == "perbup/33.25/2024/30" and hit["score"] > 0
    assert "<mark>" in hit["snippet_html"] and hit["highlights"][0]["field"] == "body"
    assert {v["value"] for v in page["facets"]["province"]} == {"33"}

    exact = json.loads(pantau(env, "search", "pendaftaran kolektor", "--exact", "--json").stdout)
    assert exact["exact"] is True and exact["total"] == 0
    text = pantau(env, "search", "perbup 30 2024")
    assert text.returncode == 0 and text.stdout.splitlines()[1].split()[0] == "perbup/33.25/2024/30"
    bad = pantau(env, "search", "x", "--filter", "tahun=kemarin")
    assert bad.returncode == 2 and "tahun must be YYYY" in bad.stderr

    out = pantau(env, "reindex")
    assert out.returncode == 0, out.stderr
    assert f"Indeks dibangun ulang: {n} dokumen ({n} diindeks)" in out.stdout
