"""OCR of scanned pages (nlp.text.ocr through nlp.text.extract_text): the real scanned Perbup Batang
20/2025, a scanned Lampiran table, a garbled text layer, the page-image cache, and what happens
without tesseract. Tesseract is slow (~1-2 s a page), so each input is OCRed once per module.
"""

from __future__ import annotations

import io
import re

import pypdf
import pytest

from nlp.identity import extract_metadata
from nlp.text import TextExtractionError, extract_text, ocr

from .conftest import real_bytes
from .pdfmaker import PageSpec, make_pdf, scan_of

SCAN = "sosial-perbup-20-2025.pdf"

def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).casefold()


@pytest.fixture(scope="module")
def ocr_cache(tmp_path_factory):
    assert ocr.tesseract_problem("ind") is None, \
        "tesseract with the ind language is required (scripts/system-deps.sh)"
    return tmp_path_factory.mktemp("ocr-cache")


@pytest.fixture(scope="module")
def scanned(ocr_cache):
    return extract_text(real_bytes(SCAN), ocr=True, cache_dir=ocr_cache)


TABLE = [["No", "Indikator", "Satuan", "2023", "2024", "2025"],
         ["1", "Peserta JKK pekerja rentan", "orang", "1.200", "1.500", "2.000"],
         ["2", "Peserta JKM pekerja rentan", "orang", "800", "950", "1.100"],
         ["3", "Cakupan jaminan sosial", "persen", "45,5", "52,0", "60,0"],
         ["4", "Desa terlayani", "desa", "120", "180", "239"]]
GARBLED_LINES = ["Peraturan Bupati Batang tentang jaminan sosial bagi pekerja rentan",
                 "Pasal 1 dalam peraturan ini yang dimaksud dengan daerah adalah",
                 "Kabupaten Batang dan pemerintah daerah adalah bupati"]


def _mixed_pdf() -> bytes:
    """Page 1: a scan (image only) of a ruled Lampiran table. Page 2: a text layer whose font
    says "Shudwxudq" for what it shows as "Peraturan"."""
    table = PageSpec()
    table.text(200, 60, "LAMPIRAN PERATURAN BUPATI", 12)
    xs, tops = [60, 90, 260, 330, 400, 470, 540], [120 + 22 * i for i in range(6)]
    table.grid(xs, tops)
    for r, row in enumerate(TABLE):
        for c, cell in enumerate(row):
            table.text(xs[c] + 4, tops[r] + 6, cell, 10)
    table.text(72, 280, "Bupati Batang menetapkan target ini setiap tahun.")
    garbled = PageSpec()
    for i, line in enumerate(GARBLED_LINES):
        garbled.text(72, 100 + 20 * i, line, 14, font="F3")
    writer = pypdf.PdfWriter()
    for data in (scan_of(make_pdf([table])), make_pdf([garbled]), _stamped_scan()):
        for page in pypdf.PdfReader(io.BytesIO(data)).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


STAMP = "SALINAN RESMI DARI JDIH BATANG"


def _stamped_scan() -> bytes:
    """A scanned page with a text stamp added on top: the text layer holds only the stamp."""
    body = PageSpec()
    for i in range(6):
        body.text(72, 100 + 20 * i, f"Pasal {i + 1} Peserta wajib membayar iuran kepada BPJS", 12)
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(scan_of(make_pdf([body]))))
    page = writer.pages[0]
    stamp = PageSpec(size=(float(page.mediabox.width), float(page.mediabox.height)))
    stamp.text(200, 20, STAMP, 10)
    page.merge_page(pypdf.PdfReader(io.BytesIO(make_pdf([stamp]))).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def mixed(ocr_cache):
    return extract_text(_mixed_pdf(), ocr=True, cache_dir=ocr_cache)


# --------------------------------------------------------------------------- the real scan

def test_scanned_regulation_is_ocred_page_by_page(scanned):
    assert [(p.number, p.method) for p in scanned.pages] == [(1, "ocr"), (2, "ocr"), (3, "ocr")]
    text = _norm(scanned.text)
    for phrase in ("Peraturan Bupati", "Nomor 20 Tahun 2025", "Pekerja Rentan"):
        assert _norm(phrase) in text
    for page in scanned.pages:
        assert 0.8 < page.confidence <= 1.0  # mean word confidence, stored per page
        assert page.quality > 0.9 and page.spans and page.bbox_at(0) is not None
    assert not scanned.needs_ocr and not scanned.unreliable
    assert scanned.stats["ocr_pages"] == 3 and scanned.stats["none_pages"] == 0


def test_ocr_text_identifies_the_regulation(scanned):
    meta = extract_metadata(scanned.text)
    assert meta.reg_key == "perbup/33.25/2025/20"
    assert meta.tentang == ("Perubahan atas Peraturan Bupati Nomor 30 Tahun 2024 tentang Jaminan "
                            "Sosial Ketenagakerjaan bagi Pekerja Rentan")


def test_second_run_comes_from_the_page_image_cache(scanned, ocr_cache, monkeypatch):
    def no_tesseract(*args, **kwargs):
        raise AssertionError("tesseract ran although every page is cached")

    monkeypatch.setattr(ocr, "run_tesseract", no_tesseract)
    again = extract_text(real_bytes(SCAN), ocr=True, cache_dir=ocr_cache)
    assert again.stats["ocr_cache_hits"] == 3
    assert again.text == scanned.text
    assert [p.confidence for p in again.pages] == [p.confidence for p in scanned.pages]
    assert len(list(ocr_cache.glob("*/*.tsv"))) >= 3


def test_without_a_cache_dir_ocr_is_a_pure_function(monkeypatch, tmp_path):
    calls = []

    def fake(image, **kwargs):
        calls.append(kwargs)
        return _tsv([(1, 1, 10, 10, 80, 90, "Pasal"), (1, 1, 100, 10, 20, 80, "1")])

    monkeypatch.setattr(ocr, "run_tesseract", fake)
    monkeypatch.chdir(tmp_path)
    image = b"P5\n4 4\n255\n" + bytes(16)
    first = ocr.ocr_image(image, dpi=300)
    second = ocr.ocr_image(image, dpi=300)
    assert len(calls) == 2 and list(tmp_path.iterdir()) == []
    assert first.lines == second.lines and first.lines[0].text == "Pasal 1"
    assert calls[0] == {"lang": "ind", "psm": ocr.DEFAULT_PSM, "dpi": 300,
                        "timeout": ocr.TESSERACT_TIMEOUT}
    cached = ocr.ocr_image(image, dpi=300, cache_dir=tmp_path / "c")
    again = ocr.ocr_image(image, dpi=300, cache_dir=tmp_path / "c")
    assert len(calls) == 3 and (cached.cached, again.cached) == (False, True)


def test_ocr_runs_out_of_time(monkeypatch):
    with pytest.raises(TextExtractionError) as info:
        extract_text(real_bytes(SCAN), ocr=True, timeout=0.3)
    assert info.value.reason == "timeout"


def test_without_tesseract_scans_stay_empty_and_the_document_is_flagged(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract on the PATH
    ocr.tesseract_problem.cache_clear()
    try:
        doc = extract_text(real_bytes(SCAN), ocr=True)
    finally:
        monkeypatch.undo()
        ocr.tesseract_problem.cache_clear()
    assert [p.method for p in doc.pages] == ["none", "none", "none"]
    assert doc.needs_ocr and doc.unreliable
    assert "tesseract is not installed" in doc.unreliable_reasons[0]


def test_missing_language_data_is_a_reason_too():
    assert ocr.tesseract_problem("xyz") == "tesseract language data missing: xyz"


# --------------------------------------------------------------------------- tables and garbage

def test_scanned_table_comes_out_row_by_row_with_cells(mixed):
    page = mixed.pages[0]
    assert page.method == "ocr"
    assert page.tables == [TABLE]
    lines = page.text.splitlines()
    assert lines[0] == "LAMPIRAN PERATURAN BUPATI"
    assert lines[1:6] == ["\t".join(row) for row in TABLE]
    assert lines[6] == "Bupati Batang menetapkan target ini setiap tahun."


def test_garbled_text_layer_is_replaced_by_ocr(mixed):
    page = mixed.pages[1]
    assert page.method == "ocr" and page.confidence > 0.8
    assert page.text.splitlines() == GARBLED_LINES
    assert not mixed.unreliable


# --------------------------------------------------------------------------- TSV parsing

HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


def _tsv(words: list[tuple[int, int, int, int, int, float, str]]) -> str:
    """words: (block, line, left, top, width, conf, text), all 20 px high."""
    rows = [HEADER]
    for block, line, left, top, width, conf, text in words:
        rows.append(f"5\t1\t{block}\t1\t{line}\t1\t{left}\t{top}\t{width}\t20\t{conf}\t{text}")
    return "\n".join(rows) + "\n"


# A three-column table that tesseract read column by column: block 1 is the "No" column,
# block 2 "Uraian", block 3 "Target".
COLUMNS = [(1, i + 1, 100, 100 + 40 * i, 20, 90, str(i + 1)) for i in range(4)] \
    + [(2, i + 1, 200, 100 + 40 * i, 150, 90, f"uraian{i + 1}") for i in range(4)] \
    + [(3, i + 1, 500, 100 + 40 * i, 60, 90, f"{(i + 1) * 10}%") for i in range(4)]


def test_column_by_column_reading_is_detected_and_rebuilt_as_rows():
    result = ocr.parse_tsv(_tsv(COLUMNS))
    assert result.columnar
    assert [ln.text for ln in result.lines] == [
        f"{i + 1}\turaian{i + 1}\t{(i + 1) * 10}%" for i in range(4)]
    assert result.confidence == 0.9 and result.words == 12


def test_ruled_scan_cuts_cells_at_the_rules():
    # Rules at x = 90, 190, 450, 600 px; rows bounded by horizontal rules.
    verticals = [(x, 80, 260) for x in (90, 190, 450, 600)]
    horizontals = [(y, 90, 600) for y in (90, 130, 170, 210, 250)]
    result = ocr.parse_tsv(_tsv(COLUMNS), rules=(verticals, horizontals))
    assert result.tables == [[[str(i + 1), f"uraian{i + 1}", f"{(i + 1) * 10}%"]
                              for i in range(4)]]
    assert all(ln.kind == "row" for ln in result.lines)


def test_prose_is_not_taken_for_a_table():
    prose = [(1, i + 1, 100, 100 + 30 * i, 400, 95, "kata " * 8) for i in range(10)]
    result = ocr.parse_tsv(_tsv(prose))
    assert not result.columnar and result.tables == []
    assert len(result.lines) == 10


def test_confidence_is_weighted_by_word_length_and_skips_non_words():
    tsv = _tsv([(1, 1, 0, 0, 10, 50, "a"), (1, 1, 20, 0, 90, 100, "peraturan")]) \
        + "4\t1\t1\t1\t1\t0\t0\t0\t100\t20\t-1\t\n"
    assert ocr.parse_tsv(tsv).confidence == round((50 * 1 + 100 * 9) / 10 / 100, 4)
    assert ocr.parse_tsv(HEADER + "\n").confidence is None


def test_scan_with_a_text_stamp_is_ocred_whole(mixed):
    page = mixed.pages[2]
    assert page.method == "ocr"
    assert page.text.splitlines()[0] == STAMP
    assert "Pasal 6 Peserta wajib membayar iuran kepada BPJS" in page.text.splitlines()


def test_scan_with_a_text_stamp_without_ocr_is_flagged():
    doc = extract_text(_stamped_scan(), ocr=False)
    assert doc.pages[0].method == "text" and doc.pages[0].text == STAMP
    assert doc.unreliable_reasons == ["page(s) 1 need OCR and were not OCRed (OCR is turned off): "
                                      "image page with little text"]
