"""Drafting forms and readings of issue 14, one failure type per test: Instruksi and Keputusan diktum
without a cue word, circular points, purpose clauses, Hijri double dates, letter-spaced headings,
Aceh's Qanun, "(Drt)" laws, amended-provision lists, the regions a regulation names, and what OCR
does to headings, cues and numbers (on text known to come from OCR, and only there)."""

from __future__ import annotations

import pytest

from nlp.extract import extract_document
from nlp.text import ExtractedText, Page


def _ocr(text: str) -> ExtractedText:
    """``text`` as one page read by OCR (what nlp.text hands over for a scan)."""
    return ExtractedText("application/pdf", [Page(1, text, "ocr", 0.9, 0.9, normalised={})])


def _text_layer(text: str) -> ExtractedText:
    return ExtractedText("application/pdf", [Page(1, text, "text", 0.9)])


HEAD = """BUPATI ACEH UTARA
PROVINSI ACEH
{jenis} BUPATI ACEH UTARA
NOMOR 2 TAHUN 2022
TENTANG
PERCEPATAN KEPESERTAAN JAMINAN SOSIAL KETENAGAKERJAAN
BUPATI ACEH UTARA,
"""

INSTRUKSI = HEAD.format(jenis="INSTRUKSI") + """Dalam rangka melaksanakan program jaminan sosial
ketenagakerjaan, dengan ini menginstruksikan:
Kepada : 1. Sekretaris Daerah;
2. Camat se-Kabupaten Aceh Utara.
Untuk :
KESATU : Mendaftarkan seluruh aparatur gampong sebagai peserta program Jaminan
Kecelakaan Kerja.
KEDUA : Sekretaris Daerah melakukan pemantauan pelaksanaan Instruksi ini dan
melaporkan hasilnya kepada Bupati setiap 6 (enam) bulan.
KETIGA : Instruksi Bupati ini mulai berlaku pada tanggal dikeluarkan.
Dikeluarkan di Lhoksukon
pada tanggal 13 Maret 2022
BUPATI ACEH UTARA,
ttd
MUHAMMAD THAYEB
"""


def test_instruksi_diktum_without_a_cue_word_and_no_preamble_rule():
    out = extract_document(INSTRUKSI)
    got = [(o["pasal"], o["modality"], o["bearer"]) for o in out["obligations"]]
    assert got == [("KESATU", "diminta", "Sekretaris Daerah; Camat se-Kabupaten Aceh Utara"),
                   ("KEDUA", "diminta", "Sekretaris Daerah")]
    kedua = out["obligations"][1]
    assert kedua["text"].startswith("Sekretaris Daerah melakukan pemantauan")
    assert kedua["cue"] == "melakukan"


KEPUTUSAN = HEAD.format(jenis="KEPUTUSAN") + """Menimbang : a. bahwa perlu dibentuk tim koordinasi;
Mengingat : 1. Undang-Undang Nomor 11 Tahun 2006 tentang Pemerintahan Aceh;
MEMUTUSKAN:
Menetapkan : KEPUTUSAN BUPATI TENTANG TIM KOORDINASI.
KESATU : Membentuk Tim Koordinasi Jaminan Sosial Ketenagakerjaan.
KEDUA : Tim Koordinasi mempunyai tugas:
a. menyusun rencana aksi; dan
b. melakukan evaluasi.
KETIGA : Tim Koordinasi melaporkan pelaksanaan tugasnya kepada Bupati setiap
6 (enam) bulan.
KEEMPAT : Segala biaya yang timbul dibebankan pada Anggaran Pendapatan dan
Belanja Kabupaten.
KELIMA : Keputusan Bupati ini mulai berlaku pada tanggal ditetapkan.
Ditetapkan di Lhoksukon
pada tanggal 2 Mei 2023
BUPATI ACEH UTARA,
ttd
MUHAMMAD THAYEB
"""


def test_keputusan_tasks_without_a_cue_word_but_not_the_decision():
    out = extract_document(KEPUTUSAN)
    got = [(o["pasal"], o["modality"], o["bearer"]) for o in out["obligations"]]
    assert got == [("KEDUA", "tugas", "Tim Koordinasi"), ("KETIGA", "tugas", "Tim Koordinasi")]
    assert out["obligations"][0]["text"].endswith("b. melakukan evaluasi.")  # the list of tasks


EDARAN = """GUBERNUR ACEH
Banda Aceh, 20 November 2023
Yth. Bupati/Wali Kota se-Aceh
di -
Tempat
SURAT EDARAN
NOMOR 560/14522
TENTANG
PERLINDUNGAN JAMINAN SOSIAL KETENAGAKERJAAN
Sehubungan dengan hal tersebut, disampaikan hal-hal sebagai berikut:
1. Bupati/Wali Kota mendaftarkan seluruh aparatur gampong sebagai peserta.
2. Menganggarkan bantuan iuran bagi pekerja rentan.
3. Melaporkan capaian kepesertaan kepada Gubernur.
Demikian untuk dilaksanakan.
GUBERNUR ACEH,
ttd
ACHMAD MARZUKI
"""


def test_circular_points_are_requests_to_the_addressees():
    out = extract_document(EDARAN)
    got = [(o["modality"], o["bearer"]) for o in out["obligations"]]
    assert got == [("diminta", "Bupati/Wali Kota"), ("anggaran", "Bupati/Wali Kota se-Aceh"),
                   ("diminta", "Bupati/Wali Kota se-Aceh")]


PERBUP = """BUPATI PIDIE
PROVINSI ACEH
PERATURAN BUPATI PIDIE
NOMOR 18 TAHUN 2022
TENTANG
BANTUAN IURAN JAMINAN SOSIAL KETENAGAKERJAAN
Menimbang : a. bahwa perlu;
Mengingat : 1. Undang-Undang Nomor 7 (Drt) Tahun 1956 tentang Pembentukan Daerah Otonom
Kabupaten-Kabupaten dalam Lingkungan Daerah Propinsi Sumatera Utara;
2. Undang-Undang Nomor 8 Drt. Tahun 1956 tentang Pembentukan Daerah Otonom Kota Besar;
3. Qanun Aceh Nomor 7 Tahun 2014 tentang Ketenagakerjaan;
MEMUTUSKAN:
Menetapkan : PERATURAN BUPATI TENTANG BANTUAN IURAN.
Pasal 1
(1) Peraturan Bupati ini bertujuan agar seluruh pekerja rentan di Kabupaten Pidie dapat
memperoleh perlindungan.
(2) Dinas dapat bekerja sama dengan Pemerintah Kabupaten Pidie Jaya agar pendaftaran
dapat dilakukan secara daring.
(3) Pemberian bantuan dimaksudkan untuk melindungi pekerja sehingga pekerja dapat
bekerja dengan aman.
Ditetapkan di Sigli
pada tanggal 27 Rabiul Awal 1445 H / 12 Oktober 2023 M
BUPATI PIDIE,
ttd
ROY FACHRAINI
Diundangkan di Sigli
pada tanggal 28 Rabiul Awal 1445 H
13 Oktober 2023 M
"""


def test_purpose_clauses_are_not_permissions():
    out = extract_document(PERBUP)
    assert [(o["pasal"], o["ayat"], o["modality"], o["bearer"]) for o in out["obligations"]] == [
        ("1", "2", "dapat", "Dinas")]


def test_hijri_and_gregorian_double_dates():
    doc = extract_document(PERBUP)["document"]
    assert (doc["tanggal_ditetapkan"], doc["tanggal_diundangkan"]) == ("2023-10-12", "2023-10-13")


def test_drt_laws_and_qanun_are_cited():
    refs = {(r["jenis_code"], r["nomor"], r["tahun"], r["reg_key"])
            for r in extract_document(PERBUP)["references"]}
    assert refs == {("uu", "7 (Drt)", 1956, "uu/id/1956/7drt"), ("uu", "8 (Drt)", 1956, "uu/id/1956/8drt"),
                    ("qanun", "7", 2014, "qanun/11/2014/7")}


def test_regulation_lists_the_regions_it_names_not_those_it_cites():
    regions = extract_document(PERBUP)["regions"]
    # Sumatera Utara is only in a cited title; Sigli (place of signing) is no region
    assert [r["code"] for r in regions] == ["11.07", "11", "11.18"]
    assert regions[0]["name"] == "Kabupaten Pidie"


QANUN = """BUPATI ACEH BESAR
PROVINSI ACEH
QANUN KABUPATEN ACEH BESAR
NOMOR 4 TAHUN 2023
T E N T A N G
PERLINDUNGAN PEKERJA RENTAN
BISMILLAHIRRAHMANIRRAHIM
Menimbang : a. bahwa perlu;
Mengingat : 1. Qanun Kabupaten Aceh Besar Nomor 5 Tahun 2019 tentang Ketenagakerjaan;
M E M U T U S K A N :
Menetapkan : QANUN TENTANG PERUBAHAN.
Pasal I
Beberapa ketentuan dalam Qanun Kabupaten Aceh Besar Nomor 5 Tahun 2019 tentang
Ketenagakerjaan diubah sebagai berikut:
1. Ketentuan Pasal 31 ayat (2) dan ayat (3) diubah sehingga berbunyi sebagai berikut:
2. Ketentuan ayat (1) Pasal 33 diubah sehingga berbunyi sebagai berikut:
3. Ketentuan Pasal 7, Pasal 9, dan Pasal 14 diubah sehingga berbunyi sebagai berikut:
4. Di antara Pasal 20 dan Pasal 21 disisipkan 2 (dua) pasal, yakni Pasal 20A dan
Pasal 20B sehingga berbunyi sebagai berikut:
5. Pasal 40 dihapus.
Pasal II
Qanun ini mulai berlaku pada tanggal diundangkan.
"""


def test_qanun_identity_under_a_letter_spaced_heading():
    out = extract_document(QANUN)
    doc = out["document"]
    assert (doc["jenis_code"], doc["reg_key"], doc["tentang"]) == (
        "qanun", "qanun/11.06/2023/4", "Perlindungan Pekerja Rentan")
    assert [n["kind"] for n in extract_document(QANUN, include_structure=True)["structure"]][:4] == [
        "judul", "menimbang", "mengingat", "menetapkan"]


def test_amended_provisions_are_listed():
    [rel] = extract_document(QANUN)["relations"]
    assert (rel["type"], rel["target"]["reg_key"]) == ("mengubah", "qanun/11.06/2019/5")
    assert rel["provisions"] == ["7", "9", "14", "20A", "20B", "31", "33", "40"]


OCR_DAMAGE = """PERATURAN BUPATI BATANG
NOMOR 5 TAHUN 2024
TENTANG
JAMINAN SOSIAL
Menimbang : a. bahwa perlu;
Mengingat : 1. Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah;
MEMUTUSKAN:
Menetapkan : PERATURAN BUPATI TENTANG JAMINAN SOSIAL.
Pasal 1
Dinas membina pekerja.
Pasai 2
Setiap Pemberi Kerja wajlb mendaftarkan pekerjanya.
Pasal 3
(1) Iuran sebesar Rp 16.600,00 (enam belas ribu delapan ratus rupiah) per bulan.
(2) Denda sebesar Rp 1S.OOO,00 (lima belas ribu rupiah).
"""


@pytest.mark.parametrize("read", ["ocr", "text"])
def test_ocr_misreadings_of_headings_cues_and_digits(read):
    """On OCR'd text a heading one edit away in sequence, a cue one confusable letter away and
    digits one OCR confusion away from their words are read; a clean text layer stays literal."""
    pages = _ocr(OCR_DAMAGE) if read == "ocr" else _text_layer(OCR_DAMAGE)
    out = extract_document(OCR_DAMAGE, pages=pages)
    obligations = [(o["pasal"], o["modality"], o["cue"]) for o in out["obligations"]]
    amounts = [(t["value"], t["flags"]) for t in out["targets"] if t["kind"] == "amount"]
    if read == "ocr":
        assert obligations == [("2", "wajib", "wajlb")]
        assert amounts == [(16800, ["ocr_digits_corrected"]), (15000, ["ocr_digits_corrected"])]
    else:
        assert obligations == []
        assert (16600, ["terbilang_mismatch"]) in amounts
    # a heading in sequence is read on any text: "Pasai 2" between Pasal 1 and Pasal 3
    structure = extract_document(OCR_DAMAGE, pages=pages, include_structure=True)["structure"]
    body = next(n for n in structure if n["kind"] == "batang_tubuh")
    assert [n["label"] for n in body["children"]] == ["1", "2", "3"]


def test_body_amendment_past_an_earlier_one_named_in_the_clause():
    """The amended instrument is read from the body when the title is not readable (an OCR'd
    "GUBERN UR"): "… sebagaimana telah diubah dengan …" names an earlier amendment, not this act."""
    text = """PERATURAN GUBERNUR JAWA TIMUR
NOMOR 47 TAHUN 2023
TENTANG
PERUBAHAN KEDUA ATAS PERATURAN GUBERN UR JAWA TIMUR NOMOR 12 TAHUN 2021
Menimbang : a. bahwa perlu;
MEMUTUSKAN:
Menetapkan : PERATURAN GUBERNUR TENTANG PERUBAHAN KEDUA.
Pasal I
Beberapa ketentuan dalam Peraturan Gubernur Jawa Timur Nomor 12 Tahun 2021 tentang Pedoman
Bantuan Iuran (Berita Daerah Provinsi Jawa Timur Tahun 2021 Nomor 12 Seri E) sebagaimana telah
diubah dengan Peraturan Gubernur Jawa Timur Nomor 30 Tahun 2022, diubah sebagai berikut:
1. Ketentuan Pasal 7 diubah sehingga berbunyi sebagai berikut:
"""
    [rel] = extract_document(text)["relations"]
    assert (rel["type"], rel["target"]["nomor"], rel["provisions"]) == ("mengubah", "12", ["7"])
