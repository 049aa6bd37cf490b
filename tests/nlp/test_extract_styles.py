"""Instruments in other regions' styles (Perwal, Pergub, Surat Edaran Bupati, Keputusan and
Instruksi): hand-written snippets that follow real drafting conventions, since the bundled real
corpus is only Kabupaten Batang. Longer ones with full annotations are in tests/gold/heldout*."""

from __future__ import annotations

from nlp.extract import extract_document

PERWAL = """WALI KOTA SALATIGA
PROVINSI JAWA TENGAH
PERATURAN WALI KOTA SALATIGA
NOMOR 27 TAHUN 2023
TENTANG
PERLINDUNGAN JAMINAN SOSIAL KETENAGAKERJAAN BAGI PEKERJA
BUKAN PENERIMA UPAH
DENGAN RAHMAT TUHAN YANG MAHA ESA
WALI KOTA SALATIGA,
Menimbang : a. bahwa untuk melaksanakan Instruksi Presiden Nomor 2 Tahun
2021 tentang Optimalisasi Pelaksanaan Program Jaminan Sosial
Ketenagakerjaan, perlu menetapkan Peraturan Wali Kota;
Mengingat : 1. Undang-Undang Nomor 24 Tahun 2011 tentang Badan Penyelenggara
Jaminan Sosial;
MEMUTUSKAN:
Menetapkan : PERATURAN WALI KOTA TENTANG PERLINDUNGAN JAMINAN SOSIAL
KETENAGAKERJAAN BAGI PEKERJA BUKAN PENERIMA UPAH.
Pasal 1
(1) Pemerintah Daerah memberikan bantuan iuran Jaminan Kecelakaan Kerja dan
Jaminan Kematian bagi pekerja bukan penerima upah, meliputi:
a. petani penggarap;
b. nelayan kecil; dan
c. pengemudi ojek.
(2) Bantuan iuran sebagaimana dimaksud pada ayat (1) diberikan untuk paling
banyak 3.000 (tiga ribu) orang setiap tahun.
Pasal 2
(1) Lurah wajib menyampaikan usulan calon penerima bantuan kepada Dinas
paling lambat tanggal 15 Januari setiap tahun.
(2) Dinas dapat menolak usulan sebagaimana dimaksud pada ayat (1) apabila
calon penerima telah terdaftar sebagai peserta.
Pasal 3
Bantuan iuran sebagaimana dimaksud dalam Pasal 1 ayat (2) dibebankan pada
Anggaran Pendapatan dan Belanja Daerah.
Ditetapkan di Salatiga
pada tanggal 5 Oktober 2023
WALI KOTA SALATIGA,
ttd
SINOENG NOEGROHO RACHMADI
"""


def test_perwal():
    out = extract_document(PERWAL)
    d = out["document"]
    assert (d["reg_key"], d["tanggal_ditetapkan"]) == ("perwal/33.73/2023/27", "2023-10-05")
    assert d["signatory"]["nama"] == "SINOENG NOEGROHO RACHMADI"
    assert [(o["pasal"], o["ayat"], o["modality"], o["bearer"]) for o in out["obligations"]] == [
        ("2", "1", "wajib", "Lurah"), ("2", "2", "dapat", "Dinas")]
    assert [(t["kind"], t["value"], t["pasal"]) for t in out["targets"]] == [("count", 3000, "1")]
    rel = out["relevance"]
    assert (rel["implements_inpres_2_2021"], rel["implements_basis"]) == (True, "citation")
    assert rel["programs"] == ["JKK", "JKM"]
    assert {"bpu", "petani", "nelayan", "transportasi_informal"} <= set(rel["groups"])
    assert rel["funding"] == ["APBD"]


SE_KENDAL = """BUPATI KENDAL
SURAT EDARAN
NOMOR 800/1500/2024
TENTANG
PERCEPATAN KEPESERTAAN BPJS KETENAGAKERJAAN BAGI PERANGKAT DESA

Yth. Camat se-Kabupaten Kendal
di Tempat

Sehubungan dengan pelaksanaan Instruksi Presiden Nomor 2 Tahun 2021, para Camat diminta:
a. memastikan seluruh Kepala Desa mendaftarkan perangkat desa dan anggota Badan
Permusyawaratan Desa sebagai peserta BPJS Ketenagakerjaan paling lambat 30 Juni 2024;
b. memastikan iuran dianggarkan dalam APBDes tahun 2024 sebesar Rp16.800,00 per orang
per bulan.
Kepala Desa dilarang membebankan iuran kepada perangkat desa.

Kendal, 2 Februari 2024
BUPATI KENDAL,
ttd
DICO M. GANINDUTO
"""


def test_surat_edaran_bupati():
    out = extract_document(SE_KENDAL)
    d = out["document"]
    assert (d["jenis_code"], d["nomor"], d["tahun"], d["region_code"]) == ("sebup", "800/1500/2024", 2024, "33.24")
    assert d["tanggal_ditetapkan"] == "2024-02-02" and d["signatory"]["jabatan"] == "BUPATI KENDAL"
    assert [(o["modality"], o["bearer"]) for o in out["obligations"]] == [
        ("diminta", "para Camat"), ("dilarang", "Kepala Desa")]
    assert "paling lambat 30 Juni 2024" in out["obligations"][0]["text"]  # the list is part of the request
    assert [(t["kind"], t["value"]) for t in out["targets"]] == [
        ("deadline", "2024-06-30"), ("amount", 16800)]
    assert out["relevance"]["funding"] == ["APBDes"]
    assert out["relevance"]["groups"] == ["perangkat_desa"]


KEPUTUSAN = """KEPUTUSAN WALI KOTA TEGAL
NOMOR 100.3.3.2/25 TAHUN 2024
TENTANG
TIM KOORDINASI JAMINAN SOSIAL KETENAGAKERJAAN
WALI KOTA TEGAL,
Menimbang : a. bahwa perlu membentuk tim koordinasi;
Mengingat : 1. Instruksi Presiden Nomor 2 Tahun 2021 tentang Optimalisasi Pelaksanaan
Program Jaminan Sosial Ketenagakerjaan;
MEMUTUSKAN:
Menetapkan :
KESATU : Membentuk Tim Koordinasi Jaminan Sosial Ketenagakerjaan dengan susunan
sebagaimana tercantum dalam Lampiran.
KEDUA : Tim sebagaimana dimaksud dalam Diktum KESATU bertanggung jawab kepada
Wali Kota dan wajib melaporkan hasil kerjanya setiap 3 (tiga) bulan.
KETIGA : Keputusan ini mulai berlaku pada tanggal ditetapkan.
Ditetapkan di Tegal
pada tanggal 8 Januari 2024
WALI KOTA TEGAL,
ttd
DEDY YON SUPRIYONO
"""


def test_keputusan_uses_diktum_for_pasal():
    out = extract_document(KEPUTUSAN)
    assert out["document"]["reg_key"] == "kepwal/33.76/2024/100.3.3.2-25"
    assert [(o["pasal"], o["modality"], o["bearer"]) for o in out["obligations"]] == [
        ("KEDUA", "bertanggung_jawab", "Tim")]
    assert [(t["pasal"], t["kind"], t["value"], t["unit"]) for t in out["targets"]] == [
        ("KEDUA", "duration", 3, "bulan")]
    assert out["references"][0]["where"] == "mengingat"
    assert out["relevance"]["implements_basis"] == "citation"


PERGUB_AMENDMENT = """GUBERNUR JAWA TIMUR
PERATURAN GUBERNUR JAWA TIMUR
NOMOR 61 TAHUN 2022
TENTANG
PERUBAHAN ATAS PERATURAN GUBERNUR NOMOR 12 TAHUN 2021 TENTANG
PERLINDUNGAN JAMINAN SOSIAL KETENAGAKERJAAN
Menimbang : a. bahwa perlu diubah;
Mengingat : 1. Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah;
MEMUTUSKAN:
Menetapkan : PERATURAN GUBERNUR TENTANG PERUBAHAN ATAS PERATURAN GUBERNUR
NOMOR 12 TAHUN 2021.
Pasal I
Beberapa ketentuan dalam Peraturan Gubernur Nomor 12 Tahun 2021 tentang
Perlindungan Jaminan Sosial Ketenagakerjaan diubah sebagai berikut:
1. Ketentuan Pasal 3 diubah sehingga berbunyi sebagai berikut:
Pasal 3
Pemerintah Kabupaten/Kota wajib mengalokasikan anggaran iuran paling sedikit
10% (sepuluh persen) dari kebutuhan.
2. Di antara Pasal 5 dan Pasal 6 disisipkan 1 (satu) pasal, yakni Pasal 5A sehingga
berbunyi sebagai berikut:
Pasal 5A
Gubernur dapat memberikan penghargaan.
Pasal II
Peraturan Gubernur ini mulai berlaku pada tanggal diundangkan.
"""


def test_pergub_amendment():
    out = extract_document(PERGUB_AMENDMENT)
    assert out["document"]["reg_key"] == "pergub/35/2022/61"
    [rel] = out["relations"]
    assert (rel["type"], rel["target"]["reg_key"], rel["provisions"]) == (
        "mengubah", "pergub/35/2021/12", ["3", "5A"])
    assert [(o["pasal"], o["modality"]) for o in out["obligations"]] == [("3", "wajib"), ("5A", "dapat")]
    assert [(t["kind"], t["value"], t["bound"]) for t in out["targets"]] == [("percent", 10, "min")]
    assert out["relevance"]["implements_basis"] == "subject"


INSTRUKSI = """INSTRUKSI BUPATI DEMAK
NOMOR 2 TAHUN 2023
TENTANG
PERLINDUNGAN PEKERJA RENTAN
BUPATI DEMAK,
dengan ini menginstruksikan:
Kepada : 1. Kepala Dinas Tenaga Kerja;
2. Camat se-Kabupaten Demak.
Untuk :
KESATU : Mendata pekerja rentan di wilayah masing-masing.
KEDUA : Melaporkan hasil pendataan paling lambat 31 Maret 2023.
Ditetapkan di Demak
pada tanggal 2 Januari 2023
BUPATI DEMAK,
ttd
EISTI'ANAH
"""


def test_instruksi_addressees_bear_the_instruction():
    out = extract_document(INSTRUKSI)
    assert out["document"]["reg_key"] == "insbup/33.21/2023/2"
    # each diktum is an instruction to the "Kepada" list; the preamble is no rule of its own
    addressees = "Kepala Dinas Tenaga Kerja; Camat se-Kabupaten Demak"
    assert [(o["pasal"], o["modality"], o["bearer"]) for o in out["obligations"]] == [
        ("KESATU", "diminta", addressees), ("KEDUA", "diminta", addressees)]
    assert [(t["pasal"], t["kind"], t["value"]) for t in out["targets"]] == [("KEDUA", "deadline", "2023-03-31")]
