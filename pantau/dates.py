"""Indonesian dates as regulations, catalogues and news print them: month names and two readers.

- :func:`parse_tanggal` finds the first date in running text ("ditetapkan pada tanggal 6
  September 2024", "13 Okt. 2023", "24-03-2025") and gives it as ISO text; it forgives one
  misread letter of a month name, as OCR makes them.
- Aceh (and some other regions) print the Islamic date beside the Gregorian one: "27 Rabiul Awal
  1445 H / 12 Oktober 2023 M", or the two on consecutive lines. :data:`HIJRI_PATTERN` matches the
  Islamic date so readers can step over it; the Gregorian date is the legal one and the one read.
  An Islamic date alone is not converted: the official calendar follows the sighting of the moon,
  and an arithmetic conversion can be a day off.
- :func:`as_date` reads a whole date field of a catalogue record ("2024-02-03 10:00:00",
  "03/02/2024", "Rabu, 15 Maret 2023", "12 Agu 2023") into a ``date``.
"""

from __future__ import annotations

import re
from datetime import date

__all__ = ["MONTHS", "BULAN", "MONTH_PATTERN", "TANGGAL_PATTERN", "HIJRI_MONTHS", "HIJRI_PATTERN",
           "month_number", "parse_tanggal", "as_date"]

_SPELLINGS = (  # month, its name written out (old spellings too), its abbreviations
    (1, ("januari",), ("jan",)),
    (2, ("februari", "pebruari"), ("feb", "peb")),
    (3, ("maret",), ("mar",)),
    (4, ("april",), ("apr",)),
    (5, ("mei",), ()),
    (6, ("juni",), ("jun",)),
    (7, ("juli",), ("jul",)),
    (8, ("agustus",), ("agt", "agu", "agus", "ags")),
    (9, ("september",), ("sept", "sep")),
    (10, ("oktober",), ("okt",)),
    (11, ("november", "nopember"), ("nov", "nop")),
    (12, ("desember",), ("des",)),
)
# Every spelling of a month printed in regulations and catalogues: the names, with the old
# spellings (Pebruari, Nopember), and the common abbreviations ("13 Okt. 2023").
MONTHS: dict[str, int] = {name: n for n, full, short in _SPELLINGS for name in (*full, *short)}
# The names written out, as catalogue date fields and news articles spell them; JDIH date
# fields also carry the misspelling "Agutus".
BULAN: dict[str, int] = {**{name: n for n, full, _ in _SPELLINGS for name in full}, "agutus": 8}

MONTH_PATTERN = "|".join(sorted(MONTHS, key=len, reverse=True))  # longest first: "agustus" before "agus"
# "6 September 2024", "13 Okt. 2023": groups d, m, y
TANGGAL_PATTERN = r"(?P<d>\d{1,2})\s+(?P<m>" + MONTH_PATTERN + r")\.?\s+(?P<y>(?:19|20)\d{2})\b"
_TANGGAL_RE = re.compile(TANGGAL_PATTERN, re.IGNORECASE)

# The Islamic months as Indonesian documents spell them (with and without the apostrophe, "Dz"/"Z",
# "Sy"/"Sh", "Tsani"/"Akhir"), as regexes: any whitespace or hyphen between the words.
HIJRI_MONTHS: dict[int, tuple[str, ...]] = {
    1: (r"muharr?am",),
    2: (r"s[h]?afar", r"sapar"),
    3: (r"rabi['’]?u?l[\s-]*awa?l", r"rabi['’]?u?l[\s-]*ula"),
    4: (r"rabi['’]?u?l[\s-]*(?:akhir|tsani|thani|sani)",),
    5: (r"juma[dt]i?[ae]?l[\s-]*(?:awa?l|ula)",),
    6: (r"juma[dt]i?[ae]?l[\s-]*(?:akhir(?:ah)?|tsani(?:yah)?|thani)",),
    7: (r"rajab",),
    8: (r"s[yh]a['’]?[kb]?ban",),
    9: (r"ramadh?an",),
    10: (r"s[yh]aw[w]?al",),
    11: (r"d?zu[l]?[\s-]*[qk]a?['’]?[ie]?dah",),
    12: (r"d?zu[l]?[\s-]*hij[j]?ah",),
}
# "27 Rabiul Awal 1445 H", "5 Sya'ban 1445 Hijriah": day, month, a year of the Hijra (13xx-15xx).
HIJRI_PATTERN = (r"\d{1,2}\s+(?i:" + "|".join(p for ps in HIJRI_MONTHS.values() for p in ps)
                 + r")\s+1[345]\d{2}(?:\s*(?i:H\b\.?|Hijriah|Hijriyah))?")
_NUMERIC_DATE_RE = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.]((?:19|20)\d{2})\b")
_LOOSE_DATE_RE = re.compile(r"\b(\d{1,2})\s+([A-Za-z]{4,9})\.?\s+((?:19|20)\d{2})\b")


def _month_like(word: str) -> int | None:
    """A month name with one wrong letter, as OCR reads handwriting ("Marex" for "Maret")."""
    word = word.lower()
    hits = {n for name, n in MONTHS.items() if len(name) >= 4 and len(name) == len(word)
            and sum(a != b for a, b in zip(name, word)) == 1}
    return hits.pop() if len(hits) == 1 else None


def parse_tanggal(text: str) -> str | None:
    """ISO date (``"2024-09-06"``) of the first Indonesian date in ``text``: "6 September 2024",
    "13 Okt. 2023", "24-03-2025", or with one letter of the month misread ("24 Marex 2025").
    None when there is none or it is not a real date."""
    m = _TANGGAL_RE.search(text or "")
    loose = None if m else _LOOSE_DATE_RE.search(text or "")
    if m:
        d, mo, y = int(m.group("d")), MONTHS[m.group("m").lower()], int(m.group("y"))
    elif loose and _month_like(loose.group(2)):
        d, mo, y = int(loose.group(1)), _month_like(loose.group(2)), int(loose.group(3))
    else:
        m = _NUMERIC_DATE_RE.search(text or "")
        if not m:
            return None
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


def month_number(word: str) -> int | None:
    """The month of a name in :data:`BULAN`, or of a prefix of at least three letters that only
    one month's names start with ("Mar", "Agu"; not "Ju")."""
    w = word.lower()
    if w in BULAN:
        return BULAN[w]
    hits = {n for name, n in BULAN.items() if len(w) >= 3 and name.startswith(w)}
    return hits.pop() if len(hits) == 1 else None


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_DMY_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
# "15 Maret 2023", "Rabu, 15 Maret 2023", "15 Mar 2023"
_TEXT_DATE = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})")


def as_date(text: str | None) -> date | None:
    """A date field: ``YYYY-MM-DD`` (with or without a time), ``DD-MM-YYYY`` or ``15 Maret 2023``
    (the month as :func:`month_number` reads it); impossible dates give None."""
    if not text:
        return None
    m = _ISO_DATE.match(text)
    parts = (m.group(1), m.group(2), m.group(3)) if m else None
    if parts is None:
        m = _DMY_DATE.match(text)
        parts = (m.group(3), m.group(2), m.group(1)) if m else None
    if parts is None:
        m = _TEXT_DATE.search(text)
        month = month_number(m.group(2)) if m else None
        parts = (m.group(3), month, m.group(1)) if month else None
    if parts is None:
        return None
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None
