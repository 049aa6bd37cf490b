"""Passages are plain text with match offsets; only the web app makes HTML of them."""

from __future__ import annotations

from indices.search.remote import MATCH_END, MATCH_START, unmark
from indices.search.result import Hit, Passage, squash_spaces
from webapp.render import passage_html, search_page


def test_whitespace_runs_become_one_space_and_matches_move_along():
    text = "  Setiap\n\tPemberi   Kerja wajib\n\n mendaftarkan  "
    spans = [(text.index("Pemberi"), text.index("Pemberi") + 7),
             (text.index("wajib"), text.index("mendaftarkan") + 12)]
    out, moved = squash_spaces(text, spans)
    assert out == "Setiap Pemberi Kerja wajib mendaftarkan"
    assert [out[s:e] for s, e in moved] == ["Pemberi", "wajib mendaftarkan"]
    kept, moved = squash_spaces(text, spans, strip=False)
    assert kept == " Setiap Pemberi Kerja wajib mendaftarkan "
    assert [kept[s:e] for s, e in moved] == ["Pemberi", "wajib mendaftarkan"]
    assert squash_spaces("", []) == ("", [])


def test_highlighter_tags_become_offsets():
    marked = f"kepada {MATCH_START}BPJS\nKetenagakerjaan{MATCH_END}; {MATCH_START}iuran{MATCH_END}"
    text, spans = unmark(marked)
    assert text == "kepada BPJS\nKetenagakerjaan; iuran"
    assert [text[s:e] for s, e in spans] == ["BPJS\nKetenagakerjaan", "iuran"]
    stray = unmark(f"a{MATCH_END}b {MATCH_START}c")  # unbalanced tags never break a page
    assert stray == ("ab c", [])


def test_passages_are_rendered_escaped_with_marks_and_ellipses():
    text = 'Jum\'at di "Balai" & <b>kantor</b>'
    p = Passage("body", text, [(0, 6), (text.index("kantor"), text.index("kantor") + 6)],
                clipped_start=True, clipped_end=True)
    assert passage_html(p) == ("…<mark>Jum&#x27;at</mark> di &quot;Balai&quot; &amp; &lt;b&gt;"
                               "<mark>kantor</mark>&lt;/b&gt;…")
    assert p.excerpt == "…" + text + "…"  # what the CLI prints: plain text, nothing to strip
    assert passage_html(None) == ""


def test_a_hit_is_published_with_html_fields():
    from indices.search.parser import SearchRequest
    from indices.search.result import ResultPage

    hit = Hit("perbup/33.25/2024/30", "Perbup", 1.234567,
              [Passage("body", "iuran <JKK>", [(0, 5)]),
               Passage("passage", "wajib iuran", [(6, 11)], kind="obligation", pasal="13",
                       ayat="1", page=4, start=10, end=21)])
    page = ResultPage(request=SearchRequest.build("iuran", per_page=1), engine="embedded")
    page.total, page.hits[:] = 3, [hit]
    out = search_page(page)
    assert out["next"] == "?q=iuran&per_page=1&page=2" and out["previous"] is None
    shown = out["hits"][0]
    assert list(shown) == ["reg_key", "title", "score", "highlights", "kind", "jenis_code",
                           "nomor", "tahun", "region_code", "kode_provinsi", "status",
                           "programs", "has_obligation", "snippet_html"]
    assert shown["score"] == 1.2346 and shown["snippet_html"] == "<mark>iuran</mark> &lt;JKK&gt;"
    assert shown["highlights"][1] == {"field": "passage", "html": "wajib <mark>iuran</mark>",
                                      "kind": "obligation", "pasal": "13", "ayat": "1",
                                      "page": 4, "start": 10, "end": 21}
