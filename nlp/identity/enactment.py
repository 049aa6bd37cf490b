"""When, where and by whom an instrument was made: its enactment block and signatory."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pantau.dates import HIJRI_PATTERN, TANGGAL_PATTERN, parse_tanggal

__all__ = ["Enactment", "extract_enactment"]


@dataclass
class Enactment:
    """When, where and by whom an instrument was made.

    *Ditetapkan* is the signing by the regional head ("Ditetapkan di Batang pada tanggal 6
    September 2024"); *diundangkan* is the promulgation in the Lembaran/Berita Daerah by the
    Sekretaris Daerah, from which a regulation usually takes effect. A circular is "dikeluarkan"
    (issued), or just dated "Kendal, 12 Januari 2023" above the signature.
    """

    tanggal_ditetapkan: str | None = None  # ISO date
    tempat_ditetapkan: str | None = None
    tanggal_diundangkan: str | None = None
    signatory_jabatan: str | None = None  # as printed: "Pj. BUPATI BATANG"
    signatory_nama: str | None = None  # as printed: "LANI DWI REJEKI"

    @property
    def signatory(self) -> dict[str, str | None] | None:
        if not (self.signatory_jabatan or self.signatory_nama):
            return None
        return {"jabatan": self.signatory_jabatan, "nama": self.signatory_nama}


# The date after "pada tanggal"; an Islamic date before it ("27 Rabiul Awal 1445 H / 12 Oktober
# 2023 M", or the Gregorian date on the next line) is stepped over: the Gregorian date is read.
_HIJRI_FIRST = r"(?:" + HIJRI_PATTERN + r"[^\w\n]{0,4}\n?[ \t]*)?"
# A stamp over "pada tanggal" leaves OCR letters there ("cepata ta ggal 2 Mei 2023"): the next
# line's date still counts when a few letters stand where the words were.
_DATE_AFTER = (r"\s*(?:pada\s+tanggal\s*:?\s*|(?=(?P<_garbled>[^\n\d]{0,24})" + _HIJRI_FIRST
               + TANGGAL_PATTERN.replace("?P<", "?P<_") + r")(?P=_garbled))(?P<date>" + _HIJRI_FIRST
               + r"[^\n]{0,40})")
_DITETAPKAN_RE = re.compile(
    r"\b(?:ditetapkan|dikeluarkan)\s+di\s*:?\s*(?P<place>[A-Za-z][A-Za-z .'’-]{0,40}?)[ \t]*\n?" + _DATE_AFTER,
    re.IGNORECASE)
_DIUNDANGKAN_RE = re.compile(
    r"\bdiundangkan\s+di\s*:?\s*(?P<place>[A-Za-z][A-Za-z .'’-]{0,40}?)[ \t]*\n?" + _DATE_AFTER,
    re.IGNORECASE)
# A catalogue abstrak's note: "… mulai berlaku pada tanggal diundangkan, 24 Maret 2025."
_BERLAKU_DIUNDANGKAN_RE = re.compile(
    r"berlaku\s+pada\s+tanggal\s+diundangkan\s*,?\s*(?P<date>[^\n]{0,30})", re.IGNORECASE)
# A circular's place and date line above its signature: "Kendal, 12 Januari 2023".
_PLACE_DATE_LINE_RE = re.compile(
    r"^[ \t]*(?P<place>[A-Z][A-Za-z .'’-]{1,40}),[ \t]*" + _HIJRI_FIRST + r"(?P<date>" + TANGGAL_PATTERN
    + r")(?:[ \t]*M\b\.?)?[ \t]*$",
    re.IGNORECASE | re.MULTILINE)
_OFFICE_LINE_RE = re.compile(
    r"^[ \t]*(?:(?:Pj\.?|Plt\.?|Plh\.?|a\.n\.?)[ \t]+)?(?:BUPATI|WALI[ \t]*KOTA|WALIKOTA|GUBERNUR|SEKRETARIS"
    r"[ \t]+DAERAH|KEPALA[ \t]+[A-Z ]+)\b[^\n]*,[ \t]*$", re.MULTILINE)
_NOT_A_NAME = re.compile(
    r"^(?:ttd\.?|t\.t\.d\.?|cap|dto\.?|salinan\b.*|diundangkan\b.*|ditandatangani\b.*|\(?tanda tangan\)?)$",
    re.IGNORECASE)


def _signatory_after(text: str, pos: int) -> tuple[str | None, str | None]:
    """The office line ("Pj. BUPATI BATANG,") and the name line below it, after ``pos``."""
    lines = [ln.strip() for ln in text[pos:pos + 600].split("\n")]
    lines = [ln for ln in lines if ln and ln != "\f"]
    jabatan = nama = None
    for i, line in enumerate(lines[:4]):
        if line.endswith(",") and re.search(r"[A-Za-z]{3}", line):
            jabatan = re.sub(r"\s+", " ", line.rstrip(",").strip())
            for cand in lines[i + 1:i + 5]:
                if _NOT_A_NAME.match(cand) or cand.endswith(","):
                    continue
                if re.fullmatch(r"[A-Za-z][A-Za-z .,'’-]{2,60}", cand) and not re.search(
                        r"\b(?:di|pada|tanggal|nomor|tahun)\b", cand, re.IGNORECASE):
                    nama = re.sub(r"\s+", " ", cand).strip(" ,")
                break
            break
    return jabatan, nama


def extract_enactment(text: str) -> Enactment:
    """Dates and signatory from the closing of a regulation (or the note of an abstrak).

    Reads "Ditetapkan di Batang / pada tanggal 6 September 2024 / Pj. BUPATI BATANG, / ttd /
    LANI DWI REJEKI" and "Diundangkan di Batang / pada tanggal …". The last such block wins:
    a Penjelasan or Lampiran never holds one, while a quoted earlier instrument might.
    """
    out = Enactment()
    text = (text or "").replace("\r\n", "\n")
    matches = list(_DITETAPKAN_RE.finditer(text))
    if matches:
        m = matches[-1]
        out.tanggal_ditetapkan = parse_tanggal(m.group("date"))
        out.tempat_ditetapkan = re.sub(r"\s+", " ", m.group("place")).strip() or None
        line_end = text.find("\n", m.end("date"))
        out.signatory_jabatan, out.signatory_nama = _signatory_after(
            text, line_end if line_end >= 0 else m.end())
    else:
        tail_start = max(0, len(text) - 4000)
        dated = list(_PLACE_DATE_LINE_RE.finditer(text, tail_start))
        if dated:
            m = dated[-1]
            out.tanggal_ditetapkan = parse_tanggal(m.group("date"))
            out.tempat_ditetapkan = m.group("place").strip()
            out.signatory_jabatan, out.signatory_nama = _signatory_after(text, m.end())
    if not out.signatory_jabatan:
        # A circular signed without "Ditetapkan di": "BUPATI KENDAL, / ttd / DICO M. GANINDUTO"
        # in its last lines.
        tail = max(0, len(text) - 800)
        offices = list(_OFFICE_LINE_RE.finditer(text, tail))
        if offices:
            out.signatory_jabatan, out.signatory_nama = _signatory_after(text, offices[-1].start())
    und = list(_DIUNDANGKAN_RE.finditer(text))
    if und:
        out.tanggal_diundangkan = parse_tanggal(und[-1].group("date"))
    else:
        m = _BERLAKU_DIUNDANGKAN_RE.search(text)
        if m:
            out.tanggal_diundangkan = parse_tanggal(m.group("date"))
    return out
