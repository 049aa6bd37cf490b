"""Quantities: amounts in rupiah, percentages, counts of people, durations, deadlines, ages,
areas and planning periods, each normalised (value + unit) and tied to its Pasal and ayat.

A quantity's kind comes from the word after it (its unit) and the words before it ("Rp",
"usia", "paling lambat"). When the digits are followed by their spelled-out form in brackets,
the two are compared and a disagreement is flagged rather than silently resolved.

Text read by OCR (:meth:`PageMap.ocr_spans`) is the exception: there the digits are the weaker
witness. Digits that cannot be read ("Rp 1S.8OO,00") or that differ from the words by one
character OCR confuses ("16.600,00 (enam belas ribu delapan ratus …)") take the reading on which
digits and words agree, flagged ``ocr_digits_corrected``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pantau.dates import MONTH_PATTERN, TANGGAL_PATTERN, parse_tanggal

from .numbers import NUMBER_PATTERN, parse_number, parse_terbilang
from .patterns import load_patterns
from .spans import PageMap, squash
from .structure import Structure

__all__ = ["extract_targets"]


def _alts(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _conf():
    n = load_patterns()["numbers"]
    t = n["terbilang"]
    number_words = set(t["units"]) | set(t["teens"]) | {"belas", "puluh", "ratus", "seratus",
                                                         "seribu", "sejuta", "koma"} | set(t["scales"])
    return {
        "number": re.compile(
            r"(?<![\d.,/])(?P<num>" + NUMBER_PATTERN + r")(?![\d/]|[.,]\d)"
            r"(?:\s*(?P<scale>" + _alts(n["digit_scales"]) + r")\b)?"
            r"(?P<terb>\s*\(\s*(?P<words>[A-Za-z][A-Za-z\s-]*?)\s*\))?"),
        # One pass finds every bound or lead phrase; what follows it is then matched in place.
        "lead": re.compile(r"(?i)(?<!\w)(?P<lead>" + _alts(set(n["bounds"]["min"] + n["bounds"]["max"]
                                                             + n["spelled_leads"] + n["deadline_words"]))
                           + r")(?!\w)"),
        "deadline_lead": re.compile(r"(?i)(?:" + _alts(n["deadline_words"]) + r")$"),
        "spelled_tail": re.compile(r"\s+(?P<words>(?:[A-Za-z]+\s+){1,7})"),
        "number_words": number_words,
        "scales": n["digit_scales"],
        "time": re.compile(r"(?i)^\s*(?P<u>" + _alts(n["time_units"]) + r")\b"),
        "time_units": {k.lower(): v for k, v in n["time_units"].items()},
        "count": re.compile(r"(?i)^\s*(?P<u>" + _alts(n["count_units"]) + r")\b"),
        "count_units": {k.lower(): v for k, v in n["count_units"].items()},
        "area": re.compile(r"(?i)^\s*(?P<u>" + _alts(n["area_units"]) + r")(?!\w)"),
        "area_units": {k.lower(): v for k, v in n["area_units"].items()},
        "percent": re.compile(r"(?i)^\s*(?:" + _alts(n["percent_units"]) + r")(?!\w)"),
        "currency": re.compile(r"(?i)(?:" + _alts(n["currency_prefixes"]) + r")\s*$"),
        "per": re.compile(r"(?i)^\s*(?:,-)?\s*(?:\([^)]{0,80}\)\s*)?(?:" + _alts(n["period_markers"])
                          + r")\s*(?:(?:orang|peserta)\s*(?:per|/|setiap)\s*)?(?P<p>"
                          + _alts(n["period_words"]) + r")\b"),
        "per_words": n["period_words"],
        "bounds": [(re.compile(r"(?i)\b(?:" + _alts(v) + r")\b"), k) for k, v in n["bounds"].items()],
        "bound_any": {k: re.compile(r"(?i)\b(?:" + _alts(v) + r")\b") for k, v in n["bounds"].items()},
        "deadline": re.compile(r"(?i)\b(?:" + _alts(n["deadline_words"]) + r")\b"),
        # after "paling lambat": "tanggal 10 setiap bulan" (a day of each month), "Tahun
        # Anggaran 2023" (a year), "31 Desember 2023" (a date)
        "deadline_day": re.compile(r"(?i)\s+(?:pada\s+)?tanggal\s+(?P<day>\d{1,2})(?:\s*\([a-z\s]+\))?\s+"
                                   r"(?:setiap|tiap)\s+bulan(?:nya)?\b"),
        "deadline_year": re.compile(r"(?i)\s+(?:pada\s+)?(?:akhir\s+)?tahun(?:\s+anggaran)?\s+"
                                    r"(?P<year>(?:19|20)\d{2})\b"),
        "deadline_date": re.compile(r"(?i)\s+(?:pada\s+)?(?:tanggal\s+)?(?P<date>" + TANGGAL_PATTERN + r")"),
        # "… 15 tahun dan paling tinggi 60 tahun": the second number shares the first one's kind
        "coordination": re.compile(r"(?i)^\s*(?:\w+\s+)?(?:dan|sampai(?:\s+dengan)?|hingga|s\.d\.?|atau|-|–)\s+"
                                   r"(?:(?:paling|setinggi|serendah)\s*-?\s*\w+\s+|maksimal\s+|minimal\s+)?$"),
        "age": re.compile(r"(?i)\b(?:" + _alts(n["age_words"]) + r")\b"),
        "period": re.compile(r"(?i)\b(?:" + _alts(n["period_lead"]) + r")\s+(?:[A-Za-z. ]{0,40}?\s)?"
                             r"(?P<y1>\d{4})\s*(?:-|–|—|s\.?\s?d\.?|sampai(?:\s+dengan)?|hingga)\s*"
                             r"(?P<y2>\d{4})\b"),
        "plausible": tuple(n["plausible_years"]),
        "date": re.compile(TANGGAL_PATTERN, re.IGNORECASE),
        # numbers that are identifiers, years or parts of a date (an OCR-garbled "44 Maret 2925"
        # is still a date, not "2925 Bupati" on the next line)
        "skip_before": re.compile(r"(?i)(?:\bnomor|\bno\.?|\bnr\.?|\bpasal|\bayat\s*\(|\bhuruf|\bangka"
                                  r"|\btahun|\bth\.?|\bbab|\bprioritas|\bke-?|/|\btanggal"
                                  r"|\b(?:" + MONTH_PATTERN + r"))\s*$"),
    }


# Digits OCR reads for one another (one character of the printed number).
_DIGIT_CONFUSIONS = {"0": "689", "1": "7", "2": "7", "3": "58", "5": "368", "6": "058", "7": "12",
                     "8": "03569", "9": "08"}
# A number with letters OCR puts for digits, followed by its words: "Rp 1S.8OO,00 (enam …)".
_LOOSE_NUMBER = re.compile(r"(?<![\w.,/])(?P<num>(?=[0-9OoIlSB|.,]*\d)[0-9OoIlSB|](?:[0-9OoIlSB|.,]*[0-9OoIlSB|])?)"
                           r"(?P<terb>\s*\(\s*(?P<words>[A-Za-z][A-Za-z\s-]*?)\s*\))")
_LOOSE_DIGITS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "S": "5", "B": "8"})


def _in(spans, offset: int) -> bool:
    return any(a <= offset < b for a, b in spans)


def _one_confusion_away(digits: str, value) -> bool:
    """Whether changing one digit of ``digits`` into one OCR confuses it with gives ``value``."""
    for i, ch in enumerate(digits):
        for alt in _DIGIT_CONFUSIONS.get(ch, ""):
            v = parse_number(digits[:i] + alt + digits[i + 1:])
            if v is not None and abs(float(v) - float(value)) < 1e-9:
                return True
    return False


def _unreadable_digits(text: str, ocr) -> list[tuple]:
    """Candidates for OCR'd numbers whose digits hold letters, read as digits and words agree."""
    out = []
    for a, b in ocr:
        for m in _LOOSE_NUMBER.finditer(text, a, b):
            raw = m.group("num")
            if raw.isdigit() or re.fullmatch(NUMBER_PATTERN, raw):
                continue
            tb = parse_terbilang(m.group("words"))
            digits = parse_number(raw.translate(_LOOSE_DIGITS))
            if tb.value is None:
                continue
            if digits is None or abs(float(digits) - float(tb.value)) > 1e-9:
                # the words alone say what the number is only if the digits could be it at all
                if len(re.sub(r"\D", "", raw.translate(_LOOSE_DIGITS))) < len(str(int(tb.value))) - 1:
                    continue
            out.append((m.start(), m.end(), tb.value, m.group("words"), m.start("num"), m.end("num")))
    return out


def _bound(left: str) -> str | None:
    """"min" or "max" from the bound words nearest before the number."""
    best = None
    for rx, name in _conf()["bounds"]:
        for m in rx.finditer(left):
            if best is None or m.start() > best[0]:
                best = (m.start(), name)
    return best[1] if best else None


def extract_targets(text: str, structure: Structure, pages: PageMap, *, exclude=None,
                    skip=None) -> list[dict]:
    """Quantities in ``text``. ``exclude`` holds (start, end) spans that are not quantities
    (citations "Nomor 13 Tahun 1950", gazettes); ``skip(offset)`` marks page furniture."""
    c = _conf()
    taken = bytearray(len(text) + 1)  # 1 where a character already belongs to a fact or citation
    for a, b in exclude or []:
        taken[a:b] = b"\x01" * (b - a)
    out: list[dict] = []

    def free(s: int, e: int) -> bool:
        return taken.find(1, s, e) < 0

    def emit(kind, value, unit, s, e, **extra):
        if skip is not None and skip(s):
            return
        loc = structure.locate(s)
        rec = {"kind": kind, "value": value, "unit": unit, "text": squash(text[s:e]),
               "pasal": loc.pasal, "ayat": loc.ayat, "page": pages.page(s), "start": s, "end": e,
               "bound": extra.pop("bound", None), "flags": extra.pop("flags", [])}
        rec.update(extra)
        out.append(rec)
        taken[s:e] = b"\x01" * (e - s)

    # Planning periods ("RPJMD tahun 2025-2029") and deadlines with a date come first: their
    # numbers are not quantities of their own.
    for m in c["period"].finditer(text):
        y1, y2 = int(m.group("y1")), int(m.group("y2"))
        lo, hi = c["plausible"]
        flags = [] if (lo <= y1 <= y2 <= hi) else ["implausible"]
        emit("period", f"{y1}/{y2}", "tahun", m.start(), m.end(), flags=flags)
    leads = list(c["lead"].finditer(text))
    for m in leads:
        if not c["deadline_lead"].search(m.group("lead")):
            continue
        for key, kind_unit in (("deadline_day", "tanggal"), ("deadline_year", "tahun"), ("deadline_date", "date")):
            dm = c[key].match(text, m.end())
            if dm and free(m.start(), dm.end()):
                value = (int(dm.group("day")) if key == "deadline_day" else
                         dm.group("year") if key == "deadline_year" else parse_tanggal(dm.group("date")))
                emit("deadline", value, kind_unit, m.start(), dm.end(), bound="max")
                break
    for m in c["date"].finditer(text):
        taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())

    candidates = []
    for m in c["number"].finditer(text):
        value = parse_number(m.group("num"))
        if value is None:
            continue
        if m.group("scale"):
            value = value * c["scales"][m.group("scale").lower()]
            value = int(value) if float(value).is_integer() else value
        candidates.append((m.start(), m.end(), value, m.group("words"), m.start("num"), m.end("num")))
    for lm in leads:
        m = c["spelled_tail"].match(text, lm.end())
        if not m:
            continue
        words = m.group("words").split()
        n = 0
        while n < len(words) and words[n].lower() in c["number_words"]:
            n += 1
        if not n:
            continue
        tb = parse_terbilang(" ".join(words[:n]))
        if tb.value is None:
            continue
        start = m.start("words")
        wm = re.match(r"\s*" + r"\s+".join(re.escape(w) for w in words[:n]), text[start:])
        end = start + wm.end() if wm else start + len(" ".join(words[:n]))
        candidates.append((start, end, tb.value, None, start, end))
    ocr = pages.ocr_spans()
    if ocr:
        loose = _unreadable_digits(text, ocr)
        # "Rp 1S.8OO,00": the "1" alone is not a number of its own
        candidates = [c for c in candidates if not any(s < c[1] and c[0] < e for s, e, *_ in loose)]
        candidates += loose
    candidates.sort()

    prev_end = 0
    prev_kind = None
    for s, e, value, words, ns, ne in candidates:
        if not free(s, e):
            prev_end = max(prev_end, e)
            prev_kind = None
            continue
        left = text[max(prev_end, s - 60):ns]
        left_words = left.split()
        right = text[e:e + 60]
        ch_before = text[ns - 1] if ns > 0 else " "
        flags = []
        extra = {}
        if words is not None:
            tb = parse_terbilang(words)
            if tb.value is None:
                flags.append("terbilang_unreadable")
            else:
                if tb.fuzzy:
                    flags.append("terbilang_typo")
                if abs(float(tb.value) - float(value)) > 1e-9 and ocr and _in(ocr, ns) \
                        and _one_confusion_away(text[ns:ne], tb.value):
                    value = tb.value
                    flags.append("ocr_digits_corrected")
                elif abs(float(tb.value) - float(value)) > 1e-9:
                    flags.append("terbilang_mismatch")
                    extra["terbilang_value"] = tb.value
                if ocr and not re.fullmatch(NUMBER_PATTERN, text[ns:ne]):
                    flags.append("ocr_digits_corrected")  # digits with letters in them
        kind = unit = None
        if c["currency"].search(left):
            kind, unit = "amount", "IDR"
            pm = c["per"].match(right)
            if pm:
                extra["per"] = c["per_words"][pm.group("p").lower()]
                e_full = e + pm.end()
            else:
                e_full = e
        elif ch_before.isalpha() or c["skip_before"].search(left):
            prev_end, prev_kind = e, None
            continue
        elif c["percent"].match(right):
            kind, unit = "percent", "%"
            e_full = e + c["percent"].match(right).end()
        elif (tm := c["time"].match(right)):
            unit = c["time_units"][re.sub(r"\s+", " ", tm.group("u").lower())]
            e_full = e + tm.end()
            window = " ".join(left_words[-4:])
            if unit == "tahun" and (c["age"].search(window)
                                    or (prev_kind == "age" and c["coordination"].match(" ".join(left_words) + " "))):
                kind = "age"
            elif c["deadline"].search(window):
                kind = "deadline"
            else:
                kind = "duration"
        elif (am := c["area"].match(right)):
            kind, unit = "area", c["area_units"][re.sub(r"\s+", " ", am.group("u").lower())]
            e_full = e + am.end()
        elif (cm := c["count"].match(right)):
            kind = "count"
            unit = c["count_units"][re.sub(r"\s+", " ", cm.group("u").lower())]
            e_full = e + cm.end()
        else:
            prev_end, prev_kind = e, None
            continue
        # keep the bound words ("paling lama") in the quoted text
        window_words = left_words[-4:]
        bound = _bound(" ".join(window_words))
        s_full = s
        bm = re.search(r"(?i)(?:paling\s+\w+|serendah-rendahnya|setinggi-tingginya|minimal|maksimal|sekurang-kurangnya|selambat-lambatnya"
                       r"|setiap|sebanyak|sekitar|usia|berumur|belum\s+mencapai)\s*$", left)
        if bm:
            s_full = ns - (len(left) - bm.start())
        if kind == "amount":
            cm2 = re.search(r"(?i)(?:rp\.?|idr)\s*$", left)
            s_full = ns - (len(left) - cm2.start()) if cm2 else s_full
        emit(kind, value, unit, s_full, e_full, bound=bound, flags=flags, **extra)
        prev_end = e_full
        prev_kind = kind
    out.sort(key=lambda r: r["start"])
    return out
