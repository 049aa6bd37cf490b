"""Fixtures of the search suite: a realistic catalogue, a real OpenSearch node, and each engine.

Every engine-facing test takes ``engine_name`` (parametrised: ``embedded`` and ``opensearch``),
so the same assertions run on the embedded index and on the real node. The node is started once
per session (``opensearch_url`` in tests/conftest.py, shared with tests/deploy); when it cannot
start, the tests FAIL (they never skip).
``PANTAU_TEST_SEARCH_URL`` points them at another engine instead.
"""

from __future__ import annotations

import itertools
import shutil
import uuid
from pathlib import Path

import pytest

from katalog.db import Catalogue
from katalog.ingest import ingest_paths
from indices.search import SearchIndex
from indices.search.embedded import EmbeddedIndex
from indices.search.records import iter_records
from indices.search.remote import RemoteIndex
from pantau import wilayah
from pantau.settings import load_settings
from tests.indices.search import synthetic

REPO = Path(__file__).resolve().parents[3]
REAL = REPO / "tests" / "fixtures" / "real"
# The PDFs with a text layer (sosial-perbup-20-2025.pdf is a scan: OCR would cost seconds and
# add nothing the search tests look at).
TEXT_LAYER = ["sosial-perbup-30-2024.pdf", "sosial-perda-2-2023.pdf",
              "sosial-abstrak-perbup-20-2025.pdf", "sosial-abstrak-perda-2-2023.pdf"]
ENGINES = ["embedded", pytest.param("opensearch", marks=pytest.mark.search_engine)]
_names = itertools.count()

XSS = "<script>window.__pwned=1</script>"


def planted() -> list[synthetic.SyntheticDoc]:
    """Hand-written documents that specific tests look for."""
    surabaya = wilayah.by_code()["35.78"]
    kendal = wilayah.by_code()["33.24"]
    perwal = synthetic.generate(9001, seed=3, size=1500, region=surabaya, tahun=2022, topic=0)
    perwal.jenis, perwal.jenis_code, perwal.nomor = "Peraturan Wali Kota", "perwal", "7"
    perwal.reg_key = "perwal/35.78/2022/7"
    perwal.judul = ("Peraturan Wali Kota Surabaya Nomor 7 Tahun 2022 tentang Kepesertaan Pekerja "
                    "Rentan dalam Program Jaminan Sosial Ketenagakerjaan")
    perwal.status = "Dicabut"
    perwal.pages = [perwal.judul + "\nPasal 2 Pemerintah Daerah mendaftarkan Pekerja Rentan "
                    "sebagai peserta BPJS Ketenagakerjaan. Ketentuan lebih lanjut diatur dalam "
                    "Surat Edaran Wali Kota. Kolektor Zamrudwangi mencatat kepesertaan."]
    perwal.facts = []
    se = synthetic.SyntheticDoc(
        reg_key="sebup/33.24/2023/5", jenis="Surat Edaran Bupati", jenis_code="sebup", nomor="5",
        tahun=2023, region_code=kendal.kode, status="Berlaku", kind="regulation",
        judul="Surat Edaran Bupati Kendal Nomor 5 Tahun 2023 tentang Gerakan ASN Peduli Pekerja "
              "Rentan " + XSS,
        tentang="Gerakan ASN Peduli Pekerja Rentan",
        pages=["SURAT EDARAN BUPATI KENDAL NOMOR 5 TAHUN 2023\n"
               "Dalam rangka optimalisasi Instruksi Presiden Nomor 2 Tahun 2021, setiap ASN "
               "diminta menanggung iuran paling sedikit satu orang pekerja rentan. Pekerja yang "
               "sudah terdaftar tidak boleh didaftarkan ganda. Pendaftaran dilakukan melalui "
               "aplikasi Sapawarga Kartikajaya. " + XSS],
        facts=[])
    text = se.pages[0]
    ob = "setiap ASN diminta menanggung iuran paling sedikit satu orang pekerja rentan"
    s0 = text.index(ob)
    se.facts = [{"kind": "obligation", "pasal": None, "ayat": None, "page": 1, "start": s0,
                 "end": s0 + len(ob), "text": ob, "data": {"modality": "diminta"}}]
    return [perwal, se]


def new_catalogue(base: Path, *, synthetic_docs: int = 60, real: bool = True) -> Catalogue:
    settings = load_settings(data_dir=str(base / "var"), config_file=str(base / "none.toml"))
    cat = Catalogue(settings)
    cat.init()
    if real:
        copies = base / "real"
        copies.mkdir(exist_ok=True)
        for name in TEXT_LAYER:
            shutil.copy(REAL / name, copies / name)
        summary = ingest_paths(cat, sorted(copies.glob("*.pdf")))
        assert summary.count("failed") == 0, summary.line()
    synthetic.store(cat, synthetic.corpus(synthetic_docs, seed=11, size=2500) + planted())
    return cat


@pytest.fixture(scope="session")
def corpus_catalogue(tmp_path_factory) -> Catalogue:
    """The shared, read-only catalogue: the real Batang PDFs with a text layer, 60 synthetic
    regulations, and the planted documents."""
    cat = new_catalogue(tmp_path_factory.mktemp("search-corpus"))
    yield cat
    cat.dispose()


@pytest.fixture(scope="session")
def corpus_records(corpus_catalogue) -> list[dict]:
    """What the catalogue says each document is: the ground truth for filters and facets."""
    return list(iter_records(corpus_catalogue))


@pytest.fixture
def catalogue(tmp_path) -> Catalogue:
    """A small catalogue of its own, for tests that change it."""
    cat = new_catalogue(tmp_path / "cat", synthetic_docs=25, real=False)
    yield cat
    cat.dispose()


def make_engine(name: str, request, base: Path, **options) -> SearchIndex:
    """An empty engine of kind ``name`` that no other test shares."""
    if name == "embedded":
        return EmbeddedIndex(base / f"embedded-{next(_names)}")
    url = request.getfixturevalue("opensearch_url")
    prefix = f"t{uuid.uuid4().hex[:10]}"
    return RemoteIndex("opensearch", options.pop("url", url), prefix, **options)


@pytest.fixture(scope="session", params=ENGINES)
def engine_name(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def synced_engines(request, tmp_path_factory, corpus_catalogue):
    """Engines holding the shared corpus, built once per session and per engine."""
    built: dict[str, SearchIndex] = {}
    base = tmp_path_factory.mktemp("engines")

    def get(name: str) -> SearchIndex:
        if name not in built:
            idx = make_engine(name, request, base)
            report = idx.sync(corpus_catalogue)
            assert report.rebuilt and not report.rejected, report
            built[name] = idx
        return built[name]

    yield get
    for idx in built.values():
        idx.close()


@pytest.fixture
def synced(engine_name, synced_engines) -> SearchIndex:
    return synced_engines(engine_name)


@pytest.fixture
def fresh_engine(engine_name, request, tmp_path):
    """Factory of empty engines of the current kind (``options`` go to RemoteIndex)."""
    return lambda **options: make_engine(engine_name, request, tmp_path, **options)
