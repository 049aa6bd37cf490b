"""Tests for nlp.text on the real JDIH Batang PDFs and on bad inputs built from their bytes."""

from __future__ import annotations

import hashlib
import io
import random
import re
import shutil
import struct
import subprocess
from collections import Counter

import pytest

from nlp.text import (
    PAGE_SEPARATOR,
    ExtractedText,
    Page,
    TextExtractionError,
    cleanup,
    extract_text,
    sniff_media_type,
)
from nlp.text import pdf as pdf_reader
from nlp.text.quality import quality_of

from .conftest import REAL, real_bytes

PERBUP_30 = "sosial-perbup-30-2024.pdf"
PERBUP_20_SCAN = "sosial-perbup-20-2025.pdf"
PERDA_2 = "sosial-perda-2-2023.pdf"
ABSTRAK_PERBUP = "sosial-abstrak-perbup-20-2025.pdf"
ABSTRAK_PERDA = "sosial-abstrak-perda-2-2023.pdf"

NUMBER_ONLY_LINE = re.compile(r"^\s*(?:[-–—]\s*)?\d{1,4}(?:\s*[-–—])?\s*$")


# --------------------------------------------------------------------------- helpers

def _words(text: str) -> Counter[str]:
    """Words for comparing extractors: page-number lines dropped, hyphens ignored.

    Hyphens are ignored because pdftotext joins "perundang-\\nundangan" into
    "perundangundangan" while we keep the kata ulang hyphen; the words are the same.
    """
    lines = [line for line in text.splitlines() if not NUMBER_ONLY_LINE.match(line)]
    return Counter(w.replace("-", "") for w in " ".join(lines).split() if w.strip("-"))


def _pdftotext(name: str) -> str:
    # poppler-utils is installed by scripts/system-deps.sh; missing it is a failure, not a skip
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) not installed: run scripts/system-deps.sh"
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(REAL / name), "-"],
                         capture_output=True, text=True, check=True, timeout=60)
    return out.stdout


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _lock_with_user_password(pdf: bytes, user_password: bytes = b"rahasia",
                             owner_password: bytes = b"pemilik") -> bytes:
    """Append an incremental update that puts the real PDF behind a user password.

    Standard security handler, revision 2 (40-bit RC4), PDF 32000-1:2008 §7.6.3 algorithms
    2, 3 and 4. The old objects are not re-encrypted, which does not matter: a reader must
    stop at the password check, and does so exactly as for a fully encrypted file.
    """
    pad = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")

    def padded(pw: bytes) -> bytes:
        return (pw + pad)[:32]

    owner_key = hashlib.md5(padded(owner_password)).digest()[:5]
    o_value = _rc4(owner_key, padded(user_password))
    permissions = -44  # print/copy bits off, reserved bits on
    file_id = hashlib.md5(pdf).digest()
    key = hashlib.md5(padded(user_password) + o_value + struct.pack("<i", permissions)
                      + file_id).digest()[:5]
    u_value = _rc4(key, pad)

    trailer = pdf[pdf.rindex(b"trailer"):]
    size = int(re.search(rb"/Size\s+(\d+)", trailer).group(1))
    root = re.search(rb"/Root\s+(\d+\s+\d+\s+R)", trailer).group(1)
    prev = int(re.search(rb"startxref\s+(\d+)", pdf[-200:]).group(1))
    base = pdf if pdf.endswith(b"\n") else pdf + b"\n"
    obj_offset = len(base)
    obj = (f"{size} 0 obj\n<< /Filter /Standard /V 1 /R 2 /P {permissions} "
           f"/O <{o_value.hex()}> /U <{u_value.hex()}> >>\nendobj\n").encode()
    xref_offset = obj_offset + len(obj)
    xref = f"xref\n{size} 1\n{obj_offset:010d} 00000 n \n".encode()
    new_trailer = (f"trailer\n<< /Size {size + 1} /Root {root.decode()} /Prev {prev} "
                   f"/Encrypt {size} 0 R /ID [<{file_id.hex()}> <{file_id.hex()}>] >>\n"
                   f"startxref\n{xref_offset}\n%%EOF\n").encode()
    return base + obj + xref + new_trailer


def _error(data: bytes, **kwargs) -> TextExtractionError:
    with pytest.raises(TextExtractionError) as info:
        extract_text(data, **kwargs)
    return info.value


# --------------------------------------------------------------------------- real PDFs

def test_perbup_text_layer_matches_pdftotext(extracted):
    doc = extracted(PERBUP_30)
    assert doc.media_type == "application/pdf"
    assert [p.number for p in doc.pages] == list(range(1, 10))
    assert all(p.method == "text" for p in doc.pages)
    assert not doc.needs_ocr and doc.page_errors == {}
    ours, ref = _words(doc.text), _words(_pdftotext(PERBUP_30))
    common = sum((ours & ref).values())
    assert common / sum(ref.values()) >= 0.99, "word recall against pdftotext"
    assert common / sum(ours.values()) >= 0.99, "word precision against pdftotext"
    assert doc.text.startswith("BUPATI BATANG\nPROVINSI JAWA TENGAH\nPERATURAN BUPATI BATANG")


@pytest.mark.parametrize("name", [PERBUP_30, PERDA_2])
def test_running_page_numbers_are_removed(extracted, name):
    raw = _pdftotext(name)
    assert sum(1 for line in raw.splitlines() if NUMBER_ONLY_LINE.match(line)) >= 9, \
        "fixture should carry page numbers, or this test proves nothing"
    doc = extracted(name)
    leftovers = [(p.number, line) for p in doc.pages for line in p.text.splitlines()
                 if NUMBER_ONLY_LINE.match(line)]
    assert leftovers == []


def test_page_number_above_a_lower_text_box_is_removed(extracted):
    # Page 9 of the Perbup prints its "9" above the signature's NIP line, so it is not last.
    last = extracted(PERBUP_30).pages[-1].text.splitlines()
    assert last[-2:] == ["Pembina Tingkat I", "NIP. 19710331 199003 1 001"]


def test_perda_words_match_pdftotext(extracted):
    doc = extracted(PERDA_2)
    assert len(doc.pages) == 20 and not doc.needs_ocr
    ours, ref = _words(doc.text), _words(_pdftotext(PERDA_2))
    common = sum((ours & ref).values())
    assert common / sum(ref.values()) >= 0.99
    assert common / sum(ours.values()) >= 0.99


def test_kata_ulang_broken_at_line_end_keeps_its_hyphen(extracted):
    text = extracted(PERDA_2).text
    assert "perundang-\n" not in text
    assert "perundang-undangan" in text
    assert "perundangundangan" not in text


@pytest.mark.parametrize("name", [ABSTRAK_PERBUP, ABSTRAK_PERDA])
def test_abstrak_words_are_not_glued(extracted, name):
    # These WPS Writer sheets encode word gaps as kerning; default pdfplumber settings glue
    # "SOSIALKETENAGAKERJAANBAGI…". Compare with pdftotext word for word.
    doc = extracted(name)
    ours, ref = _words(doc.text), _words(_pdftotext(name))
    common = sum((ours & ref).values())
    assert common / sum(ref.values()) >= 0.99
    assert common / sum(ours.values()) >= 0.99
    assert len(doc.pages) == 1 and doc.pages[0].quality > 0.9


def test_scan_without_text_layer_needs_ocr(extracted):
    # The session fixture reads without OCR (the default): the scan's pages stay empty, and
    # the document says it cannot be trusted to be complete.
    doc = extracted(PERBUP_20_SCAN)
    assert [(p.number, p.method, p.text, p.quality, p.confidence) for p in doc.pages] == [
        (1, "none", "", 0.0, None), (2, "none", "", 0.0, None), (3, "none", "", 0.0, None)]
    assert doc.needs_ocr
    assert doc.unreliable
    assert doc.unreliable_reasons == [
        "3 of 3 page(s) are images without a text layer and were not OCRed "
        "(OCR is turned off): pages 1-3"]


def test_page_at_maps_offsets_to_pages(extracted):
    doc = extracted(PERBUP_30)
    text = doc.text
    assert text.count("\f") == 8
    assert doc.page_at(0) == 1
    assert doc.page_at(len(text)) == 9
    assert doc.page_at(text.index("BAB VI\nIURAN")) == 7
    assert doc.page_at(text.index("PEMBINAAN, PENGAWASAN DAN PENGENDALIAN")) == 9
    # Each page's text sits at its own offset, separators belong to the page before.
    offset = 0
    for page in doc.pages:
        assert text[offset:offset + len(page.text)] == page.text
        assert doc.page_at(offset) == page.number
        assert doc.page_at(offset + len(page.text)) == page.number
        offset += len(page.text) + len(PAGE_SEPARATOR)
    with pytest.raises(IndexError):
        doc.page_at(-1)
    with pytest.raises(IndexError):
        doc.page_at(len(text) + 1)


def test_page_at_skips_missing_pages():
    doc = ExtractedText("application/pdf", [Page(1, "abc", "text", 1.0), Page(3, "de", "text", 1.0)],
                        {2: "text extraction failed"})
    assert doc.text == "abc\n\f\nde"
    assert [doc.page_at(i) for i in range(len(doc.text) + 1)] == [1, 1, 1, 1, 1, 1, 3, 3, 3]


def test_one_bad_page_does_not_lose_the_others(monkeypatch):
    def flaky(number):
        if number == 3:
            raise ValueError("broken content stream")

    monkeypatch.setattr(pdf_reader, "_PAGE_HOOK", flaky)
    doc = extract_text(real_bytes(PERBUP_30))
    assert [p.number for p in doc.pages] == [1, 2, 4, 5, 6, 7, 8, 9]
    assert "broken content stream" in doc.page_errors[3]
    assert set(doc.page_errors) == {3}
    assert doc.page_at(doc.text.index("BAB III")) == 4
    assert doc.unreliable and "1 page(s) could not be read: 3" in doc.unreliable_reasons[0]


def test_one_bad_page_with_the_pdfplumber_engine(monkeypatch):
    import pdfplumber.page

    original = pdfplumber.page.Page.extract_text

    def flaky(self, **kwargs):
        if self.page_number == 3:
            raise ValueError("broken content stream")
        return original(self, **kwargs)

    monkeypatch.setattr(pdfplumber.page.Page, "extract_text", flaky)
    doc = extract_text(real_bytes(PERBUP_30), engine="pdfplumber")
    assert [p.number for p in doc.pages] == [1, 2, 4, 5, 6, 7, 8, 9]
    assert "broken content stream" in doc.page_errors[3]


# --------------------------------------------------------------------------- bad inputs

def test_empty_bytes():
    assert _error(b"").reason == "empty"
    with pytest.raises(TextExtractionError) as info:
        sniff_media_type(b"")
    assert info.value.reason == "empty"


def test_html_error_page_renamed_pdf_is_not_pdf():
    page = b"<html><head><title>404 Not Found</title></head><body>Not Found</body></html>"
    err = _error(page, filename="ph001614-peraturan-bupati-no-30-tahun-2024.pdf")
    assert err.reason == "not_pdf"
    assert "<html>" in str(err) and "not a PDF" in str(err)
    assert _error(page, media_type="application/pdf").reason == "not_pdf"


def test_pdf_served_with_wrong_type_is_still_read():
    doc = extract_text(real_bytes(ABSTRAK_PERDA), "text/html; charset=utf-8")
    assert doc.media_type == "application/pdf"
    assert "PENYELENGGARAAN" in doc.text


def test_truncated_pdf_is_corrupt_or_yields_pages_with_a_warning(extracted):
    outcomes = set()
    for name in (PERBUP_30, PERDA_2):
        data = real_bytes(name)
        assert extracted(name).warnings == []
        try:
            doc = extract_text(data[: int(len(data) * 0.3)])
        except TextExtractionError as err:
            assert err.reason == "corrupt", err
            outcomes.add("corrupt")
        else:
            outcomes.add("pages")
            assert doc.pages and doc.pages[0].text.startswith("BUPATI BATANG")
            # Salvaged text may be an earlier revision (the truncated Perbup reads "NOMOR 33"),
            # so the caller must be told.
            assert any("truncated" in w for w in doc.warnings)
    assert outcomes == {"corrupt", "pages"}, "pdfminer's recovery changed; review this test"
    assert _error(real_bytes(PERBUP_30)[:2000]).reason == "corrupt"


def test_garbage_after_pdf_header_is_corrupt():
    rng = random.Random(20240906)
    data = b"%PDF-1.4\n" + bytes(rng.randrange(256) for _ in range(50_000))
    err = _error(data)
    assert err.reason == "corrupt"
    assert str(err)


def test_pdf_without_pages_is_corrupt():
    data = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    err = _error(data)
    assert (err.reason, str(err)) == ("corrupt", "PDF has no pages")


def test_password_protected_pdf_is_encrypted():
    locked = _lock_with_user_password(real_bytes(PERBUP_30))
    err = _error(locked)
    assert err.reason == "encrypted"
    # The lock is genuine: the right password passes pdfminer's check.
    import pdfplumber
    with pdfplumber.open(io.BytesIO(locked), password="rahasia") as pdf:
        assert pdf.doc.encryption is not None


def test_pypdf_encrypted_pdf_is_encrypted_and_owner_only_lock_is_read():
    import pypdf
    for user_password, expect_text in (("rahasia", False), ("", True)):
        writer = pypdf.PdfWriter(clone_from=io.BytesIO(real_bytes(ABSTRAK_PERDA)))
        writer.encrypt(user_password, "pemilik", algorithm="AES-128")
        out = io.BytesIO()
        writer.write(out)
        if expect_text:  # no user password: only permissions are restricted
            assert "PENYELENGGARAAN" in extract_text(out.getvalue()).text
        else:
            assert _error(out.getvalue()).reason == "encrypted"


def test_limits():
    data = real_bytes(PERBUP_30)
    assert _error(data, max_bytes=len(data) - 1).reason == "too_large"
    err = _error(data, max_pages=5)
    assert err.reason == "too_many_pages" and "9" in str(err)
    assert _error(data, timeout=1e-9).reason == "timeout"


def test_unsupported_binary_types():
    assert _error(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100).reason == "unsupported_type"
    # a .docx that is not a readable zip is a broken document, not an unknown type
    err = _error(b"PK\x03\x04" + b"\x00" * 100, filename="perbup.docx")
    assert err.reason == "corrupt" and "DOCX" in str(err)
    err = _error(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, filename="perbup.doc")
    assert err.reason == "unsupported_type" and "ole-storage" in str(err)
    assert _error(bytes(range(256)) * 4).reason == "unsupported_type"


def test_error_reasons_are_checked():
    with pytest.raises(ValueError):
        TextExtractionError("exploded")


# --------------------------------------------------------------------------- media types

@pytest.mark.parametrize("data, filename, expected", [
    (b"%PDF-1.5\n...", None, "application/pdf"),
    (b"\xef\xbb\xbf\r\n\r\n%PDF-1.4 junk before the header", None, "application/pdf"),
    (b"<!DOCTYPE html><html><body>x</body></html>", "x.pdf", "text/html"),
    (b"  <HTML>\n<BODY>Perbup</BODY>", None, "text/html"),
    (b"Peraturan Bupati Batang Nomor 30 Tahun 2024", None, "text/plain"),
    (b"Peraturan Bupati Batang", "perbup.html", "text/html"),
    (b"Peraturan Bupati Batang", "perbup.PDF", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "scan.pdf", "image/png"),
    (b"PK\x03\x04\x14\x00", "perbup.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (bytes(range(256)), None, "application/octet-stream"),
])
def test_sniff_media_type(data, filename, expected):
    assert sniff_media_type(data, filename) == expected


# --------------------------------------------------------------------------- HTML and plain text

JDIH_PAGE = """<!DOCTYPE html>
<html><head><title>JDIH Kabupaten Batang</title>
<style>body {{ color: red }}</style><script>var apiKey = "x";</script></head>
<body>
<header>JDIH Batang — Beranda</header>
<nav><a href="/">Beranda</a> <a href="/produk">Produk Hukum</a></nav>
<div class="content">
<h1>Peraturan Bupati Nomor 30 Tahun 2024</h1>
<p>Tentang Jaminan Sosial Ketenagakerjaan “bagi” Pekerja Rentan – Café</p>
<table><tr><th>Nomor</th><td>30</td></tr><tr><th>Status</th><td>Berlaku</td></tr></table>
<p>Baris satu<br>baris dua</p>
<!-- komentar yang tidak tampil -->
</div>
<aside>Berita terbaru</aside>
<form><input name="q"> Cari</form>
<footer>© 2024 Bagian Hukum</footer>
</body></html>
"""


@pytest.mark.parametrize("encoding, media_type, meta", [
    ("windows-1252", None, ""),  # undeclared: not UTF-8, so windows-1252
    ("windows-1252", None, '<meta charset="windows-1252">'),
    ("windows-1252", "text/html; charset=ISO-8859-1", ""),  # latin-1 label means cp1252
    ("utf-8", None, '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'),
    ("utf-8", "text/html", ""),
])
def test_html_text(encoding, media_type, meta):
    html = JDIH_PAGE.format().replace("<head>", "<head>" + meta)
    doc = extract_text(html.encode(encoding), media_type)
    assert doc.media_type == "text/html" and len(doc.pages) == 1
    text = doc.text
    lines = text.splitlines()
    assert "Peraturan Bupati Nomor 30 Tahun 2024" in lines
    assert "Tentang Jaminan Sosial Ketenagakerjaan “bagi” Pekerja Rentan – Café" in lines
    assert "Baris satu" in lines and "baris dua" in lines
    assert any(re.fullmatch(r"Nomor\s+30", line) for line in lines)
    for noise in ("apiKey", "color", "Beranda", "Produk Hukum", "Berita terbaru", "Cari",
                  "Bagian Hukum", "komentar", "JDIH Kabupaten Batang"):
        assert noise not in text
    assert doc.pages[0].method == "text" and doc.pages[0].quality > 0.8


def test_plain_text_decodes_utf8_then_windows_1252():
    phrase = "Pekerja “Rentan” – Café"
    assert extract_text(phrase.encode("utf-8")).text == phrase
    assert extract_text(phrase.encode("windows-1252")).text == phrase
    doc = extract_text(b"baris 1\r\nbaris 2\r\n", "text/plain")
    assert doc.media_type == "text/plain" and doc.text == "baris 1\nbaris 2"


# --------------------------------------------------------------------------- cleaning rules

def test_page_number_rules():
    raw = {
        1: "PERATURAN BUPATI\nisi halaman satu\n1",
        2: "- 2 -\nisi halaman dua\nsebanyak\n5\norang peserta",
        3: "Halaman 3\nisi\n3\nNIP. 19710331",
        4: "isi halaman empat\n4",
    }
    out = cleanup.strip_page_numbers(raw)
    assert out[1] == "PERATURAN BUPATI\nisi halaman satu"
    assert out[2] == "isi halaman dua\nsebanyak\n5\norang peserta"  # a number in the body stays
    assert out[3] == "isi\nNIP. 19710331"
    assert out[4] == "isi halaman empat"


def test_year_at_page_end_is_not_a_page_number():
    out = cleanup.strip_page_numbers({1: "ditetapkan pada tahun\n2024", 2: "isi\n2"})
    assert out[1] == "ditetapkan pada tahun\n2024"
    assert out[2] == "isi"


@pytest.mark.parametrize("before, after", [
    ("jaminan pemen-\nuhan kebutuhan dasar", "jaminan pemenuhan\nkebutuhan dasar"),
    ("ketentuan peraturan perundang-\nundangan.", "ketentuan peraturan perundang-undangan."),
    ("diberikan kepada masing-\nmasing peserta", "diberikan kepada masing-masing\npeserta"),
    ("sebagaimana diatur dalam Undang-\nUndang Nomor 24", "sebagaimana diatur dalam Undang-\nUndang Nomor 24"),
    ("pekerja non-\nASN", "pekerja non-\nASN"),
    ("huruf a -\nhuruf b", "huruf a -\nhuruf b"),
])
def test_hyphenation_repair(before, after):
    assert cleanup.repair_hyphenation(before) == after


def test_unmapped_glyphs_count_as_no_text():
    page = "(cid:3)(cid:4)(cid:5) " * 40 + "\nﬁ 12"
    assert cleanup.clean_glyphs(page).split() == ["fi", "12"]


def test_quality_scores_words():
    assert quality_of("") == 0.0
    assert quality_of("Pasal 1 (1) Peserta wajib membayar Rp1.000.000,00;") == 1.0
    assert quality_of("~~ |/| ;; @#") == 0.0
