"""Tests for pantau.wilayah.resolve: one resolver, and what each of its readings accepts."""

from __future__ import annotations

import pytest

from pantau.wilayah import resolve

BATANG, PEKALONGAN_KAB, PEKALONGAN_KOTA, JATENG, DIY, YOGYA_KOTA, JAKSEL = (
    "33.25", "33.26", "33.75", "33", "34", "34.71", "31.74")


@pytest.mark.parametrize("name, kind, strict, short_forms, catalogue_field", [
    ("Kabupaten Batang", None, BATANG, BATANG, BATANG),
    ("Kab. Batang", None, BATANG, BATANG, BATANG),
    ("BUPATI BATANG", None, BATANG, BATANG, BATANG),
    ("Batang", "kabupaten", BATANG, BATANG, BATANG),
    ("Jawa Tengah.Kabupaten Batang", None, BATANG, BATANG, BATANG),
    ("Wali Kota Pekalongan", None, PEKALONGAN_KOTA, PEKALONGAN_KOTA, PEKALONGAN_KOTA),
    # ambiguous: a kabupaten and a kota; never a guess
    ("Pekalongan", None, None, None, None),
    # the caller's kind wins over the kind the name states
    ("Kota Pekalongan", "kabupaten", PEKALONGAN_KAB, PEKALONGAN_KAB, PEKALONGAN_KAB),
    # a name of another kind is taken only from a catalogue field
    ("Kabupaten Batang", "kota", None, None, BATANG),
    # province nicknames and short forms only with short_forms
    ("Jateng", None, None, JATENG, None),
    ("Provinsi Jateng", "provinsi", None, JATENG, None),
    ("Jateng", "kabupaten", None, None, None),
    ("D.I. Yogyakarta", None, DIY, DIY, DIY),
    ("Kota Yogyakarta", None, YOGYA_KOTA, YOGYA_KOTA, YOGYA_KOTA),
    ("Kota Adm. Jakarta Selatan", None, None, JAKSEL, JAKSEL),  # a catalogue field: "Jakarta Selatan"
    ("Kota Adm. Jakarta Selatan", "kota", None, JAKSEL, JAKSEL),
    ("Kota Administrasi Jakarta Selatan", None, JAKSEL, JAKSEL, JAKSEL),
    ("DKI Jakarta", None, "31", "31", "31"),
    # government words and a province before a dot only in a catalogue field
    ("Pemerintah Kabupaten Batang", None, None, None, BATANG),
    ("Pemkab Batang", "kabupaten", None, None, BATANG),
    ("Jawa Tengah.Pemerintah Kabupaten Batang", None, None, None, BATANG),
    ("", None, None, None, None),
    (None, None, None, None, None),
])
def test_each_reading(name, kind, strict, short_forms, catalogue_field):
    assert resolve(name, kind) == strict
    assert resolve(name, kind, short_forms=True) == short_forms
    assert resolve(name, kind, catalogue_field=True) == catalogue_field
