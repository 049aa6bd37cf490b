"""The query parser and the request: pure functions, no engine."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from indices.search import SearchRequest, parse_query
from indices.search.remote import search_body


def test_words_phrases_and_exclusions():
    pq = parse_query('iuran "pekerja rentan" -denda -"sanksi administratif" jkk')
    assert pq.words == ("iuran", "jkk")
    assert pq.phrases == ("pekerja rentan",)
    assert pq.excluded == ("denda", "sanksi administratif")
    assert pq.identifier is None
    assert parse_query('"unbalanced phrase').phrases == ("unbalanced phrase",)
    assert parse_query("-").words == ("-",)
    assert parse_query("").is_empty and parse_query('""').is_empty


@pytest.mark.parametrize("q,jenis,nomor,tahun,rest", [
    ("nomor 30 tahun 2024", None, "30", 2024, ()),
    ("perbup 30 2024", "perbup", "30", 2024, ()),
    ('"perbup 30 2024"', "perbup", "30", 2024, ()),
    ("Perbup No. 30/2024", "perbup", "30", 2024, ()),
    ("iuran Perda 2/2023 batang", "perda", "2", 2023, ("iuran", "batang")),
    ("Peraturan Bupati Batang Nomor 30 Tahun 2024 tentang", "perbup", "30", 2024, ("tentang",)),
    ("peraturan walikota nomor 07 tahun 2022", "perwal", "7", 2022, ()),
    ("SE 5 2023", "se", "5", 2023, ()),
    ("perda nomor 3 tahun 2019", "perda", "3", 2019, ()),
])
def test_identifiers(q, jenis, nomor, tahun, rest):
    pq = parse_query(q)
    assert pq.identifier is not None, q
    assert (pq.identifier.jenis_code, pq.identifier.nomor, pq.identifier.tahun) == (jenis, nomor, tahun)
    assert pq.words == rest
    assert pq.identifier.citation == f"nomor {nomor} tahun {tahun}"


def test_reg_key_and_non_identifiers():
    pq = parse_query("perbup/33.25/2024/30")
    assert pq.identifier.reg_key == "perbup/33.25/2024/30" and pq.words == ()
    assert parse_query("SE 5 2023").identifier.jenis_codes == ("se", "sebup", "sewal", "segub", "semen")
    for q in ("pekerja 30 orang", "tahun 2024", "rp 50.000", "perbup batang", "nomor induk 2024"):
        assert parse_query(q).identifier is None, q
    # a quoted phrase that is more than an identifier stays a phrase
    assert parse_query('"perbup 30 2024 tentang iuran"').phrases == ("perbup 30 2024 tentang iuran",)


def test_filters_are_normalised_and_validated():
    req = SearchRequest.build("x", [("jenis_code", "perda"), ("jenis", "Peraturan Bupati"),
                                    ("kode_provinsi", "Jawa Tengah"), ("region_code", "33.25"),
                                    ("tahun", "2020..2024"), ("program", "jkk"),
                                    ("status", "Berlaku"), ("has_obligation", "ya")])
    assert req.filters == {"jenis": ("perda", "perbup"), "province": ("33",), "region": ("33.25",),
                           "tahun": ("2020..2024",), "program": ("JKK",), "status": ("berlaku",),
                           "has_obligation": ("true",)}
    assert req.year_range == (2020, 2024)
    assert SearchRequest.build("", {"tahun": "2023"}).year_range == (2023, 2023)
    assert SearchRequest.build("", {"tahun": "..2019"}).year_range == (None, 2019)
    for bad in ({"colour": "red"}, {"tahun": "dua ribu"}, {"program": "JKN"},
                {"province": "Atlantis"}, {"status": "aktif"}, {"has_obligation": "mungkin"}):
        with pytest.raises(ValueError):
            SearchRequest.build("", bad)
    assert SearchRequest.build("", {"colour": "red"}, strict=False).filters == {}


def test_request_from_web_args_and_back():
    args = MultiDict([("q", "iuran"), ("jenis", "perbup"), ("jenis", "perwal"), ("tahun", "2021"),
                      ("exact", "1"), ("page", "3"), ("per_page", "500"), ("nonsense", "x")])
    req = SearchRequest.from_args(args)
    assert (req.q, req.exact, req.page, req.per_page) == ("iuran", True, 3, 100)
    assert req.filters["jenis"] == ("perbup", "perwal")
    assert req.url(4) == "?q=iuran&jenis=perbup&jenis=perwal&tahun=2021..2021&exact=1&per_page=100&page=4"
    assert SearchRequest.from_args(MultiDict([("page", "x")])).page == 1


def test_engine_query_body_is_built_from_the_request():
    body = search_body(SearchRequest.build("pekerja rentan -iuran perbup 30 2024",
                                           {"tahun": "2020..", "jenis": "perbup"}, page=2))
    q = body["query"]["bool"]
    assert q["must"][0] == {"match": {"body": {"query": "pekerja rentan", "operator": "and",
                                               "zero_terms_query": "none"}}}
    assert q["must_not"] == [{"match_phrase": {"body": "iuran"}}]
    ident = q["must"][1]["bool"]["should"]
    assert ident[0]["constant_score"]["filter"]["bool"]["filter"][0] == {"term": {"nomor_slug": "30"}}
    assert ident[1] == {"match_phrase": {"body": "nomor 30 tahun 2024"}}
    assert {"range": {"tahun": {"gte": 2020}}} in q["filter"]
    assert body["from"] == 10 and body["track_total_hits"] is True
    exact = search_body(SearchRequest.build("pekerja", exact=True))
    assert "body.exact" in exact["query"]["bool"]["must"][0]["match"]
