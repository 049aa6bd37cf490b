"""Tests for pantau.legal: the jenis vocabulary and the document key (reg_key)."""

from __future__ import annotations

import hashlib

import pytest

from pantau.legal import (
    JENIS,
    JENIS_LEVEL,
    PROVISIONAL_PREFIXES,
    REG_KEY_PATTERN,
    RegKey,
    is_provisional,
    make_reg_key,
    news_key,
    nomor_tahun,
    normalise_jenis,
    parse_reg_key,
    provisional_key,
)


# --------------------------------------------------------------------------- jenis

@pytest.mark.parametrize("text, kind, expected", [
    ("Peraturan Bupati", None, "perbup"),
    ("PERBUP", None, "perbup"),
    ("Perbup", None, "perbup"),
    ("Peraturan Bupati Batang", None, "perbup"),
    ("Peraturan Walikota", None, "perwal"),
    ("Peraturan Wali Kota", None, "perwal"),
    ("PERWALI", None, "perwal"),
    ("Perwal", None, "perwal"),
    ("Peraturan Daerah", None, "perda"),
    ("PERDA", None, "perda"),
    ("Perdakab.", None, "perda"),
    ("Peraturan Gubernur", None, "pergub"),
    ("Pergub", None, "pergub"),
    ("Keputusan Bupati", None, "kepbup"),
    ("Keputusan Walikota", None, "kepwal"),
    ("Kepwal", None, "kepwal"),
    ("Keputusan Gubernur", None, "kepgub"),
    ("Instruksi Bupati", None, "insbup"),
    ("Instruksi Wali Kota", None, "inswal"),
    ("Instruksi Gubernur", None, "ingub"),
    ("Surat Edaran Bupati", None, "sebup"),
    ("Surat Edaran Walikota", None, "sewal"),
    ("SE Bupati", None, "sebup"),
    ("Surat Edaran", None, "se"),
    ("Surat Edaran", "kota", "sewal"),
    ("Keputusan", "kabupaten", "kepbup"),
    ("Perkada", "provinsi", "pergub"),
    ("Peraturan Kepala Daerah", "kabupaten", "perbup"),
    ("Undang-Undang", None, "uu"),
    ("UU", None, "uu"),
    ("Peraturan Pemerintah", None, "pp"),
    ("PP", None, "pp"),
    ("Peraturan Pemerintah Pengganti Undang-Undang", None, "perppu"),
    ("Peraturan Presiden", None, "perpres"),
    ("Instruksi Presiden", None, "inpres"),
    ("Inpres", None, "inpres"),
    ("Peraturan Menteri Ketenagakerjaan", None, "permen"),
    ("Permenaker", None, "permen"),
    ("Keputusan Menteri", None, "kepmen"),
    ("Surat Edaran Menteri Ketenagakerjaan", None, "semen"),
    ("Peraturan BPJS Ketenagakerjaan", None, "perban"),
    ("Peraturan Terjemahan Resmi", None, "terjemahan"),
    ("Abstrak Peraturan Daerah", None, None),
    ("Rancangan Peraturan Bupati", None, None),
    ("Naskah Akademis", None, None),
    ("Peraturan", None, None),
    ("Keputusan", None, None),
    ("-", None, None),
    ("", None, None),
])
def test_normalise_jenis(text, kind, expected):
    result = normalise_jenis(text, kind)
    if expected is None:
        assert result is None
    else:
        assert result == (JENIS[expected], expected)


def test_jenis_tables_agree():
    assert set(JENIS) == set(JENIS_LEVEL)
    assert normalise_jenis("Peraturan Walikota") == ("Peraturan Wali Kota", "perwal")


# --------------------------------------------------------------------------- reg_key

@pytest.mark.parametrize("parts, expected", [
    (("perbup", "33.25", 2024, "30"), "perbup/33.25/2024/30"),
    (("perbup", "33.25", "2024", "030"), "perbup/33.25/2024/30"),
    (("sebup", "33.24", 2023, "800/123/2023"), "sebup/33.24/2023/800-123-2023"),
    (("kepbup", "33.25", 2024, "188.4 / 12 / 2024"), "kepbup/33.25/2024/188.4-12-2024"),
    (("perda", "33.25", 2023, "2 A"), "perda/33.25/2023/2a"),
    (("inpres", "id", 2021, "2"), "inpres/id/2021/2"),
    (("perbup", None, 2024, "30"), None),
    (("perbup", "33.25", None, "30"), None),
    (("perbup", "33.25", 2024, None), None),
    ((None, "33.25", 2024, "30"), None),
])
def test_make_reg_key(parts, expected):
    assert make_reg_key(*parts) == expected


@pytest.mark.parametrize("key, parts", [
    ("perbup/33.25/2024/30", RegKey("perbup", "33.25", 2024, "30")),
    ("sebup/33.24/2023/800-123-2023", RegKey("sebup", "33.24", 2023, "800-123-2023")),
    ("inpres/id/2021/2", RegKey("inpres", "id", 2021, "2")),
    ("pergub/33/2021/3", RegKey("pergub", "33", 2021, "3")),
    (" PERBUP/33.25/2024/30 ", RegKey("perbup", "33.25", 2024, "30")),
    ("berkas/0123456789abcdef", None),
    ("berita/0123456789abcdef", None),
    ("perbup/33.25/2024", None),
    ("perbup/33.25/24/30", None),
    ("lihat perbup/33.25/2024/30", None),
    ("", None),
])
def test_parse_reg_key(key, parts):
    assert parse_reg_key(key) == parts


def test_a_made_key_parses_back_to_its_parts():
    key = make_reg_key("kepbup", "33.25", 2024, "188.4 / 12 / 2024")
    assert parse_reg_key(key) == RegKey("kepbup", "33.25", 2024, "188.4-12-2024")


def test_reg_key_pattern_finds_a_key_inside_text_but_not_inside_a_path():
    m = REG_KEY_PATTERN.search("lihat Perbup/33.25/2024/30 dan lainnya")
    assert (m["jenis"], m["region"], m["tahun"], m["nomor"]) == ("Perbup", "33.25", "2024", "30")
    assert REG_KEY_PATTERN.search("/dokumen/perbup/33.25/2024/30") is None
    assert REG_KEY_PATTERN.search("perbup/33.25/2024/30/lampiran") is None


def test_provisional_keys():
    sha = hashlib.sha256(b"x").hexdigest()
    assert provisional_key(sha) == f"berkas/{sha[:16]}"
    assert provisional_key(sha, "regulation") == f"berkas/{sha[:16]}"
    assert provisional_key(sha, "news") == f"berita/{sha[:16]}"
    url = "https://berita.example.id/a.html"
    assert news_key(url) == "berita/" + hashlib.sha256(url.encode()).hexdigest()[:16]
    assert PROVISIONAL_PREFIXES == ("berkas/", "berita/")
    assert is_provisional(provisional_key(sha)) and is_provisional(news_key(url))
    assert not is_provisional("perbup/33.25/2024/30")


@pytest.mark.parametrize("nomor, tahun, shorthand, expected", [
    ("30", "2024", True, ("30", "2024")),
    ("800 / 123 / 2023", None, False, ("800/123/2023", "2023")),
    ("800/123/2023", None, True, ("800/123/2023", "2023")),
    ("12/2023", None, True, ("12", "2023")),
    ("12/2023", None, False, ("12/2023", "2023")),
    ("12/2023", "2024", True, ("12/2023", "2024")),
    ("188.45/12", None, True, ("188.45/12", None)),
])
def test_nomor_tahun(nomor, tahun, shorthand, expected):
    assert nomor_tahun(nomor, tahun, year_shorthand=shorthand) == expected
