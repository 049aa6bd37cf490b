"""Tests for pantau.dates: the two readers of Indonesian dates keep their own reach."""

from __future__ import annotations

from datetime import date

import pytest

from pantau.dates import BULAN, MONTH_PATTERN, MONTHS, as_date, month_number, parse_tanggal


def test_month_tables():
    assert set(MONTHS.values()) == set(range(1, 13)) == set(BULAN.values())
    assert {"pebruari", "nopember", "agt", "okt", "sept"} <= set(MONTHS)
    # the names written out, and the feed misspelling "Agutus", which only as_date reads
    assert "agutus" in BULAN and "agutus" not in MONTHS and "agt" not in BULAN
    assert MONTH_PATTERN.startswith("september|")  # longest first: "agustus" before "agus"


@pytest.mark.parametrize("text, expected", [
    ("Ditetapkan di Batang pada tanggal 6 September 2024", "2024-09-06"),
    ("13 Okt. 2023", "2023-10-13"),
    ("15 Agt 2023", "2023-08-15"),
    ("24-03-2025", "2025-03-24"),
    ("24 Marex 2025", "2025-03-24"),  # one letter misread by OCR
    ("15 Agutus 2023", None),
    ("31 Februari 2023", None),
    ("tanpa tanggal", None),
    ("", None),
])
def test_parse_tanggal(text, expected):
    assert parse_tanggal(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("2024-02-03 10:00:00", date(2024, 2, 3)),
    ("03/02/2024", date(2024, 2, 3)),
    ("Rabu, 15 Maret 2023", date(2023, 3, 15)),
    ("12 Agu 2023", date(2023, 8, 12)),
    ("1 Jun 2023", date(2023, 6, 1)),
    ("15 Agutus 2023", date(2023, 8, 15)),
    ("15 Agt 2023", None),  # not a prefix of a month's name
    ("1 Ju 2023", None),  # too short to tell Juni from Juli
    ("24 Marex 2025", None),
    ("2024-02-30", None),
    (None, None),
])
def test_as_date(text, expected):
    assert as_date(text) == expected


def test_month_number():
    assert [month_number(w) for w in ("Maret", "MAR", "agu", "agut", "Nop", "ju", "xyz")] == \
        [3, 3, 8, 8, 11, None, None]
