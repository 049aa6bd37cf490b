"""Tests for the fast PDF path of nlp.text: reading order, tables, hanging indents, running
headers, boxes, parallel pages, speed, DOCX, enormous inputs and the hard time limit.

Layout cases use PDFs written by hand (tests/nlp/pdfmaker.py) so each test states what is printed
where; the speed and word checks use the real Batang PDFs.
"""

from __future__ import annotations

import io
import os
import statistics
import subprocess
import time
import zipfile

import pypdf
import pytest

from nlp.text import TextExtractionError, extract_text, extract_text_guarded, pdf_fast
from nlp.text import pdf as pdf_reader
from nlp.text.quality import quality_of

from .conftest import real_bytes
from .pdfmaker import PageSpec, make_pdf

PERBUP_30 = "sosial-perbup-30-2024.pdf"
PERDA_2 = "sosial-perda-2-2023.pdf"

TABLE = [["No", "Indikator", "Satuan", "Target"],
         ["1", "Persentase penduduk miskin", "persen", "9,5"],
         ["2", "Jumlah peserta JKK", "orang", "12.000"],
         ["3", "Cakupan JKM", "persen", "80"]]


def _table_page() -> PageSpec:
    p = PageSpec()
    p.text(250, 60, "LAMPIRAN", 12)
    p.text(72, 90, "Target kinerja sebagaimana dimaksud dalam Pasal 5 adalah sebagai berikut:")
    xs, tops = [72, 100, 300, 400, 520], [120, 140, 160, 180, 200]
    p.grid(xs, tops)
    for r, row in enumerate(TABLE):
        for c, cell in enumerate(row):
            p.text(xs[c] + 3, tops[r] + 4, cell, 9)
    p.text(72, 230, "BUPATI BATANG,")
    return p


def _concat(parts: list[bytes], pages: int) -> bytes:
    writer = pypdf.PdfWriter()
    while len(writer.pages) < pages:
        for data in parts:
            for page in pypdf.PdfReader(io.BytesIO(data)).pages:
                if len(writer.pages) < pages:
                    writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --------------------------------------------------------------------------- layout

def test_table_rows_come_from_pdfplumber_and_the_rest_from_pdfium():
    doc = extract_text(make_pdf([_table_page()]))
    assert doc.pages[0].text.splitlines() == [
        "LAMPIRAN",
        "Target kinerja sebagaimana dimaksud dalam Pasal 5 adalah sebagai berikut:",
        *("\t".join(row) for row in TABLE),
        "BUPATI BATANG,"]
    assert doc.pages[0].tables == [TABLE]
    assert doc.stats["table_pages"] == 1


def test_pages_without_ruling_lines_never_open_pdfplumber(monkeypatch, extracted):
    calls = []
    monkeypatch.setattr(pdf_fast, "plumber_tables", lambda page: calls.append(page) or [])
    doc = extract_text(real_bytes(PERDA_2))
    assert calls == [] and doc.stats["table_pages"] == 0
    extract_text(make_pdf([_table_page()]))
    assert len(calls) == 1


def test_tables_can_be_turned_off():
    doc = extract_text(make_pdf([_table_page()]), tables=False)
    assert doc.pages[0].tables == []
    assert "Persentase penduduk miskin" in doc.text


def _considerations() -> PageSpec:
    """Menimbang laid out as Word does: label, ':' and items in columns; the label cell is
    vertically centred on its items and each marker sits 1.5 pt below its text's baseline."""
    q = PageSpec()
    q.text(250, 100, "BUPATI BATANG,")
    items = [("a.", "bahwa setiap pekerja berhak mendapat jaminan sosial"),
             (None, "ketenagakerjaan untuk memberikan jaminan;"),
             ("b.", "bahwa untuk memberikan perlindungan bagi pekerja"),
             (None, "rentan perlu diatur;"),
             ("c.", "bahwa berdasarkan pertimbangan sebagaimana dimaksud"),
             (None, "perlu menetapkan Peraturan Bupati;")]
    top = 130
    for marker, text in items:
        if marker:
            q.text(160, top + 1.5, marker)
        q.text(175, top, text)
        top += 15
    q.text(72, 130 + 15 * 2.5, "Menimbang")
    q.text(150, 130 + 15 * 2.5, ":")
    q.text(72, top + 10, "Mengingat")
    q.text(150, top + 10, ":")
    q.text(160, top + 10, "1.")
    q.text(175, top + 10, "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan")
    q.text(175, top + 25, "Daerah;")
    return q


def test_menimbang_label_goes_to_its_first_item_and_items_keep_their_markers():
    doc = extract_text(make_pdf([_considerations()]))
    assert doc.pages[0].text.splitlines() == [
        "BUPATI BATANG,",
        "Menimbang : a. bahwa setiap pekerja berhak mendapat jaminan sosial",
        "ketenagakerjaan untuk memberikan jaminan;",
        "b. bahwa untuk memberikan perlindungan bagi pekerja",
        "rentan perlu diatur;",
        "c. bahwa berdasarkan pertimbangan sebagaimana dimaksud",
        "perlu menetapkan Peraturan Bupati;",
        "Mengingat : 1. Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan",
        "Daerah;"]


def test_without_label_repair_the_centred_label_lands_mid_list(monkeypatch):
    # Proves the layout above is a real trap, not one the row grouping avoids anyway.
    monkeypatch.setattr(pdf_reader, "attach_labels", lambda lines: lines)
    lines = extract_text(make_pdf([_considerations()])).pages[0].text.splitlines()
    assert lines.index("Menimbang :") > lines.index("b. bahwa untuk memberikan perlindungan bagi pekerja")


def _running_page(n: int) -> PageSpec:
    p = PageSpec()
    p.text(260, 20, "SALINAN", 10)
    p.text(280, 40, f"- {n} -", 10)
    p.text(72, 80, f"Pasal {n + 2}", 11)
    p.text(72, 100, "Peserta wajib membayar iuran setiap bulan kepada BPJS", 11)
    p.text(72, 115, "Ketenagakerjaan sesuai dengan ketentuan peraturan perundang-", 11)
    p.text(72, 130, "undangan dan pemenuhan hak pe-", 11)
    p.text(72, 145, "serta dijamin oleh Pemerintah Daerah.", 11)
    p.text(72, 800, f"Perbup Batang Nomor 30 Tahun 2024 hal. {n}", 8)
    return p


def test_running_headers_footers_and_page_numbers_are_removed_hyphenation_repaired():
    doc = extract_text(make_pdf([_running_page(n) for n in range(1, 6)]))
    for page in doc.pages:
        assert page.text.splitlines() == [
            f"Pasal {page.number + 2}",  # opens every page, but is body text: it stays
            "Peserta wajib membayar iuran setiap bulan kepada BPJS",
            "Ketenagakerjaan sesuai dengan ketentuan peraturan perundang-undangan",
            "dan pemenuhan hak peserta",
            "dijamin oleh Pemerintah Daerah."]


def test_a_header_on_too_few_pages_stays():
    pages = [_running_page(n) for n in range(1, 6)]
    pages[0].ops.append(b"BT /F1 10 Tf 72 780 Td (Catatan khusus halaman pertama) Tj ET")
    doc = extract_text(make_pdf(pages))
    assert "Catatan khusus halaman pertama" in doc.pages[0].text


def test_rotated_page_reads_in_display_order():
    page = PageSpec(rotate=90)
    # Text drawn rotated in page space, so it reads left to right once the page is turned.
    page.ops.append(b"BT /F1 11 Tf 0 1 -1 0 100 72 Tm (Baris pertama halaman lanskap) Tj ET")
    page.ops.append(b"BT /F1 11 Tf 0 1 -1 0 120 72 Tm (Baris kedua halaman lanskap) Tj ET")
    doc = extract_text(make_pdf([page]))
    assert doc.pages[0].text == "Baris pertama halaman lanskap\nBaris kedua halaman lanskap"
    assert doc.pages[0].size == (842.0, 595.0)
    x0, top, x1, bottom = doc.pages[0].bbox_at(0)
    assert 70 < x0 < 75 and 85 < top < bottom < 105 and x1 > 200


def test_every_character_maps_to_its_page_and_line_box(extracted):
    doc = extracted(PERBUP_30)
    text = doc.text
    at = text.index("NOMOR 30 TAHUN 2024")
    page, box = doc.locate(at)
    assert page == 1
    x0, top, x1, bottom = box
    assert 230 < x0 < 250 and 165 < top < bottom < 185 and 380 < x1 < 395  # centred title line
    page, box = doc.locate(text.index("BAB VI\nIURAN"))
    assert page == 7 and box is not None
    # every character of every page lies in a line with a box
    for p in doc.pages:
        assert all(p.bbox_at(i) is not None for i in range(len(p.text)))
        assert [p.text[s:e] for s, e, _ in p.spans] == p.text.split("\n")


def test_blank_page_is_empty_text_not_a_scan():
    doc = extract_text(make_pdf([_running_page(1), PageSpec(), _running_page(3)]))
    assert [(p.number, p.method, p.text) for p in doc.pages][1] == (2, "text", "")
    assert not doc.needs_ocr and not doc.unreliable


def test_garbled_text_layer_is_flagged_when_it_cannot_be_ocred():
    page = PageSpec()
    for i, line in enumerate(["Peraturan Bupati Batang tentang jaminan sosial bagi pekerja",
                              "Pasal 1 dalam peraturan ini yang dimaksud dengan daerah adalah",
                              "Kabupaten Batang dan pemerintah daerah adalah bupati"]):
        page.text(72, 100 + 20 * i, line, 14, font="F3")  # F3's ToUnicode lies
    doc = extract_text(make_pdf([page]), ocr=False)
    assert doc.pages[0].text.startswith("Shudwxudq Exsdwl")
    assert doc.pages[0].method == "text" and doc.pages[0].quality < pdf_reader.GARBAGE_QUALITY
    assert doc.unreliable and "garbled text layer" in doc.unreliable_reasons[0]


# --------------------------------------------------------------------------- speed

def _median_time(fn, repeat=3) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def test_fast_path_speed_against_pdfplumber_and_pypdfium2():
    import pdfplumber
    import pypdfium2

    data = real_bytes(PERDA_2)

    def plumber():
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()

    def pdfium():
        doc = pypdfium2.PdfDocument(data)
        for i in range(len(doc)):
            doc[i].get_textpage().get_text_bounded()
        doc.close()

    ours = _median_time(lambda: extract_text(data))
    assert _median_time(plumber, repeat=1) / ours >= 10, "≥ 10x faster than pdfplumber"
    assert ours / _median_time(pdfium, repeat=5) <= 4, "within 4x of bare pypdfium2"


def test_parallel_pages_give_the_same_result_as_one_process():
    big = _concat([real_bytes(PERBUP_30), real_bytes(PERDA_2), make_pdf([_table_page()])], 60)
    assert len(pypdf.PdfReader(io.BytesIO(big)).pages) >= pdf_fast.PARALLEL_MIN_PAGES
    one = extract_text(big, workers=1)
    two = extract_text(big, workers=2)
    assert one.stats["workers"] == 1 and two.stats["workers"] == 2
    assert two.text == one.text
    assert [p.spans for p in two.pages] == [p.spans for p in one.pages]
    assert [p.tables for p in two.pages] == [p.tables for p in one.pages]
    assert two.stats["table_pages"] == one.stats["table_pages"] == 2


# --------------------------------------------------------------------------- other inputs

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(body: str, numbering: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f'<w:document {W_NS}><w:body>{body}</w:body></w:document>')
        if numbering:
            z.writestr("word/numbering.xml", f"<w:numbering {W_NS}>{numbering}</w:numbering>")
    return out.getvalue()


def _p(text: str, num: tuple[int, int] | None = None, page_break: bool = False) -> str:
    ppr = (f"<w:pPr><w:numPr><w:ilvl w:val=\"{num[1]}\"/><w:numId w:val=\"{num[0]}\"/>"
           f"</w:numPr></w:pPr>") if num else ""
    br = '<w:r><w:br w:type="page"/></w:r>' if page_break else ""
    return f"<w:p>{ppr}<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r>{br}</w:p>"


def test_docx_paragraphs_numbering_tables_and_page_breaks():
    numbering = ('<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
                 '<w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
                 '<w:num w:numId="5"><w:abstractNumId w:val="0"/></w:num>')
    table = ("<w:tbl>" + "".join(
        "<w:tr>" + "".join(f"<w:tc>{_p(c)}</w:tc>" for c in row) + "</w:tr>" for row in TABLE)
        + "</w:tbl>")
    body = (_p("PERATURAN BUPATI BATANG") + _p("NOMOR 30 TAHUN 2024")
            + _p("bahwa setiap pekerja berhak mendapat jaminan sosial;", (5, 0))
            + _p("bahwa perlu menetapkan Peraturan Bupati;", (5, 0), page_break=True)
            + _p("LAMPIRAN") + table)
    doc = extract_text(_docx(body, numbering), filename="perbup-30-2024.docx")
    assert doc.media_type.endswith("wordprocessingml.document")
    assert [p.number for p in doc.pages] == [1, 2]
    assert doc.pages[0].text.splitlines() == [
        "PERATURAN BUPATI BATANG", "NOMOR 30 TAHUN 2024",
        "a. bahwa setiap pekerja berhak mendapat jaminan sosial;",
        "b. bahwa perlu menetapkan Peraturan Bupati;"]
    assert doc.pages[1].text.splitlines() == ["LAMPIRAN", *("\t".join(r) for r in TABLE)]
    assert doc.pages[1].tables == [TABLE]


def test_docx_without_document_xml_and_docx_bomb():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("foto.jpg", b"\xff\xd8\xff")
    err = pytest.raises(TextExtractionError, extract_text, out.getvalue(), filename="x.docx")
    assert err.value.reason == "corrupt" and "not a Word document" in str(err.value)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b" " * 5_000_000)
    err = pytest.raises(TextExtractionError, extract_text, bomb.getvalue(), filename="x.docx",
                        max_bytes=200_000)
    assert err.value.reason == "too_large"


# --------------------------------------------------------------------------- bad inputs

def test_enormous_pdf_is_refused_by_page_count_before_reading_pages(monkeypatch):
    big = _concat([real_bytes(PERBUP_30)], 300)
    monkeypatch.setattr(pdf_reader, "_PAGE_HOOK", lambda n: pytest.fail("a page was read"))
    err = pytest.raises(TextExtractionError, extract_text, big, max_pages=250)
    assert err.value.reason == "too_many_pages" and "300 pages" in str(err.value)
    assert pytest.raises(TextExtractionError, extract_text, big,
                         max_bytes=len(big) - 1).value.reason == "too_large"


def test_huge_page_is_rendered_for_ocr_at_a_capped_size():
    import pypdfium2

    from nlp.text import ocr

    poster = make_pdf([PageSpec(size=(14400.0, 14400.0))])  # 200 x 200 inches
    doc = pypdfium2.PdfDocument(poster)
    image, dpi = ocr.render_page(doc[0], 300)
    assert dpi < 40 and len(image) <= ocr.MAX_PIXELS + 100


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_guarded_extraction_kills_a_hanging_parser_and_its_children(monkeypatch, tmp_path):
    pids = tmp_path / "pids"

    def hang(number):
        child = subprocess.Popen(["sleep", "60"])  # stands for a tesseract the parser started
        pids.write_text(f"{os.getpid()} {child.pid}")
        time.sleep(60)

    monkeypatch.setattr(pdf_reader, "_PAGE_HOOK", hang)
    t0 = time.monotonic()
    with pytest.raises(TextExtractionError) as info:
        extract_text_guarded(real_bytes(PERBUP_30), timeout=2)
    assert info.value.reason == "timeout"
    assert time.monotonic() - t0 < 10
    worker, grandchild = map(int, pids.read_text().split())
    deadline = time.monotonic() + 5
    while (_alive(worker) or _alive(grandchild)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(worker) and not _alive(grandchild)


def test_guarded_extraction_returns_the_same_result_and_errors():
    doc = extract_text_guarded(real_bytes(PERBUP_30), timeout=60)
    assert doc.text == extract_text(real_bytes(PERBUP_30)).text
    assert doc.pages[0].spans  # boxes survive the trip between processes
    err = pytest.raises(TextExtractionError, extract_text_guarded, b"%PDF-1.4\n" + b"\x00" * 300,
                        timeout=60)
    assert err.value.reason == "corrupt"


def test_guarded_extraction_reports_a_crashed_parser(monkeypatch):
    monkeypatch.setattr(pdf_reader, "_PAGE_HOOK", lambda n: os._exit(3))
    err = pytest.raises(TextExtractionError, extract_text_guarded, real_bytes(PERBUP_30),
                        timeout=60)
    assert err.value.reason == "corrupt" and "died" in str(err.value)


def test_extraction_error_survives_pickling():
    import pickle

    err = pickle.loads(pickle.dumps(TextExtractionError("timeout", "gave up after 5 s")))
    assert (err.reason, str(err)) == ("timeout", "gave up after 5 s")


def test_quality_tells_language_from_garbage(extracted):
    assert quality_of(extracted(PERBUP_30).pages[1].text) > 0.95
    caesar = ("Shudwxudq Exsdwl Edwdqj whqwdqj mdplqdq vrvldo edjl shnhumd uhqwdq Sdvdo 1 gdodp "
              "shudwxudq lql |dqj glpdnvxg ghqjdq gdhudk dgdodk Ndexsdwhq Edwdqj")
    assert quality_of(caesar) < 0.1  # word-shaped, but no Indonesian words
    assert quality_of("\ue001\ue002 \ue003 ÿþ ¤¥ ¦§ ¨©") < pdf_reader.GARBAGE_QUALITY


def test_locate_without_positions():
    doc = extract_text(b"<html><body><p>Peraturan Bupati</p></body></html>")
    assert doc.locate(3) == (1, None)
