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
    ("Kota Adm. Jakarta Selatan", None, JAKSEL, JAKSEL, JAKSEL),
    ("Kota Adm. Jakarta Selatan", "kota", JAKSEL, JAKSEL, JAKSEL),
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


# --------------------------------------------------------------------------- every region, many ways

import csv  # noqa: E402
import re  # noqa: E402
from collections import defaultdict  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

from pantau import wilayah  # noqa: E402
from pantau.wilayah import match, match_slug  # noqa: E402
from tests.support.gazetteer import gazetteer_rows  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "pantau" / "data" / "wilayah"


_gazetteer = gazetteer_rows


def _short(row: dict) -> str:
    return re.sub(r"^(Kabupaten|Kota)\s+(Administrasi\s+)?", "", row["nama"])


def _plain(s: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9]+", " ", s.lower())).strip()


def _variants(row: dict, province: str) -> list[tuple[str, dict]]:
    """(name, resolve keyword arguments) a region is written as in the wild, for one region."""
    short, kind = _short(row), row["kind"]
    # a province's official name is bare ("Jambi"), which Kota Jambi shares: its kind is given
    given = {"kind": kind} if kind == "provinsi" else {}
    out: list[tuple[str, dict]] = [(row["nama"], given), (row["nama"].upper(), given),
                                   (row["nama"].lower(), given), (short, {"kind": kind})]
    if kind == "provinsi":
        out += [(f"Provinsi {short}", {}), (f"Prov. {short}", {}), (f"PROVINSI {short.upper()}", {}),
                (f"Gubernur {short}", {}), (f"Pemerintah Provinsi {short}", {"catalogue_field": True}),
                (f"Pemprov {short}", {"catalogue_field": True})]
    else:
        word, head = ("Kab.", "Bupati") if kind == "kabupaten" else ("Kota", "Wali Kota")
        gov = "Pemkab" if kind == "kabupaten" else "Pemkot"
        out += [(f"{word} {short}", {}), (f"{word.upper()} {short.upper()}", {}),
                (f"{head} {short}", {}), (f"{head.upper()} {short.upper()}", {"short_forms": True}),
                (f"{head.replace(' ', '')} {short}", {}),
                # JDIHN teuBadan and tempatTerbit, BPK's T.E.U. Badan
                (f"{province}.{row['nama']}", {}), (f"{province}.{row['nama']}", {"catalogue_field": True}),
                (short, {"kind": kind, "catalogue_field": True}),
                (f"Pemerintah {row['nama']}", {"catalogue_field": True}),
                (f"{gov} {short}", {"kind": kind, "catalogue_field": True}),
                (f"{gov} {short}", {"catalogue_field": True}),
                (f"{row['nama']}, Provinsi {province}", {}),
                (f"{row['nama']} ({province})", {"short_forms": True})]
    words = short.split()
    if len(words) > 1:  # spellings that join or hyphenate words: Batanghari, Bau-Bau, Tojo Una-Una
        out += [("".join(words), {"kind": kind}), ("-".join(words), {"kind": kind})]
    if "-" in short:
        out.append((short.replace("-", ""), {"kind": kind}))
    return out


def test_every_official_name_and_its_variants_resolve():
    rows = _gazetteer()
    assert len(rows) == 552 and len({r["kode"] for r in rows}) == 552
    provinces = {r["kode"]: r["nama"] for r in rows if r["kind"] == "provinsi"}
    wrong, checked = [], 0
    for row in rows:
        for name, kwargs in _variants(row, provinces[row["prov"]]):
            got = wilayah.resolve(name, **kwargs)
            checked += 1
            if got != row["kode"]:
                wrong.append((name, kwargs, row["kode"], got))
    assert not wrong, f"{len(wrong)} of {checked} variants wrong, e.g. {wrong[:10]}"
    assert checked > 552 * 12


def test_bare_names_are_ambiguous_exactly_when_regions_share_them():
    rows = _gazetteer()
    by_name: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        by_name[_plain(_short(r))].add(r["kode"])
    with (DATA / "names.csv").open(encoding="utf-8") as fh:  # "Yogyakarta" is also the province
        for r in csv.DictReader(fh):
            by_name[_plain(re.sub(r"^(Kabupaten|Kota)\s+", "", r["nama"]))].add(r["kode"])
    shared = {n: codes for n, codes in by_name.items() if len(codes) > 1}
    # the same-name pairs of the issue and the provinces named like their capital
    for name in ("bekasi", "bogor", "malang", "madiun", "kediri", "magelang", "tegal", "pekalongan",
                 "probolinggo", "pasuruan", "mojokerto", "blitar", "cirebon", "sukabumi",
                 "tasikmalaya", "serang", "tangerang", "solok", "sorong", "kupang", "jayapura", "bima",
                 "banjar", "jambi", "bengkulu", "gorontalo"):
        assert name in shared, name
    for r in rows:
        short = _short(r)
        m = match(short)
        codes = by_name[_plain(short)]
        if len(codes) > 1:
            assert (m.status, m.code, set(m.candidates)) == ("ambiguous", None, codes), short
            assert all(c in m.describe() for c in codes)
        else:
            assert (m.status, m.code) == ("ok", r["kode"]), short


@pytest.mark.parametrize("name, kind, code", [
    # prefix traps: a name that begins another must not catch it, nor be caught by it
    ("Kabupaten Batang", None, "33.25"), ("Kabupaten Batanghari", None, "15.04"),
    ("Kabupaten Batang Hari", None, "15.04"), ("Kota Batu", None, "35.79"),
    ("Kabupaten Batu Bara", None, "12.19"), ("Kabupaten Batubara", None, "12.19"),
    ("Kabupaten Sorong", None, "96.01"), ("Kabupaten Sorong Selatan", None, "96.02"),
    ("Kota Padang", None, "13.71"), ("Kota Padangpanjang", None, "13.74"),
    ("Kabupaten Bandung Barat", None, "32.17"), ("Kota Tangerang Selatan", None, "36.74"),
    ("Kabupaten Aceh Barat", None, "11.05"), ("Kabupaten Aceh Barat Daya", None, "11.12"),
    ("Kota Banjar", None, "32.79"), ("Kabupaten Banjar", None, "63.03"),
    ("Banjar (Jawa Barat)", None, "32.79"), ("Kalimantan Selatan.Kabupaten Banjar", None, "63.03"),
    # spellings the gazetteer writes otherwise
    ("Kota Baubau", None, "74.72"), ("Kota Bau-Bau", None, "74.72"), ("Kabupaten Fakfak", None, "92.03"),
    ("Kabupaten Tolitoli", None, "72.04"), ("Kabupaten Tojo Una-Una", None, "72.09"),
    ("Kota Palangka Raya", None, "62.71"), ("Kota Tanjungpinang", None, "21.72"),
    ("Kota Pangkalpinang", None, "19.71"), ("Kota Lubuklinggau", None, "16.73"),
    ("Kota Pagaralam", None, "16.72"), ("Kabupaten Labuhan Batu", None, "12.10"),
    ("Kota Pematang Siantar", None, "12.72"), ("Kabupaten Gunung Kidul", None, "34.03"),
    ("Kabupaten Kulonprogo", None, "34.01"), ("Kabupaten Muko-Muko", None, "17.06"),
    ("Kota Pare-Pare", None, "73.72"), ("Kabupaten Limapuluh Kota", None, "13.07"),
    ("Kabupaten Kepulauan Siau Tagulandang Biaro", None, "71.09"),
    ("Kab. Adm. Kep. Seribu", None, "31.01"), ("Kota Administrasi Jakarta Pusat", None, "31.71"),
    # former and variant names (names.csv)
    ("Kabupaten Toba Samosir", None, "12.12"), ("Kabupaten Mamuju Utara", None, "76.01"),
    ("Kabupaten Maluku Tenggara Barat", None, "81.03"), ("Kabupaten Pangkajene Kepulauan", None, "73.10"),
    ("Kabupaten Pahuwato", None, "75.04"), ("Kota Padang Sidempuan", None, "12.77"),
    ("Provinsi Nanggroe Aceh Darussalam", None, "11"), ("Provinsi DKI Jakarta", None, "31"),
    ("Provinsi Daerah Khusus Jakarta", None, "31"), ("Provinsi Kepulauan Bangka Belitung", None, "19"),
    ("Provinsi Bangka Belitung", None, "19"), ("Prov. D.I. Yogyakarta", None, "34"),
])
def test_tricky_names(name, kind, code):
    assert wilayah.resolve(name, kind) == code
    assert wilayah.resolve(name, kind, catalogue_field=True) == code


@pytest.mark.parametrize("name, code", [
    # abbreviations of titles and news (singkatan.csv), read only as short forms
    ("Pemkab Kukar", None), ("Bupati Kukar", "64.02"), ("Kab. OKU Timur", "16.08"),
    ("Kabupaten TTS", "53.02"), ("Pergub Jateng", None), ("Jateng", "33"), ("HST", "63.07"),
    ("Sitaro", "71.09"), ("Kota Adm. Jakarta Timur", "31.75"), ("Bupati Tobasa", "12.12"),
])
def test_short_forms_of_news(name, code):
    assert wilayah.resolve(name, short_forms=True) == code
    if code and name not in ("Jateng", "Kota Adm. Jakarta Timur"):
        assert wilayah.resolve(name) is None  # never without short_forms


def test_every_abbreviation_names_one_region():
    abbrev = wilayah._abbreviations()
    assert len(abbrev) >= 100
    names = {_plain(_short(r)) for r in _gazetteer()}
    assert not set(abbrev) & names  # an abbreviation never shadows a real name


# --------------------------------------------------------------------------- over time

MERAUKE, MERAUKE_OLD, SORONG, SORONG_OLD = "93.01", "91.01", "96.01", "92.01"


def test_a_2020_perbup_merauke_keeps_its_code_and_rolls_up_to_papua_selatan():
    m = match("Kabupaten Merauke", on=date(2020, 3, 2))
    assert (m.status, m.code, m.current) == ("ok", MERAUKE_OLD, MERAUKE)
    assert wilayah.any_code()[MERAUKE_OLD].kode_provinsi == "91"  # issued under Provinsi Papua
    assert wilayah.province_today(MERAUKE_OLD) == "93"             # counted for Papua Selatan
    assert wilayah.current_code(MERAUKE_OLD) == MERAUKE
    # the day UU 14/2022 was enacted, Merauke is in Papua Selatan
    assert match("Kabupaten Merauke", on=date(2022, 7, 24)).code == MERAUKE_OLD
    assert match("Kabupaten Merauke", on=date(2022, 7, 25)).code == MERAUKE
    assert match("Kabupaten Merauke").code == MERAUKE  # no date: today's map
    # only the year known, and the code changed that year: said, not guessed
    assert match("Kabupaten Merauke", on=2022).status == "ambiguous_date"
    assert match("Kabupaten Merauke", on=2021).code == MERAUKE_OLD
    # Papua Barat Daya came later (UU 29/2022, 8 December 2022)
    assert match("Kota Sorong", on=date(2022, 11, 30)).code == "92.71"
    assert match("Kota Sorong", on=date(2022, 12, 8)).code == "96.71"
    assert wilayah.province_today("92.71") == "96"
    # a province that did not exist yet
    assert match("Provinsi Papua Selatan", on=date(2020, 1, 1)).status == "not_in_force"
    assert match("Provinsi Papua Selatan", on=date(2023, 1, 1)).code == "93"
    # Provinsi Papua itself kept its code
    assert match("Provinsi Papua", on=date(2020, 1, 1)).code == "91"


def test_issued_code_and_history():
    assert wilayah.issued_code(MERAUKE, on=date(2021, 1, 1)) == MERAUKE_OLD
    assert wilayah.issued_code(MERAUKE, year=2019) == MERAUKE_OLD
    assert wilayah.issued_code(MERAUKE, year=2022) == MERAUKE  # cannot tell: today's code
    assert wilayah.issued_code(MERAUKE_OLD) == MERAUKE_OLD
    assert wilayah.issued_code("33.25", on=date(2010, 1, 1)) == "33.25"
    assert [w.kode for w in wilayah.history(SORONG)] == [SORONG_OLD, SORONG]
    assert [w.kode for w in wilayah.history(SORONG_OLD)] == [SORONG_OLD, SORONG]
    assert wilayah.code_on(SORONG, date(2024, 1, 1)) == SORONG
    assert wilayah.codes_in_year(SORONG, 2022) == [SORONG_OLD, SORONG]


def test_history_file_matches_todays_map():
    former = wilayah.former_regions()
    assert len(former) == 26  # 20 kabupaten left Papua in July 2022, 6 left Papua Barat in December
    today = wilayah.by_code()
    for w in former:
        assert w.kode not in today  # a former code is never reused today
        succ = today[w.successor]
        assert (succ.kind, succ.short_name) == (w.kind, w.short_name)
        assert succ.valid_from == w.valid_until and succ.kode_provinsi in ("93", "94", "95", "96")
        assert wilayah.province_today(w.kode) == succ.kode_provinsi
    # the regions that stayed in Papua and Papua Barat kept their codes and have no history
    for code in ("91.03", "91.71", "92.02", "92.03"):
        assert [w.kode for w in wilayah.history(code)] == [code]
    assert len(wilayah.all_regions()) == 552
    assert {w.kode for w in wilayah.all_regions() if w.valid_from} == \
        {"93", "94", "95", "96"} | {w.successor for w in former}


@pytest.mark.parametrize("slug, on, code", [
    ("kab-batang", None, "33.25"), ("kab-batanghari", None, "15.04"),
    ("kota-pekalongan", None, "33.75"), ("kab-pekalongan", None, "33.26"),
    ("kab-sorong-selatan", None, "96.02"), ("kab-sorong", 2021, "92.01"),
    ("prov-dki-jakarta", None, "31"), ("prov-jawa-tengah", None, "33"),
    ("kota-adm-jakarta-selatan", None, "31.74"), ("kab-kepulauan-seribu", None, "31.01"),
    ("kab-toba-samosir", 2018, "12.12"), ("kota-baubau", None, "74.72"),
    ("pergub-jateng", None, None), ("kab-antah-berantah", None, None),
])
def test_bpk_slugs(slug, on, code):
    assert match_slug(slug, on=on).code == code


def test_slugs_round_trip_for_every_region():
    for w in wilayah.all_regions():
        assert match_slug(wilayah.bpk_slug(w.kode)).code == w.kode, w.nama
