"""Score how much of a text reads as language, to tell a real text layer from a garbled one."""

from __future__ import annotations

import re

_WORDLIKE = re.compile(
    r"[(\[\"'“‘]*[^\W_]+(?:[-/.,'’&:][^\W_]+)*[)\]\"'”’.,;:!?%]*")
_LETTERS = re.compile(r"[^\W\d_]{2,}")
# Frequent words of Indonesian regulations and news (plus a few English function words, so an
# English page is not taken for garbage). Real text has a quarter or more of its words here; a
# broken font encoding or OCR noise has almost none.
_LEXICON = frozenset("""
ada adalah agar akan antara apabila atas atau bagi bagian bahwa baik bab banyak baru batang
belanja berdasarkan berlaku bersama besar bidang bupati camat dalam dan dapat daerah dari
dasar dengan desa di diatur diberikan dilakukan dimaksud dinas diubah dua empat hak hal harus
hari hukum huruf ini itu jaminan jawa jika juga jumlah kabupaten kami karena ke kecamatan kepada
kepala kerja kesehatan ketentuan ketenagakerjaan kewajiban kota kegiatan keuangan lain lainnya
lampiran lebih lembaran maka masyarakat melalui memutuskan menetapkan mengenai menimbang
mengingat menjadi menurut mulai negara nomor oleh orang pada paling paragraf pasal pegawai
pekerja pelaksanaan pembangunan pemerintah pemerintahan penduduk pengelolaan penyelenggaraan
peraturan perangkat perubahan perlu perundang-undangan pertama peserta program provinsi pusat
rakyat republik rp sampai satu secara sebagai sebagaimana sebelum sejak sektor selanjutnya
sesuai setelah setiap sosial sudah surat tahun tambahan tanggal tata telah tentang terhadap
tersebut tiga tidak tiap umum undang-undang untuk urusan usaha wajib walikota wilayah yaitu
yang indonesia ayat biaya data anggaran bantuan berita tugas fungsi kepala
the of and to in for is on with by that this be are as or from at an
""".split())


def quality_of(text: str) -> float:
    """How much of ``text`` reads as language, 0..1.

    The share of tokens shaped like words, numbers or amounts, discounted when a page of text
    has almost no common Indonesian (or English) words: that is the mark of a garbled text
    layer, whose tokens can be word-shaped ("Shudwxudq Exsdwl") and still be noise.
    """
    tokens = text.split()
    if not tokens:
        return 0.0
    shape = sum(1 for t in tokens if _WORDLIKE.fullmatch(t)) / len(tokens)
    words = [w.casefold() for w in _LETTERS.findall(text)]
    language = 1.0
    if len(words) >= 12:
        known = sum(1 for w in words if w in _LEXICON) / len(words)
        language = min(1.0, known / 0.12)
    return round(shape * language, 4)
