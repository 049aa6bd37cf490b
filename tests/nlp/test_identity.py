"""Tests for nlp.identity: real JDIH Batang documents and catalogue titles, plus drafting variants."""

from __future__ import annotations

import json

import pytest

from nlp.identity import DocumentMeta, extract_metadata, parse_title
from pantau.legal import make_reg_key, normalise_jenis

from .conftest import REAL

BATANG, KENDAL, PEKALONGAN_KOTA, SURAKARTA, JATENG = "33.25", "33.24", "33.75", "33.72", "33"


# --------------------------------------------------------------------------- real documents

@pytest.mark.parametrize("name, reg_key, tentang, form", [
    ("sosial-perbup-30-2024.pdf", "perbup/33.25/2024/30",
     "Jaminan Sosial Ketenagakerjaan bagi Pekerja Rentan", "naskah"),
    ("sosial-perda-2-2023.pdf", "perda/33.25/2023/2", "Penyelenggaraan Jaminan Sosial", "naskah"),
    # The abstrak's first line names the amended Perbup 30/2024 and a catalogue line says
    # "PERDAKAB. BATANG NO. 20"; its own identity is Perbup 20/2025.
    ("sosial-abstrak-perbup-20-2025.pdf", "perbup/33.25/2025/20",
     "Perubahan atas Peraturan Bupati Nomor 30 Tahun 2024 tentang Jaminan Sosial "
     "Ketenagakerjaan bagi Pekerja Rentan", "abstrak"),
    ("sosial-abstrak-perda-2-2023.pdf", "perda/33.25/2023/2", "Penyelenggaraan Jaminan Sosial",
     "abstrak"),
])
def test_real_document_identity(extracted, name, reg_key, tentang, form):
    meta = extract_metadata(extracted(name).text)
    assert meta.reg_key == reg_key
    assert meta.tentang.lower() == tentang.lower()
    assert meta.tentang == tentang  # readable capitalisation of the all-caps heading
    assert meta.form == form


def test_real_perbup_fields(extracted):
    meta = extract_metadata(extracted("sosial-perbup-30-2024.pdf").text, region_hint="99.99")
    assert meta == DocumentMeta(jenis="Peraturan Bupati", jenis_code="perbup", nomor="30",
                                tahun=2024, region_code=BATANG,
                                tentang="Jaminan Sosial Ketenagakerjaan bagi Pekerja Rentan")


def test_scan_has_no_metadata_but_keeps_the_hint(extracted):
    meta = extract_metadata(extracted("sosial-perbup-20-2025.pdf").text, region_hint=BATANG)
    assert (meta.jenis_code, meta.nomor, meta.tahun, meta.reg_key) == (None, None, None, None)
    assert meta.region_code == BATANG


def _catalogue():
    return json.loads((REAL / "metadata.json").read_text(encoding="utf-8"))


def test_every_catalogue_peraturan_title_parses():
    records = [r for r in _catalogue() if r["judul"].startswith("Peraturan")]
    assert len(records) >= 40
    for r in records:
        expected = normalise_jenis(r["tipe_dokumen"])
        assert expected is not None, r["tipe_dokumen"]
        meta = parse_title(r["judul"], region_hint=BATANG)
        assert (meta.jenis_code, meta.nomor, meta.tahun) == (
            expected[1], r["nomor"], int(r["tahun"])), r["judul"]
        assert meta.tentang and meta.region_code == BATANG
        if meta.jenis_code != "terjemahan":
            assert meta.reg_key == make_reg_key(expected[1], BATANG, r["tahun"], r["nomor"])


def test_every_catalogue_record_with_a_number_parses():
    # Abstrak, Keputusan, Instruksi and Surat Edaran records too; drafts and articles have no
    # number and must not get a legal identity.
    for r in _catalogue():
        meta = parse_title(r["judul"], region_hint=BATANG)
        if r.get("nomor"):
            assert (meta.nomor, meta.tahun) == (r["nomor"], int(r["tahun"])), r["judul"]
            assert meta.reg_key, r["judul"]
            assert meta.form == ("abstrak" if r["tipe_dokumen"].startswith("Abstrak") else "naskah")
        else:
            assert meta.reg_key is None, r["judul"]
            if r["tipe_dokumen"].startswith("Rancangan"):
                assert (meta.form, meta.jenis_code) == ("rancangan", "perbup")


# --------------------------------------------------------------------------- other drafting variants

HEADINGS = {
    "perwal": ("""WALI KOTA PEKALONGAN
PROVINSI JAWA TENGAH
PERATURAN WALI KOTA PEKALONGAN
NOMOR 12 TAHUN 2023
TENTANG
PERLINDUNGAN JAMINAN SOSIAL KETENAGAKERJAAN
BAGI PEKERJA RENTAN DI KOTA PEKALONGAN
DENGAN RAHMAT TUHAN YANG MAHA ESA
WALI KOTA PEKALONGAN,
Menimbang : a. bahwa Peraturan Bupati Kendal Nomor 3 Tahun 2020 …""",
               "perwal/33.75/2023/12",
               "Perlindungan Jaminan Sosial Ketenagakerjaan bagi Pekerja Rentan di Kota Pekalongan"),
    "walikota": ("""WALIKOTA SURAKARTA
PROVINSI JAWA TENGAH
PERATURAN WALIKOTA SURAKARTA
NOMOR 5 TAHUN 2022
TENTANG
PENYELENGGARAAN JAMINAN SOSIAL KETENAGAKERJAAN
DENGAN RAHMAT TUHAN YANG MAHA ESA""", "perwal/33.72/2022/5",
                 "Penyelenggaraan Jaminan Sosial Ketenagakerjaan"),
    "pergub": ("""GUBERNUR JAWA TENGAH
PERATURAN GUBERNUR JAWA TENGAH
NOMOR 45 TAHUN 2022
TENTANG
PETUNJUK PELAKSANAAN JAMINAN SOSIAL KETENAGAKERJAAN

GUBERNUR JAWA TENGAH,
Menimbang : bahwa""", "pergub/33/2022/45", "Petunjuk Pelaksanaan Jaminan Sosial Ketenagakerjaan"),
    "perda provinsi": ("""GUBERNUR JAWA TENGAH
PERATURAN DAERAH PROVINSI JAWA TENGAH
NOMOR 3 TAHUN 2021
TENTANG
PERLINDUNGAN PEKERJA MIGRAN
DENGAN RAHMAT TUHAN YANG MAHA ESA""", "perda/33/2021/3", "Perlindungan Pekerja Migran"),
    "surat edaran": ("""BUPATI KENDAL
SURAT EDARAN BUPATI KENDAL
NOMOR 800/123/2023
TENTANG
KEPESERTAAN JAMINAN SOSIAL KETENAGAKERJAAN BAGI PEGAWAI NON ASN

Yth. 1. Kepala Perangkat Daerah""", "sebup/33.24/2023/800-123-2023",
                     "Kepesertaan Jaminan Sosial Ketenagakerjaan bagi Pegawai Non ASN"),
    "surat edaran under the bupati's heading": ("""BUPATI KENDAL
SURAT EDARAN
NOMOR : 560 / 1234 / 2024
TENTANG
PERLINDUNGAN PEKERJA RENTAN
Kepada Yth.""", "sebup/33.24/2024/560-1234-2024", "Perlindungan Pekerja Rentan"),
    "surat edaran of the sekda": ("""PEMERINTAH KABUPATEN KENDAL
SEKRETARIAT DAERAH
Jalan Soekarno-Hatta No. 193 Kendal
SURAT EDARAN SEKRETARIS DAERAH KABUPATEN KENDAL
NOMOR 800/55/2024
TENTANG
JAM KERJA PEGAWAI""", "se/33.24/2024/800-55-2024", "Jam Kerja Pegawai"),
    "keputusan": ("""BUPATI BATANG
PROVINSI JAWA TENGAH
KEPUTUSAN BUPATI BATANG
NOMOR 100.3.3.2/58 TAHUN 2024
TENTANG
PENETAPAN PENERIMA BANTUAN IURAN JAMINAN SOSIAL KETENAGAKERJAAN
TAHUN ANGGARAN 2024
BUPATI BATANG,
Menimbang : a.""", "kepbup/33.25/2024/100.3.3.2-58",
                  "Penetapan Penerima Bantuan Iuran Jaminan Sosial Ketenagakerjaan Tahun Anggaran 2024"),
    "keputusan wali kota, mixed case": ("""Wali Kota Pekalongan
Keputusan Wali Kota Pekalongan
Nomor 188.45/77 Tahun 2024
Tentang
Penerima Bantuan Iuran Jaminan Sosial Ketenagakerjaan
Dengan Rahmat Tuhan Yang Maha Esa""", "kepwal/33.75/2024/188.45-77",
                                         "Penerima Bantuan Iuran Jaminan Sosial Ketenagakerjaan"),
    "salinan, title on one line, no blank lines": ("""SALINAN
BUPATI KENDAL
PROVINSI JAWA TENGAH
SALINAN PERATURAN BUPATI KENDAL NOMOR 41 TAHUN 2023 TENTANG PERLINDUNGAN JAMINAN SOSIAL
KETENAGAKERJAAN BAGI PEKERJA RENTAN
BUPATI KENDAL,
Menimbang""", "perbup/33.24/2023/41",
                                                    "Perlindungan Jaminan Sosial Ketenagakerjaan bagi Pekerja Rentan"),
}


@pytest.mark.parametrize("case", list(HEADINGS))
def test_heading_variants(case):
    text, reg_key, tentang = HEADINGS[case]
    meta = extract_metadata(text)
    assert (meta.reg_key, meta.tentang) == (reg_key, tentang)


def test_heading_region_wins_and_hint_fills_gaps():
    # A Perda heading without the region in its title: the kepala daerah line names it.
    text = "BUPATI BATANG\nPERATURAN DAERAH\nNOMOR 2 TAHUN 2023\nTENTANG\nPENYELENGGARAAN\n"
    assert extract_metadata(text).reg_key == "perda/33.25/2023/2"
    bare = "PERATURAN DAERAH\nNOMOR 2 TAHUN 2023\nTENTANG\nPENYELENGGARAAN\n"
    assert extract_metadata(bare).reg_key is None
    assert extract_metadata(bare, region_hint=BATANG).reg_key == "perda/33.25/2023/2"


def test_cited_instruments_are_not_the_document():
    # Without a heading, instruments cited in the considerations must not be taken for it.
    text = "Menimbang : a. bahwa\nPeraturan Bupati Kendal Nomor 3 Tahun 2020 tentang X\n"
    assert extract_metadata(text) == DocumentMeta()


def test_draft_heading_has_no_reg_key():
    text = ("BUPATI BATANG\nRANCANGAN\nPERATURAN DAERAH KABUPATEN BATANG\nNOMOR TAHUN 2025\n"
            "TENTANG\nPERLINDUNGAN PEKERJA\n")
    meta = extract_metadata(text)
    assert meta.form == "rancangan" and meta.reg_key is None and meta.jenis_code == "perda"


# --------------------------------------------------------------------------- titles

@pytest.mark.parametrize("title, hint, reg_key, tentang", [
    ("Peraturan Bupati Nomor 30 Tahun 2024 Tentang Jaminan Sosial Ketenagakerjaan Bagi Pekerja Rentan",
     BATANG, "perbup/33.25/2024/30", "Jaminan Sosial Ketenagakerjaan Bagi Pekerja Rentan"),
    ("Peraturan Daerah Kabupaten Batang Nomor 2 Tahun 2023 tentang Penyelenggaraan Jaminan Sosial",
     None, "perda/33.25/2023/2", "Penyelenggaraan Jaminan Sosial"),
    ("PERATURAN BUPATI BATANG NO. 20 TAHUN 2025 TENTANG PERUBAHAN ATAS PERATURAN BUPATI NOMOR 30 "
     "TAHUN 2024 TENTANG JAMINAN SOSIAL KETENAGAKERJAAN BAGI PEKERJA RENTAN", None,
     "perbup/33.25/2025/20", "Perubahan atas Peraturan Bupati Nomor 30 Tahun 2024 tentang Jaminan "
     "Sosial Ketenagakerjaan bagi Pekerja Rentan"),
    ("Peraturan Walikota Pekalongan Nomor 5 Tahun 2022 tentang Jaminan Sosial", None,
     "perwal/33.75/2022/5", "Jaminan Sosial"),
    ("Perwal Kota Surakarta No. 9 Tahun 2021", None, "perwal/33.72/2021/9", None),
    ("Peraturan Gubernur Jawa Tengah Nomor 45 Tahun 2022 tentang X", None, "pergub/33/2022/45", "X"),
    ("Pergub Jateng No. 3 Tahun 2021", None, "pergub/33/2021/3", None),
    # A Pergub listed on a kabupaten's site belongs to its province.
    ("Peraturan Gubernur Nomor 3 Tahun 2021 tentang X", BATANG, "pergub/33/2021/3", "X"),
    ("Surat Edaran Bupati Kendal Nomor 800/123/2023 tentang Kepesertaan BPJS Ketenagakerjaan",
     None, "sebup/33.24/2023/800-123-2023", "Kepesertaan BPJS Ketenagakerjaan"),
    ("Keputusan Wali Kota Pekalongan Nomor 188.45/12 Tahun 2023 tentang Tim Koordinasi", None,
     "kepwal/33.75/2023/188.45-12", "Tim Koordinasi"),
    ("PERBUP Nomor 7/2020 tentang Y", BATANG, "perbup/33.25/2020/7", "Y"),
    ("Perbup Kab. Sumedang No. 340 Tahun 2022", None, "perbup/32.11/2022/340", None),
    ("Surat Edaran Bupati Nomor 09 Tahun 2022 Tentang Gerakan Tanam Pangan Cepat Panen", BATANG,
     "sebup/33.25/2022/9", "Gerakan Tanam Pangan Cepat Panen"),
    ("Instruksi Presiden Nomor 2 Tahun 2021 tentang Optimalisasi Pelaksanaan Program Jaminan "
     "Sosial Ketenagakerjaan", BATANG, "inpres/id/2021/2",
     "Optimalisasi Pelaksanaan Program Jaminan Sosial Ketenagakerjaan"),
    ("Peraturan Menteri Ketenagakerjaan Nomor 5 Tahun 2021 tentang Tata Cara", None,
     "permen/id/2021/5", "Tata Cara"),
    ("Undang-Undang Nomor 24 Tahun 2011 tentang Badan Penyelenggara Jaminan Sosial", None,
     "uu/id/2011/24", "Badan Penyelenggara Jaminan Sosial"),
    ("Peraturan Daerah Provinsi DKI Jakarta Nomor 1 Tahun 2020", None, "perda/31/2020/1", None),
    ("Peraturan Wali Kota Administrasi Jakarta Selatan Nomor 1 Tahun 2020", None,
     "perwal/31.74/2020/1", None),
    # resolve() reads dotted names as "Province.Region"; D.I. Yogyakarta is the province.
    ("Peraturan Gubernur D.I. Yogyakarta Nomor 1 Tahun 2020", None, "pergub/34/2020/1", None),
    ("Peraturan Daerah Kota Yogyakarta Nomor 1 Tahun 2020", None, "perda/34.71/2020/1", None),
    # A Perbup cannot come from a kota: the hint says nothing then.
    ("Peraturan Bupati Nomor 3 Tahun 2021 tentang X", PEKALONGAN_KOTA, None, "X"),
])
def test_parse_title(title, hint, reg_key, tentang):
    meta = parse_title(title, region_hint=hint)
    assert meta.reg_key == reg_key
    assert meta.tentang == tentang


def test_parse_title_forms():
    abstrak = parse_title("Abstrak Peraturan Daerah Nomor 7 Tahun 2019 Tentang Ketertiban Umum",
                          region_hint=BATANG)
    assert (abstrak.form, abstrak.reg_key) == ("abstrak", "perda/33.25/2019/7")
    draft = parse_title("Rancangan Peraturan Bupati", region_hint=BATANG)
    assert (draft.form, draft.jenis_code, draft.reg_key) == ("rancangan", "perbup", None)
    raperda = parse_title("Raperda tentang Penyelenggaraan Jaminan Sosial", region_hint=BATANG)
    assert (raperda.form, raperda.jenis_code, raperda.reg_key) == ("rancangan", "perda", None)
    for other in ("Naskah Akademis", "Monografi", "Realitas dan Hiperealitas Pada Rehabilitasi"):
        assert parse_title(other, region_hint=BATANG).jenis_code is None
