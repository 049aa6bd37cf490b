"""One suite, every engine: the same queries, highlights, facets, filters, paging, exact mode and
identifier queries run on the embedded index and on the real OpenSearch node."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from indices.search import SearchRequest
from indices.search.result import FACETS
from webapp.render import passage_html, search_page

BATANG_PERBUP = "perbup/33.25/2024/30"
BATANG_PERDA = "perda/33.25/2023/2"
SURABAYA_PERWAL = "perwal/35.78/2022/7"
KENDAL_SE = "sebup/33.24/2023/5"


def search(idx, q="", filters=None, **kw):
    return idx.search(SearchRequest.build(q, filters or {}, **kw))


def keys(result) -> list[str]:
    return [h.reg_key for h in result.hits]


def marks(html: str) -> set[str]:
    return {m.lower() for m in re.findall(r"<mark>(.*?)</mark>", html)}


def snippet_html(hit) -> str:
    """The snippet as the result list shows it (the search layer gives plain text + offsets)."""
    return passage_html(hit.snippet)


# The ranking test set: (query, filters, document expected first). Both engines must agree.
EXPECTED_TOP = [
    ("iuran pekerja rentan", {}, BATANG_PERBUP),
    ("jaminan sosial ketenagakerjaan pekerja rentan batang", {}, BATANG_PERBUP),
    ('"penyelenggaraan jaminan sosial" batang', {"jenis": "perda"}, BATANG_PERDA),
    ("perbup 30 2024", {}, BATANG_PERBUP),
    ("Perbup No. 30/2024", {}, BATANG_PERBUP),
    ('"perbup 30 2024"', {}, BATANG_PERBUP),
    ("Peraturan Bupati Batang Nomor 30 Tahun 2024", {}, BATANG_PERBUP),
    ("perbup/33.25/2024/30", {}, BATANG_PERBUP),
    ("Perda 2/2023", {}, BATANG_PERDA),
    ("nomor 7 tahun 2022", {"region": "35.78"}, SURABAYA_PERWAL),
    ("perwal surabaya kepesertaan", {}, SURABAYA_PERWAL),
    ("gerakan asn peduli pekerja rentan", {}, KENDAL_SE),
    ("zamrudwangi", {}, SURABAYA_PERWAL),
    ("kartikajaya pendaftaran", {}, KENDAL_SE),
]


@pytest.mark.parametrize("q,filters,top", EXPECTED_TOP, ids=[q for q, _, _ in EXPECTED_TOP])
def test_expected_top_document(synced, q, filters, top):
    res = search(synced, q, filters)
    assert res.total >= 1 and res.hits[0].reg_key == top, (res.total, keys(res)[:5])


def test_words_must_all_match_and_are_highlighted(synced):
    res = search(synced, "iuran pekerja rentan")
    assert res.hits[0].reg_key == BATANG_PERBUP
    snippet = snippet_html(res.hits[0])
    assert marks(snippet) >= {"iuran", "pekerja", "rentan"}
    assert all(snippet_html(h) for h in res.hits)
    assert len(snippet_html(res.hits[0])) < 400  # a fragment, not the document
    none = search(synced, "iuran pekerja rentan zzzqqq")
    assert none.total == 0 and none.hits == []


def test_stemming_matches_word_forms_and_exact_mode_does_not(synced):
    # "pendaftaran" and "mendaftarkan" share the stem "daftar"; exact mode keeps them apart
    stemmed = search(synced, "pendaftaran kolektor")
    assert SURABAYA_PERWAL in keys(stemmed)  # its text says "mendaftarkan", never "pendaftaran"
    assert marks(snippet_html(stemmed.hits[0])) & {"mendaftarkan", "pendaftaran"}
    exact = search(synced, "pendaftaran kolektor", exact=True)
    assert SURABAYA_PERWAL not in keys(exact)
    assert SURABAYA_PERWAL in keys(search(synced, "mendaftarkan kolektor", exact=True))
    # exact mode: no stop words dropped, no synonyms
    assert search(synced, "yang", exact=True).total > 0
    assert search(synced, "perwal zamrudwangi", exact=True).total == 0
    assert search(synced, "perwal zamrudwangi").total == 1


def test_stop_words_are_dropped_but_modal_words_are_kept(synced):
    assert search(synced, "yang").total == 0  # a stop word alone matches nothing
    assert search(synced, "yang dan di").total == 0
    res = search(synced, "tidak boleh didaftarkan ganda")
    assert keys(res)[:1] == [KENDAL_SE]
    assert marks(snippet_html(res.hits[0])) >= {"tidak", "boleh", "ganda"}
    wajib = search(synced, "wajib")
    harus = search(synced, "harus")
    assert wajib.total > 0 and harus.total > 0
    assert search(synced, "setiap asn").hits[0].reg_key == KENDAL_SE


def test_phrases_and_exclusions(synced):
    res = search(synced, '"penyelenggaraan jaminan sosial"', {"jenis": "perda"}, per_page=50)
    assert BATANG_PERDA in keys(res)
    assert all(h.jenis_code == "perda" for h in res.hits)
    near = search(synced, '"pekerja rentan iuran"')  # words all present, never in this order
    assert BATANG_PERBUP not in keys(near)
    base = search(synced, "pekerja rentan", per_page=100)
    excluded = search(synced, "pekerja rentan -iuran", per_page=100)
    assert BATANG_PERBUP in keys(base) and BATANG_PERBUP not in keys(excluded)
    assert 0 < excluded.total < base.total
    assert KENDAL_SE not in keys(search(synced, 'pekerja -"tidak boleh"', per_page=100))


def test_query_time_synonyms(synced):
    # "perwal" ⇄ "peraturan wali kota", "BPJS TK" ⇄ "BPJS Ketenagakerjaan" ⇄ "Jamsostek"
    assert search(synced, "perwal kolektor").hits[0].reg_key == SURABAYA_PERWAL
    assert search(synced, "peraturan walikota kolektor").hits[0].reg_key == SURABAYA_PERWAL
    tk = search(synced, "bpjs tk kolektor")
    assert keys(tk) == [SURABAYA_PERWAL]  # its text only says "BPJS Ketenagakerjaan"
    assert search(synced, "jamsostek").total <= search(synced, "bpjs tk").total
    se = search(synced, "se bupati kendal asn")
    assert se.hits[0].reg_key == KENDAL_SE  # "SE" ⇄ "Surat Edaran"


def test_identifier_ranks_the_regulation_then_its_citations(synced, corpus_records):
    res = search(synced, "perbup 30 2024", per_page=50)
    assert res.hits[0].reg_key == BATANG_PERBUP
    assert res.hits[0].score > 2 * res.hits[1].score if len(res.hits) > 1 else True
    citing = {r["reg_key"] for r in corpus_records
              if re.search(r"nomor\s+30\s+tahun\s+2024", r["body"], re.I)} - {BATANG_PERBUP}
    assert set(keys(res)[1:]) <= citing
    synthetic = next(r for r in corpus_records if r["reg_key"].startswith("perbup/")
                     and r["tahun"] and r["nomor"] and r["reg_key"] != BATANG_PERBUP)
    q = f"perbup {synthetic['nomor']} {synthetic['tahun']}"
    assert search(synced, q).hits[0].reg_key == synthetic["reg_key"]
    assert search(synced, "perbup 30 1999").total == 0


def _expected(records, pred) -> set[str]:
    return {r["reg_key"] for r in records if pred(r)}


FILTER_CASES = [
    ({"province": "33"}, lambda r: r["kode_provinsi"] == "33"),
    ({"province": "Jawa Tengah"}, lambda r: r["kode_provinsi"] == "33"),
    ({"region": "33.25"}, lambda r: r["region_code"] == "33.25"),
    ({"jenis": ["perbup", "perwal"]}, lambda r: r["jenis_code"] in ("perbup", "perwal")),
    ({"jenis": "Peraturan Daerah"}, lambda r: r["jenis_code"] == "perda"),
    ({"tahun": "2015..2020"}, lambda r: r["tahun"] is not None and 2015 <= r["tahun"] <= 2020),
    ({"tahun": "2022.."}, lambda r: r["tahun"] is not None and r["tahun"] >= 2022),
    ({"tahun": "2023"}, lambda r: r["tahun"] == 2023),
    ({"status": "dicabut"}, lambda r: r["status"] == "dicabut"),
    ({"status": "berlaku"}, lambda r: r["status"] == "berlaku"),
    ({"program": "JKK"}, lambda r: "JKK" in r["programs"]),
    ({"program": ["JHT", "JP"]}, lambda r: bool({"JHT", "JP"} & set(r["programs"]))),
    ({"has_obligation": "true"}, lambda r: r["has_obligation"]),
    ({"has_obligation": "false"}, lambda r: not r["has_obligation"]),
    ({"province": "33", "has_obligation": "ya", "tahun": "..2023"},
     lambda r: r["kode_provinsi"] == "33" and r["has_obligation"] and (r["tahun"] or 9999) <= 2023),
]


@pytest.mark.parametrize("filters,pred", FILTER_CASES, ids=[str(f) for f, _ in FILTER_CASES])
def test_filters_match_the_catalogue(synced, corpus_records, filters, pred):
    expected = _expected(corpus_records, pred)
    res = search(synced, "", filters, per_page=100)
    assert res.total == len(expected)
    assert set(keys(res)) == expected
    # the same filter narrows a text query
    text = search(synced, "jaminan sosial", filters, per_page=100)
    assert set(keys(text)) <= expected


def test_facets_count_every_match(synced, corpus_records):
    res = search(synced, "", per_page=1)
    assert res.total == len(corpus_records)
    for name, (field, size) in FACETS.items():
        counts: Counter = Counter()
        for r in corpus_records:
            values = r[field] if isinstance(r[field], list) else [r[field]]
            counts.update(v for v in values if v not in (None, ""))
        got = {v.value: v.count for v in res.facets[name]}
        want = dict(sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[:size])
        assert got == want, name
    labels = {v.value: v.label for v in res.facets["province"]}
    assert labels["33"] == "Jawa Tengah"
    narrowed = search(synced, "pekerja rentan", {"province": "33"})
    assert {v.value for v in narrowed.facets["province"]} == {"33"}
    assert sum(v.count for v in narrowed.facets["jenis"]) == narrowed.total


def test_paging_walks_every_hit_once(synced):
    first = search(synced, "jaminan sosial", per_page=7)
    assert first.total > 14 and first.has_next and not first.has_previous
    seen: list[str] = []
    page = 1
    while True:
        res = search(synced, "jaminan sosial", per_page=7, page=page)
        assert res.total == first.total
        seen += keys(res)
        if not res.has_next:
            break
        assert res.next_url.endswith(f"page={page + 1}") and "q=jaminan+sosial" in res.next_url
        page += 1
    assert len(seen) == len(set(seen)) == first.total
    assert res.has_previous and res.previous_url.endswith(f"page={page - 1}")
    beyond = search(synced, "jaminan sosial", per_page=7, page=page + 5)
    assert beyond.hits == [] and beyond.total == first.total
    kept = search(synced, "jaminan sosial", {"jenis": "perbup"}, per_page=2)
    assert "jenis=perbup" in kept.next_url


def test_fact_passages_point_back_to_their_pasal(synced, corpus_records):
    res = search(synced, "mendaftarkan pekerjanya peserta", {"has_obligation": "true"}, per_page=20)
    assert res.total > 0
    withpassages = [h for h in res.hits if h.passages]
    assert withpassages, "obligation passages should come with the hits"
    by_key = {r["reg_key"]: r for r in corpus_records}
    for hit in withpassages:
        assert hit.has_obligation
        for p in hit.passages:
            assert p.kind in ("obligation", "target") and "<mark>" in passage_html(p)
            assert p.pasal and p.start is not None and p.end > p.start
            facts = {(x["pasal"], x["start"]) for x in by_key[hit.reg_key]["passages"]}
            assert (p.pasal, p.start) in facts  # evidence: the fact's Pasal and offsets
    se = search(synced, "menanggung iuran")
    assert se.hits[0].reg_key == KENDAL_SE and se.hits[0].passages[0].kind == "obligation"


def test_html_in_documents_is_escaped(synced):
    res = search(synced, "kartikajaya")
    hit = res.hits[0]
    assert hit.reg_key == KENDAL_SE
    html = snippet_html(hit) + "".join(passage_html(p) for p in hit.passages)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<script>" in hit.title  # titles are plain text; templates escape them


def test_passages_are_plain_text_with_match_offsets(synced):
    hit = search(synced, "kartikajaya").hits[0]
    assert any("<script>" in p.text for p in hit.highlights)  # the text as written, no markup
    for p in hit.highlights:
        assert "<mark>" not in p.text and "&lt;" not in p.text
        assert all(0 <= s < e <= len(p.text) for s, e in p.matches)
    assert {hit.snippet.text[s:e].lower() for s, e in hit.snippet.matches} == {"kartikajaya"}


def test_result_page_shape(synced):
    page = search_page(search(synced, "iuran pekerja rentan"))
    assert set(page) == {"query", "exact", "filters", "engine", "total", "page", "per_page",
                         "next", "previous", "hits", "facets"}
    assert set(page["facets"]) == set(FACETS)
    hit = page["hits"][0]
    assert set(hit) == {"reg_key", "title", "score", "highlights", "kind", "jenis_code", "nomor",
                        "tahun", "region_code", "kode_provinsi", "status", "programs",
                        "has_obligation", "snippet_html"}
    assert set(hit["highlights"][0]) == {"field", "html", "kind", "pasal", "ayat", "page",
                                         "start", "end"}
    assert hit["reg_key"] == BATANG_PERBUP and hit["score"] > 0 and hit["tahun"] == 2024


def test_empty_and_garbage_queries_are_harmless(synced):
    for q in ['"unbalanced', "-", "--", '""', "*", "AND OR NOT", "((", "\\", "a" * 600]:
        res = search(synced, q)
        assert res.total >= 0
    assert search(synced, "", per_page=5).total > 0  # browsing by filters only
