"""nlp.extract piece by piece: numbers and terbilang, structure, deontic cues, targets,
citations, relations, news furniture, page mapping."""

from __future__ import annotations

import pytest

from nlp.extract import extract_document, parse_number, parse_structure, parse_terbilang
from nlp.extract.pipeline import blank_id, find_cues, make_doc
from nlp.text import PAGE_SEPARATOR, ExtractedText, Page


# --------------------------------------------------------------------------- numbers

@pytest.mark.parametrize("text, value", [
    ("16.800,00", 16800), ("51,64", 51.64), ("10.292", 10292), ("1.250.000.000,00", 1250000000),
    ("2023", 2023), ("7", 7), ("16.800,-", 16800), ("0,5", 0.5), ("abc", None),
])
def test_parse_number_reads_indonesian_formats(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("words, value", [
    ("dua", 2), ("sebelas", 11), ("delapan belas", 18), ("dua puluh delapan", 28),
    ("enam puluh lima", 65), ("seratus delapan puluh", 180), ("seribu sembilan ratus empat puluh lima", 1945),
    ("enam belas ribu delapan ratus rupiah", 16800), ("tujuh ribu dua ratus lima puluh", 7250),
    ("satu miliar dua ratus lima puluh juta rupiah", 1_250_000_000), ("seratus ribu", 100_000),
    ("lima puluh satu koma enam empat", 51.64), ("empat puluh dua koma sembilan persen", 42.9),
])
def test_terbilang(words, value):
    tb = parse_terbilang(words)
    assert tb.value == value and not tb.fuzzy


@pytest.mark.parametrize("words, value", [("seratus depalan puluh", 180), ("ernpat belas", 14), ("lirna", 5)])
def test_terbilang_reads_typos_and_ocr_damage_but_says_so(words, value):
    tb = parse_terbilang(words)
    assert (tb.value, tb.fuzzy) == (value, True)


def test_terbilang_rejects_words_that_are_not_numbers():
    assert parse_terbilang("Pekerja Rentan").value is None
    assert parse_terbilang("dua orang anak").rest == "orang anak"


# --------------------------------------------------------------------------- structure

WRAPPED = """BAB II
PENYELENGGARAAN
Pasal 5
(1) Pemerintah Daerah menyelenggarakan program.
(2) Penyelenggaraan sebagaimana dimaksud pada ayat
(1) huruf a dilakukan oleh Dinas sebagaimana dimaksud dalam
Pasal 9
ayat (2).
(3) Dinas wajib melapor.
Pasal 6
Ketentuan lebih lanjut diatur dalam Peraturan Bupati.
"""


def test_wrapped_cross_references_are_not_headings():
    st = parse_structure(WRAPPED)
    pasal = st.headings("pasal")
    assert [p.label for p in pasal] == ["5", "6"]
    assert [a.label for a in st.headings("ayat")] == ["1", "2", "3"]
    loc = st.locate(WRAPPED.index("wajib"))
    assert (loc.pasal, loc.ayat, loc.bab) == ("5", "3", "II")


def test_inline_pasal_heading_and_uppercase_pasal():
    text = "Pasal 1\nKetentuan umum.\nPasal 2 (1) Setiap Pemberi Kerja wajib mendaftar.\n(2) Cukup.\nPASAL 3\nPenutup."
    st = parse_structure(text)
    assert [p.label for p in st.headings("pasal")] == ["1", "2", "3"]
    loc = st.locate(text.index("wajib"))
    assert (loc.pasal, loc.ayat) == ("2", "1")


def test_nested_lists_and_definitions():
    text = ("Pasal 1\nDalam Peraturan ini yang dimaksud dengan:\n1. Dinas adalah Dinas Sosial.\n"
            "2. Peserta adalah pekerja yang wajib dilindungi.\nPasal 2\n(1) Dinas melakukan:\n"
            "a. pendataan;\nb. pembayaran:\n1. iuran;\n2. denda; dan\nc. pelaporan.\n")
    st = parse_structure(text)
    p1, p2 = st.headings("pasal")
    assert p1.definitions and not p2.definitions
    assert st.locate(text.index("denda")).huruf == "b"
    assert st.locate(text.index("denda")).angka == "2"
    assert st.locate(text.index("pelaporan")).huruf == "c"


# --------------------------------------------------------------------------- deontic cues

def test_pipeline_is_blank_indonesian_and_built_once():
    assert blank_id() is blank_id()
    assert blank_id().lang == "id" and blank_id().pipe_names == []


def test_modal_words_survive_even_though_spacy_calls_them_stop_words():
    doc = make_doc("Peserta harus dan dapat, tetapi tidak\nboleh; Dinas bertanggung\njawab.")
    assert doc.vocab["harus"].is_stop and doc.vocab["dapat"].is_stop
    assert [c.modality for c in find_cues(doc)] == ["harus", "dapat", "dilarang", "bertanggung_jawab"]


@pytest.mark.parametrize("sentence, expected", [
    ("Setiap Pemberi Kerja wajib mendaftarkan pekerjanya.", [("wajib", "Setiap Pemberi Kerja")]),
    ("Besaran iuran yang harus dibayar sesuai program.", []),
    ("Sanksi administratif dapat berupa teguran tertulis.", []),
    ("Untuk dapat ditetapkan sebagai peserta harus memenuhi persyaratan.", [("harus", None)]),
    ("Dalam hal anggaran tersedia, Dinas dapat menambah peserta.", [("dapat", "Dinas")]),
    ("Penduduk dapat didaftarkan secara kelompok oleh Pemerintah Daerah.", [("dapat", "Pemerintah Daerah")]),
    ("Pemberi Kerja wajib bertanggung jawab atas pekerjanya.", [("wajib", "Pemberi Kerja")]),
    ("Pekerja tidak dapat mengajukan klaim ganda.", []),
    ("Perusahaan tidak diperbolehkan memotong upah untuk iuran JKK.", [("dilarang", "Perusahaan")]),
    ("Pemerintah Daerah menganggarkan iuran bagi pekerja rentan.", [("anggaran", "Pemerintah Daerah")]),
    ("Kepala Perangkat Daerah agar mendaftarkan tenaga non ASN.", [("diminta", "Kepala Perangkat Daerah")]),
    ("Agar setiap orang mengetahuinya, memerintahkan pengundangan Peraturan Bupati ini.", []),
    ("Pemerintah mendorong agar semua pekerja terlindungi.", []),
])
def test_obligations_in_a_pasal(sentence, expected):
    out = extract_document(f"Pasal 7\n{sentence}\n")
    assert [(o["modality"], o["bearer"]) for o in out["obligations"]] == expected
    for o in out["obligations"]:
        assert o["pasal"] == "7" and o["ayat"] is None


def test_no_rules_in_menimbang_definitions_or_penjelasan():
    text = ("PERATURAN BUPATI CONTOH\nNOMOR 1 TAHUN 2024\nTENTANG\nCONTOH\n"
            "Menimbang : a. bahwa setiap pekerja harus dilindungi;\n"
            "Mengingat : 1. Undang-Undang Nomor 24 Tahun 2011 tentang BPJS;\n"
            "MEMUTUSKAN:\nMenetapkan : PERATURAN BUPATI TENTANG CONTOH.\n"
            "Pasal 1\nDalam Peraturan Bupati ini yang dimaksud dengan:\n"
            "1. Dinas adalah perangkat daerah yang wajib melindungi pekerja.\n"
            "Pasal 2\nDinas wajib mendata pekerja.\n"
            "Ditetapkan di Contoh\npada tanggal 1 Juli 2024\nBUPATI CONTOH,\nttd\nBUDI\n"
            "PENJELASAN\nATAS\nPERATURAN BUPATI CONTOH\nI. UMUM\nPemerintah wajib hadir.\n"
            "II. PASAL DEMI PASAL\nPasal 2\nDinas dapat dibantu kader.\n")
    out = extract_document(text)
    assert [(o["pasal"], o["modality"]) for o in out["obligations"]] == [("2", "wajib")]


# --------------------------------------------------------------------------- targets

@pytest.mark.parametrize("phrase, kind, value, unit, extra", [
    ("iuran sebesar Rp10.000,00 per bulan", "amount", 10000, "IDR", {"per": "bulan"}),
    ("iuran Rp. 16.800,00 (enam belas ribu delapan ratus rupiah) setiap bulan", "amount", 16800, "IDR", {"per": "bulan"}),
    ("anggaran Rp 1,2 miliar", "amount", 1_200_000_000, "IDR", {}),
    ("cakupan 51,64 persen", "percent", 51.64, "%", {}),
    ("cakupan 51,64% pada akhir periode", "percent", 51.64, "%", {}),
    ("paling lama 4 (empat) bulan sejak pendaftaran", "duration", 4, "bulan", {"bound": "max"}),
    ("paling lambat 31 Desember 2023", "deadline", "2023-12-31", "date", {}),
    ("paling lambat 7 (tujuh) hari kerja", "deadline", 7, "hari kerja", {}),
    ("berusia paling rendah 15 (lima belas) tahun", "age", 15, "tahun", {"bound": "min"}),
    ("sebanyak 2.500 (dua ribu lima ratus) orang pekerja", "count", 2500, "orang", {}),
    ("sekitar 200 ribu orang pekerja rentan", "count", 200000, "orang", {}),
    ("lahan paling sedikit 0,5 hektare", "area", 0.5, "ha", {}),
    ("RPJMD tahun 2025-2029", "period", "2025/2029", "tahun", {}),
])
def test_targets(phrase, kind, value, unit, extra):
    out = extract_document(f"Pasal 3\n(1) Pekerja rentan: {phrase}.\n")
    assert len(out["targets"]) == 1, out["targets"]
    t = out["targets"][0]
    assert (t["kind"], t["value"], t["unit"], t["pasal"], t["ayat"]) == (kind, value, unit, "3", "1")
    for k, v in extra.items():
        assert t[k] == v


def test_terbilang_that_disagrees_with_its_digits_is_flagged():
    out = extract_document("Pasal 3\nLaporan ditindaklanjuti paling lama 30 (tiga belas) hari.\n")
    t = out["targets"][0]
    assert (t["value"], t["flags"], t["terbilang_value"]) == (30, ["terbilang_mismatch"], 13)


def test_citation_numbers_years_and_dates_are_not_targets():
    text = ("Pasal 2\nSesuai Undang-Undang Nomor 13 Tahun 2003 (Lembaran Negara Republik Indonesia "
            "Tahun 2003 Nomor 39) dan Pasal 5 ayat (2), sejak tahun 2022 pada tanggal 6 September 2024.\n")
    assert extract_document(text)["targets"] == []


# --------------------------------------------------------------------------- references

def test_citation_forms():
    text = ("Mengingat : 1. Pasal 18 ayat (6) Undang-Undang Dasar Negara Republik Indonesia Tahun 1945;\n"
            "2. Peraturan Menteri Dalam Negeri Nomor 77 Tahun 2020 tentang Pedoman Teknis Pengelolaan "
            "Keuangan Daerah;\n3. Permenaker No. 5 Tahun 2021;\n"
            "4. Surat Edaran Menteri Dalam Negeri Nomor 842.2/5193/SJ tentang Implementasi Program;\n"
            "5. Instruksi Presiden (Inpres) Nomor 2 Tahun 2021;\n6. PMK Nomor 72/2024;\n"
            "MEMUTUSKAN:\nMenetapkan : PERATURAN BUPATI TENTANG CONTOH.\nPasal 1\nCukup.\n")
    refs = {(r["jenis_code"], r["nomor"], r["tahun"]): r for r in extract_document(text)["references"]}
    assert set(refs) == {("uud", None, 1945), ("permen", "77", 2020), ("permen", "5", 2021),
                         ("semen", "842.2/5193/SJ", None), ("inpres", "2", 2021), ("permen", "72", 2024)}
    assert refs[("permen", "77", 2020)]["tentang"] == "Pedoman Teknis Pengelolaan Keuangan Daerah"
    assert all(r["where"] == "mengingat" for r in refs.values())


def test_regional_citation_gets_the_citing_regions_key():
    text = ("BUPATI BATANG\nPERATURAN BUPATI BATANG\nNOMOR 5 TAHUN 2025\nTENTANG\nCONTOH\n"
            "Menimbang : a. bahwa Peraturan Bupati Nomor 30 Tahun 2024 perlu dilaksanakan;\n"
            "Mengingat : 1. Peraturan Daerah Provinsi Jawa Tengah Nomor 5 Tahun 2020 tentang Contoh;\n")
    keys = {r["reg_key"] for r in extract_document(text)["references"]}
    assert keys == {"perbup/33.25/2024/30", "perda/33/2020/5"}


# --------------------------------------------------------------------------- relations

def test_revocation_whole_and_partial():
    text = ("WALI KOTA CONTOH\nPERATURAN WALI KOTA MAGELANG\nNOMOR 3 TAHUN 2024\nTENTANG\nCONTOH\n"
            "Menimbang : a. bahwa perlu;\nMengingat : 1. Undang-Undang Nomor 23 Tahun 2014 sebagaimana "
            "telah diubah dengan Undang-Undang Nomor 6 Tahun 2023;\nMEMUTUSKAN:\nMenetapkan : PERATURAN WALI KOTA.\n"
            "Pasal 9\n(1) Peraturan Wali Kota Magelang Nomor 8 Tahun 2019 tentang Jaminan Sosial (Berita Daerah "
            "Kota Magelang Tahun 2019 Nomor 8) dicabut dan dinyatakan tidak berlaku.\n"
            "(2) Pasal 4 dan Pasal 6 Peraturan Wali Kota Magelang Nomor 2 Tahun 2020 tentang Iuran dicabut "
            "dan dinyatakan tidak berlaku.\n")
    rels = extract_document(text)["relations"]
    assert [(r["type"], r["target"]["reg_key"], r["provisions"]) for r in rels] == [
        ("mencabut", "perwal/33.71/2019/8", []),
        ("mencabut_sebagian", "perwal/33.71/2020/2", ["4", "6"])]


# --------------------------------------------------------------------------- news

def test_news_furniture_and_regions():
    text = ("Pemkot Tegal Daftarkan 1.500 Pekerja Rentan\n\n"
            "TEGAL - Pemerintah Kota Tegal mendaftarkan 1.500 pekerja rentan ke BPJS Ketenagakerjaan "
            "dengan iuran Rp16.800 per bulan yang dibayar dari APBD, kata Wali Kota Tegal kepada wartawan "
            "di Balai Kota pada Senin pagi.\n"
            "Baca juga: Bupati Brebes Resmikan Pasar, 2.000 Pedagang Direlokasi\n"
            "Harga Bawang Merah di Brebes Turun Tajam Jelang Panen Raya\n")
    out = extract_document(text, kind="news")
    assert [r["code"] for r in out["regions"]] == ["33.76"]
    assert out["document"]["region_code"] == "33.76"
    assert [(t["kind"], t["value"]) for t in out["targets"]] == [("count", 1500), ("amount", 16800)]
    assert out["relevance"]["funding"] == ["APBD"]


# --------------------------------------------------------------------------- pages

def test_pages_from_extracted_text_or_list():
    pages = ["Pasal 1\nDinas wajib mendata.", "Pasal 2\nBupati dapat menunjuk pejabat."]
    text = PAGE_SEPARATOR.join(pages)
    ext = ExtractedText("text/plain", [Page(i + 1, p, "text", 1.0) for i, p in enumerate(pages)])
    for given in (pages, ext, None):
        out = extract_document(text, pages=given)
        assert [(o["pasal"], o["page"]) for o in out["obligations"]] == [("1", 1), ("2", 2)]


def test_kind_is_checked():
    with pytest.raises(ValueError):
        extract_document("x", kind="blog")
