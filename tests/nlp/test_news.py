"""News-region detection and reported instruments (nlp.extract.news): the crawler files a crawled
article under the region these find."""

from __future__ import annotations

from collections import Counter

from nlp.extract.news import dominant_region, instrument_mentions, region_mentions


def test_regions_are_counted_only_when_named_with_their_kind():
    text = ("Pemkab Kendal dan Bupati Kendal Dyah Kartika; Wali Kota Pekalongan Saelany Machfudz; "
            "Pemda Kudus; Provinsi Jawa Tengah. Ketua Apeksi Bima Arya; sopir asal Pekalongan; "
            "34 Gubernur, 416 Bupati dan 98 Walikota; Asosiasi Pemerintah Kota Seluruh Indonesia")
    assert dict(region_mentions(text)) == {"33.24": 2, "33.75": 1, "33.19": 1, "33": 1}


def test_one_kabupaten_or_kota_must_dominate():
    assert dominant_region(Counter({"33.24": 3, "33": 5})) == "33.24"  # provinces do not count
    assert dominant_region(Counter({"33.24": 4, "33.75": 2})) == "33.24"
    assert dominant_region(Counter({"33.24": 3, "33.75": 2})) is None
    assert dominant_region(Counter()) is None


def test_numbered_instruments_with_their_keys():
    text = ("sudah memiliki Perbup Nomor 29 Tahun 2020 tentang Pelaksanaan Program Jaminan Sosial "
            "Ketenagakerjaan, di mana ... Instruksi Presiden (Inpres) Nomor 2 Tahun 2021 tentang "
            "Optimalisasi Pelaksanaan Program Jaminan Sosial Ketenagakerjaan telah disahkan; "
            "Peraturan Wali Kota Pekalongan Nomor 5 Tahun 2021; SE Mendagri soal iuran")
    found = instrument_mentions(text, region_code="33.19")
    assert [(f["jenis_code"], f["region_code"], f["reg_key"]) for f in found] == [
        ("perbup", "33.19", "perbup/33.19/2020/29"),
        ("inpres", "id", "inpres/id/2021/2"),
        ("perwal", "33.75", "perwal/33.75/2021/5")]
    assert found[1]["tentang"] == "Optimalisasi Pelaksanaan Program Jaminan Sosial Ketenagakerjaan"
    # a Perbup in an article about a kota gets no region (the levels do not match)
    (p,) = instrument_mentions("Perbup Nomor 3 Tahun 2022", region_code="33.75")
    assert p["region_code"] is None and p["reg_key"] is None
