"""Indonesian analysis: the word lists, the stemmer port, and its agreement with a real node."""

from __future__ import annotations

import json
import uuid

import pytest

from indices.search import analysis
from indices.search.engine import mapping
from indices.search.records import iter_records
from indices.search.remote import index_body
from indices.search.stemmer import stem

MODALS = ["wajib", "harus", "dapat", "tidak", "paling", "setiap", "boleh", "belum", "bukan",
          "jangan", "dilarang", "agar", "supaya", "apabila", "sebelum", "sejak", "lambat"]


@pytest.mark.parametrize("word,expected", [
    ("pendaftaran", "daftar"), ("mendaftarkan", "daftar"), ("didaftarkan", "daftar"),
    ("diberikan", "beri"), ("pekerjanya", "kerja"), ("ketenagakerjaan", "tenagakerja"),
    ("menyapu", "sapu"), ("penulis", "tulis"), ("kewajiban", "wajib"),
    ("penyelenggaraan", "selenggara"), ("bupati", "bupat"), ("2024", "2024"), ("iuran", "iur"),
])
def test_stemmer_follows_lucene(word, expected):
    assert stem(word) == expected


def test_word_lists_keep_what_regulations_turn_on():
    stop = analysis.stopwords()
    assert not stop & set(MODALS)
    assert {"yang", "dan", "di", "dari", "untuk", "pada", "oleh"} <= stop
    assert analysis.stem_token("pemberi") == "pemberi"  # protected: the stemmer would give "beri"
    assert analysis.stem_token("peserta") == "peserta"  # …and "serta" (a conjunction) here
    assert analysis.stem_token("yang") is None
    rules = analysis.analysis_settings()["filter"]["id_synonyms"]["synonyms"]
    for pair in (("perbup", "peraturan bupati"), ("perwal", "peraturan walikota"),
                 ("pergub", "peraturan gubernur"), ("se", "surat edaran"),
                 ("bpjs tk", "jamsostek"), ("bpjs tk", "bpjs ketenagakerjaan")):
        assert any(all(p in [x.strip() for x in r.split(",")] for p in pair) for r in rules), pair


def test_tokens_keep_numbers_whole_and_positions_keep_stop_word_gaps():
    assert analysis.words("Rp16.800,00 per 30/2024 Undang-Undang U.S.A (1)") == [
        "rp16.800,00", "per", "30", "2024", "undang", "undang", "u.s.a", "1"]
    stemmed, exact = analysis.index_streams("Pemberi Kerja yang wajib mendaftarkan")
    assert stemmed == "pemberi kerja _ wajib daftar"
    assert exact == "pemberi kerja yang wajib mendaftarkan"
    groups = analysis.query_groups("BPJS TK yang iuran")
    assert len(groups) == 2  # "yang" is gone, "bpjs tk" is one group of synonyms
    assert analysis.Alternative(("jamsostek",)) in groups[0]
    assert analysis.phrase_alternatives("jaminan sosial bagi pekerja") == [
        analysis.Alternative(("jamin", "sosial", None, "kerja"))]


def test_mapping_files_are_consistent():
    body = index_body()
    props = body["mappings"]["properties"]
    analyzers = body["settings"]["analysis"]["analyzer"]
    for field in ("title", "body"):
        assert props[field]["analyzer"] == "id_legal"
        assert props[field]["search_analyzer"] == "id_legal_search"
        assert props[field]["fields"]["exact"]["analyzer"] == "id_exact"
        assert props[field]["term_vector"] == "with_positions_offsets"
    assert props["passages"]["type"] == "nested"
    assert analyzers["id_exact"]["filter"] == ["lowercase"]
    assert isinstance(mapping()["version"], int)
    json.dumps(body)  # plain data


@pytest.mark.search_engine
def test_python_analysis_equals_the_engine(opensearch_url, corpus_catalogue):
    """Token for token and position for position, on the real regulations and the synthetic ones,
    the embedded index's analysis is what OpenSearch's ``id_legal``/``id_exact`` produce."""
    from opensearchpy import OpenSearch
    client = OpenSearch(opensearch_url, timeout=60)
    index = f"analysis-{uuid.uuid4().hex[:8]}"
    client.indices.create(index=index, body={"settings": index_body()["settings"]})
    try:
        texts = [r["body"] for r in iter_records(corpus_catalogue)]
        vocabulary = sorted({w for t in texts for w in analysis.words(t)})
        samples = [t[i:i + 8000] for t in texts[:12] for i in range(0, min(len(t), 40000), 8000)]
        samples.append(" ".join(vocabulary))
        for text in samples:
            text = text[:text.rfind(" ")] if " " in text else text  # no token cut in half
            got = client.indices.analyze(index=index, body={"analyzer": "id_legal", "text": text})
            stemmed, exact = analysis.index_streams(text)
            mine = [(t, i) for i, t in enumerate(stemmed.split(" ")) if t and t != analysis.GAP]
            theirs = [(t["token"], t["position"]) for t in got["tokens"]]
            assert mine == theirs
            got = client.indices.analyze(index=index, body={"analyzer": "id_exact", "text": text})
            assert [t["token"] for t in got["tokens"]] == (exact.split(" ") if exact else [])
        assert len(vocabulary) > 1500
    finally:
        client.indices.delete(index=index, ignore_unavailable=True)
